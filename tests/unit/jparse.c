/* SPDX-License-Identifier: MIT */
/* Unit tests of jparse: its two forms (the plain one, SSE2 or portable,
 * and the AVX2 one when the CPU has it) against the parser they replaced
 * (kept below as ref_jparse, one byte-by-byte-scanning node at a time):
 * the same answer, error and position, and the same nodes, on strings of
 * every length 0..100 at every alignment with each kind of stop byte at
 * every position, in several records, and on random JSON-like text.
 * jparse_value too, on each of those texts: the value jparse took whole,
 * or the one before the text jparse found after it, else its error; and
 * its depth limit.  jcheck_value gives jparse_value's answers on them all
 * (at depth 0, and at 510 where any two levels are too many).  Under ASan the bytes around each document are
 * poisoned, so a block read outside [s, s + len] fails. */
#include <stdint.h>
#include <stdlib.h>
#include "json.h"
#include "agents/jpick.h"
#include "tap.h"

/* --- the parser before (json.c at c726076), renamed ------------------- */
static int ref_fail(struct jdoc *d, const char *s, const char *p, const char *why)
{
	d->err = why;
	d->errpos = (size_t)(p - s);
	return -1;
}

static uint32_t ref_push(struct jdoc *d, uint8_t type,
	const char *s)
{
	if (d->nn == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->n = xrealloc(d->n, sizeof *d->n * d->cap);
	}
	uint32_t i = d->nn++;
	struct jnode *n = &d->n[i];
	n->type = type;
	n->flags = 0;
	n->len = 0;
	n->end = i + 1;
	n->raw = 0;
	n->s = s;
	return i;
}

static const char *ref_skipws(const char *p, const char *e)
{
	if (p < e && (unsigned char)*p > ' ')
		return p;       /* compact JSON: no white space between tokens */
	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* p at the opening quote; returns the position after the closing one. */
static const char *ref_scan_string(struct jdoc *d,
	const char *p, const char *e, uint32_t *ix)
{
	const char *q = ++p;
	uint8_t flags = 0;
	for (;;) {
		q = jscan_stop(q, e);
		if (q >= e)
			return NULL;
		unsigned char c = (unsigned char)*q;
		if (c == '"')
			break;
		if (c == '\\') {
			flags |= JF_ESC;
			if (++q >= e)
				return NULL;
			if (*q == 'u') {
				if (e - q < 5 || jhexval(q[1]) < 0 || jhexval(q[2]) < 0 || jhexval(q[3]) < 0 ||
				    jhexval(q[4]) < 0)
					return NULL;
				if (q[1] == '0' && q[2] == '0' && q[3] == '0' && q[4] == '0')
					flags |= JF_NUL;
				q += 5;
			} else if (*q == '"' || *q == '\\' || *q == '/' || *q == 'b' || *q == 'f' ||
			    *q == 'n' || *q == 'r' || *q == 't') {
				q++;
			} else {
				return NULL;
			}
		} else if (c >= 0x80) {
			flags |= JF_HIGH;
			size_t l = utf8_valid_len(q, (size_t)(e - q));
			if (!l) {
				flags |= JF_BAD;
				l = 1;
			}
			q += l;
		} else {
			if (!c)
				flags |= JF_NUL;
			q++;   /* a raw control character: tolerated, escaped on output */
		}
	}
	if (flags & JF_BAD)
		d->badutf8++;
	uint32_t i = ref_push(d, J_STR, p);
	d->n[i].flags = flags;
	d->n[i].len = (uint32_t)(q - p);
	d->n[i].raw = (uint32_t)(q - p) + 2;
	*ix = i;
	return q + 1;
}

static int ref_jparse(struct jdoc *d, const char *s, size_t len)
{
	const char *p = s, *e = s + len;
	uint32_t stack[JSON_MAXDEPTH];
	int depth = 0;
	d->nn = 0;
	d->badutf8 = 0;
	d->err = NULL;
	/* the first block stays from one parse to the next: most records
	 * need no more, and then no parse allocates */
	d->a.keep = 1;
	arena_reset(&d->a);
	if (len >= UINT32_MAX)
		return ref_fail(d, s, s, "document larger than 4 GiB");
	p = ref_skipws(p, e);
	for (;;) {
		/* A value at p. */
		uint32_t ix;
		if (p >= e)
			return ref_fail(d, s, p, depth ? "unexpected end of input" : "empty input");
		switch (*p) {
		case '{':
		case '[':
			if (depth == JSON_MAXDEPTH)
				return ref_fail(d, s, p, "nested deeper than 512 levels");
			ix = ref_push(d, *p == '{' ? J_OBJ : J_ARR, p);
			stack[depth++] = ix;
			p = ref_skipws(p + 1, e);
			if (p < e && (*p == '}' || *p == ']'))
				goto close;
			if (d->n[ix].type == J_OBJ)
				goto key;
			continue;
		case '"':
			p = ref_scan_string(d, p, e, &ix);
			if (!p)
				return ref_fail(d, s, e, "unterminated string or bad escape");
			break;
		case 't':
			if (e - p < 4 || memcmp(p, "true", 4))
				return ref_fail(d, s, p, "invalid literal");
			ix = ref_push(d, J_TRUE, p);
			d->n[ix].raw = 4;
			p += 4;
			break;
		case 'f':
			if (e - p < 5 || memcmp(p, "false", 5))
				return ref_fail(d, s, p, "invalid literal");
			ix = ref_push(d, J_FALSE, p);
			d->n[ix].raw = 5;
			p += 5;
			break;
		case 'n':
			if (e - p < 4 || memcmp(p, "null", 4))
				return ref_fail(d, s, p, "invalid literal");
			ix = ref_push(d, J_NULL, p);
			d->n[ix].raw = 4;
			p += 4;
			break;
		default: {
			const char *q = jnum_end(p, e);
			if (!q)
				return ref_fail(d, s, p, "unexpected character");
			ix = ref_push(d, J_NUM, p);
			d->n[ix].len = d->n[ix].raw = (uint32_t)(q - p);
			p = q;
		}
		}
	after:
		/* A value ended; what comes next depends on the container. */
		if (!depth) {
			p = ref_skipws(p, e);
			if (p != e)
				return ref_fail(d, s, p, "text after the JSON value");
			return 0;
		}
		{
			struct jnode *c = &d->n[stack[depth - 1]];
			c->len++;
			p = ref_skipws(p, e);
			if (p >= e)
				return ref_fail(d, s, p, "unexpected end of input");
			if (*p == ',') {
				p = ref_skipws(p + 1, e);
				if (c->type == J_OBJ)
					goto key;
				continue;
			}
			if ((*p == '}' && c->type == J_OBJ) || (*p == ']' && c->type == J_ARR))
				goto close;
			return ref_fail(d, s, p, c->type == J_OBJ ? "expected , or }" : "expected , or ]");
		}
	close: {
		struct jnode *c = &d->n[stack[--depth]];
		if ((*p == '}') != (c->type == J_OBJ))
			return ref_fail(d, s, p, "mismatched bracket");
		c->end = d->nn;
		p++;
		c->raw = (uint32_t)(p - c->s);
		goto after;
	}
	key:
		if (p >= e || *p != '"')
			return ref_fail(d, s, p, "expected a string key");
		p = ref_scan_string(d, p, e, &ix);
		if (!p)
			return ref_fail(d, s, e, "unterminated string or bad escape");
		p = ref_skipws(p, e);
		if (p >= e || *p != ':')
			return ref_fail(d, s, p, "expected :");
		p = ref_skipws(p + 1, e);
	}
}


/* jint and jget_n before (json.c at c726076) */
static int64_t ref_jint(const struct jnode *n, int64_t dflt)
{
	if (!n || (n->type != J_NUM && n->type != J_STR) || !n->len)
		return dflt;
	const char *p = n->s, *e = p + n->len;
	bool neg = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p >= e || *p < '0' || *p > '9')
		return dflt;
	uint64_t v = 0;
	bool sat = false;
	for (; p < e && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			sat = true;
		else
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p < e && *p != '.' && *p != 'e' && *p != 'E')
		return dflt;
	if (memchr(n->s, 'e', n->len) || memchr(n->s, 'E', n->len)) {
		/* 1e3 and friends: go through double */
		double x = jnum(n, 0);
		if (x >= 9.2e18)
			return INT64_MAX;
		if (x <= -9.2e18)
			return INT64_MIN;
		return (int64_t)x;
	}
	if (sat || v > (uint64_t)INT64_MAX)
		return neg ? INT64_MIN : INT64_MAX;
	return neg ? -(int64_t)v : (int64_t)v;
}

static const struct jnode *ref_jget_n(const struct jdoc *d, const struct jnode *obj, const char *key, size_t kl)
{
	if (!obj || obj->type != J_OBJ)
		return NULL;
	const struct jnode *found = NULL;
	JFOR(d, obj, k) {
		if (k->len == kl && (!kl || k->s[0] == key[0]) && !memcmp(k->s, key, kl) &&
		    !(k->flags & JF_ESC))
			found = k + 1;
		else if ((k->flags & JF_ESC) && jeq_n(k, key, kl))
			found = k + 1;
	}
	return found;
}

/* --- comparing ---------------------------------------------------------- */
static uint64_t rng = 0x2545f4914f6cdd1dULL;
static unsigned rnd(void)
{
	return (unsigned)(tap_xorshift(&rng) >> 32);
}

static struct jdoc dref, dform[2];
static int nforms = 1;

/* ref_jparse and each form on s[0..len): the same?  On a failure the
 * nodes are half made and only the count is compared. */
static bool same_forms(const char *s, size_t len)
{
	int rr = ref_jparse(&dref, s, len);
	for (int f = 0; f < nforms; f++) {
		struct jdoc *d = &dform[f];
		int r = jparse_form(d, s, len, f ? JPARSE_AVX2 : JPARSE_PLAIN);
		if (r != rr || d->nn != dref.nn || d->badutf8 != dref.badutf8)
			return false;
		if (r < 0) {
			if (strcmp(d->err, dref.err) || d->errpos != dref.errpos)
				return false;
			continue;
		}
		for (uint32_t i = 0; i < d->nn; i++) {
			const struct jnode *a = &d->n[i], *b = &dref.n[i];
			if (a->type != b->type || a->flags != b->flags || a->len != b->len ||
			    a->end != b->end || a->raw != b->raw || a->s != b->s)
				return false;
		}
	}
	return true;
}

/* jparse_value at depth 0 on the same text: what jparse took whole, or
 * the value before the text jparse found after it, with the same nodes;
 * else jparse's error at the same place. */
static struct jdoc dval, dchk;

/* jcheck_value gives jparse_value's answer, *used, badutf8, error and
 * position, and no nodes */
static bool check_same(const char *s, size_t len, int depth)
{
	size_t used = 7777, cused = 7777;
	int r = jparse_value(&dval, s, len, depth, &used);
	int c = jcheck_value(&dchk, s, len, depth, &cused);
	if (c != r || cused != used || dchk.nn || dchk.badutf8 != dval.badutf8)
		return false;
	return r == 0 || (!strcmp(dchk.err, dval.err) && dchk.errpos == dval.errpos);
}

static bool value_same(const char *s, size_t len)
{
	const struct jdoc *w = &dform[0];
	size_t used = 7777;
	if (!check_same(s, len, 0) || !check_same(s, len, 510))
		return false;
	int r = jparse_value(&dval, s, len, 0, &used);
	bool after = w->err && !strcmp(w->err, "text after the JSON value");
	if (!w->err || after) {
		if (r < 0 || used != (after ? w->errpos : len) || dval.nn != w->nn ||
		    dval.badutf8 != w->badutf8)
			return false;
		for (uint32_t i = 0; i < dval.nn; i++) {
			const struct jnode *a = &dval.n[i], *b = &w->n[i];
			if (a->type != b->type || a->flags != b->flags || a->len != b->len ||
			    a->end != b->end || a->raw != b->raw || a->s != b->s)
				return false;
		}
		return true;
	}
	return r < 0 && used == 7777 && !strcmp(dval.err, w->err) && dval.errpos == w->errpos;
}

static bool same(const char *s, size_t len)
{
	return same_forms(s, len) && value_same(s, len);
}

/* The document t[0..n) copied to offset al of a buffer with nothing
 * readable around it but the byte after the end (jparse's contract). */
static char *buf;
static bool same_at(const char *t, size_t n, size_t al)
{
	UNPOISON(buf, 4096);
	memcpy(buf + al, t, n);
	buf[al + n] = '"';      /* readable, and a quote: must not be taken */
	POISON(buf, al);
	POISON(buf + al + n + 1, 4096 - al - n - 1);
	bool ok = same(buf + al, n);
	UNPOISON(buf, 4096);
	return ok;
}

/* the stops a string scan must handle, each put at every position */
static const char *const pieces[] = {
	"\"", "\\n", "\\\"", "\\\\", "\\/", "\\u0041", "\\u0000", "\\ud83d\\ude00", "\\uDC00",
	"\\x", "\\u12g4", "\\", "\x01", "\x1f", "\0", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
	"\xf0\x9f\x98\x80", "\xff", "\xe2\x82", "\x80", "\xed\xa0\x80", " ",
};
static size_t piece_len(size_t k)
{
	return k == 14 ? 1 : strlen(pieces[k]);    /* the raw NUL */
}

/* records a string is put in, at each %: the two last cut short */
static const char *const shapes[] = {
	"\"%\"", "{\"%\":\"%\"}", "[\"%\",1]", "{\"type\":\"x\",\"message\":{\"content\":\"%\"},\"n\":12}",
	"[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,\"%\"]", "\"%", "{\"a\":\"%",
};

static size_t fill(char *t, const char *shape, const char *str, size_t sl)
{
	size_t n = 0;
	for (const char *c = shape; *c; c++) {
		if (*c == '%') {
			memcpy(t + n, str, sl);
			n += sl;
		} else {
			t[n++] = *c;
		}
	}
	return n;
}

/* A random JSON value at t + n (room for 1500 bytes): containers to
 * depth 4, strings with escapes and UTF-8, white space here and there;
 * the new length. */
static size_t gen(char *t, size_t n, int depth)
{
	static const char *const strs[] = {"", "k", "type", "a b", "x\\ny", "\\\"q\\\"",
		"caf\xc3\xa9", "\xff", "\\u00e9\\ud83d\\ude00", "0123456789abcdef0123456789abcdef0123",
		"tab\tctl\x01", "\\u0000"};
	static const char *const ws[] = {"", "", "", "", " ", "\n", " \t "};
#define WS() do { const char *w_ = ws[rnd() % 7]; size_t l_ = strlen(w_); \
		memcpy(t + n, w_, l_); n += l_; } while (0)
	unsigned k = rnd() % (depth < 4 ? 8 : 5);
	WS();
	if (k < 5 || n > 1200) {
		static const char *const leaf[] = {"1", "-20.5e+3", "true", "false", "null"};
		const char *v = k == 0 ? NULL : leaf[rnd() % 5];
		if (!v) {
			const char *x = strs[rnd() % (sizeof strs / sizeof *strs)];
			t[n++] = '"';
			memcpy(t + n, x, strlen(x));
			n += strlen(x);
			t[n++] = '"';
		} else {
			memcpy(t + n, v, strlen(v));
			n += strlen(v);
		}
	} else {
		bool obj = k & 1;
		t[n++] = obj ? '{' : '[';
		for (unsigned m = rnd() % 5, i = 0; i < m && n < 1200; i++) {
			if (i)
				t[n++] = ',';
			if (obj) {
				WS();
				n += (size_t)sprintf(t + n, "\"%s\"", strs[rnd() % 4]);
				WS();
				t[n++] = ':';
			}
			n = gen(t, n, depth + 1);
		}
		WS();
		t[n++] = obj ? '}' : ']';
	}
	WS();
#undef WS
	return n;
}

int main(void)
{
#if defined(__x86_64__) || defined(__i386__)
	nforms = __builtin_cpu_supports("avx2") ? 2 : 1;
	printf("# forms compared with the parser before: plain%s\n", nforms == 2 ? " and AVX2" : " (no AVX2 here)");
#else
	printf("# forms compared with the parser before: plain\n");
#endif
	buf = aligned_alloc(64, 4096);
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ:,{}[]0123456789";
	char str[512], doc[2048];
	long bad = 0, runs = 0;
	/* every length, every position, every stop; every alignment for the
	 * bare string, one of them in turn for the records */
	for (size_t l = 0; l <= 100; l++)
		for (size_t i = 0; i <= l; i++)
			for (size_t k = 0; k < sizeof pieces / sizeof *pieces; k++) {
				size_t pl = piece_len(k), sl = 0;
				for (size_t j = 0; j < i; j++)
					str[sl++] = plain[(j * 7 + l) % (sizeof plain - 1)];
				memcpy(str + sl, pieces[k], pl);
				sl += pl;
				for (size_t j = i; j < l; j++)
					str[sl++] = plain[(j * 7 + l) % (sizeof plain - 1)];
				size_t n = fill(doc, shapes[0], str, sl);
				for (size_t al = 0; al < 32; al++, runs++)
					bad += !same_at(doc, n, al);
				for (size_t sh = 1; sh < sizeof shapes / sizeof *shapes; sh++, runs++) {
					n = fill(doc, shapes[sh], str, sl);
					bad += !same_at(doc, n, (l + i + k + sh) % 64);
				}
			}
	is_int(bad, 0, "%ld strings of 0..100 bytes with a stop at each position, at each alignment", runs);

	/* plain strings of every length up to 300, every alignment: the
	 * block loop, the backward last block and the byte tail */
	bad = runs = 0;
	for (size_t l = 0; l <= 300; l++) {
		for (size_t j = 0; j < l; j++)
			str[j] = plain[(j * 5 + l) % (sizeof plain - 1)];
		for (size_t sh = 0; sh < 5; sh++) {
			size_t n = fill(doc, shapes[sh], str, l);
			for (size_t al = 0; al < 64; al++, runs++)
				bad += !same_at(doc, n, al);
		}
	}
	is_int(bad, 0, "%ld plain strings of 0..300 bytes in records, at each alignment", runs);

	/* random text of JSON's tokens: every error, and where */
	static const char *const toks[] = {"{", "}", "[", "]", ",", ":", "\"", "\"k\"", "\"v\\n\"",
		"\"\xc3\xa9\"", "\"\xff\"", "1", "-2.5e3", "0", "01", "-", "true", "false", "null",
		"tru", " ", "\n", "\t", "\\", "x", "\"long string value of some size, 40 b\"", "\0"};
	bad = 0;
	long errs = 0;
	for (int round = 0; round < 100000; round++) {
		size_t n = 0;
		for (unsigned m = rnd() % 40; m; m--) {
			size_t t = rnd() % (sizeof toks / sizeof *toks);
			size_t tl = t == sizeof toks / sizeof *toks - 1 ? 1 : strlen(toks[t]);
			memcpy(doc + n, toks[t], tl);
			n += tl;
		}
		bad += !same_at(doc, n, rnd() % 64);
		errs += dref.err != NULL;
	}
	is_int(bad, 0, "100000 random token strings (%ld of them bad JSON)", errs);

	/* random JSON values, and each with one byte changed or cut */
	bad = 0;
	long good = 0;
	for (int round = 0; round < 30000; round++) {
		size_t n = gen(doc, 0, 0);
		bad += !same_at(doc, n, rnd() % 64);
		good += !dref.err;
		size_t at = rnd() % n;
		if (rnd() % 2) {
			static const char subst[] = "{}[],:\"\\ x1e-.\x01\x80\xff";
			doc[at] = subst[rnd() % (sizeof subst - 1)];
			bad += !same_at(doc, n, rnd() % 64);
		} else {
			bad += !same_at(doc, at, rnd() % 64);
		}
	}
	is_int(bad, 0, "30000 random JSON values (%ld well formed), each changed or cut", good);

	/* jparse_value inside depth containers: 512 levels in all at most,
	 * as jparse counts them; a value with text after it */
	bad = runs = 0;
	for (int levels = 1; levels <= 514; levels += levels < 505 ? 8 : 1)
		for (int depth = 0; depth <= 3; depth++, runs++) {
			size_t n = 0, used;
			for (int i = 0; i < levels; i++)
				doc[n++] = '[';
			for (int i = 0; i < levels; i++)
				doc[n++] = ']';
			memcpy(doc + n, " \n\t,x", 6);
			int r = jparse_value(&dval, doc, n + 6, depth, &used);
			bad += levels + depth <= JSON_MAXDEPTH ? r != 0 || used != n + 3 || dval.nn != (uint32_t)levels :
				r == 0 || strcmp(dval.err, "nested deeper than 512 levels") || dval.errpos != (size_t)(JSON_MAXDEPTH - depth);
			bad += !check_same(doc, n + 6, depth);
		}
	is_int(bad, 0, "jparse_value on %ld arrays nested up to 514 levels, 0 to 3 deep in a document", runs);

	/* jint on numbers and on strings: as before */
	static const char *const nums[] = {"0", "-0", "123", "-45", "1.5", "1.5e3", "1e400", "-1e400",
		"99999999999999999999", "-9223372036854775808", "9223372036854775807",
		"9223372036854775808", "12e", "1.5xe3", "1.x", "abc", "-", "", "1E2", "0.0000", "7.9e18",
		"12 ", " 12", "1.5E+2", "2e-1", "-3.99", "18446744073709551615", "1x"};
	struct jdoc dn = {0};
	bad = runs = 0;
	for (int round = 0; round < 100000 + (int)(sizeof nums / sizeof *nums); round++) {
		char t[64];
		size_t tl = 0;
		if (round < (int)(sizeof nums / sizeof *nums)) {
			tl = strlen(nums[round]);
			memcpy(t + 1, nums[round], tl);
		} else {
			static const char al[] = "0123456789-.eE+x ";
			for (unsigned m = rnd() % 25; m; m--)
				t[1 + tl++] = al[rnd() % (sizeof al - 1)];
		}
		t[0] = '"';
		t[tl + 1] = '"';
		t[tl + 2] = 0;
		for (int as_str = 0; as_str < 2; as_str++) {
			const char *doc1 = as_str ? t : t + 1;
			if (jparse(&dn, doc1, as_str ? tl + 2 : tl) < 0)
				continue;
			runs++;
			bad += jint(jroot(&dn), -7) != ref_jint(jroot(&dn), -7);
		}
	}
	ok(jint(NULL, 5) == 5, "jint of nothing: the default");
	is_int(bad, 0, "jint as before on %ld numbers and numeric strings", runs);
	bad = 0;
	/* numbers with an exponent, as the parser takes them: exp_int's
	 * integers up to 2^53 and all the others strtod still reads */
	static const char *const enums[] = {"1.76723e+12", "1767230000000e0", "9007199254740992e0",
		"9007199254740993e0", "-9007199254740992E0", "9.007199254740992e15", "9.007199254740993e15",
		"25e-1", "20e-1", "-20e-1", "1.5e0", "0e400", "-0.0e-5", "0.000000000000000000001e21",
		"1e-400", "123456789012345678e0", "1234567890123456789e0", "1e15", "1e16", "1E+00016",
		"100000000000000000000e-5", "1.0000000000000000001e0",
		"1.00000000000000000000000000000000000000000000000000000000000001e62",
		"1.000000000000000000000000000000000000000000000000000000000000001e63"};
	long eruns = 0;
	for (int round = 0; round < 200000 + (int)(sizeof enums / sizeof *enums); round++) {
		char t[96];
		size_t tl = 0;
		if (round < (int)(sizeof enums / sizeof *enums)) {
			tl = strlen(enums[round]);
			memcpy(t, enums[round], tl);
		} else {
			/* -?D(.D)?[eE][+-]?D: digits mostly few, zeros often */
			static const char dg[] = "0000123456789";
			if (rnd() % 3 == 0)
				t[tl++] = '-';
			unsigned ni = 1 + rnd() % (rnd() % 4 ? 4 : 22), nf = rnd() % 2 ? rnd() % (rnd() % 4 ? 6 : 45) : 0;
			t[tl++] = (char)('1' + rnd() % 9);
			if (rnd() % 8 == 0)
				t[tl - 1] = '0', ni = 1;
			for (unsigned i = 1; i < ni; i++)
				t[tl++] = dg[rnd() % (sizeof dg - 1)];
			if (nf) {
				t[tl++] = '.';
				for (unsigned i = 0; i < nf; i++)
					t[tl++] = dg[rnd() % (sizeof dg - 1)];
			}
			t[tl++] = rnd() % 2 ? 'e' : 'E';
			unsigned sg = rnd() % 3;
			if (sg)
				t[tl++] = sg == 1 ? '+' : '-';
			for (unsigned i = 0, ne = 1 + rnd() % 3; i < ne; i++)
				t[tl++] = (char)('0' + rnd() % (i ? 10 : 3));
		}
		t[tl] = 0;
		if (jparse(&dn, t, tl) < 0 || jroot(&dn)->type != J_NUM)
			continue;
		eruns++;
		bad += jint(jroot(&dn), -7) != ref_jint(jroot(&dn), -7);
	}
	is_int(bad, 0, "jint as before on %ld numbers with exponents", eruns);

	/* jget_n: the last of repeated keys, escaped keys, empty ones */
	static const char *const keys[] = {"a", "b", "ab", "", "\\u0061", "a\\n", "type", "typ", "\\u0000"};
	static const char *const want[] = {"a", "b", "ab", "", "a\n", "type", "c", "typ", "t"};
	bad = runs = 0;
	for (int round = 0; round < 20000; round++) {
		size_t n = 0;
		doc[n++] = '{';
		for (unsigned m = rnd() % 8, i = 0; i < m; i++)
			n += (size_t)sprintf(doc + n, "%s\"%s\":%s", i ? "," : "",
				keys[rnd() % (sizeof keys / sizeof *keys)], rnd() % 2 ? "[1,{\"a\":2}]" : "3");
		doc[n++] = '}';
		doc[n] = 0;
		if (jparse(&dn, doc, n) < 0) {
			bad++;
			continue;
		}
		for (size_t w = 0; w < sizeof want / sizeof *want; w++, runs++)
			bad += jget_n(&dn, jroot(&dn), want[w], strlen(want[w])) !=
				ref_jget_n(&dn, jroot(&dn), want[w], strlen(want[w]));
		runs++;
		bad += jget_n(&dn, jroot(&dn) + 1, "a", 1) != ref_jget_n(&dn, jroot(&dn) + 1, "a", 1);
	}
	is_int(bad, 0, "jget_n as before on %ld lookups in random objects", runs);

	/* jpick: jget's answers in one walk, with names of the same length,
	 * escaped ones, and names of 32 bytes or more */
	static const char *const pkeys[] = {"a", "b", "ab", "ba", "\\u0061", "a\\n", "type", "typx",
		"tool", "\\u0074ool", "abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz01234",
		"abcdefghijkl", "abcdefghijkm", "t\\u0000"};
	static const struct jkey pick1[] = {JKEY("a"), JKEY("ab"), JKEY("ba"), JKEY("type"),
		JKEY("tool"), JKEY("typx"), JKEY("a\n"), JKEY("abcdefghijkm")};
	static const struct jkey pick2[] = {JKEY("tool"), JKEY("b"),
		JKEY("abcdefghijklmnopqrstuvwxyz012345"), JKEY("abcdefghijkl"), JKEY("t")};
	bad = runs = 0;
	for (int round = 0; round < 20000; round++) {
		size_t n = 0;
		doc[n++] = '{';
		for (unsigned m = rnd() % 12, i = 0; i < m; i++)
			n += (size_t)sprintf(doc + n, "%s\"%s\":%s", i ? "," : "",
				pkeys[rnd() % (sizeof pkeys / sizeof *pkeys)], rnd() % 2 ? "[1,{\"a\":2}]" : "3");
		doc[n++] = '}';
		doc[n] = 0;
		if (jparse(&dn, doc, n) < 0) {
			bad++;
			continue;
		}
		const struct jnode *v[8];
		jpick(&dn, jroot(&dn), pick1, 8, v);
		for (int i = 0; i < 8; i++, runs++)
			bad += v[i] != jget_n(&dn, jroot(&dn), pick1[i].s, pick1[i].n);
		jpick(&dn, jroot(&dn), pick2, 5, v);
		for (int i = 0; i < 5; i++, runs++)
			bad += v[i] != jget_n(&dn, jroot(&dn), pick2[i].s, pick2[i].n);
	}
	is_int(bad, 0, "jpick as jget_n on %ld lookups in random objects", runs);
	jdoc_free(&dn);

	/* well-formed records: nesting, empty containers, white space */
	static const char *const recs[] = {
		"{}", "[]", "[[]]", "{\"a\":{}}", "{\"a\":[]}", "[{},{}]", "{\"a\":[1,{\"b\":[true,false,null]}],\"c\":\"d\"}",
		" { \"a\" : 1 , \"b\" : [ 1 , 2 ] } ", "\n[\t1,\r2 ]\n", "\"x\"", "12", "-0.5E-7", "true", " null ",
		"{\"a\":1,}", "[1,]", "{\"a\" 1}", "{1:2}", "[1 2]", "{\"a\":1]", "[1}", "{]", "[}", "", " ",
		"[1]x", "\"a\"\"b\"", "{\"a\":", "[", "{", "{\"a\"",
	};
	bad = 0;
	for (size_t i = 0; i < sizeof recs / sizeof *recs; i++)
		for (size_t al = 0; al < 32; al++)
			bad += !same_at(recs[i], strlen(recs[i]), al);
	is_int(bad, 0, "records, empty containers, white space and their errors");

	/* nesting to the limit and past it */
	static char deep[4096];
	for (int depth = 510; depth <= 514; depth++) {
		size_t m = 0;
		for (int i = 0; i < depth; i++)
			deep[m++] = '[';
		for (int i = 0; i < depth; i++)
			deep[m++] = ']';
		deep[m] = 0;
		ok(same(deep, m), "%d nested arrays", depth);
	}
	jdoc_free(&dref);
	jdoc_free(&dform[0]);
	jdoc_free(&dform[1]);
	free(buf);
	return tap_done();
}
