/* SPDX-License-Identifier: MIT */
/* effects.c: effects_tool and effects_class over (agent and tool name from
 * the first byte, its arguments from the rest), as the adapters call them. */
#include "fuzz.h"
#include "agents/agent.h"
#include "agents/events.h"

/* Every agent's tool names (its table in common/agents/) and names its
 * table does not hold: an MCP tool, another agent's, none at all. */
struct pick { const char *agent, *tool; };
static struct pick picks[128];
static size_t npicks;

static void collect(void)
{
	static const struct pick extra[] = {
		{"claude", "mcp__x__y"}, {"codex", "srv__tool"}, {"gemini", "shell"},
		{"claude", "bash"}, {"codex", "unknown"},
	};
	for (const struct agent *const *a = agent_list; *a; a++)
		for (const struct tool_map *m = (*a)->tools; m->name; m++)
			if (npicks < sizeof picks / sizeof *picks)
				picks[npicks++] = (struct pick){(*a)->name, m->name};
	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
		if (npicks < sizeof picks / sizeof *picks)
			picks[npicks++] = extra[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	if (!n)
		return 0;
	if (!npicks)
		collect();
	const struct pick *k = &picks[(data[0] & 0x7f) % npicks];
	struct ev_ctx c;
	struct event t;
	ev_ctx_init(&c);
	ev_init(&t);
	t.kind = "tool";
	t.agent = k->agent;
	t.session = "s";
	t.id = "t1";
	t.prompt = "p1";
	t.ts = 1700000000000;
	t.status = "ok";
	t.tool = k->tool;
	t.cwd = data[0] & 0x80 ? "/home/u/proj" : NULL;
	char *s = fuzz_str(data + 1, n - 1);
	effects_tool(&c, &t, s, n - 1);
	(void)effects_class(&t, s, n - 1);
	free(s);
	sb_reset(&stdout_sb);
	ev_ctx_free(&c);
	return 0;
}
