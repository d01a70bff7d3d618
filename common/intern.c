/* SPDX-License-Identifier: MIT */
/* intern.c: see intern.h. */
#include <stdlib.h>
#include <string.h>
#include "intern.h"

static bool same(const struct istr *e, const char *s, size_t n)
{
	return e->len == n && (!n || !memcmp(e->s, s, n));
}

uint32_t intern_find(const struct intern *t, const char *s, size_t n)
{
	for (uint64_t seed = 0;; seed++) {
		int64_t *v = hm_get(&t->idx, hash64(s, n, seed));
		if (!v)
			return INTERN_NONE;
		if (same(&t->v[*v], s, n))
			return (uint32_t)*v;
	}
}

uint32_t intern_id(struct intern *t, const char *s, size_t n)
{
	for (uint64_t seed = 0;; seed++) {
		bool ins;
		int64_t *v = hm_put(&t->idx, hash64(s, n, seed), &ins);
		if (!ins) {
			if (same(&t->v[*v], s, n))
				return (uint32_t)*v;
			continue;
		}
		if (t->n == INTERN_NONE)
			die(2, "more than %u distinct strings", INTERN_NONE - 1);
		if (t->n == t->cap) {
			t->cap = t->cap ? (t->cap > INTERN_NONE / 2 ? INTERN_NONE : t->cap * 2) : 64;
			t->v = xrealloc(t->v, sizeof *t->v * t->cap);
		}
		t->v[t->n] = (struct istr){arena_strdup(&t->a, s, n), n};
		*v = t->n;
		return t->n++;
	}
}

void intern_free(struct intern *t)
{
	arena_free(&t->a);
	hm_free(&t->idx);
	free(t->v);
	memset(t, 0, sizeof *t);
}
