/* SPDX-License-Identifier: MIT */
/* shell.c: the shell analyser's arena and lifecycle, and the path and
 * word helpers its pieces share.  shell.h says what comes out;
 * shellint.h lists the pieces and how a line goes through them.
 *
 * Two phases per string: the lexer (shlex.c) turns the text into tokens;
 * the parser (shparse.c) walks the tokens and hands each simple command
 * to sh_analyse (shwrap.c), which strips assignments and wrappers,
 * recurses into sh -c strings, $( ) and eval, and records the command
 * with its class (shclass.c) and effects (shfx.c, shnet.c, shpatch.c).
 * The grammar is deliberately flat: only ( ) scopes matter (for cd), so
 * if/while/for/case keywords are skipped rather than parsed. */
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "shellint.h"
#include "util.h"

/* ---- arena ---------------------------------------------------------- */

void *shell_alloc(struct shell *sh, size_t n)
{
	return arena_alloc(&sh->arena, n);
}

char *shell_strdup(struct shell *sh, const char *s, size_t n)
{
	return arena_strdup(&sh->arena, s, n);
}

void shell_init(struct shell *sh)
{
	memset(sh, 0, sizeof *sh);
	sh->maxdepth = 8;
	sh->arena.keep = 1;     /* a reset keeps one block for the next line */
}

void shell_reset(struct shell *sh)
{
	sh->ncmd = 0;
	sh->flags = 0;
	arena_reset(&sh->arena);
}

void shell_free(struct shell *sh)
{
	int maxdepth = sh->maxdepth;
	free(sh->cmd);
	arena_free(&sh->arena);
	shell_init(sh);
	sh->maxdepth = maxdepth;
}

const char *shell_path(struct shell *sh, const char *path, const char *cwd)
{
	static _Thread_local struct sbuf b;
	if (!path || !*path)
		return NULL;
	sb_reset(&b);
	path_norm(&b, path, cwd);
	if (!b.len)
		sb_addc(&b, '.');
	return shell_strdup(sh, b.p, b.len);
}

/* ---- shared by the pieces (shellint.h) -------------------------------- */

void *sh_vpush(struct vec *v, size_t size)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->p = xrealloc(v->p, size * v->cap);
	}
	return (char *)v->p + size * v->n++;
}

bool sh_is_assignment(const char *s)
{
	if (!sh_is_name1((unsigned char)*s))
		return false;
	while (sh_is_name((unsigned char)*s))
		s++;
	return *s == '=';
}

bool sh_literal(const char *s)
{
	return s && *s && !strpbrk(s, "$`") && strcmp(s, "-") && !strstr(s, "{}");
}

const char *sh_join(struct shell *sh, const char *dir, const char *path)
{
	if (!path || !*path)
		return NULL;
	if (!dir || path[0] == '/' || path[0] == '~' || dir[0] == '/')
		return shell_path(sh, path, dir);
	struct sbuf b = {0};
	sb_adds(&b, dir);
	sb_addc(&b, '/');
	sb_adds(&b, path);
	const char *r = shell_path(sh, b.p, NULL);
	sb_free(&b);
	return r;
}

bool sh_has(const char *const *set, const char *s)
{
	for (; *set; set++)
		if (!strcmp(*set, s))
			return true;
	return false;
}
