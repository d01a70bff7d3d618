/* SPDX-License-Identifier: MIT */
/* json.h: a fast JSON parser for one NDJSON line (or one whole document).
 *
 * The parse result is a flat array of nodes in document order: a container
 * is followed by its children, object members as key node then value node,
 * and every node knows the index just past its subtree, so siblings are
 * reached without recursion.  Strings stay escaped in the input until asked
 * for (jstr), which keeps the common case -- long tool outputs nobody reads
 * -- to one scan.  Invalid UTF-8 inside strings does not fail the parse; it
 * is counted (badutf8) and replaced by U+FFFD when the string is read. */
#ifndef AP_JSON_H
#define AP_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "arena.h"
#include "util.h"

enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };
#define JF_ESC 1        /* string has backslash escapes */
#define JF_HIGH 2       /* string has bytes >= 0x80 */
#define JF_BAD 4        /* string has invalid UTF-8 */
#define JF_NUL 8        /* string has U+0000, escaped or raw: read as U+FFFD */
#define JSON_MAXDEPTH 512

struct jnode {
	uint8_t type;
	uint8_t flags;
	uint32_t len;   /* strings and numbers: raw bytes; containers: children */
	uint32_t end;   /* index one past this node's subtree */
	uint32_t raw;   /* bytes of the node's JSON text */
	const char *s;  /* strings: raw text without quotes; others: text */
};

struct jdoc {
	struct jnode *n;
	uint32_t nn, cap;
	const char *err;     /* why the last parse failed */
	size_t errpos;       /* byte offset of the failure */
	unsigned badutf8;    /* strings with invalid UTF-8 */
	struct arena a;      /* js() strings and jalloc(): emptied by the next
	                      * parse, which keeps its first block */
};

void jdoc_free(struct jdoc *d);
/* Parse s[0..len) (s[len] must be readable, e.g. the NUL of a line).
 * 0 on success, -1 with d->err and d->errpos set. */
int jparse(struct jdoc *d, const char *s, size_t len);
/* jparse in a given form, for tests (both give the same answers): the
 * plain one (SSE2, or portable), or the AVX2 one that jparse takes when
 * the CPU has AVX2 (the plain one on other CPUs and machines). */
enum { JPARSE_PLAIN, JPARSE_AVX2 };
int jparse_form(struct jdoc *d, const char *s, size_t len, int form);
/* The JSON value at the start of s[0..len) (s[len] readable), as jparse
 * reads it at that place in a document where it sits inside depth
 * containers (their levels count against JSON_MAXDEPTH), text after it
 * allowed: 0 and *used, the bytes of the value and of the white space
 * after it; or -1 with d->err and d->errpos set.  For a reader that
 * walks a large document a piece at a time. */
int jparse_value(struct jdoc *d, const char *s, size_t len, int depth, size_t *used);
/* jparse_value's answer, *used, error, position and d->badutf8, without
 * the nodes: d->nn is left 0 and d's arena as it was.  For a first pass
 * that only needs to know that a piece is JSON, at a third of the cost. */
int jcheck_value(struct jdoc *d, const char *s, size_t len, int depth, size_t *used);

static inline const struct jnode *jroot(const struct jdoc *d)
{
	return d->nn ? d->n : NULL;
}
/* Member of an object by key (the last one when keys repeat), or NULL.
 * (A macro, so that a literal key's length is known when compiling.) */
const struct jnode *jget(const struct jdoc *d, const struct jnode *obj, const char *key);
const struct jnode *jget_n(const struct jdoc *d, const struct jnode *obj, const char *key, size_t kl);
#define jget(d, obj, key) jget_n((d), (obj), (key), strlen(key))
/* A chain of members: jgetv(d, v, "message", "usage", NULL). */
const struct jnode *jgetv(const struct jdoc *d, const struct jnode *v, ...);
/* Children: for arrays the elements, for objects the keys (the value is the
 * node after the key: jval(k)). */
static inline const struct jnode *jfirst(const struct jdoc *d, const struct jnode *c)
{
	return c && (c->type == J_ARR || c->type == J_OBJ) && c->len ? c + 1 : NULL;
}
static inline const struct jnode *jval(const struct jnode *key) { return key + 1; }
static inline const struct jnode *jnext(const struct jdoc *d, const struct jnode *c,
	const struct jnode *cur)
{
	uint32_t i = c->type == J_OBJ ? (cur + 1)->end : cur->end;
	return i < c->end ? d->n + i : NULL;
}
#define JFOR(d, c, it) for (const struct jnode *it = jfirst(d, c); it; it = jnext(d, c, it))

/* Does string node n equal the C string lit?  (A macro too.) */
bool jeq(const struct jnode *n, const char *lit);
bool jeq_esc(const struct jnode *n, const char *lit, size_t l);
static inline bool jeq_n(const struct jnode *n, const char *lit, size_t l)
{
	if (!n || n->type != J_STR)
		return false;
	if (!(n->flags & (JF_ESC | JF_BAD | JF_NUL)))
		return n->len == l && !memcmp(n->s, lit, l);
	return jeq_esc(n, lit, l);
}
#define jeq(n, lit) jeq_n((n), (lit), strlen(lit))
/* Unescaped string value appended to b (not reset); false if n is not a
 * string.  Invalid UTF-8 and lone surrogates become U+FFFD. */
bool jstr(const struct jnode *n, struct sbuf *b);
/* String value, unescaped and NUL-terminated, valid until the next jparse
 * on d; NULL when n is absent or not a string.  jsn also gives the length
 * (the value may contain NULs). */
const char *jsn(struct jdoc *d, const struct jnode *n, size_t *len);
static inline const char *js(struct jdoc *d, const struct jnode *n)
{
	return jsn(d, n, NULL);
}
/* Memory from the same arena, for values derived from the record. */
void *jalloc(struct jdoc *d, size_t n);
char *jstrdup(struct jdoc *d, const char *s, size_t n);
/* Numbers (and numeric strings) as integers, saturating at the int64
 * range; fractions are truncated.  dflt when absent or not a number. */
int64_t jint(const struct jnode *n, int64_t dflt);
double jnum(const struct jnode *n, double dflt);
static inline bool jtrue(const struct jnode *n) { return n && n->type == J_TRUE; }
/* Raw JSON text of a node's subtree. */
size_t jraw(const struct jdoc *d, const struct jnode *n, const char **p);

/* --- scanning JSON text without parsing it --------------------------------
 * The one place that scans JSON strings and keys by the block: the parser,
 * JSON output (sb_json_body) and agent-tag's key scan (tagsess.c) use it.
 * Sixteen bytes a step with SSE2; elsewhere (arm64, or AP_NO_SIMD defined)
 * a portable form gives the same answers, eight bytes a step.  (The
 * parser's own forms, in json.c, also read a document's last block
 * backwards, and 32 bytes a step with AVX2.) */
#if defined(__SSE2__) && !defined(AP_NO_SIMD)
#define JSCAN_SSE2 1
#include <emmintrin.h>
#endif
#define JSCAN_ONES 0x0101010101010101ULL
#define JSCAN_HIGHS 0x8080808080808080ULL

/* A hex digit's value, -1 for any other character (\uXXXX escapes). */
static inline int jhexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The four hex digits at p (checked before) as a code unit. */
static inline uint32_t jhex4(const char *p)
{
	return (uint32_t)(jhexval(p[0]) << 12 | jhexval(p[1]) << 8 | jhexval(p[2]) << 4 | jhexval(p[3]));
}

/* The length of the escape at q (a backslash, q < e) as jparse takes it:
 * 2 for \" \\ \/ \b \f \n \r \t, 6 for \uXXXX but \u0000; 0 for any
 * other, or one that e cuts. */
static inline size_t jesc_len(const char *q, const char *e)
{
	if (e - q < 2)
		return 0;
	char k = q[1];
	if (k == 'u')
		return e - q < 6 || jhexval(q[2]) < 0 || jhexval(q[3]) < 0 || jhexval(q[4]) < 0 ||
			jhexval(q[5]) < 0 || (q[2] == '0' && q[3] == '0' && q[4] == '0' && q[5] == '0') ?
			0 : 6;
	return k == '"' || k == '\\' || k == '/' || k == 'b' || k == 'f' || k == 'n' || k == 'r' ||
		k == 't' ? 2 : 0;
}

/* The end of the JSON number at p (RFC 8259's grammar: -?int frac? exp?),
 * NULL when p does not start one. */
static inline const char *jnum_end(const char *p, const char *e)
{
	if (p < e && *p == '-')
		p++;
	if (p >= e)
		return NULL;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	} else {
		return NULL;
	}
	if (p < e && *p == '.') {
		const char *f = ++p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == f)
			return NULL;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		const char *f = p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == f)
			return NULL;
	}
	return p;
}

/* The first byte in [p, e) that a string scan must look at: a quote, a
 * backslash, a control byte (< 0x20) or a byte >= 0x80; e when none. */
static inline const char *jscan_stop(const char *p, const char *e)
{
#ifdef JSCAN_SSE2
	/* a signed compare below 0x20 catches the control bytes and every
	 * byte >= 0x80 at once */
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
		low = _mm_set1_epi8(0x20);
	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		int bits = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
			_mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, low)));
		if (bits)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
	/* under 16 bytes left: two blocks of 8 (or 4) that may overlap, the
	 * first from p, the second ending at e, instead of byte by byte */
	if (e - p >= 4) {
		uint64_t a = 0, z = 0;
		size_t h = e - p >= 8 ? 8 : 4;
		memcpy(&a, p, h);
		memcpy(&z, e - h, h);
		__m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(const void *)&a),
			_mm_loadl_epi64((const __m128i *)(const void *)&z));
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
			_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, low)));
		unsigned m = (1u << h) - 1;
		if (bits & m)
			return p + __builtin_ctz(bits & m);
		bits = bits >> 8 & m;
		return bits ? e - h + __builtin_ctz(bits) : e;
	}
#endif
	while (e - p >= 8) {
		uint64_t v, q, b;
		memcpy(&v, p, 8);
		q = v ^ (JSCAN_ONES * '"');
		b = v ^ (JSCAN_ONES * '\\');
		/* a zero byte in q or b, a byte below 0x20, a high bit: the
		 * test may also fire after such a byte, never without one */
		if ((((q - JSCAN_ONES) & ~q) | ((b - JSCAN_ONES) & ~b) |
		    ((v - JSCAN_ONES * 0x20) & ~v) | v) & JSCAN_HIGHS)
			break;
		p += 8;
	}
	for (; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			return p;
	}
	return e;
}

#ifdef JSCAN_SSE2
/* The 64 bytes at p as a mask, one bit a byte, of those the class CLS (a
 * macro of a vector, giving 0xff where a byte is one) marks, in four
 * vectors: 0 at once when none is. */
static inline __attribute__((always_inline)) __m128i jld16(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}
static inline __attribute__((always_inline)) uint64_t jmask64_16(__m128i a, __m128i b, __m128i c,
	__m128i d)
{
	if (!_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))))
		return 0;
	return (uint64_t)(unsigned)_mm_movemask_epi8(a) |
		(uint64_t)(unsigned)_mm_movemask_epi8(b) << 16 |
		(uint64_t)(unsigned)_mm_movemask_epi8(c) << 32 |
		(uint64_t)(unsigned)_mm_movemask_epi8(d) << 48;
}
#define JMASK64_16(p, CLS) jmask64_16(CLS(jld16(p)), CLS(jld16((p) + 16)), \
	CLS(jld16((p) + 32)), CLS(jld16((p) + 48)))

/* Bit i: p[i] is a byte jscan_stop stops at (a quote, a backslash, a
 * control byte or one from 0x80), i < 64.  With bit 1 flipped a quote is
 * 0x20, control bytes stay below it and bytes from 0x80 are negative, so
 * one signed compare below 0x21 finds all three; the backslash is
 * compared on its own. */
static inline __attribute__((always_inline)) uint64_t jscan_mask64(const char *p)
{
	const __m128i two = _mm_set1_epi8(2), lim = _mm_set1_epi8(0x21),
		bs = _mm_set1_epi8('\\');
#define JSCAN_BAD(v) _mm_or_si128(_mm_cmplt_epi8(_mm_xor_si128(v, two), lim), \
	_mm_cmpeq_epi8(v, bs))
	return JMASK64_16(p, JSCAN_BAD);
#undef JSCAN_BAD
}
#endif

/* jscan_stop for long strings (a thought, a tool's output): 64 bytes a
 * step, the first byte of interest taken from the step's mask; under 64
 * bytes left, jscan_stop. */
static inline const char *jscan_stop64(const char *p, const char *e)
{
#ifdef JSCAN_SSE2
	for (; e - p >= 64; p += 64) {
		uint64_t m = jscan_mask64(p);
		if (m)
			return p + __builtin_ctzll(m);
	}
#endif
	return jscan_stop(p, e);
}

/* The closing quote of the string whose text starts at v (just after its
 * opening quote): the first quote no backslash escapes; e when the string
 * does not end before e. */
static inline const char *jscan_str_end(const char *v, const char *e)
{
	for (;;) {
		v = jscan_stop(v, e);
		if (v >= e || *v == '"')
			return v;
		if (*v == '\\' && e - v < 2)
			return e;
		v += *v == '\\' ? 2 : 1;   /* an escape, or a byte of no interest */
	}
}

/* Where keys may start in a compact JSON line: bit i is set when
 * p[i] == ',' and p[i + 1] == '"', for i in [0, 16); p[0..17) must be
 * readable.  In text written without spaces (agent-event(5) records) every
 * key but the first starts so, and no string holds the pair unescaped
 * except as ',"' inside a string value -- which a caller must allow for
 * (agent-tag takes such a match for a key it does not know). */
static inline unsigned jscan_keys16(const char *p)
{
#ifdef JSCAN_SSE2
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
	return (unsigned)_mm_movemask_epi8(_mm_and_si128(
		_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), comma),
		_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 1)), quote)));
#else
	unsigned m = 0;
	for (unsigned i = 0; i < 16; i++)
		m |= (unsigned)(p[i] == ',' && p[i + 1] == '"') << i;
	return m;
#endif
}
#endif
