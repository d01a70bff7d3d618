/* agents.c: the list of agents (see agent.h). */
#include <string.h>
#include "agent.h"

const struct agent *const agent_list[] = {
	&agent_claude,
	&agent_codex,
	&agent_gemini,
	NULL
};

const struct agent *agent_find(const char *s, size_t n)
{
	for (const struct agent *const *a = agent_list; *a; a++)
		if (strlen((*a)->name) == n && memcmp((*a)->name, s, n) == 0)
			return *a;
	return NULL;
}

enum tool_kind agent_tool_kind(const char *agent, const char *tool)
{
	const struct agent *a = agent ? agent_find(agent, strlen(agent)) : NULL;
	return a && tool ? tool_map_find(a->tools, tool) : TK_OTHER;
}
