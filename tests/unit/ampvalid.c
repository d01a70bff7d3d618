/* SPDX-License-Identifier: MIT */
/* Unit tests of Amp's cut (common/agents/amp.c, included here for its
 * static functions): valid_end with AVX2, whose strings are passed 32
 * bytes a step to their quotes and backslashes, ends each message where
 * the form without it (jscan_stop's steps, as before) ends it, or fails
 * both; on messages made of strings with every escape, good and bad, at
 * every place of texts to 100 bytes, non-ASCII and control bytes,
 * containers, numbers and literals, whole and cut, each in a buffer of
 * its own size.  A fixed seed: the same cases every run. */
#include "agents/amp.c"
#include "tap.h"

static uint64_t seed = 0xa3bc0de5eedULL;

static unsigned rnd(unsigned n)
{
	return (unsigned)(tap_xorshift(&seed) % n);
}

static int bad, cases;

static void msg_case(const char *t, size_t n)
{
	char *s = malloc(n ? n : 1);
	memcpy(s, t, n);
	for (int maxd = 2; maxd <= JSON_MAXDEPTH; maxd += JSON_MAXDEPTH - 2) {
		const char *a = valid_end16(s, s + n, maxd), *b = a;
#ifdef AMP_AVX2
		if (__builtin_cpu_supports("avx2"))
			b = valid_end32(s, s + n, maxd);
#endif
		amp_valid_avx2 = !amp_valid_avx2;
		const char *c = valid_end(s, s + n, maxd);
		if ((a != b || a != c) && bad++ < 5)
			printf("# valid_end forms differ (+%td +%td +%td) on \"%.*s\"\n", a ? a - s : -1,
				b ? b - s : -1, c ? c - s : -1, (int)(n < 200 ? n : 200), s);
		cases++;
	}
	free(s);
}

int main(void)
{
	static const char *const esc[] = {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
		"\\u00e9", "\\uD83D\\uDE00", "\\u12", "\\uZZ12", "\\q", "\\", "\"", "\xc3\xa9", "\xff",
		"\x01", "\x1f", "\x7f", "\xe2\x82\xac"};
	const size_t ne = sizeof esc / sizeof *esc;
	char t[600];
	/* a string message with one piece at every place of 0 to 100 bytes */
	for (size_t n = 0; n <= 100; n++)
		for (size_t at = 0; at <= n; at++)
			for (size_t k = 0; k < ne; k++) {
				size_t l = strlen(esc[k]), m = 0;
				t[m++] = '"';
				for (size_t i = 0; i < n; i++)
					t[m++] = (char)('a' + (i + k) % 26);
				if (at + l <= n)
					memcpy(t + 1 + at, esc[k], l);
				t[m++] = '"';
				msg_case(t, m);         /* the string alone */
				msg_case(t, m - 1);     /* its end cut */
				/* in an object, then a comma as in an array */
				size_t o = 0;
				char u[300];
				memcpy(u + o, "{\"text\":", 8);
				o += 8;
				memcpy(u + o, t, m);
				o += m;
				memcpy(u + o, ",\"n\":[1,-2.5e3,true,null]},", 27);
				o += 27;
				msg_case(u, o);
			}
	/* random messages of pieces, nested */
	static const char *const piece[] = {"{", "}", "[", "]", ",", ":", " ", "\n", "\"k\"", "\"v\"",
		"1", "-0.5", "2e9", "true", "false", "null", ("\"lorem ipsum dolor sit amet, consectetur "
		"adipiscing elit\""), "\"a\\nb\\\"c\\\\d\"", "\"caf\xc3\xa9 \xe2\x82\xac\"", "\"\\u00e9\"", "x",
		"\"", "\\"};
	const size_t np = sizeof piece / sizeof *piece;
	for (int it = 0; it < 100000; it++) {
		size_t n = 0, want = rnd(500);
		/* mostly valid shapes: an object of string members */
		if (rnd(2)) {
			t[n++] = '{';
			while (n + 120 < want + 120 && n < want) {
				const char *v = piece[16 + rnd(4)];
				size_t l = strlen(v);
				if (n + l + 8 > sizeof t - 2)
					break;
				memcpy(t + n, "\"k\":", 4);
				n += 4;
				memcpy(t + n, v, l);
				n += l;
				t[n++] = ',';
			}
			t[n - 1 > 0 ? n - 1 : n] = '}';
			if (n < 2)
				n = 2;
			if (rnd(4) == 0 && n > 2)
				t[rnd((unsigned)n)] = (char)"\"\\{}[],:x\x01\xff"[rnd(12)];
			if (rnd(4) == 0)
				n = rnd((unsigned)n + 1);
		} else {
			while (n < want) {
				const char *p = piece[rnd((unsigned)np)];
				size_t l = strlen(p);
				if (n + l > sizeof t)
					break;
				memcpy(t + n, p, l);
				n += l;
			}
		}
		msg_case(t, n);
	}
	ok(!bad, "valid_end: the AVX2 form ends every message where the other does (%d of %d differ)",
		bad, cases);
	return tap_done();
}
