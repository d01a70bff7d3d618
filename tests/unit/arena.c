/* SPDX-License-Identifier: MIT */
/* Unit tests of common/arena.c and common/intern.c. */
#include <stdint.h>
#include <stdlib.h>
#include "arena.h"
#include "intern.h"
#include "tap.h"

static bool aligned(const void *p)
{
	return (uintptr_t)p % ARENA_ALIGN == 0;
}

static void test_align(void)
{
	struct arena a = {0};
	char *p = arena_alloc(&a, 1), *q = arena_alloc(&a, 3), *r = arena_alloc(&a, 0);
	ok(aligned(p) && aligned(q) && aligned(r), "arena_alloc aligns for any type (%zu)",
		(size_t)ARENA_ALIGN);
	is_int(q - p, ARENA_ALIGN, "a 1-byte piece takes one alignment unit");
	is_int(r - q, ARENA_ALIGN, "a 0-byte piece is a valid pointer after the last");
	ok(r != NULL, "a 0-byte piece is not NULL");
	char *b = arena_bytes(&a, 3), *c = arena_bytes(&a, 5);
	is_int(c - b, 3, "arena_bytes pieces lie end to end");
	long double *ld = arena_alloc(&a, sizeof *ld);
	ok(aligned(ld), "arena_alloc after an unaligned piece is aligned again");
	is_int((char *)ld - c, ARENA_ALIGN - 3, "... at the next aligned offset");
	*ld = 1.5L;
	ok(*ld == 1.5L, "the aligned piece holds a long double");
	is_int(a.nblk, 1, "all of it in one block");
	arena_free(&a);
	ok(!a.blk && !a.nblk && !a.used, "arena_free empties the arena");
}

static void test_growth(void)
{
	struct arena a = {.blksize = 64};
	char *p = arena_bytes(&a, 40);
	memset(p, 'x', 40);
	char *q = arena_bytes(&a, 40);
	is_int(a.nblk, 2, "a piece that does not fit starts a new block");
	ok(q == a.blk[1], "... at its start");
	memset(q, 'y', 40);
	ok(p[0] == 'x' && p[39] == 'x', "earlier pieces do not move");
	char *big = arena_bytes(&a, 100);
	memset(big, 'z', 100);
	is_int(a.nbig, 1, "a piece larger than a block gets its own memory");
	is_int(a.nblk, 2, "... and no block");
	char *r = arena_bytes(&a, 8);
	ok(r == q + 40, "the block being filled is not left for a big piece");
	char *s = arena_bytes(&a, 64);
	ok(s == a.blk[2] && a.nblk == 3, "a piece of exactly a block fills a new block");

	/* reset: blocks kept and refilled in order, big pieces freed */
	arena_reset(&a);
	is_int(a.nbig, 0, "reset frees the big pieces");
	is_int(a.nblk, 3, "reset keeps the blocks (keep 0: all)");
	char *t = arena_bytes(&a, 50);
	ok(t == a.blk[0], "after reset the first block is used again");
	char *u = arena_bytes(&a, 50);
	ok(u == a.blk[1] && a.nblk == 3, "then the second, with no new block");
	arena_free(&a);
	is_int(a.blksize, 64, "arena_free keeps the settings");

	struct arena k = {.blksize = 32, .keep = 1};
	for (int i = 0; i < 10; i++)
		arena_alloc(&k, 32);
	is_int(k.nblk, 10, "ten full blocks");
	char *first = k.blk[0];
	arena_reset(&k);
	ok(k.nblk == 1 && k.blk[0] == first, "keep 1: reset keeps only the first block");
	ok(arena_alloc(&k, 8) == first, "... and fills it again");
	arena_free(&k);
}

static void test_strdup(void)
{
	struct arena a = {0};
	char *s = arena_strdup(&a, "a\0b", 3);
	ok(!memcmp(s, "a\0b", 4), "arena_strdup keeps NULs and adds one");
	char *e = arena_strdup(&a, NULL, 0);
	ok(e == s + 4 && *e == 0, "an empty copy is a NUL right after the last");
	arena_free(&a);

	struct arena m = {.blksize = (size_t)1 << 20, .prefault = true, .keep = 1};
	char *x = arena_bytes(&m, 1000), *y = arena_bytes(&m, ((size_t)1 << 20) + 1);
	memset(x, 1, 1000);
	memset(y, 2, ((size_t)1 << 20) + 1);
	ok(x == m.blk[0] && m.nbig == 1, "prefaulted blocks by mmap, big pieces apart");
	arena_reset(&m);
	ok(arena_bytes(&m, 1) == x, "a prefaulted block is kept across reset");
	arena_free(&m);
}

static void test_intern(void)
{
	struct intern t = {0};
	uint32_t a = intern_id(&t, "alpha", 5), b = intern_id(&t, "beta", 4);
	is_int(a, 0, "ids count from 0");
	is_int(b, 1, "in order of first sight");
	is_int(intern_id(&t, "alpha", 5), 0, "an equal string has the same id");
	is_int(t.n, 2, "and adds nothing");
	const char *p = intern_str(&t, "alpha", 5);
	char buf[] = "alpha";
	ok(p == intern_str(&t, buf, 5) && p == intern_at(&t, 0),
		"equal strings from different memory give the same pointer");
	ok(p != buf && !strcmp(p, "alpha"), "the pointer is the table's copy");
	is_int(intern_id(&t, "alphabet", 5), 0, "only n bytes count");

	uint32_t z1 = intern_id(&t, "a\0b", 3), z2 = intern_id(&t, "a\0c", 3),
		z0 = intern_id(&t, "a", 1);
	ok(z1 != z2 && z1 != z0 && z2 != z0, "strings that differ after a NUL are different");
	is_int(intern_len(&t, z1), 3, "the length counts the NUL inside");
	ok(!memcmp(intern_at(&t, z1), "a\0b", 4), "the copy holds the NUL and ends in one");
	uint32_t e = intern_id(&t, "", 0);
	is_int(intern_id(&t, NULL, 0), e, "an empty string with no pointer is the empty string");
	is_int(intern_len(&t, e), 0, "of length 0");

	uint32_t n = t.n;
	is_int(intern_find(&t, "gamma", 5), INTERN_NONE, "intern_find: an absent string");
	is_int(t.n, n, "... is not added");
	is_int(intern_find(&t, "beta", 4), b, "intern_find: a present one");

	/* hash bits that belong to another string: the probe goes on (a
	 * forged slot with the bits of "delta" and the id of "alpha", where
	 * "delta" would go) */
	uint32_t dtag = (uint32_t)(hash64("delta", 5, 0) >> 32);
	size_t di = dtag >> (32 - t.bits);
	while (t.slot[di])
		di = (di + 1) & (((size_t)1 << t.bits) - 1);
	t.slot[di] = (uint64_t)dtag << 32 | (a + 1);
	uint32_t d = intern_id(&t, "delta", 5);
	ok(d != a && !strcmp(intern_at(&t, d), "delta"),
		"a colliding hash does not merge two strings");
	is_int(intern_id(&t, "delta", 5), d, "the same string takes the same path again");
	is_int(intern_find(&t, "delta", 5), d, "and intern_find finds it");
	is_str(intern_at(&t, a), "alpha", "the other string is untouched");

	/* many strings: pointers never move */
	char k[32];
	int bad = 0;
	for (int i = 0; i < 100000; i++) {
		int l = snprintf(k, sizeof k, "key-%d", i);
		const char *q = intern_str(&t, k, (size_t)l);   /* the table moves */
		bad += strcmp(q, k) != 0;
	}
	is_int(bad, 0, "intern_str gives the new copy while the table grows");
	ok(intern_at(&t, 0) == p && !strcmp(p, "alpha"), "pointers stay put as the table grows");
	int l = snprintf(k, sizeof k, "key-%d", 77777);
	uint32_t id = intern_find(&t, k, (size_t)l);
	ok(id != INTERN_NONE && !strcmp(intern_at(&t, id), "key-77777"), "a string among 100000");
	is_int(t.n, n + 1 + 100000, "100000 distinct strings added");
	intern_free(&t);
	ok(t.n == 0 && !t.v, "intern_free empties the table");
	is_int(intern_id(&t, "alpha", 5), 0, "a freed table starts again from 0");
	intern_free(&t);
}

int main(void)
{
	test_align();
	test_growth();
	test_strdup();
	test_intern();
	return tap_done();
}
