/* SPDX-License-Identifier: MIT */
/* Unit tests of common/toolkind.c and the agents' tool tables: kinds by
 * name, the case and MCP rules, and what makes one agent's table safe to
 * consult for another's names. */
#include <strings.h>
#include "agents/agent.h"
#include "tap.h"

static const char *kind(const char *agent, const char *tool)
{
	return tool_kind_name(agent_tool_kind(agent, tool));
}

static const char *rule(const char *name)
{
	const struct tool_map *m = tool_map_rule(name);
	return m ? tool_kind_name(m->kind) : NULL;
}

static const char *args_name(enum tool_args a)
{
	switch (a) {
	case TA_USUAL: return "usual";
	case TA_SCRIPT: return "script";
	case TA_PATHS: return "paths";
	case TA_QUERY: return "query";
	}
	return "?";
}

/* --tables: every agent's tool table, one entry per line (agent, name,
 * kind, arguments, host), for tests/03 to compare with its pinned copy */
static int tables(void)
{
	for (const struct agent *const *a = agent_list; *a; a++)
		for (const struct tool_map *m = (*a)->tools; m && m->name; m++)
			printf("%s\t%s\t%s\t%s\t%s\n", (*a)->name, m->name, tool_kind_name(m->kind),
				args_name(m->args), m->host ? m->host : "-");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--tables"))
		return tables();
	/* names of kinds, both ways */
	for (int k = 0; k < TK_N; k++) {
		const char *s = tool_kind_name((enum tool_kind)k);
		is_int(tool_kind_parse(s, strlen(s)), k, "kind %s reads back", s);
	}
	is_str(tool_kind_name(TK_N), "other", "a kind out of range is other");
	is_int(tool_kind_parse("Read", 4), TK_OTHER, "kinds are lower case: Read is no kind");
	is_int(tool_kind_parse("readx", 4), TK_READ, "only n bytes are read");
	is_int(tool_kind_parse(NULL, 0), TK_OTHER, "no kind is other");

	/* a table: the exact name first, then another case */
	static const struct tool_map t[] = {
		TOOL("edit", TK_WRITE), TOOL("Edit", TK_READ), TOOL("Grep", TK_SEARCH),
		TOOL(NULL, TK_OTHER),
	};
	is_int(tool_map_find(t, "Edit")->kind, TK_READ, "the exact name wins over another case");
	is_int(tool_map_find(t, "EDIT")->kind, TK_WRITE, "else the first in another case");
	is_int(tool_map_find(t, "grep")->kind, TK_SEARCH, "grep is Grep");
	ok(!tool_map_find(t, "Gre"), "no prefix matches");
	ok(!tool_map_find(t, NULL) && !tool_map_find(NULL, "Grep"), "no name, no table: none");

	/* MCP names by rule */
	is_str(rule("mcp__github__get_issue"), "mcp", "mcp__server__tool");
	is_str(rule("MCP__fs__read"), "mcp", "in any case");
	is_str(rule("mcp__x"), "mcp", "mcp__ and a name");
	is_str(rule("github__get_issue"), "mcp", "server__tool");
	is_str(rule("mcp__"), NULL, "mcp__ alone is no MCP tool");
	is_str(rule("__init__"), NULL, "a leading __ names no server");
	is_str(rule("tool__"), NULL, "a trailing __ names no tool");
	is_str(rule("a___b"), NULL, "three underscores split nothing");
	is_str(rule("read_file"), NULL, "a single underscore is a name");

	/* each agent's names */
	is_str(kind("claude", "MultiEdit"), "write", "claude MultiEdit");
	is_str(kind("claude", "bash"), "shell", "claude bash (1.x): Bash");
	is_str(kind("claude", "mcp__fs__read"), "mcp", "claude MCP tool");
	is_str(kind("claude", "str_replace_based_edit_tool"), "other", "claude str_replace_based_edit_tool: no agent's");
	is_str(kind("claude", "str_replace_editor"), "write", "claude str_replace_editor: Copilot CLI's (older)");
	is_str(kind("codex", "exec"), "shell", "codex exec");
	is_int(agent_tool("codex", "exec")->args, TA_SCRIPT, "codex exec takes a script");
	is_str(kind("codex", "container.exec"), "shell", "codex container.exec");
	is_str(kind("codex", "list_dir"), "list", "codex list_dir");
	is_str(kind("codex", "grep_files"), "search", "codex grep_files");
	is_str(kind("gemini", "read_many_files"), "read", "gemini read_many_files");
	is_int(agent_tool("gemini", "read_many_files")->args, TA_PATHS, "with a paths array");
	is_str(agent_tool("gemini", "google_web_search")->host, "google.com",
		"gemini's web search contacts google.com");
	ok(!agent_tool("claude", "WebSearch")->host, "claude's none");
	is_str(kind("gemini", "shell"), "shell", "gemini shell: another agent's name");
	is_str(kind("gemini", "Bash"), "shell", "gemini Bash: likewise");
	is_str(kind("nosuch", "Read"), "read", "an unknown agent: every table");
	is_str(kind("claude", NULL), "other", "no name: other");
	is_str(kind(NULL, "apply_patch"), "patch", "no agent: every table");
	is_str(kind("codex", "frobnicate"), "other", "a name no table has: other");

	/* The tables: kinds in range, no name twice in one table (in any
	 * case), and a name two agents list has one kind, so that looking a
	 * name up in another agent's table is safe. */
	int bad = 0, dup = 0, clash = 0, n = 0;
	for (const struct agent *const *a = agent_list; *a; a++)
		for (const struct tool_map *m = (*a)->tools; m->name; m++, n++) {
			if ((unsigned)m->kind >= TK_N || (m->host && m->args != TA_QUERY))
				bad++;
			for (const struct tool_map *o = m + 1; o->name; o++)
				dup += !strcasecmp(m->name, o->name);
			for (const struct agent *const *b = a + 1; *b; b++) {
				const struct tool_map *o = tool_map_find((*b)->tools, m->name);
				if (o && o->kind != m->kind) {
					clash++;
					printf("# %s %s: %s in %s\n", (*a)->name, m->name,
						tool_kind_name(o->kind), (*b)->name);
				}
			}
		}
	ok(n > 60, "the tables list %d names", n);
	is_int(bad, 0, "every entry has a kind, and a host only for a web search");
	is_int(dup, 0, "no table lists a name twice");
	is_int(clash, 0, "a name two agents list has one kind");
	return tap_done();
}
