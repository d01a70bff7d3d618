/* SPDX-License-Identifier: MIT */
/* agent-events: session files in, agent-event(5) NDJSON out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "agents/events.h"
#include "cli.h"

static const char usage[] =
	"usage: agent-events [--agent agent] [--files-from file] [--select program]\n"
	"                    [--since time] [--until time] [--no-text] [file ...]\n"
	"       agent-events -h | -V\n";

/* The agents' names come from agent_list (make_help). */
static const char help_fmt[] =
	"Read agent session files and write agent-event(5) records.\n"
	"\n"
	"  -a, --agent AGENT         read every file as %s\n"
	"  -f, --files-from FILE     the session files' paths, one a line or\n"
	"                            NUL-separated (- is standard input)\n"
	"  -s, --select PROGRAM      keep the records a jq PROGRAM selects\n"
	"      --since TIME          only records at or after TIME\n"
	"      --until TIME          only records before TIME\n"
	"      --no-text             leave the prompt and response text out\n"
	"  -h, --help                print this help and exit\n"
	"  -V, --version             print the version and exit\n";

static struct cli cli = {usage, NULL};

static void make_help(void)
{
	struct sbuf h = {0};
	sb_printf(&h, help_fmt, agent_names(", ", " or "));
	cli.help = h.p;
}

/* --- the order files are read in ------------------------------------------
 *
 * Records are attributed as they stream, so the files of one session
 * group are read together: the session's own file, then its resume
 * copies and subagent transcripts, oldest first.  Groups go oldest first.
 * A file's group and age come from its head (AGENT_SNIFF_SIZE), not its
 * place in the arguments, so any order of the same files gives the same
 * output. */
struct infile {
	const char *path;
	char *group;            /* the parent session's id, or the path */
	int64_t ts, gts;        /* the file's first time, its group's oldest */
	int sub;                /* 0 the session's own file, 1 a subagent's */
	int pos;                /* place among the operands */
	bool scanned;           /* a regular file whose head was read */
};

/* The string value of the first "key" in the head ("key": "v" too). */
static char *head_value(const char *h, size_t n, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = h, *e = h + n; (p = memmem(p, (size_t)(e - p), key, kl)); p += kl) {
		const char *q = p + kl;
		if (p == h || p[-1] != '"' || q >= e || *q != '"')
			continue;
		q++;
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= e || *q != ':')
			continue;
		q++;
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= e || *q != '"')
			continue;
		const char *v = ++q;
		while (q < e && *q != '"' && *q != '\\' && q - v < 200)
			q++;
		if (q >= e || *q != '"' || q == v)
			continue;
		return xstrndup(v, (size_t)(q - v));
	}
	return NULL;
}

/* The earliest time in the head, under any agent's time keys. */
static int64_t head_ts(const char *h, size_t n)
{
	int64_t best = TS_NONE;
	for (const struct agent *const *a = agent_list; *a; a++)
		for (const char *const *k = (*a)->time_keys; k && *k; k++) {
			char *v = head_value(h, n, *k);
			int64_t t = v ? ts_parse(v, strlen(v)) : TS_NONE;
			free(v);
			if (t != TS_NONE && (best == TS_NONE || t < best))
				best = t;
		}
	return best;
}

/* The session the head names, under the first agent's group key found. */
static char *head_group(const char *h, size_t n)
{
	for (const struct agent *const *a = agent_list; *a; a++)
		for (const char *const *k = (*a)->group_keys; k && *k; k++) {
			char *v = head_value(h, n, *k);
			if (v)
				return v;
		}
	return NULL;
}

/* Is path named as a subagent's file by some agent?  *parent: the
 * parent session's id when the path names it. */
static int subagent(const char *path, char **parent)
{
	int sub = 0;
	for (const struct agent *const *a = agent_list; *a; a++) {
		char *p = NULL;
		if ((*a)->subagent && (*a)->subagent(path, &p)) {
			sub = 1;
			if (p && !*parent)
				*parent = p;
			else
				free(p);
		}
	}
	return sub;
}

static void scan(struct infile *f)
{
	const char *path = f->path;
	struct stat st;
	char *parent = NULL;
	f->ts = TS_NONE;
	f->sub = subagent(path, &parent);
	if (!strcmp(path, "-") || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(parent);
		return;         /* stdin, a pipe: read once, where it stands */
	}
	f->scanned = true;
	f->group = parent;
	/* an unreadable file is reported when its turn comes */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	static char h[AGENT_SNIFF_SIZE];
	size_t n = 0;
	while (n < sizeof h) {
		ssize_t k = read(fd, h + n, sizeof h - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	f->ts = head_ts(h, n);
	if (!f->group)
		f->group = head_group(h, n);
}

static int by_group(const void *a, const void *b)
{
	const struct infile *x = a, *y = b;
	if (!x->group || !y->group)
		return x->group ? -1 : y->group ? 1 : x->pos - y->pos;
	int c = strcmp(x->group, y->group);
	return c ? c : x->pos - y->pos;
}

static int cmp_ts(int64_t a, int64_t b)
{
	if (a == b)
		return 0;
	if (a == TS_NONE || b == TS_NONE)
		return a == TS_NONE ? 1 : -1;
	return a < b ? -1 : 1;
}

static int by_order(const void *a, const void *b)
{
	const struct infile *x = a, *y = b;
	if (!x->group || !y->group)
		return x->group ? -1 : y->group ? 1 : x->pos - y->pos;
	int c;
	if ((c = cmp_ts(x->gts, y->gts)) || (c = strcmp(x->group, y->group)))
		return c;
	if (x->sub != y->sub)
		return x->sub - y->sub;
	if ((c = cmp_ts(x->ts, y->ts)) || (c = strcmp(x->path, y->path)))
		return c;
	return x->pos - y->pos;
}

/* A file some agent reads with another (a subagent's metadata beside
 * its transcript) is not read on its own. */
static bool companion(const char *path)
{
	for (const struct agent *const *a = agent_list; *a; a++)
		if ((*a)->companion && (*a)->companion(path))
			return true;
	return false;
}

static struct infile *order_files(int n, char **v)
{
	struct infile *f = xcalloc((size_t)n + 1, sizeof *f);
	for (int i = 0; i < n; i++) {
		f[i].path = v[i];
		f[i].pos = i;
		scan(&f[i]);
		if (f[i].scanned && !f[i].group)
			f[i].group = xstrdup(v[i]);
	}
	qsort(f, (size_t)n, sizeof *f, by_group);
	for (int i = 0, j; i < n; i = j) {
		int64_t g = f[i].ts;
		for (j = i + 1; j < n && f[i].group && f[j].group && !strcmp(f[i].group, f[j].group); j++)
			if (cmp_ts(f[j].ts, g) < 0)
				g = f[j].ts;
		for (int k = i; k < j; k++)
			f[k].gts = g;
	}
	qsort(f, (size_t)n, sizeof *f, by_order);
	return f;
}

static void one_file(struct ev_ctx *c, const char *path, const struct agent *force)
{
	struct lreader r;
	if (lr_open(&r, path) < 0)
		return;
	const char *head;
	size_t n = lr_peek(&r, AGENT_SNIFF_SIZE, &head);
	const struct agent *a = force ? force : agent_sniff(head, n, path);
	if (!n && r.failed) {
		/* the read error is said; a directory is no "unknown format" */
	} else if (!n) {
		diag_at(r.name, 0, "empty file");
		diag_errors++;
	} else if (!a) {
		diag_at(r.name, 0, "not a %s session (unknown format)", agent_titles());
		diag_errors++;
	} else {
		a->run(c, &r, path);
		ev_file_done(c);
	}
	lr_close(&r);
	out_maybe_flush();
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"agent", required_argument, NULL, 'a'},
		{"files-from", required_argument, NULL, 'f'},
		{"select", required_argument, NULL, 's'},
		{"since", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'U'},
		{"no-text", no_argument, NULL, 'n'},
		CLI_LONGOPTS
	};
	struct ev_ctx c;
	const struct agent *force = NULL;
	const char *files_from = NULL, *program = NULL;
	int ch;

	diag_init(argv[0]);
	make_help();
	ev_ctx_init(&c);
	while ((ch = getopt_long(argc, argv, "a:f:s:" CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (!(force = agent_find(optarg, strlen(optarg))))
				die(2, "unknown agent '%s' (%s)", optarg, agent_names(", ", ", "));
			break;
		case 'f': files_from = optarg; break;
		case 's': program = optarg; break;
		case 'S':
		case 'U': {
			int64_t t = ts_parse_user(optarg);
			if (t == TS_NONE)
				die(2, "--%s: not a time: %s", ch == 'S' ? "since" : "until", optarg);
			*(ch == 'S' ? &c.since : &c.until) = t;
			break;
		}
		case 'n': c.wflags |= EVW_NOTEXT; break;
		default: cli_default(&cli, ch);
		}
	}
	struct operands ops;
	if (files_from) {
		ops.v = argv + optind;
		ops.n = argc - optind;
		ops.owned = false;
		/* a list that is no list, or holds no names with nothing
		 * beside it, is a failure before any output */
		int rc = operands_from_file(&ops, files_from);
		if (rc < 0 || (rc > 0 && !ops.n))
			return 2;
		if (rc > 0)
			diag_errors++;
	} else {
		operands_init(&ops, argc - optind, argv + optind);
	}
	if (program) {
		c.select = select_compile(program);
		c.select_match = select_match;
	}
	struct infile *files = order_files(ops.n, ops.v);
	for (int i = 0; i < ops.n; i++) {
		if (!companion(files[i].path))
			one_file(&c, files[i].path, force);
		free(files[i].group);
	}
	free(files);
	out_flush();
	operands_free(&ops);
	select_free(c.select);
	ev_ctx_free(&c);
	effects_done();
	return diag_errors ? 1 : 0;
}
