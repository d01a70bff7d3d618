/* stackview.c: the views of agent-stack.  Each record is turned into zero
 * or more (stack, weight) pairs as it arrives, except where a view needs
 * the whole session first: tasks waits for a tool's effects to name its
 * main effect, time sorts the session's records by timestamp. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "stackview.h"

static const char *const names[SV_NVIEWS] = {
	"tasks", "system", "tokens", "cost", "time", "files", "network", "context",
};
static const char *const units[SV_NVIEWS] = {
	"calls", "events", "tokens", "microdollars", "milliseconds", "effects", "effects", "tokens",
};
static const char *const kind_frame[PR_N] = {
	"input", "output", "cache_read", "cache_write", "cache_write_1h",
};

/* One session of the summary; kept for the whole run. */
struct sess {
	char *id, *agent, *project, *root, *tag, *preview;
	bool has_text;
	double weight;
	uint64_t records;
};

/* Prompts, tools and time-line items of the current session.  Strings are
 * offsets into the session's pool, which grows. */
struct prompt {
	size_t tag, stack;      /* stack: base + ";kind:prompt" (time) */
	bool selected;
	double wall, charged;
};

struct tool {
	size_t name, status, class, effect, cwd, stack;   /* 0: none */
	bool selected;
};

enum { IT_PROMPT, IT_LLM, IT_TOOL };
struct item {
	int64_t ts, dur;
	size_t order, stack;
	int type, prompt;
	bool selected;
};

struct unpriced {
	char *model;
	uint64_t calls;
	int64_t tokens;
};

struct sv {
	struct sv_opts o;
	struct stacks st;
	struct sess *ss;
	size_t nss, capss;
	struct hmap ssidx;      /* session id -> index */
	/* the current session */
	long cur;               /* index into ss, -1 before the first */
	struct sbuf pool;       /* offset 0 is "" */
	struct hmap pidx;       /* prompt id -> index */
	struct prompt *pr;
	size_t npr, cappr;
	struct hmap tidx;       /* tool id -> index */
	struct tool *tl;
	size_t ntl, captl;
	struct item *it;
	size_t nit, capit;
	/* unpriced models, for the note and the summary; context: models
	 * without a context window */
	struct unpriced *up, *nw;
	size_t nup, capup, nnw, capnw;
	uint64_t matched;
	struct sbuf b, g;       /* scratch: the stack being built, a group */
};

int sv_view_byname(const char *name)
{
	if (!strcmp(name, "tools"))
		return SV_SYSTEM;
	for (int i = 0; i < SV_NVIEWS; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *sv_view_name(enum sv_view v) { return names[v]; }
const char *sv_view_unit(enum sv_view v) { return units[v]; }

static size_t keep(struct sv *s, const char *str, size_t n)
{
	if (!str)
		return 0;
	size_t off = s->pool.len;
	sb_add(&s->pool, str, n);
	sb_addc(&s->pool, 0);
	return off;
}

static size_t keeps(struct sv *s, const char *str)
{
	return str ? keep(s, str, strlen(str)) : 0;
}

static const char *at(const struct sv *s, size_t off)
{
	return off ? s->pool.p + off : NULL;
}

static uint64_t key(const char *id)
{
	return hash64(id, strlen(id), 0x5eed);
}

struct sv *sv_new(const struct sv_opts *o)
{
	struct sv *s = xcalloc(1, sizeof *s);
	s->o = *o;
	s->cur = -1;
	sb_addc(&s->pool, 0);
	return s;
}

/* --- sessions ------------------------------------------------------------ */

static struct sess *cur(struct sv *s)
{
	return &s->ss[s->cur];
}

static void flush(struct sv *s);

static char *project_of(const char *cwd)
{
	return path_project(cwd);
}

/* Make id the current session; a session record (e) fills in what the
 * summary does not know yet.  The same id again (a subagent's or a
 * resumed part of it) keeps the session's prompts and tools. */
static void begin(struct sv *s, const char *id, const struct event *e)
{
	if (!id)
		id = "";
	if (s->cur < 0 || strcmp(cur(s)->id, id)) {
		if (s->cur >= 0)
			flush(s);
		bool ins;
		int64_t *v = hm_put(&s->ssidx, key(id), &ins);
		if (ins) {
			GROW(s->ss, s->nss, s->capss);
			memset(&s->ss[s->nss], 0, sizeof *s->ss);
			s->ss[s->nss].id = xstrdup(id);
			*v = (int64_t)s->nss++;
		}
		s->cur = (long)*v;
	}
	struct sess *ss = cur(s);
	if (!ss->agent && e->agent)
		ss->agent = xstrdup(e->agent);
	if (!strcmp(e->kind, "session")) {
		if (!ss->root && e->cwd && *e->cwd) {
			ss->root = xstrdup(e->cwd);
			ss->project = project_of(e->cwd);
		}
		if (!ss->tag && e->tag_session)
			ss->tag = xstrdup(e->tag_session);
	}
}

static void reset(struct sv *s)
{
	hm_free(&s->pidx);
	hm_free(&s->tidx);
	s->npr = s->ntl = s->nit = 0;
	s->pool.len = 1;
}

/* --- stacks -------------------------------------------------------------- */

static void emit(struct sv *s, const char *stack, size_t n, double w)
{
	if (w <= 0)
		return;
	stacks_add(&s->st, stack, n, w);
	cur(s)->weight += w;
}

static int find_prompt(const struct sv *s, const char *id)
{
	if (!id)
		return -1;
	int64_t *v = hm_get(&s->pidx, key(id));
	return v ? (int)*v : -1;
}

static struct tool *find_tool(struct sv *s, const char *id)
{
	if (!id)
		return NULL;
	int64_t *v = hm_get(&s->tidx, key(id));
	return v ? &s->tl[*v] : NULL;
}

/* The tag of the record's prompt: the prompt's own for a prompt record,
 * "none" when unknown, NULL (no prompt frame) for agent-snoop's process
 * traces, which have no prompts to name. */
static const char *prompt_tag(struct sv *s, const struct event *e)
{
	int p = find_prompt(s, !strcmp(e->kind, "prompt") && e->id ? e->id : e->prompt);
	if (p >= 0)
		return at(s, s->pr[p].tag);
	const char *agent = e->agent ? e->agent : cur(s)->agent;
	if (!e->prompt && !s->npr && agent && !strcmp(agent, "snoop"))
		return NULL;
	return "none";
}

static const char *session_tag(struct sv *s, const struct event *e)
{
	const char *t = cur(s)->tag;
	return t ? t : e->tag_session ? e->tag_session : "unmatched";
}

/* project:P;agent:A;session:T[;prompt:T] into s->b */
static void base(struct sv *s, const struct event *e, const char *ptag)
{
	struct sess *ss = cur(s);
	sb_reset(&s->b);
	frame_add(&s->b, "project", ss->project ? ss->project : "unknown");
	frame_add(&s->b, "agent", e->agent ? e->agent : ss->agent ? ss->agent : "unknown");
	frame_add(&s->b, "session", session_tag(s, e));
	if (ptag)
		frame_add(&s->b, "prompt", ptag);
}

static bool selected(struct sv *s, const struct event *e, const char *ptag)
{
	const struct sv_opts *o = &s->o;
	struct sess *ss = cur(s);
	const char *agent = e->agent ? e->agent : ss->agent;
	if (o->agent && (!agent || strcmp(agent, o->agent)))
		return false;
	if (o->session_id) {
		size_t l = strlen(o->session_id);
		if (strncmp(ss->id, o->session_id, l) &&
		    (!e->subagent || strncmp(e->subagent, o->session_id, l)))
			return false;
	}
	if (o->session_tag && strcmp(session_tag(s, e), o->session_tag))
		return false;
	if (o->project && strcmp(ss->project ? ss->project : "unknown", o->project))
		return false;
	if (o->prompt_tag && strcmp(ptag ? ptag : "none", o->prompt_tag))
		return false;
	if (o->since != TS_NONE && (e->ts == TS_NONE || e->ts < o->since))
		return false;
	if (o->until != TS_NONE && (e->ts == TS_NONE || e->ts >= o->until))
		return false;
	return true;
}

static void hook(struct sv *s, const struct event *e, const char *ptag, bool sel)
{
	if (!s->o.hook)
		return;
	struct sess *ss = cur(s);
	struct sv_rec r = {
		ss->id, e->agent ? e->agent : ss->agent ? ss->agent : "unknown",
		ss->project ? ss->project : "unknown", session_tag(s, e), ptag ? ptag : "none", sel,
	};
	s->o.hook(s->o.hook_arg, e, &r);
}

static const char *llm_tag(const struct event *e)
{
	return e->tag_llm ? e->tag_llm : "unmatched";
}

static void call_llm(struct sv *s, const struct event *e)
{
	sb_adds(&s->b, ";call:llm/");
	label_clean(&s->b, llm_tag(e), strlen(llm_tag(e)));
	frame_add(&s->b, "model", e->model ? e->model : "unknown");
}

static void call_tool(struct sv *s, const char *tool)
{
	sb_adds(&s->b, ";call:tool/");
	tool = tool && *tool ? tool : "unknown";
	if (tool[0] == '/')
		tool = path_base(tool);     /* a program run by path: no absolute path out */
	label_clean(&s->b, tool, strlen(tool));
}

static void processes(struct sv *s, const struct event *e)
{
	for (int i = 0; i < e->nprocess; i++)
		frame_add(&s->b, "process", path_base(e->process[i]));
	if (!e->nprocess && e->nargv && e->effect && !strcmp(e->effect, "exec"))
		frame_add(&s->b, "process", path_base(e->argv[0]));
}

/* --- per kind ------------------------------------------------------------ */

static void on_prompt(struct sv *s, const struct event *e)
{
	GROW(s->pr, s->npr, s->cappr);
	int idx = (int)s->npr;
	struct prompt *p = &s->pr[s->npr++];
	memset(p, 0, sizeof *p);
	p->tag = keeps(s, e->tag_prompt ? e->tag_prompt : "unmatched");
	if (e->id) {
		bool ins;
		int64_t *v = hm_put(&s->pidx, key(e->id), &ins);
		if (ins)
			*v = idx;   /* a repeated id keeps the first prompt */
	}
	const char *ptag = at(s, p->tag);
	p->selected = selected(s, e, ptag);
	hook(s, e, ptag, p->selected);
	struct sess *ss = cur(s);
	if (p->selected && e->text && e->text_len && !ss->has_text &&
	    (!e->origin || !strcmp(e->origin, "human"))) {
		ss->has_text = true;
		if (s->o.previews) {
			struct sbuf t = {0};
			label_clean(&t, e->text, e->text_len < 4096 ? e->text_len : 4096);
			/* 80 characters, not bytes */
			size_t i = 0, c = 0;
			while (i < t.len && c < 80) {
				i++;
				while (i < t.len && ((unsigned char)t.p[i] & 0xC0) == 0x80)
					i++;
				c++;
			}
			ss->preview = xstrndup(t.p, i);
			sb_free(&t);
		}
	}
	if (p->selected)
		s->matched++, ss->records++;
	if (s->o.view == SV_TIME) {
		base(s, e, ptag);
		sb_adds(&s->b, ";kind:prompt");
		p = &s->pr[idx];
		p->stack = keep(s, s->b.p, s->b.len);
		GROW(s->it, s->nit, s->capit);
		s->it[s->nit] = (struct item){e->ts, EV_NONE, s->nit, 0, IT_PROMPT, idx, p->selected};
		s->nit++;
	}
}

static void note_model(struct unpriced **up, size_t *n, size_t *cap, const char *model,
	int64_t tokens)
{
	size_t i;
	for (i = 0; i < *n; i++)
		if (!strcmp((*up)[i].model, model))
			break;
	if (i == *n) {
		GROW(*up, *n, *cap);
		(*up)[(*n)++] = (struct unpriced){xstrdup(model), 0, 0};
	}
	(*up)[i].calls++;
	(*up)[i].tokens += tokens;
}

static void add_unpriced(struct sv *s, const char *model, int64_t tokens)
{
	note_model(&s->up, &s->nup, &s->capup, model, tokens);
}

static int64_t tok(const struct tokens *t, int k)
{
	switch (k) {
	case PR_INPUT: return t->input;
	case PR_OUTPUT: return t->output;
	case PR_CACHE_READ: return t->cache_read;
	case PR_CACHE_WRITE: return t->cache_write;
	}
	return 0;
}

static void llm_tokens(struct sv *s, const struct event *e)
{
	size_t n = s->b.len;
	const struct price *pr = NULL;
	if (s->o.view == SV_COST && !(pr = prices_find(s->o.prices, e->model))) {
		int64_t sum = 0;
		for (int k = 0; k < PR_CACHE_WRITE_1H; k++)
			if (s->o.kinds & (1u << k) && tok(&e->tokens, k) > 0)
				sum += tok(&e->tokens, k);
		if (sum > 0) {
			/* Never priced at zero: visible, one per call. */
			add_unpriced(s, e->model ? e->model : "unknown", sum);
			sb_adds(&s->b, ";price:unknown");
			emit(s, s->b.p, s->b.len, 1);
		}
		return;
	}
	for (int k = 0; k < PR_CACHE_WRITE_1H; k++) {
		if (!(s->o.kinds & (1u << k)))
			continue;
		s->b.len = n;
		sb_adds(&s->b, ";kind:");
		sb_adds(&s->b, kind_frame[k]);
		double w = pr ? price_cost(pr, &e->tokens, k) : (double)tok(&e->tokens, k);
		emit(s, s->b.p, s->b.len, w);
	}
}

/* The fill of the context window, as a frame: [threshold, 80), [80, 100],
 * above 100 percent.  Calls below the threshold weigh nothing. */
static void llm_context(struct sv *s, const struct event *e)
{
	const struct price *pr = prices_find(s->o.prices, e->model);
	int64_t prompt = e->tokens.input + e->tokens.cache_read + e->tokens.cache_write;
	if (prompt <= 0)
		return;
	if (!pr || !pr->context) {
		note_model(&s->nw, &s->nnw, &s->capnw, e->model ? e->model : "unknown", prompt);
		return;
	}
	double pct = 100.0 * (double)prompt / (double)pr->context, lo = s->o.ctx_threshold;
	char fill[32];
	if (pct < lo)
		return;
	if (pct > 100)
		snprintf(fill, sizeof fill, "over");
	else if (pct >= 80 && lo < 80)
		snprintf(fill, sizeof fill, "80-100%%");
	else
		snprintf(fill, sizeof fill, "%g-%d%%", lo, lo < 80 ? 80 : 100);
	frame_add(&s->b, "fill", fill);
	emit(s, s->b.p, s->b.len, (double)prompt);
}

static void on_llm(struct sv *s, const struct event *e)
{
	const char *ptag = prompt_tag(s, e);
	bool sel = selected(s, e, ptag);
	if (sel)
		s->matched++, cur(s)->records++;
	hook(s, e, ptag, sel);
	base(s, e, ptag);
	switch (s->o.view) {
	case SV_TASKS:
		if (!sel)
			return;
		sb_adds(&s->b, ";kind:llm");
		call_llm(s, e);
		emit(s, s->b.p, s->b.len, 1);
		break;
	case SV_TOKENS:
	case SV_COST:
		if (!sel || !e->has_tokens)
			return;
		call_llm(s, e);
		llm_tokens(s, e);
		break;
	case SV_CONTEXT:
		if (!sel || !e->has_tokens)
			return;
		call_llm(s, e);
		llm_context(s, e);
		break;
	case SV_TIME:
		sb_adds(&s->b, ";kind:llm");
		call_llm(s, e);
		GROW(s->it, s->nit, s->capit);
		s->it[s->nit] = (struct item){e->ts, e->duration_ms, s->nit, keep(s, s->b.p, s->b.len),
			IT_LLM, find_prompt(s, e->prompt), sel};
		s->nit++;
		break;
	default:
		break;
	}
}

static void on_tool(struct sv *s, const struct event *e)
{
	const char *ptag = prompt_tag(s, e);
	bool sel = selected(s, e, ptag);
	if (sel)
		s->matched++, cur(s)->records++;
	hook(s, e, ptag, sel);
	GROW(s->tl, s->ntl, s->captl);
	struct tool *t = &s->tl[s->ntl];
	memset(t, 0, sizeof *t);
	t->selected = sel;
	if (e->id) {
		bool ins;
		int64_t *v = hm_put(&s->tidx, key(e->id), &ins);
		if (ins)
			*v = (int64_t)s->ntl;
	}
	s->ntl++;
	base(s, e, ptag);
	switch (s->o.view) {
	case SV_TASKS:
		sb_adds(&s->b, ";kind:tool");
		call_tool(s, e->tool);
		t->stack = keep(s, s->b.p, s->b.len);
		break;
	case SV_SYSTEM:
		call_tool(s, e->tool);
		frame_add(&s->b, "status", e->status ? e->status : "unknown");
		if (sel)
			emit(s, s->b.p, s->b.len, 1);
		break;
	case SV_TIME:
		sb_adds(&s->b, ";kind:tool");
		call_tool(s, e->tool);
		GROW(s->it, s->nit, s->capit);
		s->it[s->nit] = (struct item){e->ts, e->duration_ms, s->nit, keep(s, s->b.p, s->b.len),
			IT_TOOL, find_prompt(s, e->prompt), sel};
		s->nit++;
		break;
	default:
		break;
	}
	t->name = keeps(s, e->tool);
	t->status = keeps(s, e->status);
	t->class = keeps(s, e->class);
	t->cwd = keeps(s, e->cwd);
}

static bool is_file_effect(const char *ef)
{
	return ef && (!strcmp(ef, "read") || !strcmp(ef, "write") || !strcmp(ef, "delete") ||
		!strcmp(ef, "rename"));
}

static void on_effect(struct sv *s, const struct event *e)
{
	struct tool *t = find_tool(s, e->parent);
	if (t && !t->effect && e->effect)
		t->effect = keeps(s, e->effect);
	const char *ptag = prompt_tag(s, e);
	bool sel = selected(s, e, ptag);
	hook(s, e, ptag, sel);
	if (!sel)
		return;
	s->matched++, cur(s)->records++;
	const char *status = e->status ? e->status : t && t->status ? at(s, t->status) : "unknown";
	const char *cwd = t && t->cwd ? at(s, t->cwd) : NULL;
	double w = e->count > 0 ? (double)e->count : 1;
	struct sess *ss = cur(s);
	bool net = (e->effect && !strcmp(e->effect, "net")) || (!e->effect && e->domain);
	base(s, e, ptag);
	sb_reset(&s->g);
	switch (s->o.view) {
	case SV_SYSTEM:
		if (t)
			call_tool(s, at(s, t->name));
		processes(s, e);
		frame_add(&s->b, "effect", e->effect ? e->effect : "unknown");
		if (is_file_effect(e->effect) || (!net && e->path)) {
			path_group(&s->g, e->path, ss->root, cwd, s->o.depth);
			frame_add(&s->b, "path", s->g.p);
		} else if (net) {
			host_group(&s->g, e->domain, e->port);
			frame_add(&s->b, "domain", s->g.p);
		}
		break;
	case SV_FILES:
		if (!is_file_effect(e->effect))
			return;
		path_group(&s->g, e->path, ss->root, cwd, s->o.depth);
		frame_add(&s->b, "path", s->g.p);
		frame_add(&s->b, "effect", e->effect);
		break;
	case SV_NETWORK:
		if (!net)
			return;
		host_group(&s->g, e->domain, e->port);
		frame_add(&s->b, "domain", s->g.p);
		processes(s, e);
		break;
	default:
		return;
	}
	frame_add(&s->b, "status", status);
	emit(s, s->b.p, s->b.len, w);
}

void sv_record(struct sv *s, const struct event *e)
{
	if (!strcmp(e->kind, "session")) {
		begin(s, e->session, e);
		return;
	}
	if (s->cur < 0 || strcmp(cur(s)->id, e->session ? e->session : ""))
		begin(s, e->session, e);
	if (!strcmp(e->kind, "prompt"))
		on_prompt(s, e);
	else if (!strcmp(e->kind, "llm"))
		on_llm(s, e);
	else if (!strcmp(e->kind, "tool"))
		on_tool(s, e);
	else if (!strcmp(e->kind, "effect"))
		on_effect(s, e);
	/* other kinds (agent-snoop's summary, future ones) carry no weight */
}

/* --- end of a session ------------------------------------------------------ */

static void flush_tasks(struct sv *s)
{
	for (size_t i = 0; i < s->ntl; i++) {
		struct tool *t = &s->tl[i];
		if (!t->selected || !t->stack)
			continue;
		sb_reset(&s->b);
		sb_adds(&s->b, at(s, t->stack));
		frame_add(&s->b, "effect", t->class ? at(s, t->class) : t->effect ? at(s, t->effect) : "none");
		frame_add(&s->b, "status", t->status ? at(s, t->status) : "unknown");
		emit(s, s->b.p, s->b.len, 1);
	}
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* Time: each gap between consecutive records of the session belongs to
 * the prompt in effect before it, unless it is longer than the idle cap.
 * A model call without duration_ms is charged the gap before it (the
 * model was generating); what the calls and tools of a prompt are not
 * charged stays with the prompt itself (kind:prompt). */
static void flush_time(struct sv *s)
{
	qsort(s->it, s->nit, sizeof *s->it, cmp_item);
	int64_t prev = TS_NONE, cap = s->o.idle_cap;
	int active = -1;
	for (size_t i = 0; i < s->nit; i++) {
		struct item *it = &s->it[i];
		if (it->ts == TS_NONE)
			continue;
		bool ok = false;
		int64_t gap = 0;
		if (prev != TS_NONE) {
			gap = it->ts - prev;
			ok = gap >= 0 && (!cap || gap <= cap);
			if (ok && active >= 0)
				s->pr[active].wall += (double)gap;
		}
		if (it->type == IT_LLM && it->dur == EV_NONE)
			it->dur = ok ? gap : 0;
		if (it->type == IT_PROMPT)
			active = it->prompt;
		prev = it->ts;
	}
	for (size_t i = 0; i < s->nit; i++) {
		struct item *it = &s->it[i];
		if (it->type == IT_PROMPT || it->dur == EV_NONE || it->dur <= 0)
			continue;
		if (it->prompt >= 0)
			s->pr[it->prompt].charged += (double)it->dur;
		if (it->selected)
			emit(s, at(s, it->stack), strlen(at(s, it->stack)), (double)it->dur);
	}
	for (size_t i = 0; i < s->npr; i++) {
		struct prompt *p = &s->pr[i];
		if (p->selected && p->stack)
			emit(s, at(s, p->stack), strlen(at(s, p->stack)), p->wall - p->charged);
	}
}

static void flush(struct sv *s)
{
	if (s->cur < 0)
		return;
	if (s->o.view == SV_TASKS)
		flush_tasks(s);
	else if (s->o.view == SV_TIME)
		flush_time(s);
	reset(s);
}

void sv_finish(struct sv *s)
{
	flush(s);
	for (size_t i = 0; i < s->nup; i++)
		warnx("note: no price for model %s (%llu calls, %lld tokens): shown as "
			"\"model:%s;price:unknown\" weighing 1 per call; add it with --prices",
			s->up[i].model, (unsigned long long)s->up[i].calls,
			(long long)s->up[i].tokens, s->up[i].model);
	for (size_t i = 0; i < s->nnw; i++)
		warnx("note: no context window for model %s (%llu calls, %lld prompt tokens): "
			"left out of the context view; add \"context: TOKENS\" with --prices",
			s->nw[i].model, (unsigned long long)s->nw[i].calls, (long long)s->nw[i].tokens);
}

uint64_t sv_matched(const struct sv *s)
{
	return s->matched;
}

void sv_folded(struct sv *s, struct sbuf *o)
{
	stacks_print(&s->st, o);
}

const struct stacks *sv_stacks(const struct sv *s)
{
	return &s->st;
}

/* --- the JSON summary ------------------------------------------------------ */

/* Entries of weight > 0 in byte order; heaviest first, ties in byte order. */
static const struct stack_ent *heavy_e;

static int cmp_heavy(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t wx = llround(heavy_e[x].w), wy = llround(heavy_e[y].w);
	if (wx != wy)
		return wx > wy ? -1 : 1;
	return (x > y) - (x < y);
}

static const struct sv *sess_sv;

static int cmp_sess(const void *a, const void *b)
{
	const struct sess *x = &sess_sv->ss[*(const size_t *)a], *y = &sess_sv->ss[*(const size_t *)b];
	int64_t wx = llround(x->weight), wy = llround(y->weight);
	if (wx != wy)
		return wx > wy ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void jkey(struct sbuf *o, const char *k)
{
	if (o->p[o->len - 1] != '{' && o->p[o->len - 1] != '[')
		sb_addc(o, ',');
	sb_json_str(o, k, strlen(k));
	sb_addc(o, ':');
}

static void jstrv(struct sbuf *o, const char *k, const char *v)
{
	jkey(o, k);
	sb_json_str_redacted(o, v, strlen(v));
}

static void jnum_kv(struct sbuf *o, const char *k, int64_t v)
{
	jkey(o, k);
	sb_addi(o, v);
}

static void json_top(struct sv *s, struct sbuf *o, int64_t total)
{
	size_t *ix = stacks_sorted(&s->st), n = 0;
	struct stack_ent *e = xmalloc((s->st.n ? s->st.n : 1) * sizeof *e);
	for (size_t k = 0; k < s->st.n; k++)
		if (stacks_weight(&s->st, ix[k]) > 0)
			e[n++] = s->st.e[ix[k]];
	size_t *heavy = xmalloc((n ? n : 1) * sizeof *heavy);
	for (size_t k = 0; k < n; k++)
		heavy[k] = k;
	heavy_e = e;
	qsort(heavy, n, sizeof *heavy, cmp_heavy);
	jnum_kv(o, "stacks", (int64_t)n);
	jkey(o, "top");
	sb_addc(o, '[');
	for (size_t k = 0; k < n && k < 20; k++) {
		const struct stack_ent *x = &e[heavy[k]];
		int64_t w = llround(x->w);
		if (k)
			sb_addc(o, ',');
		sb_addc(o, '{');
		jkey(o, "stack");
		sb_json_str(o, s->st.pool.p + x->off, x->len);
		jnum_kv(o, "weight", w);
		jkey(o, "percent");
		sb_printf(o, "%.2f", total ? 100.0 * (double)w / (double)total : 0.0);
		sb_addc(o, '}');
	}
	sb_addc(o, ']');
	free(heavy);
	free(e);
	free(ix);
}

static void json_sessions(struct sv *s, struct sbuf *o)
{
	size_t *ix = xmalloc((s->nss ? s->nss : 1) * sizeof *ix), n = 0;
	for (size_t i = 0; i < s->nss; i++)
		if (s->ss[i].records)
			ix[n++] = i;
	sess_sv = s;
	qsort(ix, n, sizeof *ix, cmp_sess);
	jkey(o, "sessions");
	sb_addc(o, '[');
	for (size_t k = 0; k < n; k++) {
		struct sess *ss = &s->ss[ix[k]];
		if (k)
			sb_addc(o, ',');
		sb_addc(o, '{');
		jstrv(o, "session", ss->id);
		jstrv(o, "agent", ss->agent ? ss->agent : "unknown");
		sb_reset(&s->g);
		label_clean(&s->g, ss->project ? ss->project : "unknown",
			strlen(ss->project ? ss->project : "unknown"));
		jstrv(o, "project", s->g.p);
		jstrv(o, "tag", ss->tag ? ss->tag : "unmatched");
		jnum_kv(o, "records", (int64_t)ss->records);
		jnum_kv(o, "weight", llround(ss->weight));
		if (ss->has_text)
			jstrv(o, "preview", ss->preview ? ss->preview : "[redacted]");
		sb_addc(o, '}');
	}
	sb_addc(o, ']');
	free(ix);
}

void sv_json(struct sv *s, struct sbuf *o)
{
	size_t *ix = stacks_sorted(&s->st);
	int64_t total = 0;
	for (size_t k = 0; k < s->st.n; k++)
		if (stacks_weight(&s->st, ix[k]) > 0)
			total += stacks_weight(&s->st, ix[k]);
	free(ix);
	sb_addc(o, '{');
	jstrv(o, "view", names[s->o.view]);
	jstrv(o, "unit", units[s->o.view]);
	jnum_kv(o, "total", total);
	json_top(s, o, total);
	json_sessions(s, o);
	if (s->o.view == SV_COST) {
		jstrv(o, "note", "estimated from the usage recorded in transcripts, not the bill");
		if (s->o.prices && s->o.prices->date)
			jstrv(o, "prices_date", s->o.prices->date);
		jkey(o, "unpriced");
		sb_addc(o, '[');
		for (size_t i = 0; i < s->nup; i++) {
			if (i)
				sb_addc(o, ',');
			sb_addc(o, '{');
			jstrv(o, "model", s->up[i].model);
			jnum_kv(o, "calls", (int64_t)s->up[i].calls);
			jnum_kv(o, "tokens", s->up[i].tokens);
			sb_addc(o, '}');
		}
		sb_addc(o, ']');
	}
	sb_add(o, "}\n", 2);
}

void sv_free(struct sv *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nss; i++) {
		struct sess *ss = &s->ss[i];
		free(ss->id);
		free(ss->agent);
		free(ss->project);
		free(ss->root);
		free(ss->tag);
		free(ss->preview);
	}
	for (size_t i = 0; i < s->nup; i++)
		free(s->up[i].model);
	for (size_t i = 0; i < s->nnw; i++)
		free(s->nw[i].model);
	free(s->ss);
	free(s->up);
	free(s->nw);
	free(s->pr);
	free(s->tl);
	free(s->it);
	hm_free(&s->ssidx);
	hm_free(&s->pidx);
	hm_free(&s->tidx);
	sb_free(&s->pool);
	sb_free(&s->b);
	sb_free(&s->g);
	stacks_free(&s->st);
	free(s);
}
