/* SPDX-License-Identifier: MIT */
/* Unit tests of ev_last_int_after (common/agents/events.c), which
 * searches for the last key from the end, sixteen places a step: the
 * same answers as the forward search by memmem it replaced, on texts of
 * every length 0..100 at every alignment, the agents' keys and short
 * ones planted anywhere (at both ends, overlapping, cut), with the
 * numbers, signs, spaces and colons after them.  Under ASan the bytes
 * around each text are poisoned, so a block read outside it fails. */
#include <stdint.h>
#include <stdlib.h>
#include "agents/events.h"
#include "tap.h"

/* ev_last_int_after before (events.c at d64f2fc) */
static int64_t ref_last_int_after(const char *s, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *last = NULL, *e = s + n;
	for (const char *p = s; (p = memmem(p, (size_t)(e - p), key, kl)); p++)
		last = p;
	if (!last)
		return EV_NONE;
	const char *q = last + kl;
	while (q < e && (*q == ' ' || *q == ':'))
		q++;
	bool neg = q < e && *q == '-';
	if (neg)
		q++;
	if (q >= e || *q < '0' || *q > '9')
		return EV_NONE;
	int64_t v = 0;
	while (q < e && *q >= '0' && *q <= '9' && v < 1000000)
		v = v * 10 + (*q++ - '0');
	return neg ? -v : v;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(void)
{
	return (unsigned)(tap_xorshift(&rng) >> 32);
}

static const char *const keys[] = {"\\nExit Code: ", "Exit Code: ", "exit code",
	"<exited with exit code ", "a", "ab", "aa", "aaa"};
/* pieces the texts are made of: parts of the keys, numbers, stops */
static const char *const bits[] = {"\\nExit Code: ", "Exit Code: ", "exit code", "Exit",
	"\\n", "<exited with exit code ", "<exited", " code ", "a", "aa", "b", "0", "17", "-3",
	" ", ":", "x", "\\", "E", "e", "1234567", "-", ": -"};

static char *buf;

/* the text t[0..n) at offset al of a buffer with nothing readable around it */
static int same_at(const char *t, size_t n, size_t al, const char *key)
{
	UNPOISON(buf, 4096);
	memcpy(buf + al, t, n);
	POISON(buf, al);
	POISON(buf + al + n, 4096 - al - n);
	int64_t got = ev_last_int_after(buf + al, n, key);
	UNPOISON(buf, 4096);
	return got == ref_last_int_after(t, n, key);
}

int main(void)
{
	buf = malloc(4096);
	static char t[512];
	long bad = 0, runs = 0;
	/* each key alone at every place of a text of every length, the
	 * rest filler that holds its first or last byte */
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		size_t kl = strlen(keys[k]);
		for (size_t n = 0; n <= 100; n++)
			for (size_t at = 0; at <= n; at++) {
				for (size_t i = 0; i < n; i++)
					t[i] = i % 3 ? keys[k][0] : keys[k][kl - 1];
				if (at + kl <= n)
					memcpy(t + at, keys[k], kl);
				if (at + kl + 2 <= n) {
					t[at + kl] = (char)('0' + at % 10);
					t[at + kl + 1] = (char)('0' + n % 10);
				}
				bad += !same_at(t, n, (n + at) % 64, keys[k]);
				runs++;
			}
	}
	is_int(bad, 0, "%ld texts of 0..100 bytes with a key at each place, at each alignment", runs);

	/* random texts of the pieces above */
	bad = runs = 0;
	for (int round = 0; round < 200000; round++) {
		size_t n = 0, want = rnd() % 160;
		while (n < want) {
			const char *b = bits[rnd() % (sizeof bits / sizeof *bits)];
			size_t bl = strlen(b);
			if (n + bl > sizeof t)
				break;
			memcpy(t + n, b, bl);
			n += bl;
		}
		if (rnd() % 4 == 0 && n)
			n = rnd() % n;   /* cut anywhere */
		const char *key = keys[rnd() % (sizeof keys / sizeof *keys)];
		bad += !same_at(t, n, rnd() % 64, key);
		runs++;
	}
	is_int(bad, 0, "%ld random texts of keys, numbers and stops, some cut", runs);
	free(buf);
	return tap_done();
}
