/* SPDX-License-Identifier: MIT */
/* shwrap.c: one simple command taken apart.  NAME=value assignments
 * and wrappers (timeout, sudo, env, nice, xargs, ...) are stripped, the
 * ones that are processes of their own going into the chain; nested
 * shells (sh -c STRING, a here-document fed to sh, eval) are parsed one
 * level deeper; git -C, make -C, env -C and sudo -D move the directory,
 * cd moves it for the rest of the line, and find -exec runs its command
 * under find.  What is left is recorded with its class and effects. */
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "shellint.h"
#include "util.h"

enum { WK_PLAIN, WK_TIMEOUT, WK_ENV, WK_SUDO, WK_CHRT, WK_TASKSET, WK_COMMAND, WK_PID };

struct wrapper {
	const char *name;
	bool proc;              /* a process of its own (else a shell builtin) */
	int kind;
	const char *sarg;
	const struct lopt *lo;
};

static const struct lopt lo_timeout[] = {{"signal", 's', 1}, {"kill-after", 'k', 1}, {0}};
static const struct lopt lo_env[] = {{"unset", 'u', 1}, {"chdir", 'C', 1},
	{"split-string", 'S', 1}, {0}};
static const struct lopt lo_sudo[] = {{"user", 'u', 1}, {"group", 'g', 1}, {"chdir", 'D', 1},
	{"prompt", 'p', 1}, {"close-from", 'C', 1}, {"role", 'r', 1}, {"type", 't', 1},
	{"other-user", 'U', 1}, {"command-timeout", 'T', 1}, {"chroot", 'R', 1},
	{"shell", 's', 0}, {"login", 'i', 0}, {"list", 'l', 0}, {0}};
static const struct lopt lo_nice[] = {{"adjustment", 'n', 1}, {0}};
static const struct lopt lo_stdbuf[] = {{"input", 'i', 1}, {"output", 'o', 1},
	{"error", 'e', 1}, {0}};
static const struct lopt lo_xargs[] = {{"arg-file", 'a', 1}, {"delimiter", 'd', 1},
	{"max-lines", 'L', 1}, {"max-args", 'n', 1}, {"max-procs", 'P', 1},
	{"max-chars", 's', 1}, {"process-slot-var", 1, 1}, {0}};
static const struct lopt lo_ionice[] = {{"class", 'c', 1}, {"classdata", 'n', 1},
	{"pid", 'p', 1}, {"pgid", 'P', 1}, {"uid", 'u', 1}, {0}};

static const struct wrapper wrappers[] = {
	{"builtin", false, WK_PLAIN, "", NULL},
	{"chrt", true, WK_CHRT, "TPD", NULL},
	{"command", false, WK_COMMAND, "", NULL},
	{"doas", true, WK_SUDO, "uC", NULL},
	{"env", true, WK_ENV, "uCS", lo_env},
	{"exec", false, WK_PLAIN, "a", NULL},
	{"ionice", true, WK_PID, "cnpPu", lo_ionice},
	{"nice", true, WK_PLAIN, "n", lo_nice},
	{"nocorrect", false, WK_PLAIN, "", NULL},
	{"noglob", false, WK_PLAIN, "", NULL},
	{"nohup", true, WK_PLAIN, "", NULL},
	{"setsid", true, WK_PLAIN, "", NULL},
	{"stdbuf", true, WK_PLAIN, "ioe", lo_stdbuf},
	{"strace", true, WK_PID, "abeEIoOpPsSuUX", NULL},
	{"sudo", true, WK_SUDO, "CDgprRtTUu", lo_sudo},
	{"taskset", true, WK_TASKSET, "", NULL},
	{"time", false, WK_PLAIN, "fo", NULL},
	{"timeout", true, WK_TIMEOUT, "sk", lo_timeout},
	{"unbuffer", true, WK_PLAIN, "", NULL},
	{"xargs", true, WK_PLAIN, "adELnPs", lo_xargs},
};

static const struct wrapper *find_wrapper(const char *name)
{
	for (size_t i = 0; i < sizeof wrappers / sizeof *wrappers; i++)
		if (!strcmp(wrappers[i].name, name))
			return &wrappers[i];
	return NULL;
}

/* Index of the command a wrapper runs, or -1 when it runs none (then the
 * wrapper is the command).  May move *dir (env -C, sudo -D). */
static int skip_wrapper(struct shell *sh, const struct wrapper *w, const char *const *argv,
	int k, int argc, const char **dir)
{
	struct opts o;
	int j = sh_getopts(argv, argc, k + 1, w->sarg, w->name[0] == 'x' ? "eil" : NULL, w->lo, &o, NULL);
	switch (w->kind) {
	case WK_TIMEOUT:
		j++;    /* the duration */
		break;
	case WK_ENV:
		if (o.seen['S'])
			return -1;
		if (o.arg['C'] && sh_literal(o.arg['C']))
			*dir = sh_join(sh, *dir, o.arg['C']);
		while (j < argc && sh_is_assignment(argv[j]))
			j++;
		break;
	case WK_SUDO:
		if (o.seen['l'] || o.seen['v'] || o.seen['k'] || o.seen['K'])
			return -1;
		if (o.arg['D'] && sh_literal(o.arg['D']))
			*dir = sh_join(sh, *dir, o.arg['D']);
		while (j < argc && sh_is_assignment(argv[j]))
			j++;
		break;
	case WK_CHRT:
		if (o.seen['p'])
			return -1;
		if (j < argc && strspn(argv[j], "0123456789") == strlen(argv[j]))
			j++;
		break;
	case WK_TASKSET:
		if (o.seen['p'])
			return -1;
		j++;    /* the mask or list */
		break;
	case WK_COMMAND:
		if (o.seen['v'] || o.seen['V'])
			return -1;
		break;
	case WK_PID:
		if (o.seen['p'] || o.seen['P'] || o.seen['u'])
			return -1;
		break;
	}
	return j < argc ? j : -1;
}

static bool is_shell(const char *name)
{
	static const char *const shells[] = {"bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", NULL};
	for (int i = 0; shells[i]; i++)
		if (!strcmp(name, shells[i]))
			return true;
	return false;
}

/* For sh [options] [-c STRING | FILE]: the index of STRING (*c set) or
 * of FILE, or argc. */
static int shell_operand(const char *const *argv, int argc, int k, bool *c)
{
	*c = false;
	for (int j = k + 1; j < argc; j++) {
		const char *a = argv[j];
		if (!strcmp(a, "--"))
			return j + 1 < argc ? j + 1 : argc;
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			return j;
		if (a[0] == '-' && a[1] == '-') {
			if (!strcmp(a, "--rcfile") || !strcmp(a, "--init-file"))
				j++;
			continue;
		}
		bool skip = false;
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'c')
				*c = true;
			else if (*p == 'o' || *p == 'O')
				skip = true;
		}
		j += skip;
	}
	return argc;
}

const char *sh_heredoc_body(const struct shell_redir *rd, int nrd, size_t *len)
{
	for (int i = 0; i < nrd; i++)
		if (rd[i].fd == 0 && rd[i].body && rd[i].op[1] == '<' && rd[i].op[2] != '<') {
			*len = rd[i].body_len;
			return rd[i].body;
		}
	return NULL;
}

static struct shell_cmd *new_cmd(struct shell *sh)
{
	if (sh->ncmd == sh->capcmd) {
		sh->capcmd = sh->capcmd ? sh->capcmd * 2 : 16;
		sh->cmd = xrealloc(sh->cmd, sizeof *sh->cmd * sh->capcmd);
	}
	struct shell_cmd *c = &sh->cmd[sh->ncmd++];
	memset(c, 0, sizeof *c);
	return c;
}

static int add_cmd(struct ps *ps, const char *const *chain, int nchain, const char **argv,
	int argc, struct shell_redir *rd, int nrd, const char *dir, bool partial)
{
	struct shell *sh = ps->sh;
	struct shell_cmd *c = new_cmd(sh);
	c->argv = shell_alloc(sh, sizeof *c->argv * (argc + 1));
	if (argc)
		memcpy(c->argv, argv, sizeof *c->argv * argc);
	c->argv[argc] = NULL;
	c->argc = argc;
	c->nprocess = nchain + (argc > 0);
	c->process = shell_alloc(sh, sizeof *c->process * (c->nprocess + 1));
	if (nchain)
		memcpy(c->process, chain, sizeof *chain * nchain);
	if (argc)
		c->process[nchain] = path_base(argv[0]);
	c->process[c->nprocess] = NULL;
	c->class = argc ? shell_class(argv, argc) : "other";
	size_t plen = 0;
	const char *patch = argc ? sh_patch_text(argv, argc, rd, nrd, &plen) : NULL;
	if (patch)
		c->class = "write";     /* as shell_class says of one as an operand */
	c->dir = dir;
	if (nrd) {
		c->redir = shell_alloc(sh, sizeof *rd * nrd);
		memcpy(c->redir, rd, sizeof *rd * nrd);
		c->nredir = nrd;
	}
	c->depth = ps->depth;
	c->flags = partial ? SHELL_PARTIAL : 0;
	struct vec fx = {0};
	sh_cmd_fx(sh, c, patch, plen, &fx);
	/* c may have moved if cmd_fx added commands: it does not */
	if (fx.n) {
		c->fx = shell_alloc(sh, sizeof *c->fx * fx.n);
		memcpy(c->fx, fx.p, sizeof *c->fx * fx.n);
		c->nfx = fx.n;
	}
	free(fx.p);
	return sh->ncmd - 1;
}

int sh_analyse(struct ps *ps, const char *const *chain0, int nchain0, const char **argv,
	const unsigned *wf, int argc, struct shell_redir *rd, int nrd, bool partial)
{
	struct shell *sh = ps->sh;
	int k = 0;
	while (k < argc && wf && (wf[k] & W_ASSIGN))
		k++;
	const char *dir = ps->dir;
	if (k == argc)
		return nrd ? add_cmd(ps, chain0, nchain0, argv ? argv + k : NULL, 0, rd, nrd, dir,
			partial) : -1;
	/* the chain: room for a wrapper per word and a shell */
	const char **chain = xmalloc(sizeof *chain * (nchain0 + argc + 2));
	if (nchain0)
		memcpy(chain, chain0, sizeof *chain * nchain0);
	int nchain = nchain0, r = -1;
	for (;;) {
		const char *name = path_base(argv[k]);
		const struct wrapper *w = find_wrapper(name);
		if (!w)
			break;
		int j = skip_wrapper(sh, w, argv, k, argc, &dir);
		if (j < 0)
			break;
		if (w->proc)
			chain[nchain++] = name;
		k = j;
	}
	const char *name = path_base(argv[k]);
	if (is_shell(name) || !strcmp(name, "eval")) {
		const char *script = NULL;
		size_t len = 0;
		bool c = false, nosubst = false, push = name[0] != 'e';
		if (!push) {
			/* eval: the words joined, run by this same shell */
			struct sbuf b = {0};
			for (int j = k + 1; j < argc; j++) {
				if (j > k + 1)
					sb_addc(&b, ' ');
				sb_adds(&b, argv[j]);
			}
			if (b.len) {
				script = shell_strdup(sh, b.p, b.len);
				len = b.len;
			}
			sb_free(&b);
		} else {
			int op = shell_operand(argv, argc, k, &c);
			if (c && op < argc) {
				script = argv[op];
				len = strlen(script);
				/* its $( ) ran in the outer shell already; one that
				 * is the whole script leaves the script unknown */
				nosubst = wf && (wf[op] & W_SUBST);
				if (nosubst && (script[0] == '$' || script[0] == '`'))
					script = NULL;
			} else if (!c && op == argc) {
				script = sh_heredoc_body(rd, nrd, &len);
			}
		}
		if (script && ps->depth >= sh->maxdepth) {
			sh_mark_partial(sh);
			partial = true;
		} else if (script) {
			if (push)
				chain[nchain++] = name;
			int before = sh->ncmd;
			sh_parse_string(sh, script, len, chain, nchain, dir, ps->depth + 1, nosubst);
			if (sh->ncmd > before) {
				/* the shell's own file redirections still count */
				bool files = false;
				for (int i = 0; i < nrd; i++)
					files |= rd[i].op[0] == '>' || (rd[i].op[0] == '&' && rd[i].op[1] == '>');
				if (files)
					add_cmd(ps, chain0, nchain0, argv, 0, rd, nrd, dir, partial);
				free(chain);
				return sh->ncmd - 1;
			}
			nchain -= push;
		}
	}
	if (!strcmp(name, "git") || !strcmp(name, "make") || !strcmp(name, "gmake") ||
	    !strcmp(name, "ninja")) {
		/* git -C DIR, make -C DIR: the command works there */
		for (int j = k + 1; j + 1 < argc && argv[j][0] == '-'; j++)
			if (!strcmp(argv[j], "-C") && sh_literal(argv[j + 1]))
				dir = sh_join(sh, dir, argv[++j]);
			else if (!strcmp(argv[j], "-c") || !strcmp(argv[j], "-f"))
				j++;
	}
	r = add_cmd(ps, chain, nchain, argv + k, argc - k, rd, nrd, dir, partial);
	/* cd moves the commands after it on this line */
	if (!strcmp(name, "cd") || !strcmp(name, "pushd") || !strcmp(name, "popd")) {
		int j = k + 1;
		while (j < argc && argv[j][0] == '-' && argv[j][1] && strcmp(argv[j], "--"))
			j++;
		if (j < argc && !strcmp(argv[j], "--"))
			j++;
		if (name[0] != 'p' || name[1] != 'o') {
			if (j < argc && sh_literal(argv[j]) && !(wf && (wf[j] & W_GLOB)))
				ps->dir = sh_join(sh, dir, argv[j]);
			else
				ps->dir = NULL;
			if (ps->dir && strlen(ps->dir) > 4096)
				ps->dir = NULL;     /* longer than any real path */
		} else {
			ps->dir = NULL;
		}
	}
	/* find -exec CMD ... ; runs CMD under find */
	if (!strcmp(name, "find") && ps->depth < sh->maxdepth) {
		chain[nchain++] = name;
		for (int j = k + 1; j < argc; j++) {
			if (strcmp(argv[j], "-exec") && strcmp(argv[j], "-execdir") &&
			    strcmp(argv[j], "-ok") && strcmp(argv[j], "-okdir"))
				continue;
			int e = j + 1;
			while (e < argc && strcmp(argv[e], ";") && strcmp(argv[e], "+"))
				e++;
			if (e > j + 1) {
				struct ps sub = *ps;
				sub.depth++;
				sub.dir = dir;
				sh_analyse(&sub, chain, nchain, argv + j + 1, NULL, e - j - 1, NULL, 0, false);
			}
			j = e;
		}
	}
	free(chain);
	return r;
}
