/* SPDX-License-Identifier: MIT */
/* agent-sessions: find the session histories of the agents agentpprof
 * knows (common/agents/) and list them, the most recently active last. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agents/sessions.h"
#include "cli.h"
#include "util.h"

struct sess {
	struct history_file f;  /* where it was found, by which agent */
	struct session_meta m;
	char *subagent_type;    /* from a file beside it */
	bool ok;
	bool listed;            /* one of a database's sessions, read with it */
	/* probed by a worker thread (probe_all), reported in order */
	struct probed {
		int err;        /* errno of open or fstat, else 0 */
		int what;       /* P_* */
		int rc;         /* session_probe_parallel's */
		uint64_t key;   /* devino */
		char *why;
	} *pr;
};
enum { P_NONE, P_OPEN, P_STAT, P_NOTREG, P_DIR, P_PROBED };

static struct sess *sv;
static size_t sn;
static struct hmap seen_files;
static int status;

/* what to keep */
static unsigned agents;         /* 1 << place in agent_list; 0 = all */
static char *root_real, *root_abs;
static int64_t since = TS_NONE, until = TS_NONE;
static char **idv;
static int idn;

static const char usage[] =
	"usage: agent-sessions [-0j] [-a agent] [--project-root dir] [--since time]\n"
	"                      [--until time] [--session-id prefix] [--home dir] [dir ...]\n"
	"       agent-sessions -h | -V\n";

/* The agents' names and titles come from agent_list (make_help). */
static const char help_fmt[] =
	"Find %s session files and print their\n"
	"paths, ordered by last activity, the newest last.\n"
	"\n"
	"  -a, --agent A           only agent A: %s (repeatable,\n"
	"                          or a comma list)\n"
	"      --project-root DIR  only sessions whose recorded cwd is DIR or below\n"
	"      --since T           only sessions active at or after T (a date,\n"
	"                          RFC 3339, a span before now as 90m, 36h, 7d, or @epoch)\n"
	"      --until T           only sessions active at or before T\n"
	"      --session-id P      only sessions whose id, or parent's id, starts with P\n"
	"  -j, --json              one JSON object per session instead of its path\n"
	"  -0, --null              end each path with NUL instead of newline\n"
	"      --home DIR          look under DIR instead of $HOME\n"
	"  DIR                     also look in DIR for the histories agents keep\n"
	"                          in projects, as in --project-root\n"
	"  -h, --help              print this help and exit\n"
	"  -V, --version           print the version and exit\n";

static struct cli cli = {usage, NULL};

/* "Find A, B and C session files ...": the titles joined */
static void make_help(void)
{
	const char *t = agent_titles(), *or = strstr(t, " or ");
	struct sbuf titles = {0}, h = {0};
	if (or) {
		sb_add(&titles, t, (size_t)(or - t));
		sb_adds(&titles, " and ");
		sb_adds(&titles, or + 4);
	} else {
		sb_adds(&titles, t);
	}
	sb_printf(&h, help_fmt, titles.p, agent_names(", ", ", "));
	sb_free(&titles);
	cli.help = h.p;
}

static void bad(const char *path, const char *msg)
{
	diag_at(path, 0, "%s", msg);
	status = 1;
}

static uint64_t devino(const struct stat *st)
{
	uint64_t k[2] = {(uint64_t)st->st_dev, (uint64_t)st->st_ino};
	return hash64(k, sizeof k, 0x5e551);
}

/* Every selected agent's history under home, in the order of
 * agent_list. */
static void find_all(const char *home, const char *const *dirs)
{
	struct history h = {.error = bad, .dirs = dirs, .root = root_real};
	for (int i = 0; agent_list[i]; i++) {
		if (agents && !(agents & 1u << i))
			continue;
		h.agent = agent_list[i];
		if (h.agent->find)
			h.agent->find(&h, home);
	}
	sv = xcalloc(h.n + 1, sizeof *sv);
	for (size_t i = 0; i < h.n; i++)
		sv[i].f = h.v[i];
	sn = h.n;
	free(h.v);
	hm_free(&h.seen_dirs);
}

/* The files are probed by threads first (probe_all), each file's outcome
 * kept in s->pr; probe() then takes them in order, so that messages,
 * which of two names of one file is listed, and the probes of agents
 * whose probes keep state (read here, one at a time) are as with one
 * thread. */
static void probe(struct sess *s)
{
	struct stat st;
	const char *why;
	bool ins;
	struct probed *pr = s->pr;
	if (pr) {
		s->pr = NULL;
		if (pr->what == P_OPEN || pr->what == P_STAT)
			bad(s->f.path, strerror(pr->err));
		else if (pr->what == P_NOTREG || pr->what == P_DIR)
			bad(s->f.path, pr->what == P_DIR ? "is a directory" : "not a regular file");
		else if (hm_put(&seen_files, pr->key, &ins), !ins)
			session_meta_free(&s->m);       /* seen under another name */
		else if (pr->rc == 1)
			pr->what = P_NONE;              /* its agent's probe: here */
		else if (pr->rc)
			bad(s->f.path, pr->why);
		else
			s->ok = true;
		bool again = pr->what == P_NONE;
		free(pr->why);
		free(pr);
		if (!again)
			return;
		/* the file was counted in seen_files above */
		int fd = open(s->f.path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			bad(s->f.path, strerror(errno));
		} else if (fstat(fd, &st)) {
			bad(s->f.path, strerror(errno));
		} else if (session_probe(fd, s->f.path, (uint64_t)st.st_size, &s->m, &why)) {
			bad(s->f.path, why);
		} else {
			s->ok = true;
		}
		if (fd >= 0)
			close(fd);
		return;
	}
	int fd = open(s->f.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bad(s->f.path, strerror(errno));
		return;
	}
	if (fstat(fd, &st)) {
		bad(s->f.path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		bad(s->f.path, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
	} else if (hm_put(&seen_files, devino(&st), &ins), ins) {
		if (session_probe(fd, s->f.path, (uint64_t)st.st_size, &s->m, &why))
			bad(s->f.path, why);
		else
			s->ok = true;
	}
	close(fd);
}

static struct {
	size_t next, n;
	int done;               /* threads out of work */
	pthread_mutex_t lock;
	pthread_cond_t cv;
} work = {0, 0, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

/* arg: NULL in the main thread, else a thread of probe_all's, which
 * then waits for the end of the process: its sniffs' thread-local
 * buffers stay in use, as agent-events' workers' do. */
static void *prober(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&work.lock);
		size_t i = work.next < work.n ? work.next++ : work.n;
		pthread_mutex_unlock(&work.lock);
		if (i == work.n)
			break;
		struct sess *s = &sv[i];
		struct probed *pr = xcalloc(1, sizeof *pr);
		struct stat st;
		const char *why = NULL;
		int fd = open(s->f.path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			pr->what = P_OPEN, pr->err = errno;
		} else if (fstat(fd, &st)) {
			pr->what = P_STAT, pr->err = errno;
		} else if (!S_ISREG(st.st_mode)) {
			pr->what = S_ISDIR(st.st_mode) ? P_DIR : P_NOTREG;
		} else {
			pr->what = P_PROBED;
			pr->key = devino(&st);
			pr->rc = session_probe_parallel(fd, s->f.path, (uint64_t)st.st_size, &s->m, &why);
			if (pr->rc < 0)
				pr->why = xstrdup(why);
		}
		if (fd >= 0)
			close(fd);
		s->pr = pr;
	}
	if (!arg)
		return NULL;
	pthread_mutex_lock(&work.lock);
	work.done++;
	pthread_cond_broadcast(&work.cv);
	for (;;)
		pthread_cond_wait(&work.cv, &work.lock);
}

/* Probe sv[0..sn) with a thread per online CPU (at most 8): reading the
 * heads is most of the work, and nothing runs beside agent-sessions in a
 * pipeline until it has listed every file.  A few files are read by
 * probe() alone. */
static void probe_all(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nt = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu;
	if (nt < 2 || sn < 32)
		return;
	pthread_attr_t at;
	work.next = 0;
	work.n = sn;
	int started = 0;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	for (int t = 0; t < nt - 1; t++) {
		pthread_t th;
		if (pthread_create(&th, &at, prober, &work) == 0)
			started++;
	}
	pthread_attr_destroy(&at);
	prober(NULL);
	pthread_mutex_lock(&work.lock);
	while (work.done < started)
		pthread_cond_wait(&work.cv, &work.lock);
	pthread_mutex_unlock(&work.lock);
}

/* A database holds many sessions (session_meta.next): one entry each,
 * after the others, read already.  Returns sv[i] (sv may move). */
static struct sess *expand(size_t i)
{
	size_t k = 0;
	for (struct session_meta *n = sv[i].m.next; n; n = n->next)
		k++;
	sv = xrealloc(sv, (sn + k + 1) * sizeof *sv);
	struct session_meta *n = sv[i].m.next;
	sv[i].m.next = NULL;
	while (n) {
		struct sess *s = &sv[sn++];
		memset(s, 0, sizeof *s);
		s->f = sv[i].f;
		s->f.path = xstrdup(sv[i].f.path);
		s->f.place = sv[i].f.place ? xstrdup(sv[i].f.place) : NULL;
		s->m = *n;
		s->m.next = NULL;
		s->ok = s->listed = true;
		struct session_meta *nx = n->next;
		free(n);
		n = nx;
	}
	return &sv[i];
}

/* A session found both as an archived copy and not: the one not archived
 * is the one its agent still writes to.  Both must be the agent's whose
 * history they were found in. */
static uint64_t copy_key(const struct sess *s)
{
	uint64_t k = hash64(s->m.id, strlen(s->m.id), 0);
	return hash64(&s->f.agent, sizeof s->f.agent, k);
}

static void drop_archived_copies(void)
{
	struct hmap active = {0};
	for (size_t i = 0; i < sn; i++)
		if (sv[i].ok && !sv[i].f.copy && sv[i].m.agent == sv[i].f.agent)
			hm_put(&active, copy_key(&sv[i]), NULL);
	for (size_t i = 0; i < sn; i++)
		if (sv[i].ok && sv[i].f.copy && sv[i].m.agent == sv[i].f.agent &&
		    hm_get(&active, copy_key(&sv[i])))
			sv[i].ok = false;
	hm_free(&active);
}

static bool selected(const struct sess *s)
{
	const struct session_meta *m = &s->m;
	if (!s->ok || (agents && !(agents & 1u << agent_index(m->agent))))
		return false;
	if (root_real && (!m->cwd || !(path_under(m->cwd, root_real) ||
	    path_under(m->cwd, root_abs))))
		return false;
	if (since != TS_NONE && (m->last == TS_NONE || m->last < since))
		return false;
	if (until != TS_NONE && (m->first == TS_NONE || m->first > until))
		return false;
	if (idn) {
		int i;
		for (i = 0; i < idn; i++) {
			size_t l = strlen(idv[i]);
			if ((m->id && !strncmp(m->id, idv[i], l)) ||
			    (m->parent && !strncmp(m->parent, idv[i], l)))
				break;
		}
		if (i == idn)
			return false;
	}
	return true;
}

static int by_last(const void *a, const void *b)
{
	const struct sess *x = a, *y = b;
	if (x->m.last != y->m.last)
		return x->m.last < y->m.last ? -1 : 1;   /* TS_NONE is the least */
	return strcmp(x->m.name ? x->m.name : x->f.path, y->m.name ? y->m.name : y->f.path);
}

static void json_member(const char *key, const char *val)
{
	if (!val)
		return;
	sb_printf(&stdout_sb, ",\"%s\":", key);
	sb_json_str(&stdout_sb, val, strlen(val));
}

static void json_ts(const char *key, int64_t t)
{
	char buf[25];
	if (t == TS_NONE)
		return;
	ts_format(t, buf);
	json_member(key, buf);
}

static void print_json(const struct sess *s)
{
	const struct session_meta *m = &s->m;
	const char *name = m->agent->name;
	sb_adds(&stdout_sb, "{\"agent\":");
	sb_json_str(&stdout_sb, name, strlen(name));
	json_member("id", m->id);
	json_member("path", s->m.name ? s->m.name : s->f.path);
	json_member("cwd", m->cwd);
	json_ts("first", m->first);
	json_ts("last", m->last);
	sb_printf(&stdout_sb, ",\"bytes\":%llu", (unsigned long long)m->bytes);
	json_member("parent", m->parent);
	json_member("subagent_type", s->subagent_type);
	json_member("version", m->version);
	sb_adds(&stdout_sb, "}\n");
}

static void parse_agents(const char *arg)
{
	const char *p = arg;
	for (;;) {
		size_t l = strcspn(p, ",");
		const struct agent *a = agent_find(p, l);
		if (!a) {
			cli_usage_error(&cli, "unknown agent: %.*s (%s)", (int)l, p,
				agent_names(", ", " or "));
		}
		agents |= 1u << agent_index(a);
		if (!p[l])
			break;
		p += l + 1;
	}
}

static int64_t parse_time(const char *opt, const char *arg)
{
	int64_t t = ts_parse_user(arg);
	if (t == TS_NONE)
		cli_usage_error(&cli, "%s: not a time: %s", opt, arg);
	return t;
}

/* --project-root: its real path, and the path as given made absolute
 * (sessions record the cwd they were started in, which may be a symlink). */
static void set_root(const char *dir)
{
	char cwd[PATH_MAX];
	free(root_real);
	free(root_abs);
	if (!(root_real = realpath(dir, NULL)))
		die(2, "%s: %s", dir, strerror(errno));
	if (*dir == '/' || !getcwd(cwd, sizeof cwd))
		root_abs = xstrdup(dir);
	else
		root_abs = path_join(cwd, dir);
	size_t l = strlen(root_abs);
	while (l > 1 && root_abs[l - 1] == '/')
		root_abs[--l] = 0;
}

/* Read the head (and tail) of every file found, drop archived copies and
 * what the selectors leave out; the sessions kept stay at the front of
 * sv.  Returns their number. */
static size_t read_and_select(bool json)
{
	probe_all();
	for (size_t i = 0; i < sn; i++) {
		struct sess *s = &sv[i];
		if (!s->listed)
			probe(s);
		if (s->ok && s->m.next)
			s = expand(i);
		if (!s->ok)
			continue;
		const struct agent *a = s->m.agent;
		/* where it lies tells what its records do not */
		if (!s->m.cwd && a->cwd_of)
			s->m.cwd = a->cwd_of(s->f.place, &s->m, root_real, root_abs);
		if (json && s->m.parent && a->subagent_type)
			s->subagent_type = a->subagent_type(s->f.path);
	}
	drop_archived_copies();
	size_t kept = 0;
	for (size_t i = 0; i < sn; i++) {
		if (selected(&sv[i])) {
			sv[kept++] = sv[i];
			continue;
		}
		session_meta_free(&sv[i].m);
		free(sv[i].f.path);
		free(sv[i].f.place);
		free(sv[i].subagent_type);
	}
	sn = kept;
	return kept;
}

int main(int argc, char **argv)
{
	enum { O_ROOT = 256, O_SINCE, O_UNTIL, O_ID, O_HOME };
	static const struct option lo[] = {
		{"agent", required_argument, NULL, 'a'},
		{"project-root", required_argument, NULL, O_ROOT},
		{"since", required_argument, NULL, O_SINCE},
		{"until", required_argument, NULL, O_UNTIL},
		{"session-id", required_argument, NULL, O_ID},
		{"json", no_argument, NULL, 'j'},
		{"null", no_argument, NULL, '0'},
		{"home", required_argument, NULL, O_HOME},
		CLI_LONGOPTS
	};
	const char *home = getenv("HOME");
	bool json = false, nul = false;
	int c;

	diag_init(argv[0]);
	make_help();
	idv = xcalloc((size_t)argc, sizeof *idv);
	while ((c = getopt_long(argc, argv, "0a:j" CLI_SHORTOPTS, lo, NULL)) != -1) {
		switch (c) {
		case 'a': parse_agents(optarg); break;
		case O_ROOT: set_root(optarg); break;
		case O_SINCE: since = parse_time("--since", optarg); break;
		case O_UNTIL: until = parse_time("--until", optarg); break;
		case O_ID: idv[idn++] = optarg; break;
		case 'j': json = true; break;
		case '0': nul = true; break;
		case O_HOME: home = optarg; break;
		default: cli_default(&cli, c);
		}
	}
	/* the places of project histories: --project-root, the operands */
	const char **dirs = xcalloc((size_t)(argc - optind) + 2, sizeof *dirs);
	int nd = 0;
	if (root_real)
		dirs[nd++] = root_real;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) || !S_ISDIR(st.st_mode))
			cli_usage_error(&cli, "not a directory: %s", argv[i]);
		dirs[nd++] = argv[i];
	}
	if (json && nul)
		cli_usage_error(&cli, "-0 lists paths; it does not go with --json");
	if (!home || !*home)
		die(2, "HOME is not set; give --home");

	find_all(home, dirs);
	size_t kept = read_and_select(json);
	if (kept)
		sort_n(sv, kept, sizeof *sv, by_last);
	for (size_t i = 0; i < kept; i++) {
		if (json) {
			print_json(&sv[i]);
		} else {
			sb_adds(&stdout_sb, sv[i].m.name ? sv[i].m.name : sv[i].f.path);
			sb_addc(&stdout_sb, nul ? '\0' : '\n');
		}
		out_maybe_flush();
	}
	out_flush();
	free(dirs);
	return kept ? status : 1;
}
