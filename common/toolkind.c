/* toolkind.c: tool kinds by name (see toolkind.h). */
#include <string.h>
#include "toolkind.h"

static const char *const names[TK_N] = {
	[TK_OTHER] = "other", [TK_READ] = "read", [TK_WRITE] = "write",
	[TK_SEARCH] = "search", [TK_LIST] = "list", [TK_SHELL] = "shell",
	[TK_PATCH] = "patch", [TK_WEB] = "web", [TK_DELEGATE] = "delegate",
	[TK_PLAN] = "plan",
};

const char *tool_kind_name(enum tool_kind k)
{
	return (unsigned)k < TK_N ? names[k] : names[TK_OTHER];
}

enum tool_kind tool_kind_parse(const char *s, size_t n)
{
	for (int k = 0; k < TK_N; k++)
		if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0)
			return (enum tool_kind)k;
	return TK_OTHER;
}

enum tool_kind tool_map_find(const struct tool_map *m, const char *name)
{
	for (; m && m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m->kind;
	return TK_OTHER;
}
