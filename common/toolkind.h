/* SPDX-License-Identifier: MIT */
/* toolkind.h: what a tool call is, whatever the agent calls its tool.
 *
 * Every agent names its tools its own way (Claude's Read, Codex's
 * read_file, Gemini's read_many_files).  Each agent's file in
 * common/agents/ maps its names to one of these kinds; agent-events writes
 * the kind beside every tool name in its records ("tool_kind",
 * "tool_kinds", agent-event(5)) and every program after it reads the kind,
 * never the name. */
#ifndef AP_TOOLKIND_H
#define AP_TOOLKIND_H
#include <stddef.h>

enum tool_kind {
	TK_OTHER,       /* none of the below, or not known */
	TK_READ,        /* read a file */
	TK_WRITE,       /* write or edit a file */
	TK_SEARCH,      /* search file contents or names */
	TK_LIST,        /* list a directory */
	TK_SHELL,       /* run a command line, or watch or stop one running */
	TK_PATCH,       /* apply a multi-file patch */
	TK_WEB,         /* fetch or search the web */
	TK_DELEGATE,    /* start, message or wait for a subagent */
	TK_PLAN,        /* plans, todo lists, questions to the user */
	TK_MCP,         /* a tool of an MCP server: what it does is the server's */
	TK_N
};

/* How a tool's arguments differ from what its kind usually takes (a JSON
 * object with the kind's keys: file_path or path, command or cmd, url). */
enum tool_args {
	TA_USUAL,
	TA_SCRIPT,      /* a script that calls tools.NAME({...}), each call a
	                 * tool of the same agent (Codex's exec) */
	TA_PATHS,       /* read: a "paths" array (Gemini's read_many_files) */
	TA_QUERY,       /* web: a search, not a fetch; host is what it contacts */
};

/* An agent's tool name, its kind and argument shape; a table ends with a
 * NULL name.  host: for TA_QUERY, the host the search contacts (NULL: none
 * the agent's machine contacts). */
struct tool_map {
	const char *name;
	enum tool_kind kind;
	enum tool_args args;
	const char *host;
};
/* An entry with the usual arguments. */
#define TOOL(name, kind) {(name), (kind), TA_USUAL, NULL}

/* "read", "write", ... ("other" for TK_OTHER) and back (TK_OTHER for a
 * name that is none of them). */
const char *tool_kind_name(enum tool_kind k);
enum tool_kind tool_kind_parse(const char *s, size_t n);
/* The entry for tool name in table m: the exact name, else the name in
 * another case (Claude Code 1.x wrote "bash"); NULL when absent. */
const struct tool_map *tool_map_find(const struct tool_map *m, const char *name);
/* Names no table lists that say what they are: mcp__SERVER__TOOL (Claude
 * Code's MCP tools) and SERVER__TOOL (Codex's and Gemini CLI's, when a
 * server's tool name needs its server) are MCP tools; NULL for others. */
const struct tool_map *tool_map_rule(const char *name);
#endif
