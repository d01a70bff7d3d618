/* SPDX-License-Identifier: MIT */
/* callmatch.c: which tool call ran a process (callmatch.h). */
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "snoop/callmatch.h"

void cm_init(struct cm_cand *k)
{
	k->any = k->cwd = CM_UNSET;
	k->many = k->manycwd = false;
}

void cm_add(struct cm_cand *k, int64_t c, bool cwd)
{
	if (k->any == CM_UNSET)
		k->any = c;
	else if (k->any != c)
		k->many = true;
	if (cwd) {
		if (k->cwd == CM_UNSET)
			k->cwd = c;
		else if (k->cwd != c)
			k->manycwd = true;
	}
}

int64_t cm_pick(const struct cm_cand *k)
{
	if (k->any == CM_UNSET)
		return CM_UNSET;
	if (!k->many)
		return k->any;
	if (k->cwd != CM_UNSET && !k->manycwd)
		return k->cwd;
	return CM_UNRESOLVED;
}

bool cm_same_argv(const char *const *a, int na, const char *const *b, int nb)
{
	if (!na || !nb || strcmp(path_base(a[0]), path_base(b[0])))
		return false;
	if (na != nb && !(na == 32 && nb > 32))
		return false;
	for (int i = 1; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

/* line with each ' written '\'' (how a wrapper quotes it for eval) */
static char *sq_escaped(const char *line)
{
	size_t n = 0;
	for (const char *p = line; *p; p++)
		n += *p == '\'' ? 4 : 1;
	char *o = malloc(n + 1), *q = o;
	if (!o)
		return NULL;
	for (const char *p = line; *p; p++) {
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else {
			*q++ = *p;
		}
	}
	*q = 0;
	return o;
}

bool cm_runs_line(const char *const *argv, int n, const char *line)
{
	if (!line || !*line)
		return false;
	size_t len = strlen(line);
	for (int i = 1; i < n; i++)
		if (!strcmp(argv[i], line))
			return true;
	if (len < CM_LINE_MIN)
		return false;
	char *esc = strchr(line, '\'') ? sq_escaped(line) : NULL;
	bool found = false;
	for (int i = 1; i < n && !found; i++)
		found = strstr(argv[i], line) || (esc && strstr(argv[i], esc));
	free(esc);
	return found;
}
