/* SPDX-License-Identifier: MIT */
/* h2enc: encoders for tests/fixtures/tls/h2.py, which writes the HTTP/2
 * connections of tests/74-tls.t.
 *   h2enc hpack   header blocks on standard input, one "name: value" a
 *                 line, a blank line after each block; each block encoded
 *                 in turn by one HPACK deflater (libnghttp2, its default
 *                 4096-byte table: later blocks refer to earlier ones'
 *                 entries) and written as a line of hex
 *   h2enc br      standard input compressed with brotli */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <brotli/encode.h>
#include <nghttp2/nghttp2.h>
#include "util.h"

static void block(nghttp2_hd_deflater *d, nghttp2_nv *nv, size_t n)
{
	size_t cap = nghttp2_hd_deflate_bound(d, nv, n);
	uint8_t *b = xmalloc(cap);
	ssize_t r = nghttp2_hd_deflate_hd(d, b, cap, nv, n);
	if (r < 0) {
		fprintf(stderr, "h2enc: %s\n", nghttp2_strerror((int)r));
		exit(1);
	}
	for (ssize_t i = 0; i < r; i++)
		printf("%02x", b[i]);
	printf("\n");
	free(b);
}

static int hpack(void)
{
	nghttp2_hd_deflater *d;
	if (nghttp2_hd_deflate_new(&d, 4096))
		return 1;
	nghttp2_nv nv[64];
	char *names[64], *values[64];
	size_t n = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len) {
			block(d, nv, n);
			for (size_t i = 0; i < n; i++)
				free(names[i]), free(values[i]);
			n = 0;
			continue;
		}
		/* a pseudo-header's name starts with ':' */
		char *colon = strchr(line + 1, ':');
		if (!colon || n == 64) {
			fprintf(stderr, "h2enc: bad header line: %s\n", line);
			return 1;
		}
		names[n] = xstrndup(line, (size_t)(colon - line));
		values[n] = xstrdup(colon + 1 + (colon[1] == ' '));
		nv[n] = (nghttp2_nv){(uint8_t *)names[n], (uint8_t *)values[n], strlen(names[n]),
			strlen(values[n]), NGHTTP2_NV_FLAG_NONE};
		n++;
	}
	if (n)
		block(d, nv, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]), free(values[i]);
	free(line);
	nghttp2_hd_deflate_del(d);
	return 0;
}

static int br(void)
{
	struct sbuf in = {0};
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, stdin)) > 0)
		sb_add(&in, buf, k);
	size_t n = BrotliEncoderMaxCompressedSize(in.len) + 64;
	uint8_t *out = xmalloc(n);
	if (!BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
		in.len, (const uint8_t *)in.p, &n, out))
		return 1;
	fwrite(out, 1, n, stdout);
	free(out);
	sb_free(&in);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hpack"))
		return hpack();
	if (argc == 2 && !strcmp(argv[1], "br"))
		return br();
	fprintf(stderr, "usage: h2enc hpack | br\n");
	return 2;
}
