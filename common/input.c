/* input.c: operands ("no operands or - is stdin") and option numbers. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

static char dash[] = "-";
static char *dashv[] = {dash};

void operands_init(struct operands *o, int argc, char **argv)
{
	if (argc > 0) {
		o->v = argv;
		o->n = argc;
	} else {
		o->v = dashv;
		o->n = 1;
	}
	o->owned = false;
}

int operands_from_file(struct operands *o, const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		warnx("%s: %s", file, strerror(errno));
		return -1;
	}
	struct sbuf all = {0};
	char chunk[65536];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_add(&all, chunk, r);
	if (f != stdin)
		fclose(f);
	/* NUL-separated (find -print0, agent-sessions -0) when any NUL is there,
	 * else one path a line. */
	int sep = all.len && memchr(all.p, 0, all.len) ? 0 : '\n';
	int n = 0, cap = 16;
	char **v = xmalloc(sizeof *v * (size_t)cap);
	/* Operands given beside the file come first, except the "-" that
	 * stands for no operands at all. */
	if (!(o->n == 1 && o->v == dashv))
		for (int i = 0; i < o->n; i++) {
			if (n == cap)
				v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
			v[n++] = xstrdup(o->v[i]);
		}
	for (char *p = all.p, *e = all.p + all.len; p && p < e;) {
		char *q = memchr(p, sep, (size_t)(e - p));
		size_t l = (size_t)((q ? q : e) - p);
		if (sep && l && p[l - 1] == '\r')
			l--;
		if (l) {
			if (n == cap)
				v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
			v[n++] = xstrndup(p, l);
		}
		p = q ? q + 1 : e;
	}
	sb_free(&all);
	operands_free(o);
	o->v = v;
	o->n = n;
	o->owned = true;
	return 0;
}

void operands_free(struct operands *o)
{
	if (o->owned) {
		for (int i = 0; i < o->n; i++)
			free(o->v[i]);
		free(o->v);
	}
	o->v = NULL;
	o->n = 0;
}

bool parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *e;
	errno = 0;
	long long v = strtoll(s, &e, 10);
	if (!*s || *e || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool parse_f64(const char *s, double lo, double hi, double *out)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (!*s || *e || errno || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}
