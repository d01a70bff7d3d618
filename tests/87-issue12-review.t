#!/bin/sh
# SPDX-License-Identifier: MIT
# Issue 12 review: realistic inputs written as the agents write them, each
# checked against totals worked out by hand.
. "$(dirname "$0")/lib.sh"
plan 12
FX=$TESTS/fixtures/issue12-review

# --- a Claude home: 2.1 subagents (Agent -> Explore -> Task), a compaction
# copy with the final usage, a resume copy, a later session
sh "$FX/claude-home.sh" "$TMP/h"
P=$TMP/h/.claude/projects/-home-u-proj
S1=$P/11111111-1111-4111-8111-111111111111
HOME=$TMP/h agent-sessions | agent-events --files-from - | agent-tag > all.ndjson
check_out "claude home: tokens view, largest usage once, nested subagent frames" "$(cat <<'X'
project:proj;agent:claude;session:debug;prompt:create;call:tool/Task;subagent:compact;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:cache_read 1200
project:proj;agent:claude;session:debug;prompt:create;call:tool/Task;subagent:compact;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:input 10
project:proj;agent:claude;session:debug;prompt:create;call:tool/Task;subagent:compact;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:output 900
project:proj;agent:claude;session:debug;prompt:debug;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:cache_read 1000
project:proj;agent:claude;session:debug;prompt:debug;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:cache_write 200
project:proj;agent:claude;session:debug;prompt:debug;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:input 5
project:proj;agent:claude;session:debug;prompt:debug;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:output 50
project:proj;agent:claude;session:debug;prompt:debug;call:llm/delegate;model:claude-sonnet-4-5-20250929;kind:cache_write 1000
project:proj;agent:claude;session:debug;prompt:debug;call:llm/delegate;model:claude-sonnet-4-5-20250929;kind:input 3
project:proj;agent:claude;session:debug;prompt:debug;call:llm/delegate;model:claude-sonnet-4-5-20250929;kind:output 2872
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:llm/answer;model:claude-haiku-4-5-20251001;kind:cache_read 300
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:llm/answer;model:claude-haiku-4-5-20251001;kind:input 2
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:llm/answer;model:claude-haiku-4-5-20251001;kind:output 10
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:llm/delegate;model:claude-haiku-4-5-20251001;kind:cache_write 300
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:llm/delegate;model:claude-haiku-4-5-20251001;kind:input 2
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:llm/delegate;model:claude-haiku-4-5-20251001;kind:output 20
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;call:llm/answer;model:claude-haiku-4-5-20251001;kind:cache_read 100
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;call:llm/answer;model:claude-haiku-4-5-20251001;kind:input 1
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;call:llm/answer;model:claude-haiku-4-5-20251001;kind:output 3
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;call:llm/inspect;model:claude-haiku-4-5-20251001;kind:cache_write 100
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;call:llm/inspect;model:claude-haiku-4-5-20251001;kind:input 4
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;call:llm/inspect;model:claude-haiku-4-5-20251001;kind:output 7
project:proj;agent:claude;session:greet;prompt:greet;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:input 10
project:proj;agent:claude;session:greet;prompt:greet;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:output 5
project:proj;agent:claude;session:test;prompt:test;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:cache_read 1200
project:proj;agent:claude;session:test;prompt:test;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:input 6
project:proj;agent:claude;session:test;prompt:test;call:llm/answer;model:claude-sonnet-4-5-20250929;kind:output 40
X
)" agent-stack --view tokens all.ndjson
check_out "claude home: time view, subagents inside their spawning calls" "$(cat <<'X'
project:proj;agent:claude;session:debug;prompt:create;call:tool/Task;subagent:compact;kind:llm;call:llm/answer;model:claude-sonnet-4-5-20250929 40000
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;kind:llm;call:llm/answer;model:claude-haiku-4-5-20251001 6500
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;kind:llm;call:llm/inspect;model:claude-haiku-4-5-20251001 1900
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;call:tool/Task;subagent:general-purpose;kind:tool;call:tool/Read 500
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;kind:llm;call:llm/answer;model:claude-haiku-4-5-20251001 3000
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;kind:llm;call:llm/delegate;model:claude-haiku-4-5-20251001 1900
project:proj;agent:claude;session:debug;prompt:debug;call:tool/Agent;subagent:Explore;kind:tool;call:tool/Task 1100
project:proj;agent:claude;session:debug;prompt:debug;kind:llm;call:llm/answer;model:claude-sonnet-4-5-20250929 2000
project:proj;agent:claude;session:debug;prompt:debug;kind:llm;call:llm/delegate;model:claude-sonnet-4-5-20250929 2900
project:proj;agent:claude;session:debug;prompt:debug;kind:tool;call:tool/Agent 2100
project:proj;agent:claude;session:greet;prompt:greet;kind:llm;call:llm/answer;model:claude-sonnet-4-5-20250929 2000
project:proj;agent:claude;session:test;prompt:test;kind:llm;call:llm/answer;model:claude-sonnet-4-5-20250929 4000
X
)" agent-stack --view time all.ndjson
# any file order, any record order: the same stacks and tables
views() { for v in tokens cost tasks time; do agent-stack --view "$v" "$1"; done
	agent-stack --format latency "$1"; agent-stack --format report "$1"; }
views all.ndjson > want
agent-events "$P"/2*.jsonl "$S1"/subagents/agent-acompact-9f.jsonl "$S1"/subagents/agent-ac2.jsonl \
	"$P"/3*.jsonl "$S1.jsonl" "$S1"/subagents/agent-ab1.jsonl | agent-tag | tac > shuffled.ndjson
views shuffled.ndjson > got
check_same "claude home: files and records in another order, the same views" want got
# the report adds an update's tokens to its call (output 2872, not 37)
agent-stack --format report all.ndjson | sed -n 2,5p > got
check_out "claude home: report counts the compaction file's usage once, as the call's" "$(cat <<'X'
sessions 1, 2026-01-10T10:00:00.100Z to 2026-01-10T10:30:40.000Z; prompts 1, model calls 7, tool calls 3 (failed 0)
active time 1m02s: waiting on the model 94%, running tools 6%
tokens: 4227 input (62% cache reads, 38% cache writes), 3862 output
estimated cost $0.0633 (from recorded usage, not a bill), cache writes $0.0050 (8%)
X
)" cat got
# an update whose call never came: tokens and cost, no model call
cat > orphan.ndjson <<'X'
{"kind":"session","agent":"claude","session":"s","ts":"2026-01-10T10:00:00Z","cwd":"/w/p"}
{"kind":"prompt","agent":"claude","session":"s","ts":"2026-01-10T10:00:00Z","id":"p1","prompt":"p1","origin":"human","text":"fix it"}
{"kind":"llm","agent":"claude","session":"s","ts":"2026-01-10T10:00:01Z","id":"m2","parent":"p1","prompt":"p1","model":"claude-sonnet-4-5-20250929","update":true,"tokens":{"input":0,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":1000,"reasoning":0}}
{"kind":"llm","agent":"claude","session":"s","ts":"2026-01-10T10:00:02Z","id":"m1","parent":"p1","prompt":"p1","model":"claude-sonnet-4-5-20250929","update":true,"tokens":{"input":0,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":100,"reasoning":0}}
{"kind":"llm","agent":"claude","session":"s","ts":"2026-01-10T10:00:02Z","id":"m1","parent":"p1","prompt":"p1","model":"claude-sonnet-4-5-20250929","duration_ms":2000,"tokens":{"input":10,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":20,"reasoning":0}}
X
agent-stack --format report orphan.ndjson | sed -n 2,5p > got
check_out "report: an update before its call adds to it; one without a call is no call" "$(cat <<'X'
sessions 1, 2026-01-10T10:00:00.000Z to 2026-01-10T10:00:02.000Z; prompts 1, model calls 1, tool calls 0 (failed 0)
active time 2.0s: waiting on the model 100%, running tools 0%
tokens: 10 input (0% cache reads, 0% cache writes), 1120 output
estimated cost $0.0168 (from recorded usage, not a bill), cache writes $0.00 (0%)
X
)" cat got
check_out "latency: updates are no calls" "$(cat <<'X'
latency of model calls and tool calls (wall time up to the idle cap; percentiles by nearest rank)
agent   kind   name                        count     total      mean       p50       p95       p99       max
claude  model  claude-sonnet-4-5-20250929      1      2.0s      2.0s      2.0s      2.0s      2.0s      2.0s
X
)" sh -c 'agent-stack --format latency orphan.ndjson | sed -n 1,3p'

# --- a Claude call streamed over three lines (thinking 10:00:05, text
# 10:00:07, tool_use 10:00:09): its record ends at its last line, so the
# time line runs prompt 10:00:00, model 9 s, Bash 10 s, model 3 s = 22 s,
# and nothing of the model's falls before the prompt
S=88888888-8888-4888-8888-888888888888
C='"userType":"external","cwd":"/w/s","sessionId":"'$S'","version":"2.1.3"'
U1='"usage":{"input_tokens":10,"cache_creation_input_tokens":500,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":500},"output_tokens":'
cat > st.jsonl <<X
{"parentUuid":null,"isSidechain":false,$C,"type":"user","message":{"role":"user","content":"run the tests"},"uuid":"u1","timestamp":"2026-03-01T10:00:00.000Z"}
{"parentUuid":"u1","isSidechain":false,$C,"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-5-20251101","content":[{"type":"thinking","thinking":"hmm","signature":"x"}],"stop_reason":null,${U1}8}},"requestId":"req_1","uuid":"a1","timestamp":"2026-03-01T10:00:05.000Z"}
{"parentUuid":"a1","isSidechain":false,$C,"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-5-20251101","content":[{"type":"text","text":"Running."}],"stop_reason":null,${U1}8}},"requestId":"req_1","uuid":"a2","timestamp":"2026-03-01T10:00:07.000Z"}
{"parentUuid":"a2","isSidechain":false,$C,"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-5-20251101","content":[{"type":"tool_use","id":"toolu_B","name":"Bash","input":{"command":"make test","description":"run tests"}}],"stop_reason":"tool_use",${U1}180}},"requestId":"req_1","uuid":"a3","timestamp":"2026-03-01T10:00:09.000Z"}
{"parentUuid":"a3","isSidechain":false,$C,"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_B","type":"tool_result","content":"FAIL: 1 test","is_error":true}]},"uuid":"u2","timestamp":"2026-03-01T10:00:19.000Z","toolUseResult":"Error: FAIL: 1 test"}
{"parentUuid":"u2","isSidechain":false,$C,"type":"assistant","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude-opus-4-5-20251101","content":[{"type":"text","text":"One test fails."}],"stop_reason":"end_turn","usage":{"input_tokens":4,"cache_creation_input_tokens":0,"cache_read_input_tokens":510,"output_tokens":12}},"requestId":"req_2","uuid":"a4","timestamp":"2026-03-01T10:00:22.000Z"}
X
agent-events st.jsonl > st.ndjson
check_out "streamed call: ts is its last line, duration from the prompt" "$(cat <<'X'
llm msg_1 2026-03-01T10:00:09.000Z 9000
tool toolu_B 2026-03-01T10:00:09.000Z 10000
llm msg_2 2026-03-01T10:00:22.000Z 3000
X
)" sh -c "grep -v '\"kind\":\"effect\"' st.ndjson | sed -n '/\"kind\":\"\(llm\|tool\)\"/s/.*\"kind\":\"\([a-z]*\)\".*\"ts\":\"\([^\"]*\)\",\"id\":\"\([^\"]*\)\".*\"duration_ms\":\([0-9]*\).*/\1 \3 \2 \4/p'"
check_out "streamed call: the time view is the 22 s of the session, no prompt time" "$(cat <<'X'
project:s;agent:claude;session:unmatched;prompt:unmatched;kind:llm;call:llm/unmatched;model:claude-opus-4-5-20251101 12000
project:s;agent:claude;session:unmatched;prompt:unmatched;kind:tool;call:tool/Bash 10000
X
)" agent-stack --view time st.ndjson
tac st.ndjson > st.rev
check_out "streamed call: records reversed, the same time line" "$(agent-stack --view time st.ndjson)" \
	agent-stack --view time st.rev

# --- Codex: git push with only session_meta's repository_url (https with
# credentials and a port: the host only), and a model call whose answer
# came a day after the tool output (charged the 5 min cap, the rest wait)
agent-events "$FX/codex-push.jsonl" > cx.ndjson
check_out "codex: push contacts the host of repository_url, never its credentials" \
	"project:svc;agent:codex;session:unmatched;prompt:unmatched;domain:git.example.com;process:bash;process:git;status:ok 1" \
	agent-stack --view network cx.ndjson
check_out "codex: a model call a day after its input is charged the cap, the rest is wait" "$(cat <<'X'
project:svc;agent:codex;session:unmatched;prompt:unmatched;kind:llm;call:llm/unmatched;model:gpt-5.2-codex 304120
project:svc;agent:codex;session:unmatched;prompt:unmatched;kind:tool;call:tool/shell_command 2750
project:svc;agent:codex;session:unmatched;prompt:unmatched;kind:wait;call:llm/unmatched;model:gpt-5.2-codex 89700100
X
)" agent-stack --view time cx.ndjson
check_out "codex: latency's active time is the time view's (304.12 + 2.75 s)" \
	"019cae2c-4c0  codex         5m07s    99.1%     0.9%     0.0%" \
	sh -c 'agent-stack --format latency cx.ndjson | grep "^019cae2c"'
