/* SPDX-License-Identifier: MIT */
/* shfx.c: the file effects of a command, where its words make them
 * plain: the operands of 62 programs read, written, deleted or renamed
 * (each program's options read as it reads them, so that option
 * arguments are not taken for files), and the files of its
 * redirections.  The network effects are shnet.c's, the files of a
 * patch envelope shpatch.c's. */
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "shellint.h"
#include "util.h"

enum {
	FX_NONE, FX_READ, FX_READ1, FX_SEARCH, FX_SEARCHCWD, FX_FIND, FX_LIST, FX_WRITE,
	FX_DELETE, FX_MV, FX_CP, FX_LN, FX_CHMOD, FX_SED, FX_AWK, FX_DD,
};

struct fxprog {
	const char *name;
	int mode;
	const char *sarg;
	const struct lopt *lo;
};

static const struct lopt lo_grep[] = {{"regexp", 'e', 1}, {"file", 'f', 1},
	{"max-count", 'm', 1}, {"after-context", 'A', 1}, {"before-context", 'B', 1},
	{"context", 'C', 1}, {"include", 2, 1}, {"exclude", 2, 1}, {"exclude-dir", 2, 1},
	{"recursive", 'r', 0}, {"dereference-recursive", 'R', 0}, {"label", 2, 1},
	{"glob", 'g', 1}, {"iglob", 'g', 1}, {"type", 't', 1}, {"type-not", 'T', 1},
	{"type-add", 2, 1}, {"max-depth", 2, 1}, {"threads", 'j', 1}, {"replace", 'r', 1},
	{"max-columns", 'M', 1}, {"sort", 2, 1}, {"sortr", 2, 1}, {"files", 1, 0},
	{"color", 2, 1}, {"colors", 2, 1}, {"encoding", 'E', 1}, {"pre", 2, 1},
	{"ignore-file", 2, 1}, {"max-filesize", 2, 1}, {"path-separator", 2, 1}, {0}};
static const struct lopt lo_sed[] = {{"expression", 'e', 1}, {"file", 'f', 1},
	{"in-place", 'i', 0}, {"line-length", 'l', 1}, {0}};
static const struct lopt lo_mv[] = {{"target-directory", 't', 1}, {"suffix", 'S', 1}, {0}};
static const struct lopt lo_chmod[] = {{"reference", 1, 1}, {0}};
static const struct lopt lo_touch[] = {{"date", 'd', 1}, {"reference", 'r', 1},
	{"time", 2, 1}, {0}};
static const struct lopt lo_mkdir[] = {{"mode", 'm', 1}, {0}};
static const struct lopt lo_head[] = {{"lines", 'n', 1}, {"bytes", 'c', 1},
	{"sleep-interval", 's', 1}, {"pid", 2, 1}, {0}};
static const struct lopt lo_sort[] = {{"output", 'o', 1}, {"key", 'k', 1},
	{"field-separator", 't', 1}, {"buffer-size", 'S', 1}, {"temporary-directory", 'T', 1},
	{0}};
static const struct lopt lo_jq[] = {{"arg", 2, 2}, {"argjson", 2, 2}, {"slurpfile", 2, 2},
	{"rawfile", 2, 2}, {"indent", 2, 1}, {"from-file", 'f', 0}, {0}};
static const struct lopt lo_awk[] = {{"file", 'f', 1}, {"assign", 'v', 1},
	{"field-separator", 'F', 1}, {"include", 'i', 1}, {0}};

static const struct fxprog fxprogs[] = {
	{"ack", FX_SEARCHCWD, "ABCgm", lo_grep},
	{"ag", FX_SEARCHCWD, "ABCGgm", lo_grep},
	{"awk", FX_AWK, "fvFi", lo_awk},
	{"bat", FX_READ, "lHrm", NULL},
	{"cat", FX_READ, "", NULL},
	{"chgrp", FX_CHMOD, "", lo_chmod},
	{"chmod", FX_CHMOD, "", lo_chmod},
	{"chown", FX_CHMOD, "", lo_chmod},
	{"cmp", FX_READ, "in", NULL},
	{"cp", FX_CP, "tS", lo_mv},
	{"cut", FX_READ, "bcdf", NULL},
	{"dd", FX_DD, "", NULL},
	{"diff", FX_READ, "CDFILSUWx", NULL},
	{"du", FX_LIST, "dBt", NULL},
	{"egrep", FX_SEARCH, "efmABCdD", lo_grep},
	{"fd", FX_SEARCHCWD, "edtEcxXjSo", NULL},
	{"fdfind", FX_SEARCHCWD, "edtEcxXjSo", NULL},
	{"fgrep", FX_SEARCH, "efmABCdD", lo_grep},
	{"file", FX_READ, "mfFP", NULL},
	{"find", FX_FIND, "", NULL},
	{"gawk", FX_AWK, "fvFi", lo_awk},
	{"grep", FX_SEARCH, "efmABCdD", lo_grep},
	{"head", FX_READ, "nc", lo_head},
	{"hexdump", FX_READ, "enNs", NULL},
	{"install", FX_CP, "gmotS", lo_mv},
	{"jq", FX_READ1, "fL", lo_jq},
	{"less", FX_READ, "", NULL},
	{"ln", FX_LN, "tS", lo_mv},
	{"ls", FX_LIST, "ITw", NULL},
	{"mawk", FX_AWK, "fvF", lo_awk},
	{"md5sum", FX_READ, "", NULL},
	{"mkdir", FX_WRITE, "m", lo_mkdir},
	{"more", FX_READ, "", NULL},
	{"mv", FX_MV, "tS", lo_mv},
	{"nawk", FX_AWK, "fvF", lo_awk},
	{"nl", FX_READ, "bdfhilnpsvw", NULL},
	{"od", FX_READ, "AjNtw", NULL},
	{"rg", FX_SEARCHCWD, "efgtTABCmMjEr", lo_grep},
	{"rm", FX_DELETE, "", NULL},
	{"rmdir", FX_DELETE, "", NULL},
	{"sed", FX_SED, "efl", lo_sed},
	{"sha1sum", FX_READ, "", NULL},
	{"sha256sum", FX_READ, "", NULL},
	{"shred", FX_WRITE, "ns", NULL},
	{"sort", FX_READ, "kotST", lo_sort},
	{"source", FX_READ, "", NULL},
	{"stat", FX_READ, "ct", NULL},
	{"strings", FX_READ, "ntTe", NULL},
	{"tac", FX_READ, "s", NULL},
	{"tail", FX_READ, "ncs", lo_head},
	{"tee", FX_WRITE, "", NULL},
	{"touch", FX_WRITE, "drt", lo_touch},
	{"tree", FX_LIST, "LPIoH", NULL},
	{"truncate", FX_WRITE, "sr", NULL},
	{"uniq", FX_READ, "fsw", NULL},
	{"unlink", FX_DELETE, "", NULL},
	{"wc", FX_READ, "", NULL},
	{"xxd", FX_READ, "cglos", NULL},
	{"yq", FX_READ1, "", lo_jq},
	{"zcat", FX_READ, "", NULL},
	{"zgrep", FX_SEARCH, "efmABCdD", lo_grep},
	{".", FX_READ, "", NULL},
};

void sh_add_fx(struct vec *fx, const char *effect, const char *path, const char *to,
	const char *domain, int port)
{
	if ((effect[0] != 'n' && !path) || (effect[0] == 'n' && !domain))
		return;
	struct shell_fx *f = sh_vpush(fx, sizeof *f);
	*f = (struct shell_fx){effect, path, to, domain, port};
}

void sh_file_fx(struct shell *sh, struct vec *fx, const char *effect, const char *dir,
	const char *word)
{
	/* devices (/dev/null, /dev/zero, /dev/fd/N) are not files */
	if (sh_literal(word) && strncmp(word, "/dev/", 5))
		sh_add_fx(fx, effect, sh_join(sh, dir, word), NULL, NULL, -1);
}

/* mv/cp/ln: sources and their destination ("dst/base" when several or
 * when dst ends in '/' or came with -t). */
static void pair_fx(struct shell *sh, struct vec *fx, const struct shell_cmd *c, int mode,
	const int *ops, int n, const char *tdir)
{
	const char *const *a = (const char *const *)c->argv;
	int nsrc = tdir ? n : n - 1;
	const char *dst = tdir ? tdir : n ? a[ops[n - 1]] : NULL;
	if (mode == FX_LN && !tdir && n == 1) {
		nsrc = 1;
		dst = ".";
		tdir = ".";
	}
	if (!dst || !sh_literal(dst))
		return;
	bool into = tdir || nsrc > 1 || dst[strlen(dst) - 1] == '/';
	for (int i = 0; i < nsrc; i++) {
		const char *src = a[ops[i]];
		if (!sh_literal(src))
			continue;
		const char *to;
		if (into) {
			struct sbuf b = {0};
			sb_adds(&b, dst);
			sb_addc(&b, '/');
			sb_adds(&b, path_base(src));
			to = sh_join(sh, c->dir, b.p);
			sb_free(&b);
		} else {
			to = sh_join(sh, c->dir, dst);
		}
		const char *from = sh_join(sh, c->dir, src);
		if (mode == FX_MV) {
			sh_add_fx(fx, "rename", from, to, NULL, -1);
		} else if (mode == FX_CP) {
			sh_add_fx(fx, "read", from, NULL, NULL, -1);
			sh_add_fx(fx, "write", to, NULL, NULL, -1);
		} else {
			sh_add_fx(fx, "write", to, NULL, NULL, -1);
		}
	}
}

static void args_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx)
{
	const char *name = path_base(c->argv[0]);
	const struct fxprog *p = NULL;
	for (size_t i = 0; i < sizeof fxprogs / sizeof *fxprogs; i++)
		if (!strcmp(fxprogs[i].name, name)) {
			p = &fxprogs[i];
			break;
		}
	if (!p)
		return;
	const char *const *a = (const char *const *)c->argv;
	int *ops = xmalloc(sizeof *ops * (c->argc + 1));
	struct opts o;
	int n = sh_getopts(a, c->argc, 1, p->sarg, p->mode == FX_SED ? "i" : NULL, p->lo, &o, ops);
	int first = 0;
	const char *effect = "read";
	switch (p->mode) {
	case FX_WRITE:
		effect = "write";
		break;
	case FX_DELETE:
		effect = "delete";
		break;
	case FX_READ1:
		first = !o.seen['f'];
		break;
	case FX_AWK:
		first = !o.seen['f'];
		if (o.arg['i'] && !strcmp(o.arg['i'], "inplace"))
			effect = "write";
		break;
	case FX_SED:
		first = !o.seen['e'] && !o.seen['f'];
		if (o.seen['i']) {
			effect = "write";
			/* BSD sed -i '' */
			if (n > first + 1 && !*a[ops[0]] && !o.arg['i'])
				first++;
		}
		break;
	case FX_SEARCH:
	case FX_SEARCHCWD:
		first = !o.seen['e'] && !o.seen['f'] && !o.seen[1];
		if (n <= first && (p->mode == FX_SEARCHCWD || o.seen['r'] || o.seen['R']))
			sh_add_fx(fx, "read", sh_join(sh, c->dir, "."), NULL, NULL, -1);
		break;
	case FX_LIST:
		if (!n)
			sh_add_fx(fx, "read", sh_join(sh, c->dir, "."), NULL, NULL, -1);
		break;
	case FX_FIND: {
		int j = 1;
		n = 0;
		while (j < c->argc && (!strcmp(a[j], "-H") || !strcmp(a[j], "-L") ||
		    !strcmp(a[j], "-P") || !strncmp(a[j], "-O", 2) || !strcmp(a[j], "-D")))
			j += 1 + !strcmp(a[j], "-D");
		for (; j < c->argc && a[j][0] != '-' && a[j][0] != '(' && a[j][0] != '!'; j++)
			ops[n++] = j;
		if (!n)
			sh_add_fx(fx, "read", sh_join(sh, c->dir, "."), NULL, NULL, -1);
		break;
	}
	case FX_CHMOD:
		first = !o.seen[1];
		if (!strcmp(name, "chmod") && c->argc > 2 && a[1][0] == '-' &&
		    strspn(a[1] + 1, "rwxXst") == strlen(a[1] + 1))
			first = 0;      /* chmod -x f: the mode looked like an option */
		effect = "write";
		break;
	case FX_DD:
		for (int j = 1; j < c->argc; j++) {
			if (!strncmp(a[j], "if=", 3))
				sh_file_fx(sh, fx, "read", c->dir, a[j] + 3);
			else if (!strncmp(a[j], "of=", 3))
				sh_file_fx(sh, fx, "write", c->dir, a[j] + 3);
		}
		n = 0;
		break;
	case FX_MV:
	case FX_CP:
	case FX_LN:
		if (p->mode == FX_CP && !strcmp(name, "install") && o.seen['d']) {
			effect = "write";
			break;
		}
		pair_fx(sh, fx, c, p->mode, ops, n, o.arg['t'] && sh_literal(o.arg['t']) ? o.arg['t'] : NULL);
		n = 0;
		break;
	}
	for (int i = first; i < n; i++) {
		const char *w = a[ops[i]];
		if (p->mode == FX_AWK && sh_is_assignment(w))
			continue;
		sh_file_fx(sh, fx, effect, c->dir, w);
	}
	if (!strcmp(name, "sort") && o.arg['o'])
		sh_file_fx(sh, fx, "write", c->dir, o.arg['o']);
	if (!strcmp(name, "touch") && o.arg['r'])
		sh_file_fx(sh, fx, "read", c->dir, o.arg['r']);
	free(ops);
}

static void redir_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx)
{
	for (int i = 0; i < c->nredir; i++) {
		const struct shell_redir *r = &c->redir[i];
		const char *w = r->word, *op = r->op;
		if (!w || !strncmp(w, "/dev/", 5) || r->body)
			continue;
		if (!strcmp(op, "<"))
			sh_file_fx(sh, fx, "read", c->dir, w);
		else if (!strcmp(op, ">&") || !strcmp(op, "<&")) {
			if (op[0] == '>' && strspn(w, "0123456789-") != strlen(w))
				sh_file_fx(sh, fx, "write", c->dir, w);    /* bash >& file */
		} else if (op[0] == '>' || op[0] == '&' || !strcmp(op, "<>"))
			sh_file_fx(sh, fx, "write", c->dir, w);
	}
}

void sh_cmd_fx(struct shell *sh, struct shell_cmd *c, const char *patch, size_t plen,
	struct vec *fx)
{
	if (patch) {
		struct shell_fx *pf = NULL;
		int npf = 0;
		shell_patch(sh, patch, plen, c->dir, &pf, &npf);
		for (int i = 0; i < npf; i++)
			*(struct shell_fx *)sh_vpush(fx, sizeof *pf) = pf[i];
	}
	if (c->argc)
		args_fx(sh, c, fx);
	redir_fx(sh, c, fx);
	if (c->argc)
		sh_net_fx(sh, c, fx);
}
