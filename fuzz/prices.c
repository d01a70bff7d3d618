/* SPDX-License-Identifier: MIT */
/* prices.c: the price table loader on any YAML, then lookups, and a
 * cost for a call with every kind of token. */
#include <stdio.h>
#include "fuzz.h"
#include "stack/prices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	char path[32];
	int fd = fuzz_fd(data, n);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct prices t;
	memset(&t, 0, sizeof t);
	prices_load(&t, path);
	/* a second load replaces entries, as a user file over the shipped one */
	lseek(fd, 0, SEEK_SET);
	prices_load(&t, path);
	close(fd);
	struct tokens tk = { 1000, 2000, 3000, 500, 400, 100 };
	static const char *const models[] = {
		"claude-sonnet-4-5-20250929", "anthropic/claude-x", "us.anthropic.claude-y",
		"gpt-5", "", "a",
	};
	for (size_t i = 0; i < t.n; i++)
		(void)prices_find(&t, t.p[i].model);
	for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
		const struct price *p = prices_find(&t, models[i]);
		if (p)
			for (int k = 0; k < PR_N; k++)
				(void)price_cost(p, &tk, k);
	}
	prices_free(&t);
	return 0;
}
