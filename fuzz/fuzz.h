/* SPDX-License-Identifier: MIT */
/* fuzz.h: what every libFuzzer target here shares.  A target defines
 * LLVMFuzzerTestOneInput; fuzz/replay.c gives it a main() for gcc builds
 * that replay saved inputs (tests/81-regress.t). */
#ifndef AP_FUZZ_H
#define AP_FUZZ_H
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

/* Once per process: data on stdout goes to /dev/null.  Diagnostics stay
 * on stderr, where the sanitizers report too (libFuzzer's
 * -close_fd_mask=2 silences them and keeps its own reports). */
/* The first byte of an input as the target's selector, taken off the
 * data: -1 for an empty input (nothing to run). */
static inline int fuzz_selector(const uint8_t **data, size_t *n)
{
	if (!*n)
		return -1;
	(*n)--;
	return *(*data)++;
}

static inline void fuzz_quiet(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	diag_init("fuzz");
	int fd = open("/dev/null", O_WRONLY);
	if (fd > 1) {
		dup2(fd, 1);
		close(fd);
	}
}

/* The input as a NUL-terminated copy (parsers may read p[n]). */
static inline char *fuzz_str(const uint8_t *p, size_t n)
{
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

/* The input as a file open for reading at offset 0 (a memfd), so the
 * programs' own line reader reads it as it would a session file. */
static inline int fuzz_fd(const uint8_t *p, size_t n)
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		abort();
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}
/* A private directory for the files a target must write or read by
 * name (a cache, a tree of sessions), on tmpfs when there is one, made
 * once per process and removed at its exit. */
static char fuzz_tmp[64];
static inline void fuzz_tmp_rm(void)
{
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_tmp);
	if (system(cmd)) {}
}
static inline const char *fuzz_tmpdir(void)
{
	if (!fuzz_tmp[0]) {
		snprintf(fuzz_tmp, sizeof fuzz_tmp, "%s/apfuzz.XXXXXX",
			access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (!mkdtemp(fuzz_tmp))
			abort();
		atexit(fuzz_tmp_rm);
	}
	return fuzz_tmp;
}

/* The sections of an input cut at each "\n--\n" (at most max of them; the
 * last takes the rest).  Returns how many. */
struct fuzz_part { const uint8_t *p; size_t n; };
static inline int fuzz_split(const uint8_t *p, size_t n, struct fuzz_part *v, int max)
{
	int k = 0;
	while (k < max - 1) {
		const uint8_t *sep = memmem(p, n, "\n--\n", 4);
		if (!sep)
			break;
		v[k].p = p;
		v[k++].n = (size_t)(sep - p) + 1;
		n -= (size_t)(sep - p) + 4;
		p = sep + 4;
	}
	v[k].p = p;
	v[k++].n = n;
	return k;
}

#ifdef AP_EVENTS_H
/* One session file through one adapter, as agent-events runs it: sniff
 * the head, run, end the file, with a fresh context.  The bytes are read
 * from memory by the same line reader (lr_open_mem): no file is written
 * and no 1 MiB buffer taken per run, which were five sixths of a run's
 * CPU time (reusing the context's tables instead of a fresh one saved
 * about a tenth more, in the noise of a shared machine: not worth
 * knowing every field of ev_ctx here). */
static inline int fuzz_adapter(const struct agent *a, const uint8_t *data, size_t n)
{
	fuzz_quiet();
	struct ev_ctx cc, *c = &cc;
	ev_ctx_init(c);
	struct lreader r;
	lr_open_mem(&r, data, n, "fuzz.jsonl");
	const char *head;
	size_t hn = lr_peek(&r, AGENT_SNIFF_SIZE, &head);
	(void)agent_sniff(head, hn, "fuzz.jsonl");
	a->run(c, &r, "fuzz.jsonl");
	ev_file_done(c);
	lr_close(&r);
	sb_reset(&stdout_sb);
	ev_ctx_free(c);
	return 0;
}
#endif
#endif
