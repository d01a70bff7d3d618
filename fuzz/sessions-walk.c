/* SPDX-License-Identifier: MIT */
/* sessions-walk.c: agent-sessions' directory walk, probe, Gemini project
 * lookup, archived-copy removal, filters and listing (cmd/agent-sessions.c
 * compiled in with its main renamed, its globals reset between runs),
 * over a small home directory built from the input in a tmpfs directory.
 *
 * Input: entries cut at "\n--\n", at most 24.  An entry's first line is
 * a relative path under the home ("d PATH" a directory, "l PATH TARGET"
 * a symbolic link, else a file whose content is the rest of the entry).
 * Paths keep to [A-Za-z0-9._/-], no "..", at most 160 bytes and 12
 * levels.  The first byte picks the agents, --project-root, the time
 * window, a session id prefix and --json. */
#include <ftw.h>
#define main agent_sessions_main
#include "../cmd/agent-sessions.c"
#undef main
#include "fuzz.h"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	remove(p);
	return 0;
}

static void reset(void)
{
	for (size_t i = 0; i < sn; i++) {
		session_meta_free(&sv[i].m);
		free(sv[i].f.path);
		free(sv[i].f.place);
		free(sv[i].subagent_type);
	}
	free(sv);
	sv = NULL;
	sn = 0;
	hm_free(&seen_files);
	status = 0;
	agents = 0;
	free(root_real);
	free(root_abs);
	root_real = root_abs = NULL;
	since = until = TS_NONE;
	idn = 0;
}

/* a relative path that stays inside the home */
static bool safe(const char *s, size_t n)
{
	if (!n || n > 160 || s[0] == '/')
		return false;
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(c == '.' || c == '_' || c == '-' || c == '/' || (c >= '0' && c <= '9') ||
		      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return false;
		if (c == '/' && ++depth > 12)
			return false;
	}
	return !memmem(s, n, "..", 2);
}

static void mkparents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		mkdir(path, 0700);
		*p = '/';
	}
}

static void build(const char *home, const uint8_t *data, size_t n)
{
	struct fuzz_part part[24];
	int np = fuzz_split(data, n, part, 24);
	char path[512], target[512];
	for (int i = 0; i < np; i++) {
		const char *s = (const char *)part[i].p;
		const char *nl = memchr(s, '\n', part[i].n);
		size_t hl = nl ? (size_t)(nl - s) : part[i].n;
		const char *body = nl ? nl + 1 : s + hl;
		size_t bl = part[i].n - hl - (nl != NULL);
		if (hl > 2 && (s[0] == 'd' || s[0] == 'l') && s[1] == ' ') {
			const char *a = s + 2, *sp = memchr(a, ' ', hl - 2);
			size_t al = sp ? (size_t)(sp - a) : hl - 2;
			if (!safe(a, al))
				continue;
			snprintf(path, sizeof path, "%s/%.*s", home, (int)al, a);
			mkparents(path);
			if (s[0] == 'd') {
				mkdir(path, 0700);
			} else if (sp && safe(sp + 1, hl - 2 - al - 1)) {
				/* a link to a place in the home, or to a directory
				 * above it (a loop) */
				snprintf(target, sizeof target, "%.*s", (int)(hl - 2 - al - 1), sp + 1);
				if (symlink(target, path)) {}
			}
			continue;
		}
		if (!safe(s, hl))
			continue;
		snprintf(path, sizeof path, "%s/%.*s", home, (int)hl, s);
		mkparents(path);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
		if (fd < 0)
			continue;
		if (write(fd, body, bl)) {}
		close(fd);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	/* the walk must see only the home built here */
	unsetenv("CLAUDE_CONFIG_DIR");
	unsetenv("CODEX_HOME");
	if (!n)
		return 0;
	unsigned sel = data[0];
	data++, n--;
	char home[128];
	snprintf(home, sizeof home, "%s/home", fuzz_tmpdir());
	nftw(home, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(home, 0700);
	build(home, data, n);

	static char *ids[2] = {"0", "a"};
	idv = ids;
	if (sel & 1)
		agents = 1u << ((sel >> 1 & 1) + (sel >> 2 & 1));
	if (sel & 8) {
		char root[160];
		snprintf(root, sizeof root, "%s/proj", home);
		mkdir(root, 0700);
		char *real = realpath(root, NULL);   /* set_root dies without one */
		if (real)
			set_root(root);
		free(real);
	}
	if (sel & 16) {
		since = 1700000000000;
		until = 1900000000000;
	}
	if (sel & 32)
		idn = 1 + (sel >> 7 & 1);
	bool json = sel & 64;

	find_all(home, NULL);
	size_t kept = read_and_select(json);
	if (kept)
		sort_n(sv, kept, sizeof *sv, by_last);
	for (size_t i = 0; i < kept; i++) {
		if (json)
			print_json(&sv[i]);
		else
			sb_adds(&stdout_sb, sv[i].f.path);
	}
	sb_reset(&stdout_sb);
	idv = NULL;
	reset();
	return 0;
}
