/* SPDX-License-Identifier: MIT */
/* report.h: agent-stack's terminal formats (agent-stack(1) is the
 * reference for every number they print).
 *
 * top and tree read the added-up stacks of a view (reporttop.c): memory
 * is that of the stacks.  latency, context, parallel and report read the
 * records themselves through the view's hook (report.c) and keep a few
 * numbers per model call, tool call and prompt until the end, so their
 * memory is O(calls), about 120 bytes a call (measured: 10 MB more than
 * the folded output for 78,000 calls and prompts). */
#ifndef AP_REPORT_H
#define AP_REPORT_H
#include <stdbool.h>
#include <stdint.h>
#include "stackview.h"

enum rp_by { RB_SESSION, RB_TAG, RB_DAY, RB_ALL };

struct rp_opts {
	enum sv_view view;      /* top, tree: the view of the stacks */
	const char *by;         /* top: a frame kind (prefix), NULL: the leaf */
	int64_t nodes;          /* top, context, parallel: rows shown, 0 all */
	double min_percent;     /* tree: frames below are left out */
	int width;              /* tree: columns */
	bool color;             /* tree, top: ANSI colour */
	int64_t idle_cap;       /* ms, 0 none: active time as in the time view */
	double ctx_threshold;   /* context: percent */
	enum rp_by report_by;
	const struct prices *prices;
};

/* reporttop.c */
void rp_top(const struct stacks *st, const struct rp_opts *o, struct sbuf *out);
void rp_tree(const struct stacks *st, const struct rp_opts *o, struct sbuf *out);
/* The weight w of view v as shown: "$1.23", "12.3s", "1234". */
void rp_weight(struct sbuf *b, enum sv_view v, double w);
/* A bar of frac (0..1) of n cells, in eighths of a cell, padded to n. */
void rp_bar(struct sbuf *b, double frac, int n);
/* Milliseconds as "950ms", "4.1s", "12m05s", "3h02m". */
void rp_ms(struct sbuf *b, int64_t ms);
/* A count in three significant figures: 950, 12.3k, 63.1M, 1.2G. */
void rp_count(struct sbuf *b, int64_t n);
/* An estimated cost that says what it leaves out (issue 17, item 3):
 * "$7.48", or when some tokens had no price "$7.48 for 13% of tokens;
 * 63.1M tokens from 1 model with no price (model unknown)".  micro: the
 * priced cost in microdollars; priced: the tokens it prices; models[i]
 * and tokens[i]: the nup models without a price, most tokens first.
 * true when something was left out. */
bool rp_cost_headline(struct sbuf *b, double micro, int64_t priced, size_t nup,
	const char *const *models, const int64_t *tokens);

/* report.c */
struct rp;
struct rp *rp_new(const struct rp_opts *o);
/* For sv_opts.hook: one record and what the view knows of it. */
void rp_hook(void *rp, const struct event *e, const struct sv_rec *r);
void rp_latency(struct rp *p, struct sbuf *out);
void rp_context(struct rp *p, struct sbuf *out);
void rp_parallel(struct rp *p, struct sbuf *out);
void rp_report(struct rp *p, struct sbuf *out);
void rp_free(struct rp *p);
#endif
