/* Unit tests of common/sessions.c: detection by content, path_under,
 * sha256_hex. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agents/sessions.h"
#include "tap.h"

static int det(const char *s) { return agent_detect_head(s, strlen(s)); }

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* session_probe on the file at path (run in the test's own directory) */
static int probe(const char *path, struct session_meta *m)
{
	const char *why = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return -2;
	int r = session_probe(fd, path, (uint64_t)st.st_size, m, &why);
	close(fd);
	return r;
}

int main(void)
{
	char hex[65];
	is_int(det("{\"type\":\"session_meta\",\"payload\":{\"id\":\"x\"}}\n"), AGENT_CODEX, "codex session_meta");
	is_int(det("{\"id\":\"x\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"instructions\":\"\"}\n"
		"{\"record_type\":\"state\"}\n"), AGENT_CODEX, "codex legacy header");
	is_int(det("{\"timestamp\":\"t\",\"type\":\"turn_context\",\"payload\":{}}\n"), AGENT_CODEX,
		"codex turn_context first");
	is_int(det("{\"type\":\"summary\",\"summary\":\"s\",\"leafUuid\":\"u\"}\n"), AGENT_CLAUDE,
		"claude summary line");
	is_int(det("{\"type\":\"file-history-snapshot\",\"messageId\":\"m\"}\n"), AGENT_CLAUDE,
		"claude snapshot line");
	is_int(det("{\"sessionId\":\"s\",\"cwd\":\"/\",\"type\":\"user\"}\n"), AGENT_CLAUDE, "claude record");
	is_int(det("{\"sessionId\":\"s\",\"startTime\":\"t\",\"kind\":\"main\"}\n"), AGENT_GEMINI,
		"gemini jsonl header");
	is_int(det("{\n  \"sessionId\": \"s\",\n  \"startTime\": \"t\",\n  \"messages\": ["), AGENT_GEMINI,
		"gemini document, cut in the middle");
	is_int(det("{\n  \"lastUpdated\": \"t\",\n  \"messages\": [ {\"sessionId\": 1} ]"), AGENT_GEMINI,
		"gemini document with sorted keys");
	is_int(det("{\"role\":\"user\",\"message\":{}}\n"), AGENT_UNKNOWN, "cursor is unknown");
	is_int(det("\x7f" "ELF\x02\x01"), AGENT_UNKNOWN, "binary is unknown");
	is_int(det(""), AGENT_UNKNOWN, "empty is unknown");
	is_int(det("{\"sessionId\":\"s\",\"cwd\":\"/\",\"type\":\"user\",\"message\":\"cut he"),
		AGENT_CLAUDE, "a first record longer than the head");
	ok(path_under("/a/b", "/a/b"), "path_under: itself");
	ok(path_under("/a/b/c", "/a/b/"), "path_under: below, trailing slash");
	ok(path_under("//a//b/c/", "/a/b"), "path_under: repeated slashes");
	ok(!path_under("/a/bc", "/a/b"), "path_under: /a/bc is not below /a/b");
	ok(!path_under("/a", "/a/b"), "path_under: above");
	ok(!path_under("a/b", "/a/b"), "path_under: relative is not absolute");
	ok(path_under("/x", "/"), "path_under: everything is below /");
	sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 of nothing");
	sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");
	const char *l = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(l, strlen(l), hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "sha256 of 448 bits");
	is_str(agent_name(AGENT_GEMINI), "gemini", "agent_name");
	is_int(agent_from_name("codex", 5), AGENT_CODEX, "agent_from_name");

	/* a Claude 2.1 subagent's meta file */
	mkdir("s", 0700);
	mkdir("s/subagents", 0700);
	put("s/subagents/agent-a1.jsonl", "{}\n");
	put("s/subagents/agent-a1.meta.json", "{\"agentType\":\"Explore\",\"description\":\"d\"}");
	char *t = claude_subagent_type("s/subagents/agent-a1.jsonl");
	is_str(t ? t : "(null)", "Explore", "claude_subagent_type: agentType of the meta file");
	free(t);
	put("s/subagents/agent-a2.jsonl", "{}\n");
	ok(!claude_subagent_type("s/subagents/agent-a2.jsonl"), "claude_subagent_type: no meta file");
	put("s/subagents/agent-a3.jsonl", "{}\n");
	put("s/subagents/agent-a3.meta.json", "{\"agentType\":7}");
	ok(!claude_subagent_type("s/subagents/agent-a3.jsonl"), "claude_subagent_type: agentType not a string");
	ok(!claude_subagent_type("s/subagents/agent-a1.json"), "claude_subagent_type: not a .jsonl");

	/* a Gemini subagent's log names its parent by its directory */
	struct session_meta m;
	mkdir("chats", 0700);
	mkdir("chats/p-1", 0700);
	put("chats/p-1/c-2.jsonl", "{\"sessionId\":\"c-2\",\"startTime\":\"2025-01-01T00:00:00Z\",\"kind\":\"subagent\"}\n");
	is_int(probe("chats/p-1/c-2.jsonl", &m), 0, "gemini subagent: probed");
	is_str(m.id ? m.id : "(null)", "c-2", "gemini subagent: its own id");
	is_str(m.parent ? m.parent : "(null)", "p-1", "gemini subagent: the parent from the directory");
	session_meta_free(&m);
	put("chats/session-x.jsonl", "{\"sessionId\":\"x\",\"startTime\":\"2025-01-01T00:00:00Z\",\"kind\":\"main\"}\n");
	is_int(probe("chats/session-x.jsonl", &m), 0, "gemini session: probed");
	ok(!m.parent, "gemini session in chats/: no parent");
	session_meta_free(&m);

	/* Claude: the cwd of the first record that has one */
	put("q.jsonl", "{\"type\":\"queue-operation\",\"operation\":\"enqueue\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"sessionId\":\"q\"}\n"
		"{\"type\":\"user\",\"sessionId\":\"q\",\"timestamp\":\"2025-01-01T00:00:01Z\"}\n"
		"{\"type\":\"user\",\"cwd\":\"/w\",\"sessionId\":\"q\",\"version\":\"2.1.0\",\"timestamp\":\"2025-01-01T00:00:02Z\"}\n"
		"{\"type\":\"user\",\"cwd\":\"/v\",\"sessionId\":\"q\",\"timestamp\":\"2025-01-01T00:00:03Z\"}\n");
	is_int(probe("q.jsonl", &m), 0, "claude queue-operation first: probed");
	is_str(m.cwd ? m.cwd : "(null)", "/w", "claude: cwd of the first record with one");
	session_meta_free(&m);
	return tap_done();
}
