/* SPDX-License-Identifier: MIT */
/* snoop.c: agent-snoop's user-side decoder and event handling on any
 * ring-buffer bytes.  The first byte picks the form of the rest:
 *  - raw (even): messages each prefixed by a 2-byte little-endian length,
 *    fed as they are (the decoder's checks);
 *  - built (odd): 8 bytes per message that pick its type, pid, parent,
 *    result, directory descriptors, flags, address and string lengths,
 *    then the strings.  The header is always well formed, so forks,
 *    execs, exits, opens, renames, chdirs, connects, listens and DNS
 *    answers reach the process table and the effect records.
 * Then a DNS parse of the whole input. */
#include <arpa/inet.h>
#include <sys/socket.h>
#include "fuzz.h"
#include "snoop/decode.h"

static void dns_fn(void *arg, const char *name, const uint8_t *addr, int alen)
{
	(void)arg;
	(void)strlen(name);
	if (alen != 4 && alen != 16)
		abort();
	(void)addr[alen - 1];
}

static void feed(struct snoop *s, const void *p, size_t len)
{
	/* an exact-size copy: reads past a message are caught */
	uint8_t *m = xmalloc(len ? len : 1);
	memcpy(m, p, len);
	snoop_feed_bytes(s, m, len);
	free(m);
}

static void built(struct snoop *s, const uint8_t *d, size_t n)
{
	static const uint16_t ports[] = {53, 443, 80, 8080, 22, 5432, 0, 3000};
	static const uint8_t addrs[][16] = {
		{127, 0, 0, 1}, {10, 1, 2, 3}, {93, 184, 216, 34}, {192, 168, 1, 1},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
		{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
		{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 8, 8, 8, 8},
	};
	static const char *const comms[] = {"bash", "node", "python3", "git", "sh", "curl",
		"claude", "make"};
	uint64_t ts = 5000000000ull;
	struct sbuf b = {0};
	size_t i = 0;
	while (i + 8 <= n) {
		const uint8_t *f = d + i;
		i += 8;
		struct snoop_hdr h;
		memset(&h, 0, sizeof h);
		h.type = 1 + f[0] % (SNOOP_NTYPES - 1);
		h.pid = 100 + (f[1] & 7);
		h.ppid = 100 + (f[1] >> 3 & 7);
		h.uid = 1000;
		h.ts = ts += (uint64_t)(f[7] >> 3) * 1000000;
		h.ret = (int8_t)f[2];
		h.dirfd = f[3] & 0x80 ? SNOOP_AT_FDCWD : f[3] & 15;
		h.dirfd2 = f[3] & 0x40 ? SNOOP_AT_FDCWD : 3;
		h.flags = f[3] >> 4 & 3;
		if (f[3] & 0x20)
			h.flags |= 0x200;       /* O_TRUNC, O_CREAT-like bits for opens */
		int a = f[7] & 7;
		h.family = a >= 4 ? AF_INET6 : AF_INET;
		h.port = ports[f[4] & 7];
		memcpy(h.addr, addrs[a], 16);
		snprintf(h.comm, sizeof h.comm, "%s", comms[f[4] >> 3 & 7]);
		size_t l1 = f[5], l2 = f[6];
		if (l1 > n - i)
			l1 = n - i;
		if (l2 > n - i - l1)
			l2 = n - i - l1;
		h.len1 = (uint32_t)l1;
		h.len2 = (uint32_t)l2;
		sb_reset(&b);
		sb_add(&b, &h, sizeof h);
		sb_add(&b, d + i, l1 + l2);
		i += l1 + l2;
		feed(s, b.p, b.len);
	}
	sb_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	int first = fuzz_selector(&data, &n);
	if (first < 0)
		return 0;
	unsigned sel = (unsigned)first;
	struct sbuf o = {0};
	struct snoop_opts opt = { .session = "run", .tls = true };
	struct snoop *s = snoop_new(&opt, &o);
	snoop_proc(s, 100, 1, "bash", "/home/u/proj", true);
	snoop_session(s, 1700000000000, "/home/u/proj");
	if (sel & 1) {
		built(s, data, n);
	} else {
		size_t i = 0;
		while (i + 2 <= n) {
			size_t len = data[i] | (size_t)data[i + 1] << 8;
			i += 2;
			if (len > n - i)
				len = n - i;
			feed(s, data + i, len);
			i += len;
			if (o.len > 1 << 20)
				sb_reset(&o);
		}
	}
	snoop_finish(s, 1700000001000, sel & 2, sel & 4, 0);
	snoop_free(s);
	sb_free(&o);
	uint8_t *m = xmalloc(n ? n : 1);
	memcpy(m, data, n);
	(void)snoop_dns(m, n, dns_fn, NULL);
	free(m);
	return 0;
}
