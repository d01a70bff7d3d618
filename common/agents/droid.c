/* SPDX-License-Identifier: MIT */
/* droid.c: Factory's Droid.
 *
 * Droid keeps a session in ~/.factory/sessions/<cwd slug>/<id>.jsonl: a
 * first record {"type":"session_start", id, title, owner, version, cwd},
 * then {"type":"message", id, timestamp, parentId, message{role,
 * content[]}} records whose content blocks are the Messages API's (text,
 * thinking, tool_use, tool_result).  Each assistant message is one model
 * call.  Its tokens are not in the transcript: <id>.settings.json beside
 * it holds tokenUsage, the session's running total, rewritten after each
 * turn.  That total is written as one llm record with usage "session"
 * (agent-event(5)), never spread over the calls.  Should a message carry
 * a usage of its own, the calls are counted from those and the total is
 * left out, so that no token is counted twice.
 *
 * `droid exec -o stream-json` prints another format, one run per stream:
 * {"type":"system", session_id, model, cwd}, {"type":"message", role,
 * text}, {"type":"tool_call", toolCallId, toolName, parameters},
 * {"type":"tool_result", toolCallId, value{stdout, exitCode}} and a last
 * {"type":"completion", finalText, usage}: the run's total. */
#include <ctype.h>
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
#include "turns.h"

#define SETTINGS_MAX ((size_t)1 << 20)

/* --- the settings file beside a transcript -------------------------------- */

/* path's <id>.jsonl as <id>.settings.json (malloc'd), or NULL */
static char *settings_path(const char *path)
{
	size_t n = strlen(path);
	if (n < 6 || strcmp(path + n - 6, ".jsonl"))
		return NULL;
	char *s = xmalloc(n + 9);
	memcpy(s, path, n - 6);
	strcpy(s + n - 6, ".settings.json");
	return s;
}

/* The whole of a small regular file (NUL-ended, malloc'd), or NULL. */
static char *read_small(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *buf = NULL;
	*len = 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (size_t)st.st_size <= SETTINGS_MAX) {
		buf = xmalloc((size_t)st.st_size + 1);
		while (*len < (size_t)st.st_size) {
			ssize_t r = read(fd, buf + *len, (size_t)st.st_size - *len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			*len += (size_t)r;
		}
		buf[*len] = 0;
	}
	close(fd);
	return buf;
}

static int64_t count(struct jdoc *d, const struct jnode *o, const char *key)
{
	int64_t v = jint(jget(d, o, key), 0);
	return v < 0 ? 0 : v > (INT64_C(1) << 40) ? INT64_C(1) << 40 : v;
}

/* "Claude-Sonnet-4.5-[Anthropic]", "custom:GLM-4.6-[Z.AI]": the model
 * name without Droid's provider brackets and custom: prefix, in lower
 * case (and a Claude model's dots as dashes), so that a price table knows
 * it: claude-sonnet-4-5, glm-4.6. */
static const char *model_name(struct jdoc *d, const char *m)
{
	if (!m)
		return NULL;
	if (!strncmp(m, "custom:", 7))
		m += 7;
	size_t n = strlen(m);
	char *s = jalloc(d, n + 1), *o = s;
	int depth = 0;
	for (const char *p = m; *p; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && depth)
			depth--;
		else if (!depth)
			*o++ = (char)tolower((unsigned char)*p);
	}
	while (o > s && (o[-1] == '-' || o[-1] == ' '))
		o--;
	*o = 0;
	/* Anthropic's own ids have no dots: claude-sonnet-4-5 */
	if (!strncmp(s, "claude-", 7))
		for (char *q = s; *q; q++)
			if (*q == '.')
				*q = '-';
	return *s ? s : NULL;
}

struct settings {
	bool found, has_tokens;
	struct tokens tok;
	char *model;
	int64_t ts;
};

/* tokenUsage{inputTokens, outputTokens, cacheCreationTokens,
 * cacheReadTokens, thinkingTokens}: thinking is billed as output and not
 * part of outputTokens (as ccusage reads it), input excludes the cache. */
static void read_settings(struct lreader *r, const char *path, struct settings *s)
{
	memset(s, 0, sizeof *s);
	s->ts = TS_NONE;
	char *sp = settings_path(path);
	size_t len;
	char *buf = sp ? read_small(sp, &len) : NULL;
	if (!buf) {
		free(sp);
		return;
	}
	s->found = true;
	struct jdoc d = {0};
	const struct jnode *o;
	if (jparse(&d, buf, len) < 0 || !(o = jroot(&d)) || o->type != J_OBJ) {
		diag_at(sp, 0, "not a JSON object; the session's tokens are unknown");
		diag_errors++;
	} else {
		const struct jnode *u = jget(&d, o, "tokenUsage");
		if (u && u->type == J_OBJ) {
			struct tokens *k = &s->tok;
			s->has_tokens = true;
			k->input = count(&d, u, "inputTokens");
			k->cache_read = count(&d, u, "cacheReadTokens");
			k->cache_write = count(&d, u, "cacheCreationTokens");
			k->reasoning = count(&d, u, "thinkingTokens");
			k->output = count(&d, u, "outputTokens") + k->reasoning;
			if (!(k->input | k->cache_read | k->cache_write | k->output) &&
			    jint(jget(&d, u, "totalTokens"), 0) > 0) {
				lr_note(r, "droidtotal", "%s: tokenUsage has only totalTokens, which "
					"cannot be split into kinds; left out", sp);
				s->has_tokens = false;
			}
		} else {
			lr_note(r, "droidnotok", "%s: no tokenUsage; the session's tokens are unknown", sp);
		}
		const char *m = model_name(&d, js(&d, jget(&d, o, "model")));
		s->model = m ? xstrdup(m) : NULL;
		size_t tl;
		const char *t = jsn(&d, jget(&d, o, "providerLockTimestamp"), &tl);
		s->ts = t ? ts_parse(t, tl) : TS_NONE;
	}
	jdoc_free(&d);
	free(buf);
	free(sp);
}

/* --- the session file ------------------------------------------------------ */

struct droid {
	struct turns t;
	struct jdoc d;
	struct settings set;
	int64_t last;           /* the last record's time */
	bool call_usage;        /* a message carried its own usage */
	bool stream, after_assistant;
	struct sbuf model;      /* stream-json: the run's model */
};

static int64_t ts_of(struct jdoc *d, const struct jnode *n)
{
	size_t l;
	const char *s = jsn(d, n, &l);
	return s ? ts_parse(s, l) : TS_NONE;
}

/* Droid's tool results: "is_error", or a text that starts "Error:"; a
 * failed Execute says "(exit code: N)". */
static const char *result(struct jdoc *d, const struct jnode *b, const char **status, int64_t *exit)
{
	const struct jnode *c = jget(d, b, "content");
	struct sbuf t = {0};
	if (c && c->type == J_STR)
		jstr(c, &t);
	JFOR(d, c && c->type == J_ARR ? c : NULL, it)
		jstr(jget(d, it, "text"), &t);
	bool err = jtrue(jget(d, b, "is_error")) || (t.len >= 6 && !memcmp(t.p, "Error:", 6));
	*status = err ? "error" : "ok";
	const char *e = err && t.p ? strstr(t.p, "exit code: ") : NULL;
	if (e && isdigit((unsigned char)e[11]))
		*exit = strtol(e + 11, NULL, 10);
	sb_free(&t);
	return js(d, jget(d, b, "tool_use_id"));
}

static void usage_of(struct jdoc *d, const struct jnode *u, struct tokens *k)
{
	memset(k, 0, sizeof *k);
	k->input = count(d, u, "input_tokens");
	k->cache_read = count(d, u, "cache_read_input_tokens");
	k->cache_write = count(d, u, "cache_creation_input_tokens");
	k->output = count(d, u, "output_tokens");
}

static void session_start(struct droid *s, const struct jnode *o)
{
	struct jdoc *d = &s->d;
	struct turns *t = &s->t;
	if (t->started) {
		lr_note(t->r, "restart", "a second session_start; its records join the first session");
		return;
	}
	const char *id = js(d, jget(d, o, "id"));
	if (id && *id) {
		sb_reset(&t->session);
		sb_adds(&t->session, id);
	}
	const char *cwd = js(d, jget(d, o, "cwd"));
	if (cwd && *cwd) {
		sb_reset(&t->cwd);
		sb_adds(&t->cwd, cwd);
	}
	const struct jnode *v = jget(d, o, "version");
	sb_reset(&t->version);
	if (v && v->type == J_STR)
		jstr(v, &t->version);
	else if (v && v->type == J_NUM)
		sb_add(&t->version, v->s, v->len);
}

/* ts: the record's timestamp, read once by run */
static void message(struct droid *s, const struct jnode *o, int64_t ts)
{
	struct jdoc *d = &s->d;
	const struct jnode *m = jget(d, o, "message");
	const char *id = js(d, jget(d, o, "id"));
	if (!m || m->type != J_OBJ) {
		lr_warn(s->t.r, "nomsg", "message record without a message object; skipped");
		return;
	}
	if (s->t.ts0 == TS_NONE)
		s->t.ts0 = ts;
	const struct jnode *role = jget(d, m, "role"), *content = jget(d, m, "content");
	if (jeq(role, "assistant")) {
		const struct jnode *u = jget(d, m, "usage");
		struct tokens k;
		if (u && u->type == J_OBJ) {
			usage_of(d, u, &k);
			s->call_usage = true;
		}
		s->t.usage = u && u->type == J_OBJ ? NULL : s->set.has_tokens ? NULL : "none";
		turns_assistant(&s->t, d, content, id, ts, model_name(d, js(d, jget(d, m, "model"))),
			u && u->type == J_OBJ ? &k : NULL, NULL);
	} else if (jeq(role, "user")) {
		turns_user(&s->t, d, content, id, ts, result, NULL);
	} else {
		lr_note(s->t.r, "role", "message role not known; skipped");
	}
}

/* --- stream-json ----------------------------------------------------------- */

static const char *model_of(const struct droid *s)
{
	return s->model.len ? s->model.p : NULL;
}

static void stream_record(struct droid *s, const struct jnode *o, const struct jnode *type, int64_t ts)
{
	struct jdoc *d = &s->d;
	struct turns *t = &s->t;
	const char *id = js(d, jget(d, o, "id"));
	bool was_assistant = s->after_assistant;
	s->after_assistant = false;
	if (jeq(type, "system")) {
		const char *sid = js(d, jget(d, o, "session_id")), *cwd = js(d, jget(d, o, "cwd"));
		const char *model = js(d, jget(d, o, "model"));
		if (sid && *sid && !t->started) {
			sb_reset(&t->session);
			sb_adds(&t->session, sid);
		}
		if (cwd && *cwd && !t->started) {
			sb_reset(&t->cwd);
			sb_adds(&t->cwd, cwd);
		}
		if (model && *model) {
			sb_reset(&s->model);
			sb_adds(&s->model, model);
		}
		if (t->ts0 == TS_NONE)
			t->ts0 = ts;
		return;
	}
	if (jeq(type, "tool_call")) {
		if (!t->held)       /* a call whose choice printed no text */
			turns_hold(t, NULL, ts, model_of(s), NULL, NULL, NULL, 0);
		const struct jnode *p = jget(d, o, "parameters");
		const char *raw = NULL;
		size_t n = p && p->type == J_OBJ ? jraw(d, p, &raw) : 0;
		turns_hold_tool(t, js(d, jget(d, o, "toolCallId")), js(d, jget(d, o, "toolName")), raw, n);
		s->after_assistant = true;
		return;
	}
	turns_release(t);
	if (jeq(type, "message")) {
		const struct jnode *role = jget(d, o, "role");
		const char *text = js(d, jget(d, o, "text"));
		if (jeq(role, "assistant")) {
			turns_hold(t, id, ts, model_of(s), NULL, NULL, text, text ? strlen(text) : 0);
			s->after_assistant = true;
		} else if (jeq(role, "user")) {
			turns_prompt(t, id, ts, "human", text ? text : "", text ? strlen(text) : 0);
		}
	} else if (jeq(type, "tool_result")) {
		const struct jnode *v = jget(d, o, "value");
		int64_t exit = jint(jget(d, v, "exitCode"), EV_NONE);
		bool err = jtrue(jget(d, o, "isError")) || jget(d, o, "error") ||
			(exit != EV_NONE && exit != 0);
		turns_result(t, js(d, jget(d, o, "toolCallId")), ts, err ? "error" : "ok", exit);
	} else if (jeq(type, "completion")) {
		/* the final answer: a call of its own unless the last record
		 * was the assistant message that said it */
		const char *text = js(d, jget(d, o, "finalText"));
		if (!was_assistant && text && *text)
			turns_call(t, id, ts, model_of(s), NULL, NULL, NULL, 0, text, strlen(text));
		const struct jnode *u = jget(d, o, "usage");
		if (u && u->type == J_OBJ) {
			struct tokens k;
			usage_of(d, u, &k);
			if (k.input | k.cache_read | k.cache_write | k.output)
				turns_total(t, NULL, ts, model_of(s), &k);
			else if (jget(d, u, "total_tokens"))
				lr_note(t->r, "droidtotal", "completion usage has only total_tokens, "
					"which cannot be split into kinds; left out");
		} else {
			lr_note(t->r, "droidnousage", "completion without usage: this run's tokens are unknown");
		}
	} else if (!jeq(type, "error")) {
		lr_note(t->r, "type", "record type \"%.40s\" not known; skipped", js(d, type));
	}
}

/* --- the file --------------------------------------------------------------- */

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct droid s;
	memset(&s, 0, sizeof s);
	turns_init(&s.t, c, r, "droid");
	s.last = TS_NONE;
	bool first = true;
	char *line;
	size_t len;
	while (lr_next_nonblank(r, &line, &len)) {
		const struct jnode *o = ev_parse_line(r, &s.d, line, len);
		if (!o)
			continue;
		const struct jnode *type = jget(&s.d, o, "type");
		if (first) {
			first = false;
			s.stream = jget(&s.d, o, "session_id") != NULL;
			if (!s.stream)
				read_settings(r, path, &s.set);
		}
		int64_t ts = ts_of(&s.d, jget(&s.d, o, "timestamp"));
		if (ts != TS_NONE)
			s.last = ts;
		if (s.stream)
			stream_record(&s, o, type, ts);
		else if (jeq(type, "message"))
			message(&s, o, ts);
		else if (jeq(type, "session_start"))
			session_start(&s, o);
		else if (!jeq(type, "session_event") && !jeq(type, "todo_state"))
			lr_note(r, "type", "record type \"%.40s\" not known; skipped",
				type && type->type == J_STR ? js(&s.d, type) : "(none)");
	}
	turns_release(&s.t);
	if (!s.stream) {
		if (s.set.has_tokens && s.call_usage)
			lr_note(r, "droidboth", "messages carry usage: the session total of "
				"settings.json is left out (the same calls)");
		else if (s.set.has_tokens)
			turns_total(&s.t, NULL, s.last != TS_NONE ? s.last : s.set.ts, s.set.model, &s.set.tok);
		else if (!s.set.found && !s.call_usage)
			lr_note(r, "droidnosettings", "no <id>.settings.json beside it: the session's tokens are unknown");
	}
	turns_done(&s.t);
	free(s.set.model);
	sb_free(&s.model);
	jdoc_free(&s.d);
}

/* --- recognising its files ---------------------------------------------------- */

/* Droid's stream-json record types that no other agent writes with a
 * "session_id" */
static bool stream_type(const struct agent_head *h, int i)
{
	return agent_rec_get(h, i, "session_id") &&
		(agent_rec_is(h, i, "type", "tool_call") || agent_rec_is(h, i, "type", "completion") ||
		(agent_rec_is(h, i, "type", "message") && agent_rec_get(h, i, "role")));
}

/* 95: a session_start first record, or stream-json's own records; 75:
 * message records with a message object and no Claude keys. */
static int sniff(const struct agent_head *h)
{
	if (h->best >= 95)
		return 0;       /* no score of ours is more */
	if (agent_rec_is(h, 0, "type", "session_start") && agent_rec_get(h, 0, "id"))
		return 95;
	int msgs = 0;
	for (int i = 0; i < 8 && agent_head_rec(h, i); i++) {
		if (stream_type(h, i))
			return 95;
		const struct agent_member *m = agent_rec_get(h, i, "message");
		if (agent_rec_is(h, i, "type", "message") && m && m->type == J_OBJ &&
		    !agent_rec_get(h, i, "sessionId") && !agent_rec_get(h, i, "uuid"))
			msgs++;
	}
	return msgs ? 75 : 0;
}

/* <id>.settings.json: read with <id>.jsonl */
static bool companion(const char *path)
{
	const char *b = agent_file_base(path);
	size_t n = strlen(b);
	return n > 14 && !strcmp(b + n - 14, ".settings.json");
}

/* --- its history (agent-sessions) ------------------------------------------ */

/* $DROID_SESSIONS_DIR (ccusage's name for it), else
 * ~/.factory/sessions: <cwd slug>/<id>.jsonl, and <id>.jsonl at its top
 * in older releases. */
static void find(struct history *h, const char *home)
{
	const char *env = getenv("DROID_SESSIONS_DIR");
	char *dir = env && *env ? xstrdup(env) : path_join(home, ".factory/sessions");
	history_walk(h, dir, 2, history_jsonl, NULL, false);
	free(dir);
}

static bool probe_record(struct session_probe *p, struct jdoc *d, const struct jnode *r)
{
	struct session_meta *m = p->m;
	if (jeq(jget(d, r, "type"), "session_start")) {
		probe_str(p, &m->id, jget(d, r, "id"));
		const struct jnode *v = jget(d, r, "version");
		if (v && v->type == J_NUM && !m->version)
			m->version = xstrndup(v->s, v->len);
		probe_str(p, &m->version, v);
	}
	probe_str(p, &m->id, jget(d, r, "session_id"));
	probe_str(p, &m->cwd, jget(d, r, "cwd"));
	return m->id && m->cwd;
}

static const struct agent_probe probe = {
	.record = probe_record,
	.doc_tail = true,
};

static const char *const group_keys[] = {"session_id", NULL};
static const char *const time_keys[] = {"timestamp", NULL};

/* Its tool names and their kinds (toolkind.h): Droid 0.2x to 0.8x, and
 * the names stream-json gives (Shell). */
static const struct tool_map droid_tools[] = {
	TOOL("Read", TK_READ),
	TOOL("Create", TK_WRITE), TOOL("Edit", TK_WRITE), TOOL("MultiEdit", TK_WRITE),
	TOOL("ApplyPatch", TK_PATCH),
	TOOL("Grep", TK_SEARCH), TOOL("Glob", TK_SEARCH),
	TOOL("LS", TK_LIST),
	TOOL("Execute", TK_SHELL), TOOL("Shell", TK_SHELL),
	TOOL("FetchUrl", TK_WEB), {"WebSearch", TK_WEB, TA_QUERY, NULL},
	TOOL("Task", TK_DELEGATE),
	TOOL("TodoWrite", TK_PLAN), TOOL("ExitSpecMode", TK_PLAN),
	/* GenerateDroid, slack and linear integrations: other */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_droid = {
	.name = "droid",
	.title = "Droid",
	.tools = droid_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.group_keys = group_keys,
	.time_keys = time_keys,
	.companion = companion,
};
