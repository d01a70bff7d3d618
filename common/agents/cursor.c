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
	while (lr_next_nonblank(r, &line, &len)) {
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
}

/* 85 when its first records all have a role and a message with content,
 * and no key of another agent's (type, timestamp, sessionId). */
static int sniff(const struct agent_head *h)
{
	int mine = 0;
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
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.cwd_of = cwd_of,
	.subagent = subagent,
};
