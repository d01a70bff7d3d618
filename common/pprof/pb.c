/* SPDX-License-Identifier: MIT */
/* pb.c: protocol buffer encoding (see pb.h). */
#include <string.h>
#include "pb.h"

static size_t varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void put_varint(char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (char)(v | 0x80);
		v >>= 7;
	}
	*p = (char)v;
}

void pb_varint_slow(struct sbuf *b, uint64_t v)
{
	/* at most ten bytes; grow once, then write in place */
	if (b->len + 11 > b->cap)
		sb_grow(b, 10);
	size_t n = varint_len(v);
	put_varint(b->p + b->len, v);
	b->len += n;
	b->p[b->len] = 0;
}

void pb_tag(struct sbuf *b, unsigned field, unsigned wire)
{
	pb_varint(b, (uint64_t)field << 3 | wire);
}

void pb_uint(struct sbuf *b, unsigned field, uint64_t v)
{
	pb_tag(b, field, PB_VARINT);
	pb_varint(b, v);
}

void pb_bytes(struct sbuf *b, unsigned field, const void *p, size_t n)
{
	pb_tag(b, field, PB_LEN);
	pb_varint(b, n);
	sb_add(b, p, n);
}

size_t pb_open(struct sbuf *b, unsigned field)
{
	pb_tag(b, field, PB_LEN);
	size_t mark = b->len;
	sb_addc(b, 0);
	return mark;
}

void pb_close(struct sbuf *b, size_t mark)
{
	size_t body = b->len - mark - 1, k = varint_len(body);
	if (k > 1) {
		sb_grow(b, k - 1);
		memmove(b->p + mark + k, b->p + mark + 1, body);
		b->len += k - 1;
		b->p[b->len] = 0;
	}
	put_varint(b->p + mark, body);
}
