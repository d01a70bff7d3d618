/* agent-sessions: find the session histories of Claude Code, Codex CLI and
 * Gemini CLI and list them, the most recently active last. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agents/sessions.h"
#include "cli.h"
#include "util.h"

/* Where a file was found: it decides which names are sessions and, for
 * Codex, which copy of a session wins. */
enum { LOC_CLAUDE, LOC_CODEX, LOC_CODEX_ARCHIVED, LOC_GEMINI, LOC_GEMINI_SUB };

struct sess {
	char *path;
	int loc;
	char *gemdir;           /* Gemini: the ~/.gemini/tmp/<project> directory */
	struct session_meta m;
	char *subagent_type;    /* Claude 2.1: agentType of agent-ID.meta.json */
	bool ok;
};

static struct sess *sv;
static size_t sn, scap;
static struct hmap seen_dirs, seen_files;
static int status;

/* what to keep */
static unsigned agents;         /* 1 << AGENT_*; 0 = all */
static char *root_real, *root_abs;
static char root_hash[2][65];
static int64_t since = TS_NONE, until = TS_NONE;
static char **idv;
static int idn;

static const char usage[] =
	"usage: agent-sessions [-0j] [-a agent] [--project-root dir] [--since time]\n"
	"                      [--until time] [--session-id prefix] [--home dir]\n"
	"       agent-sessions -h | -V\n";

static const char help[] =
	"Find Claude Code, Codex CLI and Gemini CLI session files and print their\n"
	"paths, ordered by last activity, the newest last.\n"
	"\n"
	"  -a, --agent A           only agent A: claude, codex, gemini (repeatable,\n"
	"                          or a comma list)\n"
	"      --project-root DIR  only sessions whose recorded cwd is DIR or below\n"
	"      --since T           only sessions active at or after T (a date,\n"
	"                          RFC 3339, a span before now as 90m, 36h, 7d, or @epoch)\n"
	"      --until T           only sessions active at or before T\n"
	"      --session-id P      only sessions whose id, or parent's id, starts with P\n"
	"  -j, --json              one JSON object per session instead of its path\n"
	"  -0, --null              end each path with NUL instead of newline\n"
	"      --home DIR          look under DIR instead of $HOME\n"
	"  -h, --help              print this help and exit\n"
	"  -V, --version           print the version and exit\n";

static const struct cli cli = {usage, help};

static void bad(const char *path, const char *msg)
{
	diag_at(path, 0, "%s", msg);
	status = 1;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n > k && !strcmp(s + n - k, suf);
}

static bool is_session_name(int loc, const char *name)
{
	switch (loc) {
	case LOC_CODEX:
		return !strncmp(name, "rollout-", 8) && ends_with(name, ".jsonl");
	case LOC_GEMINI:
		return !strncmp(name, "session-", 8) &&
			(ends_with(name, ".json") || ends_with(name, ".jsonl"));
	case LOC_GEMINI_SUB:
		/* chats/<session>/<subagent id>.json{,l} */
		return ends_with(name, ".json") || ends_with(name, ".jsonl");
	default:
		return ends_with(name, ".jsonl");
	}
}

static uint64_t devino(const struct stat *st)
{
	uint64_t k[2] = {(uint64_t)st->st_dev, (uint64_t)st->st_ino};
	return hash64(k, sizeof k, 0x5e551);
}

static char *join(const char *a, const char *b)
{
	struct sbuf s = {0};
	sb_adds(&s, a);
	if (s.len && s.p[s.len - 1] != '/')
		sb_addc(&s, '/');
	sb_adds(&s, b);
	return s.p;
}

static void add(char *path, int loc, const char *gemdir)
{
	if (sn == scap)
		sv = xrealloc(sv, sizeof *sv * (scap = scap ? scap * 2 : 256));
	sv[sn++] = (struct sess){.path = path, .loc = loc,
		.gemdir = gemdir ? xstrdup(gemdir) : NULL};
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a directory, sorted, so that runs are reproducible. */
static char **list_dir(const char *dir, size_t *n)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	bool ins;
	*n = 0;
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			bad(dir, strerror(errno));
		return NULL;
	}
	/* a symlink loop or a second way to one directory: once is enough */
	if (fstat(fd, &st) || (hm_put(&seen_dirs, devino(&st), &ins), !ins)) {
		close(fd);
		return NULL;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		bad(dir, strerror(errno));
		close(fd);
		return NULL;
	}
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == cap)
			v = xrealloc(v, sizeof *v * (cap = cap ? cap * 2 : 64));
		/* the type rides in front of the name */
		size_t l = strlen(e->d_name);
		v[*n] = xmalloc(l + 2);
		v[*n][0] = (char)e->d_type;
		memcpy(v[*n] + 1, e->d_name, l + 1);
		(*n)++;
	}
	closedir(d);
	sort_n(v, *n, sizeof *v, cmp_str);
	return v;
}

/* Files named as sessions of loc in dir, and in its subdirectories down to
 * maxdepth levels (a subdirectory of a Gemini chats directory holds the
 * logs of one session's subagents). */
static void walk(const char *dir, int loc, int maxdepth, const char *gemdir, int depth)
{
	size_t n;
	char **v = list_dir(dir, &n);
	for (size_t i = 0; i < n; i++) {
		const char *name = v[i] + 1;
		unsigned char type = (unsigned char)v[i][0];
		char *path = join(dir, name);
		bool want = is_session_name(loc, name);
		if (type == DT_LNK || type == DT_UNKNOWN) {
			struct stat st;
			if (stat(path, &st)) {
				if (want)
					bad(path, strerror(errno));
				free(path);
				free(v[i]);
				continue;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR && want)
			bad(path, "is a directory");
		else if (type == DT_DIR && depth < maxdepth)
			walk(path, loc == LOC_GEMINI ? LOC_GEMINI_SUB : loc, maxdepth, gemdir, depth + 1);
		else if (want && type == DT_REG) {
			add(path, loc, gemdir);
			path = NULL;
		} else if (want && type != DT_DIR)
			bad(path, "not a regular file");
		free(path);
		free(v[i]);
	}
	free(v);
}

/* ~/.gemini/tmp/<project>/chats/session-*.json{,l}, and the subagents'
 * logs in ~/.gemini/tmp/<project>/chats/<session id>/<id>.json{,l} */
static void walk_gemini(const char *tmp)
{
	size_t n;
	char **v = list_dir(tmp, &n);
	for (size_t i = 0; i < n; i++) {
		char *proj = join(tmp, v[i] + 1);
		char *chats = join(proj, "chats");
		walk(chats, LOC_GEMINI, 1, proj, 0);
		free(chats);
		free(proj);
		free(v[i]);
	}
	free(v);
}

static void find_claude(const char *home)
{
	const char *env = getenv("CLAUDE_CONFIG_DIR");
	char *dirs[] = {join(home, ".claude"), join(home, ".config/claude")};
	if (env) {
		char *list = xstrdup(env), *save = NULL;
		for (char *d = strtok_r(list, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
			char *p = join(d, "projects");
			walk(p, LOC_CLAUDE, 32, NULL, 0);
			free(p);
		}
		free(list);
	}
	for (int i = 0; i < 2; i++) {
		char *p = join(dirs[i], "projects");
		walk(p, LOC_CLAUDE, 32, NULL, 0);
		free(p);
		free(dirs[i]);
	}
}

static void find_codex(const char *home)
{
	const char *env = getenv("CODEX_HOME");
	char *base = env && *env ? xstrdup(env) : join(home, ".codex");
	char *act = join(base, "sessions"), *arch = join(base, "archived_sessions");
	walk(act, LOC_CODEX, 32, NULL, 0);
	/* flat in the versions seen; dated subdirectories are read as well */
	walk(arch, LOC_CODEX_ARCHIVED, 32, NULL, 0);
	free(act);
	free(arch);
	free(base);
}

static void probe(struct sess *s)
{
	struct stat st;
	const char *why;
	bool ins;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bad(s->path, strerror(errno));
		return;
	}
	if (fstat(fd, &st)) {
		bad(s->path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		bad(s->path, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
	} else if (hm_put(&seen_files, devino(&st), &ins), ins) {
		if (session_probe(fd, s->path, (uint64_t)st.st_size, &s->m, &why))
			bad(s->path, why);
		else
			s->ok = true;
	}
	close(fd);
}

/* A session id in both sessions/ and archived_sessions/: the active copy
 * is the one Codex still writes to. */
static void drop_archived_copies(void)
{
	struct hmap active = {0};
	for (size_t i = 0; i < sn; i++)
		if (sv[i].ok && sv[i].loc == LOC_CODEX && sv[i].m.agent == AGENT_CODEX)
			hm_put(&active, hash64(sv[i].m.id, strlen(sv[i].m.id), 0), NULL);
	for (size_t i = 0; i < sn; i++)
		if (sv[i].ok && sv[i].loc == LOC_CODEX_ARCHIVED && sv[i].m.agent == AGENT_CODEX &&
		    hm_get(&active, hash64(sv[i].m.id, strlen(sv[i].m.id), 0)))
			sv[i].ok = false;
	hm_free(&active);
}

/* Gemini records no cwd.  Newer versions leave the project's path in
 * tmp/<project>/.project_root; otherwise the directory (or the records'
 * projectHash) is the SHA-256 of the path, which can only be checked
 * against --project-root itself. */
static void gemini_cwd(struct sess *s)
{
	static char *lastdir, *lastroot;
	if (s->m.cwd || !s->gemdir)
		return;
	if (!lastdir || strcmp(lastdir, s->gemdir)) {
		free(lastdir);
		free(lastroot);
		lastdir = xstrdup(s->gemdir);
		lastroot = NULL;
		char *f = join(s->gemdir, ".project_root");
		FILE *fp = fopen(f, "r");
		char line[PATH_MAX + 2];
		if (fp && fgets(line, sizeof line, fp)) {
			line[strcspn(line, "\r\n")] = 0;
			if (*line == '/')
				lastroot = xstrdup(line);
		}
		if (fp)
			fclose(fp);
		free(f);
	}
	if (lastroot) {
		s->m.cwd = xstrdup(lastroot);
		return;
	}
	if (!root_real)
		return;
	const char *h = s->m.project_hash;
	if (!h) {
		h = strrchr(s->gemdir, '/');
		h = h ? h + 1 : s->gemdir;
	}
	if (!strcmp(h, root_hash[0]))
		s->m.cwd = xstrdup(root_real);
	else if (!strcmp(h, root_hash[1]))
		s->m.cwd = xstrdup(root_abs);
}

static bool selected(const struct sess *s)
{
	const struct session_meta *m = &s->m;
	if (!s->ok || (agents && !(agents & 1u << m->agent)))
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
	return strcmp(x->path, y->path);
}

static void json_member(const char *key, const char *val)
{
	if (!val)
		return;
	sb_printf(&out, ",\"%s\":", key);
	sb_json_str(&out, val, strlen(val));
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
	const char *name = agent_name(m->agent);
	sb_adds(&out, "{\"agent\":");
	sb_json_str(&out, name, strlen(name));
	json_member("id", m->id);
	json_member("path", s->path);
	json_member("cwd", m->cwd);
	json_ts("first", m->first);
	json_ts("last", m->last);
	sb_printf(&out, ",\"bytes\":%llu", (unsigned long long)m->bytes);
	json_member("parent", m->parent);
	json_member("subagent_type", s->subagent_type);
	json_member("version", m->version);
	sb_adds(&out, "}\n");
}

static void parse_agents(const char *arg)
{
	const char *p = arg;
	for (;;) {
		size_t l = strcspn(p, ",");
		int a = agent_from_name(p, l);
		if (!a) {
			cli_usage_error(&cli, "unknown agent: %.*s (claude, codex or gemini)",
				(int)l, p);
		}
		agents |= 1u << a;
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
		root_abs = join(cwd, dir);
	/* Gemini names a project by the hash of its path, without a trailing
	 * slash */
	size_t l = strlen(root_abs);
	while (l > 1 && root_abs[l - 1] == '/')
		root_abs[--l] = 0;
	sha256_hex(root_real, strlen(root_real), root_hash[0]);
	sha256_hex(root_abs, strlen(root_abs), root_hash[1]);
}

/* Read the head (and tail) of every file found, drop archived copies and
 * what the selectors leave out; the sessions kept stay at the front of
 * sv.  Returns their number. */
static size_t read_and_select(bool json)
{
	for (size_t i = 0; i < sn; i++) {
		probe(&sv[i]);
		if (sv[i].ok && sv[i].m.agent == AGENT_GEMINI)
			gemini_cwd(&sv[i]);
		if (json && sv[i].ok && sv[i].m.agent == AGENT_CLAUDE && sv[i].m.parent)
			sv[i].subagent_type = claude_subagent_type(sv[i].path);
	}
	drop_archived_copies();
	size_t kept = 0;
	for (size_t i = 0; i < sn; i++) {
		if (selected(&sv[i])) {
			sv[kept++] = sv[i];
			continue;
		}
		session_meta_free(&sv[i].m);
		free(sv[i].path);
		free(sv[i].gemdir);
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
	if (optind < argc)
		cli_usage_error(&cli, "no operands expected: %s", argv[optind]);
	if (json && nul)
		cli_usage_error(&cli, "-0 lists paths; it does not go with --json");
	if (!home || !*home)
		die(2, "HOME is not set; give --home");

	if (!agents || agents & 1u << AGENT_CLAUDE)
		find_claude(home);
	if (!agents || agents & 1u << AGENT_CODEX)
		find_codex(home);
	if (!agents || agents & 1u << AGENT_GEMINI) {
		char *tmp = join(home, ".gemini/tmp");
		walk_gemini(tmp);
		free(tmp);
	}
	size_t kept = read_and_select(json);
	if (kept)
		sort_n(sv, kept, sizeof *sv, by_last);
	for (size_t i = 0; i < kept; i++) {
		if (json) {
			print_json(&sv[i]);
		} else {
			sb_adds(&out, sv[i].path);
			sb_addc(&out, nul ? '\0' : '\n');
		}
		out_maybe_flush();
	}
	out_flush();
	return kept ? status : 1;
}
