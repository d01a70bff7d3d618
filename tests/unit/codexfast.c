/* SPDX-License-Identifier: MIT */
/* Unit tests of the short ways of Codex's adapter (common/agents/codex.c,
 * included here for its static functions): each must give what the long
 * way it stands for gives.  text() against jstr() on strings of every kind
 * jparse reads and the short way's out_str accepts; secs() against strtod()
 * on the numbers outputs give and their near misses; fast_time() against
 * plain_str() and ts_parse() on Codex's time form, its mutations and other
 * forms, the day kept from call to call.  Hand-made cases, then random
 * ones (a fixed seed: the same cases every run). */
#include "agents/codex.c"
#include "tap.h"

static uint64_t seed = 0x0c0de5ca1ab1eULL;

static unsigned rnd(unsigned n)
{
	return (unsigned)(tap_xorshift(&seed) % n);
}

/* --- text ------------------------------------------------------------------ */

static int text_bad;

/* The JSON string body s[0..n) read by jparse (when it is valid JSON) and,
 * when out_str accepts it, as the short way makes its node: text and jstr
 * agree on both, after a prefix already in the buffer. */
static void text_case(const char *s, size_t n)
{
	struct sbuf in = {0}, a = {0}, b = {0};
	sb_addc(&in, '"');
	sb_add(&in, s, n);
	sb_addc(&in, '"');
	struct jdoc d = {0};
	const struct jnode *nodes[2] = {NULL, NULL};
	if (jparse(&d, in.p, in.len) == 0 && jroot(&d)->type == J_STR)
		nodes[0] = jroot(&d);
	bool esc = false, high = false;
	struct jnode fast;
	const char *end = out_str(in.p + 1, in.p + in.len, &esc, &high);
	if (end == in.p + in.len - 1) {
		str_node(&fast, in.p + 1, end, esc, high);
		nodes[1] = &fast;
	}
	for (int i = 0; i < 2; i++) {
		if (!nodes[i])
			continue;
		sb_reset(&a);
		sb_reset(&b);
		sb_adds(&a, "prefix:");
		sb_adds(&b, "prefix:");
		text(nodes[i], &a);
		jstr(nodes[i], &b);
		if (a.len != b.len || memcmp(a.p, b.p, a.len) || a.p[a.len]) {
			if (text_bad++ < 5)
				printf("# text differs from jstr on \"%.*s\" (%s node)\n", (int)n, s,
					i ? "short-way" : "jparse");
		}
	}
	jdoc_free(&d);
	sb_free(&in);
	sb_free(&a);
	sb_free(&b);
}

static void text_cases(void)
{
	static const char *const hand[] = {
		"", "a", "\\n", "\\\\", "\\\"", "\\/", "\\b\\f\\n\\r\\t", "abcdefg\\n", "abcdefgh\\n",
		"abcdefghi\\n", "\\nabcdefghijklmnop", "{\\\"command\\\":[\\\"bash\\\",\\\"-lc\\\",\\\"ls\\\"]}",
		"*** Begin Patch\\n*** Update File: a.c\\n@@\\n-x\\n+y\\n*** End Patch", "\\u00e9", "ab\\u0041cdefghij",
		"abcdefgh\\ud83d\\ude00", "\\ud83d", "\\ude00x", "\\u0000", "caf\xc3\xa9 \\n", "\xff\\n",
		"12345678\\", "1234567\\", "\\", "x\\q", "tab\there", "\\n\\n\\n\\n\\n\\n\\n\\n\\n",
	};
	for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
		text_case(hand[i], strlen(hand[i]));
	static const char *const piece[] = {
		"a", "bc", "defghijk", "lorem ipsum dolor ", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\r",
		"\\b", "\\f", "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\ud83d", "\\u0000", "\xc3\xa9",
		"\xe2\x82\xac", "\xff", "\x01", " ", "\\",
	};
	char buf[512];
	for (int k = 0; k < 20000; k++) {
		size_t n = 0;
		int np = (int)rnd(24);
		/* mostly plain text with one-letter escapes, as arguments are */
		bool plain = rnd(3) != 0;
		for (int j = 0; j < np; j++) {
			unsigned w = plain ? rnd(11) : rnd(sizeof piece / sizeof *piece);
			size_t l = strlen(piece[w]);
			if (n + l >= sizeof buf)
				break;
			memcpy(buf + n, piece[w], l);
			n += l;
		}
		text_case(buf, n);
	}
	ok(!text_bad, "text() gives what jstr() gives, on jparse's nodes and the short way's (%d differ)",
		text_bad);
}

/* --- secs ------------------------------------------------------------------ */

static int secs_bad;

static void secs_case(const char *s)
{
	char *e1, *e2;
	double a = secs(s, &e1), b = strtod(s, &e2);
	if (memcmp(&a, &b, sizeof a) || e1 != e2) {
		if (secs_bad++ < 5)
			printf("# secs(\"%s\") = %.17g (+%td), strtod %.17g (+%td)\n", s, a, e1 - s, b,
				e2 - s);
	}
}

static void secs_cases(void)
{
	static const char *const hand[] = {
		"1.5", "0.0231", "0", "7", "1.", "1.}", ".5", "00.5", "0.1", "0.3", "2.675", "1.0005",
		"12345678901234.5", "123456789012345", "1234567890123456", "0.000000000000001",
		"0.0000000000000001", "999999999999999", "99999999999999.9", "1e3", "1.5e-1", "1E2",
		"1.5E", "0x10", "0X1p3", "1p3", "-1", "+2", " 2.5", "1.2.3", "nan", "inf", "", "x",
		"9007199254740993", "0.30000000000000004", "1.5 seconds", "1.5\\n", "4.0}}\"}",
	};
	for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
		secs_case(hand[i]);
	static const char tail[] = "}e.xE \\0p";
	char buf[64];
	for (int k = 0; k < 200000; k++) {
		size_t n = 0;
		int ni = (int)rnd(18), nf = rnd(3) ? (int)rnd(18) : -1;
		for (int j = 0; j < ni; j++)
			buf[n++] = (char)('0' + rnd(10));
		if (nf >= 0) {
			buf[n++] = '.';
			for (int j = 0; j < nf; j++)
				buf[n++] = (char)('0' + rnd(10));
		}
		if (rnd(2))
			buf[n++] = tail[rnd(sizeof tail - 1)];
		buf[n] = 0;
		secs_case(buf);
	}
	ok(!secs_bad, "secs() gives strtod()'s value and end (%d differ)", secs_bad);
}

/* --- fast_time --------------------------------------------------------------- */

static struct cx tx;
static int time_bad;

/* The time string s (its text up to a quote, then the rest of a line) */
static void time_case(const char *s)
{
	size_t n = strlen(s);
	const char *end, *want_end = plain_str(s, s + n);
	int64_t got = fast_time(&tx, s, s + n, &end);
	int64_t want = want_end ? ts_parse(s, (size_t)(want_end - s)) : TS_NONE;
	if (end != want_end || (want_end && got != want)) {
		if (time_bad++ < 5)
			printf("# fast_time(%s) = %lld (+%td), want %lld (+%td)\n", s, (long long)got,
				end ? end - s : -1, (long long)want, want_end ? want_end - s : -1);
	}
}

static void time_cases(void)
{
	static const char *const hand[] = {
		"2026-01-01T00:00:00.000Z\",", "2026-01-01T23:59:59.999Z\"", "2026-01-02T00:00:00.000Z\"",
		"2028-02-29T12:00:00.000Z\"", "2027-02-29T12:00:00.000Z\"", "2027-02-29T12:00:01.000Z\"",
		"2028-02-29T23:59:60.500Z\"", "2028-02-29T23:59:61.500Z\"", "2028-02-29T24:00:00.000Z\"",
		"2028-02-29T23:60:00.000Z\"", "2028-13-01T00:00:00.000Z\"", "2028-00-01T00:00:00.000Z\"",
		"2028-01-00T00:00:00.000Z\"", "0000-01-01T00:00:00.000Z\"", "9999-12-31T23:59:59.999Z\"",
		"2028-01-01t00:00:00.000z\"", "2028-01-01T00:00:00Z\"", "2028-01-01T00:00:00.1234Z\"",
		"2028-01-01T00:00:00.000+01:00\"", "2028-01-01 00:00:00.000Z\"", "2028-01-01\"", "\"", "x\"",
		"2028-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000", "2028-01-01T00:00:00.000Z\\\"",
		"2028-01-01T00:00:00.000Z\xc3\xa9\"", "2028-01-01T0\x01:00:00.000Z\"",
	};
	for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
		time_case(hand[i]);
	static const char alpha[] = "0123456789-T:.Zz+ t\"\\\x01\x80x/?@\xfa\xff";
	char buf[40];
	for (int k = 0; k < 200000; k++) {
		/* a time of Codex's form near the last few days, then a change */
		snprintf(buf, sizeof buf, "20%02u-%02u-%02uT%02u:%02u:%02u.%03uZ\"}", 20 + rnd(3),
			1 + rnd(13), rnd(32), rnd(25), rnd(61), rnd(62), rnd(1000));
		int nm = (int)rnd(3);
		for (int j = 0; j < nm; j++)
			buf[rnd(26)] = alpha[rnd(sizeof alpha - 1)];
		if (!rnd(8))
			buf[rnd(27)] = 0;   /* cut */
		time_case(buf);
	}
	ok(!time_bad, "fast_time() reads times as plain_str() and ts_parse() do (%d differ)", time_bad);
}

/* --- dec, first_of ------------------------------------------------------------ */

/* dec() against strtoll(): numbers of every length to 25 digits, signs,
 * spaces, leading zeros, what follows; first_of() at each of its
 * pattern's bytes against memmem(), on texts made of the pattern's
 * pieces, its near misses and the bytes around them. */
static void meta_cases(void)
{
	static const char bits[] = "0123456789-+ x.,e\t";
	int bad = 0;
	for (int it = 0; it < 20000; it++) {
		char buf[64];
		size_t n = rnd(30);
		for (size_t i = 0; i < n; i++)
			buf[i] = rnd(3) ? (char)('0' + rnd(10)) : bits[rnd(sizeof bits - 1)];
		buf[n] = 0;
		char *e1, *e2;
		long long a = strtoll(buf, &e1, 10), b = dec(buf, &e2);
		bad += a != b || e1 != e2;
	}
	is_int(bad, 0, "dec: 20,000 texts as strtoll reads them");

	static const char *const pats[] = {"\\\"exit_code\\\":", "\\\"duration_seconds\\\":", "git",
		"abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz0123456"};
	bad = 0;
	for (int it = 0; it < 20000; it++) {
		const char *pat = pats[rnd(sizeof pats / sizeof *pats)];
		size_t m = strlen(pat);
		char t[400];
		size_t n = 0, want = rnd(300);
		while (n < want) {
			/* the pattern, a piece of it, a byte of it or another */
			size_t k = rnd(4), l = k == 0 ? m : k == 1 ? rnd((unsigned)m) : 1;
			const char *from = k == 3 ? &"xyz_:\\\""[rnd(7)] : pat + (k == 1 ? 0 : rnd((unsigned)(m - l + 1)));
			if (n + l > sizeof t)
				break;
			memcpy(t + n, from, l);
			n += l;
		}
		const char *w = memmem(t, n, pat, m);
		for (size_t at = 0; at < m; at++)
			bad += first_of(t, n, pat, m, at) != w;
	}
	is_int(bad, 0, "first_of: the first place of its pattern, looked for at any of its bytes");
}

/* jscan_stop64() (json.h), which reads Codex's outputs, against
 * jscan_stop(): a byte of each class, and its neighbours, at every place
 * of texts of 0 to 200 bytes. */
static void stop_cases(void)
{
	static const unsigned char bytes[] = {0x00, 0x01, 0x1f, 0x20, 0x21, '"', 0x23, 0x02,
		'\\', 0x5b, 0x5d, 0x7e, 0x7f, 0x80, 0xa2, 0xdc, 0xff};
	char t[256];
	int bad = 0;
	for (size_t n = 0; n <= 200; n += n < 70 ? 1 : 13)
		for (size_t at = 0; at <= n; at++)
			for (size_t k = 0; k < sizeof bytes; k++) {
				for (size_t i = 0; i < n; i++)
					t[i] = (char)('a' + (i + k) % 26);
				if (at < n)
					t[at] = (char)bytes[k];
				bad += jscan_stop64(t, t + n) != jscan_stop(t, t + n);
			}
	is_int(bad, 0, "jscan_stop64: where jscan_stop stops, every class of byte at every place");
}

/* may_name_remote() against a look at every byte: "To ", "From ",
 * "(fetch)", "\\u" and their first bytes alone, at every place of texts
 * of 0 to 200 bytes. */
static bool names_remote_slow(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t left = n - i;
		if ((s[i] == '\\' && left >= 2 && s[i + 1] == 'u') ||
		    (left >= 3 && !memcmp(s + i, "To ", 3)) ||
		    (left >= 5 && !memcmp(s + i, "From ", 5)) ||
		    (left >= 7 && !memcmp(s + i, "(fetch)", 7)))
			return true;
	}
	return false;
}

static void remote_cases(void)
{
	static const char *const bits[] = {"To ", "From ", "(fetch)", "\\u", "T", "F", "(", "\\",
		"To", "Fro", "(fetch", "\\\\"};
	char t[256];
	int bad = 0;
	for (size_t n = 0; n <= 200; n += n < 80 ? 1 : 11)
		for (size_t at = 0; at <= n; at++)
			for (size_t k = 0; k < sizeof bits / sizeof *bits; k++) {
				for (size_t i = 0; i < n; i++)
					t[i] = (char)('a' + (i + k) % 26);
				size_t l = strlen(bits[k]);
				if (at + l <= n)
					memcpy(t + at, bits[k], l);
				bool want = names_remote_slow(t, n);
				bad += may_name_remote(t, n) != want || may_name_remote16(t, n) != want;
#ifdef OUT_AVX2
				if (__builtin_cpu_supports("avx2"))
					bad += may_name_remote32(t, n) != want;
#endif
			}
	/* and many at once: backslashes and first bytes every few bytes */
	for (int it = 0; it < 100000; it++) {
		size_t n = rnd(250);
		for (size_t i = 0; i < n; i++)
			t[i] = rnd(4) ? (char)('a' + rnd(26)) : "TF(\\u o"[rnd(8)];
		if (rnd(3) == 0 && n) {
			const char *b = bits[rnd(sizeof bits / sizeof *bits)];
			size_t l = strlen(b), at = rnd((unsigned)n);
			if (at + l <= n)
				memcpy(t + at, b, l);
		}
		char *c = malloc(n ? n : 1);
		memcpy(c, t, n);
		bool want = names_remote_slow(c, n);
		bad += may_name_remote(c, n) != want || may_name_remote16(c, n) != want;
#ifdef OUT_AVX2
		if (__builtin_cpu_supports("avx2"))
			bad += may_name_remote32(c, n) != want;
#endif
		free(c);
	}
	is_int(bad, 0, "may_name_remote: as a look at every byte, each word at every place, in each form");
}

/* out_str() against the loop it was before it took 64 bytes a mask
 * (jscan_stop64 to each byte of interest, then that byte): its end, NULL or
 * not, and its two flags, in both forms (SSE2, and AVX2 where the CPU
 * has it).  Texts of plain bytes with the pieces that stop it (escapes
 * good and bad, UTF-8 good and bad, control bytes, the closing quote)
 * put near the blocks' edges and anywhere, each copied to a buffer of
 * its own size (the sanitizers see any read past its end). */
static const char *out_str_ref(const char *p, const char *e, bool *esc, bool *high)
{
	for (;;) {
		p = jscan_stop64(p, e);
		if (p >= e)
			return NULL;
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p;
		if (c == '\\') {
			if (e - p < 2)
				return NULL;
			char k = p[1];
			*esc = true;
			if (k == 'u') {
				if (e - p < 6 || jhexval(p[2]) < 0 || jhexval(p[3]) < 0 ||
				    jhexval(p[4]) < 0 || jhexval(p[5]) < 0 ||
				    (p[2] == '0' && p[3] == '0' && p[4] == '0' && p[5] == '0'))
					return NULL;
				p += 6;
			} else if (k == '"' || k == '\\' || k == '/' || k == 'b' || k == 'f' ||
			    k == 'n' || k == 'r' || k == 't') {
				p += 2;
			} else {
				return NULL;
			}
		} else if (c >= 0x80) {
			size_t l = utf8_valid_len(p, (size_t)(e - p));
			if (!l)
				return NULL;
			*high = true;
			p += l;
		} else {
			return NULL;
		}
	}
}

static int out_bad;

static void out_case(const char *t, size_t n)
{
	char *s = malloc(n ? n : 1);
	memcpy(s, t, n);
	bool e0 = false, h0 = false;
	const char *want = out_str_ref(s, s + n, &e0, &h0);
	const char *(*const form[])(const char *, const char *, bool *, bool *) = {
		out_str, out_str16,
#ifdef OUT_AVX2
		__builtin_cpu_supports("avx2") ? out_str32 : out_str16,
#endif
	};
	for (size_t f = 0; f < sizeof form / sizeof *form; f++) {
		bool e1 = false, h1 = false;
		const char *got = form[f](s, s + n, &e1, &h1);
		if (got != want || e1 != e0 || h1 != h0) {
			if (out_bad++ < 5)
				printf("# out_str form %zu on %zu bytes: end +%td flags %d%d, want +%td %d%d\n",
					f, n, got ? got - s : -1, e1, h1, want ? want - s : -1, e0, h0);
		}
	}
	free(s);
}

static void out_cases(void)
{
	static const char *const piece[] = {
		"\\n", "\\\"", "\\\\", "\\/", "\\t", "\\r", "\\b", "\\f", "\\u0041", "\\u00e9",
		"\\ud83d\\ude00", "\\u0000", "\\uZZ00", "\\u12", "\\q", "\\", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xc3", "\xe2\x82", "\xff", "\xc0\x80", "\xed\xa0\x80", "\x01",
		"\x1f", "\x7f", "\"", " ", "~", "!", "#",
	};
	const size_t np = sizeof piece / sizeof *piece;
	char t[400];
	/* one piece at every place of texts of 0 to 200 bytes */
	for (size_t n = 0; n <= 200; n += n < 140 ? 1 : 7)
		for (size_t at = 0; at <= n; at++)
			for (size_t k = 0; k < np; k++) {
				for (size_t i = 0; i < n; i++)
					t[i] = (char)('a' + (i + k) % 26);
				size_t l = strlen(piece[k]), m = at + l <= n ? l : n - at;
				memcpy(t + at, piece[k], m);
				out_case(t, n);
			}
	/* then many: mostly good escapes and UTF-8, as outputs hold them,
	 * some before a closing quote and more text */
	for (int it = 0; it < 100000; it++) {
		size_t n = 0, want = rnd(330);
		while (n < want) {
			size_t l;
			const char *p;
			unsigned r = rnd(10);
			if (r < 6) {
				p = "lorem ipsum dolor sit amet, consectetur adipiscing elit; ";
				l = 1 + rnd(56);
			} else {
				/* the first 12 and the UTF-8 ones most, the bad ones seldom */
				unsigned k = r < 9 ? rnd(12) : rnd((unsigned)np);
				if (r == 8)
					k = 16 + rnd(3);
				p = piece[k];
				l = strlen(p);
			}
			if (n + l > sizeof t)
				break;
			memcpy(t + n, p, l);
			n += l;
		}
		out_case(t, n);
	}
	ok(!out_bad, "out_str: the loop it stands for's end and flags, in each form (%d differ)",
		out_bad);
}

/* plain_count() against the digit loop it was: its answer, value and
 * end on texts of 0 to 20 bytes of digits, signs, letters and the bytes
 * next to '0' and '9' (and those that carry when 6 is added), each at
 * the end of a buffer of its own size. */
static bool plain_count_ref(const char **pp, const char *e, int64_t *v)
{
	const char *p = *pp, *b = p;
	size_t lim = e - p < 16 ? (size_t)(e - p) : 16;
	int64_t n = 0;
	for (unsigned d; (size_t)(p - b) < lim && (d = (unsigned)(unsigned char)*p - '0') < 10; p++)
		n = n * 10 + d;
	if (p == b || p - b > 15 || (*b == '0' && p - b > 1))
		return false;
	*v = n;
	*pp = p;
	return true;
}

static void count_cases(void)
{
	static const unsigned char other[] = {',', '}', '"', '/', ':', '.', '-', '+', 'e', ' ',
		0x00, 0x2f, 0x3a, 0x3f, 0x40, 0x29, 0x7f, 0x80, 0xf9, 0xfa, 0xff};
	int bad = 0;
	char t[32];
	for (int it = 0; it < 400000; it++) {
		size_t n = rnd(21), nd = rnd(17);
		for (size_t i = 0; i < n; i++)
			t[i] = i < nd || rnd(4) ? (char)('0' + rnd(10)) :
				(char)other[rnd(sizeof other)];
		if (!rnd(8) && n)
			t[0] = '0';
		char *s = malloc(n ? n : 1);
		memcpy(s, t, n);
		const char *p1 = s, *p2 = s;
		int64_t v1 = -1, v2 = -1;
		bool r1 = plain_count(&p1, s + n, &v1), r2 = plain_count_ref(&p2, s + n, &v2);
		if (r1 != r2 || p1 != p2 || v1 != v2) {
			if (bad++ < 5)
				printf("# plain_count(\"%.*s\") = %d %lld +%td, want %d %lld +%td\n", (int)n, s,
					r1, (long long)v1, p1 - s, r2, (long long)v2, p2 - s);
		}
		free(s);
	}
	is_int(bad, 0, "plain_count: the digit loop's answer, value and end on 400,000 texts");
}

int main(void)
{
	text_cases();
	secs_cases();
	time_cases();
	meta_cases();
	stop_cases();
	remote_cases();
	out_cases();
	count_cases();
	return tap_done();
}
