#!/bin/sh
# Issue 12 review: realistic inputs written as the agents write them, each
# checked against totals worked out by hand.
. "$(dirname "$0")/lib.sh"
plan 6
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
