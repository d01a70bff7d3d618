/* SPDX-License-Identifier: MIT */
/* stackview.c: the views of agent-stack.
 *
 * Records may come in any order and sessions interleaved: what a view
 * needs to know of a session (its prompts' tags, its tools, its subagents
 * and the tools that spawned them, its project) is kept per session for
 * the whole run, as ids and interned strings.  A record that refers to
 * something not seen yet (its session record, its prompt, the tool of an
 * effect, the spawning tool of a subagent, the call an update adds to) is
 * held, as its agent-event(5) line, until that arrives or the input ends.
 * Each record is turned into (stack, weight) pairs when it is placed,
 * except where a view needs more: tasks waits for the end of input to
 * name a tool's main effect, time lays out each session's records on a
 * time line at the end (sv_finish). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "report.h"
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

/* qsort with no work to do never sees its (possibly NULL) array. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* A record on a session's time line (time view, and the numbers of the
 * terminal formats). */
enum { IT_PROMPT, IT_MARK, IT_LLM, IT_TOOL };
struct item {
	int64_t ts, dur;        /* dur: as recorded, EV_NONE unknown */
	int64_t progress;       /* tool: last sign of progress (effects, its subagent's records) */
	int64_t cs, ce, wait;   /* the charged interval and what was cut (wait) */
	int64_t share;          /* ms of the session's active time owned */
	int64_t pshare;         /* ms owned by its prompt after it, no call running */
	uint32_t stack, wstack; /* interned: the time view's stack and its wait stack */
	uint32_t pstack;        /* its prompt's ";kind:prompt" stack */
	int32_t anc;            /* the spawning tool's item of this record's subagent, -1 */
	int32_t line;           /* the subagent, -1 the session itself */
	uint32_t order;
	uint64_t key;           /* its kind and id: ties broken whatever the input order */
	uint8_t type;
	bool selected, known;   /* known: cs..ce means something */
};

/* One session: its summary (kept for the whole run) and its time line. */
struct sess {
	char *id, *agent, *project, *root, *tag, *preview;
	bool has_text, seen;
	uint32_t nprompts;
	double weight;
	uint64_t records;
	struct item *it;
	size_t nit, capit;
	int64_t none_share;     /* time not owned by a call or a prompt */
	uint32_t none_stack;
	bool none_sel;
	int64_t active, model, tools;   /* selected ms, after the time line */
	struct hmap ids;        /* (kind, id) -> index into the tables of
	                         * prompts, tools, subagents and calls: one
	                         * table a session keeps the lookups of a
	                         * session's records in a little memory */
};

struct prompt {
	uint32_t tag;           /* interned; 0: no prompt frame */
};

/* A tool call: what every view needs (a subagent's spawning tool), kept
 * for each tool of the input; what the views with effects need besides
 * (struct toolx, at the same index) only for them. */
struct tool {
	uint32_t name, ptag;
	int32_t line, item;     /* subagent index or -1; time line item or -1 */
};

struct toolx {
	int64_t effect_ts;
	uint32_t sess, status, class, effect, cwd, stack;
	uint32_t effect_id;     /* the main effect: the first by time, then id */
	bool selected;
};

/* A subagent: its type, and the frames that lead to it
 * (";call:tool/T;subagent:TYPE", nested ones after their parents'). */
struct sub {
	uint32_t sess, type, prefix, ptag;
	int32_t anc;            /* the spawning tool's time line item, -1 */
	bool resolved, pending; /* pending: an intro waits for its spawning tool */
};

/* A model call, for the updates that add to it (tokens, cost): one for
 * each call of the input, so kept small.  What it has been charged so far
 * is five counts of 32 bits (no reasoning tokens: no weight reads them),
 * or, when one does not fit, t[0] indexes a whole struct tokens in the
 * view's bigtk. */
struct call {
	uint32_t stack;         /* the stack up to the model frame */
	uint32_t t[5];          /* input, cache_read, cache_write, cache_write_1h, output */
	bool selected, big;
};

/* A held record: its agent-event(5) line, in a list per awaited key. */
struct held {
	char *line;
	size_t len;
	uint64_t seq;           /* arrival */
	int rank;               /* at the end of input, placed by kind, then arrival */
	int64_t next, tail;     /* tail: kept in the head of a list */
};

struct unpriced {
	char *model;
	uint64_t calls;
	int64_t tokens;
};

static void json_agents(struct sbuf *o, const char *k, const struct unpriced *u, size_t n,
	const char *count, bool tokens);

struct sv {
	struct sv_opts o;
	struct stacks st;
	struct intern strs;     /* interned strings; 0 is "" */
	struct sess *ss;
	size_t nss, capss;
	struct hmap ssidx;      /* session id -> index */
	size_t lastss;          /* the session of the last record */
	struct prompt *pr;
	size_t npr, cappr;
	struct tool *tl;
	size_t ntl, captl;
	struct toolx *tx;       /* tasks, system, files, network; NULL else */
	size_t captx;
	struct sub *sb;
	size_t nsb, capsb;
	struct call *cl;
	size_t ncl, capcl;
	struct tokens *bigtk;   /* the charges of calls that do not fit a struct call */
	size_t nbigtk, capbigtk;
	/* held records and the queue of those released */
	struct held *h;
	size_t nh, caph;
	int64_t hfree;          /* free list of held entries */
	struct hmap waits;      /* awaited key -> first held entry, -1 none */
	int64_t *ready;
	size_t nready, capready, rhead;
	int phase;              /* 0 reading, 1 input ended: no session record to wait
	                         * for, 2 nothing at all to wait for */
	bool draining;
	uint64_t nheld;         /* records held at some point */
	uint64_t waiting;       /* held records in the lists of waits */
	struct sbuf hb;         /* a record being held */
	struct unpriced *up, *nw;
	size_t nup, capup, nnw, capnw;
	/* by agent: calls with no usage recorded, calls with rounded
	 * tokens, session totals (usage "none", "rounded", "session") */
	struct unpriced *nou, *rnd, *tot;
	size_t nnou, capnou, nrnd, caprnd, ntot, captot;
	bool total;             /* placing a session total: not a call */
	uint64_t matched;
	bool all;               /* no selectors: every record is selected */
	int64_t priced;         /* cost: the tokens that had a price */
	bool timeline_done;
	struct sbuf b, g;       /* scratch: the stack being built, a group */
	/* tokens view: the stacks of a model call by what they are made of
	 * (llm_memo) */
	struct intern mk, mka;   /* (frames before the call, tag, model); those frames */
	struct lmemo *lm;
	size_t nlm, caplm;
	struct sbuf mkb;
	/* the frames before the call of the last model call (llm_memo) */
	struct { uint32_t pre, id; bool set, ptag; struct sbuf v[4]; } la;
	/* the last prompt id and tool id added to or found in a session's
	 * table (id_get): records of a prompt, effects of a tool come
	 * together, right after it */
	struct idc { size_t si; int64_t v; bool set; char id[48]; } idc[2];
	/* the last string interned by each caller of ins_last */
	uint32_t last_tool, last_ptag;
	/* time, tasks: the stacks of a record by what they are made of (time_memo) */
	struct intern tk;
	struct tmemo { uint32_t st, wst; } *tm;
	size_t ntm, captm;
	/* base's four frames and the values they were made of */
	struct { bool set, ptag; struct sbuf v[4], out; } bc;
};

/* What the tokens view makes of a model call's frames: its call stack
 * (interned in strs; 0 not made yet) and its stack for each kind of
 * tokens (an id in st; UINT32_MAX not made yet). */
struct lmemo {
	uint32_t call;
	uint32_t kind[PR_CACHE_WRITE_1H];
	uint32_t unknown;       /* cost: its ";price:unknown" stack */
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

/* Every kind of frame a view can have (agent-stack(1), VIEWS): --by
 * takes these and no other, whether or not the chosen view has it. */
static const char *const frame_kinds[] = {
	"project", "agent", "session", "prompt", "call", "subagent", "model", "kind", "price",
	"fill", "process", "effect", "path", "domain", "status", NULL,
};

bool sv_frame_kind(const char *kind)
{
	for (int i = 0; frame_kinds[i]; i++)
		if (!strcmp(kind, frame_kinds[i]))
			return true;
	return false;
}

const char *sv_frame_kinds(void)
{
	static char list[256];
	if (!*list)
		for (int i = 0; frame_kinds[i]; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
				i ? (frame_kinds[i + 1] ? ", " : " or ") : "", frame_kinds[i]);
	return list;
}

const char *sv_view_name(enum sv_view v) { return names[v]; }
const char *sv_view_unit(enum sv_view v) { return units[v]; }

/* Intern str[0..n). */
static uint32_t in(struct sv *s, const char *str, size_t n)
{
	return intern_id(&s->strs, str, n);
}

static uint32_t ins(struct sv *s, const char *str)
{
	return str ? in(s, str, strlen(str)) : 0;
}

static const char *S(const struct sv *s, uint32_t i)
{
	return intern_at(&s->strs, i);
}

/* ins for a caller whose strings repeat from one record to the next (a
 * tool's name, a prompt's tag): *last is the id it had last. */
static uint32_t ins_last(struct sv *s, uint32_t *last, const char *str)
{
	if (!str)
		return 0;
	if (*last && !strcmp(S(s, *last), str))
		return *last;
	return *last = ins(s, str);
}

static const char *SN(const struct sv *s, uint32_t i)
{
	return i ? S(s, i) : NULL;
}

struct sv *sv_new(const struct sv_opts *o)
{
	struct sv *s = xcalloc(1, sizeof *s);
	s->o = *o;
	s->hfree = -1;
	s->all = !o->agent && !o->session_id && !o->session_tag && !o->project && !o->prompt_tag &&
		o->since == TS_NONE && o->until == TS_NONE;
	intern_id(&s->strs, "", 0);
	return s;
}

/* --- keys ------------------------------------------------------------------ */

enum { K_PROMPT = 'P', K_TOOL = 'T', K_SUB = 'X', K_LLM = 'L', K_SESSION = 'S' };

static uint64_t idkeyn(size_t si, int kind, const char *id, size_t n)
{
	return hash64(id, n, ((uint64_t)si << 8 | (unsigned)kind) * 0x9e3779b97f4a7c15u + 1);
}

static uint64_t idkey(size_t si, int kind, const char *id)
{
	return idkeyn(si, kind, id, strlen(id));
}

/* (si, kind, id) has index v in the session's table: kept for id_get
 * when it is a prompt's or a tool's. */
static void idc_set(struct sv *s, size_t si, int kind, const char *id, size_t n, int64_t v)
{
	struct idc *c = &s->idc[kind == K_TOOL];
	if ((kind != K_PROMPT && kind != K_TOOL) || n >= sizeof c->id)
		return;
	c->si = si;
	c->v = v;
	c->set = true;
	memcpy(c->id, id, n + 1);
}

/* The index of (si, kind, id) in the session's table, NULL when not
 * there.  An index never changes once set and ids are never removed, so
 * the last prompt and tool met are compared first: the caller reads *v,
 * never writes it. */
static int64_t *id_get(struct sv *s, size_t si, int kind, const char *id)
{
	if (!id)
		return NULL;
	if (kind != K_PROMPT && kind != K_TOOL)
		return hm_get(&s->ss[si].ids, idkey(si, kind, id));
	struct idc *c = &s->idc[kind == K_TOOL];
	if (c->set && c->si == si && !strcmp(c->id, id))
		return &c->v;
	size_t n = strlen(id);
	int64_t *v = hm_get(&s->ss[si].ids, idkeyn(si, kind, id, n));
	if (v)
		idc_set(s, si, kind, id, n, *v);
	return v;
}

/* The session's id table, to add to: it starts small (most sessions
 * hold a few hundred ids) and hm_put doubles it as it fills. */
static struct hmap *ids(struct sv *s, size_t si)
{
	struct hmap *m = &s->ss[si].ids;
	if (!m->cap) {
		m->cap = 64;
		m->s = xcalloc(m->cap, sizeof *m->s);
	}
	return m;
}

/* --- sessions ------------------------------------------------------------ */

static char *project_of(const char *cwd)
{
	return path_project(cwd);
}

static size_t sess_of(struct sv *s, const char *id)
{
	if (!id)
		id = "";
	if (s->lastss < s->nss && !strcmp(s->ss[s->lastss].id, id))
		return s->lastss;   /* records mostly come session by session */
	bool isnew;
	int64_t *v = hm_put(&s->ssidx, hash64(id, strlen(id), 0x5eed), &isnew);
	if (isnew) {
		GROW(s->ss, s->nss, s->capss);
		memset(&s->ss[s->nss], 0, sizeof *s->ss);
		s->ss[s->nss].id = xstrdup(id);
		*v = (int64_t)s->nss++;
	}
	return s->lastss = (size_t)*v;
}

/* --- holding ------------------------------------------------------------- */

static uint64_t waitkey(size_t si, int kind, const char *id)
{
	return idkey(si, kind, id ? id : "") ^ 0x77a17;
}

/* Keep record e until (si, kind, id) is known. */
static void hold(struct sv *s, size_t si, int kind, const char *id, const struct event *e)
{
	sb_reset(&s->hb);
	ev_write(&s->hb, e, 0);
	int64_t x;
	if (s->hfree >= 0) {
		x = s->hfree;
		s->hfree = s->h[x].next;
	} else {
		GROW(s->h, s->nh, s->caph);
		x = (int64_t)s->nh++;
	}
	static const char *const order[] = {"session", "prompt", "tool", "llm", NULL};
	int rank = 0;
	while (order[rank] && strcmp(order[rank], e->kind))
		rank++;
	s->h[x] = (struct held){xstrndup(s->hb.p, s->hb.len), s->hb.len, s->nheld, rank, -1, x};
	s->nheld++;
	s->waiting++;
	bool isnew;
	int64_t *head = hm_put(&s->waits, waitkey(si, kind, id), &isnew);
	if (isnew || *head < 0) {
		*head = x;
	} else {
		s->h[s->h[*head].tail].next = x;
		s->h[*head].tail = x;
	}
}

/* What waited for (si, kind, id) is ready to be placed again. */
static void release(struct sv *s, size_t si, int kind, const char *id)
{
	if (!s->waiting)
		return;         /* mostly: records come after what they refer to */
	int64_t *head = hm_get(&s->waits, waitkey(si, kind, id));
	if (!head || *head < 0)
		return;
	for (int64_t x = *head; x >= 0; x = s->h[x].next) {
		GROW(s->ready, s->nready, s->capready);
		s->ready[s->nready++] = x;
		s->waiting--;
	}
	*head = -1;
}

/* --- stacks -------------------------------------------------------------- */

static void emit(struct sv *s, size_t si, const char *stack, size_t n, double w)
{
	if (w <= 0)
		return;
	stacks_add(&s->st, stack, n, w);
	s->ss[si].weight += w;
}

static const char *session_tag(struct sv *s, size_t si, const struct event *e)
{
	const char *t = s->ss[si].tag;
	return t ? t : e->tag_session ? e->tag_session : "unmatched";
}

/* project:P;agent:A;session:T[;prompt:T][subagent frames] into s->b.
 * The four frames are mostly those of the record before: made again
 * (each label cleaned) only when one of the values changes. */
static void base(struct sv *s, size_t si, const struct event *e, const char *ptag, int32_t line)
{
	struct sess *ss = &s->ss[si];
	const char *v[4] = {ss->project ? ss->project : "unknown",
		e->agent ? e->agent : ss->agent ? ss->agent : "unknown", session_tag(s, si, e), ptag};
	sb_reset(&s->b);
	if (s->o.group) {
		s->o.group(s->o.group_arg, e, ss->id, v[0], &s->b);
		s->bc.set = false;      /* (the cache holds the four frames alone) */
	}
	bool same = s->bc.set && s->bc.ptag == (ptag != NULL);
	for (int i = 0; i < 4 && same; i++)
		same = !v[i] || !strcmp(s->bc.v[i].p, v[i]);
	if (!same) {
		struct sbuf *o = &s->bc.out;
		sb_reset(o);
		frame_add(o, "project", v[0]);
		frame_add(o, "agent", v[1]);
		frame_add(o, "session", v[2]);
		if (ptag)
			frame_add(o, "prompt", ptag);
		for (int i = 0; i < 4; i++) {
			sb_reset(&s->bc.v[i]);
			sb_adds(&s->bc.v[i], v[i] ? v[i] : "");
		}
		s->bc.ptag = ptag != NULL;
		s->bc.set = !s->o.group;
	}
	if (s->o.group && s->b.len)
		sb_addc(&s->b, ';');
	sb_add(&s->b, s->bc.out.p, s->bc.out.len);
	if (line >= 0)
		sb_adds(&s->b, S(s, s->sb[line].prefix));
}

/* The frames base makes (project, agent, session, prompt) and the
 * subagent's that follow them (line), as an id in s->mka, kept in s->la:
 * mostly those of the record before.  For the memos of stacks made of
 * them (llm_memo, time_memo), so that a stack is made once for all the
 * records with the same frames. */
static uint32_t pre_frames(struct sv *s, size_t si, const struct event *e, const char *ptag,
	int32_t line)
{
	struct sess *ss = &s->ss[si];
	struct sbuf *k = &s->mkb;
	uint32_t pre = line >= 0 ? s->sb[line].prefix : UINT32_MAX;
	/* the frames before the call (project, agent, session, prompt,
	 * subagent): mostly those of the call before */
	const char *v[4] = {ss->project ? ss->project : "unknown",
		e->agent ? e->agent : ss->agent ? ss->agent : "unknown", session_tag(s, si, e), ptag};
	bool same = s->la.set && s->la.pre == pre && s->la.ptag == (ptag != NULL);
	for (int i = 0; i < 4 && same; i++)
		same = !v[i] || !strcmp(s->la.v[i].p, v[i]);
	if (!same) {
		sb_reset(k);
		sb_add(k, (const char *)&pre, sizeof pre);
		for (int i = 0; i < 3; i++) {
			sb_adds(k, v[i]);
			sb_addc(k, 0);
		}
		if (ptag) {
			sb_addc(k, 1);
			sb_adds(k, ptag);
		}
		s->la.id = intern_id(&s->mka, k->p, k->len);
		s->la.pre = pre;
		s->la.ptag = ptag != NULL;
		s->la.set = true;
		for (int i = 0; i < 4; i++) {
			sb_reset(&s->la.v[i]);
			sb_adds(&s->la.v[i], v[i] ? v[i] : "");
		}
	}
	return s->la.id;
}

/* The time and tasks views' stacks of a record with the frames before it
 * of pre_frames and the rest named by what (its type and view) and the
 * strings a and b: made once (st, wst: 0 not yet).  NULL with a group
 * frame first, which the memo does not know. */
static struct tmemo *time_memo(struct sv *s, size_t si, const struct event *e, const char *ptag,
	int32_t line, char what, const char *a, const char *b)
{
	if (s->o.group)
		return NULL;
	uint32_t pre = pre_frames(s, si, e, ptag, line);
	struct sbuf *k = &s->mkb;
	sb_reset(k);
	sb_addc(k, what);
	sb_add(k, (const char *)&pre, sizeof pre);
	sb_adds(k, a);
	sb_addc(k, 0);
	sb_adds(k, b);
	uint32_t id = intern_id(&s->tk, k->p, k->len);
	if (id == s->ntm) {
		GROW(s->tm, s->ntm, s->captm);
		s->tm[s->ntm++] = (struct tmemo){0, 0};
	}
	return &s->tm[id];
}

static bool selected_by(struct sv *s, size_t si, const struct event *e, const char *ptag)
{
	const struct sv_opts *o = &s->o;
	struct sess *ss = &s->ss[si];
	const char *agent = e->agent ? e->agent : ss->agent;
	if (o->agent && (!agent || strcmp(agent, o->agent)))
		return false;
	if (o->session_id) {
		size_t l = strlen(o->session_id);
		if (strncmp(ss->id, o->session_id, l) &&
		    (!e->subagent || strncmp(e->subagent, o->session_id, l)))
			return false;
	}
	if (o->session_tag && strcmp(session_tag(s, si, e), o->session_tag))
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

/* Whether record e passes the selectors (all do when none is given). */
static inline bool selected(struct sv *s, size_t si, const struct event *e, const char *ptag)
{
	return s->all || selected_by(s, si, e, ptag);
}

static void hook(struct sv *s, size_t si, const struct event *e, const char *ptag, bool sel,
	int64_t item)
{
	if (!s->o.hook)
		return;
	struct sess *ss = &s->ss[si];
	struct sv_rec r = {
		ss->id, e->agent ? e->agent : ss->agent ? ss->agent : "unknown",
		ss->project ? ss->project : "unknown", session_tag(s, si, e), ptag ? ptag : "none", sel,
		s, item >= 0 ? (int64_t)((uint64_t)si << 32 | (uint64_t)item) : -1,
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

static void call_tool(struct sbuf *b, const char *tool)
{
	sb_adds(b, ";call:tool/");
	tool = tool && *tool ? tool : "unknown";
	if (tool[0] == '/')
		tool = path_base(tool);     /* a program run by path: no absolute path out */
	label_clean(b, tool, strlen(tool));
}

static void processes(struct sv *s, const struct event *e)
{
	for (int i = 0; i < e->nprocess; i++)
		frame_add(&s->b, "process", path_base(e->process[i]));
	if (!e->nprocess && e->nargv && e->effect && !strcmp(e->effect, "exec"))
		frame_add(&s->b, "process", path_base(e->argv[0]));
}

/* --- the time line: items ------------------------------------------------- */

static bool want_timeline(const struct sv *s)
{
	return s->o.view == SV_TIME || s->o.timeline;
}

static int32_t add_item(struct sv *s, size_t si, const struct event *e, int type, int32_t line,
	bool sel, uint32_t stack, uint32_t wstack, const char *ptag)
{
	if (!want_timeline(s))
		return -1;
	uint32_t pstack = 0;
	struct tmemo *m = s->o.view == SV_TIME ? time_memo(s, si, e, ptag, -1, 'P', "", "") : NULL;
	if (m && m->st) {
		pstack = m->st;
	} else if (s->o.view == SV_TIME) {
		struct sbuf keep = s->b;   /* the caller's stack stays as it is */
		s->b = s->g;
		base(s, si, e, ptag, -1);
		sb_adds(&s->b, ";kind:prompt");
		pstack = in(s, s->b.p, s->b.len);
		s->g = s->b;
		s->b = keep;
		if (m)
			m->st = pstack;
	}
	struct sess *ss = &s->ss[si];
	GROW(ss->it, ss->nit, ss->capit);
	struct item *it = &ss->it[ss->nit];
	memset(it, 0, sizeof *it);
	it->ts = e->ts;
	it->dur = type == IT_LLM || type == IT_TOOL ? e->duration_ms : EV_NONE;
	it->progress = e->ts;
	it->stack = stack, it->wstack = wstack, it->pstack = pstack;
	it->anc = line >= 0 ? s->sb[line].anc : -1;
	it->line = line;
	it->order = (uint32_t)ss->nit;
	it->key = hash64(e->id ? e->id : "", e->id ? strlen(e->id) : 0, (uint64_t)type + 1);
	it->type = (uint8_t)type;
	it->selected = sel;
	/* a subagent's record is a sign of progress of the tools that led to it */
	if (e->ts != TS_NONE)
		for (int32_t a = it->anc, depth = 0; a >= 0 && depth < 1000; a = ss->it[a].anc, depth++)
			if (ss->it[a].progress == TS_NONE || ss->it[a].progress < e->ts)
				ss->it[a].progress = e->ts;
	return (int32_t)ss->nit++;
}

/* --- subagents ------------------------------------------------------------ */

static int32_t sub_of(struct sv *s, size_t si, const struct event *e)
{
	bool isnew;
	int64_t *v = hm_put(ids(s, si), idkey(si, K_SUB, e->subagent), &isnew);
	if (isnew) {
		GROW(s->sb, s->nsb, s->capsb);
		memset(&s->sb[s->nsb], 0, sizeof *s->sb);
		s->sb[s->nsb].sess = (uint32_t)si;
		s->sb[s->nsb].anc = -1;
		*v = (int64_t)s->nsb++;
	}
	struct sub *b = &s->sb[*v];
	if (!b->type && e->subagent_type && *e->subagent_type)
		b->type = ins(s, e->subagent_type);
	return (int32_t)*v;
}

/* The spawning tool is t (NULL: not known, so the agent's usual one). */
static void resolve(struct sv *s, size_t si, int32_t x, const struct tool *t, const struct event *e)
{
	struct sub *b = &s->sb[x];
	struct sbuf p = {0};
	const char *agent = e->agent ? e->agent : s->ss[si].agent;
	if (t && t->line >= 0)
		sb_adds(&p, S(s, s->sb[t->line].prefix));
	call_tool(&p, t ? SN(s, t->name) : agent && !strcmp(agent, "codex") ? "spawn_agent" : "Task");
	frame_add(&p, "subagent", b->type ? S(s, b->type) : "task");
	b->prefix = in(s, p.p, p.len);
	b->ptag = t ? t->ptag : 0;
	b->anc = t ? t->item : -1;
	b->resolved = true;
	sb_free(&p);
	release(s, si, K_SUB, e->subagent);
}

/* --- per kind ------------------------------------------------------------ */

static void on_prompt(struct sv *s, size_t si, const struct event *e, const char *ptag, int32_t line)
{
	struct sess *ss = &s->ss[si];
	if (e->id) {
		bool isnew;
		size_t n = strlen(e->id);
		int64_t *v = hm_put(ids(s, si), idkeyn(si, K_PROMPT, e->id, n), &isnew);
		if (isnew) {   /* a repeated id keeps the first prompt */
			GROW(s->pr, s->npr, s->cappr);
			s->pr[s->npr] = (struct prompt){ins(s, ptag)};
			*v = (int64_t)s->npr++;
		}
		idc_set(s, si, K_PROMPT, e->id, n, *v);
		release(s, si, K_PROMPT, e->id);
	}
	if (line < 0)
		ss->nprompts++;
	bool sel = selected(s, si, e, ptag);
	uint32_t stack = 0;
	if (s->o.view == SV_TIME && line < 0) {
		/* the stack add_item makes for its prompt too */
		struct tmemo *m = time_memo(s, si, e, ptag, -1, 'P', "", "");
		if (m && m->st) {
			stack = m->st;
		} else {
			base(s, si, e, ptag, line);
			sb_adds(&s->b, ";kind:prompt");
			stack = in(s, s->b.p, s->b.len);
			if (m)
				m->st = stack;
		}
	}
	int32_t item = add_item(s, si, e, line < 0 ? IT_PROMPT : IT_MARK, line, sel, stack, 0, ptag);
	hook(s, si, e, ptag, sel, item);
	if (sel && e->text && e->text_len && !ss->has_text && line < 0 &&
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
	if (sel)
		s->matched++, ss->records++;
}

static void note_model(struct unpriced **up, size_t *n, size_t *cap, const char *model,
	int64_t tokens, bool call)
{
	size_t i;
	for (i = 0; i < *n; i++)
		if (!strcmp((*up)[i].model, model))
			break;
	if (i == *n) {
		GROW(*up, *n, *cap);
		(*up)[(*n)++] = (struct unpriced){xstrdup(model), 0, 0};
	}
	(*up)[i].calls += call;
	(*up)[i].tokens += tokens;
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

static void tk_add(struct tokens *a, const struct tokens *b)
{
	a->input += b->input, a->cache_read += b->cache_read, a->cache_write += b->cache_write;
	a->cache_write_1h += b->cache_write_1h, a->output += b->output;
	a->reasoning += b->reasoning;
}

/* Tokens or cost of a call whose stack up to the model frame is in s->b:
 * tk are its tokens; an update (was: what the call had before) weighs
 * what it adds. */
static void llm_tokens(struct sv *s, size_t si, const char *model, const struct tokens *tk,
	const struct tokens *was)
{
	size_t n = s->b.len;
	const struct price *pr = NULL;
	if (s->o.view == SV_COST && !(pr = prices_find(s->o.prices, model))) {
		int64_t sum = 0;
		for (int k = 0; k < PR_CACHE_WRITE_1H; k++)
			if (s->o.kinds & (1u << k) && tok(tk, k) - (was ? tok(was, k) : 0) > 0)
				sum += tok(tk, k) - (was ? tok(was, k) : 0);
		if (sum > 0) {
			/* Never priced at zero: visible, one per call. */
			note_model(&s->up, &s->nup, &s->capup, model ? model : "unknown", sum,
				!was && !s->total);
			sb_adds(&s->b, ";price:unknown");
			emit(s, si, s->b.p, s->b.len, was ? 0 : 1);
		}
		return;
	}
	for (int k = 0; k < PR_CACHE_WRITE_1H; k++) {
		if (!(s->o.kinds & (1u << k)))
			continue;
		if (pr)
			s->priced = sat_add(s->priced, tok(tk, k) - (was ? tok(was, k) : 0));
		s->b.len = n;
		sb_adds(&s->b, ";kind:");
		sb_adds(&s->b, kind_frame[k]);
		double w = pr ? price_cost(pr, tk, k) : (double)tok(tk, k);
		if (was)
			w -= pr ? price_cost(pr, was, k) : (double)tok(was, k);
		emit(s, si, s->b.p, s->b.len, w);
	}
}

/* What call c has been charged so far. */
static void call_tk(const struct sv *s, const struct call *c, struct tokens *tk)
{
	if (c->big) {
		*tk = s->bigtk[c->t[0]];
		return;
	}
	*tk = (struct tokens){.input = c->t[0], .cache_read = c->t[1], .cache_write = c->t[2],
		.cache_write_1h = c->t[3], .output = c->t[4]};
}

static void call_set_tk(struct sv *s, struct call *c, const struct tokens *tk)
{
	const int64_t v[5] = {tk->input, tk->cache_read, tk->cache_write, tk->cache_write_1h,
		tk->output};
	bool fits = !c->big;
	for (int i = 0; i < 5 && fits; i++)
		fits = v[i] >= 0 && v[i] <= UINT32_MAX;
	if (fits) {
		for (int i = 0; i < 5; i++)
			c->t[i] = (uint32_t)v[i];
		return;
	}
	if (!c->big) {
		GROW(s->bigtk, s->nbigtk, s->capbigtk);
		c->t[0] = (uint32_t)s->nbigtk++;
		c->big = true;
	}
	s->bigtk[c->t[0]] = *tk;
}

/* A new call: charged its own tokens, if any. */
static void call_new(struct sv *s, uint32_t stack, bool sel, const struct event *e)
{
	GROW(s->cl, s->ncl, s->capcl);
	struct call *c = &s->cl[s->ncl++];
	memset(c, 0, sizeof *c);
	c->stack = stack;
	c->selected = sel && e->has_tokens;
	if (e->has_tokens)
		call_set_tk(s, c, &e->tokens);
}

/* The fill of the context window, as a frame: [threshold, 80), [80, 100],
 * above 100 percent.  Calls below the threshold weigh nothing. */
static void llm_context(struct sv *s, size_t si, const struct event *e)
{
	const struct price *pr = prices_find(s->o.prices, e->model);
	int64_t prompt = e->tokens.input + e->tokens.cache_read + e->tokens.cache_write;
	if (prompt <= 0)
		return;
	if (!pr || !pr->context) {
		note_model(&s->nw, &s->nnw, &s->capnw, e->model ? e->model : "unknown", prompt, true);
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
	emit(s, si, s->b.p, s->b.len, (double)prompt);
}

/* An update adds its tokens to the call of the same id: tokens and cost
 * only, never a call, never time. */
static void on_update(struct sv *s, size_t si, const struct event *e, int64_t *v)
{
	if (s->o.view != SV_TOKENS && s->o.view != SV_COST)
		return;
	struct call *c = &s->cl[*v];
	if (!c->selected || !e->has_tokens)
		return;
	struct tokens was, now;
	call_tk(s, c, &was);
	now = was;
	tk_add(&now, &e->tokens);
	call_set_tk(s, c, &now);
	sb_reset(&s->b);
	sb_adds(&s->b, S(s, c->stack));
	/* the model is the last frame of the kept stack */
	const char *m = strrchr(S(s, c->stack), ';');
	struct sbuf model = {0};
	if (m && !strncmp(m, ";model:", 7))
		sb_adds(&model, m + 7);
	llm_tokens(s, si, model.len ? model.p : NULL, &now, &was);
	sb_free(&model);
}

static bool usage_is(const struct event *e, const char *u)
{
	return e->usage && !strcmp(e->usage, u);
}

static int64_t tk_all(const struct tokens *t)
{
	return t->input + t->cache_read + t->cache_write + t->output;
}

/* A session total (usage "session"): tokens the agent records only for a
 * whole session, run or model.  Not a call: no prompt, no place on a time
 * line; tokens and cost under ";call:llm/session-total", never spread. */
static void on_total(struct sv *s, size_t si, const struct event *e, int32_t line)
{
	bool sel = selected(s, si, e, NULL);
	hook(s, si, e, NULL, sel, -1);
	if (!sel)
		return;
	s->matched++, s->ss[si].records++;
	const char *agent = e->agent ? e->agent : s->ss[si].agent ? s->ss[si].agent : "unknown";
	note_model(&s->tot, &s->ntot, &s->captot, agent, e->has_tokens ? tk_all(&e->tokens) : 0,
		true);
	if (!e->has_tokens || (s->o.view != SV_TOKENS && s->o.view != SV_COST))
		return;
	base(s, si, e, NULL, line);
	sb_adds(&s->b, ";call:llm/session-total");
	frame_add(&s->b, "model", e->model ? e->model : "unknown");
	struct tokens none = {0};
	s->total = true;
	llm_tokens(s, si, e->model, &e->tokens, &none);
	s->total = false;
}

/* The tokens and cost views' stacks of a model call, made once for all
 * the calls with the same frames: by the values of the frames (a subagent's by the
 * interned frames leading to it), so the memo grows with the distinct
 * stacks, not with the calls.  Building the stack (base, call_llm) and
 * hashing it whole for each kind of tokens was most of the work of the
 * view.  The folded stacks are those llm_tokens makes, byte for byte. */
static struct lmemo *llm_memo(struct sv *s, size_t si, const struct event *e, const char *ptag,
	int32_t line)
{
	struct sbuf *k = &s->mkb;
	pre_frames(s, si, e, ptag, line);
	sb_reset(k);
	sb_add(k, (const char *)&s->la.id, sizeof s->la.id);
	sb_adds(k, llm_tag(e));
	sb_addc(k, 0);
	sb_adds(k, e->model ? e->model : "unknown");
	uint32_t id = intern_id(&s->mk, k->p, k->len);
	if (id == s->nlm) {
		GROW(s->lm, s->nlm, s->caplm);
		struct lmemo *m = &s->lm[s->nlm++];
		m->call = 0;
		for (int i = 0; i < PR_CACHE_WRITE_1H; i++)
			m->kind[i] = UINT32_MAX;
		m->unknown = UINT32_MAX;
	}
	return &s->lm[id];
}

/* on_llm for the tokens and cost views without time lines or groups:
 * the same stacks and weights (llm_tokens') from llm_memo. */
static void on_llm_tokens(struct sv *s, size_t si, const struct event *e, const char *ptag,
	int32_t line, bool sel)
{
	size_t m = (size_t)(llm_memo(s, si, e, ptag, line) - s->lm), n = 0;
	if (sel)
		s->matched++, s->ss[si].records++;
	if (e->id) {
		bool isnew;
		int64_t *v = hm_put(ids(s, si), idkey(si, K_LLM, e->id), &isnew);
		if (isnew && !s->lm[m].call) {
			base(s, si, e, ptag, line);
			call_llm(s, e);
			s->lm[m].call = in(s, s->b.p, s->b.len);
		}
		if (isnew) {
			*v = (int64_t)s->ncl;
			call_new(s, s->lm[m].call, sel, e);
		}
		release(s, si, K_LLM, e->id);
	}
	hook(s, si, e, ptag, sel, -1);
	if (!sel || !e->has_tokens)
		return;
	const struct price *pr = NULL;
	if (s->o.view == SV_COST && !(pr = prices_find(s->o.prices, e->model))) {
		/* as llm_tokens: never priced at zero, one per call */
		int64_t sum = 0;
		for (int k = 0; k < PR_CACHE_WRITE_1H; k++)
			if (s->o.kinds & (1u << k) && tok(&e->tokens, k) > 0)
				sum += tok(&e->tokens, k);
		if (sum <= 0)
			return;
		note_model(&s->up, &s->nup, &s->capup, e->model ? e->model : "unknown", sum, true);
		if (s->lm[m].unknown == UINT32_MAX) {
			base(s, si, e, ptag, line);
			call_llm(s, e);
			sb_adds(&s->b, ";price:unknown");
			s->lm[m].unknown = (uint32_t)stacks_add(&s->st, s->b.p, s->b.len, 1);
		} else {
			stacks_add_id(&s->st, s->lm[m].unknown, 1);
		}
		s->ss[si].weight += 1;
		return;
	}
	for (int k = 0; k < PR_CACHE_WRITE_1H; k++) {
		if (!(s->o.kinds & (1u << k)))
			continue;
		if (pr)
			s->priced = sat_add(s->priced, tok(&e->tokens, k));
		double w = pr ? price_cost(pr, &e->tokens, k) : (double)tok(&e->tokens, k);
		if (w <= 0)
			continue;
		if (s->lm[m].kind[k] == UINT32_MAX) {
			if (!n) {
				base(s, si, e, ptag, line);
				call_llm(s, e);
				n = s->b.len;
			}
			s->b.len = n;
			sb_adds(&s->b, ";kind:");
			sb_adds(&s->b, kind_frame[k]);
			s->lm[m].kind[k] = (uint32_t)stacks_add(&s->st, s->b.p, s->b.len, w);
		} else {
			stacks_add_id(&s->st, s->lm[m].kind[k], w);
		}
		s->ss[si].weight += w;
	}
}

static void on_llm(struct sv *s, size_t si, const struct event *e, const char *ptag, int32_t line)
{
	if (usage_is(e, "session") && !e->update) {
		on_total(s, si, e, line);
		return;
	}
	bool sel = selected(s, si, e, ptag);
	if (sel && !e->update) {
		const char *agent = e->agent ? e->agent : s->ss[si].agent ? s->ss[si].agent : "unknown";
		if (usage_is(e, "none") && !e->has_tokens)
			note_model(&s->nou, &s->nnou, &s->capnou, agent, 0, true);
		else if (usage_is(e, "rounded") && e->has_tokens)
			note_model(&s->rnd, &s->nrnd, &s->caprnd, agent, tk_all(&e->tokens), true);
	}
	if (e->update) {
		hook(s, si, e, ptag, sel, -1);
		/* placed without its call (it never came): its own stacks, not a call */
		if (sel && e->has_tokens && (s->o.view == SV_TOKENS || s->o.view == SV_COST)) {
			base(s, si, e, ptag, line);
			call_llm(s, e);
			struct tokens none = {0};
			llm_tokens(s, si, e->model, &e->tokens, &none);
		}
		return;
	}
	if ((s->o.view == SV_TOKENS || s->o.view == SV_COST) && !want_timeline(s) && !s->o.group) {
		on_llm_tokens(s, si, e, ptag, line, sel);
		return;
	}
	if (sel)
		s->matched++, s->ss[si].records++;
	base(s, si, e, ptag, line);
	size_t nb = s->b.len;
	if ((s->o.view == SV_TOKENS || s->o.view == SV_COST) && e->id) {
		size_t n = s->b.len;
		call_llm(s, e);
		bool isnew;
		int64_t *v = hm_put(ids(s, si), idkey(si, K_LLM, e->id), &isnew);
		if (isnew) {
			*v = (int64_t)s->ncl;
			call_new(s, in(s, s->b.p, s->b.len), sel, e);
		}
		release(s, si, K_LLM, e->id);
		s->b.len = n;
		s->b.p[n] = 0;
	}
	int32_t item = -1;
	if (want_timeline(s)) {
		uint32_t st = 0, wst = 0;
		struct tmemo *m = s->o.view == SV_TIME ? time_memo(s, si, e, ptag, line, 'L',
			llm_tag(e), e->model ? e->model : "unknown") : NULL;
		if (m && m->st) {
			st = m->st, wst = m->wst;
		} else if (s->o.view == SV_TIME) {
			size_t n = s->b.len;
			sb_adds(&s->b, ";kind:wait");
			call_llm(s, e);
			wst = in(s, s->b.p, s->b.len);
			s->b.len = n;
			sb_adds(&s->b, ";kind:llm");
			call_llm(s, e);
			st = in(s, s->b.p, s->b.len);
			if (m)
				m->st = st, m->wst = wst;
		}
		item = add_item(s, si, e, IT_LLM, line, sel, st, wst, ptag);
	}
	hook(s, si, e, ptag, sel, item);
	if (!sel)
		return;
	s->b.len = nb;
	s->b.p[nb] = 0;
	switch (s->o.view) {
	case SV_TASKS: {
		/* (st: the stack's id in s->st, plus one) */
		struct tmemo *m = time_memo(s, si, e, ptag, line, 'l', llm_tag(e),
			e->model ? e->model : "unknown");
		if (m && m->st) {
			stacks_add_id(&s->st, m->st - 1, 1);
			s->ss[si].weight += 1;
			break;
		}
		sb_adds(&s->b, ";kind:llm");
		call_llm(s, e);
		if (m)
			m->st = (uint32_t)stacks_add(&s->st, s->b.p, s->b.len, 1) + 1, s->ss[si].weight += 1;
		else
			emit(s, si, s->b.p, s->b.len, 1);
		break;
	}
	case SV_TOKENS:
	case SV_COST:
		if (!e->has_tokens)
			return;
		call_llm(s, e);
		llm_tokens(s, si, e->model, &e->tokens, NULL);
		break;
	case SV_CONTEXT:
		if (!e->has_tokens)
			return;
		call_llm(s, e);
		llm_context(s, si, e);
		break;
	default:
		break;
	}
}

static void on_tool(struct sv *s, size_t si, const struct event *e, const char *ptag, int32_t line)
{
	bool sel = selected(s, si, e, ptag);
	if (sel)
		s->matched++, s->ss[si].records++;
	GROW(s->tl, s->ntl, s->captl);
	size_t ti = s->ntl++;
	struct tool *t = &s->tl[ti];
	struct toolx *x = NULL;
	memset(t, 0, sizeof *t);
	t->line = line;
	t->name = ins_last(s, &s->last_tool, e->tool && *e->tool ? e->tool : "unknown");
	/* its status, class and cwd: for the views that show effects */
	if (s->o.view == SV_TASKS || s->o.view == SV_SYSTEM || s->o.view == SV_FILES ||
	    s->o.view == SV_NETWORK) {
		if (s->captx < s->captl) {
			s->captx = s->captl;
			s->tx = xrealloc(s->tx, s->captx * sizeof *s->tx);
		}
		x = &s->tx[ti];
		memset(x, 0, sizeof *x);
		x->sess = (uint32_t)si;
		x->selected = sel;
		x->status = ins(s, e->status);
		x->class = ins(s, e->class);
		x->cwd = ins(s, e->cwd);
	}
	t->ptag = ins_last(s, &s->last_ptag, ptag);
	t->item = -1;
	size_t n = 0;
	if (s->o.view == SV_TASKS || s->o.view == SV_SYSTEM || s->o.view == SV_TIME) {
		base(s, si, e, ptag, line);
		n = s->b.len;
	}
	if (s->o.view == SV_TASKS) {
		struct tmemo *m = time_memo(s, si, e, ptag, line, 't', e->tool ? e->tool : "", "");
		if (m && m->st) {
			x->stack = m->st;
		} else {
			sb_adds(&s->b, ";kind:tool");
			call_tool(&s->b, e->tool);
			x->stack = in(s, s->b.p, s->b.len);
			if (m)
				m->st = x->stack;
		}
	}
	if (want_timeline(s)) {
		uint32_t st = 0, wst = 0;
		struct tmemo *m = s->o.view == SV_TIME ? time_memo(s, si, e, ptag, line, 'T',
			e->tool ? e->tool : "", "") : NULL;
		if (m && m->st) {
			st = m->st, wst = m->wst;
		} else if (s->o.view == SV_TIME) {
			s->b.len = n;
			sb_adds(&s->b, ";kind:wait");
			call_tool(&s->b, e->tool);
			wst = in(s, s->b.p, s->b.len);
			s->b.len = n;
			sb_adds(&s->b, ";kind:tool");
			call_tool(&s->b, e->tool);
			st = in(s, s->b.p, s->b.len);
			if (m)
				m->st = st, m->wst = wst;
		}
		t->item = add_item(s, si, e, IT_TOOL, line, sel, st, wst, ptag);
	}
	if (e->id) {
		bool isnew;
		size_t idn = strlen(e->id);
		int64_t *v = hm_put(ids(s, si), idkeyn(si, K_TOOL, e->id, idn), &isnew);
		if (isnew)
			*v = (int64_t)ti;
		idc_set(s, si, K_TOOL, e->id, idn, *v);
		release(s, si, K_TOOL, e->id);
	}
	hook(s, si, e, ptag, sel, t->item);
	if (s->o.view == SV_SYSTEM && sel) {
		s->b.len = n;
		call_tool(&s->b, e->tool);
		frame_add(&s->b, "status", e->status ? e->status : "unknown");
		emit(s, si, s->b.p, s->b.len, 1);
	}
}

static bool is_file_effect(const char *ef)
{
	return ef && (!strcmp(ef, "read") || !strcmp(ef, "write") || !strcmp(ef, "delete") ||
		!strcmp(ef, "rename"));
}

static void on_effect(struct sv *s, size_t si, const struct event *e, const char *ptag,
	int32_t line, struct tool *t)
{
	struct toolx *x = t && s->tx ? &s->tx[t - s->tl] : NULL;
	/* a tool's main effect: the tasks view's alone (flush_tasks) */
	if (x && e->effect && s->o.view == SV_TASKS) {
		const char *id = e->id ? e->id : "";
		int64_t ts = e->ts == TS_NONE ? INT64_MAX : e->ts;
		if (!x->effect || ts < x->effect_ts ||
		    (ts == x->effect_ts && strcmp(id, S(s, x->effect_id)) < 0)) {
			x->effect = ins(s, e->effect);
			x->effect_id = ins(s, id);
			x->effect_ts = ts;
		}
	}
	if (t && t->item >= 0 && e->ts != TS_NONE) {
		struct item *it = &s->ss[si].it[t->item];
		if (e->ts > it->progress)
			it->progress = e->ts;
	}
	bool sel = selected(s, si, e, ptag);
	hook(s, si, e, ptag, sel, -1);
	if (!sel)
		return;
	s->matched++, s->ss[si].records++;
	if (s->o.view != SV_SYSTEM && s->o.view != SV_FILES && s->o.view != SV_NETWORK)
		return;         /* no stack of the view has effects */
	const char *status = e->status ? e->status : x && x->status ? S(s, x->status) : "unknown";
	const char *cwd = x ? SN(s, x->cwd) : NULL;
	double w = e->count > 0 ? (double)e->count : 1;
	struct sess *ss = &s->ss[si];
	bool net = (e->effect && !strcmp(e->effect, "net")) || (!e->effect && e->domain);
	base(s, si, e, ptag, t ? t->line : line);
	sb_reset(&s->g);
	switch (s->o.view) {
	case SV_SYSTEM:
		if (t)
			call_tool(&s->b, S(s, t->name));
		else if (e->nunresolved)   /* agent-snoop --tls: one of several calls */
			sb_adds(&s->b, ";call:unresolved");
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
	emit(s, si, s->b.p, s->b.len, w);
}

/* The session's own record (no subagent) decides its project and tag; a
 * subagent's session record only fills in what is not known yet.  Records
 * wait for the session's own record. */
static void on_session(struct sv *s, size_t si, const struct event *e)
{
	struct sess *ss = &s->ss[si];
	bool own = !e->subagent || !*e->subagent;
	if (e->cwd && *e->cwd && (!ss->root || (own && !ss->seen))) {
		free(ss->root);
		free(ss->project);
		ss->root = xstrdup(e->cwd);
		ss->project = project_of(e->cwd);
	}
	if (e->tag_session && (!ss->tag || (own && !ss->seen))) {
		free(ss->tag);
		ss->tag = xstrdup(e->tag_session);
	}
	if (own && !ss->seen) {
		ss->seen = true;
		release(s, si, K_SESSION, NULL);
	}
}

enum { RK_OTHER, RK_SESSION, RK_PROMPT, RK_LLM, RK_TOOL, RK_EFFECT };

/* The kind of record e, compared once. */
static int kind_of(const struct event *e)
{
	const char *k = e->kind;
	switch (k[0]) {
	case 's': return !strcmp(k, "session") ? RK_SESSION : RK_OTHER;
	case 'p': return !strcmp(k, "prompt") ? RK_PROMPT : RK_OTHER;
	case 'l': return !strcmp(k, "llm") ? RK_LLM : RK_OTHER;
	case 't': return !strcmp(k, "tool") ? RK_TOOL : RK_OTHER;
	case 'e': return !strcmp(k, "effect") ? RK_EFFECT : RK_OTHER;
	}
	return RK_OTHER;
}

/* Place record e, or hold it until what it refers to is known (never
 * once the input has ended: then what is missing stays unknown). */
static void place(struct sv *s, const struct event *e)
{
	size_t si = sess_of(s, e->session);
	struct sess *ss = &s->ss[si];
	int kind = kind_of(e);
	bool fin = s->phase == 2, prompt = kind == RK_PROMPT, sess = kind == RK_SESSION;
	if (!ss->agent && e->agent)
		ss->agent = xstrdup(e->agent);
	if (sess)
		on_session(s, si, e);
	else if (!s->phase && !ss->seen)
		{ hold(s, si, K_SESSION, NULL, e); return; }
	/* the subagent: its spawning tool comes with its session or first
	 * prompt record (parent); its other records wait for that */
	int32_t line = -1;
	if (e->subagent && *e->subagent) {
		line = sub_of(s, si, e);
		struct sub *b = &s->sb[line];
		if (!b->resolved) {
			bool intro = (sess || prompt) && e->parent && *e->parent;
			int64_t *tv = intro ? id_get(s, si, K_TOOL, e->parent) : NULL;
			if (tv) {
				resolve(s, si, line, &s->tl[*tv], e);
			} else if (intro && !fin) {
				b->pending = true;
				hold(s, si, K_TOOL, e->parent, e);
				return;
			} else if (fin || (prompt && !b->pending)) {
				resolve(s, si, line, NULL, e);
			} else if (!sess) {
				hold(s, si, K_SUB, e->subagent, e);
				return;
			}
		}
	}
	if (sess)
		return;
	/* the prompt's tag: a human prompt's own; a subagent's work (its own
	 * prompt included) belongs to the prompt that caused it */
	const char *ptag;
	struct sub *b = line >= 0 ? &s->sb[line] : NULL;
	if (prompt && !b) {
		ptag = e->tag_prompt ? e->tag_prompt : "unmatched";
	} else {
		int64_t *pv = e->prompt ? id_get(s, si, K_PROMPT, e->prompt) : NULL;
		if (pv)
			ptag = SN(s, s->pr[*pv].tag);
		else if (e->prompt && !fin && !(prompt && e->id && !strcmp(e->id, e->prompt)))
			{ hold(s, si, K_PROMPT, e->prompt, e); return; }
		else if (b && b->ptag && strcmp(S(s, b->ptag), "none"))
			ptag = S(s, b->ptag);
		else if (b && prompt)   /* nothing better known: the task's own tag */
			ptag = e->tag_prompt ? e->tag_prompt : "unmatched";
		else if (b && b->ptag)
			ptag = S(s, b->ptag);
		else if (!e->prompt && !ss->nprompts && !b &&
			 ((e->agent && !strcmp(e->agent, "snoop")) ||
			  (!e->agent && ss->agent && !strcmp(ss->agent, "snoop"))))
			ptag = NULL;   /* agent-snoop's process traces have no prompts */
		else
			ptag = "none";
	}
	/* (an interned ptag stays where it is: the arena never moves a string) */
	/* a subagent's own prompt names its work when its cause is not known */
	if (ptag && prompt && b && (!b->ptag || !strcmp(S(s, b->ptag), "none")))
		b->ptag = ins(s, ptag);
	if (prompt) {
		on_prompt(s, si, e, ptag, line);
	} else if (kind == RK_LLM) {
		if (e->update) {
			int64_t *cv = e->id ? id_get(s, si, K_LLM, e->id) : NULL;
			if (cv) {
				hook(s, si, e, ptag, selected(s, si, e, ptag), -1);
				on_update(s, si, e, cv);
				return;
			}
			if (e->id && !fin && (s->o.view == SV_TOKENS || s->o.view == SV_COST))
				{ hold(s, si, K_LLM, e->id, e); return; }
		}
		on_llm(s, si, e, ptag, line);
	} else if (kind == RK_TOOL) {
		on_tool(s, si, e, ptag, line);
	} else if (kind == RK_EFFECT) {
		int64_t *tv = e->parent ? id_get(s, si, K_TOOL, e->parent) : NULL;
		const char *agent = e->agent ? e->agent : ss->agent;
		/* agent-snoop's parents are processes, not tools */
		if (!tv && e->parent && !fin && !(agent && !strcmp(agent, "snoop")))
			{ hold(s, si, K_TOOL, e->parent, e); return; }
		on_effect(s, si, e, ptag, line, tv ? &s->tl[*tv] : NULL);
	}
	/* other kinds (agent-snoop's summary, future ones) carry no weight */
}

/* Place what was released, in order, until nothing is left. */
static void drain(struct sv *s)
{
	if (s->draining)
		return;
	if (s->rhead >= s->nready) {
		s->nready = s->rhead = 0;
		return;
	}
	s->draining = true;
	struct jdoc d = {0};
	struct event e;
	const char *why;
	while (s->rhead < s->nready) {
		int64_t x = s->ready[s->rhead++];
		struct held h = s->h[x];
		s->h[x].line = NULL;
		s->h[x].next = s->hfree;
		s->hfree = x;
		if (jparse(&d, h.line, h.len) == 0 && ev_read(&d, &e, &why) == 0)
			place(s, &e);
		free(h.line);
	}
	s->nready = s->rhead = 0;
	jdoc_free(&d);
	s->draining = false;
}

void sv_record(struct sv *s, const struct event *e)
{
	place(s, e);
	drain(s);
}

const char *sv_reads(const struct sv *s, const char *kind)
{
	/* place() and what it calls with none of the selectors, hooks,
	 * groups or time lines: the ids that link records (prompt, parent,
	 * id), the frames of a call (model, tags, tool) and its tokens;
	 * tools and effects whole but in the views that give them no
	 * weight.  hold() keeps what was read. */
	if (!s->all || s->o.hook || want_timeline(s) || s->o.group)
		return NULL;
	/* (every view but time: a model call's frames and the totals of
	 * json by agent) */
	if (!strcmp(kind, "llm"))
		return "prompt id update usage model tokens tags";
	if (s->o.view != SV_TOKENS && s->o.view != SV_COST && s->o.view != SV_CONTEXT)
		return NULL;
	if (!strcmp(kind, "tool"))
		return "prompt id tool";
	/* an effect weighs nothing in these views: it is counted, and
	 * whether it waits for its prompt or its tool (prompt, parent)
	 * changes when, not what */
	if (!strcmp(kind, "effect"))
		return "";
	return NULL;
}

/* --- end of input ------------------------------------------------------------ */

static void flush_tasks(struct sv *s)
{
	for (size_t i = 0; s->tx && i < s->ntl; i++) {
		struct toolx *t = &s->tx[i];
		if (!t->selected || !t->stack)
			continue;
		sb_reset(&s->b);
		sb_adds(&s->b, S(s, t->stack));
		frame_add(&s->b, "effect", t->class ? S(s, t->class) : t->effect ? S(s, t->effect) : "none");
		frame_add(&s->b, "status", t->status ? S(s, t->status) : "unknown");
		emit(s, t->sess, s->b.p, s->b.len, 1);
	}
}

static const struct item *sort_it;

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = &sort_it[*(const uint32_t *)a], *y = &sort_it[*(const uint32_t *)b];
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	/* at one instant: a prompt, then the model call, then the tools it chose */
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* An end of an interval of the time line: who is an item, -1 a gap. */
struct ep {
	int64_t t;
	int32_t who;
	int8_t d;               /* +1 opens, -1 closes */
};

static int cmp_ep(const void *a, const void *b)
{
	const struct ep *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return (x->who > y->who) - (x->who < y->who);
}

/* Where the calls' intervals come from: the time a call is charged
 * (cs..ce) and the part cut as waiting. */
static void intervals(struct sv *s, struct sess *ss, const uint32_t *ix, size_t n)
{
	int64_t cap = s->o.idle_cap;
	struct hmap last = {0};         /* line of work -> the latest end so far */
	for (size_t k = 0; k < n; k++) {
		struct item *c = &ss->it[ix[k]];
		bool isnew;
		int64_t *le = hm_put(&last, (uint64_t)(c->line + 2), &isnew);
		if (isnew)
			*le = TS_NONE;
		int64_t end = c->ts;
		if (c->type == IT_LLM) {
			/* from its recorded duration, else from the end of what came
			 * before it in its line of work */
			int64_t start = c->dur != EV_NONE ? c->ts - c->dur
				: *le == TS_NONE ? TS_NONE : *le < c->ts ? *le : c->ts;
			/* a gap longer than the cap before a call without a
			 * recorded duration is idle, not the model's */
			if (c->dur == EV_NONE && start != TS_NONE && cap && c->ts - start > cap)
				start = TS_NONE;
			if (start != TS_NONE) {
				int64_t raw = c->ts - start, ch = cap && raw > cap ? cap : raw;
				c->cs = c->ts - ch, c->ce = c->ts, c->wait = raw - ch;
				c->known = true;
			}
		} else if (c->type == IT_TOOL && c->dur != EV_NONE) {
			/* at most the cap past its last sign of progress */
			end = c->ts + c->dur;
			int64_t lim = (c->progress > c->ts ? c->progress : c->ts) + cap;
			c->cs = c->ts, c->ce = cap && end > lim ? lim : end, c->wait = end - c->ce;
			c->known = true;
		}
		if (*le == TS_NONE || end > *le)
			*le = end;
	}
	hm_free(&last);
}

/* One session's time line.  Active time is the union of the gaps between
 * consecutive records that are not longer than the idle cap and of the
 * calls' charged intervals.  Each piece of it is owned by the calls
 * running then (shared equally, a spawning tool giving way to its
 * subagent's calls), else by the prompt in effect: so the view's weights
 * add up to the active time exactly.  What was cut from calls is their
 * wait, outside active time. */
static void timeline(struct sv *s, size_t si)
{
	struct sess *ss = &s->ss[si];
	struct item *it = ss->it;
	uint32_t *ix = xmalloc((ss->nit ? ss->nit : 1) * sizeof *ix);
	size_t n = 0;
	for (size_t i = 0; i < ss->nit; i++)
		if (it[i].ts != TS_NONE)
			ix[n++] = (uint32_t)i;
	sort_it = it;
	sort(ix, n, sizeof *ix, cmp_item);
	intervals(s, ss, ix, n);
	int64_t cap = s->o.idle_cap;
	struct ep *ep = xmalloc((4 * n + 1) * sizeof *ep);
	size_t ne = 0;
	for (size_t k = 0; k + 1 < n; k++) {
		int64_t a = it[ix[k]].ts, b = it[ix[k + 1]].ts;
		if (b > a && (!cap || b - a <= cap)) {
			ep[ne++] = (struct ep){a, -1, 1};
			ep[ne++] = (struct ep){b, -1, -1};
		}
	}
	for (size_t k = 0; k < n; k++) {
		const struct item *c = &it[ix[k]];
		if (c->known && c->ce > c->cs) {
			ep[ne++] = (struct ep){c->cs, (int32_t)ix[k], 1};
			ep[ne++] = (struct ep){c->ce, (int32_t)ix[k], -1};
		}
	}
	sort(ep, ne, sizeof *ep, cmp_ep);
	int32_t *open = xmalloc((n + 1) * sizeof *open);
	uint8_t *mark = xcalloc(ss->nit ? ss->nit : 1, 1);
	size_t nopen = 0, kp = 0;
	long gaps = 0;
	int32_t curi = -1;
	for (size_t q = 0; q < ne;) {
		int64_t t = ep[q].t;
		for (; q < ne && ep[q].t == t; q++) {
			if (ep[q].who < 0) {
				gaps += ep[q].d;
			} else if (ep[q].d > 0) {
				open[nopen++] = ep[q].who;
			} else {
				size_t j = 0;
				while (j < nopen && open[j] != ep[q].who)
					j++;
				if (j < nopen) {
					memmove(open + j, open + j + 1, (nopen - j - 1) * sizeof *open);
					nopen--;
				}
			}
		}
		if (q == ne)
			break;
		int64_t len = ep[q].t - t;
		if (len <= 0 || (!gaps && !nopen))
			continue;
		while (kp < n && it[ix[kp]].ts <= t)
			curi = (int32_t)ix[kp++];
		/* a spawning tool gives way to its subagent's running calls */
		for (size_t j = 0; j < nopen; j++)
			mark[open[j]] = 1;
		for (size_t j = 0; j < nopen; j++)
			for (int32_t a = it[open[j]].anc, d = 0; a >= 0 && d < 1000; a = it[a].anc, d++)
				if (mark[a] == 1)
					mark[a] = 2;
		int64_t m = 0;
		for (size_t j = 0; j < nopen; j++)
			m += mark[open[j]] == 1;
		if (!m) {
			if (curi >= 0)
				it[curi].pshare += len;
			else
				ss->none_share += len;
		} else {
			int64_t each = len / m, rem = len % m;
			for (size_t j = 0; j < nopen; j++)
				if (mark[open[j]] == 1)
					it[open[j]].share += each;
			/* the odd milliseconds to the calls first in time, then by
			 * id: the same whatever order the records came in */
			for (; rem > 0; rem--) {
				int32_t best = -1;
				for (size_t j = 0; j < nopen; j++) {
					if (mark[open[j]] != 1)
						continue;
					sort_it = it;
					if (best < 0 || cmp_item(&open[j], &best) < 0)
						best = open[j];
				}
				mark[best] = 3;
				it[best].share++;
			}
		}
		for (size_t j = 0; j < nopen; j++)
			mark[open[j]] = 0;
	}
	for (size_t i = 0; i < ss->nit; i++) {
		const struct item *c = &it[i];
		if (!c->selected)
			continue;
		ss->active += c->share + c->pshare;
		if (c->type == IT_LLM)
			ss->model += c->share;
		else if (c->type == IT_TOOL)
			ss->tools += c->share;
		if (s->o.view == SV_TIME) {
			if (c->stack && c->share > 0)
				emit(s, si, S(s, c->stack), strlen(S(s, c->stack)), (double)c->share);
			if (c->pstack && c->pshare > 0)
				emit(s, si, S(s, c->pstack), strlen(S(s, c->pstack)), (double)c->pshare);
			if (c->wstack && c->wait > 0)
				emit(s, si, S(s, c->wstack), strlen(S(s, c->wstack)), (double)c->wait);
		}
	}
	ss->active += ss->none_share;   /* (before any record: never in practice) */
	if (s->o.view == SV_TIME && ss->none_share > 0) {
		struct event e;
		ev_init(&e);
		e.agent = ss->agent;
		bool snoop = !ss->nprompts && ss->agent && !strcmp(ss->agent, "snoop");
		base(s, si, &e, snoop ? NULL : "none", -1);
		sb_adds(&s->b, ";kind:prompt");
		emit(s, si, s->b.p, s->b.len, (double)ss->none_share);
	}
	free(mark);
	free(open);
	free(ep);
	free(ix);
}

static const struct held *sort_h;

static int cmp_held(const void *a, const void *b)
{
	const struct held *x = &sort_h[*(const int64_t *)a], *y = &sort_h[*(const int64_t *)b];
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Place every record still held: sessions' records first, then prompts,
 * tools, model calls, the rest, each in arrival order. */
static void place_held(struct sv *s)
{
	for (size_t x = 0; x < s->nh; x++)
		if (s->h[x].line) {
			GROW(s->ready, s->nready, s->capready);
			s->ready[s->nready++] = (int64_t)x;
		}
	sort_h = s->h;
	sort(s->ready, s->nready, sizeof *s->ready, cmp_held);
	hm_clear(&s->waits);
	s->waiting = 0;
	drain(s);
}

void sv_finish(struct sv *s)
{
	/* the input has ended: sessions whose own record never came are
	 * placed without it, then whatever still waits is placed with what it
	 * waited for unknown */
	s->phase = 1;
	place_held(s);
	s->phase = 2;
	place_held(s);
	if (s->o.view == SV_TASKS)
		flush_tasks(s);
	if (want_timeline(s) && !s->timeline_done) {
		for (size_t i = 0; i < s->nss; i++)
			timeline(s, i);
		s->timeline_done = true;
	}
	for (size_t i = 0; i < s->nup; i++)
		diag_warn("note: no price for model %s (%llu calls, %lld tokens): shown as "
			"\"model:%s;price:unknown\" weighing 1 per call; add it with --prices",
			s->up[i].model, (unsigned long long)s->up[i].calls,
			(long long)s->up[i].tokens, s->up[i].model);
	bool tk = s->o.view == SV_TOKENS || s->o.view == SV_COST || s->o.view == SV_CONTEXT;
	for (size_t i = 0; tk && i < s->nnou; i++)
		diag_warn("note: no usage recorded by %s for %llu calls: they weigh nothing in "
			"the %s view", s->nou[i].model, (unsigned long long)s->nou[i].calls,
			names[s->o.view]);
	for (size_t i = 0; tk && i < s->nrnd; i++)
		diag_warn("note: %s recorded the tokens of %llu calls (%lld tokens) rounded, as it "
			"printed them", s->rnd[i].model, (unsigned long long)s->rnd[i].calls,
			(long long)s->rnd[i].tokens);
	for (size_t i = 0; (s->o.view == SV_TOKENS || s->o.view == SV_COST) && i < s->ntot; i++)
		diag_warn("note: %s records tokens only per session: %llu session totals (%lld "
			"tokens) are under \"call:llm/session-total\", not spread over calls",
			s->tot[i].model, (unsigned long long)s->tot[i].calls, (long long)s->tot[i].tokens);
	for (size_t i = 0; i < s->nnw; i++)
		diag_warn("note: no context window for model %s (%llu calls, %lld prompt tokens): "
			"left out of the context view; add \"context: TOKENS\" with --prices",
			s->nw[i].model, (unsigned long long)s->nw[i].calls, (long long)s->nw[i].tokens);
}

uint64_t sv_matched(const struct sv *s)
{
	return s->matched;
}

uint64_t sv_held(const struct sv *s)
{
	return s->nheld;
}

bool sv_session_time(const struct sv *s, const char *id, int64_t *active, int64_t *model,
	int64_t *tools)
{
	int64_t *v = hm_get(&s->ssidx, hash64(id, strlen(id), 0x5eed));
	if (!v || !s->timeline_done)
		return false;
	const struct sess *ss = &s->ss[*v];
	*active = ss->active, *model = ss->model, *tools = ss->tools;
	return true;
}

bool sv_call_time(const struct sv *s, int64_t ref, int64_t *dur, int64_t *wait)
{
	if (ref < 0 || !s->timeline_done)
		return false;
	size_t si = (size_t)((uint64_t)ref >> 32), i = (size_t)(ref & 0xffffffff);
	if (si >= s->nss || i >= s->ss[si].nit || !s->ss[si].it[i].known)
		return false;
	const struct item *c = &s->ss[si].it[i];
	*dur = c->ce - c->cs, *wait = c->wait;
	return true;
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

/* Stacks of weight > 0 in byte order; heaviest first, ties in byte order. */
static const double *heavy_w;

static int cmp_heavy(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t wx = llround(heavy_w[x]), wy = llround(heavy_w[y]);
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
	size_t *e = xmalloc((s->st.n ? s->st.n : 1) * sizeof *e);
	double *ew = xmalloc((s->st.n ? s->st.n : 1) * sizeof *ew);
	for (size_t k = 0; k < s->st.n; k++)
		if (stacks_weight(&s->st, ix[k]) > 0) {
			ew[n] = s->st.w[ix[k]];
			e[n++] = ix[k];
		}
	size_t *heavy = xmalloc((n ? n : 1) * sizeof *heavy);
	for (size_t k = 0; k < n; k++)
		heavy[k] = k;
	heavy_w = ew;
	qsort(heavy, n, sizeof *heavy, cmp_heavy);
	jnum_kv(o, "stacks", (int64_t)n);
	jkey(o, "top");
	sb_addc(o, '[');
	for (size_t k = 0; k < n && k < 20; k++) {
		size_t x = e[heavy[k]];
		int64_t w = llround(ew[heavy[k]]);
		if (k)
			sb_addc(o, ',');
		sb_addc(o, '{');
		jkey(o, "stack");
		sb_json_str(o, stacks_str(&s->st, x), stacks_len(&s->st, x));
		jnum_kv(o, "weight", w);
		jkey(o, "percent");
		sb_printf(o, "%.2f", total ? 100.0 * (double)w / (double)total : 0.0);
		sb_addc(o, '}');
	}
	sb_addc(o, ']');
	free(heavy);
	free(e);
	free(ew);
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

static int cmp_unpriced(const void *a, const void *b)
{
	const struct unpriced *x = a, *y = b;
	if (x->tokens != y->tokens)
		return x->tokens > y->tokens ? -1 : 1;
	return strcmp(x->model, y->model);
}

bool sv_cost_headline(struct sv *s, struct sbuf *o)
{
	if (s->o.view != SV_COST)
		return false;
	/* the models without a price weigh 1 per call in the stacks: not cost */
	int64_t total = 0;
	for (size_t k = 0; k < s->st.n; k++)
		if (stacks_weight(&s->st, k) > 0)
			total += stacks_weight(&s->st, k);
	const char **m = xmalloc((s->nup ? s->nup : 1) * sizeof *m);
	int64_t *t = xmalloc((s->nup ? s->nup : 1) * sizeof *t);
	sort(s->up, s->nup, sizeof *s->up, cmp_unpriced);
	for (size_t i = 0; i < s->nup; i++)
		m[i] = s->up[i].model, t[i] = s->up[i].tokens, total -= (int64_t)s->up[i].calls;
	rp_cost_headline(o, (double)(total > 0 ? total : 0), s->priced, s->nup, m, t);
	free(m);
	free(t);
	return true;
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
		struct sbuf h = {0};
		sv_cost_headline(s, &h);
		jstrv(o, "headline", h.p);
		sb_free(&h);
		jnum_kv(o, "priced_tokens", s->priced);
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
	if (s->o.view == SV_TOKENS || s->o.view == SV_COST || s->o.view == SV_CONTEXT) {
		json_agents(o, "no_usage", s->nou, s->nnou, "calls", false);
		json_agents(o, "rounded", s->rnd, s->nrnd, "calls", true);
		if (s->o.view != SV_CONTEXT)
			json_agents(o, "session_totals", s->tot, s->ntot, "totals", true);
	}
	sb_add(o, "}\n", 2);
}

static void json_agents(struct sbuf *o, const char *k, const struct unpriced *u, size_t n,
	const char *count, bool tokens)
{
	if (!n)
		return;   /* nothing left out: no key */
	jkey(o, k);
	sb_addc(o, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(o, ',');
		sb_addc(o, '{');
		jstrv(o, "agent", u[i].model);
		jnum_kv(o, count, (int64_t)u[i].calls);
		if (tokens)
			jnum_kv(o, "tokens", u[i].tokens);
		sb_addc(o, '}');
	}
	sb_addc(o, ']');
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
		free(ss->it);
		hm_free(&ss->ids);
	}
	for (size_t i = 0; i < s->nup; i++)
		free(s->up[i].model);
	for (size_t i = 0; i < s->nnw; i++)
		free(s->nw[i].model);
	for (size_t i = 0; i < s->nnou; i++)
		free(s->nou[i].model);
	for (size_t i = 0; i < s->nrnd; i++)
		free(s->rnd[i].model);
	for (size_t i = 0; i < s->ntot; i++)
		free(s->tot[i].model);
	intern_free(&s->mk);
	intern_free(&s->mka);
	intern_free(&s->tk);
	free(s->tm);
	for (int i = 0; i < 4; i++) {
		sb_free(&s->la.v[i]);
		sb_free(&s->bc.v[i]);
	}
	sb_free(&s->bc.out);
	free(s->lm);
	sb_free(&s->mkb);
	free(s->nou);
	free(s->rnd);
	free(s->tot);
	for (size_t i = 0; i < s->nh; i++)
		free(s->h[i].line);
	free(s->ss);
	free(s->up);
	free(s->nw);
	free(s->pr);
	free(s->tl);
	free(s->bigtk);
	free(s->tx);
	free(s->sb);
	free(s->cl);
	free(s->h);
	free(s->ready);
	hm_free(&s->ssidx);
	hm_free(&s->waits);
	sb_free(&s->hb);
	sb_free(&s->b);
	sb_free(&s->g);
	stacks_free(&s->st);
	intern_free(&s->strs);
	free(s);
}
