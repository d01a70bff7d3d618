/* SPDX-License-Identifier: MIT */
/* periods.c: agent-stack --format table (periods.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "periods.h"
#include "report.h"

static const char *const by_names[PT_NBY] = {
	"day", "week", "month", "session", "model", "project", "agent",
};

int pt_by_name(const char *name)
{
	for (int i = 0; i < PT_NBY; i++)
		if (!strcmp(name, by_names[i]))
			return i;
	return -1;
}

/* --- time zones -------------------------------------------------------------- */

static char tzname_buf[256];

/* A name from the zone database exists as a file under $TZDIR or
 * /usr/share/zoneinfo; a POSIX rule ("CET-1CEST,M3.5.0,M10.5.0/3") has
 * digits.  glibc takes an unknown name for UTC without a word: refuse it. */
static bool zone_exists(const char *tz)
{
	if (!strcmp(tz, "UTC") || strpbrk(tz, "0123456789,<"))
		return true;
	if (strstr(tz, "..") || tz[0] == '/')
		return tz[0] == '/' && access(tz, R_OK) == 0;
	const char *dir = getenv("TZDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	return access(path, R_OK) == 0;
}

bool pt_set_tz(const char *tz)
{
	if (tz) {
		const char *z = tz[0] == ':' ? tz + 1 : tz;
		if (!*z || !zone_exists(z))
			return false;
		setenv("TZ", tz, 1);
		snprintf(tzname_buf, sizeof tzname_buf, "%s", z);
	} else {
		const char *env = getenv("TZ");
		char link[4096];
		ssize_t n;
		if (env && *env) {
			snprintf(tzname_buf, sizeof tzname_buf, "%s", env[0] == ':' ? env + 1 : env);
		} else if ((n = readlink("/etc/localtime", link, sizeof link - 1)) > 0) {
			link[n] = 0;
			const char *z = strstr(link, "zoneinfo/");
			snprintf(tzname_buf, sizeof tzname_buf, "%s", z ? z + 9 : "local");
		} else {
			snprintf(tzname_buf, sizeof tzname_buf, "local");
		}
	}
	tzset();
	return true;
}

const char *pt_tz_name(void)
{
	return tzname_buf[0] ? tzname_buf : "local";
}

void pt_period(int64_t ts, enum pt_by by, char out[32])
{
	if (ts == TS_NONE) {
		snprintf(out, 32, "unknown");
		return;
	}
	int64_t s = ts / 1000 - (ts % 1000 < 0);
	time_t t = (time_t)s;
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(out, 32, "unknown");
		return;
	}
	/* ISO 8601 weeks: Monday first, the year that holds the week's Thursday */
	strftime(out, 32, by == PT_WEEK ? "%G-W%V" : by == PT_MONTH ? "%Y-%m" : "%Y-%m-%d", &tm);
}

/* --- the four views ---------------------------------------------------------------- */

enum { V_TOKENS, V_COST, V_TASKS, V_TIME, V_N };
static const enum sv_view view_of[V_N] = {SV_TOKENS, SV_COST, SV_TASKS, SV_TIME};
enum { K_INPUT, K_OUTPUT, K_CACHE_READ, K_CACHE_WRITE, K_N };
static const char *const kind_name[K_N] = {"input", "output", "cache_read", "cache_write"};

struct row {
	uint32_t name;          /* interned in pt.names */
	int64_t tok[K_N], cost, unpriced, calls, tools, active;
};

struct pt {
	enum pt_by by;
	struct sv *sv[V_N];
	struct intern names;
	struct row *r;
	size_t nr, capr;
	struct hmap idx;        /* name id -> row */
	struct row total;
	bool cost_seen;
	uint64_t matched;
};

static void group(void *arg, const struct event *e, const char *session, const char *project,
	struct sbuf *b)
{
	const struct pt *t = arg;
	char p[32];
	const char *v;
	switch (t->by) {
	case PT_SESSION: v = session && *session ? session : "unknown"; break;
	case PT_MODEL: v = e->model && *e->model ? e->model : "-"; break;
	case PT_PROJECT: v = project; break;
	case PT_AGENT: v = e->agent && *e->agent ? e->agent : "unknown"; break;
	default:
		pt_period(e->ts, t->by, p);
		v = p;
	}
	frame_add(b, "group", v);
}

struct pt *pt_new(const struct sv_opts *o, enum pt_by by)
{
	struct pt *t = xcalloc(1, sizeof *t);
	t->by = by;
	for (int i = 0; i < V_N; i++) {
		struct sv_opts v = *o;
		v.view = view_of[i];
		v.kinds = 0xf;
		v.hook = NULL;
		v.hook_arg = NULL;
		v.timeline = false;
		v.group = group;
		v.group_arg = t;
		t->sv[i] = sv_new(&v);
	}
	return t;
}

void pt_record(struct pt *t, const struct event *e)
{
	for (int i = 0; i < V_N; i++)
		sv_record(t->sv[i], e);
}

/* The group of stack s (its first frame's value), its length in *n. */
static const char *group_of(const char *s, size_t len, size_t *n)
{
	const char *v = s + 6;   /* "group:" */
	const char *end = memchr(v, ';', len - 6);
	*n = end ? (size_t)(end - v) : len - 6;
	return v;
}

static struct row *row_of(struct pt *t, const char *name, size_t n)
{
	uint32_t id = intern_id(&t->names, name, n);
	bool isnew;
	int64_t *v = hm_put(&t->idx, id + 1, &isnew);
	if (isnew) {
		GROW(t->r, t->nr, t->capr);
		memset(&t->r[t->nr], 0, sizeof *t->r);
		t->r[t->nr].name = id;
		*v = (int64_t)t->nr++;
	}
	return &t->r[*v];
}

static bool has(const char *s, size_t n, const char *frame)
{
	return memmem(s, n, frame, strlen(frame)) != NULL;
}

/* The cost view's stacks without their group frame, each shared out to
 * its groups: whole micro-dollars, the rounded weight of the stack as the
 * cost view prints it, by largest remainder (ties to the group first
 * seen), so that the rows add up to the view's total exactly. */
struct share {
	uint32_t stack;         /* the stack without its group, interned */
	size_t row;
	double w;
};

static int cmp_share(const void *a, const void *b)
{
	const struct share *x = a, *y = b;
	if (x->stack != y->stack)
		return x->stack < y->stack ? -1 : 1;
	double fx = x->w - floor(x->w), fy = y->w - floor(y->w);
	if (fx != fy)
		return fx > fy ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

static void share_cost(struct pt *t, const struct stacks *st)
{
	struct intern rest = {0};
	struct share *sh = xmalloc((st->n ? st->n : 1) * sizeof *sh);
	size_t n = 0;
	for (size_t i = 0; i < st->n; i++) {
		const char *s = stacks_str(st, i);
		size_t len = stacks_len(st, i), gn;
		const char *g = group_of(s, len, &gn);
		struct row *r = row_of(t, g, gn);
		if (has(s, len, ";price:unknown")) {
			r->unpriced += stacks_weight(st, i);
			continue;
		}
		const char *after = g + gn;
		size_t an = len - (size_t)(after - s);
		sh[n++] = (struct share){intern_id(&rest, after, an), (size_t)(r - t->r), st->w[i]};
	}
	qsort(sh, n, sizeof *sh, cmp_share);
	for (size_t a = 0; a < n;) {
		size_t b = a;
		double sum = 0;
		int64_t floors = 0;
		while (b < n && sh[b].stack == sh[a].stack) {
			sum += sh[b].w;
			floors += (int64_t)floor(sh[b].w);
			b++;
		}
		int64_t whole = llround(sum);
		if (whole < 0)
			whole = 0;
		int64_t left = whole - floors;
		for (size_t k = a; k < b; k++) {
			int64_t c = (int64_t)floor(sh[k].w) + (left > 0);
			if (left > 0)
				left--;
			t->r[sh[k].row].cost += whole ? c : 0;
		}
		a = b;
	}
	free(sh);
	intern_free(&rest);
}

void pt_finish(struct pt *t)
{
	for (int i = 0; i < V_N; i++)
		sv_finish(t->sv[i]);
	t->matched = sv_matched(t->sv[V_TASKS]);
	for (int v = 0; v < V_N; v++) {
		const struct stacks *st = sv_stacks(t->sv[v]);
		if (v == V_COST) {
			share_cost(t, st);
			continue;
		}
		for (size_t i = 0; i < st->n; i++) {
			int64_t w = stacks_weight(st, i);
			if (w <= 0)
				continue;
			const char *s = stacks_str(st, i);
			size_t len = stacks_len(st, i), gn;
			const char *g = group_of(s, len, &gn);
			struct row *r = row_of(t, g, gn);
			if (v == V_TOKENS) {
				const char *k = strrchr(s, ';');
				for (int j = 0; j < K_N; j++)
					if (k && !strncmp(k + 1, "kind:", 5) && !strcmp(k + 6, kind_name[j]))
						r->tok[j] += w;
			} else if (v == V_TASKS) {
				if (has(s, len, ";kind:llm;"))
					r->calls += w;
				else if (has(s, len, ";kind:tool;"))
					r->tools += w;
			} else if (!has(s, len, ";kind:wait;")) {
				r->active += w;
			}
		}
	}
	struct row *T = &t->total;
	for (size_t i = 0; i < t->nr; i++) {
		const struct row *r = &t->r[i];
		for (int j = 0; j < K_N; j++)
			T->tok[j] += r->tok[j];
		T->cost += r->cost, T->unpriced += r->unpriced, T->calls += r->calls;
		T->tools += r->tools, T->active += r->active;
	}
}

uint64_t pt_matched(const struct pt *t)
{
	return t->matched;
}

static int64_t tokens(const struct row *r)
{
	return r->tok[K_INPUT] + r->tok[K_OUTPUT] + r->tok[K_CACHE_READ] + r->tok[K_CACHE_WRITE];
}

static const struct pt *sort_pt;

/* Periods in time order ("unknown" last); other groups by cost, then
 * tokens, heaviest first, then by name. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = &sort_pt->r[*(const size_t *)a], *y = &sort_pt->r[*(const size_t *)b];
	const char *nx = intern_at(&sort_pt->names, x->name), *ny = intern_at(&sort_pt->names, y->name);
	if (sort_pt->by <= PT_MONTH) {
		bool ux = !strcmp(nx, "unknown"), uy = !strcmp(ny, "unknown");
		if (ux != uy)
			return ux ? 1 : -1;
	} else {
		if (x->cost != y->cost)
			return x->cost > y->cost ? -1 : 1;
		if (tokens(x) != tokens(y))
			return tokens(x) > tokens(y) ? -1 : 1;
	}
	return strcmp(nx, ny);
}

static size_t *sorted_rows(const struct pt *t)
{
	size_t *ix = xmalloc((t->nr ? t->nr : 1) * sizeof *ix);
	for (size_t i = 0; i < t->nr; i++)
		ix[i] = i;
	sort_pt = t;
	if (t->nr > 1)
		qsort(ix, t->nr, sizeof *ix, cmp_row);
	return ix;
}

/* --- text ------------------------------------------------------------------------- */

enum { C_NAME, C_INPUT, C_OUTPUT, C_CREAD, C_CWRITE, C_TOKENS, C_COST, C_CALLS, C_TOOLS,
	C_ACTIVE, C_N };
static const char *const col_head[C_N] = {
	NULL, "input", "output", "cache_read", "cache_write", "tokens", "cost", "calls", "tools",
	"active",
};

static void cells(const struct pt *t, const struct row *r, const char *name, struct sbuf c[C_N])
{
	for (int i = 0; i < C_N; i++)
		sb_reset(&c[i]);
	sb_adds(&c[C_NAME], name);
	for (int j = 0; j < K_N; j++)
		sb_addi(&c[C_INPUT + j], r->tok[j]);
	sb_addi(&c[C_TOKENS], tokens(r));
	rp_weight(&c[C_COST], SV_COST, (double)r->cost);
	sb_addi(&c[C_CALLS], r->calls);
	sb_addi(&c[C_TOOLS], r->tools);
	rp_ms(&c[C_ACTIVE], r->active);
}

/* Display width: UTF-8 characters. */
static size_t width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void pt_table(struct pt *t, struct sbuf *out)
{
	size_t *ix = sorted_rows(t);
	struct sbuf c[C_N] = {{0}};
	size_t w[C_N] = {0};
	char head[320];
	if (t->by <= PT_MONTH)
		snprintf(head, sizeof head, "%s (%s)", by_names[t->by], pt_tz_name());
	else
		snprintf(head, sizeof head, "%s", by_names[t->by]);
	for (int i = 0; i < C_N; i++)
		w[i] = width(i ? col_head[i] : head);
	/* two passes: widths, then the lines */
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			for (int i = 0; i < C_N; i++) {
				const char *h = i ? col_head[i] : head;
				if (i)
					sb_adds(out, "  ");
				if (!i)
					sb_adds(out, h);
				for (size_t k = width(h); k < w[i]; k++)
					sb_addc(out, ' ');
				if (i)
					sb_adds(out, h);
			}
			sb_addc(out, '\n');
		}
		for (size_t k = 0; k <= t->nr; k++) {
			const struct row *r = k < t->nr ? &t->r[ix[k]] : &t->total;
			cells(t, r, k < t->nr ? intern_at(&t->names, r->name) : "total", c);
			for (int i = 0; i < C_N; i++) {
				size_t cw = width(c[i].p);
				if (!pass) {
					if (cw > w[i])
						w[i] = cw;
					continue;
				}
				if (i)
					sb_adds(out, "  ");
				if (!i)
					sb_adds(out, c[i].p);
				for (size_t s = cw; s < w[i]; s++)
					sb_addc(out, ' ');
				if (i)
					sb_adds(out, c[i].p);
			}
			if (pass)
				sb_addc(out, '\n');
		}
	}
	sb_adds(out, "cost: estimated from the usage recorded in transcripts, not the bill\n");
	if (t->total.unpriced)
		sb_printf(out, "%lld model call%s of unpriced models %s not in cost "
			"(agent-stack --view cost names them)\n", (long long)t->total.unpriced,
			t->total.unpriced == 1 ? "" : "s", t->total.unpriced == 1 ? "is" : "are");
	for (int i = 0; i < C_N; i++)
		sb_free(&c[i]);
	free(ix);
}

/* --- JSON -------------------------------------------------------------------------- */

static void jrow(const struct pt *t, const struct row *r, const char *key, const char *name,
	struct sbuf *o)
{
	sb_addc(o, '{');
	if (key) {
		sb_json_str(o, key, strlen(key));
		sb_addc(o, ':');
		sb_json_str(o, name, strlen(name));
		sb_addc(o, ',');
	}
	for (int j = 0; j < K_N; j++)
		sb_printf(o, "\"%s\":%lld,", kind_name[j], (long long)r->tok[j]);
	sb_printf(o, "\"tokens\":%lld,\"cost\":%lld,\"unpriced_calls\":%lld,\"calls\":%lld,"
		"\"tools\":%lld,\"active_ms\":%lld}", (long long)tokens(r), (long long)r->cost,
		(long long)r->unpriced, (long long)r->calls, (long long)r->tools, (long long)r->active);
}

void pt_json(struct pt *t, struct sbuf *o)
{
	size_t *ix = sorted_rows(t);
	sb_printf(o, "{\"by\":\"%s\",", by_names[t->by]);
	if (t->by <= PT_MONTH) {
		sb_adds(o, "\"tz\":");
		sb_json_str(o, pt_tz_name(), strlen(pt_tz_name()));
		sb_addc(o, ',');
	}
	sb_adds(o, "\"units\":{\"tokens\":\"tokens\",\"cost\":\"microdollars\","
		"\"active_ms\":\"milliseconds\"},"
		"\"note\":\"estimated from the usage recorded in transcripts, not the bill\","
		"\"rows\":[");
	for (size_t k = 0; k < t->nr; k++) {
		const struct row *r = &t->r[ix[k]];
		if (k)
			sb_addc(o, ',');
		jrow(t, r, by_names[t->by], intern_at(&t->names, r->name), o);
	}
	sb_adds(o, "],\"total\":");
	jrow(t, &t->total, NULL, NULL, o);
	sb_adds(o, "}\n");
	free(ix);
}

void pt_free(struct pt *t)
{
	if (!t)
		return;
	for (int i = 0; i < V_N; i++)
		sv_free(t->sv[i]);
	intern_free(&t->names);
	hm_free(&t->idx);
	free(t->r);
	free(t);
}
