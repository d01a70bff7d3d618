/* SPDX-License-Identifier: MIT */
/* folded2pprof.c: folded2pprof's reader (cmd/folded2pprof.c, compiled
 * into this target with its main renamed), the profile builder it feeds
 * (common/pprof/profile.c: string and location tables) and the protocol
 * buffer encoder (pb.c).  The profile written (to a memory file) is
 * inflated again and every protocol buffer field walked, so a length that
 * does not match its body, or a sample whose value count is not the
 * number of sample types, is caught.  The first byte picks the
 * sample types (one to three), --leaf kinds and the gzip level; a first
 * line "#C..." is a --comment; the rest is folded stacks. */
#define main folded2pprof_main
#include "../cmd/folded2pprof.c"
#undef main
#include <zlib.h>
#include "fuzz.h"

static uint64_t varint(const uint8_t **p, const uint8_t *e)
{
	uint64_t v = 0;
	for (int sh = 0; sh < 64; sh += 7) {
		if (*p >= e)
			abort();
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << sh;
		if (!(b & 0x80))
			return v;
	}
	abort();
}

/* Walk a message: every field a varint or a length within its parent.
 * Returns the number of varints in a packed field when packed is set. */
static size_t walk(const uint8_t *p, const uint8_t *e, bool packed)
{
	size_t n = 0;
	if (packed) {
		while (p < e)
			(void)varint(&p, e), n++;
		return n;
	}
	while (p < e) {
		uint64_t tag = varint(&p, e);
		if (!(tag >> 3))
			abort();
		if ((tag & 7) == 0)
			(void)varint(&p, e);
		else if ((tag & 7) == 2) {
			uint64_t len = varint(&p, e);
			if (len > (uint64_t)(e - p))
				abort();
			p += len;
		} else
			abort();
	}
	return 0;
}

static void check(int fd, int ntypes)
{
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0)
		abort();
	uint8_t *gz = xmalloc((size_t)size);
	if (pread(fd, gz, (size_t)size, 0) != size)
		abort();
	struct sbuf pb = {0};
	z_stream z = {0};
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		abort();
	z.next_in = gz;
	z.avail_in = (uInt)size;
	int rc;
	do {
		sb_grow(&pb, 1 << 16);
		z.next_out = (Bytef *)pb.p + pb.len;
		z.avail_out = 1 << 16;
		rc = inflate(&z, Z_NO_FLUSH);
		pb.len += (1 << 16) - z.avail_out;
	} while (rc == Z_OK);
	if (rc != Z_STREAM_END || z.avail_in)
		abort();
	inflateEnd(&z);
	const uint8_t *p = (const uint8_t *)pb.p, *e = p + pb.len;
	walk(p, e, false);
	/* the samples (field 2): packed location ids (1), packed values (2) */
	while (p < e) {
		uint64_t tag = varint(&p, e);
		if ((tag & 7) == 0) {
			(void)varint(&p, e);
			continue;
		}
		uint64_t len = varint(&p, e);
		const uint8_t *q = p, *qe = p + len;
		p += len;
		if (tag >> 3 != 2)
			continue;
		size_t nloc = 0, nval = 0;
		while (q < qe) {
			uint64_t t = varint(&q, qe);
			if ((t & 7) != 2)
				abort();
			uint64_t l = varint(&q, qe);
			if (l > (uint64_t)(qe - q))
				abort();
			if (t >> 3 == 1)
				nloc += walk(q, q + l, true);
			else if (t >> 3 == 2)
				nval += walk(q, q + l, true);
			q += l;
		}
		if (!nloc || nval != (size_t)ntypes)
			abort();
	}
	sb_free(&pb);
	free(gz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const char *const typesv[] = {"events/count", "calls/count,tokens/count",
		"a/b,c/d,e/f", "tokens/count"};
	static const char *const leafv[] = {"prompt", "tool", "model"};
	fuzz_quiet();
	int first = fuzz_selector(&data, &n);
	if (first < 0)
		return 0;
	unsigned sel = (unsigned)first;
	char *comment = NULL;
	if (n >= 2 && data[0] == '#' && data[1] == 'C') {
		const uint8_t *nl = memchr(data, '\n', n);
		size_t l = nl ? (size_t)(nl - data) : n;
		comment = fuzz_str(data + 2, l - 2);
		data += l, n -= l;
	}
	struct prof p = {0};
	p.nleaf = (int)(sel >> 2 & 3);
	for (int i = 0; i < p.nleaf; i++)
		p.leaf[i] = leafv[i];
	if (sel & 64) {         /* frames kind:... and status:... as labels */
		p.label[p.nlabel++] = "kind";
		p.label[p.nlabel++] = "status";
	}
	char *types = xstrdup(typesv[sel & 3]);
	if (!prof_init(&p, types))
		abort();
	if (comment)
		prof_comment(&p, comment);
	p.time_ns = sel & 16 ? 1700000000000000000 : 0;
	struct columns col = {0};
	int in = fuzz_fd(data, n);
	char path[32];
	snprintf(path, sizeof path, "/proc/self/fd/%d", in);
	struct header h = {0};
	read_input(&p, path, &col, &h, types);
	free(h.unit);
	free(h.view);
	free(h.note);
	free(h.labels);
	close(in);
	int fd = memfd_create("pprof", 0);
	if (fd < 0)
		abort();
	prof_write(&p, fd, sel & 32 ? 1 : 0);
	check(fd, p.ntypes);
	close(fd);
	prof_free(&p);
	free(types);
	free(comment);
	return 0;
}
