#!/bin/sh
# SPDX-License-Identifier: MIT
# The short ways of the Copilot, Qwen and Kimi readers, byte for byte
# against what the long ways wrote (the .expected files):
# - Copilot's scan before reading searches a mapped file whole, 64 places
#   a step (copilot.c scan_mapped, find_lit: AVX2 where the CPU has it,
#   SSE2 with AGENTPPROF_TEST_NOAVX2 set); a file whose size passes the
#   reader's line limit is scanned line by line as before (the limit is
#   lowered with AGENTPPROF_TEST_MAXLINE to see that way), standard input
#   not at all.  Runs, resumes, a model named only by a tool completion or
#   a model change, a CRLF line and a last line without a newline.
# - Qwen's held assistant row keeps its parse, moved onto the copy
#   (qwen.c hold): rows of one uuid written again, escapes, raw UTF-8, a
#   row held to the end of the file.
# - Kimi's wire timestamps read without strtod (kimi.c wire_seconds), and
#   each case that goes to strtod: more than 15 digits, an exponent, a
#   string, a sign.
. "$(dirname "$0")/lib.sh"
F=$TESTS/fixtures/others-fast
plan 13

cp "$F/copilot-runs.jsonl" .
check_exit "copilot: a file of three runs" 0 agent-events copilot-runs.jsonl
check_same "copilot: the scan of the whole mapped file" "$F/copilot-runs.expected" out
AGENTPPROF_TEST_MAXLINE=1000 agent-events copilot-runs.jsonl > slow 2> slow.err
check_same "copilot: the line-by-line scan (file past the line limit) writes the same" \
	"$F/copilot-runs.expected" slow
# the shutdown at every offset of a 64-byte step (the mapped file is searched from its start) and in the bytes past the last step,
# first or last in its line; named only in a string value it is none
first= last= quoted= sse=
L=0
while [ $L -le 70 ]; do
	pad=$(printf "%${L}s" "" | tr ' ' y)
	{ cat "$TESTS/fixtures/copilot/open.jsonl"
	  printf '{"type":"session.shutdown","data":{},"x":"%s","id":"z","timestamp":"2026-05-02T09:10:00.000Z"}\n' "$pad"
	} > a.jsonl
	{ cat "$TESTS/fixtures/copilot/open.jsonl"
	  printf '{"x":"%s","data":{},"id":"z","timestamp":"2026-05-02T09:10:00.000Z","type":"session.shutdown"}' "$pad"
	} > b.jsonl
	{ cat "$TESTS/fixtures/copilot/open.jsonl"
	  printf '{"type":"x.y","data":{"t":"%s\\"session.shutdown\\""},"id":"z","timestamp":"2026-05-02T09:10:00.000Z"}\n' "$pad"
	} > v.jsonl
	first="$first$(agent-events a.jsonl 2>/dev/null | grep -c '"usage":"none"')"
	last="$last$(agent-events b.jsonl 2>/dev/null | grep -c '"usage":"none"')"
	quoted="$quoted$(agent-events v.jsonl 2>/dev/null | grep -c '"usage":"none"')"
	# the SSE2 steps where the CPU has AVX2 too
	for f in a b v; do
		sse="$sse$(AGENTPPROF_TEST_NOAVX2=1 agent-events $f.jsonl 2>/dev/null | grep -c '"usage":"none"')"
	done
	L=$((L + 1))
done
check_test "copilot: the shutdown found at every offset, first or last in its line" \
	"$first $last" = "$(printf '%071d %071d' 0 0)"
check_test "copilot: a shutdown named in a string value at every offset is none" \
	"$quoted" = "$(printf '%071d' 0 | tr 0 1)"
check_test "copilot: the same with the SSE2 steps" "$sse" = "$(printf '%071d' 0 | sed 's/0/001/g')"

cp "$F/qwen-held.jsonl" .
check_exit "qwen: held assistant rows" 0 agent-events qwen-held.jsonl
check_same "qwen: held rows written from their kept parse" "$F/qwen-held.expected" out

cp "$F/kimi-ts.jsonl" .
check_exit "kimi: wire timestamps" 0 agent-events kimi-ts.jsonl
check_same "kimi: timestamps with and without strtod" "$F/kimi-ts.expected" out
# Copilot's session.start and a message past the line limit, tools left
# pending: each skipped line said once (the first pass over the file says
# nothing), and the pending tools written under the file's session (this
# crashed: no record had named the session yet)
pad=$(printf '%500s' '' | tr ' ' y)
mkdir -p cl
{ printf '{"type":"session.start","data":{"sessionId":"c0p9-long","version":1,"producer":"copilot-agent","copilotVersion":"1.0.40","startTime":"2026-05-02T09:00:00.000Z","context":{"cwd":"/src/app"},"pad":"%s"},"id":"f01","timestamp":"2026-05-02T09:00:00.010Z","parentId":null}\n' "$pad"
  printf '{"type":"tool.execution_start","data":{"toolCallId":"s1","toolName":"glob","arguments":{"pattern":"*.c"}},"id":"f05","timestamp":"2026-05-02T09:00:02.100Z","parentId":"f04"}\n'
  printf '{"type":"user.message","data":{"content":"%s","interactionId":"j1"},"id":"v1","timestamp":"2026-05-02T09:00:03.000Z","parentId":"f01"}\n' "$pad"
  printf '{"type":"tool.execution_start","data":{"toolCallId":"s2","toolName":"bash","arguments":{"command":"make"}},"id":"f07","timestamp":"2026-05-02T09:00:04.100Z","parentId":"f05"}\n'
} > cl/events.jsonl
export AGENTPPROF_TEST_MAXLINE=400
check_exit "copilot: lines past the limit, tools pending at the end" 1 agent-events cl/events.jsonl
unset AGENTPPROF_TEST_MAXLINE
cat > want.out <<'EOF'
{"kind":"session","agent":"copilot","session":"cl","ts":"2026-05-02T09:00:02.100Z","file":"cl/events.jsonl"}
{"kind":"tool","agent":"copilot","session":"cl","ts":"2026-05-02T09:00:02.100Z","id":"s1","tool":"glob","tool_kind":"search","status":"unknown"}
{"kind":"tool","agent":"copilot","session":"cl","ts":"2026-05-02T09:00:04.100Z","id":"s2","tool":"bash","tool_kind":"shell","status":"unknown","class":"build"}
{"kind":"effect","agent":"copilot","session":"cl","ts":"2026-05-02T09:00:04.100Z","id":"s2#1","parent":"s2","status":"unknown","effect":"exec","class":"build","process":["bash","make"],"argv":["make"]}
EOF
check_same "... the pending tools under the session named by the directory" want.out out
cat > want.err <<'EOF'
agent-events: cl/events.jsonl:1: line longer than 400 bytes (765 bytes); skipped
agent-events: cl/events.jsonl: 1 more like line 1: line longer than 400 bytes (765 bytes); skipped
EOF
check_same "... each skipped line said once" want.err err

done_testing
