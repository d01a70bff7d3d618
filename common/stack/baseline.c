/* SPDX-License-Identifier: MIT */
/* baseline.c: agent-stack --baseline (baseline.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"
#include "report.h"

bool bl_period(const char *arg, int64_t *since, int64_t *until)
{
	const char *dots = strstr(arg, "..");
	if (!dots || strstr(dots + 2, ".."))
		return false;
	char a[128];
	size_t n = (size_t)(dots - arg);
	if (n >= sizeof a)
		return false;
	memcpy(a, arg, n);
	a[n] = 0;
	*since = n ? ts_parse_user(a) : TS_NONE;
	*until = dots[2] ? ts_parse_user(dots + 2) : TS_NONE;
	if ((n && *since == TS_NONE) || (dots[2] && *until == TS_NONE))
		return false;
	return n || dots[2];
}

/* Both sides' stacks in one table: side 0 the baseline, 1 the current. */
struct pair {
	struct stacks names;
	int64_t *w[2];
	size_t cap;
};

static void pair_add(struct pair *p, const char *s, size_t n, int side, int64_t w)
{
	size_t i = stacks_add(&p->names, s, n, 0);
	if (i >= p->cap) {
		size_t old = p->cap;
		p->cap = p->cap ? p->cap * 2 : 256;
		for (int k = 0; k < 2; k++) {
			p->w[k] = xrealloc(p->w[k], p->cap * sizeof *p->w[k]);
			memset(p->w[k] + old, 0, (p->cap - old) * sizeof *p->w[k]);
		}
	}
	p->w[side][i] = sat_add(p->w[side][i], w);
}

static void pair_free(struct pair *p)
{
	stacks_free(&p->names);
	free(p->w[0]);
	free(p->w[1]);
}

void bl_folded(const struct stacks *base, const struct stacks *cur, struct sbuf *out)
{
	struct pair p = {0};
	const struct stacks *side[2] = {base, cur};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < side[k]->n; i++) {
			int64_t w = stacks_weight(side[k], i);
			if (w > 0)
				pair_add(&p, stacks_str(side[k], i), stacks_len(side[k], i), k, w);
		}
	size_t *ix = stacks_sorted(&p.names);
	for (size_t k = 0; k < p.names.n; k++) {
		size_t i = ix[k];
		sb_add(out, stacks_str(&p.names, i), stacks_len(&p.names, i));
		sb_printf(out, " %lld %lld\n", (long long)p.w[0][i], (long long)p.w[1][i]);
		if (out == &stdout_sb)
			out_maybe_flush();
	}
	free(ix);
	pair_free(&p);
}

/* The last frame of stack s[0..n) of kind by ("kind:" or, when by holds a
 * ':', starting with by), or NULL. */
static const char *frame_of(const char *s, size_t n, const char *by, size_t *fn)
{
	size_t l = strlen(by);
	bool prefix = strchr(by, ':') != NULL;
	const char *found = NULL, *end = s + n;
	for (const char *f = s; f < end;) {
		const char *semi = memchr(f, ';', (size_t)(end - f));
		size_t len = semi ? (size_t)(semi - f) : (size_t)(end - f);
		if (len >= l && !memcmp(f, by, l) && (prefix || (len > l && f[l] == ':')))
			found = f, *fn = len;
		f += len + 1;
	}
	return found;
}

static const struct pair *sort_p;

static int64_t change(const struct pair *p, size_t i)
{
	return p->w[1][i] - p->w[0][i];
}

static int cmp_mover(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t cx = change(sort_p, x), cy = change(sort_p, y);
	int64_t ax = cx < 0 ? -cx : cx, ay = cy < 0 ? -cy : cy;
	if (ax != ay)
		return ax > ay ? -1 : 1;
	if (cx != cy)
		return cx > cy ? -1 : 1;
	size_t xl = stacks_len(&sort_p->names, x), yl = stacks_len(&sort_p->names, y);
	int c = memcmp(stacks_str(&sort_p->names, x), stacks_str(&sort_p->names, y), xl < yl ? xl : yl);
	return c ? c : (xl > yl) - (xl < yl);
}

/* A signed weight: "+$1.20", "-350", "+12.5s". */
static void signed_weight(struct sbuf *b, enum sv_view v, int64_t w)
{
	sb_addc(b, w < 0 ? '-' : '+');
	rp_weight(b, v, (double)(w < 0 ? -w : w));
}

static void percent(struct sbuf *b, int64_t from, int64_t to)
{
	if (!from)
		sb_adds(b, to ? "new" : "0%");
	else
		sb_printf(b, "%+.0f%%", 100.0 * (double)(to - from) / (double)from);
}

static void cell(struct sbuf *o, const char *s, size_t w, bool left)
{
	size_t n = 0;
	for (const char *c = s; *c; c++)
		n += ((unsigned char)*c & 0xC0) != 0x80;
	if (left)
		sb_adds(o, s);
	for (; n < w; n++)
		sb_addc(o, ' ');
	if (!left)
		sb_adds(o, s);
}

void bl_table(const struct stacks *base, const struct stacks *cur, enum sv_view v,
	const char *by, int64_t n, bool json, struct sbuf *out)
{
	struct pair p = {0};
	const struct stacks *side[2] = {base, cur};
	int64_t total[2] = {0, 0}, unpriced[2] = {0, 0};
	char none[160];
	if (!by)
		by = "prompt";
	snprintf(none, sizeof none, "(no %.100s frame)", by);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < side[k]->n; i++) {
			int64_t w = stacks_weight(side[k], i);
			if (w <= 0)
				continue;
			if (v == SV_COST && memmem(stacks_str(side[k], i), stacks_len(side[k], i),
				";price:unknown", 14)) {
				unpriced[k] += w;   /* calls, not dollars */
				continue;
			}
			size_t fn = 0;
			const char *f = frame_of(stacks_str(side[k], i), stacks_len(side[k], i), by, &fn);
			if (!f)
				f = none, fn = strlen(none);
			pair_add(&p, f, fn, k, w);
			total[k] = sat_add(total[k], w);
		}
	size_t nr = p.names.n, *ix = xmalloc((nr ? nr : 1) * sizeof *ix);
	for (size_t i = 0; i < nr; i++)
		ix[i] = i;
	sort_p = &p;
	if (nr > 1)
		qsort(ix, nr, sizeof *ix, cmp_mover);
	size_t shown = n > 0 && (size_t)n < nr ? (size_t)n : nr;
	if (json) {
		sb_adds(out, "{\"view\":");
		sb_json_str(out, sv_view_name(v), strlen(sv_view_name(v)));
		sb_adds(out, ",\"unit\":");
		sb_json_str(out, sv_view_unit(v), strlen(sv_view_unit(v)));
		sb_adds(out, ",\"by\":");
		sb_json_str(out, by, strlen(by));
		sb_printf(out, ",\"baseline\":%lld,\"current\":%lld,\"change\":%lld,\"frames\":%zu,",
			(long long)total[0], (long long)total[1], (long long)(total[1] - total[0]), nr);
		if (v == SV_COST)
			sb_printf(out, "\"unpriced_calls\":[%lld,%lld],", (long long)unpriced[0],
				(long long)unpriced[1]);
		sb_adds(out, "\"movers\":[");
		for (size_t k = 0; k < shown; k++) {
			size_t i = ix[k];
			sb_adds(out, k ? ",{\"frame\":" : "{\"frame\":");
			sb_json_str(out, stacks_str(&p.names, i), stacks_len(&p.names, i));
			sb_printf(out, ",\"baseline\":%lld,\"current\":%lld,\"change\":%lld}",
				(long long)p.w[0][i], (long long)p.w[1][i], (long long)change(&p, i));
		}
		sb_adds(out, "]}\n");
	} else {
		enum { N = 5 };
		struct sbuf c[N] = {{0}};
		size_t w[N] = {0};
		char head0[200];
		snprintf(head0, sizeof head0, "%s by %.100s", sv_view_name(v), by);
		const char *head[N] = {head0, "baseline", "current", "change", "%"};
		for (int pass = 0; pass < 2; pass++) {
			for (size_t k = 0; k <= shown + 1; k++) {
				for (int j = 0; j < N; j++)
					sb_reset(&c[j]);
				if (k == 0) {
					for (int j = 0; j < N; j++)
						sb_adds(&c[j], head[j]);
				} else {
					bool tot = k == shown + 1;
					size_t i = tot ? 0 : ix[k - 1];
					int64_t b = tot ? total[0] : p.w[0][i], a = tot ? total[1] : p.w[1][i];
					if (tot)
						sb_adds(&c[0], "total");
					else
						sb_add(&c[0], stacks_str(&p.names, i), stacks_len(&p.names, i));
					rp_weight(&c[1], v, (double)b);
					rp_weight(&c[2], v, (double)a);
					signed_weight(&c[3], v, a - b);
					percent(&c[4], b, a);
				}
				for (int j = 0; j < N; j++) {
					size_t cw = 0;
					for (const char *q = c[j].p; *q; q++)
						cw += ((unsigned char)*q & 0xC0) != 0x80;
					if (!pass) {
						if (cw > w[j])
							w[j] = cw;
						continue;
					}
					if (j)
						sb_adds(out, "  ");
					cell(out, c[j].p, w[j], j == 0);
				}
				if (pass)
					sb_addc(out, '\n');
			}
		}
		if (shown < nr)
			sb_printf(out, "%zu more frames moved less\n", nr - shown);
		if (v == SV_COST)
			sb_adds(out, "cost: estimated from the usage recorded in transcripts, not the bill\n");
		if (unpriced[0] || unpriced[1])
			sb_printf(out, "calls of unpriced models, not in cost: %lld in the baseline, "
				"%lld now\n", (long long)unpriced[0], (long long)unpriced[1]);
		for (int j = 0; j < N; j++)
			sb_free(&c[j]);
	}
	free(ix);
	pair_free(&p);
}
