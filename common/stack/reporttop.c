/* SPDX-License-Identifier: MIT */
/* reporttop.c: a view's stacks as a ranked table of frames (top) and as
 * an indented flame chart (tree), in plain UTF-8 text.  Both work on the
 * weights as the folded output prints them (rounded per stack), so their
 * totals equal the sum of the folded counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

void rp_weight(struct sbuf *b, enum sv_view v, double w)
{
	if (v == SV_COST) {
		double d = w / 1e6;
		sb_printf(b, d >= 0.1 || d == 0 ? "$%.2f" : "$%.4f", d);
	} else if (v == SV_TIME) {
		sb_printf(b, "%.1fs", w / 1000);
	} else {
		sb_printf(b, "%.0f", w);
	}
}

void rp_count(struct sbuf *b, int64_t n)
{
	static const char sfx[] = "kMGT";
	double v = (double)n;
	int i = -1;
	while (v >= 999.95 && i < 3)
		v /= 1000, i++;
	if (i < 0)
		sb_printf(b, "%lld", (long long)n);
	else
		sb_printf(b, "%.1f%c", v, sfx[i]);
}

bool rp_cost_headline(struct sbuf *b, double micro, int64_t priced, size_t nup,
	const char *const *models, const int64_t *tokens)
{
	rp_weight(b, SV_COST, micro);
	int64_t unpriced = 0;
	for (size_t i = 0; i < nup; i++)
		unpriced += tokens[i];
	if (!nup || unpriced <= 0)
		return false;
	/* never "0%" of some, never "100%" of not all */
	double share = priced > 0 ? 100.0 * (double)priced / (double)(priced + unpriced) : 0;
	if (share > 0 && share < 1)
		sb_adds(b, " for <1% of tokens; ");
	else if (share > 99 && share < 100)
		sb_adds(b, " for >99% of tokens; ");
	else
		sb_printf(b, " for %.0f%% of tokens; ", share);
	rp_count(b, unpriced);
	sb_printf(b, " tokens from %zu model%s with no price (", nup, nup == 1 ? "" : "s");
	for (size_t i = 0; i < nup && i < 3; i++)
		sb_printf(b, "%s%s%s", i ? ", " : "", strcmp(models[i], "unknown") ? "" : "model ",
			models[i]);
	sb_adds(b, nup > 3 ? ", ...)" : ")");
	return true;
}

static const char *unit_name(enum sv_view v)
{
	switch (v) {
	case SV_COST: return "US dollars, estimated from recorded usage, not a bill";
	case SV_TIME: return "seconds";
	default: return sv_view_unit(v);
	}
}

void rp_ms(struct sbuf *b, int64_t ms)
{
	if (ms < 1000)
		sb_printf(b, "%lldms", (long long)ms);
	else if (ms < 60000)
		sb_printf(b, "%.1fs", (double)ms / 1000);
	else if (ms < 3600000) {
		int64_t s = (ms + 500) / 1000;
		sb_printf(b, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	} else {
		int64_t m = (ms + 30000) / 60000;
		sb_printf(b, "%lldh%02lldm", (long long)(m / 60), (long long)(m % 60));
	}
}

void rp_bar(struct sbuf *b, double frac, int n)
{
	static const char *const part[8] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589",
	};
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	int eighths = (int)lround(frac * n * 8), used = 0;
	for (; eighths >= 8; eighths -= 8, used++)
		sb_adds(b, "\u2588");
	if (eighths) {
		sb_adds(b, part[eighths]);
		used++;
	}
	for (; used < n; used++)
		sb_addc(b, ' ');
}

/* A frame is of kind k when it starts with "k:", or with k itself when k
 * already holds a ':' ("call:tool/" picks tool calls). */
static bool of_kind(const char *f, size_t n, const char *k)
{
	size_t l = strlen(k);
	if (n < l || memcmp(f, k, l))
		return false;
	return strchr(k, ':') || (n > l && f[l] == ':');
}

struct row {
	size_t name;            /* index into the names table */
	int64_t flat, cum;
};

static const struct stacks *rows_names;

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->flat != y->flat)
		return x->flat > y->flat ? -1 : 1;
	if (x->cum != y->cum)
		return x->cum > y->cum ? -1 : 1;
	size_t xl = stacks_len(rows_names, x->name), yl = stacks_len(rows_names, y->name);
	int c = memcmp(stacks_str(rows_names, x->name), stacks_str(rows_names, y->name),
		xl < yl ? xl : yl);
	return c ? c : (xl > yl) - (xl < yl);
}

static size_t row_of(struct stacks *names, struct row **rows, size_t *cap, const char *f, size_t n)
{
	size_t i = stacks_add(names, f, n, 0);
	if (i >= *cap) {
		size_t old = *cap;
		*cap = *cap ? *cap * 2 : 256;
		*rows = xrealloc(*rows, *cap * sizeof **rows);
		memset(*rows + old, 0, (*cap - old) * sizeof **rows);
	}
	(*rows)[i].name = i;
	return i;
}

/* The width of the widest formatted weight of a column. */
static int colw(enum sv_view v, const struct row *r, size_t n, bool cum, int min)
{
	struct sbuf t = {0};
	int w = min;
	for (size_t i = 0; i < n; i++) {
		sb_reset(&t);
		rp_weight(&t, v, (double)(cum ? r[i].cum : r[i].flat));
		if ((int)t.len > w)
			w = (int)t.len;
	}
	sb_free(&t);
	return w;
}

static void pad(struct sbuf *o, const char *s, int w)
{
	for (int i = (int)strlen(s); i < w; i++)
		sb_addc(o, ' ');
	sb_adds(o, s);
}

static void weight_col(struct sbuf *o, enum sv_view v, int64_t w, int cw)
{
	struct sbuf t = {0};
	rp_weight(&t, v, (double)w);
	pad(o, t.p, cw);
	sb_free(&t);
}

static double pct(int64_t w, int64_t total)
{
	return total ? 100.0 * (double)w / (double)total : 0;
}

void rp_top(const struct stacks *st, const struct rp_opts *o, struct sbuf *out)
{
	struct stacks names = {0};
	struct row *rows = NULL;
	size_t cap = 0, *ix = stacks_sorted(st);
	int64_t total = 0;
	char none[160];
	snprintf(none, sizeof none, "(no %.100s frame)", o->by ? o->by : "");
	for (size_t k = 0; k < st->n; k++) {
		int64_t w = stacks_weight(st, ix[k]);
		if (w <= 0)
			continue;
		total += w;
		const char *s = stacks_str(st, ix[k]), *end = s + stacks_len(st, ix[k]);
		const char *flat = NULL, *f;
		size_t flatn = 0, fn, seen[256], nseen = 0;
		for (const char *c = s; c < end; c = f + fn + 1) {
			f = c;
			const char *semi = memchr(c, ';', (size_t)(end - c));
			fn = semi ? (size_t)(semi - c) : (size_t)(end - c);
			if (o->by && !of_kind(f, fn, o->by))
				continue;
			flat = f, flatn = fn;
			size_t r = row_of(&names, &rows, &cap, f, fn);
			bool dup = false;
			for (size_t j = 0; j < nseen; j++)
				dup |= seen[j] == r;
			if (!dup) {
				rows[r].cum += w;
				if (nseen < 256)
					seen[nseen++] = r;
			}
		}
		if (!flat) {
			flat = none, flatn = strlen(none);
			size_t r = row_of(&names, &rows, &cap, flat, flatn);
			rows[r].cum += w;
		}
		size_t r = row_of(&names, &rows, &cap, flat, flatn);   /* may move rows */
		rows[r].flat += w;
	}
	free(ix);
	size_t n = names.n, shown = o->nodes > 0 && (size_t)o->nodes < n ? (size_t)o->nodes : n;
	rows_names = &names;
	sort_n(rows, n, sizeof *rows, cmp_row);
	int64_t shown_w = 0;
	for (size_t i = 0; i < shown; i++)
		shown_w += rows[i].flat;
	sb_printf(out, "view %s (%s); ", sv_view_name(o->view), unit_name(o->view));
	if (o->by)
		sb_printf(out, "frames of kind %s", o->by);
	else
		sb_adds(out, "leaf frames");
	sb_adds(out, "\nshowing ");
	sb_printf(out, "%zu of %zu frames, ", shown, n);
	rp_weight(out, o->view, (double)shown_w);
	sb_printf(out, " (%.2f%%) of ", pct(shown_w, total));
	rp_weight(out, o->view, (double)total);
	sb_adds(out, " total\n");
	int fw = colw(o->view, rows, shown, false, 4), cw = colw(o->view, rows, shown, true, 3);
	pad(out, "flat", fw);
	sb_printf(out, " %7s %7s  ", "flat%", "sum%");
	pad(out, "cum", cw);
	sb_printf(out, " %7s  %-10s  frame\n", "cum%", "bar");
	int64_t sum = 0;
	for (size_t i = 0; i < shown; i++) {
		const struct row *r = &rows[i];
		sum += r->flat;
		weight_col(out, o->view, r->flat, fw);
		sb_printf(out, " %6.2f%% %6.2f%%  ", pct(r->flat, total), pct(sum, total));
		weight_col(out, o->view, r->cum, cw);
		sb_printf(out, " %6.2f%%  ", pct(r->cum, total));
		if (o->color)
			sb_adds(out, "\033[36m");
		rp_bar(out, total ? (double)r->flat / (double)total : 0, 10);
		if (o->color)
			sb_adds(out, "\033[0m");
		sb_adds(out, "  ");
		sb_add(out, stacks_str(&names, r->name), stacks_len(&names, r->name));
		sb_addc(out, '\n');
	}
	free(rows);
	stacks_free(&names);
}

/* --- tree ------------------------------------------------------------------ */

struct tnode {
	const char *name;
	size_t len, child, next;   /* child, next: node index, 0 none */
	int64_t w;
	size_t parent;
};

struct tree {
	struct tnode *n;
	size_t nn, cap;
	struct hmap idx;        /* hash of (parent, name) -> node */
};

static size_t tchild(struct tree *t, size_t parent, const char *f, size_t fn)
{
	uint64_t seed = 0x7ee + parent * 0x9e3779b97f4a7c15ull;
	for (uint64_t k = 0;; k++) {
		bool ins;
		int64_t *v = hm_put(&t->idx, hash64(f, fn, seed + k), &ins);
		if (!ins) {
			struct tnode *x = &t->n[*v];
			if (x->parent == parent && x->len == fn && !memcmp(x->name, f, fn))
				return (size_t)*v;
			continue;   /* a hash collision: the next seed */
		}
		if (t->nn == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 256;
			t->n = xrealloc(t->n, t->cap * sizeof *t->n);
		}
		size_t i = t->nn++;
		t->n[i] = (struct tnode){f, fn, 0, t->n[parent].child, 0, parent};
		t->n[parent].child = i;
		*v = (int64_t)i;
		return i;
	}
}

struct tprint {
	const struct rp_opts *o;
	struct tree *t;
	int64_t total;
	int ww, bw;             /* weight column, bar cells */
	size_t *kids;           /* scratch for sorting children */
};

static const struct tree *sort_tree;

static int cmp_tnode(const void *a, const void *b)
{
	const struct tnode *x = &sort_tree->n[*(const size_t *)a], *y = &sort_tree->n[*(const size_t *)b];
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	size_t l = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, l);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Bytes of s[0..n) that fit in cols columns (one per character), cut at a
 * character boundary; *cut says whether anything was left out. */
static size_t fit(const char *s, size_t n, int cols, bool *cut)
{
	size_t i = 0;
	int c = 0;
	*cut = false;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
			j++;
		if (c + 1 > cols) {
			*cut = true;
			return i;
		}
		c++;
		i = j;
	}
	return i;
}

static const char *kind_color(const char *f, size_t n)
{
	static const char *const col[] = {"\033[34m", "\033[33m", "\033[35m", "\033[32m", "\033[36m", "\033[31m"};
	const char *colon = memchr(f, ':', n);
	size_t k = colon ? (size_t)(colon - f) : n;
	return col[hash64(f, k, 7) % 6];
}

static void tline(struct tprint *p, size_t node, int depth, struct sbuf *out)
{
	const struct tnode *x = &p->t->n[node];
	struct sbuf t = {0};
	rp_weight(&t, p->o->view, (double)x->w);
	pad(out, t.p, p->ww);
	sb_free(&t);
	sb_printf(out, " %5.1f%% ", pct(x->w, p->total));
	if (p->o->color)
		sb_adds(out, kind_color(x->name, x->len));
	rp_bar(out, p->total ? (double)x->w / (double)p->total : 0, p->bw);
	if (p->o->color)
		sb_adds(out, "\033[0m");
	sb_addc(out, ' ');
	int room = p->o->width - p->ww - 8 - p->bw - 1;
	for (int i = 0; i < depth && room > 8; i++, room -= 2)
		sb_adds(out, "  ");
	bool cut;
	size_t n = fit(x->name, x->len, room > 1 ? room : 1, &cut);
	if (cut)
		n = fit(x->name, x->len, room > 2 ? room - 1 : 1, &cut);
	sb_add(out, x->name, n);
	if (cut)
		sb_adds(out, "\u2026");
	sb_addc(out, '\n');
}

static void twalk(struct tprint *p, size_t node, int depth, struct sbuf *out)
{
	tline(p, node, depth, out);
	size_t n = 0;
	for (size_t c = p->t->n[node].child; c; c = p->t->n[c].next)
		n++;
	if (!n)
		return;
	size_t *k = xmalloc(n * sizeof *k), i = 0;
	for (size_t c = p->t->n[node].child; c; c = p->t->n[c].next)
		k[i++] = c;
	sort_tree = p->t;
	sort_n(k, n, sizeof *k, cmp_tnode);
	for (i = 0; i < n; i++)
		if (pct(p->t->n[k[i]].w, p->total) >= p->o->min_percent && p->t->n[k[i]].w > 0)
			twalk(p, k[i], depth + 1, out);
	free(k);
}

/* A header line cut to the width, like the frames. */
static void head_line(struct sbuf *out, const char *s, int width)
{
	bool cut;
	size_t n = fit(s, strlen(s), width, &cut);
	if (cut)
		n = fit(s, strlen(s), width - 1, &cut);
	sb_add(out, s, n);
	if (cut)
		sb_adds(out, "\u2026");
	sb_addc(out, '\n');
}

void rp_tree(const struct stacks *st, const struct rp_opts *o, struct sbuf *out)
{
	struct tree t = {0};
	t.cap = 256;
	t.n = xmalloc(t.cap * sizeof *t.n);
	t.n[0] = (struct tnode){"all", 3, 0, 0, 0, 0};
	t.nn = 1;
	size_t *ix = stacks_sorted(st);
	for (size_t k = 0; k < st->n; k++) {
		int64_t w = stacks_weight(st, ix[k]);
		if (w <= 0)
			continue;
		t.n[0].w += w;
		const char *s = stacks_str(st, ix[k]), *end = s + stacks_len(st, ix[k]);
		size_t node = 0;
		while (s < end) {
			const char *semi = memchr(s, ';', (size_t)(end - s));
			size_t fn = semi ? (size_t)(semi - s) : (size_t)(end - s);
			node = tchild(&t, node, s, fn);
			t.n[node].w += w;
			s += fn + 1;
		}
	}
	free(ix);
	struct tprint p = {o, &t, t.n[0].w, 0, 0, NULL};
	struct sbuf b = {0};
	rp_weight(&b, o->view, (double)p.total);
	p.ww = (int)b.len;
	sb_free(&b);
	p.bw = o->width >= 60 ? o->width / 5 : 12;
	struct sbuf h = {0};
	sb_printf(&h, "view %s (%s), total ", sv_view_name(o->view),
		o->view == SV_COST ? "estimated US dollars" : unit_name(o->view));
	rp_weight(&h, o->view, (double)p.total);
	head_line(out, h.p, o->width);
	sb_reset(&h);
	sb_printf(&h, "frames under %g%% of the total left out", o->min_percent);
	head_line(out, h.p, o->width);
	sb_free(&h);
	if (p.total > 0)
		twalk(&p, 0, 0, out);
	hm_free(&t.idx);
	free(t.n);
}
