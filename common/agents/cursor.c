/* SPDX-License-Identifier: MIT */
/* cursor.c: cursor-agent, the Cursor CLI.
 *
 * cursor-agent writes a session's transcript to
 * ~/.cursor/projects/<workspace slug>/agent-transcripts/<id>.jsonl (or
 * <id>/<id>.jsonl), a subagent's to <id>/subagents/<child>.jsonl: one
 * line per message, {"role": "user"|"assistant", "message": {"content":
 * [text and tool_use blocks]}}, the person's text wrapped in
 * <user_query>.  Nothing else: no ids, times, model, tokens, cost or tool
 * results.  So each assistant line is one model call with usage "none"
 * (agent-event(5)) and no tokens, and each tool call's status is
 * unknown; ids are made from the session and a count.
 *
 * The older chat store (~/.cursor/chats/<md5>/<id>/store.db, and the
 * IDE's state.vscdb) is left out: content-addressed blobs of JSON and of
 * an undocumented protobuf graph, with no usage either (agent-events(1)
 * says what would bring it in). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "agent.h"
#include "events.h"
#include "sessions.h"
#include "turns.h"

/* "<user_query>\ntext\n</user_query>": the text */
static size_t unwrap(char *s, size_t n)
{
	static const char open[] = "<user_query>", close[] = "</user_query>";
	char *a = memmem(s, n, open, sizeof open - 1);
	if (!a)
		return n;
	a += sizeof open - 1;
	char *e = memmem(a, n - (size_t)(a - s), close, sizeof close - 1);
	if (!e)
		e = s + n;
	while (a < e && (*a == '\n' || *a == '\r' || *a == ' '))
		a++;
	while (e > a && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
		e--;
	memmove(s, a, (size_t)(e - a));
	s[e - a] = 0;
	return (size_t)(e - a);
}

static const char *no_result(struct jdoc *d, const struct jnode *b, const char **status, int64_t *exit)
{
	(void)exit;
	*status = jtrue(jget(d, b, "is_error")) ? "error" : "ok";
	return js(d, jget(d, b, "tool_use_id"));
}

/* <id>/subagents/<child>.jsonl: the parent's id from the path */
static int subagent(const char *path, char **parent)
{
	const char *d, *t;
	if (agent_dir_up(path, 0, &d) != 9 || memcmp(d, "subagents", 9))
		return 0;
	size_t l = agent_dir_up(path, 1, &t);
	const char *a;
	size_t al = agent_dir_up(path, 2, &a);
	/* only under agent-transcripts/<id>/ (Claude's subagents/ lie in
	 * projects/<project>/<session>/) */
	if (!l || !(al == 17 && !memcmp(a, "agent-transcripts", 17)))
		return 0;
	*parent = xstrndup(t, l);
	return 1;
}

static bool has_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), k = strlen(x);
	return n >= k && !strcmp(s + n - k, x);
}

/* A SQLite database: the older chat store */
static bool is_sqlite(const char *p, size_t n)
{
	return n >= 16 && !memcmp(p, "SQLite format 3", 16);
}

/* --- the short way ----------------------------------------------------------
 * cursor-agent writes every line compact, its keys in one order:
 *   {"role":"assistant"|"user","message":{"content":[B,B,...]}}
 * each block B one of
 *   {"type":"text","text":"S"}
 *   {"type":"thinking","thinking":"S"}
 *   {"type":"tool_use"[,"id":"S"],"name":"S","input":{...}}
 * A line of exactly such text (no spaces; each S valid JSON text without
 * \u0000, raw control bytes or invalid UTF-8; each input an object that
 * jparse reads alone without a word, nested at most SHORT_DEPTH deep) is
 * a line jparse reads without a word, into an object of one member of
 * each key: what run() and turns_assistant or turns_user do with its tree
 * is done here from the text, in one pass and without a node for what
 * they drop (the thinking, most of a line's bytes).  Any other line goes
 * the long way, which says what is wrong with it as before. */
#define SHORT_BLOCKS 32         /* blocks of a line: more go the long way */
#define SHORT_DEPTH 64          /* an input's nesting: deeper goes the long way */

struct cblock {
	bool tool;              /* tool_use; else text */
	struct jnode s;         /* the text's text; the tool's name */
	struct jnode id;        /* the tool's id: type J_NULL when it has none */
	const char *in;         /* the tool's input, its JSON text */
	size_t inl;
	size_t name;            /* the name's offset in names */
};

struct cshort {
	struct jdoc sd;         /* an input parsed alone */
	struct cblock b[SHORT_BLOCKS];
	struct sbuf text, names, id;
	const char *bnames[SHORT_BLOCKS];
};

/* The long way for every line (tests compare the two). */
static bool long_way;

static bool lit(const char **p, const char *e, const char *s, size_t n)
{
	if ((size_t)(e - *p) < n || memcmp(*p, s, n))
		return false;
	*p += n;
	return true;
}
#define LIT(p, e, s) lit(p, e, s, sizeof s - 1)

/* The JSON string whose text starts at p, checked as jparse checks it,
 * into n as jparse makes its node: past its closing quote; NULL for a
 * string jparse rejects or flags JF_BAD or JF_NUL (and for a raw control
 * byte, which jparse lets through: the long way takes those).  Long: a
 * thought, read 64 bytes a step (the other strings are mostly short:
 * the step's four blocks would cost them more than they save). */
static inline __attribute__((always_inline)) const char *short_str(const char *p, const char *e,
	struct jnode *n, bool lng)
{
	const char *s = p;
	uint8_t fl = 0;
	for (;;) {
		p = lng ? jscan_stop64(p, e) : jscan_stop(p, e);
		if (p >= e)
			return NULL;
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c == '\\') {
			size_t l = jesc_len(p, e);
			if (!l)
				return NULL;
			fl |= JF_ESC;
			p += l;
		} else if (c >= 0x80) {
			size_t l = utf8_valid_len(p, (size_t)(e - p));
			if (!l)
				return NULL;
			fl |= JF_HIGH;
			p += l;
		} else {
			return NULL;
		}
	}
	*n = (struct jnode){ .type = J_STR, .flags = fl, .len = (uint32_t)(p - s),
		.raw = (uint32_t)(p - s + 2), .s = s };
	return p + 1;
}

/* The object whose text starts at p (its brace): past its closing brace,
 * found by its brackets outside strings, then checked by jparse on it
 * alone; NULL when it is no such object, or nested deeper than
 * SHORT_DEPTH (the line's parse counts four levels above it). */
static const char *short_obj(struct cshort *k, const char *p, const char *e)
{
	const char *q = p;
	int depth = 0;
	for (;;) {
		if (q >= e)
			return NULL;
		char c = *q++;
		if (c == '"') {
			q = jscan_str_end(q, e);
			if (q >= e)
				return NULL;
			q++;
		} else if (c == '{' || c == '[') {
			if (++depth > SHORT_DEPTH)
				return NULL;
		} else if (c == '}' || c == ']') {
			if (!--depth)
				break;
		}
	}
	if (jparse(&k->sd, p, (size_t)(q - p)) || k->sd.badutf8)
		return NULL;
	return q;
}

/* The line s[0..n) read the short way: false when it is not of the shape
 * above (nothing was done then). */
static bool short_line(struct cshort *k, struct turns *t, const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	bool user;
	if (long_way || n > UINT32_MAX / 2)
		return false;
	if (LIT(&p, e, "{\"role\":\"assistant\",\"message\":{\"content\":["))
		user = false;
	else if (LIT(&p, e, "{\"role\":\"user\",\"message\":{\"content\":["))
		user = true;
	else
		return false;
	int nb = 0;
	if (!LIT(&p, e, "]")) {
		for (;;) {
			if (!LIT(&p, e, "{\"type\":\""))
				return false;
			struct cblock *b = &k->b[nb];
			if (LIT(&p, e, "thinking\",\"thinking\":\"")) {
				struct jnode x;
				if (!(p = short_str(p, e, &x, true)))
					return false;
			} else if (nb == SHORT_BLOCKS) {
				return false;
			} else if (LIT(&p, e, "text\",\"text\":\"")) {
				if (!(p = short_str(p, e, &b->s, false)))
					return false;
				b->tool = false;
				nb++;
			} else if (LIT(&p, e, "tool_use\",\"")) {
				b->id.type = J_NULL;
				if (LIT(&p, e, "id\":\"") && (!(p = short_str(p, e, &b->id, false)) ||
				    !LIT(&p, e, ",\"")))
					return false;
				if (!LIT(&p, e, "name\":\"") || !(p = short_str(p, e, &b->s, false)) ||
				    !LIT(&p, e, ",\"input\":"))
					return false;
				b->in = p;
				if (p >= e || *p != '{' || !(p = short_obj(k, p, e)))
					return false;
				b->inl = (size_t)(p - b->in);
				b->tool = true;
				nb++;
			} else {
				return false;
			}
			if (!LIT(&p, e, "}"))
				return false;
			if (LIT(&p, e, "]"))
				break;
			if (!LIT(&p, e, ","))
				return false;
		}
	}
	if (e - p != 2 || memcmp(p, "}}", 2))
		return false;

	/* turns_user: its text blocks, joined, the prompt (its tool_use
	 * blocks are none of its business) */
	sb_reset(&k->text);
	if (user) {
		bool texts = false;
		for (int i = 0; i < nb; i++)
			if (!k->b[i].tool) {
				if (k->text.len)
					sb_addc(&k->text, '\n');
				jstr(&k->b[i].s, &k->text);
				texts = true;
			}
		if (texts) {
			size_t len = k->text.len;
			if (len)
				len = unwrap(k->text.p, len);
			turns_prompt(t, NULL, TS_NONE, "human", k->text.p ? k->text.p : "", len);
		}
		return true;
	}
	/* turns_assistant: the text blocks joined, the call with the tools'
	 * names, then each tool */
	sb_reset(&k->names);
	int nt = 0;
	for (int i = 0; i < nb; i++) {
		struct cblock *b = &k->b[i];
		if (b->tool) {
			b->name = k->names.len;
			jstr(&b->s, &k->names);
			sb_add(&k->names, "", 1);
			nt++;
		} else {
			if (k->text.len)
				sb_addc(&k->text, '\n');
			jstr(&b->s, &k->text);
		}
	}
	for (int i = 0, j = 0; i < nb; i++)
		if (k->b[i].tool) {
			const char *name = k->names.p + k->b[i].name;
			k->bnames[j++] = *name ? name : "unknown";
		}
	turns_call(t, NULL, TS_NONE, NULL, NULL, NULL, k->bnames, nt, k->text.p, k->text.len);
	for (int i = 0; i < nb; i++) {
		struct cblock *b = &k->b[i];
		if (!b->tool)
			continue;
		sb_reset(&k->id);
		jstr(&b->id, &k->id);   /* nothing when it has none */
		turns_tool(t, k->id.len ? k->id.p : NULL, k->names.p + b->name, b->in, b->inl,
			TS_NONE);
	}
	return true;
}

static void short_free(struct cshort *k)
{
	jdoc_free(&k->sd);
	sb_free(&k->text);
	sb_free(&k->names);
	sb_free(&k->id);
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	const char *h;
	size_t hn = lr_peek(r, 16, &h);
	if (is_sqlite(h, hn)) {
		diag_at(r->name, 0, "cursor-agent's older chat store (store.db) is not read: its "
			"messages are blobs of an undocumented graph and it records no usage "
			"(agent-events(1))");
		diag_errors++;
		return;
	}
	struct turns t;
	struct jdoc d = {0};
	turns_init(&t, c, r, "cursor");
	t.usage = "none";
	t.no_results = true;
	char *parent = NULL;
	const char *b = agent_file_base(path);
	if (subagent(path, &parent)) {
		sb_adds(&t.session, parent);
		sb_add(&t.subagent, b, agent_file_stem(b, ".jsonl"));
		free(parent);
	}
	char *line;
	size_t len;
	static _Thread_local struct cshort k;
	while (lr_next_nonblank(r, &line, &len)) {
		if (short_line(&k, &t, line, len))
			continue;
		const struct jnode *o = ev_parse_line(r, &d, line, len);
		if (!o)
			continue;
		const struct jnode *role = jget(&d, o, "role");
		const struct jnode *content = jgetv(&d, o, "message", "content", NULL);
		if (jeq(role, "assistant"))
			turns_assistant(&t, &d, content, NULL, TS_NONE, NULL, NULL, NULL);
		else if (jeq(role, "user"))
			turns_user(&t, &d, content, NULL, TS_NONE, no_result, unwrap);
		else
			lr_note(r, "role", "a line without a user or assistant role; skipped");
	}
	turns_done(&t);
	jdoc_free(&d);
	short_free(&k);
}

/* 85 when its first records all have a role and a message with content,
 * and no key of another agent's (type, timestamp, sessionId). */
static int sniff(const struct agent_head *h)
{
	int mine = 0;
	if (h->part && h->n < 16)
		return agent_head_short(h), 0;  /* is_sqlite's bytes */
	/* its store.db, claimed weakly, so that any agent that reads SQLite
	 * and knows the file's tables wins: read only to say why it is not */
	if (is_sqlite(h->p, h->n))
		return has_suffix(agent_file_base(h->path), "store.db") ? 5 : 0;
	if (h->best >= 85)
		return 0;       /* no score of ours is more */
	for (int i = 0; i < 8 && agent_head_rec(h, i); i++) {
		const struct agent_member *m = agent_rec_get(h, i, "message");
		if (!m || m->type != J_OBJ || !(agent_rec_is(h, i, "role", "user") ||
		    agent_rec_is(h, i, "role", "assistant")) || agent_rec_get(h, i, "type") ||
		    agent_rec_get(h, i, "timestamp") || agent_rec_get(h, i, "sessionId"))
			return 0;
		mine++;
	}
	return mine ? 85 : 0;
}

/* --- its history (agent-sessions) ----------------------------------------- */

/* ~/.cursor/projects/<slug>/agent-transcripts/: <id>.jsonl,
 * <id>/<id>.jsonl and <id>/subagents/<child>.jsonl; the project's
 * directory is noted (cwd_of reads its slug).  $CURSOR_CONFIG_DIR moves
 * ~/.cursor. */
static void find(struct history *h, const char *home)
{
	const char *env = getenv("CURSOR_CONFIG_DIR");
	char *root = env && *env ? xstrdup(env) : path_join(home, ".cursor");
	char *projects = path_join(root, "projects");
	size_t n;
	char **v = history_list(h, projects, &n);
	for (size_t i = 0; i < n; i++) {
		char *proj = path_join(projects, v[i] + 1);
		char *tr = path_join(proj, "agent-transcripts");
		history_walk(h, tr, 2, history_jsonl, v[i] + 1, false);
		free(tr);
		free(proj);
		free(v[i]);
	}
	free(v);
	free(projects);
	free(root);
}

/* cursor-agent names a project by its path with every '/' (and '.', '_',
 * ' ') a '-' and no leading one: /home/me/my.app is home-me-my-app.  Not
 * reversible, so a session's cwd is known only when --project-root's
 * slug is the project's: then it is that root. */
static bool slug_is(const char *slug, const char *path)
{
	while (*path == '/')
		path++;
	for (; *path && *slug; path++, slug++) {
		char c = strchr("/._ ", *path) ? '-' : *path;
		if (c != *slug)
			return false;
	}
	return !*slug && !*path;
}

static char *cwd_of(const char *slug, const struct session_meta *m,
	const char *root, const char *root_abs)
{
	(void)m;
	if (!slug || !root)
		return NULL;
	if (slug_is(slug, root))
		return xstrdup(root);
	if (slug_is(slug, root_abs))
		return xstrdup(root_abs);
	return NULL;
}

static bool probe_record(struct session_probe *p, struct jdoc *d, const struct jnode *r)
{
	(void)p; (void)d; (void)r;
	return true;
}

/* a subagent: its own id from its name, the parent's from the path.
 * The records hold no time: the file's last change is the session's last
 * activity (cursor-agent appends as it goes). */
static void probe_name(struct session_probe *p, const char *path)
{
	char *parent = NULL;
	if (subagent(path, &parent))
		p->m->parent = parent;
	if (p->m->last == TS_NONE)
		p->m->last = probe_mtime(p);
}

static const struct agent_probe probe = {
	.record = probe_record,
	.doc_tail = true,
	.name = probe_name,
};

/* Its tool names and their kinds (toolkind.h), as the transcripts and
 * cursor-agent's own listing name them. */
static const struct tool_map cursor_tools[] = {
	TOOL("Read", TK_READ), TOOL("ReadFile", TK_READ), TOOL("read_file", TK_READ),
	TOOL("Write", TK_WRITE), TOOL("Edit", TK_WRITE), TOOL("StrReplace", TK_WRITE),
	TOOL("edit_file", TK_WRITE), TOOL("Delete", TK_WRITE), TOOL("delete_file", TK_WRITE),
	TOOL("Grep", TK_SEARCH), TOOL("Glob", TK_SEARCH), TOOL("SemanticSearch", TK_SEARCH),
	TOOL("codebase_search", TK_SEARCH), TOOL("grep_search", TK_SEARCH), TOOL("file_search", TK_SEARCH),
	TOOL("LS", TK_LIST), TOOL("list_dir", TK_LIST),
	TOOL("Shell", TK_SHELL), TOOL("run_terminal_cmd", TK_SHELL),
	TOOL("WebFetch", TK_WEB), {"WebSearch", TK_WEB, TA_QUERY, NULL}, {"web_search", TK_WEB, TA_QUERY, NULL},
	TOOL("Agent", TK_DELEGATE), TOOL("Task", TK_DELEGATE),
	TOOL("TodoWrite", TK_PLAN), TOOL("todo_write", TK_PLAN),
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_cursor = {
	.name = "cursor",
	.title = "cursor-agent",
	.tools = cursor_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.cwd_of = cwd_of,
	.subagent = subagent,
};
