/* SPDX-License-Identifier: MIT */
/* baseline.h: agent-stack --baseline (agent-stack(1) is the reference):
 * one view's stacks of a baseline against the same view's stacks of the
 * records read, as a two-column folded diff (flamegraph.pl's difffolded:
 * "stack BASELINE CURRENT", as folded2svg draws and folded2pprof --column
 * splits) or a table of the frames that moved most. */
#ifndef AP_BASELINE_H
#define AP_BASELINE_H
#include <stdbool.h>
#include <stdint.h>
#include "stackview.h"

/* A period "TIME..TIME" (either side may be empty: open) into *since and
 * *until; false when arg is not one. */
bool bl_period(const char *arg, int64_t *since, int64_t *until);
/* Every stack of either, sorted, with its two weights as each view prints
 * them; stacks that weigh 0 in both are left out.  The sums of the two
 * columns are the two views' totals. */
void bl_folded(const struct stacks *base, const struct stacks *cur, struct sbuf *out);
/* The frames of kind by (as agent-stack --format top --by reads it; NULL:
 * prompt) with their weight in each and the signed change, the n (0: all)
 * that moved most, then the totals: text, or one JSON object. */
void bl_table(const struct stacks *base, const struct stacks *cur, enum sv_view v,
	const char *by, int64_t n, bool json, struct sbuf *out);
#endif
