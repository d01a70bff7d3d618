/* SPDX-License-Identifier: MIT */
/* sessions.c: what agent-sessions reads of a file: agent_sniff on the
 * bytes (every agent's sniff), and session_probe on them as a file (its
 * head and tail), under a path chosen by the first byte. */
#include "fuzz.h"
#include "agents/sessions.h"

static const char *const paths[] = {
	"/h/.claude/projects/-h-p/0b5f4e1c-1111-2222-3333-444455556666.jsonl",
	"/h/.claude/projects/-h-p/0b5f/subagents/agent-a12.jsonl",
	"/h/.codex/sessions/2025/01/02/rollout-2025-01-02T03-04-05-0199.jsonl",
	"/h/.gemini/tmp/abc/chats/session-2025-01-02T03-04-abc.json",
	"/h/.gemini/tmp/abc/logs.json",
	"x",
	"",
	"/",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	if (!n)
		return 0;
	const char *path = paths[data[0] & 7];
	data++, n--;
	(void)agent_sniff((const char *)data, n, path);
	int fd = fuzz_fd(data, n);
	struct session_meta m;
	const char *why = NULL;
	memset(&m, 0, sizeof m);
	if (session_probe(fd, path, n, &m, &why) == 0) {
		if (m.id)
			(void)strlen(m.id);
		if (m.cwd)
			(void)strlen(m.cwd);
		if (m.parent)
			(void)strlen(m.parent);
	} else if (!why) {
		abort();
	}
	session_meta_free(&m);
	close(fd);
	return 0;
}
