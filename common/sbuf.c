/* SPDX-License-Identifier: MIT */
/* sbuf.c: growable strings, JSON string output, buffered stdout. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <sys/uio.h>
#include "json.h"
#include "util.h"

void sb_grow(struct sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

/* sb_add, inlined in this file's writers (sb_json_body writes a piece
 * between two escapes with it) */
static inline __attribute__((always_inline)) void add(struct sbuf *b, const void *s, size_t n)
{
	if (!n && b->p) {
		b->p[b->len] = 0;   /* after sb_grow the buffer may not be terminated */
		return;
	}
	if (b->len + n + 1 > b->cap)
		sb_grow(b, n);
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void sb_add(struct sbuf *b, const void *s, size_t n)
{
	add(b, s, n);
}

void sb_adds(struct sbuf *b, const char *s)
{
	add(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	sb_grow(b, 128);   /* most fit: format once */
	va_start(ap, fmt);
	int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (!b->p || b->len + (size_t)n + 1 > b->cap) {
		sb_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void sb_addi(struct sbuf *b, int64_t v)
{
	/* two digits a division */
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	while (u >= 100) {
		unsigned r = (unsigned)(u % 100);
		u /= 100;
		q -= 2;
		q[0] = pairs[2 * r];
		q[1] = pairs[2 * r + 1];
	}
	if (u >= 10) {
		q -= 2;
		q[0] = pairs[2 * u];
		q[1] = pairs[2 * u + 1];
	} else {
		*--q = (char)('0' + u);
	}
	if (v < 0)
		*--q = '-';
	add(b, q, (size_t)(e - q));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0) {
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	}
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;
		if (c == 0xED && s[1] >= 0xA0)
			return 0;
		return 3;
	}
	if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
		return 0;
	if (c == 0xF0 && s[1] < 0x90)
		return 0;
	if (c == 0xF4 && s[1] >= 0x90)
		return 0;
	return 4;
}

size_t utf8_valid_len(const char *s, size_t n)
{
	return utf8_len((const unsigned char *)s, n);
}

void sb_json_str(struct sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n + 2);
	b->p[b->len++] = '"';
	sb_json_body(b, s, n);
	sb_addc(b, '"');
}

/* The output is written through a pointer, with room kept for the rest
 * of the input and 16 bytes more: with SSE2, sixteen bytes are stored a
 * step before they are tested, and the pointer moves past those before
 * the first byte to escape (texts break at each newline: a call of
 * memcpy and of the scan for each line cost more than the line). */
void sb_json_body(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	sb_grow(b, n + 16);
	char *o = b->p + b->len;
	for (;;) {
#ifdef JSCAN_SSE2
		const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
			low = _mm_set1_epi8(0x20);
		while (e - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			_mm_storeu_si128((__m128i *)(void *)o, v);
			unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
				_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, low)));
			if (bits) {
				unsigned k = (unsigned)__builtin_ctz(bits);
				p += k;
				o += k;
				goto stop;
			}
			p += 16;
			o += 16;
		}
#endif
		{
			const unsigned char *q = (const unsigned char *)jscan_stop((const char *)p,
				(const char *)e);
			memcpy(o, p, (size_t)(q - p));
			o += q - p;
			p = q;
			if (p == e)
				break;
		}
#ifdef JSCAN_SSE2
stop:
#endif
		{
			/* room for this byte's escape (6 bytes at most), the rest
			 * and the 16 of a step */
			size_t at = (size_t)(o - b->p), rest = (size_t)(e - p);
			if (b->cap - at < rest + 6 + 16 + 1) {
				b->len = at;
				sb_grow(b, rest + 6 + 16);
				o = b->p + at;
			}
		}
		unsigned c = *p;
		if (c >= 0x80) {
			size_t l = utf8_len(p, (size_t)(e - p));
			if (l) {
				memcpy(o, p, l);
				o += l;
				p += l;
			} else {
				memcpy(o, "\xEF\xBF\xBD", 3);
				o += 3;
				p++;
			}
			continue;
		}
		o[0] = '\\';
		switch (c) {
		case '"': o[1] = '"'; o += 2; break;
		case '\\': o[1] = '\\'; o += 2; break;
		case '\n': o[1] = 'n'; o += 2; break;
		case '\t': o[1] = 't'; o += 2; break;
		case '\r': o[1] = 'r'; o += 2; break;
		default:
			memcpy(o + 1, "u00", 3);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
		}
		p++;
	}
	b->len = (size_t)(o - b->p);
	*o = 0;
}

void sb_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void write_all(int fd, const void *p, size_t n)
{
	struct iovec v = {(void *)p, n};
	if (n)
		writev_all(fd, &v, 1);
}

void writev_all(int fd, struct iovec *v, int n)
{
	while (n) {
		ssize_t w = writev(fd, v, n < IOV_MAX ? n : IOV_MAX);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				_exit(0);
			die(2, "write error: %s", strerror(errno));
		}
		/* a short write (a signal): go on after what went out */
		while (n && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
}

_Thread_local struct sbuf stdout_sb;

void out_maybe_flush(void)
{
	if (stdout_sb.len >= 1 << 18 && !diag_capture)
		out_flush();
}

void out_flush(void)
{
	if (stdout_sb.len && !diag_capture) {
		signal(SIGPIPE, SIG_IGN);
		write_all(1, stdout_sb.p, stdout_sb.len);
		sb_reset(&stdout_sb);
	}
}
