/* SPDX-License-Identifier: MIT */
/* Unit tests of common/hash.c: hash64's values are those of the plain
 * definition (a byte copy of the tail) at every length and alignment:
 * tables and what is ordered by a hash depend on them.  The sets of
 * hashes (hset) answer as the maps (hmap) they replace: the same keys
 * (0 is 1 in both), found and inserted alike, grown at the same counts,
 * and hs_add is hs_put of each key whatever the tables' sizes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "tap.h"

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* hash64 as it was first written */
static uint64_t ref(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	while (n >= 8) {
		uint64_t v;
		memcpy(&v, s, 8);
		h = (h ^ mix(v)) * 0x9e3779b97f4a7c15ULL;
		h = (h << 27) | (h >> 37);
		s += 8;
		n -= 8;
	}
	uint64_t t = 0;
	if (n)
		memcpy(&t, s, n);
	h ^= mix(t ^ n);
	return mix(h);
}

/* The set agrees with a map given the same keys: on every key put
 * (inserted or not), count and capacity after each, and on lookups of
 * the keys put and of keys never put. */
static int same_as_map(const uint64_t *k, size_t n, const uint64_t *absent, size_t na)
{
	struct hset s = {0};
	struct hmap m = {0};
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		bool ins;
		hm_put(&m, k[i], &ins);
		bad += hs_put(&s, k[i]) != ins;
		bad += s.n != m.n || s.cap != m.cap;
	}
	for (size_t i = 0; i < n; i++)
		bad += !hs_has(&s, k[i]);
	for (size_t i = 0; i < na; i++)
		bad += hs_has(&s, absent[i]) != (hm_get(&m, absent[i]) != NULL);
	hs_free(&s);
	hm_free(&m);
	return bad;
}

static void test_reserved(void)
{
	struct hset s = {0};
	ok(!hs_has(&s, 0) && !hs_has(&s, 1), "an empty set has neither 0 nor 1");
	ok(hs_put(&s, 0), "key 0 (the empty slot's value) is inserted");
	ok(hs_has(&s, 0), "key 0 is found");
	ok(hs_has(&s, 1), "key 1 is found after 0: 0 is 1, as in a map");
	ok(!hs_put(&s, 1) && !hs_put(&s, 0) && s.n == 1, "neither 0 nor 1 is inserted again");
	hs_free(&s);
	ok(hs_put(&s, 1) && !hs_put(&s, 0) && hs_has(&s, 0) && s.n == 1, "1 first, then 0: the same key");
	hs_free(&s);
	struct hmap m = {0};
	bool ins;
	hm_put(&m, 0, &ins);
	ok(ins && hm_get(&m, 1) && hm_get(&m, 0), "a map: 0 is 1 too (what the sets keep)");
	hm_free(&m);
	/* 0 among keys that share its first slot, and in a merge */
	uint64_t k[40], no[40];
	for (int i = 0; i < 40; i++) {
		k[i] = (uint64_t)i << 32 | 1;   /* slot 1 of any table below 2^32 slots */
		no[i] = (uint64_t)(i + 40) << 32 | 1;
	}
	k[7] = 0;
	is_int(same_as_map(k, 40, no, 40), 0, "0 in a chain of colliding keys: as a map");
	struct hset a = {0}, b = {0};
	hs_put(&b, 0);
	hs_add(&a, &b);
	ok(a.n == 1 && hs_has(&a, 0) && hs_has(&a, 1) && !hs_put(&a, 1), "key 0 merged is found as 0 and as 1");
	hs_free(&a);
	hs_free(&b);
}

static void test_chains(void)
{
	/* every key's first slot the last one of a 64-slot table: the
	 * probes wrap around its end, then the table grows (at 48 keys) and
	 * the chain is split in two */
	uint64_t k[200], no[200];
	for (int i = 0; i < 200; i++) {
		k[i] = (uint64_t)(i + 1) << 12 | 63;
		no[i] = (uint64_t)(i + 1001) << 12 | 63;
	}
	is_int(same_as_map(k, 47, no, 200), 0, "a chain that wraps around the end, below the growth");
	is_int(same_as_map(k, 48, no, 200), 0, "48 keys: the last before 64 slots grow");
	is_int(same_as_map(k, 49, no, 200), 0, "49 keys: grown to 128");
	is_int(same_as_map(k, 200, no, 200), 0, "200 colliding keys, two growths");
	struct hset s = {0};
	size_t caps[8] = {0};
	int nc = 0;
	for (uint64_t i = 1; i <= 100000; i++) {
		size_t cap = s.cap;
		hs_put(&s, i * 0x9e3779b97f4a7c15ULL);
		if (s.cap != cap && nc < 8)
			caps[nc++] = s.n;
	}
	ok(caps[0] == 1 && caps[1] == 49 && caps[2] == 97 && caps[3] == 193 && s.cap == 262144,
		"grown at 1, 49, 97, 193 keys ... (three quarters full): %zu, %zu, %zu, %zu, cap %zu",
		caps[0], caps[1], caps[2], caps[3], s.cap);
	hs_free(&s);
	/* random keys, with repeats, 0 and 1 among them */
	uint64_t seed = 16, *r = malloc(60000 * sizeof *r), *a = malloc(20000 * sizeof *a);
	for (int i = 0; i < 60000; i++)
		r[i] = i % 7 == 3 ? r[i / 2] : tap_xorshift(&seed);
	r[100] = 0;
	r[30000] = 1;
	for (int i = 0; i < 20000; i++)
		a[i] = tap_xorshift(&seed);
	is_int(same_as_map(r, 60000, a, 20000), 0, "60,000 random keys with repeats, 0 and 1: as a map");
	free(r);
	free(a);
}

/* dst gets src's keys: the union, src unchanged, and the capacity
 * hs_put of each key would have grown dst to. */
static int add_case(size_t nd, size_t ns, size_t common, uint64_t seed)
{
	struct hset d = {0}, s = {0}, ref = {0};
	uint64_t *k = malloc((nd + ns + 1) * sizeof *k);
	for (size_t i = 0; i < nd + ns; i++)
		k[i] = tap_xorshift(&seed);
	if (nd + ns)
		k[0] = 0;       /* the reserved value, in dst or in src */
	for (size_t i = 0; i < nd; i++)
		hs_put(&d, k[i]), hs_put(&ref, k[i]);
	/* src: common keys of dst, then its own */
	for (size_t i = 0; i < ns; i++)
		hs_put(&s, i < common && i < nd ? k[i] : k[nd + i]);
	size_t sn = s.n, scap = s.cap;
	for (size_t i = 0; i < s.cap; i++)
		if (s.s[i])
			hs_put(&ref, s.s[i]);
	hs_add(&d, &s);
	int bad = d.n != ref.n || s.n != sn || s.cap != scap;
	if (!common && d.cap != ref.cap)
		bad++;
	for (size_t i = 0; i < ref.cap; i++)
		if (ref.s[i] && !hs_has(&d, ref.s[i]))
			bad++;
	for (size_t i = 0; i < 1000; i++)
		bad += hs_has(&d, tap_xorshift(&seed));
	hs_free(&d);
	hs_free(&s);
	hs_free(&ref);
	free(k);
	return bad;
}

static void test_add(void)
{
	is_int(add_case(0, 0, 0, 1), 0, "empty into empty");
	is_int(add_case(0, 5, 0, 2), 0, "small into empty");
	is_int(add_case(5, 0, 0, 3), 0, "empty into small");
	is_int(add_case(100000, 37, 0, 4), 0, "37 keys into 100,000 (a file's into the run's)");
	is_int(add_case(37, 100000, 0, 5), 0, "100,000 keys into 37");
	is_int(add_case(48, 1, 0, 6), 0, "one key into a table at its growth");
	is_int(add_case(47, 1, 0, 7), 0, "one key into a table just below it");
	is_int(add_case(3000, 3000, 1500, 8), 0, "half the keys in both");
	is_int(add_case(20, 20, 20, 9), 0, "the same keys");
	struct hset s = {0};
	hs_reserve(&s, 1000);
	size_t cap = s.cap;
	for (uint64_t i = 1; i <= 1000; i++)
		hs_put(&s, i * 0x9e3779b97f4a7c15ULL);
	ok(cap == 2048 && s.cap == cap, "hs_reserve(1000): no growth while 1000 keys go in (%zu slots)", cap);
	hs_free(&s);
	struct hmap m = {0};
	hm_reserve(&m, 48);
	cap = m.cap;
	for (uint64_t i = 1; i <= 48; i++)
		hm_put(&m, i, NULL);
	ok(cap == 64 && m.cap == 64, "hm_reserve(48): 64 slots, as 48 puts grow it");
	hm_reserve(&m, 49);
	ok(m.cap == 128 && m.n == 48 && hm_get(&m, 17), "hm_reserve(49): 128 slots, the keys kept");
	hm_free(&m);
}

static void test_clear(void)
{
	struct hset s = {0};
	for (uint64_t i = 0; i < 100; i++)
		hs_put(&s, i);
	size_t cap = s.cap;
	hs_clear(&s);
	ok(s.n == 0 && s.cap == cap && s.s && !hs_has(&s, 5), "a small set is emptied in place");
	ok(hs_put(&s, 5) && hs_has(&s, 5) && s.n == 1, "and used again");
	for (uint64_t i = 0; s.cap < 4096; i++)
		hs_put(&s, i * 0x9e3779b97f4a7c15ULL);
	hs_clear(&s);
	ok(s.cap == 4096 && s.s && !s.n, "4096 slots: emptied in place, as a map's");
	for (uint64_t i = 1; s.cap < 8192; i++)
		hs_put(&s, i * 0x9e3779b97f4a7c15ULL);
	hs_clear(&s);
	ok(!s.s && !s.cap && !s.n && hs_put(&s, 5), "8192: given back");
	hs_free(&s);
}

int main(void)
{
	unsigned char buf[96];
	srand(7);
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i % 3 ? (size_t)rand() : 0x80 + i);
	int bad = 0, cases = 0;
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; off + n <= 72; n++, cases++) {
			/* a heap copy of exactly n bytes: a read past it is ASan's */
			unsigned char *k = malloc(n ? n : 1);
			memcpy(k, buf + off, n);
			if (hash64(k, n, 0x5eed) != ref(buf + off, n, 0x5eed) ||
			    hash64(k, n, 0) != ref(buf + off, n, 0))
				bad++;
			free(k);
		}
	ok(!bad, "hash64 equals the byte-copy definition at every length 0 to 72 (%d cases)", cases);
	ok(hash64(NULL, 0, 3) == ref("", 0, 3), "hash64(NULL, 0) is the empty string's");
	ok(hash64("abc", 3, 0) != hash64("abd", 3, 0), "the last byte counts");
	ok(hash64("abcdefgh1", 9, 0) != hash64("abcdefgh2", 9, 0), "the last byte past a block counts");
	test_reserved();
	test_chains();
	test_add();
	test_clear();
	return tap_done();
}
