/* SPDX-License-Identifier: MIT */
/* Unit tests of common/: JSON, time, folded lines, secrets, operands. */
#include <stdio.h>
#include <stdlib.h>
#include "event.h"
#include "folded.h"
#include "json.h"
#include "tap.h"
#include "util.h"

static struct jdoc d;

static int parse(const char *s)
{
	return jparse(&d, s, strlen(s));
}

static void test_json(void)
{
	ok(parse("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"}}") == 0, "object parses");
	const struct jnode *r = jroot(&d);
	is_int(jint(jget(&d, r, "a"), -1), 1, "member a");
	is_int(jget(&d, r, "b")->len, 3, "array length");
	is_str(js(&d, jgetv(&d, r, "c", "d", NULL)), "x", "nested member");
	ok(jget(&d, r, "zz") == NULL, "absent member is NULL");
	int n = 0;
	JFOR(&d, r, k) n++;
	is_int(n, 3, "three members iterated");
	ok(parse("{\"k\":1,\"k\":2}") == 0 && jint(jget(&d, jroot(&d), "k"), 0) == 2,
		"duplicate keys: the last wins");
	ok(parse("\"a\\n\\u00e9\\ud83d\\ude00\\\"\"") == 0, "escapes parse");
	is_str(js(&d, jroot(&d)), "a\n\xc3\xa9\xf0\x9f\x98\x80\"", "escapes decode");
	ok(parse("\"\\ud800x\"") == 0 && !strcmp(js(&d, jroot(&d)), "\xef\xbf\xbdx"),
		"lone surrogate becomes U+FFFD");
	ok(parse("\"a\xff" "b\"") == 0 && d.badutf8 == 1, "invalid UTF-8 counted, not fatal");
	is_str(js(&d, jroot(&d)), "a\xef\xbf\xbd" "b", "invalid UTF-8 replaced");
	ok(parse("{\"a\":1") == -1, "truncated object fails");
	ok(parse("{\"a\":1}x") == -1, "trailing garbage fails");
	ok(parse("[1,]") == -1, "trailing comma fails");
	ok(parse("{\"a\" 1}") == -1, "missing colon fails");
	ok(parse("01") == -1, "leading zero fails");
	ok(parse("") == -1, "empty input fails");
	ok(parse("[1.5e3, -0, 2E-2]") == 0, "number forms parse");
	is_int(jint(jroot(&d) + 1, 0), 1500, "1.5e3 as integer");
	ok(parse("99999999999999999999999") == 0 && jint(jroot(&d), 0) == INT64_MAX,
		"huge integer saturates");
	ok(parse("9007199254740993") == 0 && jint(jroot(&d), 0) == 9007199254740993LL,
		"integers above 2^53 stay exact");
	char *deep = malloc(200001);
	memset(deep, '[', 100000);
	memset(deep + 100000, ']', 100000);
	deep[200000] = 0;
	ok(parse(deep) == -1 && strstr(d.err, "deeper"), "100000 levels refused, no crash");
	memset(deep, '[', 500);
	memset(deep + 500, ']', 500);
	deep[1000] = 0;
	ok(parse(deep) == 0, "500 levels parse");
	free(deep);
	/* long string through the 8-byte fast path, quote at every offset */
	for (int off = 0; off < 17; off++) {
		char buf[64];
		memset(buf, 'x', sizeof buf);
		buf[0] = '"';
		buf[1 + off] = '"';
		buf[2 + off] = 0;
		if (parse(buf) || jroot(&d)->len != (unsigned)off) {
			ok(0, "string of length %d", off);
			return;
		}
	}
	ok(1, "strings of length 0..16 end at their quote");
	ok(parse("\"a\x01" "b\"") == 0, "raw control character tolerated");
}

static void test_time(void)
{
	char t[25];
	int64_t v = ts_parse("2025-01-02T03:04:05.678Z", 24);
	ts_format(v, t);
	is_str(t, "2025-01-02T03:04:05.678Z", "RFC 3339 round trip");
	v = ts_parse("2025-01-02T05:04:05+02:00", 25);
	ts_format(v, t);
	is_str(t, "2025-01-02T03:04:05.000Z", "offset folded into UTC");
	v = ts_parse("2025-10-31T19:02:58.123456Z", 27);
	ts_format(v, t);
	is_str(t, "2025-10-31T19:02:58.123Z", "microseconds cut to milliseconds");
	is_int(ts_parse("1970-01-01", 10), 0, "plain date");
	ok(ts_parse("yesterday", 9) == TS_NONE, "nonsense is TS_NONE");
	ok(ts_parse("2025-13-01", 10) == TS_NONE, "month 13 refused");
	ts_format(951782400000LL, t);
	is_str(t, "2000-02-29T00:00:00.000Z", "leap day");
	ok(ts_parse_user("7d") < ts_parse_user("1d"), "relative spans");
	is_int(ts_parse_user("@1700000000"), 1700000000000LL, "epoch seconds");
}

static void test_folded(void)
{
	struct folded_line fl;
	const char *why;
	char l1[] = "a;b c;d 42";
	ok(folded_parse(l1, strlen(l1), 1, &fl, &why) == 0 && fl.counts[0] == 42 &&
		fl.stacklen == 7 && !memcmp(fl.stack, "a;b c;d", 7), "frames with spaces, count");
	char l2[] = "x;y 3 5";
	ok(folded_parse(l2, strlen(l2), 2, &fl, &why) == 0 && fl.ncounts == 2 &&
		fl.counts[0] == 3 && fl.counts[1] == 5 && fl.stacklen == 3, "differential pair");
	char l3[] = "x;y";
	ok(folded_parse(l3, strlen(l3), 1, &fl, &why) == -1, "no count is an error");
	char l4[] = "x;y -3";
	ok(folded_parse(l4, strlen(l4), 1, &fl, &why) == -1, "negative count is an error");
	char l5[] = "x;y 99999999999999999999";
	ok(folded_parse(l5, strlen(l5), 1, &fl, &why) == -1, "count beyond 2^63 is an error");
	char l5b[] = "x 9223372036854775807";
	ok(folded_parse(l5b, strlen(l5b), 1, &fl, &why) == 0 && fl.counts[0] == INT64_MAX,
		"count of exactly 2^63-1 accepted");
	char l5c[] = " 7";
	ok(folded_parse(l5c, strlen(l5c), 1, &fl, &why) == -1 && !strcmp(why, "no stack before the count"),
		"a count alone: no stack");
	char l6[] = "   ";
	ok(folded_parse(l6, strlen(l6), 1, &fl, &why) == 1, "blank line skipped");
	char l7[] = "f1 2";
	ok(folded_parse(l7, strlen(l7), 2, &fl, &why) == 0 && fl.ncounts == 1 &&
		fl.counts[0] == 2, "a lone count is not a pair");
	char l8[] = "a;b1 7";
	ok(folded_parse(l8, strlen(l8), 1, &fl, &why) == 0 && fl.stacklen == 4, "digits in a frame");
	const char *cur = "a;bb;c", *end = cur + 6, *f;
	size_t fl_len;
	int n = 0;
	while (folded_frame(&cur, end, &f, &fl_len))
		n++;
	is_int(n, 3, "three frames");
}

static void test_secrets(void)
{
	struct sbuf b = {0};
	const char *s = "key sk-ant-api03-abcdefghijklmnopqrstuvwxyz and ghp_0123456789abcdefghijABCDEFGHIJ "
		"AKIAABCDEFGHIJKLMNOP eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop end";
	redact(&b, s, strlen(s));
	is_str(b.p, "key [REDACTED] and [REDACTED] [REDACTED] [REDACTED] end", "secrets redacted");
	redact(&b, "risk-free task-list sk-short", 28);
	is_str(b.p, "risk-free task-list sk-short", "words that only look alike stay");
	sb_reset(&b);
	sb_json_str(&b, "a\"\\\n\x01\xff", 6);
	is_str(b.p, "\"a\\\"\\\\\\n\\u0001\xef\xbf\xbd\"", "JSON string escaping");
	sb_free(&b);
}

/* sb_json_body as a byte-by-byte escaper writes it (what the sixteen
 * bytes a step must give) */
static void ref_body(struct sbuf *b, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; ) {
		unsigned c = p[i];
		char t[8];
		if (c >= 0x80) {
			size_t l = utf8_valid_len((const char *)p + i, n - i);
			if (l)
				sb_add(b, p + i, l);
			else
				sb_add(b, "\xEF\xBF\xBD", 3);
			i += l ? l : 1;
			continue;
		}
		if (c == '"' || c == '\\')
			snprintf(t, sizeof t, "\\%c", c);
		else if (c == '\n' || c == '\t' || c == '\r')
			snprintf(t, sizeof t, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
		else if (c < 0x20)
			snprintf(t, sizeof t, "\\u%04x", c);
		else
			t[0] = (char)c, t[1] = 0;
		sb_adds(b, t);
		i++;
	}
}

/* every length to 80 with each byte to escape (or a near one) at every
 * place, after 0 to 40 bytes already in the buffer (its room ends at
 * every place); runs of escapes that grow the text sixfold; UTF-8 cut
 * at the end */
static void test_json_body(void)
{
	static const char *const special[] = {"\"", "\\", "\n", "\t", "\r", "\x01", "\x1f", "\x7f",
		" ", "!", "]", "\x80", "\xff", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3",
		"\xe2\x82", "\xf0\x9f\x98", "\xed\xa0\x80"};
	struct sbuf got = {0}, want = {0}, in = {0};
	int bad = 0;
	for (size_t n = 0; n <= 80; n++)
		for (size_t k = 0; k < sizeof special / sizeof *special; k++)
			for (size_t at = 0; at <= n; at += (n > 40 ? 3 : 1)) {
				sb_reset(&in);
				for (size_t i = 0; i < n; i++)
					sb_addc(&in, (char)('a' + (i * 5 + k) % 26));
				in.len = at;
				sb_adds(&in, special[k]);
				for (size_t i = at; i < n; i++)
					sb_addc(&in, (char)('A' + i % 26));
				size_t pre = (n + k + at) % 41;
				sb_free(&got);
				for (size_t i = 0; i < pre; i++)
					sb_addc(&got, '.');
				sb_reset(&want);
				for (size_t i = 0; i < pre; i++)
					sb_addc(&want, '.');
				sb_json_body(&got, in.p, in.len);
				ref_body(&want, (const unsigned char *)in.p, in.len);
				bad += got.len != want.len || memcmp(got.p, want.p, got.len) ||
					got.p[got.len] != 0;
			}
	is_int(bad, 0, "JSON bodies of 0 to 80 bytes with an escape at every place, after 0 to 40 bytes");
	bad = 0;
	for (size_t n = 0; n <= 300; n++) {
		sb_reset(&in);
		for (size_t i = 0; i < n; i++)
			sb_addc(&in, (char)(i % 3 ? 0x01 : i % 2 ? '\n' : 'x'));
		sb_free(&got);
		sb_reset(&want);
		sb_json_body(&got, in.p, in.len);
		ref_body(&want, (const unsigned char *)in.p, in.len);
		bad += got.len != want.len || memcmp(got.p, want.p, got.len) || got.p[got.len] != 0;
	}
	is_int(bad, 0, "runs of escapes that grow the text sixfold, 0 to 300 bytes");
	sb_free(&got);
	sb_free(&want);
	sb_free(&in);
}

static void test_event(void)
{
	struct event e;
	struct sbuf b = {0};
	ev_init(&e);
	e.kind = "llm";
	e.agent = "claude";
	e.session = "s1";
	e.ts = 0;
	e.id = "m1";
	e.model = "claude-x";
	e.has_tokens = true;
	e.tokens.input = 3;
	e.tokens.output = 5;
	ev_write(&b, &e, 0);
	is_str(b.p, "{\"kind\":\"llm\",\"agent\":\"claude\",\"session\":\"s1\",\"ts\":\"1970-01-01T00:00:00.000Z\","
		"\"id\":\"m1\",\"model\":\"claude-x\",\"tokens\":{\"input\":3,\"cache_read\":0,\"cache_write\":0,"
		"\"cache_write_1h\":0,\"output\":5,\"reasoning\":0}}\n", "record written in key order");
	ok(jparse(&d, b.p, b.len - 1) == 0, "written record parses");
	struct event r;
	const char *why;
	ok(ev_read(&d, &r, &why) == 0 && !strcmp(r.kind, "llm") && r.tokens.output == 5 && r.ts == 0,
		"record read back");
	struct sbuf b2 = {0};
	ev_write(&b2, &r, 0);
	is_str(b2.p, b.p, "read then written is identical");
	sb_free(&b);
	sb_free(&b2);
}

static void test_hmap(void)
{
	struct hmap m = {0};
	bool ins;
	for (int i = 0; i < 5000; i++)
		*hm_put(&m, hash64(&i, sizeof i, 0), &ins) = i;
	int good = 0;
	for (int i = 0; i < 5000; i++) {
		int64_t *v = hm_get(&m, hash64(&i, sizeof i, 0));
		good += v && *v == i;
	}
	is_int(good, 5000, "5000 keys found again");
	hm_put(&m, hash64("x", 1, 0), &ins);
	ok(ins, "new key inserted");
	hm_put(&m, hash64("x", 1, 0), &ins);
	ok(!ins, "same key found");
	hm_free(&m);
}

/* The examples in agent-event(5) are records exactly as ev_write writes
 * them: same keys, same order. */
static void test_manpage(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f) {
		ok(0, "agent-event(5) readable at %s", path ? path : "(no path given)");
		return;
	}
	char line[4096];
	int n = 0, good = 0;
	struct sbuf b = {0};
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "{\"kind\"", 7))
			continue;
		n++;
		size_t l = strlen(line);
		struct event e;
		const char *why;
		sb_reset(&b);
		if (jparse(&d, line, l - 1) == 0 && ev_read(&d, &e, &why) == 0) {
			ev_write(&b, &e, 0);
			if (!strcmp(b.p, line))
				good++;
			else
				printf("# man:  %s# ours: %s", line, b.p);
		}
	}
	fclose(f);
	sb_free(&b);
	ok(n >= 4 && good == n, "agent-event(5) examples (%d) are in the writer's key order", n);
}

int main(int argc, char **argv)
{
	test_json();
	test_time();
	test_folded();
	test_secrets();
	test_json_body();
	test_event();
	test_hmap();
	test_manpage(argc > 1 ? argv[1] : NULL);
	jdoc_free(&d);
	return tap_done();
}
