/* SPDX-License-Identifier: MIT */
/* tls.c: common/snoop/tls.c and h2.c on any bytes: HTTP/1.1 and HTTP/2
 * connections as agent-snoop --tls hands them over.  The selector's bit 0
 * puts HTTP/2's connection preface first, bit 1 leaves text out.  Then
 * pieces, each a control byte (bit 0: read, else written; bit 1: 4096
 * bytes lost before it; bit 2: the process exits after it; bit 3: the
 * second process; bit 4: its second connection), a 2-byte little-endian
 * length and the bytes. */
#include "fuzz.h"
#include "snoop/tls.h"

static void emit(void *arg, const struct event *e)
{
	struct sbuf *o = arg;
	ev_write(o, e, 0);
	if (o->len > 1 << 20)
		sb_reset(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	int sel = fuzz_selector(&data, &n);
	if (sel < 0)
		return 0;
	struct sbuf o = {0};
	struct tls *t = tls_new(sel & 2, emit, &o);
	int64_t ts = 1700000000000;
	if (sel & 1)
		tls_data(t, 1, 7, false, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24, ts);
	size_t i = 0;
	while (i + 3 <= n) {
		uint8_t c = data[i];
		size_t len = data[i + 1] | (size_t)data[i + 2] << 8;
		i += 3;
		if (len > n - i)
			len = n - i;
		uint32_t pid = 1 + (c >> 3 & 1);
		uint64_t conn = 7 + (c >> 4 & 1);
		if (c & 2)
			tls_gap(t, pid, conn, c & 1, 4096);
		/* an exact-size copy: reads past the piece are caught */
		uint8_t *m = xmalloc(len ? len : 1);
		memcpy(m, data + i, len);
		tls_data(t, pid, conn, c & 1, m, len, ts += 10);
		free(m);
		i += len;
		if (c & 4)
			tls_exit(t, pid);
	}
	tls_exit(t, 1);
	tls_exit(t, 2);
	const struct tls_counts *k = tls_counts(t);
	if (k->h2_bad && !tls_why(t))
		abort();   /* a connection not read to its end always says why */
	if (k->h1_cut && (!tls_why1(t) || k->cut < k->h1_cut))
		abort();   /* so does an HTTP/1.1 message, and it is in cut */
	tls_free(t);
	sb_free(&o);
	return 0;
}
