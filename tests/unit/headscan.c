/* SPDX-License-Identifier: MIT */
/* Unit tests of agent-events' head scan (cmd/agent-events.c, included
 * here for its static functions): the AVX2 steps (head_quotes32) find
 * what the steps without them find -- each key's string and number, and
 * where a later scan would start -- on heads made of the keys agents
 * group and order files by, their near misses (first bytes alone, two
 * bytes, escaped, cut by the end) and filler, at every place of the
 * steps and near the end.  And a head read in two parts (read_head's
 * steps: the scan of the first not last, resumed on the whole) gives
 * each key the answer of one scan of the whole, for every agent's keys
 * and all agents' together.  A fixed seed: the same cases every run. */
#define main agent_events_main
#include "../../cmd/agent-events.c"
#undef main
#include "tap.h"

static uint64_t seed = 0x4ead5ca11ed5eedULL;

static unsigned rnd(unsigned n)
{
	return (unsigned)(tap_xorshift(&seed) % n);
}

static int bad, cases, bad2, cases2;

/* The head h[0..n) scanned whole, and scanned as h[0..cut) (not last)
 * then resumed on h[0..n) when that first scan left keys wanting, with
 * the keys ks. */
static void split_case(const struct hkeys *ks, const char *t, size_t n, size_t cut)
{
	char *h = malloc(n ? n : 1);
	memcpy(h, t, n);
	struct hhit a[HKEYS_MAX], b[HKEYS_MAX];
	struct hscan sa, sb;
	hscan_init(&sa, ks, a);
	hscan_init(&sb, ks, b);
	head_scan(&sa, h, n, true);
	if (!head_scan(&sb, h, cut, false))
		head_scan(&sb, h, n, true);
	bool same = head_ts(ks, a) == head_ts(ks, b);
	char *ga = head_group(ks, a), *gb = head_group(ks, b);
	same = same && (ga && gb ? !strcmp(ga, gb) : ga == gb);
	/* each key's answer where the scan looked for it to the end */
	for (int k = 0; k < ks->n; k++)
		same = same && (a[k].v != NULL) == (b[k].v != NULL) &&
			(!a[k].v || (a[k].v == b[k].v && a[k].vn == b[k].vn)) &&
			(a[k].v || a[k].ms == b[k].ms);
	if (!same && bad2++ < 5)
		printf("# head of %zu bytes cut at %zu scanned differently: \"%.*s\"\n", n, cut,
			(int)(n < 300 ? n : 300), h);
	cases2++;
	free(ga);
	free(gb);
	free(h);
}

/* The head h[0..n) scanned both ways, last or not. */
static void head_case(const char *t, size_t n, bool last)
{
	char *h = malloc(n ? n : 1);    /* its own size: reads past it are seen */
	memcpy(h, t, n);
	struct hhit a[HKEYS_MAX], b[HKEYS_MAX];
	struct hscan sa, sb;
	hscan_init(&sa, &keys_all, a);
	hscan_init(&sb, &keys_all, b);
	head_avx2 = false;
	bool ra = head_scan(&sa, h, n, last);
	head_avx2 = true;
	bool rb = head_scan(&sb, h, n, last);
	bool same = ra == rb && sa.next == sb.next && sa.left == sb.left;
	for (int k = 0; k < keys_all.n; k++)
		same = same && a[k].v == b[k].v && a[k].vn == b[k].vn && a[k].ms == b[k].ms;
	if (!same && bad++ < 5)
		printf("# head of %zu bytes (last %d) scanned differently: \"%.*s\"\n", n, last,
			(int)(n < 300 ? n : 300), h);
	cases++;
	free(h);
}

int main(void)
{
	hkeys_init();
	static const char *const piece[] = {
		"\"timestamp\":\"2026-01-02T03:04:05.006Z\"", "\"timestamp\":1767225600000",
		"\"sessionId\":\"s-1\"", "\"session_id\":\"s-2\"", "\"startTime\":1767225600",
		"\"created\":1767225600123", "\"created\":\"2026-01-01T00:00:00Z\"", "\"sessionId\":\"\"",
		"\"sessionId\": \"s-3\"", "\"sessionId\" : 12", "\"sessionIdX\":\"no\"",
		"\\\"sessionId\\\":\\\"esc\\\"", "\"s", "\"se", "\"st", "\"c", "\"cr", "\"cre", "\"t",
		"\"session", "\"call_id\":\"c1\"", "\"cwd\":\"/p\"", "\"cached_input_tokens\":5",
		"\"status\":\"ok\"", "\"type\":\"x\"", "\"", "\"\"", ",", ":", "{", "}", " ",
		"lorem ipsum ", "\"timestamp\"", "\"timestamp\":", "\"timestamp\":\"",
	};
	const size_t np = sizeof piece / sizeof *piece;
	static char t[70000];
	/* one piece at every place of filler texts of 0 to 260 bytes (the
	 * steps are 32 bytes, and the end leaves room for the longest key) */
	for (size_t n = 0; n <= 260; n += n < 140 ? 1 : 3)
		for (size_t at = 0; at <= n; at++)
			for (size_t k = 0; k < np; k++) {
				for (size_t i = 0; i < n; i++)
					t[i] = "\"abcsct:, "[(i * 7 + k) % 10];
				size_t l = strlen(piece[k]), m = at + l <= n ? l : n - at;
				memcpy(t + at, piece[k], m);
				head_case(t, n, true);
			}
	/* then heads of many pieces, up to a whole head of 64 KiB */
	for (int it = 0; it < 30000; it++) {
		size_t want = it % 100 == 0 ? AGENT_SNIFF_SIZE : rnd(700), n = 0;
		while (n < want) {
			const char *p = piece[rnd(5) ? 20 + rnd((unsigned)np - 20) : rnd((unsigned)np)];
			size_t l = strlen(p);
			if (n + l > want)
				l = want - n;
			memcpy(t + n, p, l);
			n += l;
		}
		head_case(t, n, it % 3 != 0);
	}
	ok(!bad, "head_scan: the AVX2 steps find each key's string and number as the others do, "
		"and stop where they do (%d of %d differ)", bad, cases);
	/* heads in two parts: a piece at every place of the cut, for each
	 * agent's keys and all together */
	int nagents = 0;
	while (agent_list[nagents])
		nagents++;
	for (int ai = -1; ai < nagents; ai++) {
		const struct hkeys *ks = ai < 0 ? &keys_all : &keys_of[ai];
		for (size_t k = 0; k < np; k++)
			for (size_t n = 48, at = 0; at <= n; at++) {
				for (size_t i = 0; i < n; i++)
					t[i] = "\"abcsct:, "[(i * 7 + k) % 10];
				size_t l = strlen(piece[k]), m = at + l <= n ? l : n - at;
				memcpy(t + at, piece[k], m);
				/* a second piece after it, another key or the same */
				size_t k2 = (k * 5 + 3) % np, l2 = strlen(piece[k2]);
				memcpy(t + n, piece[k2], l2);
				for (size_t cut = 0; cut <= n + l2; cut++)
					split_case(ks, t, n + l2, cut);
			}
		for (int it = 0; it < 3000; it++) {
			size_t want = rnd(600), n = 0;
			while (n < want) {
				const char *p = piece[rnd(3) ? rnd(20) : 20 + rnd((unsigned)np - 20)];
				size_t l = strlen(p);
				if (n + l > want)
					l = want - n;
				memcpy(t + n, p, l);
				n += l;
			}
			split_case(ks, t, n, n ? rnd((unsigned)n + 1) : 0);
		}
	}
	ok(!bad2, "head_scan: a head scanned in two parts gives each key and agent the answer of "
		"one scan of it (%d of %d differ)", bad2, cases2);
	return tap_done();
}
