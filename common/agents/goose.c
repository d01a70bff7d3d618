/* SPDX-License-Identifier: MIT */
/* goose.c: Goose (block/goose), its sessions.db.
 *
 * Goose keeps every session in one SQLite database,
 * ${GOOSE_PATH_ROOT:+$GOOSE_PATH_ROOT/data}, else
 * ${XDG_DATA_HOME:-~/.local/share}/goose, then sessions/sessions.db:
 *
 *   sessions   one row a session: id ("20251202_1"), working_dir,
 *              created_at, updated_at, token columns (below), later
 *              model_config_json and provider_name;
 *   messages   id, session_id, role, content_json (a list of items: text,
 *              toolRequest {id, toolCall {status, value {name,
 *              arguments}}}, toolResponse {id, toolResult {status}},
 *              thinking, ...), created_timestamp (seconds).
 *
 * Tokens exist only per session: input_tokens, output_tokens and
 * total_tokens describe the latest turn, accumulated_input_tokens,
 * accumulated_output_tokens and accumulated_total_tokens the whole
 * session.  The accumulated family is written as one llm record with
 * "usage":"session" (id "<session>:usage"); the model calls carry no
 * tokens of their own.  No cache split is recorded.  When
 * accumulated_total_tokens exceeds input + output, the remainder is
 * output the provider counted apart (a model's thoughts): it is added to
 * output and shown as reasoning.  A session whose accumulated columns are
 * NULL recorded no usage: its calls carry "usage":"none". */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "events.h"
#include "sessions.h"
#include "sqlitedb.h"

struct goose {
	struct ev_ctx *c;
	struct lreader *r;
	const char *path;
	struct sdb *db;
	char *session, *cwd, *model, *prompt;
	int64_t created, updated;
	bool started, has_usage;
	struct tokens usage;
	struct sbuf text, id;
	struct hmap res;        /* toolResponse by id: (time << 2 | status) + 1 */
	sqlite3_stmt *ms;       /* its messages' statement */
	sqlite3_stmt *ms_id;    /* the same in id order: no sort */
	sqlite3_stmt *chk;      /* is id order the time order? */
	sqlite3_stmt *scan;     /* ids, times and texts: chk and responses at once */
	bool model_col;         /* sessions has model_config_json */
	/* the user messages whose content is a tool response (parsed by
	 * the scan), in id order, and their times: no prompt, so they need
	 * no parse again, nor a read in id order (ms_skip leaves them out) */
	struct resp { int64_t id, ts; } *resp;
	size_t nresp, capresp;
	sqlite3_stmt *ms_skip;  /* ms_id without them */
	sqlite3_stmt *ms_range; /* ms_skip by the range of the session's ids */
	int64_t minid, maxid, nrows;    /* the scan's rows (when in id order) */
	/* the items of the message being read, with their types looked up
	 * once (set_items: the message's records go over them again and
	 * again) */
	struct gitem { const struct jnode *it; int type; } *iv;
	int niv, capiv;
};

enum { GT_OTHER, GT_TEXT, GT_REQUEST, GT_RESPONSE };

static void set_str(char **dst, const char *s)
{
	char *v = s ? xstrdup(s) : NULL;
	free(*dst);
	*dst = v;
}

static void ev_of(const struct goose *g, struct event *e, const char *kind)
{
	ev_init(e);
	e->kind = kind;
	e->agent = "goose";
	e->session = g->session;
}

static void ensure_session(struct goose *g, int64_t ts)
{
	if (g->started)
		return;
	g->started = true;
	struct event e;
	ev_of(g, &e, "session");
	e.ts = g->created != TS_NONE ? g->created : ts;
	e.cwd = g->cwd;
	e.file = g->path;
	ev_session(g->c, &e);
}

/* "<session>:m<message id>" */
static const char *msg_id(struct goose *g, struct jdoc *d, int64_t id)
{
	sb_reset(&g->id);
	sb_adds(&g->id, g->session);
	sb_add(&g->id, ":m", 2);
	sb_addi(&g->id, id);    /* "%lld", without printf's cost at each message */
	return jstrdup(d, g->id.p, g->id.len);
}

static bool is_command(const char *t)
{
	if (t[0] != '/' || !isalpha((unsigned char)t[1]))
		return false;
	const char *p = t + 1;
	while (isalnum((unsigned char)*p) || *p == '-' || *p == '_')
		p++;
	return !*p || isspace((unsigned char)*p);
}

/* A count as recorded: NULL and negatives are 0, at most 2^53. */
static int64_t count(sqlite3_stmt *st, int i, bool *any)
{
	int64_t v = sdb_int(st, i, -1);
	if (v < 0)
		return 0;
	*any = true;
	return v > (INT64_C(1) << 53) ? INT64_C(1) << 53 : v;
}

/* The tool responses in content t[0..n) of a message sent at time at:
 * status and time by call id (the last of an id counts).  True when
 * the content is a JSON array with a toolResponse item. */
static bool response(struct goose *g, struct jdoc *d, const char *t, size_t n, int64_t at)
{
	bool any = false;
	if (jparse(d, t, n) < 0 || jroot(d)->type != J_ARR)
		return false;
	JFOR(d, jroot(d), it) {
		size_t il;
		if (!jeq(jget(d, it, "type"), "toolResponse"))
			continue;
		any = true;
		const char *id = jsn(d, jget(d, it, "id"), &il);
		if (!id)
			continue;
		const struct jnode *s = jget(d, jget(d, it, "toolResult"), "status");
		int64_t code = jeq(s, "success") ? 1 : jeq(s, "error") ? 2 : 0;
		*hm_put(&g->res, hash64(id, il, 0x9005e), NULL) =
			((at == TS_NONE ? 0 : at) << 2 | code) + 1;
	}
	return any;
}

/* The tool responses of the session: status and time by call id. */
static void responses(struct goose *g)
{
	sqlite3_stmt *st = sdb_prepare(g->db,
		"SELECT content_json, created_timestamp FROM messages "
		"WHERE session_id = ?1 AND instr(content_json, 'toolResponse') > 0");
	if (!st)
		return;
	sqlite3_bind_text(st, 1, g->session, -1, SQLITE_STATIC);
	struct jdoc d = {0};
	while (sdb_row(g->db, st)) {
		size_t n;
		const char *t = sdb_text(st, 0, &n);
		int64_t at = sdb_time(st, 1);
		if (t)
			response(g, &d, t, n, at);
	}
	sqlite3_finalize(st);
	jdoc_free(&d);
}

/* Is id order the time order: are the times, in id order, whole numbers
 * that never go back? */
static bool id_order(struct goose *g)
{
	if (!g->chk || !g->ms_id)
		return false;
	sqlite3_reset(g->chk);
	sqlite3_bind_text(g->chk, 1, g->session, -1, SQLITE_TRANSIENT);
	int rc;
	int64_t last = INT64_MIN;
	while ((rc = sqlite3_step(g->chk)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(g->chk, 0);
		if (sqlite3_column_type(g->chk, 0) != SQLITE_INTEGER || t < last)
			break;
		last = t;
	}
	sqlite3_reset(g->chk);
	return rc == SQLITE_DONE;
}

/* responses and id_order in one pass over the session's rows instead of
 * two, the texts searched with memmem rather than SQLite's instr (a byte
 * at a time): the rows in the order responses' statement reads them
 * (the index on the session: the order of their ids, which the scan
 * checks; else id_order asks in id order).  The ids of the contents that
 * are responses are kept (g->resp).  False, with nothing kept, when a
 * step fails: then responses and id_order say what they said. */
static bool scan(struct goose *g, bool *in_order)
{
	sqlite3_stmt *st = g->scan;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, g->session, -1, SQLITE_TRANSIENT);
	struct jdoc d = {0};
	int rc;
	bool up = true, times = true;
	int64_t last = INT64_MIN, lastid = INT64_MIN;
	g->nresp = 0;
	g->nrows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0), t = sqlite3_column_int64(st, 1);
		if (up && (sqlite3_column_type(st, 0) != SQLITE_INTEGER || id <= lastid))
			up = false;     /* not in id order, or ids not unique */
		if (!g->nrows++)
			g->minid = id;
		lastid = g->maxid = id;
		if (times && (sqlite3_column_type(st, 1) != SQLITE_INTEGER || t < last))
			times = false;
		last = t;
		size_t n;
		const char *s = sdb_text(st, 2, &n), *role;
		int64_t at;
		if (!s || !memmem(s, n, "toolResponse", 12) ||
		    !response(g, &d, s, n, (at = sdb_time(st, 1))) || !up ||
		    !(role = sdb_text(st, 3, NULL)) || strcmp(role, "user"))
			continue;
		if (g->nresp == g->capresp) {
			g->capresp = g->capresp ? 2 * g->capresp : 256;
			g->resp = xrealloc(g->resp, g->capresp * sizeof *g->resp);
		}
		g->resp[g->nresp++] = (struct resp){id, at};
	}
	sqlite3_reset(st);
	jdoc_free(&d);
	if (rc != SQLITE_DONE) {
		hm_clear(&g->res);
		g->nresp = 0;
		return false;
	}
	if (!up)
		g->nresp = 0;
	*in_order = up ? times && g->chk && g->ms_id : id_order(g);
	return true;
}

/* Message id is one of g->resp's. */
static bool is_resp(const struct goose *g, int64_t id)
{
	size_t lo = 0, hi = g->nresp;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;
		if (g->resp[m].id < id)
			lo = m + 1;
		else
			hi = m;
	}
	return lo < g->nresp && g->resp[lo].id == id;
}

/* goose_resp(id), for ms_skip: is id one of g->resp's? */
static void resp_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct goose *g = sqlite3_user_data(cx);
	sqlite3_result_int(cx, argc == 1 && sqlite3_value_type(argv[0]) == SQLITE_INTEGER &&
		is_resp(g, sqlite3_value_int64(argv[0])));
}

/* The items of a message's content (an array), each with its type, in
 * g->iv[0..niv). */
static void set_items(struct goose *g, struct jdoc *d, const struct jnode *content)
{
	g->niv = 0;
	JFOR(d, content, it) {
		GROW(g->iv, g->niv, g->capiv);
		const struct jnode *ty = jget(d, it, "type");
		g->iv[g->niv++] = (struct gitem){it, jeq(ty, "text") ? GT_TEXT :
			jeq(ty, "toolRequest") ? GT_REQUEST : jeq(ty, "toolResponse") ? GT_RESPONSE : GT_OTHER};
	}
}

/* The text items of the message's content. */
static bool content_text(struct goose *g, struct jdoc *d)
{
	sb_reset(&g->text);
	for (int i = 0; i < g->niv; i++)
		if (g->iv[i].type == GT_TEXT) {
			const struct jnode *t = jget(d, g->iv[i].it, "text");
			if (t && t->type == J_STR) {
				if (g->text.len)
					sb_addc(&g->text, '\n');
				jstr(t, &g->text);
			}
		}
	return g->text.len > 0;
}

static bool has_item(const struct goose *g, int type)
{
	for (int i = 0; i < g->niv; i++)
		if (g->iv[i].type == type)
			return true;
	return false;
}

/* Goose's text editor is one tool for reading and writing: a view is a
 * read. */
static const char *editor_kind(struct jdoc *d, const char *name, const struct jnode *args)
{
	const char *b = strstr(name, "__");
	b = b ? b + 2 : name;
	if (strcmp(b, "text_editor"))
		return NULL;
	return jeq(jget(d, args, "command"), "view") ? "read" : "write";
}

static void do_tool(struct goose *g, struct jdoc *d, const struct jnode *it,
	const char *llm, int64_t ts)
{
	size_t il;
	const char *id = jsn(d, jget(d, it, "id"), &il);
	if (!id || ev_seen(&g->c->seen_tool, g->session, id))
		return;
	const struct jnode *call = jget(d, it, "toolCall");
	const struct jnode *v = jget(d, call, "value");
	const char *name = js(d, jget(d, v, "name"));
	const struct jnode *args = jget(d, v, "arguments");
	struct event e;
	ev_of(g, &e, "tool");
	e.id = id;
	e.parent = llm;
	e.prompt = g->prompt;
	e.tool = name ? name : "unknown";
	e.tool_kind = editor_kind(d, e.tool, args);
	e.cwd = g->cwd;
	e.ts = ts;
	int64_t *r = hm_get(&g->res, hash64(id, il, 0x9005e));
	if (jeq(jget(d, call, "status"), "error")) {
		e.status = "error";     /* the model's call could not be made */
	} else if (r && *r) {
		int64_t x = *r - 1, end = x >> 2;
		e.status = (x & 3) == 1 ? "ok" : (x & 3) == 2 ? "error" : "unknown";
		if (end && ts != TS_NONE && end >= ts)
			e.duration_ms = end - ts;
	} else {
		e.status = "unknown";
	}
	const char *raw = "{}";
	size_t rl = 2;
	if (args && args->type == J_OBJ)
		rl = jraw(d, args, &raw);
	/* the effects of a view are a read's: ask for them under the name
	 * the table gives that kind */
	struct event fx = e;
	if (e.tool_kind && !strcmp(e.tool_kind, "read"))
		fx.tool = "text_editor view";
	e.class = effects_class(&fx, raw, rl);
	fx.class = e.class;
	ev_emit(g->c, &e);
	effects_tool(g->c, &fx, raw, rl);
}

static void do_message(struct goose *g, struct jdoc *d, sqlite3_stmt *ms)
{
	int64_t mid = sdb_int(ms, 0, 0);
	const char *role = sdb_text(ms, 1, NULL);
	int64_t ts = sdb_time(ms, 3);
	const struct jnode *content = jroot(d);
	const char *id = msg_id(g, d, mid);
	ensure_session(g, ts);
	set_items(g, d, content);
	bool text = content_text(g, d);
	struct event e;
	if (role && !strcmp(role, "user")) {
		/* a turn that only returns tool results is no prompt */
		if (!text || has_item(g, GT_RESPONSE))
			return;
		set_str(&g->prompt, id);
		if (ev_seen(&g->c->seen_prompt, g->session, id))
			return;
		ev_of(g, &e, "prompt");
		e.ts = ts;
		e.id = id;
		e.prompt = id;
		e.origin = is_command(g->text.p) ? "command" : "human";
		e.text = g->text.p;
		e.text_len = g->text.len;
		ev_emit(g->c, &e);
		return;
	}
	if (!role || strcmp(role, "assistant")) {
		lr_note(g->r, "role", "message %s with role %s; ignored", id, role ? role : "(none)");
		return;
	}
	/* the tool calls' slots in the seen set and in the responses,
	 * fetched while the call's record is written */
	for (int i = 0; i < g->niv; i++) {
		const struct jnode *tid;
		if (g->iv[i].type == GT_REQUEST && (tid = jget(d, g->iv[i].it, "id")) &&
		    tid->type == J_STR && !tid->flags) {
			ev_seen_prefetch2(&g->c->seen_tool, g->session, tid->s, tid->len);
			hm_prefetch(&g->res, hash64(tid->s, tid->len, 0x9005e));
		}
	}
	if (!ev_seen(&g->c->seen_call, g->session, id)) {
		ev_of(g, &e, "llm");
		e.ts = ts;
		e.id = id;
		e.parent = g->prompt;
		e.prompt = g->prompt;
		e.model = g->model;
		if (!g->has_usage)
			e.usage = "none";
		int nt = 0;
		for (int i = 0; i < g->niv; i++)
			nt += g->iv[i].type == GT_REQUEST;
		if (nt) {
			e.tools = jalloc(d, sizeof *e.tools * (size_t)nt);
			for (int i = 0; i < g->niv; i++)
				if (g->iv[i].type == GT_REQUEST) {
					const struct jnode *it = g->iv[i].it;
					const char *nm = js(d, jget(d, jget(d, jget(d, it, "toolCall"), "value"), "name"));
					e.tools[e.ntools++] = nm ? nm : "unknown";
				}
		}
		if (text) {
			e.text = g->text.p;
			e.text_len = g->text.len;
		}
		ev_emit(g->c, &e);
	}
	for (int i = 0; i < g->niv; i++)
		if (g->iv[i].type == GT_REQUEST)
			do_tool(g, d, g->iv[i].it, id, ts);
}

/* The session's accumulated usage, one record after its calls. */
static void usage_record(struct goose *g)
{
	if (!g->has_usage)
		return;
	struct sbuf id = {0};
	sb_printf(&id, "%s:usage", g->session);
	if (!ev_seen(&g->c->seen_call, g->session, id.p)) {
		struct event e;
		ev_of(g, &e, "llm");
		e.ts = g->updated != TS_NONE ? g->updated : g->created;
		e.id = id.p;
		e.model = g->model;
		e.usage = "session";
		e.has_tokens = true;
		e.tokens = g->usage;
		ensure_session(g, e.ts);
		ev_emit(g->c, &e);
	}
	sb_free(&id);
}

static void one_session(void *arg, sqlite3_stmt *ss)
{
	struct goose *g = arg;
	sqlite3_stmt *ms = g->ms;
	bool model_col = g->model_col;
	/* the messages in their time order, and by id among equal times:
	 * Goose's indexes give none, so SQLite sorts each session's rows,
	 * spilling those of a few MB to a file.  Goose appends them as they
	 * come, so their time order is their id order, which the index on
	 * the session gives as it is: taken when the times, read alone in id
	 * order first (no JSON copied), are whole numbers that never go back */
	set_str(&g->session, sdb_text(ss, 0, NULL));
	set_str(&g->cwd, sdb_text(ss, 1, NULL));
	set_str(&g->prompt, NULL);
	set_str(&g->model, NULL);
	g->created = sdb_time(ss, 2);
	g->updated = sdb_time(ss, 3);
	g->started = false;
	bool any = false;
	memset(&g->usage, 0, sizeof g->usage);
	int64_t in = count(ss, 4, &any), out = count(ss, 5, &any), total = count(ss, 6, &any);
	g->has_usage = any;
	g->usage.input = in;
	g->usage.output = out;
	if (total > in + out) {
		g->usage.reasoning = total - in - out;
		g->usage.output += g->usage.reasoning;
	}
	if (model_col) {
		size_t n;
		const char *mj = sdb_text(ss, 7, &n);
		struct jdoc d = {0};
		if (mj && jparse(&d, mj, n) == 0)
			set_str(&g->model, js(&d, jget(&d, jroot(&d), "model_name")));
		jdoc_free(&d);
	}
	if (!g->session)
		return;
	hm_clear(&g->res);
	bool in_order;
	if (!g->scan || !scan(g, &in_order)) {
		g->nresp = 0;
		responses(g);
		in_order = id_order(g);
	}
	if (in_order)
		ms = g->nresp && g->ms_skip ? g->ms_skip : g->ms_id;
	bool skip = ms == g->ms_skip;
	/* the same rows, of a session whose rows are most of those between
	 * its first and last id (the scan read them in id order: the first
	 * is the least), read from the table in that range, a step to the
	 * next row, rather than by the index on the session, a seek from the
	 * table's root for each row the responses left out leave behind */
	bool range = skip && g->ms_range &&
		(uint64_t)g->maxid - (uint64_t)g->minid < 2 * (uint64_t)g->nrows;
	if (range)
		ms = g->ms_range;
	size_t k = 0;   /* g->resp[k] is the next response left out */
	sqlite3_reset(ms);
	sqlite3_bind_text(ms, 1, g->session, -1, SQLITE_TRANSIENT);
	if (range) {
		sqlite3_bind_int64(ms, 2, g->minid);
		sqlite3_bind_int64(ms, 3, g->maxid);
	}
	struct jdoc d = {0};
	while (sdb_row(g->db, ms)) {
		const char *role;
		if (skip) {
			/* the responses left out before this message: what
			 * do_message would find, no prompt */
			for (int64_t id = sdb_int(ms, 0, 0); k < g->nresp && g->resp[k].id < id; k++)
				ensure_session(g, g->resp[k].ts);
		} else if (g->nresp && is_resp(g, sdb_int(ms, 0, 0)) && (role = sdb_text(ms, 1, NULL)) &&
		    !strcmp(role, "user")) {
			/* what do_message would find: no prompt */
			ensure_session(g, sdb_time(ms, 3));
			continue;
		}
		size_t n;
		const char *t = sdb_text(ms, 2, &n);
		if (!t || jparse(&d, t, n) < 0 || jroot(&d)->type != J_ARR) {
			lr_warn(g->r, "content", "session %s message %lld: content_json is not a JSON array; skipped",
				g->session, (long long)sdb_int(ms, 0, 0));
			continue;
		}
		do_message(g, &d, ms);
	}
	for (; skip && k < g->nresp; k++)
		ensure_session(g, g->resp[k].ts);
	jdoc_free(&d);
	ensure_session(g, TS_NONE);
	usage_record(g);
	ev_file_done(g->c);
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct goose g = {.c = c, .r = r, .path = path, .created = TS_NONE, .updated = TS_NONE};
	const char *only = NULL, *why;
	char *file = agent_path_split(path, &only);
	struct sdb s;
	if (sdb_open(&s, file ? file : path, &why)) {
		diag_at(path, 0, "%s", why);
		diag_errors++;
		free(file);
		return;
	}
	s.name = path;
	g.db = &s;
	if (s.nowal)
		lr_note(r, "wal", "its write-ahead log (-wal) cannot be read here; its newest rows are left out");
	if (!sdb_has(&s, "sessions", "working_dir") || !sdb_has(&s, "messages", "content_json")) {
		diag_at(path, 0, "a SQLite database without Goose's tables (sessions, messages)");
		diag_errors++;
		sdb_close(&s);
		free(file);
		return;
	}
	bool model_col = sdb_has(&s, "sessions", "model_config_json");
	bool acc = sdb_has(&s, "sessions", "accumulated_total_tokens");
	struct sbuf q = {0};
	sb_printf(&q, "SELECT id, working_dir, created_at, updated_at, %s, %s FROM sessions %s",
		acc ? "accumulated_input_tokens, accumulated_output_tokens, accumulated_total_tokens" :
		"NULL, NULL, NULL",
		model_col ? "model_config_json" : "NULL",
		only ? "WHERE id = ?1" : "ORDER BY created_at, id");
	sqlite3_stmt *ss = sdb_prepare(&s, q.p);
	sqlite3_stmt *ms = sdb_prepare(&s,
		"SELECT id, role, content_json, created_timestamp FROM messages "
		"WHERE session_id = ?1 ORDER BY created_timestamp, id");
	/* the two for id order, unreported when SQLite refuses them: the
	 * sorted statement does then */
	if (sqlite3_prepare_v2(s.db, "SELECT id, role, content_json, created_timestamp FROM messages "
	    "WHERE session_id = ?1 ORDER BY id", -1, &g.ms_id, NULL) != SQLITE_OK)
		g.ms_id = NULL;
	if (sqlite3_prepare_v2(s.db, "SELECT created_timestamp FROM messages WHERE session_id = ?1 "
	    "ORDER BY id", -1, &g.chk, NULL) != SQLITE_OK)
		g.chk = NULL;
	if (sqlite3_prepare_v2(s.db, "SELECT id, created_timestamp, content_json, role FROM messages "
	    "WHERE session_id = ?1", -1, &g.scan, NULL) != SQLITE_OK)
		g.scan = NULL;
	if (sqlite3_create_function(s.db, "goose_resp", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, &g,
	    resp_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s.db, "SELECT id, role, content_json, created_timestamp FROM messages "
	    "WHERE session_id = ?1 AND NOT goose_resp(id) ORDER BY id", -1, &g.ms_skip, NULL) != SQLITE_OK)
		g.ms_skip = NULL;
	/* (NOT INDEXED: the session's test made on the rows, the index on
	 * it left alone, as the statements above compare, with the column's
	 * affinity: a unary + would drop it, and a session_id declared
	 * INTEGER would hold 1 where the bound id is '1'; only where id is
	 * the rowid, the range a search of the table) */
	static const char range_sql[] = "SELECT id, role, content_json, created_timestamp "
		"FROM messages NOT INDEXED WHERE id BETWEEN ?2 AND ?3 AND session_id = ?1 "
		"AND NOT goose_resp(id) ORDER BY id";
	if (!g.ms_skip || !sdb_plan_uses(&s, range_sql, "USING INTEGER PRIMARY KEY") ||
	    sqlite3_prepare_v2(s.db, range_sql, -1, &g.ms_range, NULL) != SQLITE_OK)
		g.ms_range = NULL;
	sb_free(&q);
	if (ss && ms) {
		g.ms = ms;
		g.model_col = model_col;
		sdb_each_session(&s, ss, only, one_session, &g);
	}
	sqlite3_finalize(ss);
	sqlite3_finalize(ms);
	sqlite3_finalize(g.ms_id);
	sqlite3_finalize(g.chk);
	sqlite3_finalize(g.scan);
	sqlite3_finalize(g.ms_skip);
	sqlite3_finalize(g.ms_range);
	free(g.resp);
	free(g.iv);
	sdb_close(&s);
	free(file);
	free(g.session);
	free(g.cwd);
	free(g.model);
	free(g.prompt);
	sb_free(&g.text);
	sb_free(&g.id);
	hm_free(&g.res);
}

/* A database with sessions and messages and without the Go opencode's
 * files table: 95. */
static int sniff(const struct agent_head *h)
{
	if (h->part && h->n < 16)
		return agent_head_short(h), 0;  /* sdb_magic's bytes */
	if (!sdb_magic(h->p, h->n))
		return 0;
	const char *t = sdb_tables(h->path);
	return t && strstr(t, " sessions ") && strstr(t, " messages ") && !strstr(t, " files ") ? 95 : 0;
}

/* --- its history (agent-sessions) ---------------------------------------- */

static bool db_name(const char *name, int depth)
{
	return !strcmp(name, "sessions.db");
}

static void find_in(struct history *h, const char *data)
{
	char *d = path_join(data, "sessions");
	history_walk(h, d, 0, db_name, NULL, false);
	free(d);
}

/* sessions/sessions.db in $GOOSE_PATH_ROOT/data, $XDG_DATA_HOME/goose and
 * ~/.local/share/goose. */
static void find(struct history *h, const char *home)
{
	const char *root = getenv("GOOSE_PATH_ROOT");
	if (root && *root) {
		char *d = path_join(root, "data");
		find_in(h, d);
		free(d);
	}
	sdb_data_dirs(h, home, "goose", find_in);
}

static int probe(const struct agent *a, struct session_probe *p, const char **why)
{
	struct sdb s;
	if (sdb_open(&s, p->path, why))
		return -1;
	sqlite3_stmt *st = sdb_prepare(&s,
		"SELECT s.id, s.working_dir, s.created_at, s.updated_at, "
		"(SELECT max(created_timestamp) FROM messages m WHERE m.session_id = s.id) "
		"FROM sessions s ORDER BY s.created_at, s.id");
	struct sdb_list l = {.p = p};
	while (sdb_row(&s, st)) {
		const char *id = sdb_text(st, 0, NULL);
		if (!id || !*id)
			continue;
		struct session_meta *m = sdb_list_add(&l, id);
		sdb_list_str(&m->cwd, sdb_text(st, 1, NULL));
		for (int i = 2; i <= 4; i++)
			sdb_list_time(m, sdb_time(st, i));
	}
	return sdb_list_end(&l, &s, st, why);
}

/* --- the agent ------------------------------------------------------------ */

/* Its tools: the developer extension's, named EXTENSION__TOOL, and the
 * same names without the extension (newer builds).  Other extensions'
 * tools are MCP tools by the naming rule. */
static const struct tool_map goose_tools[] = {
	TOOL("developer__shell", TK_SHELL), TOOL("shell", TK_SHELL),
	TOOL("developer__text_editor", TK_WRITE), TOOL("text_editor", TK_WRITE),
	TOOL("text_editor view", TK_READ),
	TOOL("developer__analyze", TK_SEARCH), TOOL("analyze", TK_SEARCH),
	TOOL("developer__list_windows", TK_OTHER), TOOL("developer__screen_capture", TK_OTHER),
	TOOL("developer__image_processor", TK_OTHER),
	TOOL("todo__todo_write", TK_PLAN), TOOL("todo__todo_read", TK_PLAN),
	TOOL("todo_write", TK_PLAN), TOOL("todo_read", TK_PLAN),
	TOOL("dynamic_task__create_task", TK_DELEGATE), TOOL("subagent__execute_task", TK_DELEGATE),
	TOOL("platform__manage_extensions", TK_OTHER), TOOL("platform__search_available_extensions", TK_OTHER),
	TOOL("platform__read_resource", TK_READ), TOOL("platform__list_resources", TK_LIST),
	TOOL("computercontroller__web_scrape", TK_WEB), TOOL("computercontroller__web_search", TK_WEB),
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_goose = {
	.name = "goose",
	.title = "Goose",
	.tools = goose_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = probe,
	.find = find,
};
