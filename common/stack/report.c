/* SPDX-License-Identifier: MIT */
/* report.c: latency, context use, parallelism and the short report of
 * agent-stack.  Records arrive through the view's hook (so the selectors
 * mean what they mean for the views); each prompt, model call and tool
 * call keeps one struct rcall until the end, where the numbers are made. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "report.h"
#include "toolkind.h"

enum { RC_PROMPT, RC_LLM, RC_TOOL };
enum { T_IN, T_CR, T_CW, T_OUT };

struct rcall {
	uint8_t type, tkind;
	bool human, err, writes, cls_ok, cls_bad, indep;
	bool upd;               /* tokens of an update whose call never came: no call */
	bool nousage, rounded;  /* usage "none" (no tokens), "rounded" (agent-event(5)) */
	uint32_t sess, name, agent, ptag;
	uint32_t sub;           /* the subagent's type, "(main)" for the session's own */
	uint64_t pkey;          /* tool: llm_key of the model call that asked for it, 0 none */
	uint64_t thread;        /* prompt id and subagent: one line of work */
	int64_t ts, dur;        /* dur EV_NONE: unknown */
	int64_t lat, wait;      /* as the time view charges it (EV_NONE unknown), and cut */
	int64_t ref;            /* the view's time-line item */
	size_t order;
	int64_t tk[4];
	double cost, cw_cost;   /* microdollars; cost NAN: unpriced */
	int64_t window;         /* 0: unknown */
	struct tokens t;        /* a model call's tokens, updates added */
};

/* An update ("update":true) that came before its call. */
struct rupd {
	uint32_t sess, name, agent, ptag;
	uint64_t key;
	struct tokens t;
};

struct rsess {
	uint32_t id, agent, project, tag;
	int64_t first, last;
	int64_t active, model, tools, busy;   /* ms of active time: all, model, tools, either */
	uint64_t key;
};

/* A repeated piece of work (REPORT, budget): a file read, a failing
 * test command, a search command, in one session; key interned. */
enum { RP_READ, RP_TEST, RP_SEARCH };
struct rrep {
	uint32_t sess, key;
	uint8_t what;
	uint64_t tool;          /* tool_key of the tool call it was part of */
};

struct burst {
	uint32_t sess, ptag;
	size_t first, n;        /* into the sorted tool index */
	int64_t ts, serial, parallel;
};

struct rp {
	struct rp_opts o;
	/* the budget's scratch, by call and by session: allocated once and
	 * cleared entry by entry, so that a report of many sessions stays
	 * linear (a zeroed array per session was quadratic) */
	size_t *asked;          /* tool calls that each model call asked for */
	size_t *rrat, *rrix;    /* the repeat records by session: rrix[rrat[s]..rrat[s+1]) */
	struct intern str;      /* interned strings */
	struct rsess *ss;
	size_t nss, capss;
	struct hmap ssidx;
	struct rcall *c;
	size_t nc, capc;
	struct hmap tidx;       /* (session, tool id) -> call */
	struct hmap lidx;       /* (session, model call id) -> call */
	struct rupd *u;         /* updates waiting for their call */
	size_t nu, capu;
	bool done;
	size_t *tools;          /* tool calls by session, line of work, time */
	size_t ntools;
	struct burst *b;
	size_t nb, capb;
	struct rrep *rr;
	size_t nrr, caprr;
	/* by session, in the order collected: the calls of session i are
	 * c[cix[cat[i]]] .. c[cix[cat[i + 1] - 1]], its bursts likewise
	 * through bix and bat (index_sessions) */
	size_t *cat, *cix, *bat, *bix;
	const struct sv *sv;    /* the view, whose time lines give active time */
};

static uint32_t in(struct rp *p, const char *s)
{
	s = s ? s : "unknown";
	return intern_id(&p->str, s, strlen(s));
}

static const char *S(const struct rp *p, uint32_t i)
{
	return intern_at(&p->str, i);
}

struct rp *rp_new(const struct rp_opts *o)
{
	struct rp *p = xcalloc(1, sizeof *p);
	p->o = *o;
	in(p, "unknown");
	return p;
}

/* --- collecting -------------------------------------------------------------- */

static bool reading_class(const char *c)
{
	return !strcmp(c, "search") || !strcmp(c, "read");
}

static uint32_t session_of(struct rp *p, const struct sv_rec *r)
{
	uint64_t k = hash64(r->session, strlen(r->session), 0x5e55);
	bool ins;
	int64_t *v = hm_put(&p->ssidx, k, &ins);
	if (ins) {
		GROW(p->ss, p->nss, p->capss);
		p->ss[p->nss] = (struct rsess){in(p, r->session), in(p, r->agent), in(p, r->project),
			in(p, r->session_tag), TS_NONE, TS_NONE, 0, 0, 0, 0, k};
		*v = (int64_t)p->nss++;
	}
	return (uint32_t)*v;
}

static uint64_t tool_key(const struct rsess *s, const char *id)
{
	return hash64(id, strlen(id), s->key);
}

static uint64_t llm_key(const struct rsess *s, const char *id)
{
	return hash64(id, strlen(id), s->key ^ 0x11a7ca11u);
}

/* Effects that may repeat: a file read (by its path in the project),
 * a failing test command, a search command (by their argv). */
static void repeat_effect(struct rp *p, const struct event *e, uint32_t si)
{
	if (!e->effect)
		return;
	uint8_t what;
	struct sbuf k = {0};
	if (!strcmp(e->effect, "read") && e->path && (!e->class || !strcmp(e->class, "read"))) {
		what = RP_READ;
		path_group(&k, e->path, e->cwd, e->cwd, 64);
		/* outside the project a path is only its bucket: not one file */
		if (!strncmp(k.p, "external/", 9)) {
			sb_free(&k);
			return;
		}
	} else if (!strcmp(e->effect, "exec") && e->class && e->nargv &&
		   ((!strcmp(e->class, "test") && e->status && !strcmp(e->status, "error")) ||
		    !strcmp(e->class, "search"))) {
		what = !strcmp(e->class, "test") ? RP_TEST : RP_SEARCH;
		for (int i = 0; i < e->nargv && k.len < 200; i++) {
			if (i)
				sb_addc(&k, ' ');
			/* an absolute path names no home: its project path or bucket */
			if (e->argv[i][0] == '/' || e->argv[i][0] == '~')
				path_group(&k, e->argv[i], e->cwd, e->cwd, 64);
			else
				sb_adds(&k, e->argv[i]);
		}
	} else {
		return;
	}
	struct sbuf cl = {0};
	label_clean(&cl, k.p, k.len);
	GROW(p->rr, p->nrr, p->caprr);
	p->rr[p->nrr++] = (struct rrep){si, in(p, cl.p), what, tool_key(&p->ss[si], e->parent)};
	sb_free(&k);
	sb_free(&cl);
}

static void on_effect(struct rp *p, const struct event *e, const struct sv_rec *r)
{
	if (!e->parent)
		return;
	uint32_t si = session_of(p, r);   /* may grow p->ss: before p->ss is read */
	if (r->selected)
		repeat_effect(p, e, si);
	int64_t *v = hm_get(&p->tidx, tool_key(&p->ss[si], e->parent));
	if (!v)
		return;
	struct rcall *c = &p->c[*v];
	if (e->effect && (!strcmp(e->effect, "write") || !strcmp(e->effect, "delete") ||
	    !strcmp(e->effect, "rename")))
		c->writes = true;
	if (e->class && e->effect && !strcmp(e->effect, "exec")) {
		if (reading_class(e->class))
			c->cls_ok = true;
		else
			c->cls_bad = true;
	}
}

static void llm_numbers(struct rp *p, struct rcall *c, const char *model, bool has_tokens)
{
	const struct tokens *t = &c->t;
	c->tk[T_IN] = t->input, c->tk[T_CR] = t->cache_read;
	c->tk[T_CW] = t->cache_write, c->tk[T_OUT] = t->output;
	c->cost = NAN;
	const struct price *pr = p->o.prices ? prices_find(p->o.prices, model) : NULL;
	if (pr) {
		c->cost = 0;
		for (int k = PR_INPUT; k <= PR_CACHE_WRITE; k++)
			c->cost += price_cost(pr, t, k);
		c->cw_cost = price_cost(pr, t, PR_CACHE_WRITE);
		c->window = pr->context;
	}
	if (!has_tokens)
		c->cost = 0;
}

static void tk_add(struct tokens *a, const struct tokens *b)
{
	a->input += b->input, a->cache_read += b->cache_read, a->cache_write += b->cache_write;
	a->cache_write_1h += b->cache_write_1h, a->output += b->output;
	a->reasoning += b->reasoning;
}

/* An update adds its tokens (and so their cost) to its call, never a call
 * of its own; one that comes before its call waits for it (finish). */
static void on_update(struct rp *p, const struct event *e, const struct sv_rec *r)
{
	if (!e->id || !e->has_tokens)
		return;
	uint32_t si = session_of(p, r);
	uint64_t k = llm_key(&p->ss[si], e->id);
	int64_t *v = hm_get(&p->lidx, k);
	if (v) {
		struct rcall *c = &p->c[*v];
		tk_add(&c->t, &e->tokens);
		llm_numbers(p, c, S(p, c->name), true);
		return;
	}
	GROW(p->u, p->nu, p->capu);
	p->u[p->nu++] = (struct rupd){si, in(p, e->model), in(p, r->agent), in(p, r->prompt_tag), k,
		e->tokens};
}

void rp_hook(void *arg, const struct event *e, const struct sv_rec *r)
{
	struct rp *p = arg;
	int type = !strcmp(e->kind, "prompt") ? RC_PROMPT : !strcmp(e->kind, "llm") ? RC_LLM
		: !strcmp(e->kind, "tool") ? RC_TOOL : -1;
	if (!strcmp(e->kind, "effect")) {
		on_effect(p, e, r);
		return;
	}
	if (type < 0 || !r->selected)
		return;
	/* a session total (usage "session") is tokens of no call: an update
	 * whose call never comes */
	if (type == RC_LLM && (e->update || (e->usage && !strcmp(e->usage, "session")))) {
		on_update(p, e, r);
		return;
	}
	uint32_t si = session_of(p, r);
	struct rsess *s = &p->ss[si];
	if (e->ts != TS_NONE) {
		if (s->first == TS_NONE || e->ts < s->first)
			s->first = e->ts;
		if (s->last == TS_NONE || e->ts > s->last)
			s->last = e->ts;
	}
	GROW(p->c, p->nc, p->capc);
	struct rcall *c = &p->c[p->nc];
	memset(c, 0, sizeof *c);
	c->type = (uint8_t)type;
	c->sess = si;
	c->agent = in(p, r->agent);
	c->ptag = in(p, r->prompt_tag);
	c->sub = in(p, e->subagent ? (e->subagent_type ? e->subagent_type : "task") : "(main)");
	const char *pid = type == RC_PROMPT && e->id ? e->id : e->prompt ? e->prompt : "";
	c->thread = hash64(pid, strlen(pid), e->subagent ? hash64(e->subagent, strlen(e->subagent), 1) : 0);
	c->ts = e->ts;
	c->dur = e->duration_ms != EV_NONE && e->duration_ms >= 0 ? e->duration_ms : EV_NONE;
	c->ref = r->ref;
	p->sv = r->sv;
	c->order = p->nc;
	if (type == RC_PROMPT) {
		c->human = !e->origin || !strcmp(e->origin, "human");
		c->name = in(p, "prompt");
	} else if (type == RC_LLM) {
		c->name = in(p, e->model);
		if (e->has_tokens)
			c->t = e->tokens;
		c->nousage = !e->has_tokens && e->usage && !strcmp(e->usage, "none");
		c->rounded = e->has_tokens && e->usage && !strcmp(e->usage, "rounded");
		llm_numbers(p, c, e->model, e->has_tokens);
		if (e->id) {
			bool isnew;
			int64_t *v = hm_put(&p->lidx, llm_key(s, e->id), &isnew);
			if (isnew)
				*v = (int64_t)p->nc;
		}
	} else {
		const char *tool = e->tool && *e->tool ? e->tool : "unknown";
		c->name = in(p, tool[0] == '/' ? "unknown" : tool);
		c->err = e->status && !strcmp(e->status, "error");
		c->tkind = (uint8_t)tool_kind_parse(e->tool_kind, e->tool_kind ? strlen(e->tool_kind) : 0);
		if (e->class) {
			if (reading_class(e->class))
				c->cls_ok = true;
			else
				c->cls_bad = true;
		}
		if (e->id) {
			int64_t *v = hm_put(&p->tidx, tool_key(s, e->id), NULL);
			*v = (int64_t)p->nc;
		}
		if (e->parent)
			c->pkey = llm_key(s, e->parent);
	}
	p->nc++;
}

/* --- the numbers ------------------------------------------------------------------ */

static const struct rp *sort_p;

static int cmp_thread(const void *a, const void *b)
{
	const struct rcall *x = &sort_p->c[*(const size_t *)a], *y = &sort_p->c[*(const size_t *)b];
	if (x->sess != y->sess)
		return x->sess < y->sess ? -1 : 1;
	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* Active time and the times of calls as the time view weighs them (one
 * time line per session, laid out by the view: stackview.c), so that the
 * two agree exactly.  The model's and the tools' shares are the parts of
 * the active time their calls own; the rest (the prompt's) is other. */
static void active_time(struct rp *p)
{
	for (size_t i = 0; i < p->nc; i++) {
		struct rcall *c = &p->c[i];
		c->lat = EV_NONE, c->wait = 0;
		if (c->type != RC_PROMPT && p->sv && !sv_call_time(p->sv, c->ref, &c->lat, &c->wait))
			c->lat = EV_NONE;
	}
	for (size_t i = 0; i < p->nss; i++) {
		struct rsess *s = &p->ss[i];
		if (p->sv && sv_session_time(p->sv, S(p, s->id), &s->active, &s->model, &s->tools))
			s->busy = s->model + s->tools;
	}
}

static bool independent(const struct rcall *c)
{
	if (c->writes)
		return false;
	/* reading, searching, listing, fetching; a command only when all it
	 * ran only reads */
	return c->tkind == TK_READ || c->tkind == TK_SEARCH || c->tkind == TK_LIST ||
		c->tkind == TK_WEB || (c->tkind == TK_SHELL && c->cls_ok && !c->cls_bad);
}

/* A call that may be in a burst: independent, with a time and a duration
 * no longer than the idle cap (a longer one waited for a person, most
 * likely a permission prompt, and running it in parallel saves nothing). */
static bool burstable(const struct rp *p, const struct rcall *c)
{
	return independent(c) && c->ts != TS_NONE && c->dur != EV_NONE &&
		(!p->o.idle_cap || c->dur <= p->o.idle_cap);
}

/* Bursts: runs of at least two independent tool calls of one line of
 * work, each started at or after the end of the one before. */
static void bursts(struct rp *p)
{
	p->tools = xmalloc((p->nc ? p->nc : 1) * sizeof *p->tools);
	for (size_t i = 0; i < p->nc; i++)
		if (p->c[i].type == RC_TOOL)
			p->tools[p->ntools++] = i;
	sort_p = p;
	sort_n(p->tools, p->ntools, sizeof *p->tools, cmp_thread);
	size_t start = 0, n = 0;
	for (size_t k = 0; k <= p->ntools; k++) {
		const struct rcall *c = k < p->ntools ? &p->c[p->tools[k]] : NULL;
		bool ok = c && burstable(p, c);
		if (ok && n) {
			const struct rcall *prev = &p->c[p->tools[k - 1]];
			ok = prev->sess == c->sess && prev->thread == c->thread && c->ts >= prev->ts + prev->dur;
		}
		if (ok) {
			if (!n)
				start = k;
			n++;
			continue;
		}
		if (n >= 2) {
			struct burst b = {p->c[p->tools[start]].sess, p->c[p->tools[start]].ptag, start, n,
				p->c[p->tools[start]].ts, 0, 0};
			for (size_t j = start; j < start + n; j++) {
				int64_t d = p->c[p->tools[j]].dur;
				b.serial += d;
				if (d > b.parallel)
					b.parallel = d;
			}
			if (b.serial > b.parallel) {
				GROW(p->b, p->nb, p->capb);
				p->b[p->nb++] = b;
			}
		}
		n = 0;
		/* an independent call that could not join starts the next run */
		if (c && burstable(p, c))
			start = k, n = 1;
	}
}

static void finish(struct rp *p)
{
	if (p->done)
		return;
	p->done = true;
	/* updates that came before their call; those whose call never came
	 * keep their tokens as no call (agent-stack(1), Updates) */
	for (size_t i = 0; i < p->nu; i++) {
		const struct rupd *u = &p->u[i];
		int64_t *v = hm_get(&p->lidx, u->key);
		struct rcall *c;
		if (v) {
			c = &p->c[*v];
		} else {
			GROW(p->c, p->nc, p->capc);
			c = &p->c[p->nc];
			memset(c, 0, sizeof *c);
			c->type = RC_LLM, c->upd = true, c->sess = u->sess, c->name = u->name;
			c->agent = u->agent, c->ptag = u->ptag, c->ts = TS_NONE, c->dur = EV_NONE;
			c->ref = -1, c->order = p->nc;
			*hm_put(&p->lidx, u->key, NULL) = (int64_t)p->nc++;
		}
		tk_add(&c->t, &u->t);
		llm_numbers(p, c, S(p, c->name), true);
	}
	p->nu = 0;
	active_time(p);
	bursts(p);
}

static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

/* Nearest rank: the smallest value with at least q percent of the values
 * at or below it, v sorted ascending. */
static int64_t rank_pct(const int64_t *v, size_t n, int q)
{
	size_t r = ((size_t)q * n + 99) / 100;
	return v[r ? r - 1 : 0];
}

static void padl(struct sbuf *o, const char *s, int w)
{
	for (int i = (int)strlen(s); i < w; i++)
		sb_addc(o, ' ');
	sb_adds(o, s);
}

static void padr(struct sbuf *o, const char *s, int w)
{
	sb_adds(o, s);
	for (int i = (int)strlen(s); i < w; i++)
		sb_addc(o, ' ');
}

static void col_ms(struct sbuf *o, int64_t ms, int w)
{
	struct sbuf t = {0};
	rp_ms(&t, ms);
	padl(o, t.p, w);
	sb_free(&t);
}

static void short_id(struct sbuf *b, const char *id)
{
	sb_add(b, id, strlen(id) > 12 ? 12 : strlen(id));
}

/* --- latency ------------------------------------------------------------------- */

struct lrow {
	uint32_t agent, name;
	int type;
	size_t n;
	int64_t total, p50, p95, p99, max;
};

static int cmp_lat(const void *a, const void *b)
{
	const struct rcall *x = &sort_p->c[*(const size_t *)a], *y = &sort_p->c[*(const size_t *)b];
	int c = strcmp(S(sort_p, x->agent), S(sort_p, y->agent));
	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if ((c = strcmp(S(sort_p, x->name), S(sort_p, y->name))))
		return c;
	return (x->lat > y->lat) - (x->lat < y->lat);
}

static int cmp_lrow(const void *a, const void *b)
{
	const struct lrow *x = a, *y = b;
	int c = strcmp(S(sort_p, x->agent), S(sort_p, y->agent));
	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(S(sort_p, x->name), S(sort_p, y->name));
}

static void latency_table(struct rp *p, struct sbuf *o)
{
	size_t *ix = xmalloc((p->nc ? p->nc : 1) * sizeof *ix), n = 0, nolat[3] = {0}, nwait = 0;
	int64_t waited = 0;
	for (size_t i = 0; i < p->nc; i++) {
		if (p->c[i].type == RC_PROMPT || p->c[i].upd)
			continue;
		if (p->c[i].lat == EV_NONE)
			nolat[p->c[i].type]++;
		else
			ix[n++] = i;
		if (p->c[i].wait > 0)
			nwait++, waited += p->c[i].wait;
	}
	sort_p = p;
	sort_n(ix, n, sizeof *ix, cmp_lat);
	struct lrow *rows = xmalloc((n ? n : 1) * sizeof *rows);
	int64_t *v = xmalloc((n ? n : 1) * sizeof *v);
	size_t nr = 0;
	for (size_t k = 0; k < n;) {
		const struct rcall *c = &p->c[ix[k]];
		size_t j = k, m = 0;
		struct lrow r = {c->agent, c->name, c->type, 0, 0, 0, 0, 0, 0};
		while (j < n && p->c[ix[j]].agent == c->agent && p->c[ix[j]].type == c->type &&
		    p->c[ix[j]].name == c->name) {
			v[m++] = p->c[ix[j]].lat;
			r.total += p->c[ix[j]].lat;
			j++;
		}
		r.n = m;
		r.p50 = rank_pct(v, m, 50), r.p95 = rank_pct(v, m, 95), r.p99 = rank_pct(v, m, 99);
		r.max = v[m - 1];
		rows[nr++] = r;
		k = j;
	}
	sort_n(rows, nr, sizeof *rows, cmp_lrow);
	int aw = 5, nw = 4;
	for (size_t i = 0; i < nr; i++) {
		int l = (int)strlen(S(p, rows[i].agent)), m = (int)strlen(S(p, rows[i].name));
		aw = l > aw ? l : aw;
		nw = m > nw ? m : nw;
	}
	nw = nw > 40 ? 40 : nw;
	sb_adds(o, "latency of model calls and tool calls (wall time up to the idle cap; percentiles by "
		"nearest rank)\n");
	padr(o, "agent", aw);
	sb_adds(o, "  kind   ");
	padr(o, "name", nw);
	sb_adds(o, "  count     total      mean       p50       p95       p99       max\n");
	for (size_t i = 0; i < nr; i++) {
		const struct lrow *r = &rows[i];
		padr(o, S(p, r->agent), aw);
		sb_adds(o, r->type == RC_LLM ? "  model  " : "  tool   ");
		padr(o, S(p, r->name), nw);
		sb_printf(o, "  %5zu ", r->n);
		col_ms(o, r->total, 9);
		col_ms(o, (r->total + (int64_t)r->n / 2) / (int64_t)r->n, 10);
		col_ms(o, r->p50, 10);
		col_ms(o, r->p95, 10);
		col_ms(o, r->p99, 10);
		col_ms(o, r->max, 10);
		sb_addc(o, '\n');
	}
	if (nolat[RC_LLM] || nolat[RC_TOOL])
		sb_printf(o, "without a duration, left out: %zu model calls, %zu tool calls\n",
			nolat[RC_LLM], nolat[RC_TOOL]);
	if (nwait) {
		struct sbuf w = {0};
		rp_ms(&w, waited);
		sb_printf(o, "cut as waiting (past the idle cap), left out: %zu call%s, %s\n", nwait,
			nwait == 1 ? "" : "s", w.p);
		sb_free(&w);
	}
	free(rows);
	free(v);
	free(ix);
}

static int cmp_sess_first(const void *a, const void *b)
{
	const struct rsess *x = &sort_p->ss[*(const size_t *)a], *y = &sort_p->ss[*(const size_t *)b];
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return strcmp(S(sort_p, x->id), S(sort_p, y->id));
}

static size_t *sessions_by_time(struct rp *p)
{
	size_t *ix = xmalloc((p->nss ? p->nss : 1) * sizeof *ix);
	for (size_t i = 0; i < p->nss; i++)
		ix[i] = i;
	sort_p = p;
	sort_n(ix, p->nss, sizeof *ix, cmp_sess_first);
	return ix;
}

static void share_line(struct sbuf *o, const struct rsess *s)
{
	col_ms(o, s->active, 9);
	double a = (double)s->active;
	sb_printf(o, "  %6.1f%%  %6.1f%%  %6.1f%%\n", pct((double)s->model, a),
		pct((double)s->tools, a), pct((double)(s->active - s->busy), a));
}

static void active_table(struct rp *p, struct sbuf *o)
{
	struct sbuf t = {0};
	rp_ms(&t, p->o.idle_cap);
	sb_printf(o, "\nshare of active time (as in the time view, idle cap %s) "
		"waiting on the model and running tools\n", p->o.idle_cap ? t.p : "none");
	sb_adds(o, "session       agent        active    model    tools    other\n");
	size_t *ix = sessions_by_time(p);
	struct rsess all = {0};
	for (size_t k = 0; k < p->nss; k++) {
		const struct rsess *s = &p->ss[ix[k]];
		sb_reset(&t);
		short_id(&t, S(p, s->id));
		padr(o, t.p, 12);
		sb_adds(o, "  ");
		padr(o, S(p, s->agent), 10);
		share_line(o, s);
		all.active += s->active, all.model += s->model, all.tools += s->tools;
		all.busy += s->busy;
	}
	padr(o, "all", 24);
	share_line(o, &all);
	free(ix);
	sb_free(&t);
}

void rp_latency(struct rp *p, struct sbuf *o)
{
	finish(p);
	latency_table(p, o);
	active_table(p, o);
}

/* --- context --------------------------------------------------------------------- */

static double fill(const struct rcall *c)
{
	return 100.0 * (double)(c->tk[T_IN] + c->tk[T_CR] + c->tk[T_CW]) / (double)c->window;
}

static int cmp_ctx(const void *a, const void *b)
{
	const struct rcall *x = &sort_p->c[*(const size_t *)a], *y = &sort_p->c[*(const size_t *)b];
	int c = strcmp(S(sort_p, x->name), S(sort_p, y->name));
	if (c)
		return c;
	if (!x->window || !y->window)
		return (x->window > y->window) - (x->window < y->window);
	double fx = fill(x), fy = fill(y);
	return (fx > fy) - (fx < fy);
}

static int cmp_fill_desc(const void *a, const void *b)
{
	const struct rcall *x = &sort_p->c[*(const size_t *)a], *y = &sort_p->c[*(const size_t *)b];
	double fx = fill(x), fy = fill(y);
	if (fx != fy)
		return fx > fy ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static bool has_prompt(const struct rcall *c)
{
	return c->type == RC_LLM && !c->upd && c->tk[T_IN] + c->tk[T_CR] + c->tk[T_CW] > 0;
}

void rp_context(struct rp *p, struct sbuf *o)
{
	finish(p);
	size_t *ix = xmalloc((p->nc ? p->nc : 1) * sizeof *ix), n = 0, nhigh = 0;
	for (size_t i = 0; i < p->nc; i++)
		if (has_prompt(&p->c[i]))
			ix[n++] = i;
	sort_p = p;
	sort_n(ix, n, sizeof *ix, cmp_ctx);
	int mw = 5;
	for (size_t k = 0; k < n; k++) {
		int l = (int)strlen(S(p, p->c[ix[k]].name));
		mw = l > mw ? l : mw;
	}
	sb_adds(o, "context window use of model calls (input + cache_read + cache_write "
		"against the model's window; percentiles by nearest rank)\n");
	padr(o, "model", mw);
	sb_adds(o, "    window  calls     p50     p95     max  >50%  >80%\n");
	double *f = xmalloc((n ? n : 1) * sizeof *f);
	for (size_t k = 0; k < n;) {
		const struct rcall *c = &p->c[ix[k]];
		size_t j = k, m = 0, a50 = 0, a80 = 0;
		for (; j < n && p->c[ix[j]].name == c->name && p->c[ix[j]].window == c->window; j++) {
			if (!c->window)
				continue;
			f[m] = fill(&p->c[ix[j]]);
			a50 += f[m] > 50, a80 += f[m] > 80;
			m++;
		}
		padr(o, S(p, c->name), mw);
		if (!c->window) {
			sb_printf(o, "         -  %5zu       -       -       -     -     -\n", j - k);
		} else {
			size_t r50 = (50 * m + 99) / 100, r95 = (95 * m + 99) / 100;
			sb_printf(o, "  %8lld  %5zu  %5.1f%%  %5.1f%%  %5.1f%%  %4zu  %4zu\n",
				(long long)c->window, m, f[r50 - 1], f[r95 - 1], f[m - 1], a50, a80);
			nhigh += a80;
		}
		k = j;
	}
	free(f);
	/* the fullest calls above 80%, fullest first */
	size_t nh = 0;
	for (size_t k = 0; k < n; k++)
		if (p->c[ix[k]].window && fill(&p->c[ix[k]]) > 80)
			ix[nh++] = ix[k];
	sort_n(ix, nh, sizeof *ix, cmp_fill_desc);
	sb_printf(o, "\ncalls above 80%% of the window: %zu\n", nhigh);
	size_t show = p->o.nodes > 0 && (size_t)p->o.nodes < nh ? (size_t)p->o.nodes : nh;
	if (show)
		sb_adds(o, "session       time                      fill  prompt tokens  model\n");
	struct sbuf t = {0};
	for (size_t k = 0; k < show; k++) {
		const struct rcall *c = &p->c[ix[k]];
		char ts[25] = "-";
		if (c->ts != TS_NONE)
			ts_format(c->ts, ts);
		sb_reset(&t);
		short_id(&t, S(p, p->ss[c->sess].id));
		padr(o, t.p, 12);
		sb_printf(o, "  %-24s %5.1f%%  %13lld  %s\n", ts, fill(c),
			(long long)(c->tk[T_IN] + c->tk[T_CR] + c->tk[T_CW]), S(p, c->name));
	}
	if (show < nh)
		sb_printf(o, "(%zu more; -n 0 shows all)\n", nh - show);
	sb_free(&t);
	free(ix);
}

/* --- parallelism ------------------------------------------------------------------ */

static void burst_tools(struct rp *p, const struct burst *b, struct sbuf *t)
{
	for (size_t j = 0; j < b->n; j++) {
		if (j)
			sb_adds(t, ",");
		sb_adds(t, S(p, p->c[p->tools[b->first + j]].name));
	}
}

/* Group n items by session (a counting sort, stable): at[s] .. at[s + 1]
 * index into ix.  Linear, so that a report of 100k sessions does not
 * scan every call once per session. */
static void by_session(size_t nss, size_t n, const void *base, size_t size, size_t off,
	size_t **atp, size_t **ixp)
{
	size_t *at = xcalloc(nss + 2, sizeof *at), *ix = xmalloc((n ? n : 1) * sizeof *ix);
	const char *b = base;
	for (size_t i = 0; i < n; i++) {
		uint32_t sess;
		memcpy(&sess, b + i * size + off, sizeof sess);
		at[sess + 2]++;
	}
	for (size_t i = 2; i < nss + 2; i++)
		at[i] += at[i - 1];
	for (size_t i = 0; i < n; i++) {
		uint32_t sess;
		memcpy(&sess, b + i * size + off, sizeof sess);
		ix[at[sess + 1]++] = i;
	}
	*atp = at;
	*ixp = ix;
}

static void index_sessions(struct rp *p)
{
	if (p->cat)
		return;
	by_session(p->nss, p->nc, p->c, sizeof *p->c, offsetof(struct rcall, sess), &p->cat, &p->cix);
	by_session(p->nss, p->nb, p->b, sizeof *p->b, offsetof(struct burst, sess), &p->bat, &p->bix);
}

static int cmp_burst(const void *a, const void *b)
{
	const struct burst *x = a, *y = b;
	int64_t sx = x->serial - x->parallel, sy = y->serial - y->parallel;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

static void burst_cols(struct sbuf *o, int64_t serial, int64_t parallel)
{
	col_ms(o, serial, 9);
	col_ms(o, parallel, 10);
	col_ms(o, serial - parallel, 9);
}

void rp_parallel(struct rp *p, struct sbuf *o)
{
	finish(p);
	struct burst *b = xmalloc((p->nb ? p->nb : 1) * sizeof *b);
	if (p->nb)
		memcpy(b, p->b, p->nb * sizeof *b);
	sort_n(b, p->nb, sizeof *b, cmp_burst);
	size_t show = p->o.nodes > 0 && (size_t)p->o.nodes < p->nb ? (size_t)p->o.nodes : p->nb;
	sb_adds(o, "bursts: independent tool calls (reads, searches, fetches) of one turn run one "
		"after another\n");
	sb_adds(o, "session       start                     calls   serial  parallel   saving  tools\n");
	struct sbuf t = {0};
	for (size_t k = 0; k < show; k++) {
		char ts[25];
		ts_format(b[k].ts, ts);
		sb_reset(&t);
		short_id(&t, S(p, p->ss[b[k].sess].id));
		padr(o, t.p, 12);
		sb_printf(o, "  %-24s %6zu", ts, b[k].n);
		burst_cols(o, b[k].serial, b[k].parallel);
		sb_adds(o, "  ");
		sb_reset(&t);
		burst_tools(p, &b[k], &t);
		sb_adds(o, t.p);
		sb_addc(o, '\n');
	}
	if (show < p->nb)
		sb_printf(o, "(%zu more; -n 0 shows all)\n", p->nb - show);
	sb_adds(o, "\nper session   bursts   calls   serial  parallel   saving\n");
	size_t *ix = sessions_by_time(p), nb = 0, nc = 0;
	int64_t se = 0, pa = 0;
	index_sessions(p);
	for (size_t k = 0; k < p->nss; k++) {
		size_t sb = 0, sc = 0;
		int64_t s1 = 0, p1 = 0;
		for (size_t q = p->bat[ix[k]]; q < p->bat[ix[k] + 1]; q++) {
			const struct burst *bj = &p->b[p->bix[q]];
			sb++, sc += bj->n, s1 += bj->serial, p1 += bj->parallel;
		}
		if (!sb)
			continue;
		sb_reset(&t);
		short_id(&t, S(p, p->ss[ix[k]].id));
		padr(o, t.p, 12);
		sb_printf(o, "  %6zu  %6zu", sb, sc);
		burst_cols(o, s1, p1);
		sb_addc(o, '\n');
		nb += sb, nc += sc, se += s1, pa += p1;
	}
	padr(o, "all", 12);
	sb_printf(o, "  %6zu  %6zu", nb, nc);
	burst_cols(o, se, pa);
	sb_addc(o, '\n');
	free(ix);
	free(b);
	sb_free(&t);
}

/* --- the report ------------------------------------------------------------------- */

struct group {
	size_t *sess, nsess;
	size_t *calls, ncalls;  /* the group's calls, in the order collected */
	/* totals */
	size_t prompts, llm, tools, errors, unpriced, nousage, rounded;
	int64_t active, model, toolt, tk[4];
	double cost, cw_cost;
};

static void group_key(struct rp *p, const struct rsess *s, struct sbuf *k)
{
	sb_reset(k);
	if (p->o.report_by == RB_SESSION) {
		sb_adds(k, S(p, s->id));
	} else if (p->o.report_by == RB_TAG) {
		sb_adds(k, S(p, s->tag));
	} else if (p->o.report_by == RB_ALL) {
		sb_adds(k, "sessions");
	} else {
		char ts[25] = "unknown";
		if (s->first != TS_NONE)
			ts_format(s->first, ts), ts[10] = 0;
		sb_adds(k, ts);
	}
}

static size_t *gkeys_sess;
static char **gkeys;

static int cmp_group(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(gkeys[x], gkeys[y]);
	if (c)
		return c;
	return cmp_sess_first(&gkeys_sess[x], &gkeys_sess[y]);
}

static void money(struct sbuf *o, double micro)
{
	rp_weight(o, SV_COST, micro);
}

/* The three largest costs by prompt tag and model. */
struct costrow {
	uint32_t ptag, model;
	double cost;
};

static int cmp_costkey(const void *a, const void *b)
{
	const struct costrow *x = a, *y = b;
	int c = strcmp(S(sort_p, x->ptag), S(sort_p, y->ptag));
	return c ? c : strcmp(S(sort_p, x->model), S(sort_p, y->model));
}

static int cmp_costrow(const void *a, const void *b)
{
	const struct costrow *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return cmp_costkey(a, b);
}

static void largest_costs(struct rp *p, const struct group *g, struct sbuf *o)
{
	struct costrow *r = xmalloc((g->ncalls ? g->ncalls : 1) * sizeof *r);
	size_t n = 0, m = 0;
	for (size_t i = 0; i < g->ncalls; i++) {
		const struct rcall *c = &p->c[g->calls[i]];
		if (c->type == RC_LLM && !isnan(c->cost) && c->cost > 0)
			r[n++] = (struct costrow){c->ptag, c->name, c->cost};
	}
	sort_p = p;
	sort_n(r, n, sizeof *r, cmp_costkey);
	for (size_t k = 0; k < n; k++) {
		if (m && !cmp_costkey(&r[m - 1], &r[k]))
			r[m - 1].cost += r[k].cost;
		else
			r[m++] = r[k];
	}
	sort_n(r, m, sizeof *r, cmp_costrow);
	if (m)
		sb_adds(o, "largest costs (prompt tag, model):\n");
	for (size_t k = 0; k < m && k < 3; k++) {
		sb_printf(o, "  %zu. prompt:%s  model:%s  ", k + 1, S(p, r[k].ptag), S(p, r[k].model));
		money(o, r[k].cost);
		sb_printf(o, " (%.0f%%)\n", pct(r[k].cost, g->cost));
	}
	free(r);
}

/* Suggestions: each printed only when its trigger holds (agent-stack(1),
 * REPORT). */
static void suggest_cache(struct rp *p, const struct group *g, struct sbuf *o, int *ns)
{
	size_t n = 0;
	int64_t w = 0, r = 0;
	double cost = 0;
	for (size_t k = 0; k < g->nsess; k++) {
		const struct rsess *s = &p->ss[g->sess[k]];
		int64_t sw = 0, sr = 0;
		double sc = 0;
		for (size_t q = p->cat[g->sess[k]]; q < p->cat[g->sess[k] + 1]; q++) {
			const struct rcall *c = &p->c[p->cix[q]];
			if (c->type != RC_LLM)
				continue;
			sw += c->tk[T_CW], sr += c->tk[T_CR], sc += c->cw_cost;
		}
		if (s->active < 300000 && sw > sr) {
			n++, w += sw, r += sr, cost += sc;
		}
	}
	if (!n || cost < 10000)
		return;
	(*ns)++;
	sb_printf(o, "  - %zu session%s shorter than 5 minutes of active time wrote %lld tokens to the "
		"cache and read back %lld; their cache writes cost ", n, n == 1 ? "" : "s",
		(long long)w, (long long)r);
	money(o, cost);
	sb_adds(o, ": short one-off tasks pay for cache writes they never read back\n");
}

static void suggest_context(struct rp *p, const struct group *g, struct sbuf *o, int *ns)
{
	size_t n = 0, best = 0, bestn = 0;
	double max = 0;
	/* the session with the most such calls, the first collected of equals */
	for (size_t k = 0; k < g->nsess; k++) {
		size_t s = g->sess[k], per = 0;
		for (size_t q = p->cat[s]; q < p->cat[s + 1]; q++) {
			const struct rcall *c = &p->c[p->cix[q]];
			if (!has_prompt(c) || !c->window || fill(c) <= 80)
				continue;
			per++;
			if (fill(c) > max)
				max = fill(c);
		}
		n += per;
		if (per > bestn || (per && per == bestn && s < best))
			best = s, bestn = per;
	}
	if (!n)
		return;
	(*ns)++;
	struct sbuf t = {0};
	short_id(&t, S(p, p->ss[best].id));
	sb_printf(o, "  - %zu model call%s filled more than 80%% of the context window (up to %.0f%%), ",
		n, n == 1 ? "" : "s", max);
	if (bestn == n)
		sb_printf(o, "all in session %s", t.p);
	else
		sb_printf(o, "%zu of them in session %s", bestn, t.p);
	sb_adds(o, ": compact earlier (/compact) or start a new session per task\n");
	sb_free(&t);
}

static void suggest_parallel(struct rp *p, const struct group *g, struct sbuf *o, int *ns)
{
	size_t n = 0, calls = 0;
	int64_t se = 0, pa = 0;
	for (size_t k = 0; k < g->nsess; k++)
		for (size_t q = p->bat[g->sess[k]]; q < p->bat[g->sess[k] + 1]; q++) {
			const struct burst *b = &p->b[p->bix[q]];
			n++, calls += b->n, se += b->serial, pa += b->parallel;
		}
	if (!n || se - pa < 1000)
		return;
	(*ns)++;
	struct sbuf t = {0};
	sb_printf(o, "  - %zu burst%s of independent reads and searches (%zu calls) took ", n,
		n == 1 ? "" : "s", calls);
	rp_ms(&t, se);
	sb_printf(o, "%s one after another and would take ", t.p);
	sb_reset(&t);
	rp_ms(&t, pa);
	sb_printf(o, "%s in parallel: asking for them in one turn saves ", t.p);
	sb_reset(&t);
	rp_ms(&t, se - pa);
	sb_printf(o, "%s\n", t.p);
	sb_free(&t);
}

static void suggest_errors(struct rp *p, const struct group *g, struct sbuf *o, int *ns)
{
	if (g->errors < 3 || pct((double)g->errors, (double)g->tools) < 10)
		return;
	struct stacks by = {0};
	size_t besti = 0;
	double bestw = 0;
	for (size_t i = 0; i < g->ncalls; i++) {
		const struct rcall *c = &p->c[g->calls[i]];
		if (c->type != RC_TOOL || !c->err)
			continue;
		const char *nm = S(p, c->name);
		size_t k = stacks_add(&by, nm, strlen(nm), 1);
		if (by.w[k] > bestw || (by.w[k] == bestw && strcmp(nm, stacks_str(&by, besti)) < 0))
			besti = k, bestw = by.w[k];
	}
	(*ns)++;
	sb_printf(o, "  - %zu of %zu tool calls failed (%.0f%%), %.0f of them %s: read those errors "
		"first, each failure costs a model call\n", g->errors, g->tools,
		pct((double)g->errors, (double)g->tools), bestw, stacks_str(&by, besti));
	stacks_free(&by);
}

/* The group's cost saying what it leaves out: the tokens of the calls
 * with a price, and those of each model without one, most first. */
struct upm {
	uint32_t model;
	int64_t tokens;
};

static int cmp_upm(const void *a, const void *b)
{
	const struct upm *x = a, *y = b;
	if (x->tokens != y->tokens)
		return x->tokens > y->tokens ? -1 : 1;
	return strcmp(S(sort_p, x->model), S(sort_p, y->model));
}

static bool cost_headline(struct rp *p, const struct group *g, struct sbuf *o)
{
	struct upm *u = xmalloc((g->unpriced ? g->unpriced : 1) * sizeof *u);
	size_t nu = 0;
	int64_t priced = 0;
	for (size_t i = 0; i < g->ncalls; i++) {
		const struct rcall *c = &p->c[g->calls[i]];
		if (c->type != RC_LLM)
			continue;
		int64_t t = 0;
		for (int k = 0; k < 4; k++)
			t = sat_add(t, c->tk[k]);
		if (!isnan(c->cost)) {
			priced = sat_add(priced, t);
			continue;
		}
		size_t j = 0;
		while (j < nu && u[j].model != c->name)
			j++;
		if (j == nu)
			u[nu++] = (struct upm){c->name, 0};
		u[j].tokens = sat_add(u[j].tokens, t);
	}
	sort_p = p;
	sort_n(u, nu, sizeof *u, cmp_upm);
	const char **m = xmalloc((nu ? nu : 1) * sizeof *m);
	int64_t *t = xmalloc((nu ? nu : 1) * sizeof *t);
	for (size_t j = 0; j < nu; j++)
		m[j] = S(p, u[j].model), t[j] = u[j].tokens;
	bool some = rp_cost_headline(o, g->cost, priced, nu, m, t);
	free(m);
	free(t);
	free(u);
	return some;
}

/* --- the budget: where the money went, what repeated ------------------------ */

/* The money of a group's model calls by one key; ranked. */
struct mrow {
	uint32_t key;
	double cost;
	size_t n;
	int64_t ms;
};

static int cmp_mrow_key(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

static int cmp_mrow(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(S(sort_p, x->key), S(sort_p, y->key));
}

/* Add rows with equal keys, rank them; returns the number kept. */
static size_t mrows_rank(struct rp *p, struct mrow *r, size_t n)
{
	size_t m = 0;
	sort_n(r, n, sizeof *r, cmp_mrow_key);
	for (size_t k = 0; k < n; k++) {
		if (m && r[m - 1].key == r[k].key)
			r[m - 1].cost += r[k].cost, r[m - 1].n += r[k].n, r[m - 1].ms += r[k].ms;
		else
			r[m++] = r[k];
	}
	sort_p = p;
	sort_n(r, m, sizeof *r, cmp_mrow);
	return m;
}

static void money_line(struct rp *p, const struct group *g, const char *title, struct mrow *r,
	size_t n, const char *cmd, struct sbuf *o)
{
	size_t m = mrows_rank(p, r, n);
	if (!m)
		return;
	sb_printf(o, "  %-11s", title);
	for (size_t k = 0; k < m && k < 3; k++) {
		sb_printf(o, "%s%s ", k ? ", " : "", S(p, r[k].key));
		money(o, r[k].cost);
		sb_printf(o, " (%.0f%%)", pct(r[k].cost, g->cost));
	}
	if (m > 3)
		sb_printf(o, ", %zu more", m - 3);
	sb_printf(o, "\n  %11s%s\n", "", cmd);
}

/* p->asked for the calls of group g: counted (on) or cleared again. */
static size_t *asked_of(struct rp *p, const struct group *g, bool on)
{
	if (!p->asked)
		p->asked = xcalloc(p->nc ? p->nc : 1, sizeof *p->asked);
	for (size_t i = 0; i < g->ncalls; i++) {
		const struct rcall *c = &p->c[g->calls[i]];
		int64_t *v;
		if (c->type == RC_TOOL && c->pkey && (v = hm_get(&p->lidx, c->pkey)))
			p->asked[*v] = on ? p->asked[*v] + 1 : 0;
	}
	return p->asked;
}

static void budget_money(struct rp *p, const struct group *g, struct sbuf *o)
{
	if (!(g->cost > 0))
		return;
	struct mrow *r = xmalloc((g->ncalls ? g->ncalls : 1) * sizeof *r);
	sb_adds(o, "where the money went (estimated):\n");
	for (int by = 0; by < 3; by++) {
		size_t n = 0;
		for (size_t i = 0; i < g->ncalls; i++) {
			const struct rcall *c = &p->c[g->calls[i]];
			if (c->type == RC_LLM && !isnan(c->cost) && c->cost > 0)
				r[n++] = (struct mrow){by == 0 ? c->ptag : by == 1 ? c->name : c->sub,
					c->cost, 1, 0};
		}
		static const char *const title[] = {"prompt tag", "model", "subagent"};
		static const char *const cmd[] = {
			"agent-stack -v cost --format top --by prompt",
			"agent-stack -v cost --format top --by model",
			"agent-stack -v cost --format top --by subagent",
		};
		money_line(p, g, title[by], r, n, cmd[by], o);
	}
	/* by tool: each model call's cost split evenly among the tool calls
	 * it asked for; a call that asked for none answered */
	size_t *asked = asked_of(p, g, true);
	size_t n = 0;
	uint32_t answer = in(p, "(answer)");
	for (size_t i = 0; i < g->ncalls; i++) {
		const struct rcall *c = &p->c[g->calls[i]];
		int64_t *v;
		if (c->type == RC_LLM && !asked[g->calls[i]] && !isnan(c->cost) && c->cost > 0)
			r[n++] = (struct mrow){answer, c->cost, 1, 0};
		else if (c->type == RC_TOOL && c->pkey && (v = hm_get(&p->lidx, c->pkey)) &&
			 !isnan(p->c[*v].cost) && p->c[*v].cost > 0)
			r[n++] = (struct mrow){c->name, p->c[*v].cost / (double)asked[*v], 1, 0};
	}
	money_line(p, g, "tool", r, n, "the model calls that asked for each tool, split evenly", o);
	asked_of(p, g, false);
	free(r);
}

/* The cost of the model call that asked for tool call t, shared by the
 * tool calls it asked for; 0 when unknown. */
static double tool_cost(struct rp *p, const size_t *asked, int64_t t)
{
	int64_t *v;
	if (t < 0 || !p->c[t].pkey || !(v = hm_get(&p->lidx, p->c[t].pkey)) || !asked[*v] ||
	    isnan(p->c[*v].cost))
		return 0;
	return p->c[*v].cost / (double)asked[*v];
}

struct rkey {
	uint32_t sess, key;
	uint8_t what;
	size_t n;
	double cost;
};

static int cmp_rkey(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;
	if (x->what != y->what)
		return x->what - y->what;
	if (x->sess != y->sess)
		return (x->sess > y->sess) - (x->sess < y->sess);
	return (x->key > y->key) - (x->key < y->key);
}

static int cmp_rkey_n(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;
	if (x->what != y->what)
		return x->what - y->what;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return cmp_rkey(a, b);
}

static void budget_repeats(struct rp *p, const struct group *g, struct sbuf *o)
{
	/* the repeat records by session, once (a counting sort) */
	if (!p->rrat) {
		p->rrat = xcalloc(p->nss + 2, sizeof *p->rrat);
		p->rrix = xmalloc((p->nrr ? p->nrr : 1) * sizeof *p->rrix);
		for (size_t i = 0; i < p->nrr; i++)
			p->rrat[p->rr[i].sess + 2]++;
		for (size_t k = 2; k < p->nss + 2; k++)
			p->rrat[k] += p->rrat[k - 1];
		for (size_t i = 0; i < p->nrr; i++)
			p->rrix[p->rrat[p->rr[i].sess + 1]++] = i;
	}
	size_t *asked = asked_of(p, g, true);
	struct rkey *r = xmalloc((p->nrr ? p->nrr : 1) * sizeof *r);
	size_t n = 0, m = 0;
	for (size_t k = 0, j = 0; k < g->nsess; k++)
	for (j = p->rrat[g->sess[k]]; j < p->rrat[g->sess[k] + 1]; j++) {
		const struct rrep *x = &p->rr[p->rrix[j]];
		int64_t *v = hm_get(&p->tidx, x->tool);
		/* a file read by a file-reading tool: not a listing or a glob */
		if (x->what == RP_READ && (!v || p->c[*v].tkind != TK_READ))
			continue;
		r[n++] = (struct rkey){x->sess, x->key, x->what, 1, tool_cost(p, asked, v ? *v : -1)};
	}
	sort_n(r, n, sizeof *r, cmp_rkey);
	for (size_t k = 0; k < n; k++) {
		if (m && !cmp_rkey(&r[m - 1], &r[k]))
			r[m - 1].n++, r[m - 1].cost += r[k].cost;
		else
			r[m++] = r[k];
	}
	sort_n(r, m, sizeof *r, cmp_rkey_n);
	struct sbuf t = {0}, lines = {0};
	int shown[3] = {0};
	static const size_t least[] = {3, 2, 2};
	for (size_t k = 0; k < m; k++) {
		const struct rkey *x = &r[k];
		if (x->n < least[x->what] || shown[x->what] == 3)
			continue;
		shown[x->what]++;
		sb_reset(&t);
		short_id(&t, S(p, p->ss[x->sess].id));
		if (x->what == RP_READ)
			sb_printf(&lines, "  - %s read %zu times in session %s", S(p, x->key), x->n, t.p);
		else if (x->what == RP_TEST)
			sb_printf(&lines, "  - test `%s` failed %zu times in session %s", S(p, x->key),
				x->n, t.p);
		else
			sb_printf(&lines, "  - search `%s` run %zu times in session %s", S(p, x->key),
				x->n, t.p);
		sb_adds(&lines, "; the model calls that asked for them cost ");
		money(&lines, x->cost);
		if (x->what == RP_READ)
			sb_printf(&lines, ": say what it holds in CLAUDE.md or AGENTS.md, or keep it in one "
				"session\n      agent-stack -v files --format top --by path --session-id %s\n",
				t.p);
		else if (x->what == RP_TEST)
			sb_printf(&lines, ": read the first failure before rerunning\n      agent-stack "
				"-v system --format top --by process --session-id %s\n", t.p);
		else
			sb_printf(&lines, ": the answer was there the first time; ask once and keep it\n"
				"      agent-stack -v system --format top --by process --session-id %s\n",
				t.p);
	}
	/* long waits: tool calls whose time the view cut as waiting (for a
	 * permission, or a person) of a minute or more */
	struct mrow *w = xmalloc((g->ncalls ? g->ncalls : 1) * sizeof *w);
	size_t nw = 0;
	int64_t wsum = 0;
	for (size_t i = 0; i < g->ncalls; i++) {
		const struct rcall *c = &p->c[g->calls[i]];
		if (c->type == RC_TOOL && c->wait != EV_NONE && c->wait >= 60000)
			w[nw++] = (struct mrow){c->name, (double)c->wait, 1, c->wait}, wsum += c->wait;
	}
	if (nw) {
		size_t nk = mrows_rank(p, w, nw);
		sb_reset(&t);
		rp_ms(&t, wsum);
		sb_printf(&lines, "  - %zu tool call%s waited a minute or more (%s in all", nw,
			nw == 1 ? "" : "s", t.p);
		for (size_t k = 0; k < nk && k < 3; k++) {
			sb_reset(&t);
			rp_ms(&t, w[k].ms);
			sb_printf(&lines, "%s%s %s", k ? ", " : ": ", S(p, w[k].key), t.p);
		}
		sb_adds(&lines, "), not charged as work: allow the tools you always approve in the "
			"agent's permission settings\n      agent-stack -v time --format latency\n");
	}
	if (lines.len) {
		sb_adds(o, "what repeated:\n");
		sb_add(o, lines.p, lines.len);
	}
	free(w);
	sb_free(&t);
	sb_free(&lines);
	free(r);
	asked_of(p, g, false);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

static void group_report(struct rp *p, struct group *g, const char *key, struct sbuf *o)
{
	/* the group's calls in the order collected, as the sums always were */
	size_t nc = 0;
	for (size_t k = 0; k < g->nsess; k++)
		nc += p->cat[g->sess[k] + 1] - p->cat[g->sess[k]];
	g->calls = xmalloc((nc ? nc : 1) * sizeof *g->calls);
	for (size_t k = 0; k < g->nsess; k++)
		for (size_t q = p->cat[g->sess[k]]; q < p->cat[g->sess[k] + 1]; q++)
			g->calls[g->ncalls++] = p->cix[q];
	if (g->nsess > 1)
		sort_n(g->calls, g->ncalls, sizeof *g->calls, cmp_size);
	int64_t first = TS_NONE, last = TS_NONE;
	for (size_t k = 0; k < g->nsess; k++) {
		const struct rsess *s = &p->ss[g->sess[k]];
		g->active += s->active, g->model += s->model, g->toolt += s->tools;
		if (s->first != TS_NONE && (first == TS_NONE || s->first < first))
			first = s->first;
		if (s->last != TS_NONE && (last == TS_NONE || s->last > last))
			last = s->last;
	}
	for (size_t i = 0; i < g->ncalls; i++) {
		const struct rcall *c = &p->c[g->calls[i]];
		if (c->type == RC_PROMPT)
			g->prompts += c->human;
		else if (c->type == RC_TOOL)
			g->tools++, g->errors += c->err;
		else {
			g->llm += !c->upd;
			g->nousage += c->nousage, g->rounded += c->rounded;
			for (int k = 0; k < 4; k++)
				g->tk[k] = sat_add(g->tk[k], c->tk[k]);
			if (isnan(c->cost))
				g->unpriced++;
			else
				g->cost += c->cost, g->cw_cost += c->cw_cost;
		}
	}
	const struct rsess *s0 = &p->ss[g->sess[0]];
	static const char *const what[] = {"session", "session tag", "day", "all"};
	sb_printf(o, "== %s %s", what[p->o.report_by], key);
	if (p->o.report_by == RB_SESSION)
		sb_printf(o, " (%s, project %s)", S(p, s0->agent), S(p, s0->project));
	sb_adds(o, " ==\n");
	char a[25] = "?", b[25] = "?";
	if (first != TS_NONE)
		ts_format(first, a);
	if (last != TS_NONE)
		ts_format(last, b);
	sb_printf(o, "sessions %zu, %s to %s; prompts %zu, model calls %zu, tool calls %zu "
		"(failed %zu)\n", g->nsess, a, b, g->prompts, g->llm, g->tools, g->errors);
	struct sbuf t = {0};
	rp_ms(&t, g->active);
	sb_printf(o, "active time %s: waiting on the model %.0f%%, running tools %.0f%%\n", t.p,
		pct((double)g->model, (double)g->active), pct((double)g->toolt, (double)g->active));
	int64_t input = g->tk[T_IN] + g->tk[T_CR] + g->tk[T_CW];
	sb_printf(o, "tokens: %lld input (%.0f%% cache reads, %.0f%% cache writes), %lld output\n",
		(long long)input, pct((double)g->tk[T_CR], (double)input),
		pct((double)g->tk[T_CW], (double)input), (long long)g->tk[T_OUT]);
	if (g->nousage || g->rounded)
		o->len--;   /* the line goes on */
	if (g->rounded)
		sb_printf(o, "; %zu model calls' tokens rounded as the agent printed them", g->rounded);
	if (g->nousage)
		sb_printf(o, "; no usage recorded for %zu model calls, left out", g->nousage);
	if (g->nousage || g->rounded)
		sb_addc(o, '\n');
	sb_adds(o, "estimated cost ");
	sb_adds(o, cost_headline(p, g, o) ? "; from recorded usage, not a bill; cache writes "
		: " (from recorded usage, not a bill), cache writes ");
	money(o, g->cw_cost);
	sb_printf(o, " (%.0f%%)", pct(g->cw_cost, g->cost));
	sb_addc(o, '\n');
	budget_money(p, g, o);
	budget_repeats(p, g, o);
	largest_costs(p, g, o);
	struct sbuf sug = {0};
	int ns = 0;
	suggest_cache(p, g, &sug, &ns);
	suggest_context(p, g, &sug, &ns);
	suggest_parallel(p, g, &sug, &ns);
	suggest_errors(p, g, &sug, &ns);
	if (ns) {
		sb_adds(o, "suggestions:\n");
		sb_add(o, sug.p, sug.len);
	}
	sb_free(&sug);
	sb_free(&t);
	free(g->calls);
}

void rp_report(struct rp *p, struct sbuf *o)
{
	finish(p);
	index_sessions(p);
	size_t n = p->nss, *ix = xmalloc((n ? n : 1) * sizeof *ix);
	char **keys = xmalloc((n ? n : 1) * sizeof *keys);
	struct sbuf k = {0};
	for (size_t i = 0; i < n; i++) {
		ix[i] = i;
		group_key(p, &p->ss[i], &k);
		keys[i] = xstrdup(k.p);
	}
	size_t *sess = xmalloc((n ? n : 1) * sizeof *sess);
	for (size_t i = 0; i < n; i++)
		sess[i] = i;
	sort_p = p;
	gkeys = keys;
	gkeys_sess = sess;
	sort_n(ix, n, sizeof *ix, cmp_group);
	/* sessions in time order make the groups' order for session reports */
	if (p->o.report_by == RB_SESSION)
		sort_n(ix, n, sizeof *ix, cmp_sess_first);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !strcmp(keys[ix[j]], keys[ix[i]]))
			j++;
		struct group g = {0};
		g.sess = ix + i;
		g.nsess = j - i;
		if (i)
			sb_addc(o, '\n');
		group_report(p, &g, keys[ix[i]], o);
		i = j;
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(sess);
	free(ix);
	sb_free(&k);
}

void rp_free(struct rp *p)
{
	if (!p)
		return;
	intern_free(&p->str);
	free(p->asked);
	free(p->rrat);
	free(p->rrix);
	hm_free(&p->ssidx);
	hm_free(&p->tidx);
	hm_free(&p->lidx);
	free(p->u);
	free(p->ss);
	free(p->c);
	free(p->tools);
	free(p->b);
	free(p->rr);
	free(p->cat);
	free(p->cix);
	free(p->bat);
	free(p->bix);
	free(p);
}
