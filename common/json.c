/* SPDX-License-Identifier: MIT */
/* json.c: see json.h.  One pass over the text, no recursion, strings
 * scanned by the block: 16 bytes (SSE2, or 8 portably), or 32 in the
 * form compiled for AVX2, which jparse takes when the CPU has it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

void *jalloc(struct jdoc *d, size_t n)
{
	return arena_alloc(&d->a, n);
}

char *jstrdup(struct jdoc *d, const char *s, size_t n)
{
	return arena_strdup(&d->a, s, n);
}

void jdoc_free(struct jdoc *d)
{
	arena_free(&d->a);
	free(d->n);
	memset(d, 0, sizeof *d);
}

static int fail(struct jdoc *d, const char *s, const char *p, const char *why)
{
	d->err = why;
	d->errpos = (size_t)(p - s);
	return -1;
}

/* The node array, twice as large (kept out of the parse loop). */
static __attribute__((noinline)) struct jnode *grow(struct jdoc *d)
{
	d->cap = d->cap ? d->cap * 2 : 256;
	return d->n = xrealloc(d->n, sizeof *d->n * d->cap);
}

static inline const char *skipws(const char *p, const char *e)
{
	if (p < e && (unsigned char)*p > ' ')
		return p;       /* compact JSON: no white space between tokens */
	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* --- the string scan, by the block ------------------------------------------
 * jscan_stop's answer for [p, e), where the document starts at lo <= p:
 * the last block of a document is read backwards from e, over bytes already
 * passed, instead of byte by byte -- the end of every line is near one;
 * a document shorter than a block goes to stop_short. */
static __attribute__((noinline, cold)) const char *stop_short(const char *p, const char *e)
{
	return jscan_stop(p, e);
}

#ifdef JSCAN_SSE2
/* bit i set when p[i] is a stop, for i in [0, 16) */
static inline __attribute__((always_inline)) unsigned mask16(const char *p)
{
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
		low = _mm_set1_epi8(0x20);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, low)));
}
#endif

static inline __attribute__((always_inline)) const char *stop16(const char *lo, const char *p,
	const char *e)
{
#ifdef JSCAN_SSE2
	unsigned bits;
	/* two blocks to a test of the length, the first alone */
	if (e - p >= 16) {
		if ((bits = mask16(p)))
			return p + __builtin_ctz(bits);
		p += 16;
		while (e - p >= 32) {
			if ((bits = mask16(p)))
				return p + __builtin_ctz(bits);
			if ((bits = mask16(p + 16)))
				return p + 16 + __builtin_ctz(bits);
			p += 32;
		}
		if (e - p >= 16) {
			if ((bits = mask16(p)))
				return p + __builtin_ctz(bits);
			p += 16;
		}
	}
	if (e - lo >= 16) {
		bits = mask16(e - 16) >> (16 - (e - p));   /* the bytes before p shifted out */
		return bits ? p + __builtin_ctz(bits) : e;
	}
#else
	(void)lo;
#endif
	return stop_short(p, e);
}

#if defined(JSCAN_SSE2) && (defined(__x86_64__) || defined(__i386__))
#define JP_AVX2 1
#include <immintrin.h>
/* The same, 32 bytes a step, for the AVX2 form of the parser.  Its
 * constants are in memory that the compiler cannot take for constant
 * (writable and seen by the linker): known constants were made again from
 * scratch at every string, three instructions each; these are one load. */
char jparse_k32[3][32] __attribute__((aligned(32), visibility("hidden"))) = {
	{[0 ... 31] = '"'}, {[0 ... 31] = '\\'}, {[0 ... 31] = 0x20},
};
static inline __attribute__((target("avx2"))) unsigned mask32(const char *p)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
	return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(
		_mm256_cmpeq_epi8(v, _mm256_load_si256((const __m256i *)(const void *)jparse_k32[0])),
		_mm256_cmpeq_epi8(v, _mm256_load_si256((const __m256i *)(const void *)jparse_k32[1]))),
		_mm256_cmpgt_epi8(_mm256_load_si256((const __m256i *)(const void *)jparse_k32[2]), v)));
}

static inline __attribute__((target("avx2"))) const char *stop32(const char *lo, const char *p,
	const char *e)
{
	if (e - p >= 32) {
		unsigned bits = mask32(p);
		if (bits)
			return p + __builtin_ctz(bits);
		p += 32;
		/* a long string: two blocks to a test of the length */
		while (e - p >= 64) {
			if ((bits = mask32(p)))
				return p + __builtin_ctz(bits);
			if ((bits = mask32(p + 32)))
				return p + 32 + __builtin_ctz(bits);
			p += 64;
		}
		if (e - p >= 32) {
			bits = mask32(p);
			if (bits)
				return p + __builtin_ctz(bits);
			p += 32;
		}
	}
	if (p < e && e - lo >= 32) {
		unsigned bits = mask32(e - 32) >> (32 - (e - p));   /* 1 to 31 */
		return bits ? p + __builtin_ctz(bits) : e;
	}
	return stop16(lo, p, e);
}
#endif

/* The rest of a string whose scan stopped at q < e or at e, short of
 * its closing quote: an escape, a byte >= 0x80 or a control byte, then
 * whatever follows.  The closing quote, with *flags set to what the
 * string holds; NULL when it has a bad escape or does not end.  Out of
 * the parse loop: most strings have no such stop. */
static inline __attribute__((always_inline)) const char *str_rest(const char *s, const char *q,
	const char *e, uint8_t *flags, int w)
{
	uint8_t fl = 0;
	for (;;) {
		if (q >= e)
			return NULL;
		unsigned char c = (unsigned char)*q;
		if (c == '\\') {
			fl |= JF_ESC;
			if (e - q < 2)
				return NULL;
			switch (q[1]) {
			case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
				q += 2;
				break;
			case 'u':
				if (e - q < 6 || jhexval(q[2]) < 0 || jhexval(q[3]) < 0 ||
				    jhexval(q[4]) < 0 || jhexval(q[5]) < 0)
					return NULL;
				if (q[2] == '0' && q[3] == '0' && q[4] == '0' && q[5] == '0')
					fl |= JF_NUL;
				q += 6;
				break;
			default:
				return NULL;
			}
		} else if (c >= 0x80) {
			fl |= JF_HIGH;
			size_t l = utf8_valid_len(q, (size_t)(e - q));
			if (!l) {
				fl |= JF_BAD;
				l = 1;
			}
			q += l;
		} else {
			if (!c)
				fl |= JF_NUL;
			q++;    /* a raw control character: tolerated, escaped on output */
		}
#ifdef JP_AVX2
		q = w == 32 ? stop32(s, q, e) : stop16(s, q, e);
#else
		q = stop16(s, q, e);
#endif
		if (q < e && *q == '"') {
			*flags = fl;
			return q;
		}
	}
}

static __attribute__((noinline)) const char *str_rest16(const char *s, const char *q,
	const char *e, uint8_t *flags)
{
	return str_rest(s, q, e, flags, 16);
}

#ifdef JP_AVX2
static __attribute__((noinline, flatten, target("avx2"))) const char *str_rest32(const char *s,
	const char *q, const char *e, uint8_t *flags)
{
	return str_rest(s, q, e, flags, 32);
}
#endif

/* The parser, one body for the two forms (w: the block width of the
 * string scan, 16 or 32).  Its state stays in locals: the node array,
 * its fill and the count of members so far of the innermost container
 * (those of the containers further out wait in their nodes' len).  Where
 * it is, in an object or an array, is where it is in the code: members
 * at obj_*, elements at arr_*, so no test asks which. */
static inline __attribute__((always_inline)) int parse(struct jdoc *d, const char *s, size_t len,
	int w, int maxdepth, size_t *used, bool check)
{
	const char *p = s, *e = s + len;
	/* the open containers: their nodes' indices; when checking, their
	 * types (no node is made) */
	uint32_t stack[JSON_MAXDEPTH];
	int depth = 0;
	struct jnode *n = d->n, *x, sink;
	uint32_t nn = 0, cap = d->cap, cnt = 0;
	d->nn = 0;
	d->badutf8 = 0;
	d->err = NULL;
	/* the first block stays from one parse to the next: most records
	 * need no more, and then no parse allocates */
	d->a.keep = 1;
	if (!check)
		arena_reset(&d->a);
	if (len >= UINT32_MAX)
		return fail(d, s, s, "document larger than 4 GiB");
	/* a checking parse writes its nodes to sink, and the compiler drops
	 * those stores */
#define NODE() do { \
		if (check) { \
			x = &sink; \
			break; \
		} \
		if (__builtin_expect(nn == cap, 0)) { \
			n = grow(d); \
			cap = d->cap; \
		} \
		x = &n[nn++]; \
	} while (0)
#define FAIL(at, why) do { \
		d->nn = check ? 0 : nn; \
		return fail(d, s, (at), (why)); \
	} while (0)
#ifdef JP_AVX2
#define STOP(q) (w == 32 ? stop32(s, (q), e) : stop16(s, (q), e))
#define REST(q, fl) (w == 32 ? str_rest32(s, (q), e, (fl)) : str_rest16(s, (q), e, (fl)))
#else
#define STOP(q) stop16(s, (q), e)
#define REST(q, fl) str_rest16(s, (q), e, (fl))
#endif
	/* p at the opening quote: a string node, p past the closing one */
#define STRING() do { \
		const char *q_ = STOP(p + 1); \
		uint8_t fl_ = 0; \
		if (__builtin_expect(!(q_ < e && *q_ == '"'), 0)) { \
			uint8_t f_;             /* fl_ stays in a register */ \
			if (!(q_ = REST(q_, &f_))) \
				FAIL(e, "unterminated string or bad escape"); \
			if (f_ & JF_BAD) \
				d->badutf8++; \
			fl_ = f_; \
		} \
		NODE(); \
		*x = (struct jnode){ .type = J_STR, .flags = fl_, .len = (uint32_t)(q_ - p - 1), \
			.end = nn, .raw = (uint32_t)(q_ - p + 1), .s = p + 1 }; \
		p = q_ + 1; \
	} while (0)
#define LEAF(t, l) do { \
		NODE(); \
		*x = (struct jnode){ .type = (t), .end = nn, .raw = (l), .s = p }; \
	} while (0)
	/* A value that is no container nor string at p < e, then goto next. */
#define SCALAR(next) do { \
		switch (*p) { \
		case 't': \
			if (e - p < 4 || memcmp(p, "true", 4)) \
				FAIL(p, "invalid literal"); \
			LEAF(J_TRUE, 4); \
			p += 4; \
			goto next; \
		case 'f': \
			if (e - p < 5 || memcmp(p, "false", 5)) \
				FAIL(p, "invalid literal"); \
			LEAF(J_FALSE, 5); \
			p += 5; \
			goto next; \
		case 'n': \
			if (e - p < 4 || memcmp(p, "null", 4)) \
				FAIL(p, "invalid literal"); \
			LEAF(J_NULL, 4); \
			p += 4; \
			goto next; \
		default: { \
			const char *q_ = jnum_end(p, e); \
			if (!q_) \
				FAIL(p, "unexpected character"); \
			LEAF(J_NUM, (uint32_t)(q_ - p)); \
			x->len = x->raw; \
			p = q_; \
			goto next; \
		} \
		} \
	} while (0)
	/* A value at p inside a container, then goto next. */
#define VALUE(next) do { \
		if (p >= e) \
			FAIL(p, "unexpected end of input"); \
		if (*p == '"') { \
			STRING(); \
			goto next; \
		} \
		if (*p == '{' || *p == '[') \
			goto open; \
		SCALAR(next); \
	} while (0)

	/* the top value */
	p = skipws(p, e);
	if (p >= e)
		FAIL(p, "empty input");
	if (*p == '{' || *p == '[')
		goto open;
	if (*p == '"') {
		STRING();
		goto done;
	}
	SCALAR(done);

open:
	/* p at the opening bracket of a container */
	if (depth == maxdepth)
		FAIL(p, "nested deeper than 512 levels");
	if (check) {
		stack[depth++] = *p == '{' ? J_OBJ : J_ARR;
	} else {
		if (depth)
			n[stack[depth - 1]].len = cnt;
		LEAF(*p == '{' ? J_OBJ : J_ARR, 0);
		stack[depth++] = nn - 1;
		cnt = 0;
	}
	if (*p++ == '[') {
		p = skipws(p, e);
		if (p < e && (*p == ']' || *p == '}'))
			goto close;
		goto arr_value;
	}
	p = skipws(p, e);
	if (p < e && (*p == '}' || *p == ']'))
		goto close;
obj_key:
	/* p at a member's key */
	if (p >= e || *p != '"')
		FAIL(p, "expected a string key");
	STRING();
	if (__builtin_expect(p + 1 < e && *p == ':' && (unsigned char)p[1] > ' ', 1)) {
		p++;    /* compact JSON */
	} else {
		p = skipws(p, e);
		if (p >= e || *p != ':')
			FAIL(p, "expected :");
		p = skipws(p + 1, e);
	}
	VALUE(obj_next);
obj_next:
	/* a member's value ended */
	cnt++;
	if (__builtin_expect(p + 1 < e && *p == ',' && p[1] == '"', 1)) {
		p++;    /* compact JSON */
		goto obj_key;
	}
	p = skipws(p, e);
	if (p >= e)
		FAIL(p, "unexpected end of input");
	if (*p == ',') {
		p = skipws(p + 1, e);
		goto obj_key;
	}
	if (*p == '}')
		goto close;
	FAIL(p, "expected , or }");
arr_value:
	/* p at an element */
	VALUE(arr_next);
arr_next:
	/* an element ended */
	cnt++;
	p = skipws(p, e);
	if (p >= e)
		FAIL(p, "unexpected end of input");
	if (*p == ',') {
		p = skipws(p + 1, e);
		goto arr_value;
	}
	if (*p == ']')
		goto close;
	FAIL(p, "expected , or ]");
close:
	/* p at the closing bracket of the innermost container */
	if (check) {
		if ((*p == '}') != (stack[depth - 1] == J_OBJ))
			FAIL(p, "mismatched bracket");
		p++;
		if (--depth) {
			if (stack[depth - 1] == J_OBJ)
				goto obj_next;
			goto arr_next;
		}
		goto done;
	}
	x = &n[stack[depth - 1]];
	if ((*p == '}') != (x->type == J_OBJ))
		FAIL(p, "mismatched bracket");
	x->len = cnt;
	x->end = nn;
	p++;
	x->raw = (uint32_t)(p - x->s);
	if (--depth) {
		x = &n[stack[depth - 1]];
		cnt = x->len;
		if (x->type == J_OBJ)
			goto obj_next;
		goto arr_next;
	}
done:
	/* the top value ended */
	p = skipws(p, e);
	if (used)
		*used = (size_t)(p - s);
	else if (p != e)
		FAIL(p, "text after the JSON value");
	d->nn = check ? 0 : nn;
	return 0;
#undef NODE
#undef FAIL
#undef STOP
#undef REST
#undef STRING
#undef LEAF
#undef SCALAR
#undef VALUE
}

static int parse16(struct jdoc *d, const char *s, size_t len)
{
	return parse(d, s, len, 16, JSON_MAXDEPTH, NULL, false);
}

static __attribute__((noinline)) int parse16v(struct jdoc *d, const char *s, size_t len,
	int maxdepth, size_t *used)
{
	return parse(d, s, len, 16, maxdepth, used, false);
}

static __attribute__((noinline)) int check16v(struct jdoc *d, const char *s, size_t len,
	int maxdepth, size_t *used)
{
	return parse(d, s, len, 16, maxdepth, used, true);
}

#ifdef JP_AVX2
/* The body compiled for AVX2.  stop32 cannot be always_inline (the body
 * that calls it is compiled for plain x86 too), so flatten inlines it,
 * and everything else the body calls but grow and str_rest32 (noinline). */
static __attribute__((flatten, target("avx2"))) int parse32(struct jdoc *d, const char *s, size_t len)
{
	return parse(d, s, len, 32, JSON_MAXDEPTH, NULL, false);
}

static __attribute__((noinline, flatten, target("avx2"))) int parse32v(struct jdoc *d, const char *s,
	size_t len, int maxdepth, size_t *used)
{
	return parse(d, s, len, 32, maxdepth, used, false);
}

static __attribute__((noinline, flatten, target("avx2"))) int check32v(struct jdoc *d, const char *s,
	size_t len, int maxdepth, size_t *used)
{
	return parse(d, s, len, 32, maxdepth, used, true);
}
#endif

int jparse_form(struct jdoc *d, const char *s, size_t len, int form)
{
#ifdef JP_AVX2
	if (form == JPARSE_AVX2 && __builtin_cpu_supports("avx2"))
		return parse32(d, s, len);
#endif
	(void)form;
	return parse16(d, s, len);
}

int jparse(struct jdoc *d, const char *s, size_t len)
{
#ifdef JP_AVX2
	/* a load and a bit test: libgcc filled __cpu_model at start-up */
	if (__builtin_cpu_supports("avx2"))
		return parse32(d, s, len);
#endif
	return parse16(d, s, len);
}

int jparse_value(struct jdoc *d, const char *s, size_t len, int depth, size_t *used)
{
	if (depth < 0 || depth > JSON_MAXDEPTH)
		depth = JSON_MAXDEPTH;   /* room for no container */
#ifdef JP_AVX2
	if (__builtin_cpu_supports("avx2"))
		return parse32v(d, s, len, JSON_MAXDEPTH - depth, used);
#endif
	return parse16v(d, s, len, JSON_MAXDEPTH - depth, used);
}

int jcheck_value(struct jdoc *d, const char *s, size_t len, int depth, size_t *used)
{
	if (depth < 0 || depth > JSON_MAXDEPTH)
		depth = JSON_MAXDEPTH;
#ifdef JP_AVX2
	if (__builtin_cpu_supports("avx2"))
		return check32v(d, s, len, JSON_MAXDEPTH - depth, used);
#endif
	return check16v(d, s, len, JSON_MAXDEPTH - depth, used);
}

bool jeq_esc(const struct jnode *n, const char *lit, size_t l)
{
	struct sbuf b = {0};
	jstr(n, &b);
	bool eq = b.len == l && !memcmp(b.p, lit, l);
	sb_free(&b);
	return eq;
}

bool (jeq)(const struct jnode *n, const char *lit)
{
	return jeq_n(n, lit, strlen(lit));
}

/* a[0..n) == b[0..n), short keys without a call */
static inline bool key_eq(const char *a, const char *b, size_t n)
{
	if (n >= 4)
		return mem_eq_n(a, b, n);
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

const struct jnode *jget_n(const struct jdoc *d, const struct jnode *obj, const char *key, size_t kl)
{
	if (!obj || obj->type != J_OBJ || !obj->len)
		return NULL;
	/* key to key: the value after a key ends where the next key is */
	const struct jnode *found = NULL, *n = d->n, *k = obj + 1, *end = n + obj->end;
	do {
		if (__builtin_expect(k->flags & JF_ESC, 0)) {
			if (jeq_esc(k, key, kl))
				found = k + 1;
		} else if (k->len == kl && (!kl || k->s[0] == key[0]) && key_eq(k->s, key, kl)) {
			found = k + 1;
		}
		k = n + k[1].end;
	} while (k < end);
	return found;
}

const struct jnode *(jget)(const struct jdoc *d, const struct jnode *obj, const char *key)
{
	return jget_n(d, obj, key, strlen(key));
}

const struct jnode *jgetv(const struct jdoc *d, const struct jnode *v, ...)
{
	va_list ap;
	va_start(ap, v);
	const char *k;
	while (v && (k = va_arg(ap, const char *)))
		v = jget(d, v, k);
	va_end(ap);
	return v;
}

static void put_utf8(struct sbuf *b, uint32_t cp)
{
	char t[4];
	if (cp < 0x80) {
		sb_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		t[0] = (char)(0xC0 | cp >> 6);
		t[1] = (char)(0x80 | (cp & 0x3F));
		sb_add(b, t, 2);
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | cp >> 12);
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		sb_add(b, t, 3);
	} else {
		t[0] = (char)(0xF0 | cp >> 18);
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F));
		sb_add(b, t, 4);
	}
}

/* U+0000 (\u0000, or a raw NUL byte) is read as U+FFFD: every reader
 * treats strings as NUL-terminated sooner or later, and a name cut at a
 * NUL ("Read\u0000x" read as "Read") is another name, or, where lists are
 * kept NUL-separated, two. */
bool jstr(const struct jnode *n, struct sbuf *b)
{
	if (!n || n->type != J_STR)
		return false;
	if (!(n->flags & (JF_ESC | JF_BAD | JF_NUL))) {
		sb_add(b, n->s, n->len);
		return true;
	}
	const char *p = n->s, *e = p + n->len;
	sb_grow(b, n->len);
	while (p < e) {
		/* to a backslash, a byte from 0x80 or a NUL, by the block */
		const char *q = p;
		while ((q = jscan_stop(q, e)) < e && *q != '\\' && (unsigned char)*q < 0x80 && *q)
			q++;
		sb_add(b, p, (size_t)(q - p));
		p = q;
		if (p >= e)
			break;
		if (!*p) {
			sb_add(b, "\xEF\xBF\xBD", 3);
			p++;
			continue;
		}
		if ((unsigned char)*p >= 0x80) {
			size_t l = utf8_valid_len(p, (size_t)(e - p));
			if (l) {
				sb_add(b, p, l);
				p += l;
			} else {
				sb_add(b, "\xEF\xBF\xBD", 3);
				p++;
			}
			continue;
		}
		p++;  /* backslash */
		char c = *p++;
		switch (c) {
		case 'b': sb_addc(b, '\b'); break;
		case 'f': sb_addc(b, '\f'); break;
		case 'n': sb_addc(b, '\n'); break;
		case 'r': sb_addc(b, '\r'); break;
		case 't': sb_addc(b, '\t'); break;
		case 'u': {
			uint32_t cp = jhex4(p);
			p += 4;
			if (cp >= 0xD800 && cp < 0xDC00) {
				if (e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
					uint32_t lo = jhex4(p + 2);
					if (lo >= 0xDC00 && lo < 0xE000) {
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						p += 6;
					} else {
						cp = 0xFFFD;
					}
				} else {
					cp = 0xFFFD;
				}
			} else if ((cp >= 0xDC00 && cp < 0xE000) || cp == 0) {
				cp = 0xFFFD;
			}
			put_utf8(b, cp);
			break;
		}
		default: sb_addc(b, c); break;
		}
	}
	return true;
}

const char *jsn(struct jdoc *d, const struct jnode *n, size_t *len)
{
	if (!n || n->type != J_STR)
		return NULL;
	if (!(n->flags & (JF_ESC | JF_BAD | JF_NUL))) {
		if (len)
			*len = n->len;
		return jstrdup(d, n->s, n->len);
	}
	struct sbuf b = {0};
	jstr(n, &b);
	char *p = jstrdup(d, b.p ? b.p : "", b.len);
	if (len)
		*len = b.len;
	sb_free(&b);
	return p;
}

/* A number n[0..len) with an exponent (the parser checked its grammar)
 * whose value is an integer of at most 2^53 in magnitude, as
 * "1.76723e+12" or "25e-1" (no: 2.5): true with *v that integer, which is
 * what (int64_t)strtod gives it, as a double holds it exactly; false for
 * any other, left to strtod. */
static bool exp_int(const char *p, size_t len, int64_t *v)
{
	const char *e = p + len;
	const uint64_t max = UINT64_C(1) << 53;
	bool neg = *p == '-';
	p += neg;
	uint64_t m = 0;
	int sig = 0, frac = 0, x = 0;
	for (bool dot = false; p < e && ((*p >= '0' && *p <= '9') || (*p == '.' && !dot)); p++) {
		if (*p == '.') {
			dot = true;
			continue;
		}
		if ((m || *p != '0') && ++sig > 18)
			return false;
		m = m * 10 + (uint64_t)(*p - '0');
		frac += dot;
	}
	if (p >= e || (*p != 'e' && *p != 'E'))
		return false;
	bool eneg = ++p < e && *p == '-';
	if (p < e && (*p == '-' || *p == '+'))
		p++;
	for (; p < e && *p >= '0' && *p <= '9'; p++)
		if ((x = x * 10 + (*p - '0')) > 400)
			return false;
	if (p != e)
		return false;
	/* m * 10^k by one multiply or divide: m * 10^k <= 2^53 needs k < 16
	 * (m is not 0), and a division that leaves no remainder m < 10^18
	 * digits, k > -19 */
	static const uint64_t p10[19] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
		100000000, 1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
		100000000000000, 1000000000000000, 10000000000000000, 100000000000000000,
		1000000000000000000};
	int k = (eneg ? -x : x) - frac;
	if (m && k > 0) {
		if (k > 15 || m > max / p10[k])
			return false;
		m *= p10[k];
	} else if (m && k < 0) {
		if (k < -18 || m % p10[-k])
			return false;
		m /= p10[-k];
	}
	if (m > max)
		return false;
	*v = neg ? -(int64_t)m : (int64_t)m;
	return true;
}

/* A number's value through double, saturated to the int64 range. */
static int64_t dbl_int(const struct jnode *n)
{
	double x = jnum(n, 0);
	if (x >= 9.2e18)
		return INT64_MAX;
	if (x <= -9.2e18)
		return INT64_MIN;
	return (int64_t)x;
}

int64_t jint(const struct jnode *n, int64_t dflt)
{
	if (!n || (n->type != J_NUM && n->type != J_STR) || !n->len)
		return dflt;
	const char *p = n->s, *e = p + n->len;
	if (n->type == J_NUM && n->len <= 18 && *p != '-') {
		/* a count: digits that cannot overflow, to the end or to a
		 * fraction or exponent (the parser checked the grammar) */
		int64_t v = 0;
		for (; p < e && *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (*p - '0');
		if (p == e)
			return v;
		/* a fraction, truncated; an exponent (awk's times,
		 * "1.76723e+12"), read at once rather than over again below */
		const char *x = p;
		while (x < e && *x != 'e' && *x != 'E')
			x++;
		if (x == e)
			return v;
		int64_t iv;
		return exp_int(n->s, n->len, &iv) ? iv : dbl_int(n);
	}
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
	if (p < e) {
		if (*p != '.' && *p != 'e' && *p != 'E')
			return dflt;
		/* 1e3 and friends (the text before p is digits): go through
		 * double */
		if (memchr(p, 'e', (size_t)(e - p)) || memchr(p, 'E', (size_t)(e - p))) {
			/* an integer written so ("1.76723e+12": awk's times)
			 * without strtod, which cost 600 instructions; jnum reads
			 * no number longer than 64 bytes */
			int64_t iv;
			if (n->type == J_NUM && n->len <= 64 && exp_int(n->s, n->len, &iv))
				return iv;
			return dbl_int(n);
		}
	}
	if (sat || v > (uint64_t)INT64_MAX)
		return neg ? INT64_MIN : INT64_MAX;
	return neg ? -(int64_t)v : (int64_t)v;
}

double jnum(const struct jnode *n, double dflt)
{
	if (!n || (n->type != J_NUM && n->type != J_STR) || !n->len || n->len > 64)
		return dflt;
	char tmp[65], *end;
	memcpy(tmp, n->s, n->len);
	tmp[n->len] = 0;
	double v = strtod(tmp, &end);
	return *end ? dflt : v;
}

size_t jraw(const struct jdoc *d, const struct jnode *n, const char **p)
{
	(void)d;
	*p = n->type == J_STR ? n->s - 1 : n->s;
	return n->raw;
}
