/* toolkind.h: what a tool call is, whatever the agent calls its tool.
 *
 * Every agent names its tools its own way (Claude's Read, Codex's
 * exec_command, Gemini's run_shell_command).  Each agent's file in
 * common/agents/ maps its names to one of these kinds; agent-events writes
 * the kind in the record ("tool_kind", agent-event(5)) and every program
 * after it reads the kind, never the raw name. */
#ifndef AP_TOOLKIND_H
#define AP_TOOLKIND_H
#include <stddef.h>

enum tool_kind {
	TK_OTHER,       /* none of the below, or not known */
	TK_READ,        /* read a file */
	TK_WRITE,       /* write or edit a file */
	TK_SEARCH,      /* search file contents or names */
	TK_LIST,        /* list a directory */
	TK_SHELL,       /* run a command line */
	TK_PATCH,       /* apply a multi-file patch */
	TK_WEB,         /* fetch or search the web */
	TK_DELEGATE,    /* start a subagent */
	TK_PLAN,        /* plans, todo lists, questions to the user */
	TK_N
};

/* An agent's tool name and its kind; a table ends with a NULL name. */
struct tool_map {
	const char *name;
	enum tool_kind kind;
};

/* "read", "write", ... ("other" for TK_OTHER) and back (TK_OTHER for a
 * name that is none of them). */
const char *tool_kind_name(enum tool_kind k);
enum tool_kind tool_kind_parse(const char *s, size_t n);
/* The kind of tool name in table m (TK_OTHER when absent). */
enum tool_kind tool_map_find(const struct tool_map *m, const char *name);
#endif
