/* SPDX-License-Identifier: MIT */
/* claude.c: the Claude Code adapter of agent-events.
 *
 * Claude Code writes one JSON record per line: user turns (typed prompts,
 * client notes, tool results), assistant records (one per content block
 * of a model call, each repeating the call's message.id, requestId and
 * usage) and bookkeeping records nobody profiles (summary,
 * file-history-snapshot, progress, attachment, ...).
 *
 * A model call stays open while its records keep coming -- tool results
 * interleave inside one call when tools run while the response streams --
 * and is written when another call starts, a person types a prompt, or
 * the file ends, with the largest usage seen.  A tool call is written
 * when its result arrives, after its model call.  Subagents run in a
 * second "thread": inline isSidechain records (1.0.x) or a file of their
 * own (agent-<id>.jsonl); their work is charged to the prompt of the
 * parent that started them.  Memory is bounded: pending tools are capped
 * and everything pending is settled at each human prompt. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agent.h"
#include "events.h"
#include "sessions.h"

#define MAXPENDING 4096         /* tool calls awaiting a result */

enum { MAIN, SIDE };            /* the conversation and a subagent's */
enum { T_WAIT, T_HELD };        /* no result yet / result in, call not written */

struct call {                   /* one model call being read */
	bool active, emitted, skip, copy;
	uint64_t serial, key;   /* key: hash of (message.id, requestId); 0 none */
	int thread;
	bool has_b;             /* ka holds message.id NUL requestId */
	uint64_t ckey;          /* ev_call_key of ka's ids */
	struct sbuf id, model, prompt, parent, text, tools, ka;
	int ntools;
	int64_t ts, last, start;
	bool has_tokens;
	struct tokens tok;
};

struct ptool {                  /* a tool call awaiting its result */
	int state, thread;
	bool error, matched;
	uint64_t h, serial, seq, taskh;
	int64_t ts, rts, exit;
	struct sbuf id, name, call, prompt, cwd, input, stype;
	struct sbuf sub, subtype;       /* 1.0 inline: the subagent that called it */
};

struct thread {
	struct call call;
	struct sbuf prompt;     /* id of the prompt record in force: parent of calls */
	struct sbuf root;       /* the causal root: the prompt field of records */
	int64_t trig;           /* last prompt or tool result: what triggers a call */
	bool started;           /* SIDE: a subagent prompt was seen */
	struct sbuf sub, stype; /* SIDE, inline (1.0): the subagent's id and type */
};

struct claude {
	struct ev_ctx *c;
	struct lreader *r;
	const char *path;
	struct jdoc d;
	/* the session record, written before the first record of the file */
	bool started;
	struct sbuf session, subagent, cwd, version;
	/* a subagent transcript: its type, the tool call that spawned it,
	 * the promptId its records carry (2.1); resolved once */
	struct sbuf stype, spawn, promptid;
	bool resolved, meta_type;
	int64_t ts0;
	struct thread th[2];
	struct ptool *t;        /* pending tools in tool_use order */
	size_t nt, capt;
	uint64_t serial, seq, nprompt, ncall;
	struct sbuf text, names, typed;
	const char **namev;
	int namecap;
	bool in_subagent_file;
	bool named_sub;         /* the file is called agent-*.jsonl */
	bool decided;           /* the first user or assistant record was seen */
};

/* The members of a record this adapter reads, found in one pass. */
struct rec {
	const struct jnode *type, *msg, *uuid, *puuid, *session, *ts, *cwd, *version;
	const struct jnode *req, *side, *meta, *compact, *tur, *agent, *origin, *pid;
	int64_t t;
};

static void sb_set(struct sbuf *b, const char *s)
{
	sb_reset(b);
	if (s)
		sb_adds(b, s);
}

/* Copy a string node's value into b (reset first); false if not a string. */
static bool sb_node(struct sbuf *b, const struct jnode *n)
{
	sb_reset(b);
	return jstr(n, b);
}

static const char *nz(const struct sbuf *b)
{
	return b->len ? b->p : NULL;
}

static bool is_str(const struct jnode *n)
{
	return n && n->type == J_STR;
}

/* Hash of a string node's value; escapes are rare in ids, so decode only then. */
static uint64_t hnode(struct jdoc *d, const struct jnode *n, uint64_t seed)
{
	if (!is_str(n))
		return seed;
	size_t len;
	const char *s = n->flags ? jsn(d, n, &len) : (len = n->len, n->s);
	return hash64(s, len, seed);
}

static int64_t node_ts(struct jdoc *d, const struct jnode *n)
{
	if (!is_str(n))
		return TS_NONE;
	if (!n->flags)
		return ts_parse(n->s, n->len);
	size_t len;
	const char *s = jsn(d, n, &len);
	return ts_parse(s, len);
}

static void read_rec(struct jdoc *d, const struct jnode *root, struct rec *x)
{
	memset(x, 0, sizeof *x);
	JFOR(d, root, k) {
		const struct jnode *v = jval(k);
		const char *s = k->s;
		if (k->flags & JF_ESC)
			continue;       /* none of the keys we want is escaped */
#define IS(lit) (k->len == sizeof lit - 1 && !memcmp(s, lit, sizeof lit - 1))
		switch (k->len) {
		case 3: if (IS("cwd")) x->cwd = v; break;
		case 4:
			if (IS("type")) x->type = v;
			else if (IS("uuid")) x->uuid = v;
			break;
		case 6:
			if (IS("isMeta")) x->meta = v;
			else if (IS("origin")) x->origin = v;
			break;
		case 8: if (IS("promptId")) x->pid = v; break;
		case 7:
			if (IS("message")) x->msg = v;
			else if (IS("version")) x->version = v;
			else if (IS("agentId")) x->agent = v;
			break;
		case 9:
			if (IS("sessionId")) x->session = v;
			else if (IS("timestamp")) x->ts = v;
			else if (IS("requestId")) x->req = v;
			break;
		case 10: if (IS("parentUuid")) x->puuid = v; break;
		case 11: if (IS("isSidechain")) x->side = v; break;
		case 13: if (IS("toolUseResult")) x->tur = v; break;
		case 16: if (IS("isCompactSummary")) x->compact = v; break;
		}
#undef IS
	}
	x->t = node_ts(d, x->ts);
}

/* --- the session record ------------------------------------------------ */

/* b = the file name of path without ".jsonl" */
static void base_name(struct sbuf *b, const char *path)
{
	const char *f = agent_file_base(path);
	sb_reset(b);
	sb_add(b, f, agent_file_stem(f, ".jsonl"));
}

static void sub_resolve(struct claude *s, const char *text, size_t len);

/* A subagent transcript's type: agent-<id>.meta.json's agentType, the
 * spawning call's subagent_type, the result's agentType; the client's
 * own subagents by their id (compaction, /btw side questions); else
 * "task". */
static const char *sub_type(const struct claude *s)
{
	if (s->stype.len)
		return s->stype.p;
	const char *id = s->subagent.len ? s->subagent.p : "";
	if (!strncmp(id, "acompact", 8))
		return "compact";
	if (!strncmp(id, "aside_question", 14))
		return "aside_question";
	return "task";
}

static void start_session(struct claude *s)
{
	if (s->started)
		return;
	s->started = true;
	if (!s->session.len)    /* summary-only files: the file is named after it */
		base_name(&s->session, s->path);
	struct event e;
	ev_init(&e);
	e.kind = "session";
	e.agent = "claude";
	e.session = s->session.p;
	if (s->in_subagent_file) {
		sub_resolve(s, NULL, 0);
		e.subagent = nz(&s->subagent);
		e.subagent_type = sub_type(s);
		e.parent = nz(&s->spawn);
	}
	e.ts = s->ts0;
	e.cwd = nz(&s->cwd);
	e.version = nz(&s->version);
	e.file = s->path;
	ev_session(s->c, &e);
}

/* Learn the session's facts from the first records that carry them; the
 * record goes out once the session id and a timestamp are known. */
static void learn_session(struct claude *s, struct rec *x)
{
	if (!s->session.len && is_str(x->session))
		sb_node(&s->session, x->session);
	/* a subagent's transcript, whatever its file is called */
	if (!s->started && is_str(x->agent) && x->agent->len &&
	    (s->in_subagent_file || jtrue(x->side))) {
		s->in_subagent_file = true;
		sb_node(&s->subagent, x->agent);
	}
	/* The first turn decides: a sidechain that starts the file (or a
	 * file named agent-*) is a subagent's transcript; a file named
	 * agent-* whose first turn is no sidechain is a session of its own. */
	if (!s->decided && (jeq(x->type, "user") || jeq(x->type, "assistant"))) {
		s->decided = true;
		if (jtrue(x->side) && !s->in_subagent_file &&
		    (s->named_sub || !x->puuid || x->puuid->type == J_NULL)) {
			s->in_subagent_file = true;
			if (!s->subagent.len)
				base_name(&s->subagent, s->path);
		} else if (!jtrue(x->side) && s->named_sub && !s->in_subagent_file) {
			sb_reset(&s->subagent);
			sb_reset(&s->stype);
			s->meta_type = false;
		}
	}
	if (!s->promptid.len && is_str(x->pid))
		sb_node(&s->promptid, x->pid);
	/* The session record waits for the first record written, so the
	 * cwd and version come from the first records that have them, even
	 * when the file opens with queue-operation, file-history-snapshot or
	 * summary records, which have none. */
	if (!s->cwd.len && is_str(x->cwd))
		sb_node(&s->cwd, x->cwd);
	if (!s->version.len && is_str(x->version))
		sb_node(&s->version, x->version);
	if (x->t != TS_NONE && s->ts0 == TS_NONE)
		s->ts0 = x->t;
}

static void ev_base(struct claude *s, struct event *e, const char *kind, int64_t ts, int thread)
{
	start_session(s);
	ev_init(e);
	e->kind = kind;
	e->agent = "claude";
	e->session = s->session.p;
	if (s->in_subagent_file) {
		e->subagent = nz(&s->subagent);
		e->subagent_type = sub_type(s);
	} else if (thread == SIDE && s->th[SIDE].sub.len) {
		e->subagent = s->th[SIDE].sub.p;
		e->subagent_type = s->th[SIDE].stype.len ? s->th[SIDE].stype.p : "task";
	}
	e->ts = ts;
}

/* --- tool calls -------------------------------------------------------- */

static struct ptool *tool_find(struct claude *s, uint64_t h)
{
	for (size_t i = 0; i < s->nt; i++)
		if (s->t[i].h == h)
			return &s->t[i];
	return NULL;
}

/* Drop entry i, keeping the order and the entry's buffers for reuse. */
static void tool_drop(struct claude *s, size_t i)
{
	struct ptool tmp = s->t[i];
	memmove(&s->t[i], &s->t[i + 1], (s->nt - i - 1) * sizeof *s->t);
	s->t[--s->nt] = tmp;
}

static void tool_emit(struct claude *s, size_t i)
{
	struct ptool *p = &s->t[i];
	struct event e;
	ev_base(s, &e, "tool", p->ts, p->thread);
	if (!s->in_subagent_file && p->sub.len) {
		e.subagent = p->sub.p;
		e.subagent_type = p->subtype.len ? p->subtype.p : "task";
	}
	e.id = p->id.p;
	e.parent = nz(&p->call);
	e.prompt = nz(&p->prompt);
	e.cwd = nz(&p->cwd);
	e.tool = p->name.p;
	if (p->rts == TS_NONE) {
		e.status = "unknown";
	} else {
		e.status = p->error ? "error" : "ok";
		e.exit = p->exit;
		if (p->ts != TS_NONE && p->rts >= p->ts)
			e.duration_ms = p->rts - p->ts;
	}
	e.class = effects_class(&e, p->input.p, p->input.len);
	ev_emit(s->c, &e);
	effects_tool(s->c, &e, p->input.p, p->input.len);
	tool_drop(s, i);
}

static void call_emit(struct claude *s, struct call *k);

/* The oldest pending tool never got a result: written as unknown, after
 * its call. */
static void tool_evict(struct claude *s)
{
	struct ptool *p = &s->t[0];
	struct call *k = &s->th[p->thread].call;
	if (k->active && k->serial == p->serial && !k->emitted)
		call_emit(s, k);        /* writes held tools too; t[0] may have gone */
	if (s->nt >= MAXPENDING)
		tool_emit(s, 0);
}

static struct ptool *tool_new(struct claude *s)
{
	if (s->nt >= MAXPENDING)
		tool_evict(s);
	if (s->nt == s->capt) {
		size_t cap = s->capt ? s->capt * 2 : 16;
		s->t = xrealloc(s->t, cap * sizeof *s->t);
		memset(s->t + s->capt, 0, (cap - s->capt) * sizeof *s->t);
		s->capt = cap;
	}
	struct ptool *p = &s->t[s->nt++];
	p->state = T_WAIT;
	p->error = p->matched = false;
	p->taskh = 0;
	p->rts = TS_NONE;
	p->exit = EV_NONE;
	return p;
}

/* Links a subagent's transcript, read after its parent, finds its place
 * by: "<root prompt>\t<spawning tool id>\t<type>". */
static void put_link(struct claude *s, const char *key, const char *root, const char *tool,
	const char *type)
{
	struct sbuf *b = &s->names;
	sb_reset(b);
	if (root)
		sb_adds(b, root);
	sb_addc(b, '\t');
	sb_adds(b, tool);
	sb_addc(b, '\t');
	if (type)
		sb_adds(b, type);
	ev_link_put(s->c, key, b->p);
}

/* The key of a Task's prompt text within its session. */
static const char *task_key(struct claude *s, uint64_t h)
{
	static _Thread_local char k[128];
	snprintf(k, sizeof k, "T:%.80s:%016llx", s->session.len ? s->session.p : "", (unsigned long long)h);
	return k;
}

/* A tool_use block of call k. */
static void tool_use(struct claude *s, struct call *k, int thread, struct rec *x,
	const struct jnode *item)
{
	struct jdoc *d = &s->d;
	const struct jnode *id = jget(d, item, "id"), *name = jget(d, item, "name");
	const struct jnode *input = jget(d, item, "input");
	if (!is_str(id) || !id->len)
		return;
	const char *ids = js(d, id);
	if (ev_seen(&s->c->seen_tool, ids, NULL))
		return;
	struct ptool *p = tool_new(s);
	p->thread = thread;
	p->serial = k->serial;
	p->h = hash64(ids, strlen(ids), 0);
	p->ts = x->t;
	sb_set(&p->id, ids);
	if (!sb_node(&p->name, name))
		sb_set(&p->name, "?");
	sb_set(&p->call, k->id.p);
	sb_set(&p->sub, thread == SIDE ? nz(&s->th[SIDE].sub) : NULL);
	sb_set(&p->subtype, thread == SIDE ? nz(&s->th[SIDE].stype) : NULL);
	sb_set(&p->prompt, nz(&k->prompt));
	if (!sb_node(&p->cwd, x->cwd))
		sb_set(&p->cwd, nz(&s->cwd));
	sb_reset(&p->input);
	sb_reset(&p->stype);
	if (input) {
		const char *raw;
		size_t n = jraw(d, input, &raw);
		sb_add(&p->input, raw, n);
	}
	/* A Task (Agent since 2.1) starts a subagent: remember its task to
	 * match the sidechain that carries it out. */
	if (jeq(name, "Task") || jeq(name, "Agent")) {
		const struct jnode *tp = jget(d, input, "prompt");
		p->taskh = hnode(d, tp, 7) | 1;
		sb_node(&p->stype, jget(d, input, "subagent_type"));
		if (is_str(tp))
			put_link(s, task_key(s, p->taskh), nz(&p->prompt), p->id.p, nz(&p->stype));
	}
}

/* The result of a tool call arrived. */
static void tool_result(struct claude *s, const struct jnode *item, struct rec *x, bool single)
{
	struct jdoc *d = &s->d;
	const struct jnode *idn = jget(d, item, "tool_use_id");
	if (!is_str(idn))
		return;
	const char *ids = js(d, idn);
	struct ptool *p = tool_find(s, hash64(ids, strlen(ids), 0));
	const struct jnode *agent = single ? jget(d, x->tur, "agentId") : NULL;
	if (is_str(agent) && agent->len) {
		/* A subagent's transcript, read later, learns its place from
		 * this: the Task input's subagent_type, else the result's
		 * agentType (2.1). */
		const char *type = p ? nz(&p->stype) : NULL;
		if (!type)
			type = js(d, jget(d, x->tur, "agentType"));
		char *key = xstrdup(js(d, agent));
		put_link(s, key, p ? nz(&p->prompt) : nz(&s->th[MAIN].root), ids, type);
		free(key);
	}
	if (!p || p->state != T_WAIT)
		return;         /* a copy of a known call, or a second result */
	p->rts = x->t != TS_NONE ? x->t : p->ts;
	p->error = jtrue(jget(d, item, "is_error"));
	const struct jnode *ec = single ? jget(d, x->tur, "exitCode") : NULL;
	if (ec && ec->type == J_NUM) {
		p->exit = jint(ec, EV_NONE);
	} else if (p->error) {
		/* Bash failures since 1.0: "Exit code 2\n..." */
		const struct jnode *ct = jget(d, item, "content");
		if (is_str(ct) && ct->len > 10 && !memcmp(ct->s, "Exit code ", 10) &&
		    ct->s[10] >= '0' && ct->s[10] <= '9')
			p->exit = atoll(ct->s + 10);
	}
	struct call *k = &s->th[p->thread].call;
	if (k->active && k->serial == p->serial && !k->emitted) {
		p->state = T_HELD;      /* written right after its call */
		p->seq = ++s->seq;
		return;
	}
	tool_emit(s, (size_t)(p - s->t));
}

/* --- model calls ------------------------------------------------------- */

static void call_emit(struct claude *s, struct call *k)
{
	if (!k->active || k->emitted)
		return;
	k->emitted = true;
	if (k->skip)
		return;
	const char *ka = k->ka.len ? k->ka.p : NULL;
	if (k->copy) {
		/* a copy of a call written before: only a larger usage counts */
		if (k->has_tokens)
			ev_call_copy_h(s->c, k->ckey, &k->tok);
		return;
	}
	struct event e;
	ev_base(s, &e, "llm", k->last != TS_NONE && k->ts != TS_NONE && k->last > k->ts ? k->last : k->ts, k->thread);
	e.id = k->id.p;
	e.parent = nz(&k->parent);
	e.prompt = nz(&k->prompt);
	e.model = nz(&k->model);
	if (k->start != TS_NONE && k->last != TS_NONE && k->last >= k->start)
		e.duration_ms = k->last - k->start;
	e.has_tokens = k->has_tokens;
	e.tokens = k->tok;
	if (k->ntools > s->namecap) {
		s->namecap = k->ntools * 2;
		s->namev = xrealloc(s->namev, s->namecap * sizeof *s->namev);
	}
	const char *q = k->tools.p;
	for (int i = 0; i < k->ntools; i++) {
		s->namev[i] = q;
		q += strlen(q) + 1;
	}
	e.tools = k->ntools ? s->namev : NULL;
	e.ntools = k->ntools;
	if (k->text.len) {
		e.text = k->text.p;
		e.text_len = k->text.len;
	}
	if (ka)
		ev_call_first_h(s->c, k->ckey, &e);
	else
		ev_emit(s->c, &e);
	/* the tools whose results came while the call was still open */
	for (;;) {
		size_t best = s->nt;
		for (size_t i = 0; i < s->nt; i++)
			if (s->t[i].state == T_HELD && s->t[i].serial == k->serial &&
			    (best == s->nt || s->t[i].seq < s->t[best].seq))
				best = i;
		if (best == s->nt)
			break;
		tool_emit(s, best);
	}
}

/* Everything pending is settled: calls written, tools without a result
 * written as unknown. */
static void settle(struct claude *s)
{
	call_emit(s, &s->th[MAIN].call);
	call_emit(s, &s->th[SIDE].call);
	while (s->nt)
		tool_emit(s, 0);
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* A token count: never negative, capped at 2^53 (no real count comes
 * near), so that the programs that add counts up cannot overflow. */
static inline int64_t count(const struct jnode *v)
{
	/* the usual count: at most 15 digits, below the cap, read here */
	if (v && v->type == J_NUM && v->len && v->len <= 15) {
		int64_t n = 0;
		size_t i = 0;
		for (; i < v->len && v->s[i] >= '0' && v->s[i] <= '9'; i++)
			n = n * 10 + (v->s[i] - '0');
		if (i == v->len)
			return n;
	}
	int64_t n = jint(v, 0);
	return n < 0 ? 0 : n > (INT64_C(1) << 53) ? INT64_C(1) << 53 : n;
}

static void usage_max(struct jdoc *d, struct call *k, const struct jnode *u)
{
	if (!u || u->type != J_OBJ)
		return;
	struct tokens *t = &k->tok;
	k->has_tokens = true;
	JFOR(d, u, key) {
		const struct jnode *v = jval(key);
		if (!(key->flags & (JF_ESC | JF_BAD | JF_NUL))) {
			/* a plain key: told by its length, then compared once */
#define IS(lit) (key->len == sizeof lit - 1 && !memcmp(key->s, lit, sizeof lit - 1))
			switch (key->len) {
			case 12:
				if (IS("input_tokens"))
					t->input = max64(t->input, count(v));
				break;
			case 13:
				if (IS("output_tokens"))
					t->output = max64(t->output, count(v));
				break;
			case 14:
				if (IS("cache_creation"))
					t->cache_write_1h = max64(t->cache_write_1h,
						count(jget(d, v, "ephemeral_1h_input_tokens")));
				break;
			case 23:
				if (IS("cache_read_input_tokens"))
					t->cache_read = max64(t->cache_read, count(v));
				break;
			case 27:
				if (IS("cache_creation_input_tokens"))
					t->cache_write = max64(t->cache_write, count(v));
				break;
			}
#undef IS
			continue;
		}
		/* an escaped key may still spell one of them */
		if (jeq(key, "input_tokens"))
			t->input = max64(t->input, count(v));
		else if (jeq(key, "cache_read_input_tokens"))
			t->cache_read = max64(t->cache_read, count(v));
		else if (jeq(key, "cache_creation_input_tokens"))
			t->cache_write = max64(t->cache_write, count(v));
		else if (jeq(key, "output_tokens"))
			t->output = max64(t->output, count(v));
		else if (jeq(key, "cache_creation"))
			t->cache_write_1h = max64(t->cache_write_1h,
				count(jget(d, v, "ephemeral_1h_input_tokens")));
	}
}

/* A subagent's transcript (2.0, 2.1) learns its place from what its
 * parent, read before it, left: the link of its agentId (the Task
 * result's), else of its task text (the Task input's prompt), else the
 * root prompt of its promptId (2.1).  Without the parent the type comes
 * from agent-<id>.meta.json alone and the root and spawn stay unknown. */
static void sub_resolve(struct claude *s, const char *text, size_t len)
{
	if (s->resolved || !s->in_subagent_file)
		return;
	const char *v = s->subagent.len ? ev_link_get(s->c, s->subagent.p) : NULL;
	if (!v && text) {
		uint64_t h = hash64(text, len, 7) | 1;
		v = ev_link_get(s->c, task_key(s, h));
	}
	if (!text && !v)
		return;         /* wait for the task prompt, if one comes */
	s->resolved = true;
	struct thread *th = &s->th[SIDE];
	const char *t1 = v ? strchr(v, '\t') : NULL;
	const char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
	if (t2) {
		sb_reset(&th->root);
		sb_add(&th->root, v, (size_t)(t1 - v));
		sb_reset(&s->spawn);
		sb_add(&s->spawn, t1 + 1, (size_t)(t2 - t1 - 1));
		if (!s->meta_type && t2[1])
			sb_set(&s->stype, t2 + 1);
	}
	if (!th->root.len && s->promptid.len) {
		sb_reset(&s->names);
		sb_printf(&s->names, "P:%s", s->promptid.p);
		sb_set(&th->root, ev_link_get(s->c, s->names.p));
	}
}

static void call_start(struct claude *s, struct call *k, int thread, struct rec *x,
	const struct jnode *mid, uint64_t key)
{
	struct jdoc *d = &s->d;
	struct thread *th = &s->th[thread];
	/* Copies: a resumed session, a compaction or a side question
	 * repeats (message.id, requestId), maybe with a larger usage; a
	 * sidechain replay repeats message.id under another requestId.
	 * The slots of this call in the run's tables (large, seldom in the
	 * cache) are fetched while the call before is written. */
	const char *ms = js(d, mid), *rs = js(d, x->req);
	const char *a = ms ? ms : rs, *b = ms ? rs : NULL;
	/* each key made once, for the fetch ahead and the look-up */
	uint64_t ck = a ? ev_call_key(a, b) : 0, mk = ms ? ev_seen_key(ms, NULL) : 0;
	if (a)
		ev_call_prefetch_h(s->c, ck);
	if (ms)
		hs_prefetch(&s->c->seen_msg, mk);
	call_emit(s, k);
	k->active = true;
	k->emitted = false;
	k->serial = ++s->serial;
	k->key = key;
	k->thread = thread;
	k->skip = k->copy = false;
	sb_reset(&k->ka);
	k->has_b = b != NULL;
	if (a) {
		sb_adds(&k->ka, a);
		if (b) {
			sb_addc(&k->ka, 0);
			sb_adds(&k->ka, b);
		}
		k->ckey = ck;
		k->copy = ev_call_known_h(s->c, ck);
		bool seen = ms && ev_seen_h(&s->c->seen_msg, mk);
		k->skip = !k->copy && seen && jtrue(x->side);
	}
	if (thread == SIDE)
		sub_resolve(s, NULL, 0);
	sb_reset(&k->id);
	if (a && *a)
		sb_adds(&k->id, a);
	else if (is_str(x->uuid) && x->uuid->len)
		sb_node(&k->id, x->uuid);
	else
		sb_printf(&k->id, "%s:l%llu", s->session.p, (unsigned long long)++s->ncall);
	sb_set(&k->prompt, nz(&th->root));
	sb_set(&k->parent, th->prompt.len ? th->prompt.p : thread == SIDE && s->spawn.len ? s->spawn.p : nz(&th->root));
	sb_reset(&k->model);
	sb_reset(&k->text);
	sb_reset(&k->tools);
	k->ntools = 0;
	k->ts = k->last = x->t;
	k->start = th->trig != TS_NONE && (x->t == TS_NONE || th->trig <= x->t) ? th->trig : TS_NONE;
	k->has_tokens = false;
	memset(&k->tok, 0, sizeof k->tok);
}

static void assistant(struct claude *s, struct rec *x)
{
	struct jdoc *d = &s->d;
	struct lreader *r = s->r;
	const struct jnode *m = x->msg;
	if (!m || m->type != J_OBJ) {
		lr_warn(r, "nomsg", "assistant record without a message object");
		return;
	}
	const struct jnode *mid = NULL, *model = NULL, *usage = NULL, *content = NULL;
	JFOR(d, m, key) {
		const struct jnode *v = jval(key);
		if (jeq(key, "id")) mid = v;
		else if (jeq(key, "model")) model = v;
		else if (jeq(key, "usage")) usage = v;
		else if (jeq(key, "content")) content = v;
	}
	if (jeq(model, "<synthetic>")) {
		/* the client's own notes (API errors, "No response requested") */
		lr_note(r, "synthetic", "model \"<synthetic>\": a client note, not a model call; skipped");
		return;
	}
	if (!is_str(mid))
		mid = NULL;
	int thread = jtrue(x->side) || s->in_subagent_file ? SIDE : MAIN;
	struct call *k = &s->th[thread].call;
	uint64_t key = 0;
	if (mid || is_str(x->req))
		key = hnode(d, x->req, hnode(d, mid, 3)) | 1;
	if (!k->active || !key || k->key != key) {
		if (thread == MAIN)     /* the conversation goes on: a subagent is done */
			call_emit(s, &s->th[SIDE].call);
		call_start(s, k, thread, x, mid, key);
	}
	if (k->skip)
		return;
	if (k->copy) {          /* only its usage can add anything */
		if (!k->emitted)
			usage_max(d, k, usage);
		return;
	}
	if (x->t != TS_NONE)
		k->last = k->last == TS_NONE ? x->t : max64(k->last, x->t);
	if (!k->emitted) {
		usage_max(d, k, usage);
		if (!k->model.len && is_str(model))
			sb_node(&k->model, model);
	}
	if (is_str(content) && !k->emitted) {
		jstr(content, &k->text);
		return;
	}
	if (!content || content->type != J_ARR)
		return;
	JFOR(d, content, it) {
		const struct jnode *ty = jget(d, it, "type");
		if (jeq(ty, "text") && !k->emitted) {
			if (k->text.len)
				sb_addc(&k->text, '\n');
			jstr(jget(d, it, "text"), &k->text);
		} else if (jeq(ty, "tool_use")) {
			if (!k->emitted) {
				const struct jnode *nm = jget(d, it, "name");
				if (is_str(nm)) {
					jstr(nm, &k->tools);
					sb_addc(&k->tools, 0);  /* names NUL-separated */
					k->ntools++;
				}
			}
			tool_use(s, k, thread, x, it);
		}
	}
}

/* --- user records ------------------------------------------------------ */

static bool prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Who wrote a user turn that is not a tool result. */
static const char *origin_of(struct claude *s, struct rec *x, const char *text)
{
	if (jtrue(x->compact))
		return "continuation";
	if (jtrue(x->meta))
		return "meta";
	while (*text == ' ' || *text == '\n' || *text == '\t' || *text == '\r')
		text++;
	static const char *const cmd[] = {
		"<command-name>", "<command-message>", "<command-args>",
		"<local-command-stdout>", "<local-command-stderr>", "<bash-input>",
		"<bash-stdout>", "<bash-stderr>", "<user-memory-input>",
	};
	if (prefix(text, "[Request interrupted by user"))
		return "interrupt";
	if (prefix(text, "This session is being continued from a previous conversation"))
		return "continuation";
	for (size_t i = 0; i < sizeof cmd / sizeof *cmd; i++)
		if (prefix(text, cmd[i]))
			return "command";
	if (prefix(text, "<local-command-caveat>") || prefix(text, "Caveat: The messages below were generated by the user") ||
	    prefix(text, "<task-notification>") || prefix(text, "<system-reminder>"))
		return "meta";
	/* 2.1: origin {"kind": "human" | "task-notification" | ...} */
	const struct jnode *kind = jget(&s->d, x->origin, "kind");
	if (is_str(kind) && !jeq(kind, "human"))
		return "meta";
	return "human";
}

/* 1.0.x inline sidechain: find the Task tool whose prompt it carries out,
 * else the latest Task still waiting. */
static struct ptool *task_for(struct claude *s, const char *text, size_t len)
{
	uint64_t h = hash64(text, len, 7) | 1;
	struct ptool *last = NULL;
	for (size_t i = 0; i < s->nt; i++) {
		struct ptool *p = &s->t[i];
		if (!p->taskh || p->matched || p->thread != MAIN)
			continue;
		if (p->taskh == h)
			return p;
		last = p;
	}
	return last;
}

/* Blocks the client adds to what a person typed: the file open in the
 * IDE, the selection in it, its diagnostics, reminders to the model and
 * the output of prompt hooks.  Context for the model, not the person's
 * words: left out of a prompt's text. */
static const char *const added[] = {
	"ide_opened_file", "ide_selection", "ide_diagnostics", "system-reminder",
	"user-prompt-submit-hook",
};

/* text without the added blocks and the blanks around what is left,
 * into b; false when there was none to take out. */
static bool strip_added(struct sbuf *b, const char *text, size_t len)
{
	sb_reset(b);
	bool any = false;
	const char *p = text, *e = text + len;
	while (p < e) {
		const char *lt = memchr(p, '<', (size_t)(e - p));
		if (!lt) {
			sb_add(b, p, (size_t)(e - p));
			break;
		}
		sb_add(b, p, (size_t)(lt - p));
		p = lt;
		const char *end = NULL;
		for (size_t i = 0; i < sizeof added / sizeof *added && !end; i++) {
			size_t n = strlen(added[i]);
			if ((size_t)(e - lt) < n + 2 || memcmp(lt + 1, added[i], n) ||
			    (lt[n + 1] != '>' && lt[n + 1] != ' '))
				continue;
			char close[40];
			int cl = snprintf(close, sizeof close, "</%s>", added[i]);
			const char *c = memmem(lt, (size_t)(e - lt), close, (size_t)cl);
			if (c)
				end = c + cl;
		}
		if (end) {
			any = true;
			p = end;
		} else {
			sb_addc(b, '<');
			p++;
		}
	}
	if (!any)
		return false;
	size_t i = 0, n = b->len;
	while (i < n && (b->p[i] == ' ' || b->p[i] == '\n' || b->p[i] == '\t' || b->p[i] == '\r'))
		i++;
	while (n > i && (b->p[n - 1] == ' ' || b->p[n - 1] == '\n' || b->p[n - 1] == '\t' || b->p[n - 1] == '\r'))
		n--;
	memmove(b->p, b->p + i, n - i);
	b->len = n - i;
	b->p[b->len] = 0;
	return true;
}

static void prompt(struct claude *s, struct rec *x, const char *text, size_t len)
{
	bool side = jtrue(x->side) || s->in_subagent_file;
	struct thread *th = &s->th[side ? SIDE : MAIN];
	const char *origin;
	const char *parent = NULL;
	if (side && (!x->puuid || x->puuid->type == J_NULL || !th->started)) {
		/* a subagent's task, from the parent's Task tool */
		origin = "subagent";
		call_emit(s, &s->th[MAIN].call);
		call_emit(s, &s->th[SIDE].call);
		th->started = true;
		if (s->in_subagent_file) {
			sub_resolve(s, text, len);
			parent = nz(&s->spawn);
		} else {
			/* 1.0 inline: the Task call is the subagent's id */
			struct ptool *p = task_for(s, text, len);
			sb_reset(&th->root);
			sb_reset(&th->stype);
			if (p) {
				p->matched = true;
				sb_set(&th->root, nz(&p->prompt));
				sb_set(&th->sub, p->id.p);
				sb_set(&th->stype, nz(&p->stype));
				parent = p->id.p;
			} else {
				sb_set(&th->root, nz(&s->th[MAIN].root));
				sb_reset(&th->sub);
			}
		}
	} else {
		/* classified by what is left once the client's blocks are out,
		 * which is the text when a person typed anything */
		bool stripped = strip_added(&s->typed, text, len);
		origin = origin_of(s, x, stripped && s->typed.len ? s->typed.p : text);
		if (stripped && !strcmp(origin, "human")) {
			text = s->typed.p;
			len = s->typed.len;
		}
		call_emit(s, &th->call);
		if (!side && !strcmp(origin, "human"))
			settle(s);
	}
	start_session(s);
	const char *id = NULL;
	if (is_str(x->uuid) && x->uuid->len)
		id = js(&s->d, x->uuid);

	if (!id) {
		sb_reset(&s->names);
		sb_printf(&s->names, "%s:p%llu", s->session.p, (unsigned long long)++s->nprompt);
		id = jstrdup(&s->d, s->names.p, s->names.len);
	}
	sb_set(&th->prompt, id);
	/* A subagent's records belong to the parent's prompt, never to the
	 * subagent's own task, except when the parent is not at hand: then
	 * its task is the oldest cause the file proves, and its work stays
	 * under a prompt rather than under none. */
	if (!side || (s->in_subagent_file && origin[0] == 's' && !th->root.len))
		sb_set(&th->root, id);
	else if (!s->in_subagent_file && !th->sub.len)
		sb_set(&th->sub, id);   /* an inline subagent without its Task */
	if (!side && is_str(x->pid) && !strcmp(origin, "human")) {
		/* 2.1: the parent's promptId, which its subagents' records carry */
		sb_reset(&s->names);
		sb_printf(&s->names, "P:%s", js(&s->d, x->pid));
		ev_link_put(s->c, s->names.p, id);
	}
	th->trig = x->t;
	if (is_str(x->uuid) && ev_seen(&s->c->seen_prompt, id, NULL))
		return;         /* a resumed session's copy */
	struct event e;
	ev_base(s, &e, "prompt", x->t, side ? SIDE : MAIN);
	e.id = id;
	e.parent = parent;
	e.prompt = nz(&th->root);
	e.origin = origin;
	e.text = text;
	e.text_len = len;
	ev_emit(s->c, &e);
}

static void user(struct claude *s, struct rec *x)
{
	struct jdoc *d = &s->d;
	const struct jnode *content = jget(d, x->msg, "content");
	struct sbuf *t = &s->text;
	sb_reset(t);
	if (is_str(content)) {
		jstr(content, t);
		prompt(s, x, t->p ? t->p : "", t->len);
		return;
	}
	if (!content || content->type != J_ARR) {
		lr_warn(s->r, "nomsg", "user record without message content");
		return;
	}
	int nres = 0;
	JFOR(d, content, it)
		if (jeq(jget(d, it, "type"), "tool_result"))
			nres++;
	if (nres) {
		int thread = jtrue(x->side) || s->in_subagent_file ? SIDE : MAIN;
		if (thread == MAIN)     /* a Task's result: its subagent is done */
			call_emit(s, &s->th[SIDE].call);
		JFOR(d, content, it)
			if (jeq(jget(d, it, "type"), "tool_result"))
				tool_result(s, it, x, nres == 1);
		if (x->t != TS_NONE)
			s->th[thread].trig = x->t;
		return;
	}
	/* the text items, images left out; the client's own blocks
	 * (<ide_opened_file>, <system-reminder>, ...) are taken out in
	 * prompt() */
	JFOR(d, content, it) {
		if (!jeq(jget(d, it, "type"), "text"))
			continue;
		if (t->len)
			sb_addc(t, '\n');
		jstr(jget(d, it, "text"), t);
	}
	/* a text item without a string adds nothing, t->p may be NULL */
	prompt(s, x, t->p ? t->p : "", t->len);
}

/* --- the file ---------------------------------------------------------- */

/* Records that carry nothing to profile. */
static bool noise(const struct jnode *type)
{
	static const char *const known[] = {
		"summary", "system", "file-history-snapshot", "progress", "queue-operation",
		"permission-mode", "attachment", "last-prompt", "custom-title", "ai-title",
		"agent-name", "mode", "worktree-state", "pr-link", "fork-context-ref", "tag",
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (jeq(type, known[i]))
			return true;
	return false;
}

static void thread_init(struct thread *th)
{
	th->trig = TS_NONE;
	th->started = false;
	th->call.active = false;
	sb_reset(&th->prompt);
	sb_reset(&th->root);
	sb_reset(&th->sub);
	sb_reset(&th->stype);
}

static void state_free(struct claude *s)
{
	for (size_t i = 0; i < s->capt; i++) {
		struct ptool *p = &s->t[i];
		sb_free(&p->id); sb_free(&p->name); sb_free(&p->call);
		sb_free(&p->prompt); sb_free(&p->cwd); sb_free(&p->input);
		sb_free(&p->stype); sb_free(&p->sub); sb_free(&p->subtype);
	}
	free(s->t);
	for (int i = 0; i < 2; i++) {
		struct call *k = &s->th[i].call;
		sb_free(&k->id); sb_free(&k->model); sb_free(&k->prompt);
		sb_free(&k->parent); sb_free(&k->text); sb_free(&k->tools); sb_free(&k->ka);
		sb_free(&s->th[i].sub); sb_free(&s->th[i].stype);
		sb_free(&s->th[i].prompt);
		sb_free(&s->th[i].root);
	}
	sb_free(&s->session); sb_free(&s->subagent); sb_free(&s->cwd); sb_free(&s->version);
	sb_free(&s->text); sb_free(&s->names); sb_free(&s->typed);
	sb_free(&s->stype); sb_free(&s->spawn); sb_free(&s->promptid);
	free(s->namev);
	jdoc_free(&s->d);
}

/* An unknown record type is noted once per file and type.  The reader
 * keeps the key's address, so names are interned for the process. */
static void note_type(struct lreader *r, const char *type)
{
	static _Thread_local char names[32][48];
	static _Thread_local int n;
	const char *key = "type";
	int i;
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], type))
			break;
	if (i == n && n < 32 && strlen(type) < sizeof names[0])
		strcpy(names[n++], type);
	if (i < n)
		key = names[i];
	lr_note(r, key, "record type \"%.40s\" not known; skipped", type);
}

static void line(struct claude *s, char *l, size_t len)
{
	struct lreader *r = s->r;
	struct jdoc *d = &s->d;
	const struct jnode *root = ev_parse_line(r, d, l, len);
	if (!root)
		return;
	struct rec x;
	read_rec(d, root, &x);
	if (!is_str(x.type)) {
		lr_warn(r, "notype", "record without a \"type\"; skipped");
		return;
	}
	learn_session(s, &x);
	if (jeq(x.type, "assistant"))
		assistant(s, &x);
	else if (jeq(x.type, "user"))
		user(s, &x);
	else if (!noise(x.type))
		note_type(r, js(d, x.type));
}

static char *meta_type(const char *path);

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct claude s;
	memset(&s, 0, sizeof s);
	s.c = c;
	s.r = r;
	s.path = r->name;
	s.ts0 = TS_NONE;
	thread_init(&s.th[MAIN]);
	thread_init(&s.th[SIDE]);
	/* agent-<id>.jsonl: a subagent's transcript (2.0 beside the session,
	 * 2.1 in <session>/subagents/) */
	const char *b = agent_file_base(path);
	if (!strncmp(b, "agent-", 6)) {
		s.named_sub = true;
		base_name(&s.subagent, b + 6);
		char *t = meta_type(path);
		if (t) {
			sb_reset(&s.stype);
			sb_adds(&s.stype, t);
			s.meta_type = true;
			free(t);
		}
	}
	char *l;
	size_t len;
	while (lr_next_nonblank(r, &l, &len))
		line(&s, l, len);
	settle(&s);
	start_session(&s);
	state_free(&s);
}

/* --- detection --------------------------------------------------------- */

/* The records agent-sessions has always known as Claude's by their
 * top-level keys alone. */
static const char *const key_types[] = {"summary", "file-history-snapshot",
	"queue-operation", "permission-mode"};
static const char *const key_names[] = {"sessionId", "leafUuid", "parentUuid"};
/* (key_word below spells these words out: change both) */

static bool claude_keys(const struct agent_head *h, int i)
{
	for (size_t k = 0; k < sizeof key_names / sizeof *key_names; k++)
		if (agent_rec_get(h, i, key_names[k]))
			return true;
	for (size_t k = 0; k < sizeof key_types / sizeof *key_types; k++)
		if (agent_rec_is(h, i, "type", key_types[k]))
			return true;
	return false;
}

/* Could some record of the head pass claude_keys?  Not unless one of its
 * names or types is in the text as a string: the head's records keep
 * keys and values as written (a raw NUL ends them), so a quote, the word,
 * then a quote or NUL.  One pass over the head's quotes instead of
 * parsing every record of a file that is not Claude's (a Codex rollout's
 * head: most of what agent-sessions spent on it), 32 bytes a step
 * where SSE2 is.  key_word spells out the words of key_names and
 * key_types: a change to one list is a change to it. */
#define WORD(lit) ((size_t)(e - w) > sizeof lit - 1 && !memcmp(w, lit, sizeof lit - 1) && \
	(w[sizeof lit - 1] == '"' || !w[sizeof lit - 1]))
static inline __attribute__((always_inline)) bool key_word(const char *w, const char *e)
{
	switch (*w) {
	case 's': return WORD("sessionId") || WORD("summary");
	case 'l': return WORD("leafUuid");
	case 'p': return WORD("parentUuid") || WORD("permission-mode");
	case 'f': return WORD("file-history-snapshot");
	case 'q': return WORD("queue-operation");
	}
	return false;
}
#undef WORD

static bool may_have_keys(const char *p, size_t n)
{
	const char *e = p + n, *q = p;
#ifdef JSCAN_SSE2
	/* the quotes of 32 bytes a step, then what follows each */
	const __m128i quote = _mm_set1_epi8('"');
	for (; e - q > 32; q += 32) {
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)q), quote)) |
			(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(q + 16)), quote)) << 16;
		for (; bits; bits &= bits - 1)
			if (key_word(q + __builtin_ctz(bits) + 1, e))
				return true;
	}
#endif
	for (; (q = memchr(q, '"', (size_t)(e - q))); q++)
		if (q + 1 < e && key_word(q + 1, e))
			return true;
	return false;
}

/* What the sniff asks of one line: is it a JSON object, and its members
 * "type" (the last one, as jget finds it) and the few others it tests
 * for being there. */
enum {
	SK_PROJECTHASH = 1, SK_PAYLOAD = 2, SK_SESSION_ID = 4, SK_ROLE = 8,
	SK_UUID = 16, SK_SESSIONID = 32, SK_REQUESTID = 64, SK_MESSAGE = 128,
};
struct sniff_line {
	unsigned keys;          /* SK_* */
	int ttype;              /* the type's value: 0 none, J_STR, or J_OBJ for any other */
	const char *t;          /* a string type's text, without escapes */
	size_t tlen;
	const struct jnode *tnode;      /* or its node, when the line was parsed */
};

#define EQ_LIT(p, lit) mem_eq_n((p), (lit), sizeof lit - 1)

/* Is the line's type the literal lit? */
static inline __attribute__((always_inline)) bool sl_is_n(const struct sniff_line *l,
	const char *lit, size_t n)
{
	if (l->tnode)
		return jeq(l->tnode, lit);
	return l->ttype == J_STR && l->tlen == n && mem_eq_n(l->t, lit, n);
}
#define sl_is(l, lit) sl_is_n((l), (lit), sizeof lit - 1)

static unsigned sniff_key(const char *k, size_t n)
{
#define KEY(lit, bit) if (n == sizeof lit - 1 && EQ_LIT(k, lit)) return bit
	switch (n) {
	case 4: KEY("role", SK_ROLE); KEY("uuid", SK_UUID); break;
	case 7: KEY("payload", SK_PAYLOAD); KEY("message", SK_MESSAGE); break;
	case 9: KEY("sessionId", SK_SESSIONID); KEY("requestId", SK_REQUESTID); break;
	case 10: KEY("session_id", SK_SESSION_ID); break;
	case 11: KEY("projectHash", SK_PROJECTHASH); break;
	}
#undef KEY
	return 0;
}

/* The same from a parsed line. */
static void sniff_parsed(struct jdoc *d, const struct jnode *root, struct sniff_line *l)
{
	static const char *const names[] = {"projectHash", "payload", "session_id", "role",
		"uuid", "sessionId", "requestId", "message"};
	memset(l, 0, sizeof *l);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (jget(d, root, names[i]))
			l->keys |= 1u << i;
	l->tnode = jget(d, root, "type");
	l->ttype = !l->tnode ? 0 : l->tnode->type == J_STR ? J_STR : J_OBJ;
}

enum { SL_BAD, SL_OBJ, SL_UNSURE };

static inline const char *sl_ws(const char *p, const char *e)
{
	while (p < e && (unsigned char)*p <= ' ' &&
	    (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* The first quote or backslash in [p, e), or e: all a string's text
 * holds for jparse but its escapes (it takes any other byte), so the
 * scan looks for nothing else, 64 bytes a step where SSE2 is. */
#ifdef JSCAN_SSE2
/* The quote and the backslash, 32 of each, in memory the compiler cannot
 * take for constant (writable, seen by the linker, as json.c's
 * jparse_k32): made from immediates, they were made again at every
 * string, a few instructions each; from here they are one load. */
char claude_sl_k[2][32] __attribute__((aligned(32), visibility("hidden"))) = {
	{[0 ... 31] = '"'}, {[0 ... 31] = '\\'},
};
#endif

static inline const char *sl_stop(const char *p, const char *e)
{
#ifdef JSCAN_SSE2
	const __m128i quote = _mm_load_si128((const __m128i *)(const void *)claude_sl_k[0]),
		bs = _mm_load_si128((const __m128i *)(const void *)claude_sl_k[1]);
#define STOP16(v) _mm_or_si128(_mm_cmpeq_epi8((v), quote), _mm_cmpeq_epi8((v), bs))
#define LOAD(o) _mm_loadu_si128((const __m128i *)(const void *)(p + (o)))
	if (e - p >= 16) {      /* most strings end in their first sixteen bytes */
		int bits = _mm_movemask_epi8(STOP16(LOAD(0)));
		if (bits)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
	while (e - p >= 64) {
		__m128i a = STOP16(LOAD(0)), b = STOP16(LOAD(16)), c = STOP16(LOAD(32)),
			d = STOP16(LOAD(48));
		if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))))
			break;
		p += 64;
	}
	while (e - p >= 16) {
		int bits = _mm_movemask_epi8(STOP16(LOAD(0)));
		if (bits)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
#undef LOAD
#undef STOP16
#endif
	while (p < e && *p != '"' && *p != '\\')
		p++;
	return p;
}

#if defined(JSCAN_SSE2) && (defined(__x86_64__) || defined(__i386__))
#define SL_AVX2 1
#include <immintrin.h>
/* The same, 32 bytes a step, for the AVX2 form of the scan (sniff_scan32):
 * the long strings of a Claude Code head (thinking, tool output) are most
 * of its bytes.  Under 32 bytes left, the SSE2 form ends the search. */
static inline __attribute__((target("avx2"))) const char *sl_stop32(const char *p, const char *e)
{
	const __m256i quote = _mm256_load_si256((const __m256i *)(const void *)claude_sl_k[0]),
		bs = _mm256_load_si256((const __m256i *)(const void *)claude_sl_k[1]);
#define STOP32(v) _mm256_or_si256(_mm256_cmpeq_epi8((v), quote), _mm256_cmpeq_epi8((v), bs))
#define LOAD32(o) _mm256_loadu_si256((const __m256i *)(const void *)(p + (o)))
	if (e - p >= 32) {
		unsigned bits = (unsigned)_mm256_movemask_epi8(STOP32(LOAD32(0)));
		if (bits)
			return p + __builtin_ctz(bits);
		p += 32;
		while (e - p >= 64) {
			__m256i a = STOP32(LOAD32(0)), b = STOP32(LOAD32(32));
			if (_mm256_movemask_epi8(_mm256_or_si256(a, b)))
				break;
			p += 64;
		}
		while (e - p >= 32) {
			bits = (unsigned)_mm256_movemask_epi8(STOP32(LOAD32(0)));
			if (bits)
				return p + __builtin_ctz(bits);
			p += 32;
		}
	}
#undef LOAD32
#undef STOP32
	return sl_stop(p, e);
}
#endif

/* The closing quote of the string whose text starts at p, as jparse
 * reads it (escapes checked, any other byte taken); NULL when jparse
 * would fail on it.  *esc: it has an escape. */
static inline __attribute__((always_inline)) const char *sl_str(const char *p, const char *e, bool *esc,
	int w)
{
	for (;;) {
#ifdef SL_AVX2
		p = w == 32 ? sl_stop32(p, e) : sl_stop(p, e);
#else
		(void)w;
		p = sl_stop(p, e);
#endif
		if (p >= e)
			return NULL;
		if (*p == '"')
			return p;
		*esc = true;
		if (++p >= e)
			return NULL;
		if (*p == 'u') {
			if (e - p < 5 || jhexval(p[1]) < 0 || jhexval(p[2]) < 0 || jhexval(p[3]) < 0 ||
			    jhexval(p[4]) < 0)
				return NULL;
			p += 5;
		} else if (*p && strchr("\"\\/bfnrt", *p)) {
			p++;
		} else {
			return NULL;
		}
	}
}

/* One line of the head read without building its parse: SL_OBJ when
 * jparse would take s[0..len) for an object (l filled), SL_BAD when it
 * would fail or find another value, SL_UNSURE when a top-level key or
 * the type has an escape (the caller parses the line).  The grammar is
 * jparse's own, step for step: what one accepts the other does. */
static inline int scan_line(const char *s, size_t len, struct sniff_line *l, int w)
{
	const char *p = s, *e = s + len, *q;
	unsigned char obj[JSON_MAXDEPTH];       /* per level: an object? */
	int depth = 0;
	bool inobj = false;                     /* obj[depth - 1] */
	bool is_t = false, tesc = false;        /* the next value is the type's */
	bool esc;
	memset(l, 0, sizeof *l);
	if (len >= UINT32_MAX)
		return SL_UNSURE;
	p = sl_ws(p, e);
	if (p >= e || *p != '{')
		return SL_BAD;  /* no value, or not an object */
value:  /* a value starts at p (is_t: the type's) */
	if (p >= e)
		return SL_BAD;
	switch (*p) {
	case '{':
	case '[':
		if (depth == JSON_MAXDEPTH)
			return SL_BAD;
		if (is_t)
			l->ttype = J_OBJ;
		is_t = false;
		inobj = *p == '{';
		obj[depth++] = inobj;
		p++;
		if (p < e && *p == '"' && inobj)
			goto key;       /* compact JSON: the first key */
		p = sl_ws(p, e);
		if (p < e && (*p == '}' || *p == ']'))
			goto close;
		if (inobj)
			goto key;
		goto value;
	case '"':
		esc = false;
		if (!(q = sl_str(p + 1, e, &esc, w)))
			return SL_BAD;
		if (is_t) {
			l->ttype = J_STR;
			l->t = p + 1;
			l->tlen = (size_t)(q - p - 1);
			tesc = esc;
			is_t = false;
		}
		p = q + 1;
		goto after;
	case 't':
		if (e - p < 4 || !EQ_LIT(p, "true"))
			return SL_BAD;
		p += 4;
		break;
	case 'f':
		if (e - p < 5 || !EQ_LIT(p, "false"))
			return SL_BAD;
		p += 5;
		break;
	case 'n':
		if (e - p < 4 || !EQ_LIT(p, "null"))
			return SL_BAD;
		p += 4;
		break;
	default:
		if (!(p = jnum_end(p, e)))
			return SL_BAD;
	}
	if (is_t)
		l->ttype = J_OBJ;
	is_t = false;
after:  /* after a value: a comma, a close, or the line's end */
	if (!depth) {
		p = sl_ws(p, e);
		if (p != e)
			return SL_BAD;
		return tesc && l->ttype == J_STR ? SL_UNSURE : SL_OBJ;
	}
	p = sl_ws(p, e);
	if (p >= e)
		return SL_BAD;
	if (*p == ',') {
		p++;
		if (p < e && *p == '"' && inobj)
			goto key;       /* compact JSON: the next key */
		p = sl_ws(p, e);
		if (inobj)
			goto key;
		goto value;
	}
	if ((*p == '}' && inobj) || (*p == ']' && !inobj))
		goto close;
	return SL_BAD;
close:  /* *p closes the innermost level, or does not match it */
	if ((*p == '}') != obj[--depth])
		return SL_BAD;
	inobj = depth && obj[depth - 1];
	p++;
	goto after;
key:    /* a key should start at p */
	if (p >= e || *p != '"')
		return SL_BAD;
	esc = false;
	if (!(q = sl_str(p + 1, e, &esc, w)))
		return SL_BAD;
	if (depth == 1) {
		size_t kl = (size_t)(q - p - 1);
		if (esc)
			return SL_UNSURE;
		if (kl == 4 && EQ_LIT(p + 1, "type"))
			is_t = true;
		else
			l->keys |= sniff_key(p + 1, kl);
	} else {
		/* below the top level, in compact JSON, members of a string
		 * value go round this loop alone, key to key */
		while (e - q >= 3 && q[1] == ':' && q[2] == '"') {
			if (!(q = sl_str(q + 3, e, &esc, w)))
				return SL_BAD;
			p = q + 1;
			if (e - p < 2 || p[0] != ',' || p[1] != '"')
				goto after;
			if (!(q = sl_str(p + 2, e, &esc, w)))
				return SL_BAD;
		}
	}
	p = q + 1;
	if (p < e && *p == ':') {       /* compact JSON: no space around */
		p++;
	} else {
		p = sl_ws(p, e);
		if (p >= e || *p != ':')
			return SL_BAD;
		p++;
	}
	if (p < e && *p == '"' && !is_t) {
		/* a string value (not the type's), and after it a comma
		 * and the next key */
		if (!(q = sl_str(p + 1, e, &esc, w)))
			return SL_BAD;
		p = q + 1;
		if (e - p >= 2 && p[0] == ',' && p[1] == '"') {
			p++;
			goto key;
		}
		goto after;
	}
	p = sl_ws(p, e);
	goto value;
}

/* The scan in two forms: 16 bytes a step (SSE2, or the portable loop),
 * and 32 (AVX2, where the CPU has it and agent_sniff_avx2 is set). */
static __attribute__((noinline)) int sniff_scan16(const char *s, size_t len, struct sniff_line *l)
{
	return scan_line(s, len, l, 16);
}

#ifdef SL_AVX2
static __attribute__((noinline, flatten, target("avx2"))) int sniff_scan32(const char *s, size_t len,
	struct sniff_line *l)
{
	return scan_line(s, len, l, 32);
}
#endif

static inline bool sniff_wide(void)
{
#ifdef SL_AVX2
	return agent_sniff_avx2 && __builtin_cpu_supports("avx2");
#else
	return false;
#endif
}

/* "assistant", "summary", "system", "file-history-snapshot",
 * "progress", "queue-operation", "permission-mode", "attachment",
 * "last-prompt" */
static bool claude_type(const struct sniff_line *l)
{
	return sl_is(l, "assistant") || sl_is(l, "summary") || sl_is(l, "system") ||
		sl_is(l, "file-history-snapshot") || sl_is(l, "progress") ||
		sl_is(l, "queue-operation") || sl_is(l, "permission-mode") ||
		sl_is(l, "attachment") || sl_is(l, "last-prompt");
}

/* 90 * the share of its first 50 lines that are its records; 40 * that
 * of records that may be its; 60 for a first line longer than the head
 * that looks like one; else 70 when a record of the head has its keys
 * (a Codex or Gemini CLI record claims the file with 72 or 71: that
 * part is sniff_more's).  Lines are read by sniff_scan, parsed only when
 * it is unsure. */
static int sniff(const struct agent_head *h)
{
	const char *head = h->p, *path = h->path;
	size_t n = h->n;
	static _Thread_local struct jdoc d;
	static _Thread_local struct sbuf last;        /* the last line, when it has no newline */
	int good = 0, bad = 0, weak = 0;
	bool foreign = false, parsed = false, wide = sniff_wide();
	const char *p = head, *e = head + n;
	for (int lines = 0; p < e && lines < 50; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl && h->full)
			break;          /* cut mid-line */
		const char *end = nl ? nl : e;
		size_t len = (size_t)(end - p);
		if (len && end[-1] == '\r')
			len--;
		const char *line = p;
		p = nl ? nl + 1 : e;
		if (!len)
			continue;
		struct sniff_line l;
#ifdef SL_AVX2
		int kind = wide ? sniff_scan32(line, len, &l) : sniff_scan16(line, len, &l);
#else
		int kind = sniff_scan16(line, len, &l);
		(void)wide;
#endif
		if (kind == SL_UNSURE) {
			/* jparse may read s[len]: parse a copy when the line is the last */
			int rc;
			parsed = true;
			if (nl) {
				rc = jparse(&d, line, len);
			} else {
				sb_reset(&last);
				sb_add(&last, line, len);
				rc = jparse(&d, last.p, len);
			}
			const struct jnode *root = rc ? NULL : jroot(&d);
			kind = root && root->type == J_OBJ ? SL_OBJ : SL_BAD;
			if (kind == SL_OBJ)
				sniff_parsed(&d, root, &l);
		}
		if (kind == SL_BAD) {
			bad++;
			continue;
		}
		if (sl_is(&l, "gemini") || (l.keys & (SK_PROJECTHASH | SK_PAYLOAD))) {
			foreign = true; /* Gemini CLI or Codex */
			break;
		}
		/* Droid's `droid exec -o stream-json` opens with a "system"
		 * record too, but its messages, tool calls and completion are
		 * none of Claude's (claude -p's stream-json has session_id
		 * too, with assistant, user and result records) */
		if ((l.keys & SK_SESSION_ID) && (sl_is(&l, "tool_call") || sl_is(&l, "tool_result") ||
		    sl_is(&l, "completion") || (sl_is(&l, "message") && (l.keys & SK_ROLE)))) {
			foreign = true;
			break;
		}
		/* of a part of the head, only a foreign line decides (the
		 * share of ours wants all the lines read): one that is not
		 * sends for the rest */
		if (h->part)
			break;
		if (claude_type(&l) || (sl_is(&l, "user") && (l.keys & SK_UUID)))
			good++;
		else if ((sl_is(&l, "user") && (l.keys & SK_SESSIONID)) ||
		    (!l.ttype && (l.keys & SK_REQUESTID) && (l.keys & SK_MESSAGE)))
			weak++;
		else if (l.ttype != J_STR)
			bad++;
	}
	if (parsed) {
		jdoc_free(&d);
		sb_free(&last);
	}
	if (h->part && !foreign) {
		agent_head_short(h);
		return 0;
	}
	int score;
	if (foreign)
		score = 0;
	else if (good)
		score = 90 * good / (good + bad) ;
	else if (weak)
		score = 40 * weak / (weak + bad);
	else if (h->full && !memchr(head, '\n', n) && memmem(head, n, "\"sessionId\"", 11) &&
	    memmem(head, n, "\"uuid\"", 6) &&
	    (memmem(head, n, "\"type\":\"user\"", 13) || memmem(head, n, "\"type\":\"assistant\"", 18)))
		score = 60;     /* one line longer than the head */
	else
		score = 0;
	if (score && strstr(path, "/.claude/"))
		score += 5;
	return score;           /* sniff_more may make it 70 */
}

/* A score below 70 becomes 70 when a record of the head has Claude's
 * keys: asked only when that can make the file Claude's (agent_sniff),
 * so not of a Codex rollout, which Codex claims with 72. */
static int sniff_more(const struct agent_head *h, int score)
{
	if (score < 70 && may_have_keys(h->p, h->n))
		for (int i = 0; score < 70 && agent_head_rec(h, i); i++)
			if (claude_keys(h, i))
				score = 70;
	return score;
}

/* --- its files ------------------------------------------------------------ */

/* 2.0 names a subagent's transcript agent-<id>.jsonl beside the session,
 * 2.1 puts it in <session>/subagents/. */
static bool in_subagents_dir(const char *path)
{
	const char *d;
	size_t l = agent_dir_up(path, 0, &d);
	return l == 9 && !memcmp(d, "subagents", 9);
}

static int subagent(const char *path, char **parent)
{
	const char *d;
	size_t l = in_subagents_dir(path) ? agent_dir_up(path, 1, &d) : 0;
	if (l)
		*parent = xstrndup(d, l);
	return l || !strncmp(agent_file_base(path), "agent-", 6);
}

/* agent-<id>.meta.json: {"agentType": "Explore", "description": ...,
 * "worktreePath": ...}, read with the transcript agent-<id>.jsonl. */
static bool companion(const char *path)
{
	const char *b = agent_file_base(path);
	size_t n = strlen(b);
	return !strncmp(b, "agent-", 6) && n > 10 && !strcmp(b + n - 10, ".meta.json");
}

/* A 2.1 subagent's type: "agentType" of the agent-ID.meta.json beside
 * its agent-ID.jsonl at path; NULL when there is none. */
static char *meta_type(const char *path)
{
	size_t n = strlen(path);
	if (n < 6 || strcmp(path + n - 6, ".jsonl"))
		return NULL;
	char *meta = xmalloc(n + 5);
	memcpy(meta, path, n - 6);
	strcpy(meta + n - 6, ".meta.json");
	/* not blocked by a FIFO of that name */
	int fd = open(meta, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	free(meta);
	if (fd < 0)
		return NULL;
	char buf[AGENT_SNIFF_SIZE];
	size_t len = 0;
	struct stat st;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		while (len < sizeof buf - 1) {
			ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			len += (size_t)r;
		}
	close(fd);
	buf[len] = 0;
	struct jdoc d = {0};
	char *type = NULL;
	if (len && !jparse(&d, buf, len)) {
		size_t tl;
		const char *t = jsn(&d, jget(&d, jroot(&d), "agentType"), &tl);
		if (t && tl && tl < 256 && !memchr(t, 0, tl))
			type = xstrndup(t, tl);
	}
	jdoc_free(&d);
	return type;
}

/* --- its history (agent-sessions) ---------------------------------------- */

/* <config>/projects/<project>/<session>.jsonl and below it the
 * subagents' transcripts; the config directories are those of
 * CLAUDE_CONFIG_DIR (a comma list), ~/.claude and ~/.config/claude. */
static void find(struct history *h, const char *home)
{
	const char *env = getenv("CLAUDE_CONFIG_DIR");
	char *dirs[] = {path_join(home, ".claude"), path_join(home, ".config/claude")};
	if (env) {
		char *list = xstrdup(env), *save = NULL;
		for (char *d = strtok_r(list, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
			char *p = path_join(d, "projects");
			history_walk(h, p, 32, history_jsonl, NULL, false);
			free(p);
		}
		free(list);
	}
	for (int i = 0; i < 2; i++) {
		char *p = path_join(dirs[i], "projects");
		history_walk(h, p, 32, history_jsonl, NULL, false);
		free(p);
		free(dirs[i]);
	}
}

/* A subagent's records carry its parent's sessionId and its own agentId
 * (p->aux); p->want: the file is named as a subagent's. */
static bool probe_record(struct session_probe *p, struct jdoc *d, const struct jnode *r)
{
	struct session_meta *m = p->m;
	if (!p->flag) {
		char *parent = NULL;
		p->flag = true;
		p->want = subagent(p->path, &parent);
		free(parent);
	}
	probe_str(p, &m->id, jget(d, r, "sessionId"));
	probe_str(p, &m->cwd, jget(d, r, "cwd"));
	probe_str(p, &m->version, jget(d, r, "version"));
	probe_str(p, &p->aux, jget(d, r, "agentId"));
	return m->id && m->cwd && m->version && (p->aux || !p->want);
}

/* a first record too long to parse */
static void probe_document(struct session_probe *p)
{
	probe_doc_str(p, &p->m->id, "sessionId");
	probe_doc_ts(p, "timestamp");
}

/* A subagent is named agent-ID and its records' sessionId is the
 * parent's. */
static void probe_name(struct session_probe *p, const char *path)
{
	struct session_meta *m = p->m;
	char *parent = NULL;
	if (!subagent(path, &parent))
		return;
	m->parent = m->id;
	m->id = p->aux;
	p->aux = NULL;
	if (!m->parent)
		m->parent = parent;
	else
		free(parent);
	if (!m->id) {
		const char *b = agent_file_base(path);
		size_t stem = agent_file_stem(b, NULL);
		m->id = strncmp(b, "agent-", 6) ? xstrndup(b, stem)
			: xstrndup(b + 6, stem > 6 ? stem - 6 : 0);
	}
}

static const struct agent_probe probe = {
	.record = probe_record,
	.document = probe_document,
	.doc_tail = true,
	.name = probe_name,
	/* records without a cwd (queue-operation, summary,
	 * file-history-snapshot, some of them large) may open a file */
	.cwd_scan = (size_t)4 << 20,
};

/* the keys agent-events orders files by, before reading them: a
 * transcript's sessionId, else the session_id of claude -p's stream-json */
static const char *const group_keys[] = {"sessionId", "session_id", NULL};
static const char *const time_keys[] = {"timestamp", NULL};

/* --- the agent ------------------------------------------------------------ */

/* Its tool names and their kinds (toolkind.h): Claude Code 1.0 to 2.1.
 * MCP tools (mcp__SERVER__TOOL) go by the rule in toolkind.c. */
static const struct tool_map claude_tools[] = {
	TOOL("Read", TK_READ), TOOL("NotebookRead", TK_READ),
	TOOL("Write", TK_WRITE), TOOL("Edit", TK_WRITE), TOOL("MultiEdit", TK_WRITE),
	TOOL("NotebookEdit", TK_WRITE),
	TOOL("Grep", TK_SEARCH), TOOL("Glob", TK_SEARCH), TOOL("LSP", TK_SEARCH),
	TOOL("LS", TK_LIST),
	/* a command, and the background ones it started: their output, their end */
	TOOL("Bash", TK_SHELL), TOOL("BashOutput", TK_SHELL), TOOL("KillBash", TK_SHELL),
	TOOL("KillShell", TK_SHELL), TOOL("TaskOutput", TK_SHELL), TOOL("TaskStop", TK_SHELL),
	TOOL("WebFetch", TK_WEB), {"WebSearch", TK_WEB, TA_QUERY, NULL},
	TOOL("Task", TK_DELEGATE), TOOL("Agent", TK_DELEGATE), TOOL("SendMessage", TK_DELEGATE),
	TOOL("TodoWrite", TK_PLAN), TOOL("TodoRead", TK_PLAN), TOOL("TaskCreate", TK_PLAN),
	TOOL("TaskGet", TK_PLAN), TOOL("TaskUpdate", TK_PLAN), TOOL("TaskList", TK_PLAN),
	TOOL("EnterPlanMode", TK_PLAN), TOOL("ExitPlanMode", TK_PLAN), TOOL("AskUserQuestion", TK_PLAN),
	TOOL("ListMcpResourcesTool", TK_MCP), TOOL("ReadMcpResourceTool", TK_MCP),
	/* Skill, SlashCommand, ToolSearch: other */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_claude = {
	.name = "claude",
	.title = "Claude Code",
	.tools = claude_tools,
	.sniff = sniff,
	.sniff_more = sniff_more,
	.more_max = 70,
	.sniff_part = true,
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.group_keys = group_keys,
	.time_keys = time_keys,
	.subagent = subagent,
	.subagent_type = meta_type,
	.global_ids = true,
	.companion = companion,
	.parallel = true,
};
