/* SPDX-License-Identifier: MIT */
/* gemini.c: the Gemini CLI adapter of agent-events.
 *
 * Gemini CLI keeps a session in ~/.gemini/tmp/<project hash>/chats/ in
 * one of two shapes:
 *
 *   session-*.json   one JSON document, rewritten whole on every change:
 *                    {sessionId, projectHash, startTime, lastUpdated,
 *                    messages: [...]} (pretty-printed);
 *   session-*.jsonl  an append-only log: a header line {sessionId,
 *                    projectHash, startTime, lastUpdated, kind}, then one
 *                    line per message, {"$set": {...}} lines that update
 *                    header fields (or replace the whole message list),
 *                    and {"$rewindTo": id} lines.
 *
 * The log appends a message again, whole, each time the client updates
 * it (its tokens arrive, its tool calls complete), and updates only ever
 * touch the latest message.  So the last line of a message id is the one
 * that counts, and holding back one message until a different id shows up
 * is enough: memory follows the longest line, not the file.  A message
 * id seen earlier (in this file or in the session-*.json the log was
 * migrated from) is not counted twice.
 *
 * A rewind only hides messages from the client's view; the model calls
 * behind them were made and paid for, so they stay. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "events.h"
#include "jpick.h"
#include "sessions.h"

#define DOC_MAX ((size_t)1 << 30)   /* largest whole-document session */
#define DAY_MS (86400LL * 1000)

struct gem {
	struct ev_ctx *c;
	struct lreader *r;
	const char *path;
	char *session;          /* the session id written in records */
	char *subagent;         /* a subagent's own id, or NULL */
	int64_t start;          /* header startTime */
	bool is_sub;            /* header kind "subagent" */
	bool started;           /* the session record is out */
	bool any;               /* header or message seen */
	bool failed;            /* the document was reported unreadable */
	char *prompt;           /* the current prompt's id */
	int64_t last_end;       /* when the previous message's work ended */
	unsigned nprompt, nllm;
	struct sbuf text;
	char hash[65];          /* header projectHash: sha256 of the project root */
	char *cwd;              /* the root, when a path in the session proves it */
	/* a subagent: its type, the parent's tool call that ran it and the
	 * parent's prompt behind that call, when the parent was read */
	char *stype, *spawn, *root;
};

/* The parent session read last: its prompts and tool calls with their
 * times, so that its subagents' logs, read right after it (agent-events
 * reads a session group together), find the call that ran them.  One
 * session at a time: memory follows that session, not the run. */
static void set_str(char **dst, const char *s);

struct pcall { const char *id, *name, *prompt; int64_t start, end; };
static struct {
	char *session;
	struct pcall *v;
	size_t n, cap;
	struct arena a;         /* the calls' strings */
} par;

static void par_reset(const char *session)
{
	par.n = 0;
	free(par.session);
	par.session = session ? xstrdup(session) : NULL;
	arena_reset(&par.a);
	if (!session) {
		free(par.v);
		par.v = NULL;
		par.cap = 0;
		arena_free(&par.a);
	}
}

static const char *par_str(const char *s)
{
	return arena_strdup(&par.a, s, strlen(s));
}

/* name NULL: a prompt (id, start); else a tool call */
static void par_add(const char *id, const char *name, const char *prompt, int64_t start, int64_t end)
{
	if (par.n == par.cap) {
		par.cap = par.cap ? par.cap * 2 : 64;
		par.v = xrealloc(par.v, par.cap * sizeof *par.v);
	}
	struct pcall *c = &par.v[par.n++];
	c->id = par_str(id);
	c->name = name ? par_str(name) : NULL;
	c->prompt = prompt ? par_str(prompt) : NULL;
	c->start = start;
	c->end = end;
}

/* A subagent log starting at ts: the parent's tool call running at that
 * moment (the latest to start) spawned it; else the parent's prompt in
 * force then is all that is known. */
static void sub_resolve(struct gem *g, int64_t ts)
{
	if (!par.session || strcmp(par.session, g->session) || ts == TS_NONE)
		return;
	const struct pcall *tool = NULL, *pr = NULL;
	for (size_t i = 0; i < par.n; i++) {
		const struct pcall *c = &par.v[i];
		if (c->start == TS_NONE || c->start > ts)
			continue;
		if (!c->name)
			pr = c;
		else if (c->end != TS_NONE && c->end >= ts && (!tool || c->start >= tool->start))
			tool = c;
	}
	if (tool) {
		set_str(&g->spawn, tool->id);
		set_str(&g->stype, tool->name);
		set_str(&g->root, tool->prompt);
	} else if (pr) {
		set_str(&g->root, pr->id);
	}
}

/* --- sniffing ------------------------------------------------------------- */

static bool has(const char *p, size_t n, const char *lit)
{
	return memmem(p, n, lit, strlen(lit)) != NULL;
}

/* Is this parsed line one of Gemini's log records?  2: a session header,
 * 1: a message or update, 0: not Gemini's.  Claude Code's records carry
 * "uuid" and types user/assistant, Codex's "payload": neither has a
 * header with projectHash or startTime, nor a "gemini" message. */
static int gemini_line(struct jdoc *d)
{
	const struct jnode *o = jroot(d);
	if (!o || o->type != J_OBJ || jget(d, o, "uuid") || jget(d, o, "payload"))
		return 0;
	const struct jnode *sid = jget(d, o, "sessionId");
	if (sid && sid->type == J_STR && !jget(d, o, "type")) {
		if (jget(d, o, "projectHash") || jget(d, o, "startTime"))
			return 2;
		const struct jnode *m = jget(d, o, "messages");
		if (m && m->type == J_ARR)
			return 2;
	}
	if (jeq(jget(d, o, "type"), "gemini") && jget(d, o, "id"))
		return 1;
	return 0;
}

static int score(const struct agent_head *h)
{
	const char *head = h->p;
	size_t n = h->n;
	size_t i = 0;
	while (i < n && isspace((unsigned char)head[i]))
		i++;
	if (i == n && h->part)
		return agent_head_short(h), 0;
	if (i == n || head[i] != '{')
		return 0;
	const char *nl = memchr(head + i, '\n', n - i);
	size_t first = nl ? (size_t)(nl - head) - i : n - i;
	/* session-*.json: JSON.stringify(record, null, 2) opens with a lone
	 * brace, then the top-level keys. */
	if (first == 1 || (first == 2 && head[i + 1] == '\r')) {
		if (h->part)
			return agent_head_short(h), 0;  /* keys anywhere in the head */
		if (has(head, n, "\"sessionId\"") &&
		    (has(head, n, "\"messages\"") || has(head, n, "\"projectHash\"")))
			return 90;
		return 0;
	}
	/* JSONL: the first complete lines decide. */
	struct jdoc d = {0};
	int score = 0;
	const char *p = head + i, *e = head + n;
	for (int k = 0; k < 8 && !score; k++) {
		nl = p < e ? memchr(p, '\n', (size_t)(e - p)) : NULL;
		if (!nl && h->part) {
			agent_head_short(h);    /* the line goes on, or more follow */
			break;
		}
		if (p >= e)
			break;
		if (!nl && h->full)
			break;   /* cut mid-line */
		if (!nl)
			nl = e;  /* the whole file, without a final newline */
		/* head[] may be a view into the reader: parse a copy */
		char *line = xstrndup(p, (size_t)(nl - p));
		if (jparse(&d, line, (size_t)(nl - p)) == 0) {
			int g = gemini_line(&d);
			score = g == 2 ? 95 : g == 1 ? 80 : 0;
		}
		free(line);
		p = nl + 1;
	}
	jdoc_free(&d);
	return score;
}

/* The records agent-sessions has always known as Gemini's by their
 * top-level keys alone. */
static bool gemini_keys(const struct agent_head *h, int i)
{
	if (agent_rec_get(h, i, "$set") || agent_rec_is(h, i, "type", "gemini"))
		return true;
	return (agent_rec_get(h, i, "sessionId") || agent_rec_get(h, i, "messages")) &&
		(agent_rec_get(h, i, "startTime") || agent_rec_get(h, i, "lastUpdated") ||
		agent_rec_get(h, i, "projectHash"));
}

/* 90 for a session-*.json document, 95 for a log's header line, 80 for a
 * log's message line; else 71 when a record of the head has Gemini's
 * keys (a Codex record claims the file with 72, Claude's with 70). */
static int sniff(const struct agent_head *h)
{
	if (h->best >= 95)
		return 0;       /* more than any score of ours */
	int s = score(h);
	for (int i = 0; s < 71 && h->best < 71 && agent_head_rec(h, i); i++)
		if (gemini_keys(h, i))
			s = 71;
	return s;
}

/* --- records -------------------------------------------------------------- */

static int64_t ts_of(struct jdoc *d, const struct jnode *n)
{
	size_t l;
	const char *s = jsn(d, n, &l);
	return s ? ts_parse(s, l) : TS_NONE;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

/* "<session>:<kind><n>" for a record the client gave no id of its own
 * (kind p for prompts, l for model calls). */
static const char *made_id(const struct gem *g, struct jdoc *d, char kind, unsigned n)
{
	size_t l = strlen(g->session) + 16;
	char *s = jalloc(d, l);
	snprintf(s, l, "%s:%c%u", g->session, kind, n);
	return s;
}

/* A record of this session: kind, agent, session and subagent keys set. */
static void ev_of(const struct gem *g, struct event *e, const char *kind)
{
	ev_init(e);
	e->kind = kind;
	e->agent = "gemini";
	e->session = g->session;
	e->subagent = g->subagent;
	e->subagent_type = g->subagent ? (g->stype ? g->stype : "task") : NULL;
}

/* The session record goes out lazily (before the first record that passes
 * the filters), so it can wait for the first timestamp when the header
 * has no startTime. */
static void ensure_session(struct gem *g, int64_t ts)
{
	if (g->started)
		return;
	g->started = true;
	if (!g->session) {
		/* messages with no header before them: name the session
		 * after the file, as the client would list it */
		const char *b = agent_file_base(g->path);
		g->session = xstrndup(b, agent_file_stem(b, NULL));
		lr_note(g->r, "noheader", "no session header; session id taken from the file name");
	}
	struct event e;
	ev_of(g, &e, "session");
	e.ts = g->start != TS_NONE ? g->start : ts;
	if (g->subagent) {
		sub_resolve(g, e.ts);
		e.subagent_type = g->stype ? g->stype : "task";
		e.parent = g->spawn;
	} else {
		par_reset(g->session);
	}
	e.file = g->path;
	e.cwd = g->cwd;
	ev_session(g->c, &e);
}

/* A header line, a "$set", or the top of a whole document.  A subagent's
 * log lies in chats/<parent session id>/<own id>.jsonl and names only its
 * own id: the records carry the parent's, as for Claude's subagents. */
static void header(struct gem *g, struct jdoc *d, const struct jnode *o)
{
	g->any = true;
	const struct jnode *v;
	if ((v = jget(d, o, "startTime")) && g->start == TS_NONE)
		g->start = ts_of(d, v);
	if ((v = jget(d, o, "kind")) && v->type == J_STR)
		g->is_sub = jeq(v, "subagent");
	const char *ph = js(d, jget(d, o, "projectHash"));
	if (ph && strlen(ph) == 64 && !g->hash[0])
		memcpy(g->hash, ph, 65);
	const char *sid = js(d, jget(d, o, "sessionId"));
	if (!sid)
		return;
	if (g->started) {
		const char *own = g->subagent ? g->subagent : g->session;
		if (strcmp(own, sid))
			lr_note(g->r, "sidchange", "session id changes to %s mid-file; kept %s", sid, own);
		return;
	}
	const char *dir = NULL;
	size_t dl = 0;
	if (g->is_sub) {
		const char *b = agent_file_base(g->path);
		if (b > g->path + 1) {
			const char *s = b - 1;   /* the slash before the base name */
			const char *q = s;
			while (q > g->path && q[-1] != '/')
				q--;
			dir = q;
			dl = (size_t)(s - q);
			if (!dl || (dl == 5 && !memcmp(q, "chats", 5)) || (dl == 1 && *q == '.'))
				dir = NULL;
		}
	}
	if (dir) {
		free(g->session);
		g->session = xstrndup(dir, dl);
		set_str(&g->subagent, sid);
	} else {
		set_str(&g->session, sid);
		set_str(&g->subagent, NULL);
	}
}

/* The text of a message's content: a string, a Part, or a list of Parts
 * (thought parts left out, text parts joined as the client joins them).
 * *fnresp: the content carries function responses (a tool-result turn). */
static bool content_text(struct jdoc *d, const struct jnode *c, struct sbuf *b, bool *fnresp)
{
	bool any = false;
	if (!c)
		return false;
	if (c->type == J_STR)
		return jstr(c, b);
	if (c->type == J_OBJ) {
		static const struct jkey keys[] = {JKEY("text"), JKEY("functionResponse"), JKEY("thought")};
		const struct jnode *v[3];
		jpick(d, c, keys, 3, v);
		if (v[1])
			*fnresp = true;
		if (v[0] && v[0]->type == J_STR && !jtrue(v[2]))
			any = jstr(v[0], b);
		return any;
	}
	if (c->type == J_ARR)
		JFOR(d, c, part)
			if (content_text(d, part, b, fnresp))
				any = true;
	return any;
}

/* A message's members the records read, found in one walk (jpick). */
enum { M_ID, M_TS, M_TYPE, M_CONTENT, M_DISPLAY, M_CALLS, M_MODEL, M_TOKENS, M_N };
static const struct jkey msg_keys[M_N] = {
	[M_ID] = JKEY("id"), [M_TS] = JKEY("timestamp"), [M_TYPE] = JKEY("type"),
	[M_CONTENT] = JKEY("content"), [M_DISPLAY] = JKEY("displayContent"),
	[M_CALLS] = JKEY("toolCalls"), [M_MODEL] = JKEY("model"), [M_TOKENS] = JKEY("tokens"),
};

/* "/stats", "/memory show": a slash command, not a question for the
 * model.  "/home/me/x is broken" is a path, so the word must end at a
 * space or the end. */
static bool is_command(const char *t)
{
	if (t[0] != '/' || !isalpha((unsigned char)t[1]))
		return false;
	const char *p = t + 1;
	while (isalnum((unsigned char)*p) || *p == '-' || *p == '_')
		p++;
	return !*p || isspace((unsigned char)*p);
}

static void do_user(struct gem *g, struct jdoc *d, const struct jnode *const *mv)
{
	const char *id = js(d, mv[M_ID]);
	int64_t ts = ts_of(d, mv[M_TS]);
	bool fnresp = false;
	/* displayContent is what the person typed; content may have
	 * @file expansions inlined */
	const struct jnode *c = mv[M_DISPLAY];
	if (!c || c->type == J_NULL)
		c = mv[M_CONTENT];
	sb_reset(&g->text);
	bool any = content_text(d, c, &g->text, &fnresp);
	if (!any && fnresp)
		return;   /* tool results in a history snapshot: no prompt */
	g->nprompt++;
	ensure_session(g, ts);  /* it names the session that pid needs */
	const char *pid = id ? id : made_id(g, d, 'p', g->nprompt);
	if (ts != TS_NONE)
		g->last_end = ts;
	bool dup = id && ev_seen(&g->c->seen_prompt, g->session, id);
	set_str(&g->prompt, pid);
	if (dup)
		return;
	struct event e;
	ev_of(g, &e, "prompt");
	e.ts = ts;
	e.id = pid;
	if (g->subagent) {
		/* the parent's prompt, never the subagent's own task, unless
		 * the parent is not at hand: then the task is the oldest cause
		 * the log proves */
		if (!g->root && g->nprompt == 1)
			set_str(&g->root, pid);
		e.prompt = g->root;
		if (g->nprompt == 1)
			e.parent = g->spawn;
	} else {
		e.prompt = pid;
		par_add(pid, NULL, NULL, ts, TS_NONE);
	}
	e.origin = g->is_sub ? "subagent" : is_command(g->text.p ? g->text.p : "") ? "command" : "human";
	e.text = g->text.p ? g->text.p : "";
	e.text_len = g->text.len;
	ev_emit(g->c, &e);
}

/* Gemini CLI names tool calls "<tool>-<ms since the epoch>-<random>": the
 * millisecond is when the call was scheduled, the start of its run. */
static int64_t id_time(const char *id)
{
	for (const char *p = id; (p = strchr(p, '-')); p++) {
		int k = 0;
		while (isdigit((unsigned char)p[1 + k]))
			k++;
		if (k == 13 && (p[14] == '-' || !p[14]))
			return strtoll(p + 1, NULL, 10);
	}
	return TS_NONE;
}

/* run_shell_command reports "Exit Code: N" as the last lines of its
 * response; the output before it may say anything, so the last one
 * counts.  Read in the raw JSON text, where the newline is "\n". */
static int64_t shell_exit(struct jdoc *d, const struct jnode *result)
{
	if (!result || (result->type != J_ARR && result->type != J_OBJ))
		return EV_NONE;
	const char *raw;
	size_t n = jraw(d, result, &raw);
	return ev_last_int_after(raw, n, "\\nExit Code: ");
}

/* Status: "success" is ok; "error" and "cancelled" (the person declined,
 * or interrupted the run) are error, as Claude Code records a declined
 * call; anything else (scheduled, executing, awaiting_approval: the
 * session ended first) is unknown.  A shell command that exited non-zero
 * is an error too, whatever the client thought of the call. */
static const char *status_of(const struct jnode *s, int64_t exit)
{
	if (jeq(s, "success"))
		return exit != EV_NONE && exit != 0 ? "error" : "ok";
	if (jeq(s, "error") || jeq(s, "cancelled") || jeq(s, "canceled"))
		return "error";
	return "unknown";
}

/* A tool call's members the records read (jpick). */
enum { T_ID, T_TS, T_NAME, T_RESULT, T_STATUS, T_ARGS, T_N };
static const struct jkey tool_keys[T_N] = {
	[T_ID] = JKEY("id"), [T_TS] = JKEY("timestamp"), [T_NAME] = JKEY("name"),
	[T_RESULT] = JKEY("result"), [T_STATUS] = JKEY("status"), [T_ARGS] = JKEY("args"),
};

/* A tool call: its members, its id, and the id's key in seen_tool (its
 * slot fetched ahead: the sets of ids are seldom in the cache) */
struct call {
	const struct jnode *v[T_N];
	const char *id;
	uint64_t key;
};

/* One tool call, tc; returns when it ended (its timestamp), or TS_NONE. */
static int64_t do_tool(struct gem *g, struct jdoc *d, const struct jnode *tc,
	const struct call *c, const char *llm, int64_t msg_ts, int n)
{
	if (tc->type != J_OBJ)
		return TS_NONE;
	const struct jnode *const *tv = c->v;
	const char *id = c->id;
	int64_t end = ts_of(d, tv[T_TS]);
	const char *tid = id;
	if (!tid) {
		size_t l = strlen(llm) + 16;
		char *s = jalloc(d, l);
		snprintf(s, l, "%s:t%d", llm, n);
		tid = s;
	}
	if (id && ev_seen_h(&g->c->seen_tool, c->key))
		return end;
	const char *name = js(d, tv[T_NAME]);
	struct event e;
	ev_of(g, &e, "tool");
	e.id = tid;
	e.parent = llm;
	e.prompt = g->subagent ? g->root : g->prompt;
	e.tool = name ? name : "unknown";
	e.cwd = g->cwd;
	if (agent_tool_kind("gemini", name) == TK_SHELL)
		e.exit = shell_exit(d, tv[T_RESULT]);
	e.status = status_of(tv[T_STATUS], e.exit);
	/* start: the time in the call id when it is plausible, else the
	 * message's (the client records the message as it runs the calls) */
	int64_t start = id ? id_time(id) : TS_NONE;
	if (start != TS_NONE && ((end != TS_NONE && start > end) ||
	    (msg_ts != TS_NONE && (start < msg_ts - DAY_MS || start > msg_ts + DAY_MS))))
		start = TS_NONE;
	if (start == TS_NONE)
		start = msg_ts;
	e.ts = start != TS_NONE ? start : end;
	if (start != TS_NONE && end != TS_NONE && end >= start)
		e.duration_ms = end - start;
	if (!g->subagent)
		par_add(tid, e.tool, g->prompt, e.ts, end);
	const struct jnode *args = tv[T_ARGS];
	const char *raw = "{}";
	size_t rl = 2;
	if (args && args->type == J_OBJ)
		rl = jraw(d, args, &raw);
	e.class = effects_class(&e, raw, rl);
	ev_emit(g->c, &e);
	effects_tool(g->c, &e, raw, rl);
	return end;
}

/* Token units.  Gemini records the API's usageMetadata: input =
 * promptTokenCount, which INCLUDES cachedContentTokenCount (cached);
 * output = candidatesTokenCount, which EXCLUDES thoughtsTokenCount
 * (thoughts); tool = toolUsePromptTokenCount, input the API added from
 * tool use; total = input + output + thoughts + tool (true of every
 * message in the corpus).  Thoughts are billed as output, so:
 *   input = input - cached + tool, cache_read = cached, cache_write = 0,
 *   output = output + thoughts, reasoning = thoughts,
 * which keeps input + cache_read + output equal to Gemini's total. */
/* A count as recorded: never negative, and capped at 2^53 (no real count
 * comes near) so that the sums below cannot overflow (jpick_count). */
static void tokens_of(struct gem *g, struct jdoc *d, const struct jnode *t, struct tokens *k)
{
	static const struct jkey keys[] = {JKEY("input"), JKEY("cached"), JKEY("output"),
		JKEY("thoughts"), JKEY("tool")};
	const struct jnode *v[5];
	jpick(d, t, keys, 5, v);
	int64_t in = jpick_count(v[0]), cached = jpick_count(v[1]);
	int64_t output = jpick_count(v[2]), th = jpick_count(v[3]);
	int64_t tool = jpick_count(v[4]);
	if (cached > in) {
		lr_note(g->r, "cached", "cached tokens (%lld) exceed input (%lld)",
			(long long)cached, (long long)in);
		cached = in;
	}
	memset(k, 0, sizeof *k);
	k->input = in - cached + tool;
	k->cache_read = cached;
	k->output = output + th;
	k->reasoning = th;
}

static void do_gemini(struct gem *g, struct jdoc *d, const struct jnode *const *mv)
{
	const char *id = js(d, mv[M_ID]);
	int64_t ts = ts_of(d, mv[M_TS]);
	g->nllm++;
	ensure_session(g, ts);  /* it names the session that lid needs */
	const char *lid = id ? id : made_id(g, d, 'l', g->nllm);
	uint64_t key = 0;
	if (id) {
		key = ev_seen_key(g->session, id);
		hs_prefetch(&g->c->seen_call, key);
	}
	const struct jnode *calls = mv[M_CALLS];
	if (calls && calls->type != J_ARR)
		calls = NULL;
	/* each call's members (none for one that is not an object) */
	struct call *cv = NULL;
	if (calls && calls->len) {
		cv = jalloc(d, sizeof *cv * calls->len);
		struct call *c = cv;
		JFOR(d, calls, tc) {
			jpick(d, tc, tool_keys, T_N, c->v);
			if ((c->id = js(d, c->v[T_ID]))) {
				c->key = ev_seen_key(g->session, c->id);
				hs_prefetch(&g->c->seen_tool, c->key);
			}
			c++;
		}
	}
	if (!id || !ev_seen_h(&g->c->seen_call, key)) {
		struct event e;
		ev_of(g, &e, "llm");
		e.ts = ts;
		e.id = lid;
		e.parent = g->prompt;
		e.prompt = g->subagent ? g->root : g->prompt;
		e.model = js(d, mv[M_MODEL]);
		if (ts != TS_NONE && g->last_end != TS_NONE && ts >= g->last_end)
			e.duration_ms = ts - g->last_end;
		const struct jnode *t = mv[M_TOKENS];
		if (t && t->type == J_OBJ) {
			e.has_tokens = true;
			tokens_of(g, d, t, &e.tokens);
		}
		if (calls) {
			e.tools = jalloc(d, sizeof *e.tools * (calls->len + 1));
			JFOR(d, calls, tc) {
				const char *nm = js(d, cv[e.ntools].v[T_NAME]);
				e.tools[e.ntools++] = nm ? nm : "unknown";
			}
		}
		bool fnresp = false;
		sb_reset(&g->text);
		if (content_text(d, mv[M_CONTENT], &g->text, &fnresp) && g->text.len) {
			e.text = g->text.p;
			e.text_len = g->text.len;
		}
		ev_emit(g->c, &e);
	}
	/* the next call's input is ready when this one's tools are done */
	int64_t end = ts;
	int n = 0;
	if (calls)
		JFOR(d, calls, tc) {
			int64_t t = do_tool(g, d, tc, &cv[n], lid, ts, n + 1);
			n++;
			if (t != TS_NONE && (end == TS_NONE || t > end))
				end = t;
		}
	if (end != TS_NONE)
		g->last_end = end;
}

static void do_message(struct gem *g, struct jdoc *d, const struct jnode *m)
{
	g->any = true;
	if (m->type != J_OBJ) {
		lr_warn(g->r, "msgobj", "message is not a JSON object");
		return;
	}
	const struct jnode *mv[M_N];
	jpick(d, m, msg_keys, M_N, mv);
	const struct jnode *t = mv[M_TYPE];
	if (jeq(t, "user"))
		do_user(g, d, mv);
	else if (jeq(t, "gemini"))
		do_gemini(g, d, mv);
	else if (jeq(t, "info") || jeq(t, "error") || jeq(t, "warning"))
		;   /* the client's own notices: no work */
	else if (t && t->type == J_STR)
		lr_note(g->r, "msgtype", "unknown message type \"%s\"; ignored", js(d, t));
	else
		lr_note(g->r, "msgtype", "message without a type; ignored");
}

static void do_messages(struct gem *g, struct jdoc *d, const struct jnode *msgs)
{
	JFOR(d, msgs, m)
		do_message(g, d, m);
}

/* --- session-*.json ------------------------------------------------------- */

static uint64_t line_at(const char *p, size_t pos)
{
	uint64_t line = 1;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + pos - q))); q++)
		line++;
	return line;
}

/* Gemini records no working directory, only projectHash, the SHA-256 of
 * the project root's absolute path.  An absolute path in a tool call's
 * arguments whose ancestor hashes to it names the root exactly. */
static bool root_of_path(struct gem *g, const char *path)
{
	char hex[65];
	size_t n = strlen(path);
	for (int depth = 0; n > 1 && depth < 64; depth++) {
		sha256_hex(path, n, hex);
		if (!memcmp(hex, g->hash, 64)) {
			g->cwd = xstrndup(path, n);
			return true;
		}
		while (n > 1 && path[n - 1] != '/')
			n--;
		if (n > 1)
			n--;   /* drop the slash: "/a/b/" -> "/a/b" */
	}
	return false;
}

/* Looks at one message's tool calls for the root; true when the search is
 * over (the root found, or more than 64 paths tried in all). */
static bool root_in(struct gem *g, struct jdoc *d, const struct jnode *m, int *tried)
{
	JFOR(d, jget(d, m, "toolCalls"), tc) {
		const struct jnode *args = jget(d, tc, "args");
		if (!args || args->type != J_OBJ)
			continue;
		JFOR(d, args, k) {
			const char *v = js(d, jval(k));
			if (v && v[0] == '/' && (root_of_path(g, v) || ++*tried > 64))
				return true;
		}
	}
	return false;
}

/* The document parsed whole: its one diagnostic when it is not JSON, or
 * not a session; else its records. */
static void doc_whole(struct gem *g, const char *p, size_t n)
{
	struct jdoc d = {0};
	if (jparse(&d, p, n) < 0) {
		diag_at(g->r->name, line_at(p, d.errpos < n ? d.errpos : n), "not JSON: %s", d.err);
		diag_errors++;
		g->failed = true;
		jdoc_free(&d);
		return;
	}
	if (d.badutf8)
		lr_warn(g->r, "utf8", "%u strings with invalid UTF-8, replaced by U+FFFD", d.badutf8);
	const struct jnode *o = jroot(&d), *msgs = o ? jget(&d, o, "messages") : NULL;
	if (!o || o->type != J_OBJ || !msgs || msgs->type != J_ARR) {
		diag_at(g->r->name, 0, "a JSON document but not a Gemini CLI session (unknown format)");
		diag_errors++;
		g->failed = true;
		jdoc_free(&d);
		return;
	}
	header(g, &d, o);
	if (g->hash[0]) {
		int tried = 0;
		JFOR(&d, msgs, m)
			if (root_in(g, &d, m, &tried))
				break;
	}
	const struct jnode *first = jfirst(&d, msgs);
	ensure_session(g, first && first->type == J_OBJ ? ts_of(&d, jget(&d, first, "timestamp")) : TS_NONE);
	do_messages(g, &d, msgs);
	jdoc_free(&d);
}

/* --- session-*.json a message at a time -----------------------------------
 * Parsed whole, a document of megabytes became a node array as large as
 * its text, and its pages' faults cost as much as the parse.  So the
 * document is read a piece at a time, as jparse_value takes each: the
 * top-level keys and values but "messages" (copied into a small object,
 * in their order, for header()), then each message alone, twice: first
 * all of them, only to know the document is JSON (and count its strings
 * with invalid UTF-8, which are reported before any record) and to find
 * the first message's time, so each but the first only checked
 * (jcheck_value, the parse without its nodes); then, after the header
 * and the search for the project's root, one by one for their records.
 * So a document that
 * is not JSON still gives its one diagnostic and no records.  Any
 * document this reading does not take as a session of one "messages"
 * array goes to the whole parse, which says what is wrong as before. */

struct doc {
	const char *msgs, *end;   /* the first message's text; the ']' after the last */
	struct sbuf head;         /* {the other top-level members} */
	unsigned badutf8;
	int64_t ts;               /* the first message's timestamp */
	struct lreader *mr;       /* the text's mapping, or NULL */
	const char *done;         /* pages before it are given back */
	size_t nmsg;              /* messages the first pass checked */
};

static inline const char *blanks(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* key node k is key (compared as jget compares) */
static bool key_is(const struct jnode *k, const char *key)
{
	size_t l = strlen(key);
	if (k->flags & JF_ESC)
		return jeq_esc(k, key, l);
	return k->len == l && !memcmp(k->s, key, l);
}

/* The value at p, inside depth containers, parsed into d (only checked
 * when check is set: d gets no nodes): just after it and its blanks, or
 * NULL. */
static const char *piece(struct doc *doc, struct jdoc *d, const char *p, const char *e, int depth,
	bool check)
{
	size_t used;
	if (p >= e || (check ? jcheck_value : jparse_value)(d, p, (size_t)(e - p), depth, &used) < 0)
		return NULL;
	doc->badutf8 += d->badutf8;
	return p + used;
}

/* The messages array at p ('['): each message parses; just after the ']'. */
static const char *doc_msgs(struct doc *doc, struct jdoc *d, const char *p, const char *e)
{
	p = blanks(p + 1, e);
	doc->msgs = p;
	if (p < e && *p == ']') {
		doc->end = p;
		return p + 1;
	}
	doc->done = p;
	for (bool first = true;; first = false) {
		/* the first message's time is all this pass reads */
		if (!(p = piece(doc, d, p, e, 2, !first)))
			return NULL;
		doc->nmsg++;
		if (first) {
			const struct jnode *m = jroot(d);
			doc->ts = m->type == J_OBJ ? ts_of(d, jget(d, m, "timestamp")) : TS_NONE;
		}
		if (doc->mr && p - doc->done >= 1 << 20) {
			/* memory follows a message, not the document */
			lr_unmap_before(doc->mr, doc->done);
			doc->done = p;
		}
		if (p < e && *p == ']') {
			doc->end = p;
			return p + 1;
		}
		if (p >= e || *p != ',')
			return NULL;
		p = blanks(p + 1, e);
	}
}

/* Is s[0..n) a JSON object with one "messages" member, an array, every
 * piece JSON?  Then *doc says where the messages are. */
static bool doc_cut(struct doc *doc, struct jdoc *d, const char *s, size_t n)
{
	const char *e = s + n, *p = blanks(s, e);
	if (n >= UINT32_MAX || p >= e || *p != '{')
		return false;
	p = blanks(p + 1, e);
	sb_addc(&doc->head, '{');
	for (;;) {
		const char *k = p;
		if (p >= e || *p != '"' || !(p = piece(doc, d, p, e, 1, false)))
			return false;
		bool msgs = key_is(jroot(d), "messages");
		size_t kl = jroot(d)->raw;
		if (p >= e || *p != ':')
			return false;
		p = blanks(p + 1, e);
		if (msgs) {
			if (doc->end || p >= e || *p != '[' || !(p = doc_msgs(doc, d, p, e)))
				return false;
			p = blanks(p, e);
		} else {
			const char *v = p;
			if (!(p = piece(doc, d, p, e, 1, false)))
				return false;
			if (doc->head.len > 1)
				sb_addc(&doc->head, ',');
			sb_add(&doc->head, k, kl);
			sb_addc(&doc->head, ':');
			sb_add(&doc->head, v, jroot(d)->raw);
		}
		if (p < e && *p == ',') {
			p = blanks(p + 1, e);
			continue;
		}
		if (p >= e || *p != '}')
			return false;
		sb_addc(&doc->head, '}');
		return doc->end && blanks(p + 1, e) == e;
	}
}

/* Back to the first message, for another pass over them. */
static void doc_rewind(struct doc *doc, const char **p)
{
	*p = doc->done = doc->msgs;
	if (doc->mr)
		lr_unmap_rewind(doc->mr);   /* read again, given back again */
}

/* The next message at *p into d (its JSON checked before), or NULL
 * after the last. */
static const struct jnode *next_msg(struct doc *doc, struct jdoc *d, const char **p)
{
	size_t used;
	const char *q = *p;
	if (q >= doc->end || jparse_value(d, q, (size_t)(doc->end - q), 2, &used) < 0)
		return NULL;
	q += used;
	*p = q < doc->end ? blanks(q + 1, doc->end) : q;   /* past the ',' */
	if (doc->mr && q - doc->done >= 1 << 20) {
		lr_unmap_before(doc->mr, doc->done);   /* before this message */
		doc->done = q;
	}
	return jroot(d);
}

/* AGENTPPROF_TEST_DOCCUT=N: the second pass over a document's messages
 * finds N of them, as when the file is rewritten shorter between the
 * passes (looked up once; SIZE_MAX: not set). */
static size_t test_cut(void)
{
	static const char *once;
	const char *t = env_once("AGENTPPROF_TEST_DOCCUT", &once);
	return t ? (size_t)strtoull(t, NULL, 10) : SIZE_MAX;
}

/* The document read a message at a time; false (nothing written) when it
 * must be parsed whole. */
static bool doc_pieces(struct gem *g, struct lreader *mr, const char *s, size_t n)
{
	struct doc doc = {.ts = TS_NONE, .mr = mr};
	struct jdoc d = {0}, h = {0};
	const struct jnode *o, *m;
	bool ok = doc_cut(&doc, &d, s, n) &&
		jparse(&h, doc.head.p, doc.head.len) == 0 && (o = jroot(&h))->type == J_OBJ;
	if (ok) {
		if (doc.badutf8)
			lr_warn(g->r, "utf8", "%u strings with invalid UTF-8, replaced by U+FFFD", doc.badutf8);
		header(g, &h, o);
		const char *p;
		if (g->hash[0]) {
			int tried = 0;
			doc_rewind(&doc, &p);
			while ((m = next_msg(&doc, &d, &p)) && !root_in(g, &d, m, &tried))
				;
		}
		ensure_session(g, doc.ts);
		size_t k = 0;
		size_t cut = test_cut();
		for (doc_rewind(&doc, &p); k < cut && (m = next_msg(&doc, &d, &p)); k++)
			do_message(g, &d, m);
		/* the pages given back are read again from the file: one
		 * rewritten in place since the first pass may end early */
		if (k < doc.nmsg)
			lr_warn(g->r, "changed", "the file changed while it was being read: "
				"%zu of its %zu messages read", k, doc.nmsg);
	}
	sb_free(&doc.head);
	jdoc_free(&d);
	jdoc_free(&h);
	return ok;
}

/* AGENTPPROF_TEST_WHOLEDOC set: every document parsed whole, for the
 * tests that compare the two readings (looked up once). */
static bool whole_only(void)
{
	static const char *once;
	return env_once("AGENTPPROF_TEST_WHOLEDOC", &once) != NULL;
}

static void run_doc(struct gem *g)
{
	const char *p;
	size_t n;
	struct lreader m;
	if (lr_doc(g->r, &m, DOC_MAX, &p, &n) < 0)
		return;
	if (whole_only() || !doc_pieces(g, m.map ? &m : NULL, p, n))
		doc_whole(g, p, n);
	if (m.map)
		lr_close(&m);
}

/* --- session-*.jsonl ------------------------------------------------------ */

struct slot {
	struct sbuf line;
	struct jdoc d;
	const char *id;
};

static void flush(struct gem *g, struct slot *s, int *held)
{
	if (*held < 0)
		return;
	do_message(g, &s[*held].d, jroot(&s[*held].d));
	*held = -1;
}

static void run_lines(struct gem *g)
{
	struct slot s[2] = {0};
	int held = -1, cur = 0;
	char *line;
	size_t len;
	while (lr_next_nonblank(g->r, &line, &len)) {
		struct slot *sl = &s[cur];
		struct jdoc *d = &sl->d;
		sb_reset(&sl->line);
		sb_add(&sl->line, line, len);
		const struct jnode *o = ev_parse_line(g->r, d, sl->line.p, len), *v;
		if (!o)
			continue;
		if (jget(d, o, "$rewindTo")) {
			flush(g, s, &held);
			continue;
		}
		if ((v = jget(d, o, "$set"))) {
			if (v->type != J_OBJ) {
				lr_warn(g->r, "set", "\"$set\" is not an object");
				continue;
			}
			header(g, d, v);
			const struct jnode *msgs = jget(d, v, "messages");
			if (msgs && msgs->type == J_ARR) {
				/* the client rewrote its history: only what
				 * is new in it counts */
				flush(g, s, &held);
				do_messages(g, d, msgs);
			}
			continue;
		}
		const char *id = js(d, jget(d, o, "id"));
		if (id && jget(d, o, "type")) {
			sl->id = id;
			if (held >= 0 && strcmp(s[held].id, id))
				flush(g, s, &held);
			/* this line is the latest version: hold it */
			int free_slot = held >= 0 ? held : 1 - cur;
			held = cur;
			cur = free_slot;
			continue;
		}
		if (jget(d, o, "type")) {   /* a message without an id */
			flush(g, s, &held);
			do_message(g, d, o);
			continue;
		}
		if (jget(d, o, "sessionId")) {
			header(g, d, o);
			const struct jnode *msgs = jget(d, o, "messages");
			if (msgs && msgs->type == J_ARR) {
				/* a whole session-*.json on one line */
				flush(g, s, &held);
				const struct jnode *f = jfirst(d, msgs);
				ensure_session(g, f && f->type == J_OBJ ? ts_of(d, jget(d, f, "timestamp")) : TS_NONE);
				do_messages(g, d, msgs);
			}
			continue;
		}
		lr_note(g->r, "unknown", "unknown record; ignored");
	}
	flush(g, s, &held);
	for (int k = 0; k < 2; k++) {
		sb_free(&s[k].line);
		jdoc_free(&s[k].d);
	}
}

/* A pretty-printed document opens with a line that is not JSON by itself
 * ("{"); a log's first line is a whole record. */
static bool is_document(struct lreader *r)
{
	const char *h;
	size_t n = lr_peek(r, AGENT_SNIFF_SIZE, &h);
	const char *nl = memchr(h, '\n', n);
	if (!nl)
		return false;   /* one line, or a first line over 64 KiB */
	size_t l = (size_t)(nl - h);
	char *line = xstrndup(h, l);
	struct jdoc d = {0};
	bool doc = jparse(&d, line, l) < 0;
	jdoc_free(&d);
	free(line);
	return doc;
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct gem g = {.c = c, .r = r, .path = path, .start = TS_NONE, .last_end = TS_NONE};
	if (is_document(r))
		run_doc(&g);
	else
		run_lines(&g);
	if (g.any)
		ensure_session(&g, TS_NONE);
	else if (!r->nwarn && !g.failed)
		lr_warn(r, "empty", "no Gemini CLI session header or messages");
	free(g.session);
	free(g.subagent);
	free(g.prompt);
	free(g.cwd);
	free(g.stype);
	free(g.spawn);
	free(g.root);
	sb_free(&g.text);
}

/* --- its files ------------------------------------------------------------ */

/* chats/<session id>/<subagent id>.json{,l}: a subagent's log names its
 * parent by its directory. */
static int subagent(const char *path, char **parent)
{
	const char *d, *c;
	size_t l = agent_dir_up(path, 1, &c) == 5 && !memcmp(c, "chats", 5) ?
		agent_dir_up(path, 0, &d) : 0;
	if (l)
		*parent = xstrndup(d, l);
	return l > 0;
}

/* --- its history (agent-sessions) ---------------------------------------- */

static bool json_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && !strcmp(name + n - 5, ".json")) || (n > 6 && !strcmp(name + n - 6, ".jsonl"));
}

/* session-*.json{,l} in chats/, any *.json{,l} in its subdirectories */
static bool session_name(const char *name, int depth)
{
	return (depth > 0 || !strncmp(name, "session-", 8)) && json_name(name);
}

/* ~/.gemini/tmp/<project>/chats/session-*.json{,l}, and the subagents'
 * logs in ~/.gemini/tmp/<project>/chats/<session id>/<id>.json{,l}; the
 * project's directory is noted with each (cwd_of reads it). */
static void find(struct history *h, const char *home)
{
	char *tmp = path_join(home, ".gemini/tmp");
	size_t n;
	char **v = history_list(h, tmp, &n);
	for (size_t i = 0; i < n; i++) {
		char *proj = path_join(tmp, v[i] + 1);
		char *chats = path_join(proj, "chats");
		history_walk(h, chats, 1, session_name, proj, false);
		free(chats);
		free(proj);
		free(v[i]);
	}
	free(v);
	free(tmp);
}

/* Gemini records no cwd.  Newer versions leave the project's path in
 * tmp/<project>/.project_root; otherwise the directory (or the records'
 * projectHash) is the SHA-256 of the path, which can only be checked
 * against --project-root itself. */
static char *cwd_of(const char *proj, const struct session_meta *m,
	const char *root, const char *root_abs)
{
	static char *lastdir, *lastroot, *hashed;
	static char hash[2][65];
	if (!proj)
		return NULL;
	if (!lastdir || strcmp(lastdir, proj)) {
		free(lastdir);
		free(lastroot);
		lastdir = xstrdup(proj);
		lastroot = NULL;
		char *f = path_join(proj, ".project_root");
		FILE *fp = fopen(f, "r");
		char line[PATH_MAX + 2];
		if (fp && fgets(line, sizeof line, fp)) {
			line[strcspn(line, "\r\n")] = 0;
			if (*line == '/')
				lastroot = xstrdup(line);
		}
		if (fp)
			fclose(fp);
		free(f);
	}
	if (lastroot)
		return xstrdup(lastroot);
	if (!root)
		return NULL;
	if (!hashed || strcmp(hashed, root)) {
		/* a project is named by the hash of its path, without a
		 * trailing slash */
		free(hashed);
		hashed = xstrdup(root);
		sha256_hex(root, strlen(root), hash[0]);
		sha256_hex(root_abs, strlen(root_abs), hash[1]);
	}
	const char *h = m->project_hash ? m->project_hash : agent_file_base(proj);
	if (!strcmp(h, hash[0]))
		return xstrdup(root);
	if (!strcmp(h, hash[1]))
		return xstrdup(root_abs);
	return NULL;
}

static bool probe_record(struct session_probe *p, struct jdoc *d, const struct jnode *r)
{
	struct session_meta *m = p->m;
	probe_str(p, &m->id, jget(d, r, "sessionId"));
	probe_str(p, &m->project_hash, jget(d, r, "projectHash"));
	probe_ts(p, jget(d, r, "startTime"));
	probe_ts(p, jget(d, r, "lastUpdated"));
	probe_ts(p, jgetv(d, r, "$set", "lastUpdated", NULL));
	return m->id;
}

/* session-*.json: its keys usually come first; what is not there is
 * looked for at its end */
static void probe_document(struct session_probe *p)
{
	static const char *const keys[] = {"sessionId", "startTime", "lastUpdated", NULL};
	for (int pass = 0; pass < 2; pass++) {
		probe_doc_str(p, &p->m->id, "sessionId");
		probe_doc_str(p, &p->m->project_hash, "projectHash");
		probe_doc_ts(p, "startTime");
		probe_doc_ts(p, "lastUpdated");
		probe_doc_ts(p, "timestamp");
		if (pass || probe_doc_has(p, keys) || !probe_doc_tail(p, keys))
			break;
	}
}

static const struct jnode *tail_time(struct jdoc *d, const struct jnode *r)
{
	const struct jnode *n = jgetv(d, r, "$set", "lastUpdated", NULL);
	return n ? n : jget(d, r, "lastUpdated");
}

/* a subagent's log in chats/<parent session id>/ */
static void probe_name(struct session_probe *p, const char *path)
{
	struct session_meta *m = p->m;
	char *d = NULL;
	if (subagent(path, &d) && (!m->id || strcmp(d, m->id)) && strcmp(d, "."))
		m->parent = d;
	else
		free(d);
}

static const struct agent_probe probe = {
	.record = probe_record,
	.document = probe_document,
	.doc_tail = false,
	.tail_time = tail_time,
	.name = probe_name,
};

/* the keys agent-events orders files by, before reading them */
static const char *const group_keys[] = {"sessionId", NULL};
static const char *const time_keys[] = {"timestamp", "startTime", NULL};

/* --- the agent ------------------------------------------------------------ */

/* Its tool names and their kinds (toolkind.h): Gemini CLI 0.1 to 0.3x.
 * MCP tools are named as the server names them, SERVER__TOOL when two
 * servers share a name (the rule in toolkind.c); the others are other. */
static const struct tool_map gemini_tools[] = {
	TOOL("read_file", TK_READ), {"read_many_files", TK_READ, TA_PATHS, NULL},
	TOOL("write_file", TK_WRITE), TOOL("replace", TK_WRITE), TOOL("edit", TK_WRITE),
	TOOL("glob", TK_SEARCH), TOOL("search_file_content", TK_SEARCH), TOOL("grep_search", TK_SEARCH),
	TOOL("grep", TK_SEARCH),
	TOOL("list_directory", TK_LIST),
	TOOL("run_shell_command", TK_SHELL),
	TOOL("web_fetch", TK_WEB), {"google_web_search", TK_WEB, TA_QUERY, "google.com"},
	TOOL("codebase_investigator", TK_DELEGATE), TOOL("delegate_to_agent", TK_DELEGATE),
	TOOL("write_todos", TK_PLAN), TOOL("ask_user", TK_PLAN), TOOL("enter_plan_mode", TK_PLAN),
	TOOL("exit_plan_mode", TK_PLAN),
	/* save_memory (the agent's own notes), activate_skill,
	 * get_internal_docs, complete_task: other */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_gemini = {
	.name = "gemini",
	.title = "Gemini CLI",
	.tools = gemini_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.group_keys = group_keys,
	.time_keys = time_keys,
	.cwd_of = cwd_of,
	.subagent = subagent,
	/* not parallel: a subagent's log finds the parent's calls in the parent
	 * session read last (par above), which only reading in order gives */
};
