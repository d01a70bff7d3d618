/* SPDX-License-Identifier: MIT */
/* intern.c: see intern.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "intern.h"

/* Tables from this size on are mapped, in 2 MiB huge pages when the
 * kernel gives them (madvise), their pages faulted in by one call. */
#define MAPPED ((size_t)1 << 21)

static bool same(const struct istr *e, const char *s, size_t n)
{
	return e->len == n && (!n || !memcmp(e->s, s, n));
}

uint32_t intern_hash(const char *s, size_t n)
{
	return (uint32_t)(hash64(s, n, 0) >> 32);
}

static uint64_t *slots_new(struct intern *t, uint32_t bits)
{
	size_t sz = ((size_t)1 << bits) * sizeof(uint64_t);
	t->map = NULL;
	t->maplen = 0;
	if (sz < MAPPED)
		return xcalloc((size_t)1 << bits, sizeof(uint64_t));
	/* a huge page must be aligned: map one more and start on the boundary */
	size_t len = sz + MAPPED;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die(2, "out of memory (%zu bytes)", len);
	char *a = (char *)(((uintptr_t)m + MAPPED - 1) & ~(uintptr_t)(MAPPED - 1));
#ifdef MADV_HUGEPAGE
	madvise(a, sz, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
	madvise(a, sz, MADV_POPULATE_WRITE);   /* else faulted in as touched */
#endif
	t->map = m;
	t->maplen = len;
	return (uint64_t *)(void *)a;
}

static void slots_free(struct intern *t)
{
	if (t->map)
		munmap(t->map, t->maplen);
	else
		free(t->slot);
}

/* The slot of tag: the one with the string s[0..n), else the empty one
 * where it goes. */
static uint64_t *probe(const struct intern *t, uint32_t tag, const char *s, size_t n)
{
	size_t mask = ((size_t)1 << t->bits) - 1, i = (size_t)(tag >> (32 - t->bits));
	for (;; i = (i + 1) & mask) {
		uint64_t e = t->slot[i];
		if (!e || ((uint32_t)(e >> 32) == tag && same(&t->v[(uint32_t)e - 1], s, n)))
			return &t->slot[i];
	}
}

/* The first empty slot from tag's place on, for moving a slot. */
static uint64_t *empty(const struct intern *t, uint32_t tag)
{
	size_t mask = ((size_t)1 << t->bits) - 1, i = (size_t)(tag >> (32 - t->bits));
	while (t->slot[i])
		i = (i + 1) & mask;
	return &t->slot[i];
}

static void grow(struct intern *t)
{
	struct intern g = *t;
	g.bits = t->bits ? t->bits + 1 : 6;
	g.slot = slots_new(&g, g.bits);
	/* in order of their place, which doubling keeps: the writes go on
	 * through the new table */
	for (size_t i = 0; t->bits && i < (size_t)1 << t->bits; i++)
		if (t->slot[i])
			*empty(&g, (uint32_t)(t->slot[i] >> 32)) = t->slot[i];
	if (t->bits)
		slots_free(t);
	t->slot = g.slot;
	t->map = g.map;
	t->maplen = g.maplen;
	t->bits = g.bits;
}

uint32_t intern_find(const struct intern *t, const char *s, size_t n)
{
	if (!t->bits)
		return INTERN_NONE;
	uint64_t e = *probe(t, intern_hash(s, n), s, n);
	return e ? (uint32_t)e - 1 : INTERN_NONE;
}

uint32_t intern_id(struct intern *t, const char *s, size_t n)
{
	return intern_id_hashed(t, s, n, intern_hash(s, n));
}

uint32_t intern_id_hashed(struct intern *t, const char *s, size_t n, uint32_t tag)
{
	if (t->bits < 32 && ((size_t)t->n + 1) * 4 > ((size_t)3 << t->bits))
		grow(t);
	uint64_t *e = probe(t, tag, s, n);
	if (*e)
		return (uint32_t)*e - 1;
	if (t->n == INTERN_NONE)
		die(2, "more than %u distinct strings", INTERN_NONE - 1);
	if (t->n == t->cap) {
		t->cap = t->cap ? (t->cap > INTERN_NONE / 2 ? INTERN_NONE : t->cap * 2) : 64;
		t->v = xrealloc(t->v, sizeof *t->v * t->cap);
	}
	t->v[t->n] = (struct istr){arena_strdup(&t->a, s, n), n};
	*e = (uint64_t)tag << 32 | (t->n + 1);
	return t->n++;
}

void intern_free(struct intern *t)
{
	arena_free(&t->a);
	if (t->bits)
		slots_free(t);
	free(t->v);
	memset(t, 0, sizeof *t);
}
