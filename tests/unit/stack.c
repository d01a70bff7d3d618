/* SPDX-License-Identifier: MIT */
/* Unit tests of agent-stack's helpers: path groups, host names, labels,
 * the stack table and price lookup. */
#include <stdlib.h>
#include "paths.h"
#include "stack/prices.h"
#include "stack/stack.h"
#include "tap.h"

static const char *group(const char *path, const char *root, const char *cwd, int depth)
{
	static struct sbuf b;
	sb_reset(&b);
	path_group(&b, path, root, cwd, depth);
	return b.p;
}

static const char *host(const char *h, int64_t port)
{
	static struct sbuf b;
	sb_reset(&b);
	host_group(&b, h, port);
	return b.p;
}

static const char *label(const char *s)
{
	static struct sbuf b;
	sb_reset(&b);
	label_clean(&b, s, strlen(s));
	return b.p;
}

static void test_paths(void)
{
	const char *R = "/home/me/project";
	is_str(group("/home/me/project/src/a/b.c", R, NULL, 2), "src/a", "cut to depth 2");
	is_str(group("/home/me/project/src/a/b.c", R, NULL, 9), "src/a/b.c", "depth beyond the path");
	is_str(group("/home/me/project", R, NULL, 2), ".", "the root itself");
	is_str(group("/home/me/project/", R, NULL, 2), ".", "the root with a slash");
	is_str(group("/home/me/project-other/x", R, NULL, 2), "external/home", "sibling with a common prefix");
	is_str(group("src/x.c", R, NULL, 2), "src/x.c", "relative to the root");
	is_str(group("x.c", R, "/home/me/project/sub", 2), "sub/x.c", "relative to the tool's cwd");
	is_str(group("../../../etc/passwd", R, NULL, 2), "external/system", ".. out of the project");
	is_str(group("/home/me/project/a/../../../../tmp/x", R, NULL, 2), "external/tmp", ".. folded");
	is_str(group("~/project/x/y", R, NULL, 2), "x/y", "~ is the root's home");
	is_str(group("~/.claude/settings.json", R, NULL, 2), "external/claude", "~/.claude");
	is_str(group("/home/you/.codex/auth.json", R, NULL, 2), "external/codex", "another home's .codex");
	is_str(group("/Users/me/.gemini/x", R, NULL, 2), "external/gemini", "macOS home .gemini");
	is_str(group("/root/.config/claude/x", R, NULL, 2), "external/claude", "~/.config/claude");
	is_str(group("/private/var/folders/ab/T/x", R, NULL, 2), "external/tmp", "macOS temp");
	is_str(group("/tmpfoo/x", R, NULL, 2), "external/other", "components, not substrings");
	is_str(group("/usr/lib/x.so", R, NULL, 2), "external/system", "/usr");
	is_str(group("/sys/class", R, NULL, 2), "external/dev", "/sys");
	is_str(group("C:\\Users\\me\\project\\src\\a.c", "C:\\Users\\me\\project", NULL, 1), "src",
		"Windows paths");
	is_str(group("D:\\data\\x", R, NULL, 1), "external/other", "another Windows drive");
	is_str(group("/a/b", NULL, NULL, 2), "external/other", "no root: outside");
	is_str(group("a/../../b", NULL, NULL, 2), "external/other", "unanchored climb");
	is_str(group("", R, NULL, 2), "none", "empty path");
	is_str(path_base("/usr/bin/cc"), "cc", "basename");
	is_str(path_base("cc"), "cc", "basename of a name");
}

static void test_hosts(void)
{
	is_str(host("Example.COM.", 443), "example.com", "lower case, no trailing dot, no port");
	is_str(host("localhost", 3000), "localhost:3000", "loopback keeps the port");
	is_str(host("127.0.0.53", 53), "127.0.0.53:53", "127/8");
	is_str(host("[::1]", 8080), "[::1]:8080", "IPv6 loopback");
	is_str(host("10.1.2.3", 22), "private", "10/8");
	is_str(host("172.20.0.1", 22), "private", "172.16/12");
	is_str(host("172.32.0.1", 22), "172.32.0.1", "outside 172.16/12");
	is_str(host("192.168.0.1", 80), "private", "192.168/16");
	is_str(host("fd12::1", 80), "private", "unique local IPv6");
	is_str(host("nas.local", 80), "private", ".local");
	is_str(host("db.svc.internal", 80), "private", ".internal");
	is_str(host("router.lan", 80), "private", ".lan");
	is_str(host("buildbox", 80), "private", "single label");
	is_str(host("8.8.8.8", 53), "8.8.8.8", "public address as recorded");
}

static void test_labels(void)
{
	is_str(label("a;b"), "a,b", "; replaced");
	is_str(label("  a \n\t b  "), "a b", "whitespace collapsed and trimmed");
	is_str(label("name 42"), "name_42", "trailing count joined");
	is_str(label("42"), "42", "a number alone stays");
	is_str(label(""), "none", "empty is none");
	is_str(label("a\xff" "b"), "a\xef\xbf\xbd" "b", "invalid UTF-8 replaced");
	is_str(label("tok ghp_abcdefghijklmnopqrstuvwxyz0123 x"), "tok [REDACTED] x", "secret redacted");
	char big[400];
	for (int i = 0; i < 399; i += 3)
		memcpy(big + i, "\xe2\x82\xac", 3);   /* euro sign */
	big[399] = 0;
	is_int(strlen(label(big)), LABEL_MAX, "cut at a character boundary");
}

static void test_table(void)
{
	struct stacks t = {0};
	stacks_add(&t, "b;c", 3, 2);
	stacks_add(&t, "a", 1, 1);
	stacks_add(&t, "b;c", 3, 3);
	stacks_add(&t, "z", 1, 0);
	struct sbuf o = {0};
	is_int(stacks_print(&t, &o), 6, "printed sum");
	is_str(o.p, "a 1\nb;c 5\n", "sorted, added up, zero left out");
	for (int i = 0; i < 20000; i++) {
		char k[32];
		int n = snprintf(k, sizeof k, "s%d", i % 5000);
		stacks_add(&t, k, (size_t)n, 1);
	}
	is_int(t.n, 5003, "5000 distinct stacks among 20000 adds");
	sb_free(&o);
	stacks_free(&t);
	/* fractions add up (the cost view's microdollars): 10 x 0.3 is 3 */
	for (int i = 0; i < 10; i++)
		stacks_add(&t, "f", 1, 0.3);
	for (int i = 0; i < 1000; i++)
		stacks_add(&t, "g", 1, 0.0015);
	stacks_add(&t, "h", 1, 9e18);
	stacks_add(&t, "h", 1, 9e18);
	is_str((sb_reset(&o), stacks_print(&t, &o), o.p), "f 3\ng 2\nh 9223372036854775807\n",
		"fractional weights are summed, not truncated; a sum past int64 is held at its limit");
	sb_free(&o);
	stacks_free(&t);
}

static void test_prices(const char *dir)
{
	struct prices p = {0};
	char path[4096];
	snprintf(path, sizeof path, "%s/share/prices.yaml", dir);
	unsigned long before = diag_errors;
	ok(prices_load(&p, path) == 0 && diag_errors == before, "shipped table loads cleanly");
	const struct price *x = prices_find(&p, "claude-sonnet-4-5-20250929");
	is_str(x ? x->model : NULL, "claude-sonnet-4-5", "longest prefix");
	x = prices_find(&p, "gpt-4o-mini-2024-07-18");
	is_str(x ? x->model : NULL, "gpt-4o-mini", "gpt-4o-mini is not gpt-4o");
	x = prices_find(&p, "gpt-4.1");
	is_str(x ? x->model : NULL, "gpt-4.1", "exact name");
	x = prices_find(&p, "us.anthropic.claude-3-5-haiku-20241022-v1:0");
	is_str(x ? x->model : NULL, "claude-3-5-haiku", "Bedrock name");
	x = prices_find(&p, "openrouter/gemini-2.5-flash");
	is_str(x ? x->model : NULL, "gemini-2.5-flash", "provider/model");
	ok(prices_find(&p, "gpt-40") == NULL, "prefix must end at a boundary");
	ok(prices_find(&p, "claude-sonnet") == NULL, "shorter than every entry: unpriced");
	x = prices_find(&p, "gemini-2.5-pro");
	struct tokens tk = {.input = 100000, .cache_read = 150000, .output = 1000};
	ok(x && price_cost(x, &tk, PR_INPUT) == 100000 * 2.5, "long-context tier above 200k");
	tk.cache_read = 0;
	ok(x && price_cost(x, &tk, PR_INPUT) == 100000 * 1.25, "base tier below");
	x = prices_find(&p, "claude-opus-4-5");
	struct tokens cw = {.cache_write = 1000, .cache_write_1h = 400};
	ok(x && price_cost(x, &cw, PR_CACHE_WRITE) == 600 * 6.25 + 400 * 10.0,
		"1-hour cache writes at their own rate");
	for (size_t i = 0; i < p.n; i++) {
		const double *r = p.p[i].rate;
		if (r[PR_CACHE_READ] > r[PR_INPUT] || r[PR_OUTPUT] < r[PR_INPUT])
			ok(0, "%s ratios", p.p[i].model);
	}
	ok(p.n >= 40, "the table has every family (%zu entries)", p.n);
	prices_free(&p);
}

int main(int argc, char **argv)
{
	test_paths();
	test_hosts();
	test_labels();
	test_table();
	test_prices(argc > 1 ? argv[1] : ".");
	return tap_done();
}
