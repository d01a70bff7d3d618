/* SPDX-License-Identifier: MIT */
/* diag.c: messages on stderr, named after the program. */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

const char *progname = "agentpprof";
_Thread_local unsigned long diag_errors;
_Thread_local struct diag_capture *diag_capture;

/* What went to stdout through stdio (--help, --version, usage) is flushed
 * here, at exit, and a failure there is a write error like any other:
 * `prog --help > /dev/full` must not end 0 with nothing written. */
static void stdout_check(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	int e = errno;
	if (e == EPIPE)
		_exit(0);
	fprintf(stderr, "%s: write error: %s\n", progname, strerror(e ? e : EIO));
	_exit(2);
}

void diag_init(const char *argv0)
{
	static bool checking;
	if (!checking)
		checking = !atexit(stdout_check);
	const char *s = strrchr(argv0, '/');
	progname = s ? s + 1 : argv0;
	/* A standard descriptor that is closed (prog >&-) would be handed to
	 * the next open(): output meant for stdout would land in an input or
	 * output file.  Hold each one with /dev/null, stdout and stderr read
	 * only, so that writing to them fails (EBADF) and says so instead of
	 * vanishing. */
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", O_RDONLY);
			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
}

/* The message into the thread's capture, after the output so far. */
static void capture(struct diag_capture *c, const char *file, uint64_t line, const char *fmt,
	va_list ap)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->at = xrealloc(c->at, c->cap * sizeof *c->at);
		c->end = xrealloc(c->end, c->cap * sizeof *c->end);
	}
	struct sbuf *b = c->msgs;
	sb_printf(b, "%s: ", progname);
	if (file && line)
		sb_printf(b, "%s:%llu: ", file, (unsigned long long)line);
	else if (file)
		sb_printf(b, "%s: ", file);
	char m[1024];
	va_list again;
	va_copy(again, ap);
	int k = vsnprintf(m, sizeof m, fmt, ap);
	if (k >= (int)sizeof m) {
		char *big = xmalloc((size_t)k + 1);
		vsnprintf(big, (size_t)k + 1, fmt, again);
		sb_add(b, big, (size_t)k);
		free(big);
	} else if (k > 0) {
		sb_add(b, m, (size_t)k);
	}
	va_end(again);
	sb_addc(b, '\n');
	c->at[c->n] = stdout_sb.len;
	c->end[c->n++] = b->len;
}

void diag_replay(struct diag_capture *c, const char *out, size_t n)
{
	size_t done = 0, from = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->at[i] > done) {
			sb_add(&stdout_sb, out + done, c->at[i] - done);
			done = c->at[i];
		}
		out_flush();
		fwrite(c->msgs->p + from, 1, c->end[i] - from, stderr);
		from = c->end[i];
	}
	if (n > done)
		sb_add(&stdout_sb, out + done, n - done);
	c->n = 0;
	sb_reset(c->msgs);
}

static void vmsg(const char *file, uint64_t line, const char *fmt, va_list ap)
{
	if (diag_capture) {
		capture(diag_capture, file, line, fmt, ap);
		return;
	}
	/* Output before the message, in order; but a failing stdout reports
	 * its write error through here, and must not try to flush again. */
	static _Thread_local bool flushing;
	if (!flushing) {
		flushing = true;
		out_flush();
		flushing = false;
	}
	fprintf(stderr, "%s: ", progname);
	if (file && line)
		fprintf(stderr, "%s:%llu: ", file, (unsigned long long)line);
	else if (file)
		fprintf(stderr, "%s: ", file);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void diag_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(NULL, 0, fmt, ap);
	va_end(ap);
}

void diag_at(const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(file, line, fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_capture = NULL;    /* the end: said now, whatever the thread */
	vmsg(NULL, 0, fmt, ap);
	va_end(ap);
	exit(status);
}

static void *oom(size_t n)
{
	die(2, "out of memory (%zu bytes)", n);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom(n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

/* what *once holds when name was looked up and is not set */
static const char env_unset[1];

const char *env_once(const char *name, const char **once)
{
	const char *v = __atomic_load_n(once, __ATOMIC_ACQUIRE);
	if (!v) {
		v = getenv(name);
		if (!v)
			v = env_unset;
		__atomic_store_n(once, v, __ATOMIC_RELEASE);
	}
	return v == env_unset ? NULL : v;
}

void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* The program's segments mapped without write permission (PT_LOAD without
 * PF_W: its code and read-only data, string literals among them), looked
 * up once by each thread that asks. */
static _Thread_local struct { uintptr_t lo, hi; } ro[8];
static _Thread_local int nro = -1;      /* -1: not looked up yet */

static int ro_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	for (int i = 0; i < info->dlpi_phnum && nro < (int)(sizeof ro / sizeof *ro); i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && !(ph->p_flags & PF_W)) {
			ro[nro].lo = (uintptr_t)info->dlpi_addr + ph->p_vaddr;
			ro[nro].hi = ro[nro].lo + ph->p_memsz;
			nro++;
		}
	}
	return 1;       /* the first object is the program itself */
}

static void ro_lookup(void)
{
	if (nro < 0) {
		nro = 0;
		dl_iterate_phdr(ro_segments, NULL);
	}
}

bool read_only_addr(const void *p)
{
	ro_lookup();
	uintptr_t a = (uintptr_t)p;
	for (int i = 0; i < nro; i++)
		if (a >= ro[i].lo && a < ro[i].hi)
			return true;
	return false;
}

void read_only_span(uintptr_t *lo, uintptr_t *hi)
{
	ro_lookup();
	*lo = UINTPTR_MAX;
	*hi = 0;
	for (int i = 0; i < nro; i++) {
		if (ro[i].lo < *lo)
			*lo = ro[i].lo;
		if (ro[i].hi > *hi)
			*hi = ro[i].hi;
	}
}
