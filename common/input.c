/* SPDX-License-Identifier: MIT */
/* input.c: operands ("no operands or - is stdin") and option numbers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* The list is read in blocks; a name is at most NAME_MAX_LEN bytes. */
#define LIST_BLOCK 65536
#define NAME_MAX_LEN (PATH_MAX - 1)
/* This many empty entries in a row (/dev/zero, `yes ''`) are no list. */
#define LIST_MAX_EMPTY 4096
/* The names of a list held at once (with their overhead): 256 MiB, about
 * a million and a half paths of 150 bytes. */
#define LIST_MAX_BYTES ((size_t)256 << 20)
/* A "name" still going after this many bytes ends the list. */
#define LIST_GIVEUP (1 << 20)

int names_open(struct namelist *l, const char *file)
{
	memset(l, 0, sizeof *l);
	l->file = file;
	l->name = strcmp(file, "-") ? file : "(stdin)";
	l->fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
	if (l->fd < 0) {
		diag_warn("%s: %s", file, strerror(errno));
		return -1;
	}
	struct stat st;
	if (!fstat(l->fd, &st) && S_ISDIR(st.st_mode)) {
		diag_warn("%s: is a directory, not a list of files", l->name);
		names_close(l);
		return -1;
	}
	l->cap = LIST_BLOCK + PATH_MAX + 1;
	l->buf = xmalloc(l->cap + 1);
	/* NUL-separated (find -print0, agent-sessions -0) when a NUL comes
	 * within the first PATH_MAX bytes, else one name a line.  Reading
	 * stops at the first separator: a list from a pipe is used as its
	 * names arrive. */
	while (!l->eof && l->end < PATH_MAX + 1 && !memchr(l->buf, 0, l->end) &&
	       !memchr(l->buf, '\n', l->end))
		if (names_fill(l) < 0) {
			names_close(l);
			return -1;
		}
	l->sep = memchr(l->buf, 0, l->end < PATH_MAX + 1 ? l->end : PATH_MAX + 1) ? 0 : '\n';
	return 0;
}

/* Read more at the end of the buffer: -1 on a read error (reported). */
int names_fill(struct namelist *l)
{
	if (l->beg) {
		memmove(l->buf, l->buf + l->beg, l->end - l->beg);
		l->end -= l->beg;
		l->beg = 0;
	}
	for (;;) {
		ssize_t n = read(l->fd, l->buf + l->end, l->cap - l->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_warn("%s: %s", l->name, errno == EISDIR ?
				"is a directory, not a list of files" : strerror(errno));
			l->eof = true;
			l->failed = true;
			return -1;
		}
		if (n == 0)
			l->eof = true;
		l->end += (size_t)n;
		return 0;
	}
}

int names_next(struct namelist *l, char **name)
{
	unsigned empty = 0;
	while (!l->failed) {
		char *s = l->buf + l->beg;
		size_t avail = l->end - l->beg;
		char *q = memchr(s, l->sep, avail);
		if (!q && !l->eof && avail <= NAME_MAX_LEN) {
			names_fill(l);
			continue;
		}
		if (!q && !avail)
			break;
		l->entry++;
		size_t n = q ? (size_t)(q - s) : avail;
		if (n > NAME_MAX_LEN) {
			/* report, then skip to the separator */
			uint64_t skipped = 0;
			while (!(q = memchr(l->buf + l->beg, l->sep, l->end - l->beg))) {
				skipped += l->end - l->beg;
				l->beg = l->end = 0;
				if (l->eof || skipped > LIST_GIVEUP || names_fill(l) < 0 ||
				    (l->eof && l->end == 0))
					break;
			}
			diag_errors++;
			if (!q && skipped > LIST_GIVEUP) {
				diag_at(l->name, l->entry, "a file name longer than %d bytes and still going: not a list of files; the rest is not read",
					LIST_GIVEUP);
				l->failed = true;
				break;
			}
			if (q) {
				skipped += (uint64_t)(q - (l->buf + l->beg));
				l->beg = (size_t)(q - l->buf) + 1;
			}
			diag_at(l->name, l->entry, "a file name of %llu bytes, longer than the limit of %d; skipped",
				(unsigned long long)skipped, NAME_MAX_LEN);
			continue;
		}
		l->beg += n + (q != NULL);
		if (l->sep && n && s[n - 1] == '\r')
			n--;
		if (!n) {
			if (++empty >= LIST_MAX_EMPTY) {
				diag_at(l->name, l->entry, "%u empty names in a row: not a list of files; the rest is not read",
					empty);
				diag_errors++;
				l->failed = true;
				break;
			}
			continue;
		}
		if (memchr(s, 0, n)) {  /* a newline list with a NUL inside */
			diag_at(l->name, l->entry, "a file name with a NUL byte in it; skipped");
			diag_errors++;
			continue;
		}
		s[n] = 0;
		l->names++;
		*name = s;
		return 1;
	}
	return 0;
}

void names_close(struct namelist *l)
{
	if (l->fd > 0)
		close(l->fd);
	l->fd = -1;
	free(l->buf);
	l->buf = NULL;
}

int operands_from_file(struct operands *o, const char *file)
{
	struct namelist l;
	if (names_open(&l, file) < 0)
		return -1;
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
	char *name;
	size_t held = 0;
	while (names_next(&l, &name)) {
		/* the memory a name takes, its allocation's overhead counted */
		held += strlen(name) + 1 + sizeof *v + 16;
		if (held > LIST_MAX_BYTES) {
			diag_at(l.name, l.entry, "more than %zu MiB of file names: not a list this program reads",
				LIST_MAX_BYTES >> 20);
			l.failed = true;
			break;
		}
		if (n == cap)
			v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
		v[n++] = xstrdup(name);
	}
	bool failed = l.failed, none = !l.names;
	names_close(&l);
	if (failed) {
		for (int i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return -1;
	}
	if (none)
		diag_at(l.name, 0, "no file names in the list");
	if (!n) {               /* nothing at all: o stays as it was */
		free(v);
		return 1;
	}
	operands_free(o);
	o->v = v;
	o->n = n;
	o->owned = true;
	return none ? 1 : 0;
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
