/* SPDX-License-Identifier: MIT */
/* Unit tests of json.h's scanners (jscan_*): the block forms (SSE2, or
 * the portable one when built with -DAP_NO_SIMD) against byte-by-byte
 * definitions, on every alignment and on random text. */
#include <stdint.h>
#include <stdlib.h>
#include "json.h"
#include "tap.h"

static const char *naive_stop(const char *p, const char *e)
{
	for (; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			break;
	}
	return p;
}

static const char *naive_end(const char *v, const char *e)
{
	for (; v < e; v++) {
		if (*v == '"')
			return v;
		if (*v == '\\' && ++v == e)
			break;
	}
	return e;
}

static unsigned naive_keys(const char *p)
{
	unsigned m = 0;
	for (int i = 0; i < 16; i++)
		if (p[i] == ',' && p[i + 1] == '"')
			m |= 1u << i;
	return m;
}

/* jstr's reading of an escaped string, byte by byte (the loop it had
 * before it found its stops with jscan_stop) */
static void naive_jstr(const char *p, size_t n, struct sbuf *b)
{
	const char *e = p + n;
	while (p < e) {
		if (*p != '\\' && (unsigned char)*p < 0x80 && *p) {
			sb_addc(b, *p++);
			continue;
		}
		if (!*p) {
			sb_add(b, "\xEF\xBF\xBD", 3);
			p++;
			continue;
		}
		if ((unsigned char)*p >= 0x80) {
			size_t l = utf8_valid_len(p, (size_t)(e - p));
			sb_add(b, l ? p : "\xEF\xBF\xBD", l ? l : 3);
			p += l ? l : 1;
			continue;
		}
		p++;
		char c = *p++;
		switch (c) {
		case 'n': sb_addc(b, '\n'); break;
		case 't': sb_addc(b, '\t'); break;
		case 'u': {
			uint32_t cp = jhex4(p);
			p += 4;
			if ((cp >= 0xD800 && cp < 0xE000) || !cp)
				cp = 0xFFFD;    /* no pairs in the alphabet below */
			char t[4];
			t[0] = (char)(0xE0 | cp >> 12);
			t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			t[2] = (char)(0x80 | (cp & 0x3F));
			if (cp < 0x800)
				sb_addc(b, (char)cp);   /* only 0041 below */
			else
				sb_add(b, t, 3);
			break;
		}
		default: sb_addc(b, c); break;
		}
	}
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(void)
{
	return (unsigned)(tap_xorshift(&rng) >> 32);
}

int main(void)
{
#ifdef JSCAN_SSE2
	printf("# block form: SSE2\n");
#else
	printf("# block form: portable\n");
#endif
	char buf[80];
	/* one stop byte at each position, behind plain text */
	static const char stops[] = {'"', '\\', 0, 0x1f, (char)0x80, (char)0xff};
	int bad = 0;
	for (size_t s = 0; s < sizeof stops; s++)
		for (int at = 0; at < 64; at++) {
			memset(buf, 'a', sizeof buf);
			buf[at] = stops[s];
			if (jscan_stop(buf, buf + 64) != buf + at)
				bad++;
		}
	is_int(bad, 0, "jscan_stop finds each kind of stop byte at each of 64 offsets");
	/* short ranges (the blocks of 8 and 4 that may overlap): every
	 * length to 40, every start, a stop at each place or none; the
	 * range ends where the buffer does, so ASan sees a read past it */
	bad = 0;
	char *end = malloc(48);
	for (size_t n = 0; n <= 40; n++)
		for (size_t s = 0; s < sizeof stops; s++)
			for (size_t at = 0; at <= n; at++) {
				char *p = end + 48 - n;
				memset(end, 'a', 48);
				if (at < n)
					p[at] = stops[s];
				bad += jscan_stop(p, p + n) != naive_stop(p, p + n);
			}
	free(end);
	is_int(bad, 0, "jscan_stop on ranges of 0..40 bytes ending at the buffer's end");
	memset(buf, 'a', sizeof buf);
	ok(jscan_stop(buf, buf + 64) == buf + 64, "plain text: the end");
	ok(jscan_stop(buf, buf) == buf, "empty range: the end");
	memcpy(buf, " !#[]~\x7f", 7);
	ok(jscan_stop(buf, buf + 7) == buf + 7, "space, '!', '#', '[', ']', '~' and DEL are plain");

	const char *t = "ab\\\"cd\\\\\"x";
	ok(jscan_str_end(t, t + strlen(t)) == t + 8, "an escaped quote is skipped, an escaped backslash ends");
	t = "abc\\";
	ok(jscan_str_end(t, t + 4) == t + 4, "a backslash as the last byte: no end");
	t = "caf\xc3\xa9\x01\"";
	ok(jscan_str_end(t, t + strlen(t)) == t + 6, "high and control bytes inside a string");

	/* a string value that ends in a comma looks like a key start too */
	const char *k = "{\"a\":1,\"b\":\"x,\",\"c\":[1,\"x\"]}";
	is_int(jscan_keys16(k), naive_keys(k), "jscan_keys16 on a record");
	is_int(jscan_keys16(k), 1u << 6 | 1u << 13 | 1u << 15, "... bits 6, 13 and 15");

	/* random text of the bytes that matter, every alignment */
	static const char alpha[] = "ab,\",\"\\\\\x01\xc3\xa9 ";
	int bs = 0, be = 0, bk = 0;
	for (int round = 0; round < 20000; round++) {
		size_t n = rnd() % 70, off = rnd() % 8;
		for (size_t i = 0; i < sizeof buf; i++)
			buf[i] = alpha[rnd() % (sizeof alpha - 1)];
		const char *p = buf + off, *e = p + n;
		if (e > buf + sizeof buf)
			e = buf + sizeof buf;
		bs += jscan_stop(p, e) != naive_stop(p, e);
		be += jscan_str_end(p, e) != naive_end(p, e);
		if (p + 17 <= buf + sizeof buf)
			bk += jscan_keys16(p) != naive_keys(p);
	}
	/* jstr: escaped strings of every length, the stops anywhere */
	static const char *const pieces[] = {"\\n", "\\t", "\\\"", "\\\\", "\\/", "\\u0041",
		"\\u20ac", "\\u0000", "\x01", "\x1f", "\xc3\xa9", "\xff", "\xe2\x82", "x", "abcdefgh",
		"0123456789abcdefghij", " "};
	int bj = 0;
	struct jdoc d = {0};
	struct sbuf js = {0}, got = {0}, want = {0};
	for (int round = 0; round < 20000; round++) {
		sb_reset(&js);
		sb_addc(&js, '"');
		for (unsigned m = rnd() % 12; m; m--)
			sb_adds(&js, pieces[rnd() % (sizeof pieces / sizeof *pieces)]);
		if (rnd() % 2)
			sb_add(&js, "\0", 1);  /* a raw NUL */
		sb_addc(&js, '"');
		if (jparse(&d, js.p, js.len) < 0) {
			bj++;
			continue;
		}
		sb_reset(&got);
		sb_reset(&want);
		jstr(jroot(&d), &got);
		naive_jstr(jroot(&d)->s, jroot(&d)->len, &want);
		bj += got.len != want.len || memcmp(got.p, want.p, got.len);
	}
	is_int(bj, 0, "jstr reads 20000 random escaped strings as byte by byte");
	jdoc_free(&d);
	sb_free(&js);
	sb_free(&got);
	sb_free(&want);
	is_int(bs, 0, "jscan_stop equals the byte-by-byte scan on 20000 random texts");
	is_int(be, 0, "jscan_str_end likewise");
	is_int(bk, 0, "jscan_keys16 likewise");
	return tap_done();
}
