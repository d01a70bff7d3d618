/* SPDX-License-Identifier: MIT */
/* arena.c: see arena.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "arena.h"
#include "util.h"

static size_t blksize(const struct arena *a)
{
	return a->blksize ? a->blksize : ARENA_BLOCK;
}

static char *block_new(const struct arena *a)
{
	size_t sz = blksize(a);
	if (!a->prefault)
		return xmalloc(sz);
	void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m == MAP_FAILED)
		die(2, "out of memory (%zu bytes)", sz);
	return m;
}

static void block_free(const struct arena *a, char *b)
{
	if (a->prefault)
		munmap(b, blksize(a));
	else
		free(b);
}

/* Move to the next block (a kept one, or a new one); used starts at 0. */
static void block_next(struct arena *a)
{
	if (a->nblk && a->cur + 1 < a->nblk) {
		a->cur++;
	} else {
		a->blk = xrealloc(a->blk, sizeof *a->blk * (a->nblk + 1));
		a->blk[a->nblk] = block_new(a);
		a->cur = a->nblk++;
	}
	a->used = 0;
}

static void *big_new(struct arena *a, size_t n)
{
	a->big = xrealloc(a->big, sizeof *a->big * (a->nbig + 1));
	return a->big[a->nbig++] = xmalloc(n);
}

/* n bytes at an offset rounded up to align (a power of two). */
static void *take(struct arena *a, size_t n, size_t align)
{
	size_t sz = blksize(a);
	if (n > sz)
		return big_new(a, n);
	size_t at = (a->used + align - 1) & ~(align - 1);
	if (!a->nblk || at > sz || n > sz - at) {
		block_next(a);
		at = 0;
	}
	a->used = at + n;
	return a->blk[a->cur] + at;
}

void *arena_alloc(struct arena *a, size_t n)
{
	return take(a, n, ARENA_ALIGN);
}

void *arena_bytes(struct arena *a, size_t n)
{
	return take(a, n, 1);
}

char *arena_strdup(struct arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		die(2, "out of memory (%zu bytes)", n);
	char *p = take(a, n + 1, 1);
	if (n)
		memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void arena_reset(struct arena *a)
{
	for (size_t i = 0; i < a->nbig; i++)
		free(a->big[i]);
	a->nbig = 0;
	if (a->keep && a->nblk > a->keep) {
		for (size_t i = a->keep; i < a->nblk; i++)
			block_free(a, a->blk[i]);
		a->nblk = a->keep;
	}
	a->cur = 0;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	size_t bs = a->blksize, keep = a->keep;
	bool pf = a->prefault;
	a->keep = 0;
	arena_reset(a);
	for (size_t i = 0; i < a->nblk; i++)
		block_free(a, a->blk[i]);
	free(a->blk);
	free(a->big);
	memset(a, 0, sizeof *a);
	a->blksize = bs;
	a->keep = keep;
	a->prefault = pf;
}
