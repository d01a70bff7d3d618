/* SPDX-License-Identifier: MIT */
/* Unit tests of common/hash.c: hash64's values are those of the plain
 * definition (a byte copy of the tail) at every length and alignment:
 * tables and what is ordered by a hash depend on them. */
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
	return tap_done();
}
