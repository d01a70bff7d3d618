/* SPDX-License-Identifier: MIT */
/* lineio.c: a line reader over read(2) with one buffer that grows for long
 * lines and shrinks again after them, so memory follows the longest line
 * in flight, never the file size. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lineio.h"
#include "util.h"

#define CHUNK ((size_t)1 << 20)

/* AGENTPPROF_TEST_MAXLINE (SIZE_MAX: none), looked up once: a reader is
 * opened per file, thousands of them in a run. */
static size_t test_maxline(void)
{
	static const char *once;
	const char *t = env_once("AGENTPPROF_TEST_MAXLINE", &once);
	char *e;
	unsigned long long x = t ? strtoull(t, &e, 10) : 0;
	return t && !*e && x > 0 && x < SIZE_MAX ? (size_t)x : SIZE_MAX;
}

static void init(struct lreader *r, int fd, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->name = name;
	r->size = -1;
	r->maxline = LR_MAXLINE_DEFAULT;
	/* For the tests only: a lower limit, so that they need not feed
	 * hundreds of megabytes to see the limit work.  Never raised. */
	size_t t = test_maxline();
	if (t < r->maxline)
		r->maxline = t;
	r->cap = CHUNK;
	r->buf = xmalloc(r->cap + 1);
}

#ifdef F_SETPIPE_SZ
/* A pipe of 1 MiB instead of 64 KiB: sixteen times fewer reads and
 * wake-ups of the writer on each side (best effort; the limit for users
 * is /proc/sys/fs/pipe-max-size, 1 MiB by default). */
#define WIDEN_PIPE(fd, st) do { if (S_ISFIFO((st)->st_mode)) fcntl(fd, F_SETPIPE_SZ, CHUNK); } while (0)
#else
#define WIDEN_PIPE(fd, st) do { } while (0)
#endif

void lr_fdopen(struct lreader *r, int fd, const char *name)
{
	init(r, fd, name);
	struct stat st;
	if (!fstat(fd, &st))
		WIDEN_PIPE(fd, &st);
}

/* A regular file read from its start: a read that brings it to the size
 * it had is its end (no read more to see 0), and one that needs a single
 * read is not worth a call to make read-ahead sequential. */
void lr_open_file(struct lreader *r, int fd, const char *name, int64_t size)
{
#ifdef POSIX_FADV_SEQUENTIAL
	if (size > (int64_t)CHUNK)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	init(r, fd, name);
	r->size = size;
}

/* A reader over a copy of p[0..n) with no descriptor behind it: the
 * fuzz targets feed a session file to the adapters this way, with no
 * file written and no 1 MiB buffer per run.  Lines, numbers and
 * diagnostics are those of the same bytes read from a file. */
void lr_open_mem(struct lreader *r, const void *p, size_t n, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->name = name;
	r->size = -1;
	r->maxline = LR_MAXLINE_DEFAULT;
	r->cap = n;
	r->buf = xmalloc(n + 1);
	if (n)
		memcpy(r->buf, p, n);
	r->end = n;
	r->bytes = n;
	r->eof = true;
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
	struct stat st;
	bool known = !fstat(fd, &st);
	if (known && S_ISREG(st.st_mode)) {
		lr_open_file(r, fd, path, (int64_t)st.st_size);
		return 0;
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	init(r, fd, path);
	if (known)
		WIDEN_PIPE(fd, &st);
	return 0;
}

/* Read more at the end of the buffer, at most want bytes (SIZE_MAX: as
 * much as fits); 0 at end of input. */
static ssize_t fill_upto(struct lreader *r, size_t want)
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
		/* double, but no further than the bytes wanted need */
		size_t grow = r->cap;
		if (want < grow)
			grow = want < CHUNK ? CHUNK : want;
		r->cap += grow;
		r->buf = xrealloc(r->buf, r->cap + 1);
	}
	size_t room = r->cap - r->end;
	if (want < room)
		room = want ? want : 1;
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, room);
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
		if (n > 0 && r->size >= 0 && r->bytes == (uint64_t)r->size)
			r->eof = true;  /* as large as it was: no read for the 0 */
		return n;
	}
}

static ssize_t fill(struct lreader *r)
{
	return fill_upto(r, SIZE_MAX);
}

/* "256 MiB" for the messages about the line limit. */
static const char *size_str(char *buf, size_t n, uint64_t v)
{
	if (v && !(v % ((uint64_t)1 << 30)))
		snprintf(buf, n, "%llu GiB", (unsigned long long)(v >> 30));
	else if (v && !(v % ((uint64_t)1 << 20)))
		snprintf(buf, n, "%llu MiB", (unsigned long long)(v >> 20));
	else
		snprintf(buf, n, "%llu bytes", (unsigned long long)v);
	return buf;
}

void lr_warn_toolong(struct lreader *r, uint64_t skipped, bool gave_up)
{
	char sz[32];
	if (gave_up)
		lr_warn(r, "toolong", "line longer than %s and still going; the rest of the input is not read",
			size_str(sz, sizeof sz, (uint64_t)r->maxline * LR_GIVEUP));
	else
		lr_warn(r, "toolong", "line longer than %s (%llu bytes); skipped",
			size_str(sz, sizeof sz, r->maxline), (unsigned long long)skipped);
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

/* The name of the file being read through a mapping, for the message if
 * it shrinks under us (a truncated mapping raises SIGBUS). */
static _Thread_local const char *volatile mapped_name;

static void on_sigbus(int sig)
{
	(void)sig;
	const char *n = mapped_name ? mapped_name : "input";
	write(2, progname, strlen(progname));
	write(2, ": ", 2);
	write(2, n, strlen(n));
	static const char msg[] = ": the file shrank while it was being read\n";
	write(2, msg, sizeof msg - 1);
	_exit(2);
}

int lr_map(struct lreader *r)
{
	struct stat st;
	off_t at;
	if (r->map || r->bytes || fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (at = lseek(r->fd, 0, SEEK_CUR)) < 0 || st.st_size <= at ||
	    (uint64_t)st.st_size > SIZE_MAX)
		return 0;
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, r->fd, 0);
	if (m == MAP_FAILED)
		return 0;
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	static _Thread_local bool handler;
	if (!handler) {
		struct sigaction sa = {.sa_handler = on_sigbus};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
		handler = true;
	}
	mapped_name = r->name;
	r->map = m;
	r->msize = (size_t)st.st_size;
	r->mstart = r->mpos = r->mfreed = (size_t)at;
	return 1;
}

int lr_adopt_map(struct lreader *r, struct lreader *m)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (r->map || r->lineno || r->beg || r->failed || !m->map || m->mstart || m->mpos ||
	    m->msize < r->end || (r->end && memcmp(m->map, r->buf, r->end)) || pg <= 0 ||
	    (m->msize % (size_t)pg == 0 && m->map[m->msize - 1] != '\n'))
		return 0;
	r->map = m->map;
	r->msize = m->msize;
	r->mstart = r->mpos = r->mfreed = 0;
	r->beg = r->end = 0;
	r->bytes = 0;
	r->eof = false;
	mapped_name = r->name;
	m->map = NULL;
	return 1;
}

void lr_unmap_before(struct lreader *r, const char *p)
{
	if (!r->map || p < r->map || p > r->map + r->msize)
		return;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), upto = (size_t)(p - r->map) / pg * pg;
	if (upto > r->mfreed) {
		size_t from = r->mfreed / pg * pg;
		madvise((char *)r->map + from, upto - from, MADV_DONTNEED);
		r->mfreed = upto;
	}
}

/* lr_next over a mapping: the same lines, numbers and diagnostics. */
static int next_mapped(struct lreader *r, char **line, size_t *len)
{
	while (r->mpos < r->msize) {
		char *s = (char *)r->map + r->mpos;
		size_t avail = r->msize - r->mpos;
		char *nl = memchr(s, '\n', avail);
		size_t l = nl ? (size_t)(nl - s) : avail;
		r->lineno++;
		r->offset = r->mpos - r->mstart;
		r->partial = !nl;
		r->mpos += l + (nl != NULL);
		r->bytes = r->mpos - r->mstart;
		if (l > r->maxline) {
			char lim[32];
			lr_warn(r, "toolong", "line longer than %s (%zu bytes); skipped",
				size_str(lim, sizeof lim, r->maxline), l);
			lr_unmap_before(r, r->map + r->mpos);
			continue;
		}
		if (nl && l && s[l - 1] == '\r')
			l--;
		*line = s;
		*len = l;
		return 1;
	}
	r->eof = true;
	/* all read: leave the descriptor where read(2) would have, for
	 * whoever reads standard input next */
	lseek(r->fd, (off_t)r->msize, SEEK_SET);
	return 0;
}

int lr_next(struct lreader *r, char **line, size_t *len)
{
	size_t scanned = 0;
	if (r->map)
		return next_mapped(r, line, len);
	shrink(r);
	for (;;) {
		char *s = r->buf + r->beg;
		size_t avail = r->end - r->beg;
		char *nl = memchr(s + scanned, '\n', avail - scanned);
		if (nl && (size_t)(nl - s) > r->maxline) {
			/* a long line read in one gulp: the part up to maxline
			 * is all that counts */
			nl = NULL;
			avail = r->maxline + 1;
		}
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
			/* Too long: report and skip to the next newline, unless
			 * the line runs on past LR_GIVEUP times the limit
			 * (/dev/zero, a stuck writer): then the rest of the input
			 * is one endless line, and reading stops there. */
			r->lineno++;
			r->offset = r->bytes - (r->end - r->beg);
			uint64_t skipped = 0, giveup = (uint64_t)r->maxline * LR_GIVEUP;
			nl = memchr(s, '\n', r->end - r->beg);
			if (nl) {       /* ends in what was read already */
				skipped = (uint64_t)(nl - s);
				r->beg += (size_t)(nl - s) + 1;
			} else {
				skipped = r->end - r->beg;
				r->beg = r->end = 0;
				/* read in modest pieces from here: the buffer need
				 * not grow for bytes that are thrown away */
				while (!nl && skipped <= giveup && fill_upto(r, CHUNK) > 0) {
					nl = memchr(r->buf, '\n', r->end);
					if (nl) {
						skipped += (uint64_t)(nl - r->buf);
						r->beg = (size_t)(nl - r->buf) + 1;
					} else {
						skipped += r->end;
						r->beg = r->end = 0;
					}
				}
			}
			bool gave_up = !nl && skipped > giveup;
			lr_warn_toolong(r, skipped, gave_up);
			if (gave_up) {
				r->eof = true;
				r->beg = r->end = 0;
			}
			shrink(r);
			scanned = 0;
			continue;
		}
		if (fill_upto(r, r->maxline + 1 - avail) <= 0) {
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

size_t lr_lines(struct lreader *r, const char **p)
{
	const char *s;
	size_t avail;
	if (r->map) {
		s = r->map + r->mpos;
		avail = r->msize - r->mpos;
	} else {
		s = r->buf + r->beg;
		avail = r->end - r->beg;
	}
	/* a line of maxline bytes and its newline at most: a longer one is
	 * lr_next's to report */
	if (avail > r->maxline + 1)
		avail = r->maxline + 1;
	const char *nl = avail ? memrchr(s, '\n', avail) : NULL;
	*p = s;
	return nl ? (size_t)(nl - s) + 1 : 0;
}

void lr_skip(struct lreader *r, size_t n, uint64_t k)
{
	if (!n)
		return;
	const char *s = r->map ? r->map + r->mpos : r->buf + r->beg;
	/* the last line's start: after the newline before the last */
	const char *nl = n > 1 ? memrchr(s, '\n', n - 1) : NULL;
	size_t last = nl ? (size_t)(nl - s) + 1 : 0;
	r->lineno += k;
	r->partial = false;
	if (r->map) {
		r->offset = r->mpos + last - r->mstart;
		r->mpos += n;
		r->bytes = r->mpos - r->mstart;
	} else {
		r->offset = r->bytes - (r->end - r->beg) + last;
		r->beg += n;
	}
}

int lr_next_nonblank(struct lreader *r, char **line, size_t *len)
{
	while (lr_next(r, line, len))
		if (!lr_blank(*line, *len))
			return 1;
	return 0;
}

size_t lr_peek(struct lreader *r, size_t n, const char **p)
{
	if (r->map) {
		*p = r->map + r->mpos;
		return r->msize - r->mpos < n ? r->msize - r->mpos : n;
	}
	while (r->end - r->beg < n && !r->eof)
		if (fill(r) <= 0)
			break;
	*p = r->buf + r->beg;
	size_t avail = r->end - r->beg;
	return avail < n ? avail : n;
}

int lr_slurp(struct lreader *r, size_t max, char **p, size_t *len)
{
	if (r->map)
		die(2, "lr_slurp on a mapped file");   /* a programming error */
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

int lr_doc(struct lreader *r, struct lreader *m, size_t max, const char **p, size_t *n)
{
	struct stat st;
	off_t at;
	int fd;
	long pg = sysconf(_SC_PAGESIZE);
	m->map = NULL;
	if (r->fd > 0 && !r->map && !r->beg && r->end == r->bytes && !r->eof &&
	    !fstat(r->fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size > r->bytes &&
	    (uint64_t)st.st_size <= max && pg > 0 && st.st_size % pg &&
	    (at = lseek(r->fd, 0, SEEK_CUR)) >= 0 && (uint64_t)at == r->bytes &&
	    (fd = dup(r->fd)) >= 0) {
		/* the two descriptors share one offset: the mapping is of
		 * the file from its start, and the offset is put back */
		lr_fdopen(m, fd, r->name);
		if (lseek(fd, 0, SEEK_SET) == 0 && lr_map(m) && m->msize == (size_t)st.st_size &&
		    !memcmp(m->map, r->buf, r->end)) {
			lseek(r->fd, at, SEEK_SET);
			*p = m->map;
			*n = m->msize;
			return 0;
		}
		lr_close(m);
		m->map = NULL;
		lseek(r->fd, at, SEEK_SET);
	}
	char *s;
	if (lr_slurp(r, max, &s, n) < 0)
		return -1;
	*p = s;
	return 0;
}

static void vwarn(struct lreader *r, bool bad, const char *key, const char *fmt, va_list ap)
{
	if (r->quiet)
		return;
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
	if (r->map) {
		munmap((void *)r->map, r->msize);
		r->map = NULL;
		mapped_name = NULL;
	}
	if (r->fd > 0)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
}
