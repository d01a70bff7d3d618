/* Unit tests of common/sessions.c: detection by content, path_under,
 * sha256_hex. */
#include <string.h>
#include "sessions.h"
#include "tap.h"

static int det(const char *s) { return agent_detect_head(s, strlen(s)); }

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
	return tap_done();
}
