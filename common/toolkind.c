/* SPDX-License-Identifier: MIT */
/* toolkind.c: tool kinds by name (see toolkind.h). */
#include <string.h>
#include <strings.h>
#include "toolkind.h"

static const char *const names[TK_N] = {
	[TK_OTHER] = "other", [TK_READ] = "read", [TK_WRITE] = "write",
	[TK_SEARCH] = "search", [TK_LIST] = "list", [TK_SHELL] = "shell",
	[TK_PATCH] = "patch", [TK_WEB] = "web", [TK_DELEGATE] = "delegate",
	[TK_PLAN] = "plan", [TK_MCP] = "mcp",
};

const char *tool_kind_name(enum tool_kind k)
{
	return (unsigned)k < TK_N ? names[k] : names[TK_OTHER];
}

enum tool_kind tool_kind_parse(const char *s, size_t n)
{
	for (int k = 0; s && k < TK_N; k++)
		if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0)
			return (enum tool_kind)k;
	return TK_OTHER;
}

const struct tool_map *tool_map_find(const struct tool_map *m, const char *name)
{
	if (!m || !name)
		return NULL;
	for (const struct tool_map *t = m; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	for (const struct tool_map *t = m; t->name; t++)
		if (strcasecmp(t->name, name) == 0)
			return t;
	return NULL;
}

const struct tool_map *tool_map_rule(const char *name)
{
	static const struct tool_map mcp = {"mcp", TK_MCP, TA_USUAL, NULL};
	if (!name)
		return NULL;
	if (strncasecmp(name, "mcp__", 5) == 0 && name[5])
		return &mcp;
	/* SERVER__TOOL: two non-empty parts around the first "__" */
	const char *u = strstr(name, "__");
	if (u && u > name && u[2] && u[2] != '_')
		return &mcp;
	return NULL;
}
