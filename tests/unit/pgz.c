/* SPDX-License-Identifier: MIT */
/* Unit tests of common/pprof/pgz.c: gzip made of chunks deflated apart
 * inflates to the bytes given, as one gzip member, and the compressed
 * bytes are the same on one CPU (the caller deflates) as on several
 * (worker threads). */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include "pprof/pgz.h"
#include "tap.h"
#include "util.h"

/* The test data: text that repeats at distances near and past 32 KiB,
 * so chunks primed with the bytes before them have matches there. */
static char *data;
static size_t ndata;

static void make_data(size_t n)
{
	data = xmalloc(n);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		data[i] = (x >> 16) % 7 ? "frame;stack;path:src/dir/file.c "[(i / 3) % 32]
			: (char)('a' + (x >> 20) % 26);
	}
	ndata = n;
}

/* Compress data[0..n) in chunks of the sizes in sz (repeated, the last
 * chunk whatever is left), return the gzip bytes (in a memory file). */
static unsigned char *run(size_t n, const size_t *sz, size_t nsz, int level, size_t *outlen)
{
	int fd = memfd_create("pgz", 0);
	struct pgz *g = pgz_open(fd, level);
	struct sbuf b = {0};
	size_t off = 0;
	for (size_t i = 0; off < n; i++) {
		size_t k = sz[i % nsz];
		if (k > n - off)
			k = n - off;
		sb_add(&b, data + off, k);
		off += k;
		if (off < n)
			pgz_put(g, &b);
	}
	pgz_close(g, &b);
	sb_free(&b);
	off_t len = lseek(fd, 0, SEEK_END);
	unsigned char *p = xmalloc((size_t)len + 1);
	if (pread(fd, p, (size_t)len, 0) != len)
		abort();
	close(fd);
	*outlen = (size_t)len;
	return p;
}

/* Inflate one gzip member: true when it is all of gz and gives data[0..n). */
static bool one_member(const unsigned char *gz, size_t len, size_t n)
{
	z_stream z = {0};
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return false;
	unsigned char *out = xmalloc(n + 1);
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)n + 1;
	int rc = inflate(&z, Z_FINISH);
	bool good = rc == Z_STREAM_END && z.avail_in == 0 && z.total_out == n &&
		!memcmp(out, data, n);
	inflateEnd(&z);
	free(out);
	return good;
}

static void check(const char *what, size_t n, const size_t *sz, size_t nsz, int level)
{
	size_t len, len1;
	unsigned char *gz = run(n, sz, nsz, level, &len);
	ok(one_member(gz, len, n), "%s, level %d: one gzip member with the bytes given", what, level);
	/* the same on one CPU: no worker threads */
	cpu_set_t all, one;
	sched_getaffinity(0, sizeof all, &all);
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &all)) {
			CPU_SET(c, &one);
			break;
		}
	sched_setaffinity(0, sizeof one, &one);
	unsigned char *gz1 = run(n, sz, nsz, level, &len1);
	sched_setaffinity(0, sizeof all, &all);
	ok(len1 == len && !memcmp(gz, gz1, len), "%s, level %d: the same bytes on one CPU", what, level);
	free(gz);
	free(gz1);
}

int main(void)
{
	make_data((size_t)3 << 20);
	static const size_t big[] = {PGZ_CHUNK}, odd[] = {1, 40000, 7, 0, 100000, 32768},
		small[] = {1000};
	check("nothing", 0, big, 1, 1);
	check("one short chunk", 100, big, 1, 1);
	check("one whole chunk", PGZ_CHUNK, big, 1, 1);
	check("six chunks", ndata, big, 1, 1);
	check("six chunks", ndata, big, 1, 0);
	check("six chunks", ndata, big, 1, 6);
	check("six chunks", ndata, big, 1, 9);
	check("chunks of odd sizes, empty and shorter than 32 KiB among them", ndata, odd, 6, 1);
	check("300 chunks of 1000 bytes", 300000, small, 1, 1);

	/* primed with the bytes before: about the size of one stream */
	size_t whole, parts;
	free(run(ndata, (size_t[]){ndata}, 1, 1, &whole));
	free(run(ndata, big, 1, 1, &parts));
	ok(parts < whole + whole / 100, "six chunks within 1%% of one stream (%zu, %zu bytes)",
		parts, whole);
	free(data);
	return tap_done();
}
