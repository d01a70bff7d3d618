/* SPDX-License-Identifier: MIT */
/* Unit tests of common/agents/sessions.c and agents.c: detection by
 * content (agent_sniff), the agents' path rules, path_under, sha256_hex. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agents/sessions.h"
#include "tap.h"

/* the name of the agent that takes a file starting with s, or "unknown" */
static const char *det(const char *s)
{
	const struct agent *a = agent_sniff(s, strlen(s), "x.jsonl");
	return a ? a->name : "unknown";
}

/* the parent an agent's subagent() names, "-" for none, "no" when it
 * says the path is no subagent's */
static const char *sub(const struct agent *a, const char *path)
{
	static char buf[64];
	char *parent = NULL;
	if (!a->subagent(path, &parent))
		return free(parent), "no";
	snprintf(buf, sizeof buf, "%s", parent ? parent : "-");
	free(parent);
	return buf;
}

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
	is_str(det("{\"type\":\"session_meta\",\"payload\":{\"id\":\"x\"}}\n"), "codex", "codex session_meta");
	is_str(det("{\"id\":\"x\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"instructions\":\"\"}\n"
		"{\"record_type\":\"state\"}\n"), "codex", "codex legacy header");
	is_str(det("{\"timestamp\":\"t\",\"type\":\"turn_context\",\"payload\":{}}\n"), "codex",
		"codex turn_context first");
	is_str(det("{\"type\":\"summary\",\"summary\":\"s\",\"leafUuid\":\"u\"}\n"), "claude",
		"claude summary line");
	is_str(det("{\"type\":\"file-history-snapshot\",\"messageId\":\"m\"}\n"), "claude",
		"claude snapshot line");
	is_str(det("{\"sessionId\":\"s\",\"cwd\":\"/\",\"type\":\"user\"}\n"), "claude", "claude record");
	is_str(det("{\"sessionId\":\"s\",\"startTime\":\"t\",\"kind\":\"main\"}\n"), "gemini",
		"gemini jsonl header");
	is_str(det("{\n  \"sessionId\": \"s\",\n  \"startTime\": \"t\",\n  \"messages\": ["), "gemini",
		"gemini document, cut in the middle");
	is_str(det("{\n  \"lastUpdated\": \"t\",\n  \"messages\": [ {\"sessionId\": 1} ]"), "gemini",
		"gemini document with sorted keys");
	is_str(det("{\"role\":\"user\",\"message\":{}}\n"), "cursor", "a cursor-agent transcript line");
	is_str(det("\x7f" "ELF\x02\x01"), "unknown", "binary is unknown");
	is_str(det(""), "unknown", "empty is unknown");
	is_str(det("{\"sessionId\":\"s\",\"cwd\":\"/\",\"type\":\"user\",\"message\":\"cut he"),
		"claude", "a first record longer than the head");
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
	ok(agent_find("codex", 5) == &agent_codex, "agent_find: by name");
	ok(agent_find("codexx", 5) == &agent_codex, "agent_find: the name is s[0..n)");
	ok(!agent_find("nosuchagent", 11), "agent_find: an unknown name");
	ok(!agent_find("code", 4), "agent_find: a prefix is no name");
	is_int(agent_index(&agent_gemini), 2, "agent_index");
	{
		/* agent_list joined: "a, b or c" (the list grows with agents) */
		struct sbuf nb = {0}, tb = {0};
		int na = 0;
		while (agent_list[na])
			na++;
		for (int i = 0; i < na; i++) {
			const char *sep = i == 0 ? "" : i == na - 1 ? " or " : ", ";
			sb_printf(&nb, "%s%s", sep, agent_list[i]->name);
			sb_printf(&tb, "%s%s", sep, agent_list[i]->title);
		}
		is_str(agent_names(", ", " or "), nb.p, "agent_names");
		is_str(agent_titles(), tb.p, "agent_titles");
		sb_free(&nb);
		sb_free(&tb);
	}
	is_str(agent_file_base("/a/b.c/d.jsonl"), "d.jsonl", "agent_file_base");
	is_str(agent_file_base("d"), "d", "agent_file_base: no slash");
	is_str(agent_file_base("a\\b"), "a\\b", "agent_file_base: a backslash is part of a name");
	is_int((int)agent_file_stem("d.meta.json", NULL), 6, "agent_file_stem: the last extension");
	is_int((int)agent_file_stem(".jsonl", NULL), 6, "agent_file_stem: a leading dot is no extension");
	is_int((int)agent_file_stem("x.jsonl", ".jsonl"), 1, "agent_file_stem: a given extension");
	is_int((int)agent_file_stem(".jsonl", ".jsonl"), 6, "agent_file_stem: not the whole name");
	is_int((int)agent_file_stem("x.json", ".jsonl"), 6, "agent_file_stem: another extension");
	const char *d;
	size_t dl = agent_dir_up("/h/p/s/subagents/a.jsonl", 1, &d);
	is_int((int)dl, 1, "agent_dir_up: length");
	ok(dl == 1 && *d == 's', "agent_dir_up: one level up");
	is_int((int)agent_dir_up("a.jsonl", 0, &d), 0, "agent_dir_up: no directory");

	/* which files are subagents', and their parents */
	is_str(sub(&agent_claude, "/p/s-1/subagents/agent-a1.jsonl"), "s-1", "claude 2.1 subagent: parent from the path");
	is_str(sub(&agent_claude, "/p/agent-a1.jsonl"), "-", "claude 2.0 subagent: named, no parent");
	is_str(sub(&agent_claude, "/p/s-1.jsonl"), "no", "claude session: no subagent");
	is_str(sub(&agent_gemini, "/t/chats/s-1/c-2.jsonl"), "s-1", "gemini subagent: parent from chats/<id>/");
	is_str(sub(&agent_gemini, "/t/chats/session-1.json"), "no", "gemini session: no subagent");
	ok(!agent_codex.subagent, "codex: subagents are known by their records");
	ok(agent_claude.companion("/p/s/subagents/agent-a1.meta.json"), "claude: the meta file is read with its transcript");
	ok(!agent_claude.companion("/p/s/subagents/agent-a1.jsonl"), "claude: the transcript is read on its own");
	ok(!agent_claude.companion("/p/s-1.meta.json"), "claude: only agent-*.meta.json");

	/* a Claude 2.1 subagent's meta file */
	mkdir("s", 0700);
	mkdir("s/subagents", 0700);
	put("s/subagents/agent-a1.jsonl", "{}\n");
	put("s/subagents/agent-a1.meta.json", "{\"agentType\":\"Explore\",\"description\":\"d\"}");
	char *t = agent_claude.subagent_type("s/subagents/agent-a1.jsonl");
	is_str(t ? t : "(null)", "Explore", "claude_subagent_type: agentType of the meta file");
	free(t);
	put("s/subagents/agent-a2.jsonl", "{}\n");
	ok(!agent_claude.subagent_type("s/subagents/agent-a2.jsonl"), "claude_subagent_type: no meta file");
	put("s/subagents/agent-a3.jsonl", "{}\n");
	put("s/subagents/agent-a3.meta.json", "{\"agentType\":7}");
	ok(!agent_claude.subagent_type("s/subagents/agent-a3.jsonl"), "claude_subagent_type: agentType not a string");
	ok(!agent_claude.subagent_type("s/subagents/agent-a1.json"), "claude_subagent_type: not a .jsonl");

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
