/* SPDX-License-Identifier: MIT */
/* kimi.c: the Kimi CLI and Kimi Code CLI adapter of agent-events.
 *
 * Kimi CLI (Python, kimi-cli) keeps a session in
 * ${KIMI_SHARE_DIR:-~/.kimi}/sessions/<md5 of the work dir>/<session>/
 * wire.jsonl, its subagents in <session>/subagents/<agent id>/wire.jsonl.
 * The wire is the event log: a metadata line, then
 * {"timestamp": <unix seconds>, "message": {"type": T, "payload": {...}}}
 * with T among TurnBegin (a prompt), StepBegin (a model call), ContentPart
 * (text, think), ToolCall (id, function{name, arguments}), ToolResult
 * (tool_call_id, return_value{is_error}), StatusUpdate (token_usage of
 * the step: input_other, output, input_cache_read, input_cache_creation)
 * and SubagentEvent (a subagent's event, echoed into the parent's wire:
 * parent_tool_call_id, agent_id, subagent_type, event).
 *
 * Kimi Code CLI (the newer TypeScript client) keeps a session in
 * ~/.kimi-code/sessions/wd_<dir>_<hash>/session_<id>/ with one wire a
 * agent under agents/<agent id>/ (main, agent-0, ...): records {type,
 * ..., time (ms)}: config.update (modelAlias), turn.prompt,
 * context.append_loop_event {event: step.begin | content.part |
 * tool.call | tool.result | step.end (with usage)}, llm.request (model),
 * usage.record (model, usage{inputOther, output, inputCacheRead,
 * inputCacheCreation}).
 *
 * Counted once.  A step is one model call.  Kimi Code records its usage
 * twice, in step.end and in the usage.record right after it: the
 * usage.record counts, the step's own figures only when none follows; a
 * usage.record outside any step (a compaction) is a call of its own.  A
 * Kimi CLI subagent's events are in the parent's wire (SubagentEvent) and
 * in its own wire: each step is counted once, under the key the subagent
 * and its step number make, whichever file is read first; the records
 * carry subagent, subagent_type and the spawning tool call as for Claude
 * Code's subagents.  Both clients count input_other without the cache, so
 * input = input_other, cache_read = input_cache_read, cache_write =
 * input_cache_creation.  Kimi CLI's wire names no model (it is in the
 * user's config): its calls have none. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "agent.h"
#include "events.h"
#include "sessions.h"

#define MAXPENDING 4096
#define MAXCTX 32               /* subagents running at once in one wire */

struct ktool {
	char *id, *name, *llm;
	uint64_t key;           /* id's key in seen_tool, its slot fetched ahead */
	struct sbuf args;
	int ctx;
	int64_t ts, end, exit;
	bool done, error, written;
};

/* One conversation in a wire: the main agent's, or a subagent's. */
struct kctx {
	char *agent;            /* NULL: the main agent */
	char *stype, *spawn;    /* a subagent's type and spawning call */
	char *prompt;           /* its prompt in force (a subagent: the parent's) */
	char *cur;              /* its own prompt record in force: its calls' parent */
	int turn, step;
	bool open;              /* a step is under way */
	bool ended;             /* Kimi Code: step.end seen, usage.record may follow */
	char *llm;              /* the step's id */
	uint64_t llm_key;       /* its key in seen_call, its slot fetched ahead
	                         * (the sets are seldom in the cache) */
	int64_t ts, trigger;
	struct sbuf text, names;
	int ntools;
	struct tokens tok;
	bool has_tok;
	char *model;
};

struct kimi {
	struct ev_ctx *c;
	struct lreader *r;
	const char *path;
	struct jdoc d, sub;
	bool code;              /* Kimi Code's records (else Kimi CLI's wire) */
	char *session, *own;    /* the session; a subagent file's own agent id */
	char *cwd, *model;
	char *req_model;        /* Kimi Code: the last llm.request's model */
	bool started, any;
	uint64_t nprompt, nusage;
	struct kctx ctx[MAXCTX];
	int nctx;
	struct ktool *t;
	size_t nt, capt;
	const char **namev;
	int namecap;
	struct sbuf id;         /* ids of prompts and steps, made here whole */
};

/* --- sniffing ------------------------------------------------------------- */

static bool code_type(const char *t)
{
	static const char *const pre[] = {"config.", "turn.", "context.", "llm.", "usage.",
		"tools.", "permission.", "plan_mode.", "full_compaction.", NULL};
	return ev_has_prefix(t, pre);
}

/* 95: a metadata line with protocol_version first (both clients write
 * one); 85: a Kimi CLI wire record ({timestamp, message{type, payload}})
 * or a Kimi Code record ({type, time}) of their own types. */
static int sniff(const struct agent_head *h)
{
	if (h->best >= 95)
		return 0;       /* no score of ours is more */
	if (agent_rec_is(h, 0, "type", "metadata") && agent_rec_get(h, 0, "protocol_version"))
		return 95;
	for (int i = 0; i < 8 && agent_head_rec(h, i); i++) {
		const struct agent_member *m = agent_rec_get(h, i, "message");
		if (m && m->type == J_OBJ && agent_rec_get(h, i, "timestamp") && agent_rec_get(h, i, "message") &&
		    !agent_rec_get(h, i, "sessionId") && !agent_rec_get(h, i, "uuid") &&
		    !agent_rec_get(h, i, "type"))
			return 85;
		const struct agent_member *t = agent_rec_get(h, i, "type");
		if (t && t->type == J_STR && agent_rec_get(h, i, "time") && code_type(t->val))
			return 85;
	}
	return 0;
}

/* --- where a wire lies ------------------------------------------------------ */

/* sessions/<wd>/<session>/wire.jsonl (main), .../<session>/subagents/<id>/
 * wire.jsonl, .../session_<id>/agents/<id>/wire.jsonl: the session, and
 * the subagent's id (NULL for the main agent).  false: not so named. */
static bool wire_place(const char *path, char **session, char **agent)
{
	const char *d0, *d1, *d2;
	size_t l0, l1, l2;
	*session = *agent = NULL;
	if (strcmp(agent_file_base(path), "wire.jsonl"))
		return false;
	l0 = agent_dir_up(path, 0, &d0);
	l1 = agent_dir_up(path, 1, &d1);
	l2 = agent_dir_up(path, 2, &d2);
	if (l1 == 9 && !memcmp(d1, "subagents", 9) && l2) {
		*session = xstrndup(d2, l2);
		*agent = xstrndup(d0, l0);
	} else if (l1 == 6 && !memcmp(d1, "agents", 6) && l2) {
		*session = l2 > 8 && !memcmp(d2, "session_", 8) ? xstrndup(d2 + 8, l2 - 8) : xstrndup(d2, l2);
		if (!(l0 == 4 && !memcmp(d0, "main", 4)))
			*agent = xstrndup(d0, l0);
	} else if (l0) {
		*session = xstrndup(d0, l0);
	} else {
		return false;
	}
	return true;
}

/* --- records -------------------------------------------------------------- */

static void ev_of(const struct kimi *k, const struct kctx *x, struct event *e, const char *kind)
{
	ev_init(e);
	e->kind = kind;
	e->agent = "kimi";
	e->session = k->session;
	if (x && x->agent) {
		e->subagent = x->agent;
		e->subagent_type = x->stype ? x->stype : "subagent";
	}
}

static void ensure_session(struct kimi *k, int64_t ts)
{
	if (k->started)
		return;
	k->started = true;
	struct event e;
	ev_of(k, k->own ? &k->ctx[0] : NULL, &e, "session");
	e.ts = ts;
	e.cwd = k->cwd;
	e.file = k->path;
	if (k->own)
		e.parent = k->ctx[0].spawn;
	ev_session(k->c, &e);
}

/* The link a parent leaves for its subagent's own wire, read later. */
static char *link_key(const struct kimi *k, const char *agent)
{
	struct sbuf b = {0};
	sb_printf(&b, "kimi\n%s\n%s", k->session, agent);
	return b.p;
}

static int ctx_of(struct kimi *k, const char *agent, const char *stype, const char *spawn)
{
	for (int i = 1; i < k->nctx; i++)
		if (!strcmp(k->ctx[i].agent, agent))
			return i;
	if (k->nctx == MAXCTX) {
		lr_note(k->r, "ctx", "over %d subagents at once; the later ones charged to the last", MAXCTX);
		return MAXCTX - 1;
	}
	struct kctx *x = &k->ctx[k->nctx];
	memset(x, 0, sizeof *x);
	x->agent = xstrdup(agent);
	x->stype = stype ? xstrdup(stype) : NULL;
	x->spawn = spawn ? xstrdup(spawn) : NULL;
	x->prompt = k->ctx[0].prompt ? xstrdup(k->ctx[0].prompt) : NULL;
	x->trigger = TS_NONE;
	return k->nctx++;
}

static void prompt(struct kimi *k, int ci, const char *text, size_t n, bool human, int64_t ts)
{
	struct kctx *x = &k->ctx[ci];
	ensure_session(k, ts);
	x->turn++;
	x->step = 0;
	x->trigger = ts;
	k->nprompt++;
	sb_reset(&k->id);
	sb_adds(&k->id, k->session);
	if (x->agent) {
		sb_addc(&k->id, ':');
		sb_adds(&k->id, x->agent);
	}
	sb_adds(&k->id, ":p");
	sb_addi(&k->id, x->turn);
	const char *id = k->id.p;
	if (!x->agent)
		ev_set_str(&x->prompt, id);
	ev_set_str(&x->cur, id);
	if (ev_seen(&k->c->seen_prompt, "kimi", id))
		return;
	struct event e;
	ev_of(k, x, &e, "prompt");
	e.ts = ts;
	e.id = id;
	e.prompt = x->prompt;
	e.parent = x->agent ? x->spawn : NULL;
	e.origin = x->agent ? "subagent" : human ? "human" : "meta";
	e.text = text;
	e.text_len = n;
	ev_emit(k->c, &e);
}

static void tool_write(struct kimi *k, size_t i);

static void step_begin(struct kimi *k, int ci, const char *uuid, int64_t ts)
{
	struct kctx *x = &k->ctx[ci];
	x->step++;
	x->open = true;
	x->ended = false;
	x->ts = ts;
	/* uuid, or "<session>[:<agent>]:s<turn>.<step>", whole however long
	 * its parts: an id cut short would fold distinct steps into one */
	if (!uuid) {
		sb_reset(&k->id);
		sb_adds(&k->id, k->session);
		if (x->agent) {
			sb_addc(&k->id, ':');
			sb_adds(&k->id, x->agent);
		}
		sb_adds(&k->id, ":s");
		sb_addi(&k->id, x->turn);
		sb_addc(&k->id, '.');
		sb_addi(&k->id, x->step);
		uuid = k->id.p;
	}
	ev_set_str(&x->llm, uuid);
	x->llm_key = ev_seen_key("kimi", x->llm);
	hs_prefetch(&k->c->seen_call, x->llm_key);
	sb_reset(&x->text);
	sb_reset(&x->names);
	x->ntools = 0;
	x->has_tok = false;
	ev_set_str(&x->model, NULL);
}

/* The step is over: write its call, then its tools that have results. */
static void step_end(struct kimi *k, int ci)
{
	struct kctx *x = &k->ctx[ci];
	if (!x->open)
		return;
	x->open = x->ended = false;
	ensure_session(k, x->ts);
	if (!ev_seen_h(&k->c->seen_call, x->llm_key)) {
		struct event e;
		ev_of(k, x, &e, "llm");
		e.ts = x->ts;
		e.id = x->llm;
		e.parent = x->cur;
		e.prompt = x->prompt;
		e.model = x->model ? x->model : k->model;
		if (x->trigger != TS_NONE && x->ts != TS_NONE && x->ts >= x->trigger)
			e.duration_ms = x->ts - x->trigger;
		if (x->has_tok) {
			e.has_tokens = true;
			e.tokens = x->tok;
		}
		if (x->ntools > k->namecap) {
			k->namecap = x->ntools * 2;
			k->namev = xrealloc(k->namev, sizeof *k->namev * (size_t)k->namecap);
		}
		const char *s = x->names.p;
		for (int i = 0; i < x->ntools; i++, s += strlen(s) + 1)
			k->namev[i] = s;
		e.tools = x->ntools ? k->namev : NULL;
		e.ntools = x->ntools;
		if (x->text.len) {
			e.text = x->text.p;
			e.text_len = x->text.len;
		}
		ev_emit(k->c, &e);
	}
	for (size_t i = 0; i < k->nt;)
		if (k->t[i].done && k->t[i].ctx == ci && !strcmp(k->t[i].llm, x->llm))
			tool_write(k, i);
		else
			i++;
}

static void usage_of(struct jdoc *d, const struct jnode *u, bool camel, struct tokens *t)
{
	memset(t, 0, sizeof *t);
	t->input = ev_count(d, u, camel ? "inputOther" : "input_other");
	t->cache_read = ev_count(d, u, camel ? "inputCacheRead" : "input_cache_read");
	t->cache_write = ev_count(d, u, camel ? "inputCacheCreation" : "input_cache_creation");
	t->output = ev_count(d, u, "output");
}

static void ktool_free(struct ktool *p)
{
	free(p->id);
	free(p->name);
	free(p->llm);
	sb_free(&p->args);
}

static void tool_write(struct kimi *k, size_t i)
{
	struct ktool *p = &k->t[i];
	struct kctx *x = &k->ctx[p->ctx];
	if (!ev_seen_h(&k->c->seen_tool, p->key)) {
		struct event e;
		ev_of(k, x, &e, "tool");
		e.ts = p->ts;
		e.id = p->id;
		e.parent = p->llm;
		e.prompt = x->prompt;
		e.cwd = k->cwd;
		e.tool = p->name;
		e.exit = p->exit;
		e.status = !p->done ? "unknown" : p->error || (p->exit != EV_NONE && p->exit) ? "error" : "ok";
		if (p->done && p->ts != TS_NONE && p->end != TS_NONE && p->end >= p->ts)
			e.duration_ms = p->end - p->ts;
		e.class = effects_class(&e, p->args.p, p->args.len);
		ev_emit(k->c, &e);
		effects_tool(k->c, &e, p->args.p, p->args.len);
	}
	ktool_free(p);
	memmove(p, p + 1, sizeof *p * (k->nt - i - 1));
	k->nt--;
}

static void tool_call(struct kimi *k, int ci, const char *id, const char *name,
	const char *args, size_t n, int64_t ts)
{
	struct kctx *x = &k->ctx[ci];
	if (!x->open)
		step_begin(k, ci, NULL, ts);
	sb_adds(&x->names, name ? name : "unknown");
	sb_addc(&x->names, 0);
	x->ntools++;
	if (!id)
		return;
	if (k->nt == MAXPENDING) {
		lr_note(k->r, "pending", "over %d tool calls without a result; the oldest written as unknown",
			MAXPENDING);
		tool_write(k, 0);
	}
	if (k->nt == k->capt)
		k->t = xrealloc(k->t, sizeof *k->t * (k->capt = k->capt ? k->capt * 2 : 32));
	struct ktool *p = &k->t[k->nt++];
	memset(p, 0, sizeof *p);
	p->id = xstrdup(id);
	p->key = ev_seen_key("kimi", p->id);
	hs_prefetch(&k->c->seen_tool, p->key);
	p->name = xstrdup(name ? name : "unknown");
	p->llm = xstrdup(x->llm);
	p->ctx = ci;
	p->ts = ts;
	p->end = TS_NONE;
	p->exit = EV_NONE;
	sb_add(&p->args, args, n);
}

/* "Command failed with exit code: N." (Kimi Code), "exit code N" */
static int64_t exit_of(const char *s, size_t n)
{
	return ev_last_int_after(s, n, "exit code");
}

static void tool_result(struct kimi *k, int ci, const char *id, bool error,
	struct jdoc *d, const struct jnode *out, int64_t ts)
{
	for (size_t i = 0; id && i < k->nt; i++) {
		struct ktool *p = &k->t[i];
		if (strcmp(p->id, id))
			continue;
		p->done = true;
		p->error = error;
		p->end = ts;
		const char *raw;
		size_t n = out ? jraw(d, out, &raw) : 0;
		if (n && agent_tool_kind("kimi", p->name) == TK_SHELL)
			p->exit = exit_of(raw, n);
		/* a subagent's id, for its own wire read later */
		const char *s = js(d, out);
		const char *a = s && agent_tool_kind("kimi", p->name) == TK_DELEGATE ? strstr(s, "agent_id: ") : NULL;
		if (a) {
			a += 10;
			size_t l = strcspn(a, "\r\n ");
			char *agent = xstrndup(a, l), *key = link_key(k, agent);
			struct sbuf v = {0};
			sb_printf(&v, "%s\n%s", p->id, k->ctx[ci].prompt ? k->ctx[ci].prompt : "");
			ev_link_put(k->c, key, v.p);
			sb_free(&v);
			free(key);
			free(agent);
		}
		/* written once the step's call is */
		if (!k->ctx[p->ctx].open || strcmp(k->ctx[p->ctx].llm, p->llm))
			tool_write(k, i);
		return;
	}
}

/* --- Kimi CLI's wire -------------------------------------------------------- */

static void user_text(struct jdoc *d, const struct jnode *in, struct sbuf *b)
{
	sb_reset(b);
	if (in && in->type == J_STR) {
		jstr(in, b);
		return;
	}
	JFOR(d, in, pt)
		if (jeq(jget(d, pt, "type"), "text")) {
			if (b->len)
				sb_addc(b, '\n');
			jstr(jget(d, pt, "text"), b);
		}
}

static void wire_event(struct kimi *k, int ci, struct jdoc *d, const struct jnode *msg, int64_t ts, int depth)
{
	const struct jnode *type = jget(d, msg, "type"), *pl = jget(d, msg, "payload");
	struct kctx *x = &k->ctx[ci];
	static struct sbuf text;
	if (!type || type->type != J_STR)
		return;
	if (jeq(type, "TurnBegin") || jeq(type, "SteerInput")) {
		step_end(k, ci);
		user_text(d, jget(d, pl, "user_input"), &text);
		prompt(k, ci, text.p ? text.p : "", text.len, true, ts);
	} else if (jeq(type, "StepBegin")) {
		step_end(k, ci);
		step_begin(k, ci, NULL, ts);
	} else if (jeq(type, "TurnEnd") || jeq(type, "StepInterrupted")) {
		step_end(k, ci);
	} else if (jeq(type, "ContentPart") || jeq(type, "TextPart")) {
		if (x->open && jeq(jget(d, pl, "type"), "text")) {
			if (x->text.len)
				sb_addc(&x->text, '\n');
			jstr(jget(d, pl, "text"), &x->text);
		}
	} else if (jeq(type, "ToolCall")) {
		const struct jnode *fn = jget(d, pl, "function");
		const struct jnode *a = jget(d, fn, "arguments");
		const char *raw = "{}";
		size_t n = 2;
		if (a)
			n = jraw(d, a, &raw);
		tool_call(k, ci, js(d, jget(d, pl, "id")), js(d, jget(d, fn, "name")), raw, n, ts);
	} else if (jeq(type, "ToolResult")) {
		const struct jnode *rv = jget(d, pl, "return_value");
		tool_result(k, ci, js(d, jget(d, pl, "tool_call_id")), jtrue(jget(d, rv, "is_error")),
			d, jget(d, rv, "output"), ts);
	} else if (jeq(type, "StatusUpdate")) {
		const struct jnode *u = jget(d, pl, "token_usage");
		if (u && u->type == J_OBJ) {
			struct tokens t;
			usage_of(d, u, false, &t);
			if (!x->open)
				step_begin(k, ci, NULL, ts);
			if (t.input | t.cache_read | t.cache_write | t.output) {
				x->tok = t;
				x->has_tok = true;
			}
		}
	} else if (jeq(type, "SubagentEvent") && depth < 4) {
		const char *agent = js(d, jget(d, pl, "agent_id"));
		const char *spawn = js(d, jget(d, pl, "parent_tool_call_id"));
		if (!spawn)
			spawn = js(d, jget(d, pl, "task_tool_call_id"));
		int si = ctx_of(k, agent ? agent : spawn ? spawn : "subagent",
			js(d, jget(d, pl, "subagent_type")), spawn);
		wire_event(k, si, d, jget(d, pl, "event"), ts, depth + 1);
	}
}

/* --- Kimi Code's records ----------------------------------------------------- */

static void code_record(struct kimi *k, struct jdoc *d, const struct jnode *o, int64_t ts)
{
	const struct jnode *type = jget(d, o, "type");
	struct kctx *x = &k->ctx[0];
	static struct sbuf text;
	if (jeq(type, "config.update")) {
		const char *m = js(d, jget(d, o, "modelAlias"));
		if (m)
			ev_set_str(&k->model, m);
		const char *cwd = js(d, jget(d, o, "cwd"));
		if (cwd && !k->cwd)
			ev_set_str(&k->cwd, cwd);
		const char *prof = js(d, jget(d, o, "profileName"));
		if (prof && x->agent && !x->stype)
			ev_set_str(&x->stype, prof);
	} else if (jeq(type, "turn.prompt") || jeq(type, "turn.steer")) {
		step_end(k, 0);
		user_text(d, jget(d, o, "input"), &text);
		const struct jnode *kind = jgetv(d, o, "origin", "kind", NULL);
		prompt(k, 0, text.p ? text.p : "", text.len, !kind || jeq(kind, "user"), ts);
	} else if (jeq(type, "llm.request")) {
		const char *m = js(d, jget(d, o, "model"));
		if (x->open && m)
			ev_set_str(&x->model, m);
		if (m)
			ev_set_str(&k->req_model, m);
	} else if (jeq(type, "usage.record")) {
		struct tokens t;
		usage_of(d, jget(d, o, "usage"), true, &t);
		if (x->open && x->ended) {
			x->tok = t;
			x->has_tok = true;
			if (!x->model)
				ev_set_str(&x->model, js(d, jget(d, o, "model")));
			step_end(k, 0);
			return;
		}
		/* a call outside the loop's steps (a compaction) */
		step_end(k, 0);
		k->nusage++;
		sb_reset(&k->id);
		sb_printf(&k->id, "%s:%s%su%llu", k->session, x->agent ? x->agent : "",
			x->agent ? ":" : "", (unsigned long long)k->nusage);
		step_begin(k, 0, k->id.p, ts);
		x->tok = t;
		x->has_tok = true;
		ev_set_str(&x->model, k->req_model ? k->req_model : js(d, jget(d, o, "model")));
		step_end(k, 0);
	} else if (jeq(type, "context.append_loop_event")) {
		const struct jnode *ev = jget(d, o, "event"), *et = jget(d, ev, "type");
		if (jeq(et, "step.begin")) {
			step_end(k, 0);
			step_begin(k, 0, js(d, jget(d, ev, "uuid")), ts);
		} else if (jeq(et, "content.part")) {
			const struct jnode *part = jget(d, ev, "part");
			if (x->open && jeq(jget(d, part, "type"), "text")) {
				if (x->text.len)
					sb_addc(&x->text, '\n');
				jstr(jget(d, part, "text"), &x->text);
			}
		} else if (jeq(et, "tool.call")) {
			const struct jnode *a = jget(d, ev, "args");
			const char *raw = "{}";
			size_t n = 2;
			if (a)
				n = jraw(d, a, &raw);
			tool_call(k, 0, js(d, jget(d, ev, "toolCallId")), js(d, jget(d, ev, "name")), raw, n, ts);
		} else if (jeq(et, "tool.result")) {
			const struct jnode *res = jget(d, ev, "result");
			tool_result(k, 0, js(d, jget(d, ev, "toolCallId")), jtrue(jget(d, res, "isError")),
				d, jget(d, res, "output"), ts);
		} else if (jeq(et, "step.end")) {
			const struct jnode *u = jget(d, ev, "usage");
			if (u && u->type == J_OBJ && x->open) {
				usage_of(d, u, true, &x->tok);
				x->has_tok = true;
			}
			x->ended = true;        /* its usage.record may follow */
		}
	} else if (type && type->type == J_STR && !code_type(js(d, type)) && !jeq(type, "metadata")) {
		lr_note(k->r, "rectype", "unknown record type \"%s\"; ignored", js(d, type));
	}
}

/* --- a file ----------------------------------------------------------------- */

/* jnum(n, -1) for a wire's timestamp (seconds since 1970 with a
 * fraction, 1780000005.25), without strtod when that is exact: a JSON
 * number of digits and a point only, with at most 15 digits, is m / 10^f
 * for integers m < 2^53 and f <= 15, both held exactly by a double, and
 * IEEE division rounds their quotient correctly, as strtod rounds the
 * decimal (Clinger's fast path).  Anything else goes to jnum. */
static double wire_seconds(const struct jnode *n)
{
	static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
		1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	if (!n || n->type != J_NUM || n->len > 16)
		return jnum(n, -1);
	uint64_t m = 0;
	int digits = 0, frac = -1;
	for (uint32_t i = 0; i < n->len; i++) {
		char c = n->s[i];
		if (c >= '0' && c <= '9') {
			m = m * 10 + (uint64_t)(c - '0');
			digits++;
			frac += frac >= 0;
		} else if (c == '.' && frac < 0) {
			frac = 0;
		} else {
			return jnum(n, -1);     /* a sign, an exponent */
		}
	}
	if (digits > 15)
		return jnum(n, -1);
	return frac > 0 ? (double)m / p10[frac] : (double)m;
}

static void record(struct kimi *k, const struct jnode *o)
{
	struct jdoc *d = &k->d;
	const struct jnode *msg = jget(d, o, "message");
	k->any = true;
	if (jeq(jget(d, o, "type"), "metadata"))
		return;
	if (msg && msg->type == J_OBJ) {
		double t = wire_seconds(jget(d, o, "timestamp"));
		int64_t ts = t >= 0 ? (int64_t)(t * 1000 + 0.5) : TS_NONE;
		wire_event(k, 0, d, msg, ts, 0);
		return;
	}
	if (jget(d, o, "type")) {
		k->code = true;
		int64_t ms = jint(jget(d, o, "time"), -1);
		code_record(k, d, o, ms >= 0 ? ms : TS_NONE);
		return;
	}
	lr_note(k->r, "unknown", "unknown record; ignored");
}

/* A subagent's own wire read before its parent's: the parent's wire, read
 * here up to the call that ran the subagent, names that call and the
 * parent's prompt then (Kimi CLI: the first SubagentEvent of the agent;
 * Kimi Code: the Agent tool result that says "agent_id: <id>"). */
static void find_spawn(struct kimi *k, struct kctx *x)
{
	const char *base = agent_file_base(k->path), *d1;
	size_t l1 = agent_dir_up(k->path, 1, &d1);
	if (!l1)
		return;
	bool code = l1 == 6 && !memcmp(d1, "agents", 6);
	struct sbuf pp = {0};
	sb_add(&pp, k->path, (size_t)(d1 - k->path));
	sb_adds(&pp, code ? "agents/main/wire.jsonl" : "wire.jsonl");
	(void)base;
	struct lreader r;
	int fd = open(pp.p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sb_free(&pp);
		return;
	}
	lr_fdopen(&r, fd, pp.p);
	lr_map(&r);
	struct jdoc d = {0};
	struct sbuf key = {0};
	sb_printf(&key, code ? "agent_id: %s" : "\"agent_id\": \"%s\"", x->agent);
	char *line;
	size_t len;
	int turn = 0;
	while (lr_next(&r, &line, &len)) {
		bool tb = code ? memmem(line, len, "\"turn.prompt\"", 13) != NULL :
			memmem(line, len, "\"TurnBegin\"", 11) && !memmem(line, len, "SubagentEvent", 13);
		if (tb) {
			turn++;
			continue;
		}
		if (!memmem(line, len, key.p, key.len))
			continue;
		char *copy = xstrndup(line, len);
		if (!jparse(&d, copy, len)) {
			const struct jnode *o = jroot(&d);
			const char *spawn = code ? js(&d, jgetv(&d, o, "event", "toolCallId", NULL)) :
				js(&d, jgetv(&d, o, "message", "payload", "parent_tool_call_id", NULL));
			const char *st = code ? NULL : js(&d, jgetv(&d, o, "message", "payload", "subagent_type", NULL));
			if (spawn) {
				ev_set_str(&x->spawn, spawn);
				if (st && !x->stype)
					ev_set_str(&x->stype, st);
				if (turn) {
					sb_reset(&k->id);
					sb_printf(&k->id, "%s:p%d", k->session, turn);
					ev_set_str(&x->prompt, k->id.p);
				}
				free(copy);
				break;
			}
		}
		free(copy);
	}
	jdoc_free(&d);
	sb_free(&key);
	r.nwarn = 0;
	lr_close(&r);
	sb_free(&pp);
}

static char *wire_cwd(const char *path);

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct kimi k = {.c = c, .r = r, .path = path, .nctx = 1};
	k.ctx[0].trigger = TS_NONE;
	char *sess, *agent;
	if (wire_place(path, &sess, &agent)) {
		k.session = sess;
		k.own = agent;
	} else {
		const char *b = agent_file_base(path);
		k.session = xstrndup(b, agent_file_stem(b, NULL));
	}
	k.cwd = wire_cwd(path);
	if (k.own) {
		/* a subagent's own wire: the parent's call that ran it */
		struct kctx *x = &k.ctx[0];
		x->agent = xstrdup(k.own);
		char *key = link_key(&k, k.own);
		const char *v = ev_link_get(c, key);
		if (v) {
			const char *nl = strchr(v, '\n');
			x->spawn = xstrndup(v, (size_t)(nl - v));
			if (nl[1])
				x->prompt = xstrdup(nl + 1);
		} else {
			find_spawn(&k, x);
		}
		free(key);
	}
	char *line;
	size_t len;
	while (lr_next_nonblank(r, &line, &len)) {
		const struct jnode *o = ev_parse_line(r, &k.d, line, len);
		if (o)
			record(&k, o);
	}
	for (int i = 0; i < k.nctx; i++)
		step_end(&k, i);
	while (k.nt)
		tool_write(&k, 0);
	if (k.any)
		ensure_session(&k, TS_NONE);
	else if (!r->nwarn)
		lr_warn(r, "empty", "no Kimi records");
	for (int i = 0; i < k.nctx; i++) {
		struct kctx *x = &k.ctx[i];
		free(x->agent);
		free(x->stype);
		free(x->spawn);
		free(x->prompt);
		free(x->cur);
		free(x->llm);
		free(x->model);
		sb_free(&x->text);
		sb_free(&x->names);
	}
	free(k.t);
	free(k.session);
	free(k.own);
	free(k.cwd);
	free(k.model);
	free(k.req_model);
	free(k.namev);
	sb_free(&k.id);
	jdoc_free(&k.d);
	jdoc_free(&k.sub);
}

/* subagents/<id>/wire.jsonl and agents/<id>/wire.jsonl (not main) */
static int subagent(const char *path, char **parent)
{
	char *s, *a;
	if (!wire_place(path, &s, &a) || !a) {
		free(s);
		return 0;
	}
	free(a);
	*parent = s;
	return 1;
}

/* --- its history (agent-sessions) ---------------------------------------- */

static bool wire_name(const char *name, int depth)
{
	(void)depth;
	return !strcmp(name, "wire.jsonl");
}

/* ${KIMI_SHARE_DIR:-~/.kimi}/sessions/<md5>/<session>/wire.jsonl with its
 * subagents/<id>/wire.jsonl, and Kimi Code's ~/.kimi-code/sessions/<wd>/
 * session_<id>/agents/<id>/wire.jsonl.  The session's directory is noted
 * with each (cwd_of reads what lies beside it). */
static void find(struct history *h, const char *home)
{
	const char *env = getenv("KIMI_SHARE_DIR");
	char *bases[2] = {env && *env ? xstrdup(env) : path_join(home, ".kimi"),
		path_join(home, ".kimi-code")};
	for (int b = 0; b < 2; b++) {
		char *top = path_join(bases[b], "sessions");
		size_t n;
		char **wd = history_list(h, top, &n);
		for (size_t i = 0; i < n; i++) {
			char *dir = path_join(top, wd[i] + 1);
			history_walk(h, dir, 3, wire_name, bases[b], false);
			free(dir);
			free(wd[i]);
		}
		free(wd);
		free(top);
		free(bases[b]);
	}
}

/* --- MD5 (RFC 1321): Kimi CLI names a work dir by the MD5 of its path --- */

static uint32_t rol(uint32_t x, int n) { return x << n | x >> (32 - n); }

static void md5_hex(const char *s, size_t n, char hex[33])
{
	static const int sh[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
		5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
		4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
		6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
	static const uint32_t K[64] = {
		0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
		0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
		0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
		0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
		0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
		0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
		0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
		0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
	};
	uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
	size_t total = ((n + 8) / 64 + 1) * 64;
	unsigned char *m = xcalloc(total, 1);
	memcpy(m, s, n);
	m[n] = 0x80;
	uint64_t bits = (uint64_t)n * 8;
	for (int i = 0; i < 8; i++)
		m[total - 8 + i] = (unsigned char)(bits >> (8 * i));
	for (size_t off = 0; off < total; off += 64) {
		uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3];
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)m[off + 4 * i] | (uint32_t)m[off + 4 * i + 1] << 8 |
				(uint32_t)m[off + 4 * i + 2] << 16 | (uint32_t)m[off + 4 * i + 3] << 24;
		for (int i = 0; i < 64; i++) {
			uint32_t f;
			int g;
			if (i < 16) { f = (b & c) | (~b & d); g = i; }
			else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
			else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
			else { f = c ^ (b | ~d); g = (7 * i) % 16; }
			uint32_t t = d;
			d = c;
			c = b;
			b = b + rol(a + f + K[i] + w[g], sh[i]);
			a = t;
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
	}
	free(m);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", (h[i / 4] >> (8 * (i % 4))) & 0xff);
}

static char *file_text(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *b = xmalloc(max + 1);
	size_t n = fread(b, 1, max, f);
	fclose(f);
	b[n] = 0;
	return b;
}

/* Kimi CLI: <share>/sessions/<md5>/<session>/...: the work dir listed in
 * <share>/kimi.json whose MD5 names the directory (<kaos>_<md5> for a
 * work dir that is not local).  NULL when none does. */
static char *kimi_cli_cwd(const char *path)
{
	const char *s = NULL, *wd;
	for (const char *q = path; (q = strstr(q, "/sessions/")); q++)
		s = q;
	if (s)
		wd = s + 10;
	else if (!strncmp(path, "sessions/", 9))
		wd = path + 9;  /* relative to the share directory */
	else
		return NULL;
	size_t lw = strcspn(wd, "/");
	const char *us = memchr(wd, '_', lw);
	if (us) {
		lw -= (size_t)(us + 1 - wd);
		wd = us + 1;
	}
	if (lw != 32)
		return NULL;
	char *share = s ? xstrndup(path, (size_t)(s - path)) : xstrdup(".");
	char *f = path_join(share, "kimi.json"), *t = file_text(f, 4 << 20), *cwd = NULL;
	struct jdoc d = {0};
	if (t && !jparse(&d, t, strlen(t))) {
		char hex[33];
		JFOR(&d, jget(&d, jroot(&d), "work_dirs"), w) {
			size_t pl;
			const char *pp = jsn(&d, jget(&d, w, "path"), &pl);
			if (!pp)
				continue;
			md5_hex(pp, pl, hex);
			if (!memcmp(wd, hex, 32)) {
				cwd = xstrndup(pp, pl);
				break;
			}
		}
	}
	jdoc_free(&d);
	free(t);
	free(f);
	free(share);
	return cwd;
}

/* A record's time: Kimi CLI's timestamp (seconds), Kimi Code's time (ms). */
static int64_t rec_time(struct jdoc *d, const struct jnode *r)
{
	double t = jnum(jget(d, r, "timestamp"), -1);
	int64_t ms = t >= 0 ? (int64_t)(t * 1000 + 0.5) : jint(jget(d, r, "time"), -1);
	return ms >= 0 ? ms : TS_NONE;
}

/* The times are numbers, which the common tail scan does not read: the
 * last record's, from the file's last AGENT_SNIFF_SIZE bytes. */
static int64_t last_time(struct session_probe *p)
{
	size_t w = p->size < AGENT_SNIFF_SIZE ? (size_t)p->size : AGENT_SNIFF_SIZE;
	char *b = xmalloc(w + 1);
	int64_t t = TS_NONE;
	ssize_t n = pread(p->fd, b, w, (off_t)(p->size - w));
	if (n > 0) {
		b[n] = 0;
		struct jdoc d = {0};
		size_t end = (size_t)n;
		while (end > 0 && t == TS_NONE) {
			size_t e = end;
			while (e > 0 && b[e - 1] == '\n')
				e--;
			size_t a = e;
			while (a > 0 && b[a - 1] != '\n')
				a--;
			if (a == 0 && w < p->size)
				break;          /* cut by the window */
			if (e > a && !jparse(&d, b + a, e - a))
				t = rec_time(&d, jroot(&d));
			end = a;
		}
		jdoc_free(&d);
	}
	free(b);
	return t;
}

/* The work dir of the session a wire belongs to, from the files beside
 * it: Kimi Code's session_<id>/state.json (workDir), Kimi CLI's kimi.json.
 * malloc'd, or NULL. */
static char *wire_cwd(const char *path)
{
	const char *d1;
	size_t l1 = agent_dir_up(path, 1, &d1);
	if (!l1)
		return NULL;
	if (!(l1 == 6 && !memcmp(d1, "agents", 6)))
		return kimi_cli_cwd(path);
	char *dir = xstrndup(path, (size_t)(d1 - path));
	char *f = path_join(dir, "state.json"), *txt = file_text(f, 1 << 20), *cwd = NULL;
	struct jdoc d = {0};
	const char *w;
	if (txt && !jparse(&d, txt, strlen(txt)) && (w = js(&d, jget(&d, jroot(&d), "workDir"))) && *w)
		cwd = xstrdup(w);
	jdoc_free(&d);
	free(txt);
	free(f);
	free(dir);
	return cwd;
}

/* What a session's path tells: its id, a subagent's parent, and its
 * work dir from the files beside it. */
static void probe_name(struct session_probe *p, const char *path)
{
	struct session_meta *m = p->m;
	char *sess, *agent;
	int64_t t = last_time(p);
	if (t != TS_NONE && (m->last == TS_NONE || t > m->last))
		m->last = t;
	if (!wire_place(path, &sess, &agent))
		return;
	if (agent) {
		free(m->id);
		m->id = agent;
		m->parent = sess;
	} else {
		free(m->id);
		m->id = sess;
	}
	if (!m->cwd)
		m->cwd = wire_cwd(path);
}

static bool probe_record(struct session_probe *p, struct jdoc *d, const struct jnode *r)
{
	struct session_meta *m = p->m;
	probe_str(p, &m->cwd, jget(d, r, "cwd"));
	probe_str(p, &m->version, jget(d, r, "protocol_version"));
	int64_t ms = rec_time(d, r);
	if (ms != TS_NONE) {
		char buf[25];
		ts_format(ms, buf);
		probe_ts_text(p, buf, strlen(buf));
		return true;
	}
	return false;
}

static const struct agent_probe probe = {
	.record = probe_record,
	.name = probe_name,
};

/* --- the agent ------------------------------------------------------------ */

/* the keys agent-events orders files by: a Kimi CLI wire's timestamps
 * (seconds, with a fraction) */
static const char *const time_keys[] = {"timestamp", NULL};

/* Its tool names and their kinds (toolkind.h): Kimi CLI's (ReadFile,
 * Shell, ...) and Kimi Code's (Read, Bash, ...). */
static const struct tool_map kimi_tools[] = {
	TOOL("ReadFile", TK_READ), TOOL("Read", TK_READ), TOOL("ReadMediaFile", TK_READ),
	TOOL("WriteFile", TK_WRITE), TOOL("Write", TK_WRITE), TOOL("StrReplaceFile", TK_WRITE),
	TOOL("Edit", TK_WRITE),
	TOOL("Glob", TK_SEARCH), TOOL("Grep", TK_SEARCH),
	TOOL("Shell", TK_SHELL), TOOL("Bash", TK_SHELL), TOOL("TaskOutput", TK_SHELL),
	TOOL("TaskStop", TK_SHELL),
	TOOL("FetchURL", TK_WEB), {"SearchWeb", TK_WEB, TA_QUERY, NULL}, {"WebSearch", TK_WEB, TA_QUERY, NULL},
	TOOL("Task", TK_DELEGATE), TOOL("Agent", TK_DELEGATE), TOOL("AgentSwarm", TK_DELEGATE),
	TOOL("CreateSubagent", TK_DELEGATE),
	TOOL("SetTodoList", TK_PLAN), TOOL("TodoList", TK_PLAN), TOOL("TaskList", TK_PLAN),
	TOOL("AskUserQuestion", TK_PLAN), TOOL("EnterPlanMode", TK_PLAN), TOOL("ExitPlanMode", TK_PLAN),
	TOOL("Think", TK_PLAN),
	/* Skill, Cron*, *Goal: other */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_kimi = {
	.name = "kimi",
	.title = "Kimi CLI",
	.tools = kimi_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.time_keys = time_keys,
	.subagent = subagent,
};
