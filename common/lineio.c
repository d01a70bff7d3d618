/* lineio.c: a line reader over read(2) with one buffer that grows for long
 * lines and shrinks again after them, so memory follows the longest line
 * in flight, never the file size. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lineio.h"
#include "util.h"

#define CHUNK ((size_t)1 << 20)

void lr_fdopen(struct lreader *r, int fd, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->name = name;
	r->maxline = LR_MAXLINE_DEFAULT;
	r->cap = CHUNK;
	r->buf = xmalloc(r->cap + 1);
}

int lr_open(struct lreader *r, const char *path)
{
	if (!strcmp(path, "-")) {
		lr_fdopen(r, 0, "(stdin)");
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_at(path, 0, "%s", strerror(errno));
		diag_errors++;
		return -1;
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	lr_fdopen(r, fd, path);
	return 0;
}

/* Read more at the end of the buffer; 0 at end of input. */
static ssize_t fill(struct lreader *r)
{
	if (r->eof)
		return 0;
	if (r->beg && r->beg == r->end) {
		r->beg = r->end = 0;
	} else if (r->beg && r->end == r->cap) {
		memmove(r->buf, r->buf + r->beg, r->end - r->beg);
		r->end -= r->beg;
		r->beg = 0;
	}
	if (r->end == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap + 1);
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_at(r->name, 0, "read error: %s", strerror(errno));
			diag_errors++;
			r->failed = true;
			n = 0;
		}
		if (n == 0)
			r->eof = true;
		r->end += (size_t)n;
		r->bytes += (uint64_t)n;
		return n;
	}
}

/* Give back memory a long line took, once the data left fits a chunk. */
static void shrink(struct lreader *r)
{
	if (r->cap > 4 * CHUNK && r->end - r->beg <= CHUNK) {
		memmove(r->buf, r->buf + r->beg, r->end - r->beg);
		r->end -= r->beg;
		r->beg = 0;
		r->cap = CHUNK;
		r->buf = xrealloc(r->buf, r->cap + 1);
	}
}

int lr_next(struct lreader *r, char **line, size_t *len)
{
	size_t scanned = 0;
	shrink(r);
	for (;;) {
		char *s = r->buf + r->beg;
		size_t avail = r->end - r->beg;
		char *nl = memchr(s + scanned, '\n', avail - scanned);
		if (nl) {
			size_t l = (size_t)(nl - s);
			r->lineno++;
			r->offset = r->bytes - (r->end - r->beg);
			r->partial = false;
			r->beg += l + 1;
			if (l && s[l - 1] == '\r')
				l--;
			s[l] = 0;
			*line = s;
			*len = l;
			return 1;
		}
		scanned = avail;
		if (avail > r->maxline) {
			/* Too long: report and skip to the next newline. */
			r->lineno++;
			uint64_t skipped = avail;
			r->beg = r->end = 0;
			for (;;) {
				if (fill(r) <= 0)
					break;
				nl = memchr(r->buf, '\n', r->end);
				if (nl) {
					skipped += (uint64_t)(nl - r->buf);
					r->beg = (size_t)(nl - r->buf) + 1;
					break;
				}
				skipped += r->end;
				r->beg = r->end = 0;
			}
			lr_warn(r, "toolong", "line of %llu bytes is longer than the limit of %zu; skipped",
				(unsigned long long)skipped, r->maxline);
			shrink(r);
			scanned = 0;
			continue;
		}
		if (fill(r) <= 0) {
			s = r->buf + r->beg;
			avail = r->end - r->beg;
			if (!avail)
				return 0;
			/* A last line without newline: returned, marked partial. */
			r->lineno++;
			r->offset = r->bytes - avail;
			r->partial = true;
			r->beg = r->end;
			s[avail] = 0;
			*line = s;
			*len = avail;
			return 1;
		}
	}
}

int lr_next_nonblank(struct lreader *r, char **line, size_t *len)
{
	while (lr_next(r, line, len)) {
		for (size_t i = 0; i < *len; i++)
			if ((*line)[i] != ' ' && (*line)[i] != '\t' && (*line)[i] != '\r')
				return 1;
	}
	return 0;
}

size_t lr_peek(struct lreader *r, size_t n, const char **p)
{
	while (r->end - r->beg < n && !r->eof)
		if (fill(r) <= 0)
			break;
	*p = r->buf + r->beg;
	size_t avail = r->end - r->beg;
	return avail < n ? avail : n;
}

int lr_slurp(struct lreader *r, size_t max, char **p, size_t *len)
{
	while (!r->eof) {
		if (r->end - r->beg > max) {
			lr_warn(r, "toolarge", "larger than the limit of %zu bytes for a whole-file document; skipped", max);
			return -1;
		}
		fill(r);
	}
	if (r->end - r->beg > max) {
		lr_warn(r, "toolarge", "larger than the limit of %zu bytes for a whole-file document; skipped", max);
		return -1;
	}
	*p = r->buf + r->beg;
	*len = r->end - r->beg;
	(*p)[*len] = 0;
	r->beg = r->end;
	return 0;
}

static void vwarn(struct lreader *r, bool bad, const char *key, const char *fmt, va_list ap)
{
	r->nwarn++;
	if (bad)
		diag_errors++;
	int i;
	for (i = 0; i < LR_NWARN && r->warn[i].key; i++)
		if (!strcmp(r->warn[i].key, key)) {
			r->warn[i].count++;
			return;
		}
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (i < LR_NWARN) {
		r->warn[i].key = key;
		r->warn[i].first = r->lineno;
		r->warn[i].count = 1;
		snprintf(r->warn[i].msg, sizeof r->warn[i].msg, "%.159s", msg);
	}
	diag_at(r->name, r->lineno, "%s", msg);
}

void lr_warn(struct lreader *r, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(r, true, key, fmt, ap);
	va_end(ap);
}

void lr_note(struct lreader *r, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(r, false, key, fmt, ap);
	va_end(ap);
}

void lr_close(struct lreader *r)
{
	for (int i = 0; i < LR_NWARN && r->warn[i].key; i++)
		if (r->warn[i].count > 1)
				diag_at(r->name, 0, "%llu more like line %llu: %s",
				(unsigned long long)(r->warn[i].count - 1),
				(unsigned long long)r->warn[i].first, r->warn[i].msg);
	if (r->fd > 0)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
}
