#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events on Claude Code transcripts: calls counted once with their
# largest usage, tool results inside calls, copies and replays, prompt
# origins, subagents and their links, bad input (the real corpus, checked
# against an independent jq count, is in 30-events-claude-corpus.t).
. "$(dirname "$0")/lib.sh"
plan 37
cp -R "$TESTS/fixtures/claude" claude
F=claude
# Effect records and the class of tool calls come from common/effects.c and
# are its tests' business: left out here.
own() { agent-events "$@" | grep -v '^{"kind":"effect"' | sed 's/,"class":"[a-z]*"//'; }

# --- one model call per (message.id, requestId) --------------------------------
# calls.jsonl: msg_A streams three records with output_tokens 1, 7, 85;
# msg_B's tool results arrive between its own records; toolu_1 fails with
# "Exit code 2"; a <synthetic> record sits between calls; toolu_4 gets no
# result before the next human prompt and toolu_5 none before the end.
agent-events $F/calls.jsonl > /dev/null 2> err
check_test "calls: exit 0" $? = 0
own $F/calls.jsonl > out 2> err
check_same "calls: records, largest usage, interleaved results, errors, unknowns" $F/calls.out out
check_grep "calls: <synthetic> noted" 'calls.jsonl:12: model "<synthetic>"' err
check_test "calls: msg_A counted once with output 85" \
	"$(grep '"kind":"llm"' out | grep -c '"id":"msg_A".*"output":85,')" = 1

# --- prompt origins and noise ---------------------------------------------------
agent-events $F/origins.jsonl > /dev/null 2> err
check_test "origins: exit 0 (unknown record types are a note)" $? = 0
own $F/origins.jsonl > out
check_same "origins: meta, command, human, interrupt, continuation; noise is no prompt" $F/origins.out out
check_test "origins: an unknown type is reported once" \
	"$(grep -c 'record type "brand-new-kind" not known' err)" = 2
check_grep "origins: ... and the repeat counted, not repeated" '1 more like line 11' err

# --- resumed session: the copied prompt, call and tool count once --------------
own $F/resume-a.jsonl $F/resume-b.jsonl > out
check_same "resume: copies in the second file are not counted again" $F/resume.out out
check_test "resume: one msg_R1 in the run" "$(grep -c '"id":"msg_R1"' out)" = 1

# --- 1.0.x inline sidechains ------------------------------------------------------
# The subagents run in the other order than their Task calls; msg_S2 is
# replayed under another requestId.
own $F/sidechain.jsonl > out 2> err
check_same "sidechain: tasks matched, replay not counted, subagent work charged to the prompt" $F/sidechain.out out
check_test "sidechain: no diagnostics" "$(wc -c < err)" -eq 0

# --- 2.0.x agent-<id>.jsonl and 2.1.x <session>/subagents/ -------------------------
# Given before their parents: agent-events reads agent-* files last.
own $F/v20/agent-a1b2.jsonl $F/v20/s-20.jsonl \
	$F/v21/s-21/subagents/agent-c3d4.jsonl $F/v21/s-21.jsonl > out 2> err
check_same "subagents: linked to the Task/Agent call and its prompt" $F/subagents.out out
agent-events $F/v20/agent-a1b2.jsonl > out 2> err
check_out "subagent alone: the Task call unknown, its task the oldest cause it proves" \
	'{"kind":"prompt","agent":"claude","session":"s-20","subagent":"a1b2","subagent_type":"task","ts":"2026-01-09T07:00:03.000Z","id":"w1","prompt":"w1","origin":"subagent","text":"Read the CI logs"}' \
	grep '"kind":"prompt"' out

# --- a mixed home: three sessions, subagents, a compaction copy -----------------
# s-a (2.1, opens with queue-operation and file-history-snapshot records,
# which have no cwd) spawns an Explore subagent in s-a/subagents/ with its
# meta.json; its compaction file copies msg_A2 with the final usage (output
# 2872 where s-a has 37).  s-c, between them in time, has IDE and
# system-reminder blocks in its prompts.  s-b (2.0) spawns a code-reviewer
# whose result records no agentId: its transcript beside it is found by
# its task text.  The subagent files come last and another session's file
# comes between each parent and them; any order gives the same output.
cd $F/home
own proj/s-a.jsonl proj/s-b.jsonl proj/s-c.jsonl proj/agent-b1x.jsonl \
	proj/s-a/subagents/agent-x1.jsonl proj/s-a/subagents/agent-acompact-c1.jsonl > "$TMP/out1" 2> "$TMP/err"
check_same "mixed home: exact records, subagents under their spawning calls and prompts" ../home.out "$TMP/out1"
check_test "mixed home: no diagnostics" "$(wc -c < "$TMP/err")" -eq 0
own proj/s-a/subagents/agent-acompact-c1.jsonl proj/s-a/subagents/agent-x1.jsonl proj/agent-b1x.jsonl \
	proj/s-c.jsonl proj/s-b.jsonl proj/s-a.jsonl > "$TMP/out2"
check_same "mixed home: reversed order, same records" ../home.out "$TMP/out2"
own proj/s-c.jsonl proj/s-a/subagents/agent-x1.jsonl proj/s-b.jsonl proj/s-a/subagents/agent-x1.meta.json \
	proj/agent-b1x.jsonl proj/s-a/subagents/agent-acompact-c1.jsonl proj/s-a.jsonl > "$TMP/out3"
check_same "mixed home: shuffled order (meta.json given too), same records" ../home.out "$TMP/out3"
printf '%s\n' proj/agent-b1x.jsonl proj/s-a/subagents/agent-x1.jsonl proj/s-a/subagents/agent-acompact-c1.jsonl \
	proj/s-b.jsonl proj/s-c.jsonl proj/s-a.jsonl | own --files-from - > "$TMP/out4"
check_same "mixed home: --files-from in another order, same records" ../home.out "$TMP/out4"
# the 2.1 subagent alone: its type from meta.json; spawn and prompt unknown
own proj/s-a/subagents/agent-x1.jsonl > "$TMP/out5"
cd "$TMP"
check_out "2.1 subagent alone: type from meta.json, no parent, its task as the prompt" \
	'{"kind":"session","agent":"claude","session":"s-a","subagent":"x1","subagent_type":"Explore","ts":"2026-03-01T09:00:05.000Z","cwd":"/home/dev/a","version":"2.1.90","file":"proj/s-a/subagents/agent-x1.jsonl"}
{"kind":"prompt","agent":"claude","session":"s-a","subagent":"x1","subagent_type":"Explore","ts":"2026-03-01T09:00:05.000Z","id":"y1","prompt":"y1","origin":"subagent","text":"Find slow tests"}' \
	head -n 2 out5
check_test "2.1 subagent alone: every record but the session's names its task" \
	"$(grep -v '"kind":"session"' out5 | grep -vc '"prompt":"y1"')" = 0
check_out "2.0 subagent (no agentId in the result): found by its task, type from the Task input" \
	'{"kind":"session","agent":"claude","session":"s-b","subagent":"b1x","subagent_type":"code-reviewer","ts":"2026-03-01T09:30:05.000Z","parent":"toolu_B1","cwd":"/home/dev/b","version":"2.0.50","file":"proj/agent-b1x.jsonl"}
{"kind":"prompt","agent":"claude","session":"s-b","subagent":"b1x","subagent_type":"code-reviewer","ts":"2026-03-01T09:30:05.000Z","id":"w1","parent":"toolu_B1","prompt":"b1","origin":"subagent","text":"Review the diff"}' \
	grep '"subagent":"b1x","subagent_type":"code-reviewer","ts":"2026-03-01T09:30:05' out1
check_out "compaction copy: one update record adds what the larger copy has" \
	'{"kind":"llm","agent":"claude","session":"s-a","ts":"2026-03-01T09:00:23.000Z","id":"msg_A2","parent":"a1","prompt":"a1","model":"claude-opus-4-7","update":true,"tokens":{"input":0,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":2835,"reasoning":0}}' \
	grep '"update":true' out1
check_out "compaction copy: msg_A2 counts once, output 37 + 2835 = 2872; all output 3373" '2 2872 3373 10' \
	jq -rs '[.[] | select(.kind == "llm")] as $l | [$l[] | select(.id == "msg_A2")] as $a |
		"\($a | length) \($a | map(.tokens.output) | add) \($l | map(.tokens.output) | add) \($l | map(select(.update | not)) | length)"' out1
check_out "queue-operation first: the session record has the cwd of the first record with one" \
	'/home/dev/a 2026-03-01T09:00:00.000Z' \
	jq -r 'select(.kind == "session" and .session == "s-a" and (.subagent | not)) | "\(.cwd) \(.ts)"' out1
check_out "IDE and system-reminder blocks are not what was typed" \
	'human why does this import fail?
human install it then
meta <system-reminder>Plan mode is active.</system-reminder>' \
	jq -r 'select(.kind == "prompt" and .session == "s-c") | "\(.origin) \(.text)"' out1
# inside one file: a call's records apart, the later ones larger
cat > big.jsonl <<'EOF'
{"parentUuid":null,"isSidechain":false,"cwd":"/d","sessionId":"s-d","version":"2.1.90","type":"user","message":{"role":"user","content":"go"},"uuid":"d1","timestamp":"2026-03-02T00:00:00.000Z"}
{"parentUuid":"d1","isSidechain":false,"cwd":"/d","sessionId":"s-d","version":"2.1.90","type":"assistant","message":{"id":"msg_D1","model":"m","content":[{"type":"text","text":"a"}],"usage":{"input_tokens":5,"output_tokens":3}},"requestId":"req_D1","uuid":"d2","timestamp":"2026-03-02T00:00:01.000Z"}
{"parentUuid":"d2","isSidechain":false,"cwd":"/d","sessionId":"s-d","version":"2.1.90","type":"assistant","message":{"id":"msg_D2","model":"m","content":[{"type":"text","text":"b"}],"usage":{"input_tokens":1,"output_tokens":1}},"requestId":"req_D2","uuid":"d3","timestamp":"2026-03-02T00:00:02.000Z"}
{"parentUuid":"d2","isSidechain":false,"cwd":"/d","sessionId":"s-d","version":"2.1.90","type":"assistant","message":{"id":"msg_D1","model":"m","content":[{"type":"text","text":"a"}],"usage":{"input_tokens":5,"output_tokens":90}},"requestId":"req_D1","uuid":"d2","timestamp":"2026-03-02T00:00:01.000Z"}
{"parentUuid":"d2","isSidechain":false,"cwd":"/d","sessionId":"s-d","version":"2.1.90","type":"assistant","message":{"id":"msg_D1","model":"m","content":[{"type":"text","text":"a"}],"usage":{"input_tokens":4,"output_tokens":60}},"requestId":"req_D1","uuid":"d2","timestamp":"2026-03-02T00:00:01.000Z"}
EOF
agent-events big.jsonl > out 2> err
check_out "one file, a call's records apart: written once, then one update to the largest" \
	'msg_D1 false 3 5
msg_D2 false 1 1
msg_D1 true 87 0' \
	jq -r 'select(.kind == "llm") | "\(.id) \(.update // false) \(.tokens.output) \(.tokens.input)"' out

# --- bad input ------------------------------------------------------------------------
R='"isSidechain":false,"cwd":"/b","sessionId":"s-bad","version":"2.0.1"'
cat > bad.jsonl <<EOF
{"parentUuid":null,$R,"type":"user","message":{"role":"user","content":"go"},"uuid":"b1","timestamp":"2026-01-10T00:00:00.000Z"}
{"parentUuid":"b1",$R,"type":"assistant","message":{"id":"msg_b1","model":"m","content":[{"type":"tool_use","id":"toolu_b1","name":"Bash","input":{"command":"ls"}}],"usage":{"input_tokens":1,"output_tokens":2}},"requestId":"q1","uuid":"b2","timestamp":"2026-01-10T00:00:01.000Z"}
{"parentUuid":"b2",$R,"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_b1","type":"tool_result","content":"a b"
{"parentUuid":"b2",$R,"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_b1","type":"tool_result","content":"a b"}]},"uuid":"b3","timestamp":"2026-01-10T00:00:02.000Z"}
{"parentUuid":"b3",$R,"type":"assistant","message":{"id":"msg_b2","model":"m","content":[{"type":"text","text":"two files"}],"usage":{"input_tokens":1,"output_tokens":3}},"requestId":"q2","uuid":"b4","timestamp":"2026-01-10T00:00:03.000Z"}
EOF
agent-events bad.jsonl > /dev/null 2> err
check_test "non-JSON line: exit 1" $? = 1
own bad.jsonl > out 2> /dev/null
check_grep "non-JSON line: file and line named" '^agent-events: bad.jsonl:3: not JSON: ' err
cat > expected <<'EOF'
{"kind":"session","agent":"claude","session":"s-bad","ts":"2026-01-10T00:00:00.000Z","cwd":"/b","version":"2.0.1","file":"bad.jsonl"}
{"kind":"prompt","agent":"claude","session":"s-bad","ts":"2026-01-10T00:00:00.000Z","id":"b1","prompt":"b1","origin":"human","text":"go"}
{"kind":"llm","agent":"claude","session":"s-bad","ts":"2026-01-10T00:00:01.000Z","id":"msg_b1","parent":"b1","prompt":"b1","model":"m","duration_ms":1000,"tokens":{"input":1,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":2,"reasoning":0},"tools":["Bash"],"tool_kinds":["shell"]}
{"kind":"tool","agent":"claude","session":"s-bad","ts":"2026-01-10T00:00:01.000Z","id":"toolu_b1","parent":"msg_b1","prompt":"b1","cwd":"/b","tool":"Bash","tool_kind":"shell","status":"ok","duration_ms":1000}
{"kind":"llm","agent":"claude","session":"s-bad","ts":"2026-01-10T00:00:03.000Z","id":"msg_b2","parent":"b1","prompt":"b1","model":"m","duration_ms":1000,"tokens":{"input":1,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":3,"reasoning":0},"text":"two files"}
EOF
check_same "non-JSON line: the records before and after it all count" expected out

# a session still being written: the last line is cut
head -n 2 bad.jsonl > cut.jsonl
sed -n 4p bad.jsonl | head -c 80 >> cut.jsonl
agent-events cut.jsonl > out 2> err
check_test "truncated last line: exit 0" $? = 0
check_test "truncated last line: the records before it" "$(grep -c '^{"kind":"\(session\|prompt\|llm\|tool\)"' out)" = 4

# invalid UTF-8 in a prompt: replaced, reported, the record kept
printf '{"parentUuid":null,%s,"type":"user","message":{"role":"user","content":"caf\\u00e9 na\351ve"},"uuid":"x1","timestamp":"2026-01-10T00:00:00.000Z"}\n' "$R" > utf8.jsonl
printf '{"parentUuid":null,%s,"type":"user","message":{"role":"user","content":"na\351ve"},"uuid":"x2","timestamp":"2026-01-10T00:00:01.000Z"}\n' "$R" >> utf8.jsonl
agent-events utf8.jsonl > out 2> err
check_test "invalid UTF-8: exit 1" $? = 1
check_grep "invalid UTF-8: reported with its line" '^agent-events: utf8.jsonl:1: invalid UTF-8 replaced by U+FFFD' err
check_test "invalid UTF-8: both prompts kept, bytes replaced" \
	"$(jq -r 'select(.kind == "prompt") | .text' out)" = "$(printf 'caf\303\251 na\357\277\275ve\nna\357\277\275ve')"

# --- detection -------------------------------------------------------------------------
cp $F/calls.jsonl renamed.txt
agent-events renamed.txt > out 2> err
check_grep "detected from content whatever the name" '^{"kind":"session","agent":"claude"' out
cat > gem.jsonl <<'EOF'
{"sessionId":"g1","projectHash":"0b7d","startTime":"2026-04-29T21:39:22.319Z","lastUpdated":"2026-04-29T21:39:22.319Z","kind":"main"}
{"id":"g-user-1","timestamp":"2026-04-29T21:39:33.155Z","type":"user","content":[{"text":"Say hello."}]}
EOF
agent-events gem.jsonl > out 2> err
check_test "Gemini JSONL (sessionId, type user) is not taken for Claude" "$(grep -c '"agent":"claude"' out)" = 0
done_testing
