#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-sessions reads a file's head as far as its lines are looked at:
# first a part of it that the sniffs may find enough (agent_sniff_part),
# then the rest when a sniff or the probe asks.  What it lists must be
# what reading the whole head at once gave: files whose lines end at,
# around and across the part's end (16 KiB) and the head's (64 KiB).
. "$(dirname "$0")/lib.sh"
plan 3
unset CLAUDE_CONFIG_DIR CODEX_HOME
X=h/.codex/sessions/2026/01/02 C=h/.claude/projects/-p
mkdir -p $X $C
rx() { echo "$X/rollout-2026-01-02T00-00-00-5e55c0de-0000-4000-8000-00000000000$1.jsonl"; }
# meta ID CWD PAD: a session_meta line, PAD bytes of instructions
meta() {
	printf '{"timestamp":"2026-01-02T00:00:00.000Z","type":"session_meta","payload":{"id":"%s",%s"cli_version":"0.50.0","instructions":"' \
		"$1" "${2:+\"cwd\":\"$2\",}"
	junk "$3" | tr x i
	printf '"}}\n'
}
# ev MIN SEC: an event line
ev() { printf '{"timestamp":"2026-01-02T00:%02d:%02d.000Z","type":"event_msg","payload":{"type":"token_count","info":null}}\n' "$1" "$2"; }
# evs BYTES: event lines, about BYTES of them
evs() { awk -v n="$1" 'BEGIN { for (i = 0; i < n / 100; i++) printf "{\"timestamp\":\"2026-01-02T00:01:00.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"x\",\"n\":%06d}}\n", i }'; }
turn() { printf '{"timestamp":"2026-01-02T00:02:00.000Z","type":"turn_context","payload":{"cwd":"%s"}}\n' "$1"; }
junk() { head -c "$1" /dev/zero | tr '\0' x; }
# a first line longer than the part
{ meta id-1 /w1 20000; ev 5 1; } > "$(rx 1)"
# the cwd in a line past the part, and one past the head
{ meta id-2 "" 100; evs 30000; turn /late; ev 5 2; } > "$(rx 2)"
{ meta id-3 "" 100; evs 70000; turn /past; ev 5 3; } > "$(rx 3)"
# a line of junk across the head's end, a cwd on it after
{ meta id-4 "" 100; junk 70000; turn /junk; ev 5 4; } > "$(rx 4)"
# a line of junk across the part's end, a cwd on the next line
{ meta id-5 "" 100; junk 20000; printf '\n'; turn /after; ev 5 5; } > "$(rx 5)"
# 16384 bytes and one more, without a last newline
{ meta id-6 /w6 100; evs 20000; } | head -c 16384 > "$(rx 6)"
{ meta id-7 /w7 100; evs 20000; } | head -c 16385 > "$(rx 7)"
# its first line's newline the part's last byte, the byte before, after
for d in 0 1 2; do
	{ meta id-8$d /w8 $((16242 + d)); ev 5 8; } > "$(rx 8$d)"
done
# Claude Code: a cwd after a line of junk across the part's end
{ printf '{"type":"user","sessionId":"c-1","uuid":"u","version":"2.0.0","timestamp":"2026-01-03T00:00:00.000Z"}\n'
  junk 20000; printf '\n'
  printf '{"type":"user","sessionId":"c-1","uuid":"v","cwd":"/cw","timestamp":"2026-01-03T00:00:01.000Z"}\n'; } > $C/c-1.jsonl
# blank lines past the part, then a session_meta line
{ awk 'BEGIN { for (i = 0; i < 17000; i++) print "" }'; meta id-9 /w9 100; ev 5 9; } > $C/c-2.jsonl
# only blank lines
awk 'BEGIN { for (i = 0; i < 17000; i++) print "" }' > $C/c-3.jsonl
# a pretty-printed document longer than the part
{ printf '{\n  "sessionId": "g-1",\n  "projectHash": "%064d",\n  "startTime": "2026-01-04T00:00:00.000Z",\n  "messages": [\n' 0
  awk 'BEGIN { for (i = 0; i < 300; i++) printf "    {\"type\": \"user\", \"content\": \"%060d\", \"timestamp\": \"2026-01-04T00:00:01.000Z\"},\n", i }'
  printf '    {}\n  ],\n  "lastUpdated": "2026-01-04T00:09:00.000Z"\n}\n'; } > $C/c-4.jsonl

# the agent, id, cwd and times of each; none from a file of blank lines
X=h/.codex/sessions/2026/01/02/rollout-2026-01-02T00-00-00-5e55c0de-0000-4000-8000-0000000000
agent-sessions --json --home h > out 2> err
echo "status $?" >> err
sed "s|$X|X|" out > got
cat > want <<'END'
{"agent":"codex","id":"id-6","path":"X06.jsonl","cwd":"/w6","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:00:00.000Z","bytes":16384,"version":"0.50.0"}
{"agent":"codex","id":"id-7","path":"X07.jsonl","cwd":"/w7","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:00:00.000Z","bytes":16385,"version":"0.50.0"}
{"agent":"codex","id":"id-1","path":"X01.jsonl","cwd":"/w1","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:01.000Z","bytes":20245,"version":"0.50.0"}
{"agent":"codex","id":"id-2","path":"X02.jsonl","cwd":"/late","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:02.000Z","bytes":28622,"version":"0.50.0"}
{"agent":"codex","id":"id-3","path":"X03.jsonl","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:03.000Z","bytes":66222,"version":"0.50.0"}
{"agent":"codex","id":"id-4","path":"X04.jsonl","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:04.000Z","bytes":70422,"version":"0.50.0"}
{"agent":"codex","id":"id-5","path":"X05.jsonl","cwd":"/after","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:05.000Z","bytes":20424,"version":"0.50.0"}
{"agent":"codex","id":"id-80","path":"X080.jsonl","cwd":"/w8","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:08.000Z","bytes":16488,"version":"0.50.0"}
{"agent":"codex","id":"id-81","path":"X081.jsonl","cwd":"/w8","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:08.000Z","bytes":16489,"version":"0.50.0"}
{"agent":"codex","id":"id-82","path":"X082.jsonl","cwd":"/w8","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:08.000Z","bytes":16490,"version":"0.50.0"}
{"agent":"codex","id":"id-9","path":"h/.claude/projects/-p/c-2.jsonl","cwd":"/w9","first":"2026-01-02T00:00:00.000Z","last":"2026-01-02T00:05:09.000Z","bytes":17345,"version":"0.50.0"}
{"agent":"claude","id":"c-1","path":"h/.claude/projects/-p/c-1.jsonl","cwd":"/cw","first":"2026-01-03T00:00:00.000Z","last":"2026-01-03T00:00:01.000Z","bytes":20199,"version":"2.0.0"}
{"agent":"gemini","id":"g-1","path":"h/.claude/projects/-p/c-4.jsonl","first":"2026-01-04T00:00:00.000Z","last":"2026-01-04T00:09:00.000Z","bytes":41626}
END
check_same "every file's agent, id, cwd, times" want got
check_out "a file of blank lines has no records" "$(cat <<END
agent-sessions: h/.claude/projects/-p/c-3.jsonl: no JSON records at its start
status 1
END
)" cat err
check_out "paths, ordered by last activity" "$(sed 's/.*"path":"\([^"]*\)".*/\1/' got)" sh -c "agent-sessions --home h 2>/dev/null | sed 's|$X|X|'"
