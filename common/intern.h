/* SPDX-License-Identifier: MIT */
/* intern.h: one copy of each distinct string, and a small number for it.
 *
 * A string is any bytes s[0..n), NULs included.  The first time a string
 * is seen it is copied (with a NUL after it) into the table's arena and
 * given the next id, counting from 0, so ids index arrays the caller keeps
 * beside the table (weights, ranks, locations).  Equal strings give the
 * same id and the same pointer, so interned strings compare by pointer.
 *
 * Cost: a lookup hashes the bytes once and compares them with the one
 * candidate whose hash matches; memory is the bytes plus 1, a 16-byte
 * entry and a hash slot per distinct string.  Pointers stay valid until
 * intern_free (the arena never moves a string); ids are never reused.
 *
 * Two different strings are never merged: the map keeps 64-bit hashes
 * only, and when a hash belongs to another string the next seed is tried
 * (the same string always takes the same path).  A zeroed struct intern
 * is an empty table. */
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
	struct hmap idx;        /* hash of the string -> id */
	struct istr *v;         /* id -> string */
	uint32_t n, cap;
};

/* The id of s[0..n), added when new.  More than 2^32 - 1 distinct strings
 * end the program. */
uint32_t intern_id(struct intern *t, const char *s, size_t n);
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
