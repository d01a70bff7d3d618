/* SPDX-License-Identifier: MIT */
/* opencode.c: OpenCode (sst/opencode, now anomalyco/opencode), and the
 * older Go opencode (opencode-ai/opencode) that shares its name.
 *
 * OpenCode keeps its history in its data directory
 * (${OPENCODE_DATA_DIR:-${XDG_DATA_HOME:-~/.local/share}/opencode}), in
 * one of these shapes, all read here:
 *
 *   opencode.db           SQLite since 1.2 (opencode-<channel>.db for the
 *                         beta channels): tables session (one row a
 *                         session: id, parent_id, directory, version,
 *                         time_created), message (id, session_id, data)
 *                         and part (id, message_id, session_id, data); data
 *                         is the JSON object the legacy files held, without
 *                         its ids;
 *   storage/              before 1.2: session/<project>/<ses>.json,
 *                         message/<ses>/<msg>.json, part/<msg>/<prt>.json
 *                         (files the migration may leave beside the
 *                         database: message ids are counted once);
 *   opencode export       one JSON document {info: <session>, messages:
 *                         [{info: <message>, parts: [<part>...]}]} (what
 *                         Entire CLI stores of a session).
 *
 * A user message is a prompt.  An assistant message is a model call, or
 * one call per step when its parts hold step-finish parts (older
 * versions ran several steps in one message): the step-finish carries
 * that step's tokens, the message the same tokens summed, so one or the
 * other is counted, never both.  Tokens: input excludes cache read and
 * write; output excludes reasoning, which agent-event(5) counts in output.
 *
 * A subtask (the task tool) runs in a session of its own whose parentID
 * is the caller's; the caller's task part names it in
 * state.metadata.sessionId.  Its records carry the caller's session as
 * session and its own id as subagent, as Claude Code's subagents do.
 *
 * The Go opencode writes .opencode/opencode.db in the project: tables
 * sessions (prompt_tokens, completion_tokens, cost), messages (role,
 * parts JSON, model) and files.  Its session row's token columns hold the
 * LAST call's counts (the Go client assigns them, it adds only the cost),
 * so they are no total: its model calls carry "usage":"none". */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "agent.h"
#include "events.h"
#include "sessions.h"
#include "sqlitedb.h"

#define DOC_MAX ((size_t)1 << 30)   /* largest export document */
#define FILE_MAX ((size_t)64 << 20) /* largest legacy storage file */

/* A part of the message being read, with its type and the members the
 * calls read looked up once, in one walk over its members (the calls of
 * a message go over its parts again and again): each what jget gives. */
enum { PT_OTHER, PT_TEXT, PT_TOOL, PT_STEP_START, PT_STEP_FINISH, PT_REASONING };
enum { PK_TYPE, PK_CALLID, PK_ID, PK_TOOL, PK_STATE, PK_TIME, PK_TOKENS, PK_TEXT, PK_SYNTHETIC, PK_N };
/* A message's info members that its prompt or calls read, likewise. */
enum { IK_ID, IK_ROLE, IK_TIME, IK_MODELID, IK_MODEL, IK_TOKENS, IK_N };
struct opart {
	const struct jnode *p;
	int type;
	const struct jnode *k[PK_N];
};

struct oc {
	struct ev_ctx *c;
	struct lreader *r;
	const char *path;
	struct sdb *db;         /* reading a database */
	bool go;                /* the Go opencode's */
	sqlite3_stmt *ms, *ps;  /* its messages', parts' statements */
	char *project;          /* the Go opencode's project directory */
	char *own;              /* the session's own id */
	char *session;          /* written: own id, or the top caller's */
	char *subagent;         /* a subtask's own id */
	char *stype, *spawn, *root;   /* a subtask: its type, the caller's task
	                         * call and the caller's prompt */
	char *cwd, *version;
	int64_t created;
	char *prompt;           /* the current prompt's id */
	unsigned nprompt;
	bool started;
	struct sbuf text, key;
	struct opart *pv;       /* the message's parts (set_parts) */
	int npv, cappv;
};

static void set_str(char **dst, const char *s)
{
	char *v = s ? xstrdup(s) : NULL;
	free(*dst);
	*dst = v;
}

static void oc_reset(struct oc *o)
{
	free(o->own);
	free(o->session);
	free(o->subagent);
	free(o->stype);
	free(o->spawn);
	free(o->root);
	free(o->cwd);
	free(o->version);
	free(o->prompt);
	o->own = o->session = o->subagent = o->stype = o->spawn = o->root = NULL;
	o->cwd = o->version = o->prompt = NULL;
	o->created = TS_NONE;
	o->nprompt = 0;
	o->started = false;
}

static void oc_free(struct oc *o)
{
	oc_reset(o);
	sb_free(&o->text);
	sb_free(&o->key);
	free(o->pv);
}

/* --- links between sessions, across files ---------------------------------
 * "ocroot:<id>": the top caller's session of session id;
 * "octask:<id>": the caller's task call that ran subtask session id, as
 * "<tool id>\t<prompt id>\t<subagent type>". */
static const char *link_get(struct oc *o, const char *kind, const char *id)
{
	sb_reset(&o->key);
	sb_adds(&o->key, kind);
	sb_adds(&o->key, id);
	return ev_link_get(o->c, o->key.p);
}

static void link_put(struct oc *o, const char *kind, const char *id, const char *v)
{
	sb_reset(&o->key);
	sb_adds(&o->key, kind);
	sb_adds(&o->key, id);
	ev_link_put(o->c, o->key.p, v);
}

/* The task call behind subtask own, from the caller's parts in the
 * database, when the caller was not read before it. */
static void db_task_link(struct oc *o, const char *parent)
{
	sqlite3_stmt *st = sdb_prepare(o->db,
		"SELECT p.id, p.data, m.data FROM part p JOIN message m ON m.id = p.message_id "
		"WHERE p.session_id = ?1 AND instr(p.data, ?2) > 0 ORDER BY p.id");
	if (!st)
		return;
	sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->own, -1, SQLITE_STATIC);
	struct jdoc d = {0}, dm = {0};
	while (sdb_row(o->db, st)) {
		size_t n, mn;
		const char *t = sdb_text(st, 1, &n), *mt = sdb_text(st, 2, &mn);
		if (!t || jparse(&d, t, n) < 0)
			continue;
		const struct jnode *p = jroot(&d);
		if (!jeq(jget(&d, p, "tool"), "task") ||
		    !jeq(jgetv(&d, p, "state", "metadata", "sessionId", NULL), o->own))
			continue;
		const char *call = js(&d, jget(&d, p, "callID"));
		const char *prompt = NULL;
		if (mt && jparse(&dm, mt, mn) == 0)
			prompt = js(&dm, jget(&dm, jroot(&dm), "parentID"));
		set_str(&o->spawn, call ? call : sdb_text(st, 0, NULL));
		set_str(&o->root, prompt);
		const char *ty = js(&d, jgetv(&d, p, "state", "input", "subagent_type", NULL));
		if (ty)
			set_str(&o->stype, ty);
		break;
	}
	sqlite3_finalize(st);
	jdoc_free(&d);
	jdoc_free(&dm);
}

/* The top caller of session parent: known from a session read before,
 * else (a database) up its parent_id chain. */
static char *root_of(struct oc *o, const char *parent)
{
	const char *r = link_get(o, "ocroot:", parent);
	if (r)
		return xstrdup(r);
	char *cur = xstrdup(parent);
	if (!o->db)
		return cur;
	sqlite3_stmt *st = sdb_prepare(o->db, o->go ?
		"SELECT parent_session_id FROM sessions WHERE id = ?1" :
		"SELECT parent_id FROM session WHERE id = ?1");
	for (int depth = 0; st && depth < 32; depth++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, cur, -1, SQLITE_TRANSIENT);
		const char *up = sdb_row(o->db, st) ? sdb_text(st, 0, NULL) : NULL;
		if (!up || !*up)
			break;
		set_str(&cur, up);
	}
	sqlite3_finalize(st);
	return cur;
}

/* A session begins: its own id and its caller's (NULL for none). */
static void oc_begin(struct oc *o, const char *own, const char *parent)
{
	set_str(&o->own, own);
	if (parent && *parent && strcmp(parent, own)) {
		o->session = root_of(o, parent);
		set_str(&o->subagent, own);
		const char *t = link_get(o, "octask:", own);
		if (t) {
			const char *a = strchr(t, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
			if (b) {
				free(o->spawn);
				o->spawn = xstrndup(t, (size_t)(a - t));
				free(o->root);
				o->root = a + 1 < b ? xstrndup(a + 1, (size_t)(b - a - 1)) : NULL;
				if (b[1])
					set_str(&o->stype, b + 1);
			}
		} else if (o->db && !o->go) {
			db_task_link(o, parent);
		}
	} else {
		set_str(&o->session, own);
	}
	link_put(o, "ocroot:", own, o->session);
}

static void ev_of(const struct oc *o, struct event *e, const char *kind)
{
	ev_init(e);
	e->kind = kind;
	e->agent = "opencode";
	e->session = o->session;
	e->subagent = o->subagent;
	e->subagent_type = o->subagent ? (o->stype ? o->stype : "task") : NULL;
}

static void ensure_session(struct oc *o, int64_t ts)
{
	if (o->started || !o->session)
		return;
	o->started = true;
	struct event e;
	ev_of(o, &e, "session");
	e.ts = o->created != TS_NONE ? o->created : ts;
	e.parent = o->subagent ? o->spawn : NULL;
	e.cwd = o->cwd;
	e.version = o->version;
	e.file = o->path;
	ev_session(o->c, &e);
}

/* --- messages and parts --------------------------------------------------- */

static int64_t ms_of(const struct jnode *n)
{
	if (!n || n->type != J_NUM)
		return TS_NONE;
	int64_t v = jint(n, 0);
	if (v <= 0)
		return TS_NONE;
	return v < INT64_C(100000000000) ? v * 1000 : v;
}

/* Keys looked up together (jget_keys). */
struct jkey {
	const char *k;
	size_t l;
};
#define JK(lit) {lit, sizeof lit - 1}

/* out[i] = jget(d, obj, keys[i].k) for each of the n keys (all different),
 * in one walk over obj's members rather than one for each key (jget
 * walks them all, the last of repeated keys counting): the objects read
 * at each call and tool. */
static inline __attribute__((always_inline)) void jget_keys(const struct jdoc *d,
	const struct jnode *obj, const struct jkey *keys, int n, const struct jnode **out)
{
	for (int i = 0; i < n; i++)
		out[i] = NULL;
	if (!obj || obj->type != J_OBJ)
		return;
	JFOR(d, obj, k)
		for (int i = 0; i < n; i++)
			if (k->flags & JF_ESC ? jeq_esc(k, keys[i].k, keys[i].l) :
			    (k->len == keys[i].l && mem_eq_short(k->s, keys[i].k, keys[i].l))) {
				out[i] = jval(k);
				break;
			}
}

/* The word of a key of 4 bytes, to compare with another in one step. */
static inline uint32_t w4(const char *s)
{
	uint32_t w;
	memcpy(&w, s, 4);
	return w;
}

/* Which of keys (n, all different) the member key k names, -1 none:
 * what jget_keys compares, told apart by the key's length and one word
 * for the keys of a part (PK_*) and of a message's info (IK_*), read
 * for every member of every part and message. */
static inline int key_at(const struct jnode *k, const struct jkey *keys, int n)
{
	for (int i = 0; i < n; i++)
		if (jeq_esc(k, keys[i].k, keys[i].l))
			return i;
	return -1;
}

static int part_key(const struct jnode *k, const struct jkey *keys)
{
	if (__builtin_expect(k->flags & JF_ESC, 0))
		return key_at(k, keys, PK_N);
	const char *s = k->s;
	switch (k->len) {
	case 2: return s[0] == 'i' && s[1] == 'd' ? PK_ID : -1;
	case 4: {
		uint32_t w = w4(s);
		return w == w4("type") ? PK_TYPE : w == w4("tool") ? PK_TOOL : w == w4("time") ? PK_TIME :
			w == w4("text") ? PK_TEXT : -1;
	}
	case 5: return mem_eq_short(s, "state", 5) ? PK_STATE : -1;
	case 6: return mem_eq_short(s, "callID", 6) ? PK_CALLID : mem_eq_short(s, "tokens", 6) ? PK_TOKENS : -1;
	case 9: return mem_eq_short(s, "synthetic", 9) ? PK_SYNTHETIC : -1;
	default: return -1;
	}
}

static int info_key(const struct jnode *k, const struct jkey *keys)
{
	if (__builtin_expect(k->flags & JF_ESC, 0))
		return key_at(k, keys, IK_N);
	const char *s = k->s;
	switch (k->len) {
	case 2: return s[0] == 'i' && s[1] == 'd' ? IK_ID : -1;
	case 4: {
		uint32_t w = w4(s);
		return w == w4("role") ? IK_ROLE : w == w4("time") ? IK_TIME : -1;
	}
	case 5: return mem_eq_short(s, "model", 5) ? IK_MODEL : -1;
	case 6: return mem_eq_short(s, "tokens", 6) ? IK_TOKENS : -1;
	case 7: return mem_eq_short(s, "modelID", 7) ? IK_MODELID : -1;
	default: return -1;
	}
}

/* jget_keys with a key_at of its own */
static inline __attribute__((always_inline)) void jget_keys_by(const struct jdoc *d,
	const struct jnode *obj, const struct jkey *keys, int n, const struct jnode **out,
	int (*which)(const struct jnode *, const struct jkey *))
{
	for (int i = 0; i < n; i++)
		out[i] = NULL;
	if (!obj || obj->type != J_OBJ)
		return;
	JFOR(d, obj, k) {
		int i = which(k, keys);
		if (i >= 0)
			out[i] = jval(k);
	}
}

/* A count as recorded: never negative, at most 2^53. */
static int64_t tok(const struct jnode *n)
{
	int64_t v = jint(n, 0);
	return v < 0 ? 0 : v > (INT64_C(1) << 53) ? INT64_C(1) << 53 : v;
}

/* tokens {input, output, reasoning, cache {read, write}[, total]}: true
 * when they say anything (a call that got no usage records zeros). */
static bool tokens_of(struct jdoc *d, const struct jnode *t, struct tokens *k)
{
	memset(k, 0, sizeof *k);
	if (!t || t->type != J_OBJ)
		return false;
	static const struct jkey tk[] = {JK("cache"), JK("input"), JK("reasoning"), JK("output")},
		ck[] = {JK("read"), JK("write")};
	const struct jnode *v[4], *c[2];
	jget_keys(d, t, tk, 4, v);
	jget_keys(d, v[0], ck, 2, c);
	k->input = tok(v[1]);
	k->cache_read = tok(c[0]);
	k->cache_write = tok(c[1]);
	k->reasoning = tok(v[2]);
	k->output = tok(v[3]) + k->reasoning;
	return k->input || k->cache_read || k->cache_write || k->output;
}

/* "/init", "/review x": a slash command, not a question for the model. */
static bool is_command(const char *t)
{
	if (t[0] != '/' || !isalpha((unsigned char)t[1]))
		return false;
	const char *p = t + 1;
	while (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')
		p++;
	return !*p || isspace((unsigned char)*p);
}

/* The message's parts (every element of parts, an array or NULL), each
 * with its type, in o->pv[0..npv). */
static void set_parts(struct oc *o, struct jdoc *d, const struct jnode *parts)
{
	static const struct jkey pk[PK_N] = {JK("type"), JK("callID"), JK("id"), JK("tool"),
		JK("state"), JK("time"), JK("tokens"), JK("text"), JK("synthetic")};
	o->npv = 0;
	JFOR(d, parts, p) {
		GROW(o->pv, o->npv, o->cappv);
		struct opart *op = &o->pv[o->npv++];
		op->p = p;
		jget_keys_by(d, p, pk, PK_N, op->k, part_key);
		const struct jnode *ty = op->k[PK_TYPE];
		op->type = jeq(ty, "text") ? PT_TEXT : jeq(ty, "tool") ? PT_TOOL :
			jeq(ty, "step-start") ? PT_STEP_START : jeq(ty, "step-finish") ? PT_STEP_FINISH :
			jeq(ty, "reasoning") ? PT_REASONING : PT_OTHER;
		/* do_tool asks whether its call came before: the set's slot
		 * fetched now, while the call's record is written */
		const struct jnode *id;
		if (op->type == PT_TOOL && o->session &&
		    (id = op->k[PK_CALLID]) && id->type == J_STR && !id->flags)
			ev_seen_prefetch2(&o->c->seen_tool, o->session, id->s, id->len);
	}
}

/* The text parts of the parts [from..to): what the person or model wrote
 * (synthetic parts, the client's own additions, left out unless there is
 * nothing else). */
static bool parts_text(struct oc *o, struct jdoc *d, int from, int to)
{
	sb_reset(&o->text);
	if (to > o->npv)
		to = o->npv;
	for (int pass = 0; pass < 2 && !o->text.len; pass++) {
		for (int i = from; i < to; i++) {
			const struct opart *p = &o->pv[i];
			if (p->type == PT_TEXT && (pass || !jtrue(p->k[PK_SYNTHETIC]))) {
				const struct jnode *t = p->k[PK_TEXT];
				if (t && t->type == J_STR) {
					if (o->text.len)
						sb_addc(&o->text, '\n');
					jstr(t, &o->text);
				}
			}
		}
	}
	return o->text.len > 0;
}

static void do_user(struct oc *o, struct jdoc *d, const struct jnode *const *info, const char *id)
{
	int64_t ts = ms_of(jget(d, info[IK_TIME], "created"));
	ensure_session(o, ts);
	o->nprompt++;
	set_str(&o->prompt, id);
	if (o->subagent && !o->root && o->nprompt == 1)
		set_str(&o->root, id);
	if (ev_seen(&o->c->seen_prompt, o->session, id))
		return;
	struct event e;
	ev_of(o, &e, "prompt");
	e.ts = ts;
	e.id = id;
	parts_text(o, d, 0, INT_MAX);
	if (o->subagent) {
		e.prompt = o->root;
		if (o->nprompt == 1)
			e.parent = o->spawn;
		e.origin = "subagent";
	} else {
		e.prompt = id;
		e.origin = is_command(o->text.p ? o->text.p : "") ? "command" : "human";
	}
	e.text = o->text.p ? o->text.p : "";
	e.text_len = o->text.len;
	ev_emit(o->c, &e);
}

/* Status of a tool part: completed is ok (a shell command that exited
 * non-zero is an error), error is error, pending and running (the
 * session ended or was read first) unknown. */
static const char *status_of(const struct jnode *s, int64_t exit)
{
	if (jeq(s, "completed"))
		return exit != EV_NONE && exit != 0 ? "error" : "ok";
	if (jeq(s, "error"))
		return "error";
	return "unknown";
}

static void do_tool(struct oc *o, struct jdoc *d, const struct opart *p, const char *llm)
{
	static const struct jkey sk[] = {JK("metadata"), JK("time"), JK("status"), JK("input")};
	const struct jnode *const *pv = p->k, *sv[4];
	const char *id = js(d, pv[PK_CALLID]);
	if (!id)
		id = js(d, pv[PK_ID]);
	if (!id) {
		lr_note(o->r, "toolid", "tool part without callID or id; skipped");
		return;
	}
	if (ev_seen(&o->c->seen_tool, o->session, id))
		return;
	const char *name = js(d, pv[PK_TOOL]);
	const struct jnode *st = pv[PK_STATE];
	struct event e;
	ev_of(o, &e, "tool");
	e.id = id;
	e.parent = llm;
	e.prompt = o->subagent ? o->root : o->prompt;
	e.tool = name ? name : "unknown";
	e.cwd = o->cwd;
	jget_keys(d, st, sk, 4, sv);
	const struct jnode *meta = sv[0], *tm = sv[1];
	const struct jnode *ex = jget(d, meta, "exit");
	if (ex && ex->type == J_NUM)
		e.exit = jint(ex, EV_NONE);
	e.status = status_of(sv[2], e.exit);
	int64_t start = ms_of(jget(d, tm, "start"));
	int64_t end = ms_of(jget(d, tm, "end"));
	e.ts = start;
	if (start != TS_NONE && end != TS_NONE && end >= start)
		e.duration_ms = end - start;
	const struct jnode *in = sv[3];
	const char *raw = "{}";
	size_t rl = 2;
	if (in && in->type == J_OBJ)
		rl = jraw(d, in, &raw);
	/* a subtask: its session names this call */
	const char *child = js(d, jget(d, meta, "sessionId"));
	if (child && agent_tool_kind("opencode", e.tool) == TK_DELEGATE) {
		const char *ty = js(d, jget(d, in, "subagent_type"));
		struct sbuf v = {0};
		sb_printf(&v, "%s\t%s\t%s", id, e.prompt ? e.prompt : "", ty ? ty : "");
		link_put(o, "octask:", child, v.p);
		sb_free(&v);
	}
	e.class = effects_class(&e, raw, rl);
	ev_emit(o->c, &e);
	effects_tool(o->c, &e, raw, rl);
}

/* The first time a part of the parts [from..to) records (its state's or
 * its own time.start); tools: of the tool parts only. */
static int64_t first_time(struct oc *o, struct jdoc *d, int from, int to, bool tools)
{
	for (int i = from; i < to; i++) {
		const struct opart *p = &o->pv[i];
		if (!tools || p->type == PT_TOOL) {
			int64_t t = ms_of(jget(d, jget(d, p->k[PK_STATE], "time"), "start"));
			if (t == TS_NONE && !tools)
				t = ms_of(jget(d, p->k[PK_TIME], "start"));
			if (t != TS_NONE)
				return t;
		}
	}
	return TS_NONE;
}

/* One model call: the parts [from..to) with tokens t (NULL: none
 * recorded); last: the message's last call, which ends when the message
 * completes. */
static void do_call(struct oc *o, struct jdoc *d, const struct jnode *const *info,
	int from, int to, const struct jnode *t, const char *lid, bool last)
{
	int64_t created = ms_of(jget(d, info[IK_TIME], "created"));
	int64_t ts = from == 0 ? created : first_time(o, d, from, to, false);
	if (ts == TS_NONE)
		ts = created;
	ensure_session(o, ts);
	if (!ev_seen(&o->c->seen_call, o->session, lid)) {
		struct event e;
		ev_of(o, &e, "llm");
		e.ts = ts;
		e.id = lid;
		e.parent = o->prompt;
		e.prompt = o->subagent ? o->root : o->prompt;
		e.model = js(d, info[IK_MODELID]);
		if (!e.model)
			e.model = js(d, jget(d, info[IK_MODEL], "modelID"));
		e.has_tokens = tokens_of(d, t, &e.tokens);
		/* the model's time: until its first tool ran, or the message
		 * completed */
		if (ts != TS_NONE) {
			int64_t end = first_time(o, d, from, to, true);
			if (end == TS_NONE && last)
				end = ms_of(jget(d, info[IK_TIME], "completed"));
			if (end != TS_NONE && end >= ts)
				e.duration_ms = end - ts;
		}
		int ntools = 0;
		for (int i = from; i < to; i++)
			ntools += o->pv[i].type == PT_TOOL;
		if (ntools) {
			e.tools = jalloc(d, sizeof *e.tools * (size_t)ntools);
			for (int i = from; i < to; i++)
				if (o->pv[i].type == PT_TOOL) {
					const char *nm = js(d, o->pv[i].k[PK_TOOL]);
					e.tools[e.ntools++] = nm ? nm : "unknown";
				}
		}
		if (parts_text(o, d, from, to)) {
			e.text = o->text.p;
			e.text_len = o->text.len;
		}
		ev_emit(o->c, &e);
	}
	for (int i = from; i < to; i++)
		if (o->pv[i].type == PT_TOOL)
			do_tool(o, d, &o->pv[i], lid);
}

/* An assistant message: one call, or one per step-finish part. */
static void do_assistant(struct oc *o, struct jdoc *d, const struct jnode *const *info, const char *id)
{
	int nfin = 0, n = o->npv, tail_from = 0;
	bool tail = false;
	for (int i = 0; i < n; i++) {
		int ty = o->pv[i].type;
		if (ty == PT_STEP_FINISH) {
			nfin++;
			tail_from = i + 1;
			tail = false;
		} else if (ty != PT_OTHER) {
			tail = true;
		}
	}
	if (!nfin) {
		do_call(o, d, info, 0, n, info[IK_TOKENS], id, true);
		return;
	}
	int ncalls = nfin + tail;
	int from = 0, k = 0;
	char *lid = NULL;
	for (int i = 0; i < n; i++) {
		if (o->pv[i].type == PT_STEP_FINISH) {
			k++;
			free(lid);
			if (ncalls == 1) {
				lid = xstrdup(id);
			} else {
				lid = xmalloc(strlen(id) + 16);
				sprintf(lid, "%s:%d", id, k);
			}
			do_call(o, d, info, from, i + 1, o->pv[i].k[PK_TOKENS], lid, k == ncalls);
			from = i + 1;
		}
	}
	if (tail) {
		/* a step still running, or cut off: its call has no usage yet */
		free(lid);
		lid = xmalloc(strlen(id) + 16);
		sprintf(lid, "%s:%d", id, k + 1);
		do_call(o, d, info, tail_from, n, NULL, lid, false);
	}
	free(lid);
}

/* One message {info, parts}; id: its id when info does not hold it. */
static void do_message(struct oc *o, struct jdoc *d, const struct jnode *m)
{
	if (!m || m->type != J_OBJ) {
		lr_warn(o->r, "msgobj", "message is not a JSON object");
		return;
	}
	static const struct jkey mk[] = {JK("info"), JK("parts")},
		ik[IK_N] = {JK("id"), JK("role"), JK("time"), JK("modelID"), JK("model"), JK("tokens")};
	const struct jnode *mv[2], *iv[IK_N];
	jget_keys(d, m, mk, 2, mv);
	const struct jnode *info = mv[0], *parts = mv[1];
	if (!info || info->type != J_OBJ) {
		lr_warn(o->r, "msginfo", "message without an info object; skipped");
		return;
	}
	if (parts && parts->type != J_ARR) {
		lr_warn(o->r, "parts", "message parts are not an array; read without them");
		parts = NULL;
	}
	jget_keys_by(d, info, ik, IK_N, iv, info_key);
	const char *id = js(d, iv[IK_ID]);
	if (!id) {
		lr_warn(o->r, "msgid", "message without an id; skipped");
		return;
	}
	const struct jnode *role = iv[IK_ROLE];
	if (jeq(role, "user")) {
		set_parts(o, d, parts);
		do_user(o, d, iv, id);
	} else if (jeq(role, "assistant")) {
		set_parts(o, d, parts);
		do_assistant(o, d, iv, id);
	}
	else
		lr_note(o->r, "role", "message %s with role %s; ignored", id,
			js(d, role) ? js(d, role) : "(none)");
}

/* A session's info object (export, legacy session file). */
static void session_info(struct oc *o, struct jdoc *d, const struct jnode *info)
{
	const char *id = js(d, jget(d, info, "id"));
	oc_begin(o, id ? id : "unknown", js(d, jget(d, info, "parentID")));
	set_str(&o->cwd, js(d, jget(d, info, "directory")));
	set_str(&o->version, js(d, jget(d, info, "version")));
	o->created = ms_of(jgetv(d, info, "time", "created", NULL));
}

/* A subtask's type: its messages' agent ("general", "explore"), when the
 * caller's task call did not say. */
static void subtask_type(struct oc *o, struct jdoc *d, const struct jnode *info)
{
	if (o->subagent && !o->stype) {
		const char *a = js(d, jget(d, info, "agent"));
		if (!a)
			a = js(d, jget(d, info, "mode"));
		if (a)
			set_str(&o->stype, a);
	}
}

/* --- opencode export ------------------------------------------------------ */

static uint64_t line_at(const char *p, size_t pos)
{
	uint64_t line = 1;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + pos - q))); q++)
		line++;
	return line;
}

static bool parse_file(struct oc *o, struct jdoc *d, const char *p, size_t n, const char *name)
{
	if (jparse(d, p, n) < 0) {
		diag_at(name, line_at(p, d->errpos < n ? d->errpos : n), "not JSON: %s", d->err);
		diag_errors++;
		return false;
	}
	if (d->badutf8)
		lr_warn(o->r, "utf8", "%u strings with invalid UTF-8, replaced by U+FFFD", d->badutf8);
	if (!jroot(d) || jroot(d)->type != J_OBJ) {
		diag_at(name, 0, "JSON but not an object");
		diag_errors++;
		return false;
	}
	return true;
}

static void run_export(struct oc *o, struct jdoc *d, const struct jnode *root)
{
	const struct jnode *info = jget(d, root, "info"), *msgs = jget(d, root, "messages");
	if (!info || info->type != J_OBJ || !msgs || msgs->type != J_ARR) {
		diag_at(o->r->name, 0, "not an OpenCode export (no info object and messages array)");
		diag_errors++;
		return;
	}
	session_info(o, d, info);
	JFOR(d, msgs, m)
		subtask_type(o, d, jget(d, m, "info"));
	ensure_session(o, TS_NONE);
	JFOR(d, msgs, m)
		do_message(o, d, m);
}

/* --- legacy storage -------------------------------------------------------- */

static char *read_small(struct oc *o, const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct sbuf b = {0};
	char buf[16384];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, f)) > 0 && b.len <= FILE_MAX)
		sb_add(&b, buf, k);
	fclose(f);
	if (b.len > FILE_MAX) {
		diag_at(path, 0, "larger than %zu MiB; skipped", FILE_MAX >> 20);
		diag_errors++;
		sb_free(&b);
		return NULL;
	}
	*n = b.len;
	return b.p ? b.p : xstrdup("");
}

static bool json_name(const char *name, int depth)
{
	size_t n = strlen(name);
	return n > 5 && !strcmp(name + n - 5, ".json");
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_error(const char *path, const char *msg)
{
	diag_at(path, 0, "%s", msg);
	diag_errors++;
}

/* The *.json files of dir, sorted by name (ids grow with time). */
static char **list_json(const char *dir, size_t *n)
{
	struct history h = {.error = walk_error};
	history_walk(&h, dir, 0, json_name, NULL, false);
	char **v = xcalloc(h.n + 1, sizeof *v);
	for (size_t i = 0; i < h.n; i++) {
		v[i] = h.v[i].path;
		free(h.v[i].place);
	}
	*n = h.n;
	free(h.v);
	hm_free(&h.seen_dirs);
	if (*n)
		sort_n(v, *n, sizeof *v, by_str);
	return v;
}

/* storage/message/<ses>/<msg>.json with its parts from
 * storage/part/<msg>/: as an export's message. */
static void legacy_message(struct oc *o, const char *storage, const char *file)
{
	size_t n;
	char *t = read_small(o, file, &n);
	if (!t)
		return;
	struct sbuf doc = {0};
	sb_adds(&doc, "{\"info\":");
	sb_add(&doc, t, n);
	sb_adds(&doc, ",\"parts\":[");
	free(t);
	struct jdoc d = {0};
	if (jparse(&d, doc.p + 8, n) < 0 || !jroot(&d) || jroot(&d)->type != J_OBJ) {
		diag_at(file, 0, "not a JSON object");
		diag_errors++;
		jdoc_free(&d);
		sb_free(&doc);
		return;
	}
	const char *id = js(&d, jget(&d, jroot(&d), "id"));
	if (id && storage) {
		char *pd = xmalloc(strlen(storage) + strlen(id) + 8);
		sprintf(pd, "%s/part/%s", storage, id);
		size_t np;
		char **pv = list_json(pd, &np);
		bool first = true;
		for (size_t i = 0; i < np; i++) {
			size_t pn;
			char *pt = read_small(o, pv[i], &pn);
			struct jdoc pdoc = {0};
			if (pt && jparse(&pdoc, pt, pn) == 0 && jroot(&pdoc)->type == J_OBJ) {
				if (!first)
					sb_addc(&doc, ',');
				sb_add(&doc, pt, pn);
				first = false;
			} else if (pt) {
				diag_at(pv[i], 0, "not a JSON object; part skipped");
				diag_errors++;
			}
			jdoc_free(&pdoc);
			free(pt);
			free(pv[i]);
		}
		free(pv);
		free(pd);
	}
	sb_adds(&doc, "]}");
	if (jparse(&d, doc.p, doc.len) == 0) {
		subtask_type(o, &d, jget(&d, jroot(&d), "info"));
		do_message(o, &d, jroot(&d));
	}
	jdoc_free(&d);
	sb_free(&doc);
}

/* The storage directory of a file in storage/KIND/<dir>/<file>.json. */
static char *storage_of(const char *path, const char *kind)
{
	const char *k;
	size_t kl = agent_dir_up(path, 1, &k), sl;
	const char *s;
	if (kl != strlen(kind) || memcmp(k, kind, kl) || !(sl = agent_dir_up(path, 2, &s)))
		return NULL;
	(void)sl;
	return k > path ? xstrndup(path, (size_t)(k - path - 1)) : xstrdup(".");
}

struct msgfile { char *path; int64_t created; };

static int by_created(const void *a, const void *b)
{
	const struct msgfile *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;    /* unknown first */
	return strcmp(x->path, y->path);
}

static void run_legacy_session(struct oc *o, struct jdoc *d, const struct jnode *root)
{
	session_info(o, d, root);
	char *storage = storage_of(o->path, "session");
	if (!storage) {
		lr_note(o->r, "storage", "not in a storage/session/<project>/ directory: its messages are not read");
		ensure_session(o, TS_NONE);
		return;
	}
	char *md = xmalloc(strlen(storage) + strlen(o->own) + 16);
	sprintf(md, "%s/message/%s", storage, o->own);
	size_t n;
	char **v = list_json(md, &n);
	/* in the order they were created (their names need not sort so) */
	struct msgfile *mv = xcalloc(n + 1, sizeof *mv);
	for (size_t i = 0; i < n; i++) {
		size_t tn;
		char *t = read_small(o, v[i], &tn);
		struct jdoc md_ = {0};
		mv[i].path = v[i];
		mv[i].created = t && jparse(&md_, t, tn) == 0 ?
			ms_of(jgetv(&md_, jroot(&md_), "time", "created", NULL)) : TS_NONE;
		jdoc_free(&md_);
		free(t);
	}
	if (n)
		sort_n(mv, n, sizeof *mv, by_created);
	ensure_session(o, TS_NONE);
	for (size_t i = 0; i < n; i++) {
		legacy_message(o, storage, mv[i].path);
		free(mv[i].path);
	}
	free(mv);
	free(v);
	free(md);
	free(storage);
}

/* A message file given on its own: its session's file, when it is in
 * storage/session/<project>/, names the session. */
static void run_legacy_message(struct oc *o, struct jdoc *d, const struct jnode *root)
{
	const char *sid = js(d, jget(d, root, "sessionID"));
	char *storage = storage_of(o->path, "message");
	oc_begin(o, sid ? sid : "unknown", NULL);
	if (storage && sid) {
		char *sd = path_join(storage, "session");
		struct history h = {.error = walk_error};
		history_walk(&h, sd, 1, json_name, NULL, false);
		size_t want = strlen(sid) + 5;
		for (size_t i = 0; i < h.n; i++) {
			const char *b = agent_file_base(h.v[i].path);
			size_t tn;
			char *t;
			if (strlen(b) == want && !strncmp(b, sid, want - 5) && (t = read_small(o, h.v[i].path, &tn))) {
				struct jdoc sdoc = {0};
				if (jparse(&sdoc, t, tn) == 0 && jroot(&sdoc)->type == J_OBJ) {
					oc_reset(o);
					session_info(o, &sdoc, jroot(&sdoc));
				}
				jdoc_free(&sdoc);
				free(t);
			}
		}
		for (size_t i = 0; i < h.n; i++) {
			free(h.v[i].path);
			free(h.v[i].place);
		}
		free(h.v);
		hm_free(&h.seen_dirs);
		free(sd);
	}
	legacy_message(o, storage, o->path);
	free(storage);
}

/* --- the SQLite database (1.2 and later) --------------------------------- */

/* data, a JSON object without its ids, with them put back: {"id":ID,
 * ...}, or {"id":ID,"sessionID":SID,...} with sid not NULL (ids first,
 * so that they win over any the data repeats).  The keys are written as
 * literals: one row after another, a format cost more than the copy. */
static bool with_ids(struct sbuf *b, const char *data, size_t n, const char *id,
	const char *sid)
{
	size_t i = 0;
	while (i < n && isspace((unsigned char)data[i]))
		i++;
	if (i >= n || data[i] != '{')
		return false;
	sb_add(b, "{\"id\":", 6);
	sb_json_str(b, id, strlen(id));
	if (sid) {
		sb_add(b, ",\"sessionID\":", 13);
		sb_json_str(b, sid, strlen(sid));
	}
	size_t j = i + 1;
	while (j < n && isspace((unsigned char)data[j]))
		j++;
	if (j < n && data[j] != '}')
		sb_addc(b, ',');
	sb_add(b, data + i + 1, n - i - 1);
	return true;
}

/* Part columns col, col + 1 (id, data) of st's row, put in doc after the
 * parts before it (*first: none yet). */
static void add_part(struct oc *o, struct sbuf *doc, sqlite3_stmt *st, int col, bool *first)
{
	size_t pn;
	const char *pid = sdb_text(st, col, NULL);
	const char *pdata = sdb_text(st, col + 1, &pn);
	if (!pid || !pdata)
		return;
	size_t mark = doc->len;
	if (!*first)
		sb_addc(doc, ',');
	if (!with_ids(doc, pdata, pn, pid, NULL)) {
		doc->len = mark;
		lr_warn(o->r, "partdata", "part %s: data is not a JSON object; skipped", pid);
		return;
	}
	*first = false;
}

/* A session's messages, each as {"info": <message>, "parts": [...]}.
 * With the join (o->ps NULL), ms gives a row for each part of a message
 * (one with a NULL part for a message without parts), the message's
 * columns repeated, its rowid telling where the next message begins;
 * else ms gives the messages and ps, run for each, its parts. */
static void db_session(void *arg, sqlite3_stmt *ss)
{
	struct oc *o = arg;
	sqlite3_stmt *ms = o->ms, *ps = o->ps;
	oc_reset(o);
	const char *id = sdb_text(ss, 0, NULL);
	if (!id)
		return;
	oc_begin(o, id, sdb_text(ss, 1, NULL));
	set_str(&o->cwd, sdb_text(ss, 2, NULL));
	set_str(&o->version, sdb_text(ss, 3, NULL));
	o->created = sdb_time(ss, 4);
	sqlite3_reset(ms);
	sqlite3_bind_text(ms, 1, o->own, -1, SQLITE_TRANSIENT);
	struct sbuf doc = {0}, mid = {0};
	struct jdoc d = {0};
	bool typed = false, more = sdb_row(o->db, ms);
	while (more) {
		size_t n;
		const char *m = sdb_text(ms, 0, NULL);
		const char *data = sdb_text(ms, 1, &n);
		bool ok = m && data;
		sb_reset(&doc);
		if (ok) {
			/* do_call asks whether the message's call came before:
			 * the set's slot fetched now, while its parts are read */
			ev_seen_prefetch2(&o->c->seen_call, o->session, m, strlen(m));
			/* the rows after this one take m away */
			sb_reset(&mid);
			sb_adds(&mid, m);
			sb_adds(&doc, "{\"info\":");
			ok = with_ids(&doc, data, n, m, o->own);
			if (!ok)
				lr_warn(o->r, "msgdata", "message %s: data is not a JSON object; skipped", m);
			else
				sb_adds(&doc, ",\"parts\":[");
		}
		bool first = true;
		if (!ps) {
			int64_t rid = sqlite3_column_int64(ms, 2);
			do {
				if (ok)
					add_part(o, &doc, ms, 3, &first);
			} while ((more = sdb_row(o->db, ms)) && sqlite3_column_int64(ms, 2) == rid);
		} else if (ok) {
			sqlite3_reset(ps);
			sqlite3_bind_text(ps, 1, m, -1, SQLITE_TRANSIENT);
			while (sdb_row(o->db, ps))
				add_part(o, &doc, ps, 0, &first);
		}
		if (ok) {
			sb_adds(&doc, "]}");
			if (jparse(&d, doc.p, doc.len) < 0) {
				lr_warn(o->r, "msgjson", "message %s: its data or its parts' are not JSON (%s); skipped",
					mid.p, d.err);
			} else {
				if (!typed) {
					subtask_type(o, &d, jget(&d, jroot(&d), "info"));
					typed = true;
				}
				do_message(o, &d, jroot(&d));
			}
		}
		if (ps)
			more = sdb_row(o->db, ms);
	}
	ensure_session(o, TS_NONE);
	ev_file_done(o->c);
	jdoc_free(&d);
	sb_free(&doc);
	sb_free(&mid);
}

/* A session's messages in order, and each message's parts in order: one
 * join, stepped through, where the indexes give that order (OpenCode's
 * message (session_id, time_created, id) and part (message_id, id));
 * else, where the order would be sorted (older databases index message
 * by session_id alone), the sort is kept to the messages: a statement for
 * them and one run for each message's parts (a sort of the join would
 * hold a session's parts too).  The same rows either way; the join saves
 * a statement's reset and run for each message. */
#define OC_JOIN "SELECT m.id, m.data, m.rowid, p.id, p.data FROM message m " \
	"LEFT JOIN part p ON p.message_id = m.id WHERE m.session_id = ?1 " \
	"ORDER BY m.time_created, m.id, m.rowid, p.id"

static void run_db_v1(struct oc *o, const char *only)
{
	sqlite3_stmt *ss = sdb_prepare(o->db, only ?
		"SELECT id, parent_id, directory, version, time_created FROM session WHERE id = ?1" :
		"SELECT id, parent_id, directory, version, time_created FROM session "
		"ORDER BY time_created, id");
	/* (a message table without rowid: no join, its plan is not made) */
	bool join = !sdb_sorts(o->db, OC_JOIN);
	sqlite3_stmt *ms = sdb_prepare(o->db, join ? OC_JOIN :
		"SELECT id, data FROM message WHERE session_id = ?1 ORDER BY time_created, id");
	sqlite3_stmt *ps = join ? NULL : sdb_prepare(o->db,
		"SELECT id, data FROM part WHERE message_id = ?1 ORDER BY id");
	if (ss && ms && (join || ps)) {
		o->ms = ms;
		o->ps = ps;
		sdb_each_session(o->db, ss, only, db_session, o);
	}
	sqlite3_finalize(ss);
	sqlite3_finalize(ms);
	sqlite3_finalize(ps);
}

/* --- the Go opencode's .opencode/opencode.db ------------------------------ */

/* The project holding .opencode/opencode.db: the Go client's data
 * directory is .opencode in the directory it was started in. */
static char *go_project(const char *path)
{
	const char *d;
	size_t l = agent_dir_up(path, 0, &d);
	if (l != 9 || memcmp(d, ".opencode", 9))
		return NULL;
	char *dir = xstrndup(path, (size_t)(d - path));
	char *real = realpath(*dir ? dir : ".", NULL);
	free(dir);
	return real;
}

/* tool_result parts: by tool call id, (end time << 1) | is_error, plus 1
 * so that 0 means none */
static void go_results(struct oc *o, const char *sid, struct hmap *res)
{
	sqlite3_stmt *st = sdb_prepare(o->db,
		"SELECT parts, created_at FROM messages WHERE session_id = ?1 AND role = 'tool'");
	if (!st)
		return;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	struct jdoc d = {0};
	while (sdb_row(o->db, st)) {
		size_t n;
		const char *t = sdb_text(st, 0, &n);
		int64_t at = sdb_time(st, 1);
		if (!t || jparse(&d, t, n) < 0 || jroot(&d)->type != J_ARR)
			continue;
		JFOR(&d, jroot(&d), p) {
			const struct jnode *data = jget(&d, p, "data");
			size_t il;
			const char *id = jsn(&d, jget(&d, data, "tool_call_id"), &il);
			if (!jeq(jget(&d, p, "type"), "tool_result") || !id)
				continue;
			int64_t v = ((at == TS_NONE ? 0 : at) << 1 | jtrue(jget(&d, data, "is_error"))) + 1;
			*hm_put(res, hash64(id, il, 0x60c), NULL) = v;
		}
	}
	sqlite3_finalize(st);
	jdoc_free(&d);
}

static void go_session(void *arg, sqlite3_stmt *ss)
{
	struct oc *o = arg;
	sqlite3_stmt *ms = o->ms;
	const char *project = o->project;
	oc_reset(o);
	const char *id = sdb_text(ss, 0, NULL);
	if (!id)
		return;
	oc_begin(o, id, sdb_text(ss, 1, NULL));
	if (o->subagent) {
		/* the agent tool names its session after its call */
		set_str(&o->spawn, id);
		if (!o->stype)
			set_str(&o->stype, "agent");
	}
	set_str(&o->cwd, project);
	o->created = sdb_time(ss, 2);
	struct hmap res = {0};
	go_results(o, id, &res);
	sqlite3_reset(ms);
	sqlite3_bind_text(ms, 1, o->own, -1, SQLITE_TRANSIENT);
	struct jdoc d = {0};
	while (sdb_row(o->db, ms)) {
		const char *mid = sdb_text(ms, 0, NULL), *role = sdb_text(ms, 1, NULL);
		size_t n;
		const char *parts = sdb_text(ms, 2, &n);
		int64_t ts = sdb_time(ms, 4), fin = sdb_time(ms, 5);
		if (!mid || !role || !parts)
			continue;
		if (!strcmp(role, "tool"))
			continue;       /* read with go_results */
		if (jparse(&d, parts, n) < 0 || jroot(&d)->type != J_ARR) {
			lr_warn(o->r, "parts", "message %s: parts are not a JSON array; skipped", mid);
			continue;
		}
		const struct jnode *pv = jroot(&d);
		ensure_session(o, ts);
		sb_reset(&o->text);
		JFOR(&d, pv, p)
			if (jeq(jget(&d, p, "type"), "text")) {
				if (o->text.len)
					sb_addc(&o->text, '\n');
				jstr(jgetv(&d, p, "data", "text", NULL), &o->text);
			}
		struct event e;
		if (!strcmp(role, "user")) {
			o->nprompt++;
			set_str(&o->prompt, mid);
			if (o->subagent && !o->root && o->nprompt == 1)
				set_str(&o->root, mid);
			if (ev_seen(&o->c->seen_prompt, o->session, mid))
				continue;
			ev_of(o, &e, "prompt");
			e.ts = ts;
			e.id = mid;
			e.prompt = o->subagent ? o->root : mid;
			e.parent = o->subagent && o->nprompt == 1 ? o->spawn : NULL;
			e.origin = o->subagent ? "subagent" : is_command(o->text.p ? o->text.p : "") ? "command" : "human";
			e.text = o->text.p ? o->text.p : "";
			e.text_len = o->text.len;
			ev_emit(o->c, &e);
			continue;
		}
		if (strcmp(role, "assistant")) {
			lr_note(o->r, "role", "message %s with role %s; ignored", mid, role);
			continue;
		}
		if (!ev_seen(&o->c->seen_call, o->session, mid)) {
			ev_of(o, &e, "llm");
			e.ts = ts;
			e.id = mid;
			e.parent = o->prompt;
			e.prompt = o->subagent ? o->root : o->prompt;
			e.model = sdb_text(ms, 3, NULL);
			e.usage = "none";
			if (ts != TS_NONE && fin != TS_NONE && fin >= ts)
				e.duration_ms = fin - ts;
			int nt = 0;
			JFOR(&d, pv, p)
				nt += jeq(jget(&d, p, "type"), "tool_call");
			if (nt) {
				e.tools = jalloc(&d, sizeof *e.tools * (size_t)nt);
				JFOR(&d, pv, p)
					if (jeq(jget(&d, p, "type"), "tool_call")) {
						const char *nm = js(&d, jgetv(&d, p, "data", "name", NULL));
						e.tools[e.ntools++] = nm ? nm : "unknown";
					}
			}
			if (o->text.len) {
				e.text = o->text.p;
				e.text_len = o->text.len;
			}
			ev_emit(o->c, &e);
		}
		JFOR(&d, pv, p) {
			if (!jeq(jget(&d, p, "type"), "tool_call"))
				continue;
			const struct jnode *data = jget(&d, p, "data");
			size_t il;
			const char *tid = jsn(&d, jget(&d, data, "id"), &il);
			if (!tid || ev_seen(&o->c->seen_tool, o->session, tid))
				continue;
			const char *nm = js(&d, jget(&d, data, "name"));
			ev_of(o, &e, "tool");
			e.id = tid;
			e.parent = mid;
			e.prompt = o->subagent ? o->root : o->prompt;
			e.tool = nm ? nm : "unknown";
			e.cwd = o->cwd;
			/* tools run when the model's message is finished */
			e.ts = fin != TS_NONE ? fin : ts;
			int64_t *r = hm_get(&res, hash64(tid, il, 0x60c));
			if (r && *r) {
				int64_t v = *r - 1, end = v >> 1;
				e.status = v & 1 ? "error" : "ok";
				if (end && e.ts != TS_NONE && end >= e.ts)
					e.duration_ms = end - e.ts;
			} else {
				e.status = "unknown";
			}
			/* input: a JSON string holding the arguments' object */
			const struct jnode *in = jget(&d, data, "input");
			const char *raw = "{}";
			size_t rl = 2;
			if (in && (in->type == J_STR || in->type == J_OBJ))
				rl = jraw(&d, in, &raw);
			e.class = effects_class(&e, raw, rl);
			ev_emit(o->c, &e);
			effects_tool(o->c, &e, raw, rl);
			/* the agent tool's session is named after the call */
			if (agent_tool_kind("opencode", e.tool) == TK_DELEGATE) {
				struct sbuf v = {0};
				sb_printf(&v, "%s\t%s\t%s", tid, e.prompt ? e.prompt : "", e.tool);
				link_put(o, "octask:", tid, v.p);
				sb_free(&v);
			}
		}
	}
	ensure_session(o, TS_NONE);
	ev_file_done(o->c);
	hm_free(&res);
	jdoc_free(&d);
}

static void run_db_go(struct oc *o, const char *file, const char *only)
{
	sqlite3_stmt *ss = sdb_prepare(o->db, only ?
		"SELECT id, parent_session_id, created_at FROM sessions WHERE id = ?1" :
		"SELECT id, parent_session_id, created_at FROM sessions ORDER BY created_at, id");
	sqlite3_stmt *ms = sdb_prepare(o->db,
		"SELECT id, role, parts, model, created_at, finished_at FROM messages "
		"WHERE session_id = ?1 ORDER BY created_at, rowid");
	o->project = go_project(file);
	if (ss && ms) {
		o->ms = ms;
		sdb_each_session(o->db, ss, only, go_session, o);
	}
	free(o->project);
	o->project = NULL;
	sqlite3_finalize(ss);
	sqlite3_finalize(ms);
}

static void run_db(struct oc *o)
{
	const char *only = NULL;
	char *file = agent_path_split(o->path, &only);
	const char *why;
	struct sdb s;
	if (!strcmp(o->path, "-")) {
		diag_at(o->r->name, 0, "a SQLite database is read from its file: give its path");
		diag_errors++;
		return;
	}
	if (sdb_open(&s, file ? file : o->path, &why)) {
		diag_at(o->path, 0, "%s", why);
		diag_errors++;
		free(file);
		return;
	}
	s.name = o->path;
	o->db = &s;
	if (s.nowal)
		lr_note(o->r, "wal", "its write-ahead log (-wal) cannot be read here; its newest rows are left out");
	if (sdb_has(&s, "session", NULL) && sdb_has(&s, "message", NULL) && sdb_has(&s, "part", NULL))
		run_db_v1(o, only);
	else if (sdb_has(&s, "sessions", NULL) && sdb_has(&s, "messages", "parts")) {
		o->go = true;
		run_db_go(o, file ? file : o->path, only);
	}
	else {
		diag_at(o->path, 0, "a SQLite database without OpenCode's tables (session, message, part)");
		diag_errors++;
	}
	sdb_close(&s);
	o->db = NULL;
	free(file);
}

/* --- reading a file -------------------------------------------------------- */

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct oc o = {.c = c, .r = r, .path = path, .created = TS_NONE};
	const char *h;
	size_t hn = lr_peek(r, 16, &h);
	if (sdb_magic(h, hn)) {
		run_db(&o);
		oc_free(&o);
		return;
	}
	char *p;
	size_t n;
	if (lr_slurp(r, DOC_MAX, &p, &n) < 0) {
		oc_free(&o);
		return;
	}
	struct jdoc d = {0};
	if (parse_file(&o, &d, p, n, r->name)) {
		const struct jnode *root = jroot(&d);
		if (jget(&d, root, "info") && jget(&d, root, "messages"))
			run_export(&o, &d, root);
		else if (jget(&d, root, "role") && jget(&d, root, "sessionID"))
			run_legacy_message(&o, &d, root);
		else if (jget(&d, root, "messageID") && jget(&d, root, "type"))
			lr_note(r, "part", "an OpenCode part file: it is read with its message "
				"(storage/message/<session>/<message>.json)");
		else if (jget(&d, root, "id") && (jget(&d, root, "directory") || jget(&d, root, "projectID")))
			run_legacy_session(&o, &d, root);
		else {
			diag_at(r->name, 0, "JSON, but not an OpenCode export, session, message or part");
			diag_errors++;
		}
	}
	jdoc_free(&d);
	oc_free(&o);
}

/* --- recognising its files ------------------------------------------------- */

static bool has_tables(const char *t, const char *const *names)
{
	char buf[64];
	for (; *names; names++) {
		snprintf(buf, sizeof buf, " %s ", *names);
		if (!strstr(t, buf))
			return false;
	}
	return true;
}

/* A database: 95 with tables session, message and part; 90 with the Go
 * client's sessions, messages and files; 1 when it cannot be read (a
 * malformed or truncated file, one named "-"), so that reading it says
 * why.  JSON: 96 for an export (info
 * and messages), 90 for a legacy session file, 88 for a message or part
 * file. */
static int sniff(const struct agent_head *h)
{
	if (sdb_magic(h->p, h->n)) {
		static const char *const v1[] = {"session", "message", "part", NULL};
		static const char *const go[] = {"sessions", "messages", "files", NULL};
		const char *t = sdb_tables(h->path);
		if (!t)     /* unreadable: reading it says why */
			return 1;
		return has_tables(t, v1) ? 95 : has_tables(t, go) ? 90 : 0;
	}
	int score = 0;
	const struct agent_member *id;
	if (!agent_head_rec(h, 0))
		return 0;
	if (agent_rec_get(h, 0, "info") && agent_rec_get(h, 0, "messages"))
		score = 96;
	else if (!(id = agent_rec_get(h, 0, "id")) || id->type != J_STR)
		score = 0;
	else if (agent_rec_get(h, 0, "projectID") && agent_rec_get(h, 0, "directory") &&
	    agent_rec_get(h, 0, "time"))
		score = 90;
	else if (agent_rec_get(h, 0, "sessionID") && (agent_rec_get(h, 0, "role") ||
	    (agent_rec_get(h, 0, "messageID") && agent_rec_get(h, 0, "type"))))
		score = 88;
	/* one object per file: a second record is looked for only when the
	 * first is one of ours (a line of another agent's records is not
	 * parsed for nothing) */
	return score && !agent_head_rec(h, 1) ? score : 0;
}

/* --- its history (agent-sessions) ---------------------------------------- */

static bool db_name(const char *name, int depth)
{
	size_t n = strlen(name);
	return n >= 11 && !strncmp(name, "opencode", 8) && !strcmp(name + n - 3, ".db");
}

static bool go_db_name(const char *name, int depth)
{
	return !strcmp(name, "opencode.db");
}

/* The legacy files are copies once the database holds their session
 * (1.2 migrates them into it and leaves them). */
static void find_in(struct history *h, const char *data)
{
	history_walk(h, data, 0, db_name, NULL, false);
	char *s = path_join(data, "storage/session");
	history_walk(h, s, 1, json_name, NULL, true);
	free(s);
}

/* opencode*.db and storage/session/<project>/<ses>.json in the data
 * directories: $OPENCODE_DATA_DIR (a comma list), $XDG_DATA_HOME/opencode
 * and ~/.local/share/opencode; with --project-root, the Go client's
 * DIR/.opencode/opencode.db. */
static void find(struct history *h, const char *home)
{
	const char *env = getenv("OPENCODE_DATA_DIR");
	if (env && *env) {
		char *list = xstrdup(env), *save = NULL;
		for (char *d = strtok_r(list, ",", &save); d; d = strtok_r(NULL, ",", &save))
			find_in(h, d);
		free(list);
	}
	sdb_data_dirs(h, home, "opencode", find_in);
	if (h->root) {
		char *g = path_join(h->root, ".opencode");
		history_walk(h, g, 0, go_db_name, h->root, false);
		free(g);
	}
}

/* the Go client's sessions record no directory: the project's */
static char *cwd_of(const char *place, const struct session_meta *m,
	const char *root, const char *root_abs)
{
	return place ? xstrdup(place) : NULL;
}

/* The sessions of a database: m is the first, the others follow it
 * (session_meta.next), each named "<path>#<id>". */
static int probe_db(struct session_probe *p, const char **why)
{
	struct sdb s;
	if (sdb_open(&s, p->path, why))
		return -1;
	bool v1 = sdb_has(&s, "session", NULL) && sdb_has(&s, "message", NULL);
	char *project = v1 ? NULL : go_project(p->path);
	sqlite3_stmt *st;
	if (v1)
		st = sdb_prepare(&s,
			"SELECT s.id, s.parent_id, s.directory, s.version, s.time_created, "
			"max(s.time_updated, coalesce((SELECT max(time_created) FROM message m "
			"WHERE m.session_id = s.id), 0)) FROM session s ORDER BY s.time_created, s.id");
	else
		st = sdb_prepare(&s,
			"SELECT id, parent_session_id, NULL, NULL, created_at, updated_at "
			"FROM sessions ORDER BY created_at, id");
	struct sdb_list l = {.p = p};
	while (sdb_row(&s, st)) {
		const char *id = sdb_text(st, 0, NULL);
		if (!id || !*id)
			continue;
		struct session_meta *m = sdb_list_add(&l, id);
		sdb_list_str(&m->parent, sdb_text(st, 1, NULL));
		sdb_list_str(&m->cwd, sdb_text(st, 2, NULL));
		sdb_list_str(&m->cwd, project);
		sdb_list_str(&m->version, sdb_text(st, 3, NULL));
		sdb_list_time(m, sdb_time(st, 4));
		sdb_list_time(m, sdb_time(st, 5));
	}
	free(project);
	return sdb_list_end(&l, &s, st, why);
}

/* A JSON file (a legacy session file, an export): read whole; they are
 * small, and the list holds only storage/session/ files. */
static int probe(const struct agent *a, struct session_probe *p, const char **why)
{
	if (sdb_magic(p->buf, p->have))
		return probe_db(p, why);
	if (p->size > FILE_MAX) {
		*why = "an OpenCode JSON file larger than 64 MiB";
		return -1;
	}
	struct oc o = {0};
	size_t n;
	char *t = read_small(&o, p->path, &n);
	struct jdoc d = {0};
	int rc = -1;
	*why = "not a JSON object";
	if (t && jparse(&d, t, n) == 0 && jroot(&d)->type == J_OBJ) {
		const struct jnode *r = jroot(&d), *info = jget(&d, r, "info");
		struct session_meta *m = p->m;
		if (info && info->type == J_OBJ)
			r = info;
		else if (jget(&d, r, "sessionID") && !jget(&d, r, "directory"))
			r = NULL;   /* a message or part file */
		if (r && js(&d, jget(&d, r, "id"))) {
			sdb_list_str(&m->id, js(&d, jget(&d, r, "id")));
			sdb_list_str(&m->parent, js(&d, jget(&d, r, "parentID")));
			sdb_list_str(&m->cwd, js(&d, jget(&d, r, "directory")));
			sdb_list_str(&m->version, js(&d, jget(&d, r, "version")));
			sdb_list_time(m, ms_of(jgetv(&d, r, "time", "created", NULL)));
			sdb_list_time(m, ms_of(jgetv(&d, r, "time", "updated", NULL)));
			rc = 0;
		} else {
			*why = "an OpenCode message or part file: it is read with its session";
		}
	}
	jdoc_free(&d);
	free(t);
	return rc;
}

/* --- the agent ------------------------------------------------------------ */

/* Its tool names and their kinds: OpenCode 0.x to 1.14, and the Go
 * opencode's (view, ls, fetch, sourcegraph, agent).  MCP tools are named
 * SERVER_TOOL by OpenCode: other. */
static const struct tool_map opencode_tools[] = {
	TOOL("read", TK_READ), TOOL("view", TK_READ),
	TOOL("write", TK_WRITE), TOOL("edit", TK_WRITE), TOOL("multiedit", TK_WRITE),
	TOOL("patch", TK_PATCH), TOOL("apply_patch", TK_PATCH),
	TOOL("glob", TK_SEARCH), TOOL("grep", TK_SEARCH),
	TOOL("list", TK_LIST), TOOL("ls", TK_LIST),
	TOOL("bash", TK_SHELL),
	TOOL("webfetch", TK_WEB), TOOL("fetch", TK_WEB),
	{"websearch", TK_WEB, TA_QUERY, "mcp.exa.ai"}, {"codesearch", TK_WEB, TA_QUERY, "mcp.exa.ai"},
	{"sourcegraph", TK_WEB, TA_QUERY, "sourcegraph.com"},
	TOOL("task", TK_DELEGATE), TOOL("agent", TK_DELEGATE),
	TOOL("todowrite", TK_PLAN), TOOL("todoread", TK_PLAN), TOOL("question", TK_PLAN),
	TOOL("plan_enter", TK_PLAN), TOOL("plan_exit", TK_PLAN),
	/* skill, lsp, diagnostics, invalid: other */
	TOOL(NULL, TK_OTHER)
};

/* the keys agent-events orders files by: an export's info.time.created
 * comes first in it, so a caller's export is read before its subtasks' */
static const char *const time_keys[] = {"created", NULL};

const struct agent agent_opencode = {
	.name = "opencode",
	.title = "OpenCode",
	.tools = opencode_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = probe,
	.find = find,
	.cwd_of = cwd_of,
	.time_keys = time_keys,
};
