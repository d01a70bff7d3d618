/* SPDX-License-Identifier: MIT */
/* prices.h: the model price table (YAML, USD per million tokens).
 *
 *   date: 2026-11-22
 *   models:
 *     claude-sonnet-4-5:
 *       input: 3.00          # input not served from cache
 *       output: 15.00        # reasoning included
 *       cache_read: 0.30     # default: input
 *       cache_write: 3.75    # 5-minute cache writes; default: input
 *       cache_write_1h: 6.00 # 1-hour cache writes; default: cache_write
 *       context: 200000      # optional: the context window in tokens
 *       aliases: [claude-sonnet-4-5-latest]  # optional: other names
 *       long_context:        # optional: a call whose prompt (input +
 *         above: 200000      # cache_read + cache_write) exceeds `above`
 *         input: 6.00        # tokens is priced at these rates instead
 *         output: 22.50
 *         ...
 *
 * Since prices are per million tokens, tokens x price is micro-dollars. */
#ifndef AP_PRICES_H
#define AP_PRICES_H
#include <stdbool.h>
#include <stdint.h>
#include "event.h"

enum { PR_INPUT, PR_OUTPUT, PR_CACHE_READ, PR_CACHE_WRITE, PR_CACHE_WRITE_1H, PR_N };

struct price {
	char *model;
	double rate[PR_N];
	int64_t long_above;     /* 0: no long-context tier */
	int64_t context;        /* context window in tokens, 0: unknown */
	double long_rate[PR_N];
	char *file;
	unsigned long line;
};

struct prices {
	struct price *p;
	size_t n, cap;
	char *date;             /* of the last table loaded that has one */
};

/* Load a table, replacing entries of models already known.  Entries
 * that fail the sanity checks (all >= 0, output >= input, cache_read <=
 * input, cache_write >= input, cache_write_1h >= cache_write) are left
 * out with a "file:line: ..." diagnostic counted in diag_errors.
 * Returns -1 when the file cannot be read or parsed at all. */
int prices_load(struct prices *t, const char *path);
/* The entry for model: the exact name (an entry's "aliases" are names of
 * their own), else the name without a snapshot date ("-YYYYMMDD",
 * "-YYYY-MM-DD", "@YYYYMMDD", after a Bedrock "-v1:0" is taken off:
 * "claude-sonnet-4-20250514" -> "claude-sonnet-4"), else the same for what
 * follows the last '/' or "anthropic." ("openrouter/anthropic/claude-...",
 * "us.anthropic.claude-...").  No other prefix matches: "o3-pro" is not
 * "o3", "gpt-5.4-mini" is not "gpt-5".  NULL: unpriced. */
const struct price *prices_find(const struct prices *t, const char *model);
/* Cost in micro-dollars of one call's tokens of one kind (PR_INPUT,
 * PR_OUTPUT, PR_CACHE_READ, or PR_CACHE_WRITE for all cache writes, the
 * 1-hour part at its own rate). */
double price_cost(const struct price *p, const struct tokens *tk, int kind);
void prices_free(struct prices *t);
#endif
