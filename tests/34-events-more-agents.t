#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events and agent-sessions on GitHub Copilot CLI, Qwen Code and Kimi
# (Kimi CLI's wire and Kimi Code's): exact records from fixtures in the
# real shapes, the tokens view, and every real file of the corpus with its
# totals checked against jq.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
F=$TESTS/fixtures
M=c7344a2fb68e27bcfcb167d33a28ad5d     # md5 of /src/app: Kimi CLI's work dir name
KS=sessions/$M/4b1d0000-0000-4000-8000-000000000001
KC=sessions/wd_app_1a2b3c4d5e6f/session_5e550000-0000-4000-8000-000000000003
plan 50

# --- GitHub Copilot CLI -------------------------------------------------------
(cd "$F/copilot" && agent-events events.jsonl) > cop.out 2> cop.err; st=$?
check_same "copilot: two process runs, exact records" "$F/copilot/events.jsonl.expected" cop.out
check_test "copilot: exit 0, nothing on stderr" "$st:$(cat cop.err)" = "0:"
# one usage "session" record per model per run; the calls carry no tokens
# (their outputTokens are part of the totals) and no usage key
check_out "copilot: session totals per model and run, input without the cache" \
	"$(printf '%s\n' 'run 1 claude-sonnet-4.6 10000 18000 2000 150' 'run 1 claude-haiku-4.5 800 0 0 40' \
		'run 2 claude-sonnet-4.6 1000 20000 0 80')" \
	jq -r 'select(.usage=="session") | "\(.id | sub(".*:"; "")) \(.model) \(.tokens.input) \(.tokens.cache_read) \(.tokens.cache_write) \(.tokens.output)"' cop.out
check_out "copilot: calls have no tokens, no usage key, no double count" '3 0' \
	jq -s '[.[] | select(.kind=="llm" and .usage == null)] | "\(length) \(map(select(.tokens)) | length)"' -r cop.out
check_out "copilot: exit code from <exited with exit code N>, success false is an error" \
	"$(printf '%s\n' 'view ok -' 'bash error 2' 'edit error -')" \
	jq -r 'select(.kind=="tool") | "\(.tool) \(.status) \(.exit // "-")"' cop.out
(cd "$F/copilot" && agent-events open.jsonl) > open.out 2>&1
check_same "copilot: a session still open (no shutdown): calls say usage none" "$F/copilot/open.jsonl.expected" open.out
(cd "$F/copilot" && agent-events cumulative.jsonl) > cum.out 2> cum.err
check_same "copilot: cumulative shutdown figures become deltas" "$F/copilot/cumulative.jsonl.expected" cum.out
check_grep "copilot: and a note says so, with file and line" \
	'^agent-events: cumulative.jsonl:21: session.shutdown figures cover the runs before it too' cum.err
cat "$F/copilot/events.jsonl" | agent-events > stdin.out 2>&1
check_out "copilot: from standard input (not scanned twice) the calls carry no usage key" '0' \
	jq -s '[.[] | select(.usage=="none")] | length' stdin.out

# the tokens view: the totals under call:llm/session-total, the open
# session's call named as recording no usage (never 0)
(cd "$F/copilot" && agent-events events.jsonl open.jsonl) | agent-stack --view tokens > tok.out 2> tok.err
check_same "copilot: tokens view" - tok.out <<'EOF'
project:app;agent:copilot;session:unmatched;call:llm/session-total;model:claude-haiku-4.5;kind:input 800
project:app;agent:copilot;session:unmatched;call:llm/session-total;model:claude-haiku-4.5;kind:output 40
project:app;agent:copilot;session:unmatched;call:llm/session-total;model:claude-sonnet-4.6;kind:cache_read 38000
project:app;agent:copilot;session:unmatched;call:llm/session-total;model:claude-sonnet-4.6;kind:cache_write 2000
project:app;agent:copilot;session:unmatched;call:llm/session-total;model:claude-sonnet-4.6;kind:input 11000
project:app;agent:copilot;session:unmatched;call:llm/session-total;model:claude-sonnet-4.6;kind:output 230
EOF
check_grep "copilot: tokens view names the calls without usage" 'no usage recorded by copilot for 1 calls' tok.err

# --- Qwen Code ------------------------------------------------------------------
(cd "$F/qwen" && agent-events 7e57a000-0000-4000-8000-000000000001.jsonl \
	7e57b000-0000-4000-8000-000000000002.jsonl) > qw.out 2> qw.err; st=$?
check_same "qwen: a session and its resumed copy, exact records" "$F/qwen/resumed.expected" qw.out
check_test "qwen: exit 0" "$st" = 0
check_grep "qwen: a telemetry row no assistant row follows is said, not counted" \
	'7e57a000-0000-4000-8000-000000000001.jsonl:10: 1 api_response telemetry rows with no assistant row' qw.err
# 3 calls: q-a1 (assistant and telemetry rows: once), q-a2 (two rows, one
# call), q-a3 (new in the resumed copy); the copied q-a1, q-a2 not again
check_out "qwen: each call once, prompt includes cached (Gemini units)" \
	"$(printf '%s\n' 'q-a1 1000 8000 75 15' 'q-a2 500 9000 40 0' 'q-a3 500 9500 30 0')" \
	jq -r 'select(.kind=="llm") | "\(.id) \(.tokens.input) \(.tokens.cache_read) \(.tokens.output) \(.tokens.reasoning)"' qw.out
check_out "qwen: Exit Code: 2 of a successful call is an error; error status" \
	"$(printf '%s\n' 'run_shell_command error 2' 'edit error -')" \
	jq -r 'select(.kind=="tool") | "\(.tool) \(.status) \(.exit // "-")"' qw.out

# --- Kimi CLI wire, subagent echoed in the parent and in its own wire -----------
(cd "$F/kimi/share" && agent-events $KS/wire.jsonl $KS/subagents/a7f3/wire.jsonl) > kc.out 2> kc.err; st=$?
check_same "kimi cli: parent wire and subagent wire, exact records" "$F/kimi/cli.expected" kc.out
check_test "kimi cli: exit 0, nothing on stderr" "$st:$(cat kc.err)" = "0:"
check_out "kimi cli: four steps, each once (the echo is not added)" '4 1750 13800 300 122' \
	jq -rs '[.[] | select(.kind=="llm")] | "\(length) \(map(.tokens.input) | add) \(map(.tokens.cache_read) | add) \(map(.tokens.cache_write) | add) \(map(.tokens.output) | add)"' kc.out
check_out "kimi cli: subagent records carry subagent, type, the spawning call and the parent's prompt" \
	'a7f3 coder tool_task1 4b1d0000-0000-4000-8000-000000000001:p1' \
	jq -r 'select(.kind=="prompt" and .subagent) | "\(.subagent) \(.subagent_type) \(.parent) \(.prompt)"' kc.out
(cd "$F/kimi/share" && agent-events $KS/wire.jsonl) > kp.out 2>&1
check_out "kimi cli: the parent's wire alone has the subagent's steps too" '4' \
	jq -s '[.[] | select(.kind=="llm")] | length' kp.out
check_out "kimi cli: the session's cwd from kimi.json (md5 of the work dir)" '/src/app' \
	jq -r 'select(.kind=="session" and (.subagent | not)) | .cwd' kp.out

# --- Kimi Code --------------------------------------------------------------------
(cd "$F/kimi/code" && agent-events $KC/agents/main/wire.jsonl $KC/agents/agent-0/wire.jsonl) > kk.out 2> kk.err; st=$?
check_same "kimi code: main and agent-0 wires, exact records" "$F/kimi/code.expected" kk.out
check_test "kimi code: exit 0, nothing on stderr" "$st:$(cat kk.err)" = "0:"
# usage.record counts, step.end's copy does not; the compaction's
# usage.record (no step) is a call of its own
check_out "kimi code: usage.record once per step, compaction a call" '4 8200 13000 340' \
	jq -rs '[.[] | select(.kind=="llm")] | "\(length) \(map(.tokens.input) | add) \(map(.tokens.cache_read) | add) \(map(.tokens.output) | add)"' kk.out
check_out "kimi code: the subagent's wire is under the parent's Agent call" 'agent-0 explore Agent_1' \
	jq -r 'select(.kind=="session" and .subagent) | "\(.subagent) \(.subagent_type) \(.parent)"' kk.out

# --- over 4096 tool calls awaiting a result: the oldest is written as unknown,
# the newest is kept (it used to be dropped by Copilot, Qwen and Kimi) ------------
awk 'BEGIN {
	print "{\"type\":\"session.start\",\"data\":{\"sessionId\":\"cap-1\",\"context\":{\"cwd\":\"/src/app\"}},\"id\":\"e0\",\"timestamp\":\"2026-05-01T09:00:00.000Z\"}"
	print "{\"type\":\"user.message\",\"data\":{\"content\":\"go\"},\"id\":\"u1\",\"timestamp\":\"2026-05-01T09:00:01.000Z\"}"
	for (i = 0; i <= 4096; i++)
		printf "{\"type\":\"tool.execution_start\",\"data\":{\"toolCallId\":\"t%d\",\"toolName\":\"view\",\"arguments\":{\"path\":\"/src/app/f%d\"}},\"id\":\"s%d\",\"timestamp\":\"2026-05-01T09:00:02.000Z\"}\n", i, i, i
	print "{\"type\":\"tool.execution_complete\",\"data\":{\"toolCallId\":\"t4096\",\"success\":true,\"result\":{\"content\":\"x\"}},\"id\":\"c1\",\"timestamp\":\"2026-05-01T09:00:03.000Z\"}"
}' > cap-copilot.jsonl
agent-events cap-copilot.jsonl > capc.out 2> capc.err
check_out "copilot over 4096 pending: every call written, the oldest unknown, the newest completed" \
	'4097 t0:unknown t4096:ok' \
	jq -rs '[.[] | select(.kind=="tool")] | "\(length) \(map(select(.id=="t0"))[0] | "t0:\(.status)") \(map(select(.id=="t4096"))[0] | "t4096:\(.status)")"' capc.out
check_test "copilot over 4096 pending: a note says the oldest is written as unknown" \
	"$(grep -c 'over 4096 tool calls without completion; the oldest written as unknown' capc.err)" = 1
awk 'BEGIN {
	s = "\"sessionId\":\"7e57c000-0000-4000-8000-000000000003\",\"timestamp\":\"2026-06-01T08:00:0"
	print "{\"uuid\":\"u1\",\"parentUuid\":null," s "0.000Z\",\"type\":\"user\",\"cwd\":\"/src/app\",\"message\":{\"role\":\"user\",\"parts\":[{\"text\":\"go\"}]}}"
	printf "{\"uuid\":\"a1\",\"parentUuid\":\"u1\"," s "1.000Z\",\"type\":\"assistant\",\"cwd\":\"/src/app\",\"model\":\"qwen3-coder-plus\",\"message\":{\"role\":\"model\",\"parts\":["
	for (i = 0; i <= 4096; i++)
		printf "%s{\"functionCall\":{\"id\":\"c%d\",\"name\":\"read_file\",\"args\":{\"absolute_path\":\"/src/app/f%d\"}}}", (i ? "," : ""), i, i
	print "]},\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":5,\"totalTokenCount\":15}}"
	print "{\"uuid\":\"r1\",\"parentUuid\":\"a1\"," s "2.000Z\",\"type\":\"tool_result\",\"cwd\":\"/src/app\",\"message\":{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"id\":\"c4096\",\"name\":\"read_file\",\"response\":{\"output\":\"x\"}}}]},\"toolCallResult\":{\"callId\":\"c4096\",\"status\":\"success\"}}"
}' > 7e57c000-0000-4000-8000-000000000003.jsonl
agent-events 7e57c000-0000-4000-8000-000000000003.jsonl > capq.out 2> capq.err
check_out "qwen over 4096 pending: every call written, the oldest unknown, the newest completed" \
	'4097 c0:unknown c4096:ok' \
	jq -rs '[.[] | select(.kind=="tool")] | "\(length) \(map(select(.id=="c0"))[0] | "c0:\(.status)") \(map(select(.id=="c4096"))[0] | "c4096:\(.status)")"' capq.out
check_test "qwen over 4096 pending: a note says so" \
	"$(grep -c 'over 4096 tool calls without a result; the oldest written as unknown' capq.err)" = 1
mkdir -p capk && awk 'BEGIN {
	print "{\"type\": \"metadata\", \"protocol_version\": \"1.10\"}"
	print "{\"timestamp\": 1780300802.3, \"message\": {\"type\": \"TurnBegin\", \"payload\": {\"user_input\": \"go\"}}}"
	print "{\"timestamp\": 1780300802.4, \"message\": {\"type\": \"StepBegin\", \"payload\": {\"n\": 1}}}"
	for (i = 0; i <= 4096; i++)
		printf "{\"timestamp\": 1780300803.0, \"message\": {\"type\": \"ToolCall\", \"payload\": {\"type\": \"function\", \"id\": \"k%d\", \"function\": {\"name\": \"ReadFile\", \"arguments\": \"{\\\"path\\\": \\\"f%d\\\"}\"}}}}\n", i, i
	print "{\"timestamp\": 1780300803.5, \"message\": {\"type\": \"ToolResult\", \"payload\": {\"tool_call_id\": \"k4096\", \"return_value\": {\"is_error\": false, \"output\": \"x\"}}}}"
	print "{\"timestamp\": 1780300804.1, \"message\": {\"type\": \"TurnEnd\", \"payload\": {}}}"
}' > capk/wire.jsonl
agent-events capk/wire.jsonl > capk.out 2> capk.err
check_out "kimi over 4096 pending: every call written, the oldest unknown, the newest completed" \
	'4097 k0:unknown k4096:ok' \
	jq -rs '[.[] | select(.kind=="tool")] | "\(length) \(map(select(.id=="k0"))[0] | "k0:\(.status)") \(map(select(.id=="k4096"))[0] | "k4096:\(.status)")"' capk.out
check_test "kimi over 4096 pending: a note says so" \
	"$(grep -c 'over 4096 tool calls without a result; the oldest written as unknown' capk.err)" = 1

# --- agent-sessions ------------------------------------------------------------------
H=$TMP/home
mkdir -p "$H/.copilot/session-state/c0p1-0000-4000-8000-000000000001" "$H/.qwen/projects/-src-app/chats" \
	"$H/.qwen/tmp/0123abcd/chats" "$H/.kimi-code" "$H/.copilot/history-session-state"
cp "$F/copilot/events.jsonl" "$H/.copilot/session-state/c0p1-0000-4000-8000-000000000001/events.jsonl"
cp "$F/copilot/open.jsonl" "$H/.copilot/session-state/c0p2-0000-4000-8000-000000000002.jsonl"
cp "$F/qwen/7e57a000-0000-4000-8000-000000000001.jsonl" "$H/.qwen/projects/-src-app/chats/"
cp "$F/qwen/7e57b000-0000-4000-8000-000000000002.jsonl" "$H/.qwen/tmp/0123abcd/chats/"
cp -R "$F/kimi/share" "$TMP/kshare"
cp -R "$F/kimi/code/sessions" "$H/.kimi-code/"
KIMI_SHARE_DIR=$TMP/kshare agent-sessions --home "$H" --json -a copilot,qwen,kimi > ses.out 2> ses.err; st=$?
check_test "agent-sessions: exit 0, nothing on stderr" "$st:$(cat ses.err)" = "0:"
jq -r '"\(.agent) \(.id) \(.parent // "-") \(.cwd) \(.path)"' ses.out | sed "s|$H/||; s|$TMP/kshare/||" | sort > ses.txt
check_same "agent-sessions: every layout found, ids, parents and cwds" - ses.txt <<'EOF'
copilot c0p1-0000-4000-8000-000000000001 - /src/app .copilot/session-state/c0p1-0000-4000-8000-000000000001/events.jsonl
copilot c0p2-0000-4000-8000-000000000002 - /src/app .copilot/session-state/c0p2-0000-4000-8000-000000000002.jsonl
kimi 4b1d0000-0000-4000-8000-000000000001 - /src/app sessions/c7344a2fb68e27bcfcb167d33a28ad5d/4b1d0000-0000-4000-8000-000000000001/wire.jsonl
kimi 5e550000-0000-4000-8000-000000000003 - /src/app .kimi-code/sessions/wd_app_1a2b3c4d5e6f/session_5e550000-0000-4000-8000-000000000003/agents/main/wire.jsonl
kimi a7f3 4b1d0000-0000-4000-8000-000000000001 /src/app sessions/c7344a2fb68e27bcfcb167d33a28ad5d/4b1d0000-0000-4000-8000-000000000001/subagents/a7f3/wire.jsonl
kimi agent-0 5e550000-0000-4000-8000-000000000003 /src/app .kimi-code/sessions/wd_app_1a2b3c4d5e6f/session_5e550000-0000-4000-8000-000000000003/agents/agent-0/wire.jsonl
qwen 7e57a000-0000-4000-8000-000000000001 - /src/app .qwen/projects/-src-app/chats/7e57a000-0000-4000-8000-000000000001.jsonl
qwen 7e57b000-0000-4000-8000-000000000002 - /src/app .qwen/tmp/0123abcd/chats/7e57b000-0000-4000-8000-000000000002.jsonl
EOF
check_out "agent-sessions: a Kimi wire's last time is its last record's" '2026-06-01T08:00:05.200Z' \
	jq -r 'select(.id=="4b1d0000-0000-4000-8000-000000000001") | .last' ses.out
mkdir -p "$TMP/src/app"
KIMI_SHARE_DIR=$TMP/kshare agent-sessions --home "$H" -a qwen --project-root "$TMP/src/app" > none.out 2>&1
check_test "agent-sessions: --project-root elsewhere keeps none (exit 1)" "$?:$(cat none.out)" = "1:"
COPILOT_HOME=$H/.copilot QWEN_DATA_DIR=$TMP/nothing agent-sessions --home /nonexistent -a copilot,qwen > env.out 2>&1
check_out "agent-sessions: COPILOT_HOME and QWEN_DATA_DIR move the histories" '2' sh -c 'wc -l < env.out'
KIMI_SHARE_DIR=$TMP/kshare agent-sessions --home "$H" -a kimi | xargs agent-events > all.out 2> all.err
check_out "agent-sessions | agent-events: Kimi subagents once, under their parents" '8 0' \
	jq -rs '"\([.[] | select(.kind=="llm")] | length) \([.[] | select(.kind=="llm")] | group_by(.id) | map(select(length > 1)) | length)"' all.out

# --- the real corpus ------------------------------------------------------------------
C=$SHARED/corpus
if ! shared corpus/copilot-cli || ! shared corpus/qwen-code || ! shared corpus/kimi; then
	for i in $(seq 12); do skip "no corpus at $C"; done
	exit 0
fi
f=$C/copilot-cli/entire-cli__compact-testdata__copilot_full.jsonl
agent-events "$f" > c1.out 2> c1.err; st=$?
check_test "corpus copilot (with shutdown): exit 0, nothing on stderr" "$st:$(cat c1.err)" = "0:"
check_out "corpus copilot: session totals equal modelMetrics (jq), calls = assistant messages" \
	"$(jq -rs '[.[] | select(.type=="session.shutdown") | .data.modelMetrics | to_entries[] | .value.usage] |
		"\(map(.inputTokens - .cacheReadTokens - .cacheWriteTokens) | add) \(map(.cacheReadTokens) | add) \(map(.outputTokens) | add)"' "$f") $(jq -s '[.[] | select(.type=="assistant.message")] | length' "$f")" \
	jq -rs '"\([.[] | select(.usage=="session") | .tokens] | "\(map(.input) | add) \(map(.cache_read) | add) \(map(.output) | add)") \([.[] | select(.kind=="llm" and .usage == null)] | length)"' c1.out
f=$C/copilot-cli/gatomia-vscode__entire-ac9c215b6cd4-0__full.jsonl
agent-events "$f" > c2.out 2> c2.err; st=$?
check_test "corpus copilot (still open): exit 0, nothing on stderr" "$st:$(cat c2.err)" = "0:"
check_out "corpus copilot open: every call usage none, no tokens; tools = executions (jq)" \
	"$(jq -s '[.[] | select(.type=="assistant.message")] | length' "$f") 0 $(jq -s '[.[] | select(.type=="tool.execution_start")] | length' "$f")" \
	jq -rs '"\([.[] | select(.kind=="llm" and .usage=="none")] | length) \([.[] | select(.tokens)] | length) \([.[] | select(.kind=="tool")] | length)"' c2.out
f=$C/copilot-cli/VibeCodingTracker__test_conversation_copilot.legacy.json
agent-events "$f" > c3.out 2> c3.err; st=$?
check_test "corpus copilot legacy: exit 0 with one note (tool calls only in the timeline)" \
	"$st:$(sed 's|^agent-events: [^:]*:|F:|' c3.err)" = "0:F: 3 tool calls are in the timeline only; charged to the last model call"
check_out "corpus copilot legacy: calls = runs of assistant messages, tools = timeline calls (jq)" \
	"$(jq -r '[.chatMessages | to_entries[] | select(.value.role=="assistant") | .key] as $a |
		[$a[] | select(. as $k | ($a | index($k - 1)) == null)] | length' "$f") $(jq '[.timeline[] | select(.type=="tool_call_completed") | .callId] | unique | length' "$f")" \
	jq -rs '"\([.[] | select(.kind=="llm" and .usage=="none")] | length) \([.[] | select(.kind=="tool")] | length)"' c3.out
for f in "$C"/qwen-code/*.jsonl; do agent-events "$f"; done > q.out 2> q.err; st=$?
check_test "corpus qwen: exit 0, nothing on stderr" "$st:$(cat q.err)" = "0:"
check_out "corpus qwen: tokens = assistant usageMetadata (jq), telemetry not added" \
	"$(cat "$C"/qwen-code/*.jsonl | jq -rs '[.[] | select(.type=="assistant") | .usageMetadata // empty] |
		"\(map((.promptTokenCount // 0) - (.cachedContentTokenCount // 0)) | add) \(map(.cachedContentTokenCount // 0) | add) \(map((.candidatesTokenCount // 0) + (.thoughtsTokenCount // 0)) | add)"')" \
	jq -rs '[.[] | select(.kind=="llm") | .tokens // empty] | "\(map(.input) | add) \(map(.cache_read) | add) \(map(.output) | add)"' q.out
check_out "corpus qwen: one call per assistant uuid (jq)" \
	"$(for f in "$C"/qwen-code/*.jsonl; do jq -s '[.[] | select(.type=="assistant") | .uuid] | unique | length' "$f"; done | paste -sd+ | bc)" \
	jq -s '[.[] | select(.kind=="llm")] | length' q.out
for f in "$C"/kimi/*.jsonl; do agent-events "$f"; done > k.out 2> k.err; st=$?
check_test "corpus kimi: exit 0, nothing on stderr" "$st:$(cat k.err)" = "0:"
check_out "corpus kimi: tokens = usage.record sums (jq), step.end not added" \
	"$(cat "$C"/kimi/*.jsonl | jq -rs '[.[] | select(.type=="usage.record") | .usage] |
		"\(length) \(map(.inputOther) | add) \(map(.inputCacheRead) | add) \(map(.inputCacheCreation) | add) \(map(.output) | add)"')" \
	jq -rs '[.[] | select(.kind=="llm") | .tokens // empty] | "\(length) \(map(.input) | add) \(map(.cache_read) | add) \(map(.cache_write) | add) \(map(.output) | add)"' k.out
check_out "corpus kimi: tool calls = tool.call events (jq), exit 1 of the failed cat" \
	"$(cat "$C"/kimi/*.jsonl | jq -s '[.[] | select(.event.type=="tool.call")] | length') 1" \
	jq -rs '"\([.[] | select(.kind=="tool")] | length) \([.[] | select(.kind=="tool" and .exit==1)] | length)"' k.out
