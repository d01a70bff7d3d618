/* SPDX-License-Identifier: MIT */
/* pb.h: a minimal protocol buffer writer into a struct sbuf: varints,
 * length-delimited fields and nested messages whose size is not known in
 * advance.  Enough for profile.proto; no reader, no reflection. */
#ifndef AP_PB_H
#define AP_PB_H
#include <stddef.h>
#include <stdint.h>
#include "util.h"

enum { PB_VARINT = 0, PB_LEN = 2 };

void pb_varint_slow(struct sbuf *b, uint64_t v);
static inline void pb_varint(struct sbuf *b, uint64_t v)
{
	/* one byte with room for it: most location ids and small counts */
	if (v < 0x80 && b->len + 2 <= b->cap) {
		b->p[b->len++] = (char)v;
		b->p[b->len] = 0;
		return;
	}
	pb_varint_slow(b, v);
}
void pb_tag(struct sbuf *b, unsigned field, unsigned wire);
/* A varint field; int64 values are written as their two's complement,
 * as protobuf does for int64 (negatives take ten bytes). */
void pb_uint(struct sbuf *b, unsigned field, uint64_t v);
static inline void pb_int(struct sbuf *b, unsigned field, int64_t v)
{
	pb_uint(b, field, (uint64_t)v);
}
/* The same, left out when zero (the proto3 default). */
static inline void pb_uint_opt(struct sbuf *b, unsigned field, uint64_t v)
{
	if (v)
		pb_uint(b, field, v);
}
void pb_bytes(struct sbuf *b, unsigned field, const void *p, size_t n);

/* A nested message or packed repeated field: pb_open writes the tag and
 * returns a mark; write the body; pb_close(b, mark) fills in the length.
 * One byte is reserved for the length, so short bodies are never moved.
 * Opens nest; close them innermost first. */
size_t pb_open(struct sbuf *b, unsigned field);
void pb_close(struct sbuf *b, size_t mark);
#endif
