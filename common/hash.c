/* SPDX-License-Identifier: MIT */
/* hash.c: a 64-bit string hash and a map from such hashes to integers. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "util.h"

static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static inline uint32_t rd32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The last n < 8 bytes at s as memcpy(&t, s, n) into a zero t would
 * leave them, without that copy's byte-by-byte code: loads that overlap
 * (each byte lands where the copy puts it, the overlapping ones twice,
 * the same), or one load of the 8 bytes ending at s + n shifted when
 * bytes before s are the key's own (back).  Little-endian only: the
 * shifts place bytes as a little-endian copy does. */
static inline uint64_t tail(const unsigned char *s, size_t n, bool back)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (!n)
		return 0;
	if (back)
		return rd64(s + n - 8) >> (8 * (8 - n));
	if (n >= 4)
		return rd32(s) | (uint64_t)rd32(s + n - 4) << (8 * (n - 4));
	return s[0] | (uint64_t)s[n / 2] << (8 * (n / 2)) | (uint64_t)s[n - 1] << (8 * (n - 1));
#else
	uint64_t t = 0;
	if (n)          /* hash64(NULL, 0) is an empty string, not UB */
		memcpy(&t, s, n);
	return t;
#endif
}

uint64_t hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	while (n >= 8) {
		h = (h ^ mix(rd64(s))) * 0x9e3779b97f4a7c15ULL;
		h = (h << 27) | (h >> 37);
		s += 8;
		n -= 8;
	}
	h ^= mix(tail(s, n, s != p) ^ n);
	return mix(h);
}

/* Large tables are mapped with their pages faulted in by one call:
 * growing a table touches every page of the new one at random, and a
 * page fault each (costly on virtual machines) was most of the cost of
 * a lookup in folded2pprof's stack table. */
#define HM_MAPPED ((size_t)1 << 18)    /* bytes */

static void *tab_new(size_t sz)
{
	if (sz < HM_MAPPED)
		return xcalloc(1, sz);
	void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m == MAP_FAILED)
		die(2, "out of memory (%zu bytes)", sz);
	return m;
}

static void tab_free(void *s, size_t sz)
{
	if (sz < HM_MAPPED)
		free(s);
	else
		munmap(s, sz);
}

/* The capacity a table of cap slots (0: none yet) grows to before it
 * holds n keys, one doubling at a time from 64 as hm_put and hs_put grow
 * it: at most three quarters full. */
static size_t cap_for(size_t cap, size_t n)
{
	if (!cap)
		cap = 64;
	while (n * 4 > cap * 3)
		cap *= 2;
	return cap;
}

static size_t slot(const struct hmap *m, uint64_t key)
{
	size_t mask = m->cap - 1, i = (size_t)key & mask;
	while (m->s[i].key && m->s[i].key != key)
		i = (i + 1) & mask;
	return i;
}

int64_t *hm_get(const struct hmap *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	key = key ? key : 1;
	size_t i = slot(m, key);
	return m->s[i].key ? &m->s[i].val : NULL;
}

static void hm_grow(struct hmap *m, size_t cap)
{
	struct hmap g = {0};
	g.cap = cap;
	g.s = tab_new(g.cap * sizeof *g.s);
	for (size_t i = 0; i < m->cap; i++)
		if (m->s[i].key)
			g.s[slot(&g, m->s[i].key)] = m->s[i];
	g.n = m->n;
	if (m->s)
		tab_free(m->s, m->cap * sizeof *m->s);
	*m = g;
}

void hm_reserve(struct hmap *m, size_t n)
{
	size_t cap = n ? cap_for(m->cap, n) : m->cap;
	if (cap != m->cap)
		hm_grow(m, cap);
}

int64_t *hm_put(struct hmap *m, uint64_t key, bool *ins)
{
	key = key ? key : 1;
	if ((m->n + 1) * 4 > m->cap * 3)
		hm_grow(m, m->cap ? m->cap * 2 : 64);
	size_t i = slot(m, key);
	if (ins)
		*ins = !m->s[i].key;
	if (!m->s[i].key) {
		m->s[i] = (struct hslot){key, 0};
		m->n++;
	}
	return &m->s[i].val;
}

void hm_free(struct hmap *m)
{
	if (m->s)
		tab_free(m->s, m->cap * sizeof *m->s);
	memset(m, 0, sizeof *m);
}

void hm_clear(struct hmap *m)
{
	if (m->cap > 4096) {
		hm_free(m);
	} else if (m->n) {
		memset(m->s, 0, m->cap * sizeof *m->s);
		m->n = 0;
	}
}

/* --- sets of hashes -------------------------------------------------------- */

static size_t hs_slot(const struct hset *m, uint64_t key)
{
	size_t mask = m->cap - 1, i = (size_t)key & mask;
	while (m->s[i] && m->s[i] != key)
		i = (i + 1) & mask;
	return i;
}

/* The old table's keys are in the order of their first slots but where a
 * run of them wraps around its end: the new one is written in two
 * sequential streams (first slot i or i + old cap), not at random. */
static void hs_grow(struct hset *m, size_t cap)
{
	struct hset g = {.cap = cap, .n = m->n};
	g.s = tab_new(cap * sizeof *g.s);
	for (size_t i = 0; i < m->cap; i++)
		if (m->s[i])
			g.s[hs_slot(&g, m->s[i])] = m->s[i];
	if (m->s)
		tab_free(m->s, m->cap * sizeof *m->s);
	*m = g;
}

void hs_reserve(struct hset *m, size_t n)
{
	size_t cap = n ? cap_for(m->cap, n) : m->cap;
	if (cap != m->cap)
		hs_grow(m, cap);
}

bool hs_put(struct hset *m, uint64_t key)
{
	key = key ? key : 1;
	if ((m->n + 1) * 4 > m->cap * 3)
		hs_grow(m, m->cap ? m->cap * 2 : 64);
	size_t i = hs_slot(m, key);
	if (m->s[i])
		return false;
	m->s[i] = key;
	m->n++;
	return true;
}

bool hs_has(const struct hset *m, uint64_t key)
{
	if (!m->cap)
		return false;
	key = key ? key : 1;
	return m->s[hs_slot(m, key)] != 0;
}

/* The keys of src go into dst in their slot order, each one's slot in
 * dst fetched HS_AHEAD slots of src before it is probed: a large dst is
 * seldom in the cache, and a miss at a time was most of the cost. */
#define HS_AHEAD 16

void hs_add(struct hset *dst, const struct hset *src)
{
	if (!src->n)
		return;
	hs_reserve(dst, dst->n + src->n);   /* no growth below: the fetches stay good */
	for (size_t i = 0; i < src->cap && i < HS_AHEAD; i++)
		if (src->s[i])
			hs_prefetch(dst, src->s[i]);
	for (size_t i = 0; i < src->cap; i++) {
		if (i + HS_AHEAD < src->cap && src->s[i + HS_AHEAD])
			hs_prefetch(dst, src->s[i + HS_AHEAD]);
		uint64_t k = src->s[i];
		if (k) {
			size_t j = hs_slot(dst, k);
			if (!dst->s[j]) {
				dst->s[j] = k;
				dst->n++;
			}
		}
	}
}

void hs_free(struct hset *m)
{
	if (m->s)
		tab_free(m->s, m->cap * sizeof *m->s);
	memset(m, 0, sizeof *m);
}

void hs_clear(struct hset *m)
{
	/* as hm_clear: a table kept is scanned whole by hs_add */
	if (m->cap > 4096) {
		hs_free(m);
	} else if (m->n) {
		memset(m->s, 0, m->cap * sizeof *m->s);
		m->n = 0;
	}
}
