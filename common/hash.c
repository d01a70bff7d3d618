/* SPDX-License-Identifier: MIT */
/* hash.c: a 64-bit string hash and a map from such hashes to integers. */
#include <stdlib.h>
#include <string.h>
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
	uint64_t t = 0;
	if (n)          /* hash64(NULL, 0) is an empty string, not UB */
		memcpy(&t, s, n);
	h ^= mix(t ^ n);
	return mix(h);
}

static size_t slot(const struct hmap *m, uint64_t key)
{
	size_t mask = m->cap - 1, i = (size_t)key & mask;
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & mask;
	return i;
}

int64_t *hm_get(const struct hmap *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	key = key ? key : 1;
	size_t i = slot(m, key);
	return m->keys[i] ? &m->vals[i] : NULL;
}

int64_t *hm_put(struct hmap *m, uint64_t key, bool *ins)
{
	key = key ? key : 1;
	if ((m->n + 1) * 4 > m->cap * 3) {
		struct hmap g = {0};
		g.cap = m->cap ? m->cap * 2 : 1024;
		g.keys = xcalloc(g.cap, sizeof *g.keys);
		g.vals = xcalloc(g.cap, sizeof *g.vals);
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = slot(&g, m->keys[i]);
				g.keys[j] = m->keys[i];
				g.vals[j] = m->vals[i];
			}
		g.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	size_t i = slot(m, key);
	if (ins)
		*ins = !m->keys[i];
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = 0;
		m->n++;
	}
	return &m->vals[i];
}

void hm_free(struct hmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

void hm_clear(struct hmap *m)
{
	if (m->cap > 4096) {
		hm_free(m);
	} else if (m->n) {
		memset(m->keys, 0, m->cap * sizeof *m->keys);
		m->n = 0;
	}
}
