/* agent.h: one agent, everything agentpprof knows of it, behind one
 * interface.  Each agent is one file, common/agents/NAME.c, that defines
 * its struct agent; agents.c lists them.  Adding an agent is one new file
 * and one line in that list: no other file names an agent's tools. */
#ifndef AP_AGENT_H
#define AP_AGENT_H
#include <stddef.h>
#include "toolkind.h"

struct agent {
	const char *name;               /* as written in records: "claude" */
	const struct tool_map *tools;   /* its tool names and their kinds */
};

/* Every agent, in the order they are tried; ends with NULL. */
extern const struct agent *const agent_list[];
/* The agent named s[0..n), or NULL. */
const struct agent *agent_find(const char *s, size_t n);
/* The kind of a tool of the agent named agent (TK_OTHER when either is
 * unknown). */
enum tool_kind agent_tool_kind(const char *agent, const char *tool);

extern const struct agent agent_claude, agent_codex, agent_gemini;
#endif
