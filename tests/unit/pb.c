/* SPDX-License-Identifier: MIT */
/* Unit tests of common/pb.c: the bytes protobuf wants, checked against
 * encodings worked out by hand from the protobuf wire format. */
#include <stdlib.h>
#include "pprof/pb.h"
#include "tap.h"
#include "util.h"

static struct sbuf b;

/* b's bytes as hex, for readable comparisons */
static const char *hex(void)
{
	static char s[4096];
	size_t n = 0;
	for (size_t i = 0; i < b.len && n + 3 < sizeof s; i++)
		n += (size_t)snprintf(s + n, sizeof s - n, "%02x", (unsigned char)b.p[i]);
	s[n] = 0;
	return s;
}

static void test_varint(void)
{
	static const struct { uint64_t v; const char *want; } t[] = {
		{0, "00"}, {1, "01"}, {127, "7f"}, {128, "8001"}, {300, "ac02"},
		{16383, "ff7f"}, {16384, "808001"},
		{UINT64_MAX, "ffffffffffffffffff01"},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		sb_reset(&b);
		pb_varint(&b, t[i].v);
		is_str(hex(), t[i].want, "varint %llu", (unsigned long long)t[i].v);
	}
	sb_reset(&b);
	pb_int(&b, 2, -1);
	is_str(hex(), "10ffffffffffffffffff01", "negative int64: ten bytes of two's complement");
}

static void test_fields(void)
{
	sb_reset(&b);
	pb_uint(&b, 1, 150);
	is_str(hex(), "089601", "field 1 = 150");
	sb_reset(&b);
	pb_uint_opt(&b, 3, 0);
	is_int(b.len, 0, "an optional zero is left out");
	pb_bytes(&b, 6, "", 0);
	is_str(hex(), "3200", "empty string: tag and zero length");
	sb_reset(&b);
	pb_bytes(&b, 2, "testing", 7);
	is_str(hex(), "120774657374696e67", "string field");
	sb_reset(&b);
	pb_uint(&b, 16, 1);
	is_str(hex(), "800101", "field 16 takes a two-byte tag");
}

static void test_nested(void)
{
	sb_reset(&b);
	size_t m = pb_open(&b, 3);
	pb_uint(&b, 1, 150);
	pb_close(&b, m);
	is_str(hex(), "1a03089601", "short message: length in the reserved byte");

	/* a packed field of 200 one-byte varints needs a two-byte length, so
	 * the body moves; the enclosing message then needs two bytes too */
	sb_reset(&b);
	sb_add(&b, "\x55", 1);
	size_t outer = pb_open(&b, 2), inner = pb_open(&b, 1);
	for (int i = 0; i < 200; i++)
		pb_varint(&b, (uint64_t)(i % 100));
	pb_close(&b, inner);
	pb_uint(&b, 2, 7);
	pb_close(&b, outer);
	is_int(b.len, 1 + 1 + 2 + 1 + 2 + 200 + 2, "sizes after two moves");
	ok((unsigned char)b.p[0] == 0x55, "bytes before the message untouched");
	ok((unsigned char)b.p[1] == 0x12 && (unsigned char)b.p[2] == 0xcd && b.p[3] == 0x01,
		"outer: field 2, length 205");
	ok(b.p[4] == 0x0a && (unsigned char)b.p[5] == 0xc8 && b.p[6] == 0x01,
		"inner: field 1, length 200");
	int same = 1;
	for (int i = 0; i < 200; i++)
		same &= b.p[7 + i] == (char)(i % 100);
	ok(same, "inner body intact after the move");
	ok(b.p[207] == 0x10 && b.p[208] == 0x07, "the field after the inner one intact");

	sb_reset(&b);
	m = pb_open(&b, 4);
	pb_close(&b, m);
	is_str(hex(), "2200", "empty message");
}

int main(void)
{
	test_varint();
	test_fields();
	test_nested();
	sb_free(&b);
	return tap_done();
}
