/* SPDX-License-Identifier: MIT */
/* intern.h: one copy of each distinct string, and a small number for it.
 *
 * A string is any bytes s[0..n), NULs included.  The first time a string
 * is seen it is copied (with a NUL after it) into the table's arena and
 * given the next id, counting from 0, so ids index arrays the caller keeps
 * beside the table (weights, ranks, locations).  Equal strings give the
 * same id and the same pointer, so interned strings compare by pointer.
 *
 * Cost: a lookup hashes the bytes once and compares them with each
 * candidate whose 32 bits of hash match (almost always one); memory is
 * the bytes plus 1, a 16-byte entry and an 8-byte hash slot per distinct
 * string.  The slots are 32 bits of the hash and the id beside it, placed
 * by the top bits of that hash: a probe reads one slot, and doubling the
 * table moves the slots in order.  A large table is mapped in huge pages
 * where the system has them (a lookup in a table of megabytes missed the
 * TLB as often as the cache).  Pointers stay valid until intern_free (the
 * arena never moves a string); ids are never reused.
 *
 * Two different strings are never merged: a slot whose hash bits match
 * is taken only when its string is equal, else the probe goes on.  A
 * zeroed struct intern is an empty table. */
#ifndef AP_INTERN_H
#define AP_INTERN_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "util.h"

#define INTERN_NONE UINT32_MAX  /* intern_find: not in the table */

struct istr {
	const char *s;          /* in the arena, NUL after s[len] */
	size_t len;
};

struct intern {
	struct arena a;         /* the bytes */
	uint64_t *slot;         /* hash bits << 32 | id + 1; 0 is empty */
	void *map;              /* slot's mapping when mapped (intern.c), else NULL */
	size_t maplen;
	uint32_t bits;          /* 1 << bits slots; 0: no table yet */
	struct istr *v;         /* id -> string */
	uint32_t n, cap;
};

/* The id of s[0..n), added when new.  More than 2^32 - 1 distinct strings
 * end the program. */
uint32_t intern_id(struct intern *t, const char *s, size_t n);
/* intern_id in steps, for a caller with several strings at hand: their
 * hash bits, a hint to fetch the memory of their slots, then their ids,
 * so that the slots come from memory together, not one after another
 * (bits must be intern_hash of the same bytes). */
uint32_t intern_hash(const char *s, size_t n);
static inline void intern_prefetch(const struct intern *t, uint32_t bits)
{
	if (t->bits)
		__builtin_prefetch(&t->slot[bits >> (32 - t->bits)], 1);
}
uint32_t intern_id_hashed(struct intern *t, const char *s, size_t n, uint32_t bits);
/* The id, or INTERN_NONE when s[0..n) was never added. */
uint32_t intern_find(const struct intern *t, const char *s, size_t n);
/* The interned copy of s[0..n): equal strings, equal pointers. */
static inline const char *intern_str(struct intern *t, const char *s, size_t n)
{
	uint32_t id = intern_id(t, s, n);   /* before reading t->v: it moves */
	return t->v[id].s;
}
static inline const char *intern_at(const struct intern *t, uint32_t id)
{
	return t->v[id].s;
}
static inline size_t intern_len(const struct intern *t, uint32_t id)
{
	return t->v[id].len;
}
void intern_free(struct intern *t);
#endif
