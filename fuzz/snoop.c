/* snoop.c: agent-snoop's user-side decoder on any ring-buffer bytes.
 * The input is a sequence of messages, each prefixed by a 2-byte
 * little-endian length, fed into one snoop state; then a DNS parse of
 * the whole input. */
#include "fuzz.h"
#include "snoop.h"

static void dns_fn(void *arg, const char *name, const uint8_t *addr, int alen)
{
	(void)arg;
	(void)strlen(name);
	if (alen != 4 && alen != 16)
		abort();
	(void)addr[alen - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	struct sbuf o = {0};
	struct snoop_opts opt = { "run", 0, NULL, NULL };
	struct snoop *s = snoop_new(&opt, &o);
	snoop_proc(s, 100, 1, "bash", "/home/u/proj", true);
	snoop_session(s, 1700000000000, "/home/u/proj");
	size_t i = 0;
	while (i + 2 <= n) {
		size_t len = data[i] | (size_t)data[i + 1] << 8;
		i += 2;
		if (len > n - i)
			len = n - i;
		/* an exact-size copy: reads past a message are caught */
		uint8_t *m = xmalloc(len ? len : 1);
		memcpy(m, data + i, len);
		snoop_feed_bytes(s, m, len);
		free(m);
		i += len;
		if (o.len > 1 << 20)
			sb_reset(&o);
	}
	snoop_finish(s, 1700000001000, 0, 0, 0);
	snoop_free(s);
	sb_free(&o);
	uint8_t *m = xmalloc(n ? n : 1);
	memcpy(m, data, n);
	(void)snoop_dns(m, n, dns_fn, NULL);
	free(m);
	return 0;
}
