/* SPDX-License-Identifier: MIT */
/* json.c: see json.h.  One pass over the text, no recursion, strings
 * scanned eight bytes at a time. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"




static inline __attribute__((always_inline)) uint32_t push(struct jdoc *d, uint8_t type,
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

static inline const char *skipws(const char *p, const char *e)
{
	if (p < e && (unsigned char)*p > ' ')
		return p;       /* compact JSON: no white space between tokens */
	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* p at the opening quote; returns the position after the closing one. */
static inline __attribute__((always_inline)) const char *scan_string(struct jdoc *d,
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
	uint32_t i = push(d, J_STR, p);
	d->n[i].flags = flags;
	d->n[i].len = (uint32_t)(q - p);
	d->n[i].raw = (uint32_t)(q - p) + 2;
	*ix = i;
	return q + 1;
}

int jparse(struct jdoc *d, const char *s, size_t len)
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
		return fail(d, s, s, "document larger than 4 GiB");
	p = skipws(p, e);
	for (;;) {
		/* A value at p. */
		uint32_t ix;
		if (p >= e)
			return fail(d, s, p, depth ? "unexpected end of input" : "empty input");
		switch (*p) {
		case '{':
		case '[':
			if (depth == JSON_MAXDEPTH)
				return fail(d, s, p, "nested deeper than 512 levels");
			ix = push(d, *p == '{' ? J_OBJ : J_ARR, p);
			stack[depth++] = ix;
			p = skipws(p + 1, e);
			if (p < e && (*p == '}' || *p == ']'))
				goto close;
			if (d->n[ix].type == J_OBJ)
				goto key;
			continue;
		case '"':
			p = scan_string(d, p, e, &ix);
			if (!p)
				return fail(d, s, e, "unterminated string or bad escape");
			break;
		case 't':
			if (e - p < 4 || memcmp(p, "true", 4))
				return fail(d, s, p, "invalid literal");
			ix = push(d, J_TRUE, p);
			d->n[ix].raw = 4;
			p += 4;
			break;
		case 'f':
			if (e - p < 5 || memcmp(p, "false", 5))
				return fail(d, s, p, "invalid literal");
			ix = push(d, J_FALSE, p);
			d->n[ix].raw = 5;
			p += 5;
			break;
		case 'n':
			if (e - p < 4 || memcmp(p, "null", 4))
				return fail(d, s, p, "invalid literal");
			ix = push(d, J_NULL, p);
			d->n[ix].raw = 4;
			p += 4;
			break;
		default: {
			const char *q = jnum_end(p, e);
			if (!q)
				return fail(d, s, p, "unexpected character");
			ix = push(d, J_NUM, p);
			d->n[ix].len = d->n[ix].raw = (uint32_t)(q - p);
			p = q;
		}
		}
	after:
		/* A value ended; what comes next depends on the container. */
		if (!depth) {
			p = skipws(p, e);
			if (p != e)
				return fail(d, s, p, "text after the JSON value");
			return 0;
		}
		{
			struct jnode *c = &d->n[stack[depth - 1]];
			c->len++;
			p = skipws(p, e);
			if (p >= e)
				return fail(d, s, p, "unexpected end of input");
			if (*p == ',') {
				p = skipws(p + 1, e);
				if (c->type == J_OBJ)
					goto key;
				continue;
			}
			if ((*p == '}' && c->type == J_OBJ) || (*p == ']' && c->type == J_ARR))
				goto close;
			return fail(d, s, p, c->type == J_OBJ ? "expected , or }" : "expected , or ]");
		}
	close: {
		struct jnode *c = &d->n[stack[--depth]];
		if ((*p == '}') != (c->type == J_OBJ))
			return fail(d, s, p, "mismatched bracket");
		c->end = d->nn;
		p++;
		c->raw = (uint32_t)(p - c->s);
		goto after;
	}
	key:
		if (p >= e || *p != '"')
			return fail(d, s, p, "expected a string key");
		p = scan_string(d, p, e, &ix);
		if (!p)
			return fail(d, s, e, "unterminated string or bad escape");
		p = skipws(p, e);
		if (p >= e || *p != ':')
			return fail(d, s, p, "expected :");
		p = skipws(p + 1, e);
	}
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

const struct jnode *jget_n(const struct jdoc *d, const struct jnode *obj, const char *key, size_t kl)
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

int64_t jint(const struct jnode *n, int64_t dflt)
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
