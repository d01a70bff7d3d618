#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events and agent-sessions on Droid, cursor-agent, Amp and Aider
# (issue 15): exact records of fixtures in each agent's real shape, their
# token rules (a session total, rounded counts, none recorded, a ledger
# and messages counting one call once), bad input, discovery.  The real
# corpus is in 34-events-more-corpus.t.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
F=$TESTS/fixtures
plan 48

# --- Amp ---------------------------------------------------------------------
A1=T-0a1b2c3d-0000-4000-8000-00000000a001.json
A2=T-0a1b2c3d-0000-4000-8000-00000000a002.json
(cd "$F/amp" && agent-events $A1) > amp1.out 2> amp1.err
check_same "amp: exact records" "$F/amp/$A1.expected" amp1.out
check_test "amp: nothing on stderr" "$(cat amp1.err)" = ""
check_out "amp: usage per message, its cache split" \
	"$(printf '%s\n' '12 9000 2200 140' '30 11200 400 95' '8 11630 0 20')" \
	jq -r 'select(.kind=="llm") | .tokens | "\(.input) \(.cache_read) \(.cache_write) \(.output)"' amp1.out
check_out "amp: run.status and exitCode make the status" \
	"$(printf '%s\n' 'Bash error 2' 'edit_file ok -' 'Read error -')" \
	jq -r 'select(.kind=="tool") | "\(.tool) \(.status) \(.exit // "-")"' amp1.out
(cd "$F/amp" && agent-events $A2) > amp2.out 2> amp2.err
check_same "amp ledger and messages: exact records" "$F/amp/$A2.expected" amp2.out
# the ledger's input and output, the message's cache split, each call once;
# a ledger event naming no message is a call of its own
check_out "amp ledger and messages: one call each, input/output from the ledger" \
	"$(printf '%s\n' ':1 210 1500 48' ':3 6 0 30' ':ledger:ev-3 400 0 12')" \
	jq -r 'select(.kind=="llm") | "\(.id | sub("^T-[^:]*"; "")) \(.tokens.input) \(.tokens.cache_write) \(.tokens.output)"' amp2.out
jq -c 'del(.usageLedger)' "$F/amp/$A2" > T-nolegder.json
agent-events T-nolegder.json 2>/dev/null > amp3.out
check_out "amp without the ledger: the messages' own usage" '1004 1029 2' \
	jq -rs '[.[] | select(.kind=="llm")] | "\(map(.tokens.input) | add) \(map(.tokens.output) | add) \(length)"' amp3.out
printf '{"id":"T-bad","messages":[{"role":' > T-bad.json
agent-events T-bad.json > bad.out 2> bad.err; st=$?
check_test "amp: a cut thread is an error naming the file (exit 1)" "$st:$(grep -c 'T-bad.json.*not JSON' bad.err)" = "1:1"

# --- Droid ----------------------------------------------------------------------
U=6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
(cd "$F/droid" && agent-events ./-home-dev-api/$U.jsonl) > droid.out 2> droid.err
check_same "droid: exact records" "$F/droid/session.expected" droid.out
check_test "droid: nothing on stderr" "$(cat droid.err)" = ""
# the total of settings.json, once, as a session total; thinking is output
check_out "droid: settings.json tokenUsage is one usage \"session\" record" \
	'1 claude-sonnet-4-5 4210 38250 6400 1600 220 null' \
	jq -rs '[.[] | select(.usage=="session")] | "\(length) \(.[0].model) \(.[0].tokens | "\(.input) \(.cache_read) \(.cache_write) \(.output) \(.reasoning)") \(.[0].parent)"' droid.out
check_out "droid: the calls carry no tokens of their own" '4 0' \
	jq -rs '[.[] | select(.kind=="llm" and .usage != "session")] | "\(length) \(map(select(.tokens)) | length)"' droid.out
check_out "droid: a failed Execute: error, exit 1" 'error 1' \
	jq -r 'select(.tool=="Execute") | "\(.status) \(.exit)"' droid.out
mkdir -p nos && cp "$F/droid/-home-dev-api/$U.jsonl" nos/
agent-events nos/$U.jsonl > nos.out 2> nos.err
check_out "droid without settings.json: calls say usage none, a note says why" '4 none 1' \
	sh -c 'echo "$(jq -s "[.[] | select(.kind==\"llm\")] | length" nos.out) $(jq -rs "[.[] | select(.kind==\"llm\") | .usage] | unique | join(\",\")" nos.out) $(grep -c "settings.json beside it" nos.err)"'
(cd "$F/droid" && agent-events stream-json.jsonl) > stream.out 2> stream.err
check_same "droid stream-json: exact records" "$F/droid/stream-json.expected" stream.out
check_out "droid stream-json: completion usage is the run's total" 'droid 5120 20480 1024 410' \
	jq -r 'select(.usage=="session") | "\(.agent) \(.tokens.input) \(.tokens.cache_read) \(.tokens.cache_write) \(.tokens.output)"' stream.out
check_out "claude -p stream-json stays Claude's" 'claude 1' \
	sh -c 'agent-events "$1" 2>/dev/null | jq -rs "\"\(.[0].agent) \([.[] | select(.kind==\"llm\")] | length)\""' _ "$F/claude/print-stream-json.jsonl"
{ head -3 "$F/droid/-home-dev-api/$U.jsonl"; echo '{"type":"message",'; tail -n +4 "$F/droid/-home-dev-api/$U.jsonl"; } > broken.jsonl
agent-events broken.jsonl > broken.out 2> broken.err; st=$?
check_test "droid: a bad line is named by file and line, the rest still counts (exit 1)" \
	"$st $(grep -c 'broken.jsonl:4: not JSON' broken.err) $(jq -s '[.[] | select(.kind=="llm")] | length' broken.out)" = "1 1 4"

# --- cursor-agent ---------------------------------------------------------------------
C=projects/home-dev-app/agent-transcripts/0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e
(cd "$F/cursor" && agent-events $C/0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e.jsonl \
	$C/subagents/1c2d3e4f-0000-4000-8000-00000000cafe.jsonl) > cur.out 2> cur.err
check_same "cursor: exact records" "$F/cursor/transcript.expected" cur.out
check_out "cursor: every call usage none, no tokens key" '8 none 0' \
	jq -rs '[.[] | select(.kind=="llm")] | "\(length) \(map(.usage) | unique | join(",")) \(map(select(has("tokens"))) | length)"' cur.out
check_out "cursor: tool calls, status unknown, each after its call" \
	"$(printf '%s\n' 'l1 Grep unknown' 'l1 Shell unknown' 'l2 Read unknown' 'l2 Grep unknown' 'l3 Agent unknown' 'l5 StrReplace unknown')" \
	jq -r 'select(.kind=="tool") | "\(.parent | sub(".*:"; "")) \(.tool) \(.status)"' cur.out
check_out "cursor: <user_query> unwrapped; the subagent keeps the parent's session" \
	"$(printf '%s\n' 'list headers that include config.h 1c2d3e4f-0000-4000-8000-00000000cafe' 'why does the build fail? -' 'fix it -')" \
	jq -r 'select(.kind=="prompt") | "\(.text) \(.subagent // "-")"' cur.out

# a message's tool_use blocks among its texts and thoughts, each a tool
# after the call in their order: names and ids as read, none or empty
# ("unknown", a made id), more than the first 16 kept
{
	printf '%s' '{"role":"user","message":{"content":[{"type":"text","text":"go"}]}}'
	printf '\n%s' '{"role":"assistant","message":{"content":[{"type":"text","text":"a"},'
	printf '%s' '{"type":"tool_use","id":"x1","name":"Read","input":{"path":"/a"}},{"type":"thinking","thinking":"t"},'
	printf '%s' '{"type":"tool_use","input":{}},{"type":"text","text":"b"},{"type":"tool_use","id":"","name":""},'
	i=0
	while [ $i -lt 17 ]; do
		printf '%s' "{\"type\":\"tool_use\",\"id\":\"y$i\",\"name\":\"Grep\",\"input\":{\"pattern\":\"p$i\"}},"
		i=$((i + 1))
	done
	printf '%s\n' '{"type":"tool_use","id":"z","name":"Shell","input":"not an object"}]}}'
} > blocks.jsonl
agent-events blocks.jsonl > blocks.out 2> blocks.err
ids=x1,blocks:l1:t2,blocks:l1:t3
i=0
while [ $i -lt 17 ]; do ids=$ids,y$i; i=$((i + 1)); done
check_out "cursor: a message's 21 tool_use blocks, each a tool in order, names and ids as read" \
	"$(printf '%s\n' 'a\nb 21 Read,unknown,unknown,Grep Shell' "$ids,z" 'Read,unknown,unknown,Grep' 'x1 /a')" \
	jq -rs '(.[] | select(.kind=="llm") | "\(.text | gsub("\n"; "\\n")) \(.tools | length) \(.tools[0:4] | join(",")) \(.tools[-1])"),
		([.[] | select(.kind=="tool") | .id] | join(",")), ([.[] | select(.kind=="tool") | .tool][0:4] | join(",")),
		(.[] | select(.kind=="effect") | "\(.parent) \(.path)")' blocks.out

# bad lines among the lines cursor-agent writes (read without a tree when
# well formed): each named at its line as jparse names it, invalid UTF-8
# in a thought replaced and the line kept, the records around them kept
{
	printf '%s\n' '{"role":"user","message":{"content":[{"type":"text","text":"<user_query>\ngo\n</user_query>"}]}}' \
		'{"role":"assistant","message":{"content":[{"type":"thinking","thinking":"hmm"},{"type":"text","text":"one"},{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"/a"}}]}}' \
		'{"role":"assistant","message":{"content":[{"type":"thinking","thinking":"cut her'
	printf '{"role":"assistant","message":{"content":[{"type":"thinking","thinking":"bad \377 byte"},{"type":"text","text":"two"}]}}\n'
	printf '%s\n' '{"role":"assistant","message":{"content":[{"type":"thinking","thinking":"bad \q escape"},{"type":"text","text":"x"}]}}' \
		'{"role":"assistant","message":{"content":[{"type":"text","text":"three"},{"type":"tool_use","id":"t2","name":"Grep","input":{"pattern":"p","path":"src"}}]}}'
} > curbad.jsonl
agent-events curbad.jsonl > curbad.out 2> curbad.err; st=$?
check_test "cursor: bad lines named at their lines as before, the records around them kept (exit 1)" \
	"$st|$(cat curbad.err)|$(jq -r 'select(.kind=="llm" or .kind=="tool") | .text // .tool' curbad.out | tr '\n' ' ')" = \
	"1|agent-events: curbad.jsonl:3: not JSON: unterminated string or bad escape
agent-events: curbad.jsonl:4: invalid UTF-8 replaced by U+FFFD
agent-events: curbad.jsonl: 1 more like line 3: not JSON: unterminated string or bad escape|one Read two three Grep "

# --- Aider ------------------------------------------------------------------------------
D=$(cd "$F/aider/webapp" && pwd -P)
H=$(printf '%s' "$D" | sha256sum | cut -c1-8)
(cd "$F/aider" && agent-events webapp/.aider.chat.history.md) 2> aider.err |
	sed "s|$D|/DIR|g; s|-$H\"|-HASH\"|g; s|-$H:|-HASH:|g" > aider.out
check_same "aider: exact records (one session per run, ids from its start and place)" \
	"$F/aider/history.expected" aider.out
check_test "aider: nothing on stderr" "$(cat aider.err)" = ""
# 15k sent of which 12k cache hit and 1.5k cache write; 2.9k is 2900, 96 is 96
check_out "aider: rounded counts as printed, sent less the cache" \
	"$(printf '%s\n' 'rounded 1500 12000 1500 861' 'rounded 3000 12000 0 210' 'none - - - -' 'rounded 2900 0 0 96')" \
	jq -r 'select(.kind=="llm") | "\(.usage) \(.tokens.input // "-") \(.tokens.cache_read // "-") \(.tokens.cache_write // "-") \(.tokens.output // "-")"' aider.out
check_out "aider: Applied edit and Running lines are the call's tools" \
	"$(printf '%s\n' 'edit write {"file_path":"src/app.py"}' 'run shell {"command":"python -m pytest -q"}' 'edit write {"file_path":"src/app.py"}')" \
	sh -c 'jq -r "select(.kind==\"effect\" and .effect==\"write\") | .path" aider.out >/dev/null; jq -r "select(.kind==\"tool\") | \"\(.tool) \(.tool_kind)\"" aider.out | paste -d" " - /dev/null | sed "s/ $//" > k; grep -o "Applied edit to [^ ]*\|Running .*[^ ]" "$1" | sed "s/^Applied edit to \(.*\)/{\"file_path\":\"\1\"}/; s/^Running \(.*\)/{\"command\":\"\1\"}/" > i; paste -d" " k i' _ "$F/aider/webapp/.aider.chat.history.md"
# the run header is local time: read in TZ
TZ=Europe/Berlin agent-events "$F/aider/webapp/.aider.chat.history.md" 2>/dev/null > berlin.out
check_out "aider: the header's time is the local time of TZ" '2026-03-02T08:15:00.000Z' \
	sh -c 'jq -r "select(.kind==\"session\") | .ts" berlin.out | head -1'
check_out "aider: rounded parse of k and M, exact integers as they are" \
	"$(printf '%s\n' '3200 1500000 12000 861 10000')" \
	sh -c 'printf "\n# aider chat started at 2026-01-01 00:00:00\n\n#### q\n\na\n\n> Tokens: 3.2k sent, 861 received.\n\n#### q\n\nb\n\n> Tokens: 1.5M sent, 12k received.\n\n#### q\n\nc\n\n> Tokens: 10.0k sent, 0 received.\n" > r.md; agent-events r.md | jq -r "select(.kind==\"llm\") | .tokens | \"\(.input) \(.output)\"" | tr "\n" " " | awk "{print \$1, \$3, \$4, \$2, \$5}"'
(cd "$F/aider" && agent-events analytics.jsonl) > an.out 2> an.err
check_same "aider analytics log: exact records" "$F/aider/analytics.expected" an.out
check_out "aider analytics: message_send tokens exact, one session per launch" '2 3 21463 1167' \
	jq -rs '"\([.[] | select(.kind=="session")] | length) \([.[] | select(.kind=="llm")] | length) \([.[] | select(.kind=="llm") | .tokens.input] | add) \([.[] | select(.kind=="llm") | .tokens.output] | add)"' an.out
check_out "aider analytics: the same as jq sums from the log" \
	"$(jq -rs '[.[] | select(.event=="message_send") | .properties] | "\(map(.prompt_tokens) | add) \(map(.completion_tokens) | add)"' "$F/aider/analytics.jsonl")" \
	jq -rs '"\([.[] | select(.kind=="llm") | .tokens.input] | add) \([.[] | select(.kind=="llm") | .tokens.output] | add)"' an.out

# --- the tokens view (agent-stack) -----------------------------------------------
# tv FILE...: the tokens view of the files' records, its notes in tv.err
tv() { agent-events "$@" 2>/dev/null | agent-stack --view tokens 2> tv.err; }
check_out "tokens view, droid: the settings total under call:llm/session-total, nothing spread" \
	"$(printf 'project:api;agent:droid;session:unmatched;call:llm/session-total;model:claude-sonnet-4-5;kind:%s\n' \
	'cache_read 38250' 'cache_write 6400' 'input 4210' 'output 1600')" \
	tv "$F/droid/-home-dev-api/$U.jsonl"
check_grep "tokens view, droid: a note says the total is not spread" \
	'droid records tokens only per session: 1 session totals (50460 tokens)' tv.err
check_out "tokens view, amp: ledger and messages counted once" \
	"$(printf 'project:web;agent:amp;session:unmatched;prompt:unmatched;call:llm/unmatched;model:%s\n' \
	'claude-haiku-4-5;kind:input 400' 'claude-haiku-4-5;kind:output 12' \
	'claude-sonnet-4-20250514;kind:cache_read 1600' 'claude-sonnet-4-20250514;kind:cache_write 1500' \
	'claude-sonnet-4-20250514;kind:input 216' 'claude-sonnet-4-20250514;kind:output 78')" \
	tv "$F/amp/$A2"
check_out "tokens view, aider: the rounded counts as printed" \
	"$(printf 'project:webapp;agent:aider;session:unmatched;prompt:unmatched;call:llm/unmatched;model:%s\n' \
	'anthropic/claude-sonnet-4-20250514;kind:cache_read 24000' 'anthropic/claude-sonnet-4-20250514;kind:cache_write 1500' \
	'anthropic/claude-sonnet-4-20250514;kind:input 4500' 'anthropic/claude-sonnet-4-20250514;kind:output 1071' \
	'gpt-4o;kind:input 2900' 'gpt-4o;kind:output 96')" \
	tv "$F/aider/webapp/.aider.chat.history.md"
check_test "tokens view, aider: notes on rounded and unrecorded calls" \
	"$(grep -c 'aider recorded the tokens of 3 calls (34067 tokens) rounded\|no usage recorded by aider for 1 calls' tv.err)" = 2
tv "$F/cursor/$C/0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e.jsonl" > cur.tv
check_test "tokens view, cursor: no stack, and \"no usage recorded\", never 0" \
	"$(wc -c < cur.tv) $(grep -c 'no usage recorded by cursor for 6 calls' tv.err)" = "0 1"
check_out "tasks view, cursor: its calls and tools still count" \
	"$(printf '%s\n' 'kind:llm;call:llm/unmatched;model:unknown 6' 'kind:tool;call:tool/Agent;effect:none;status:unknown 1' \
	'kind:tool;call:tool/Grep;effect:search;status:unknown 1' 'kind:tool;call:tool/Read;effect:read;status:unknown 1' \
	'kind:tool;call:tool/Shell;effect:build;status:unknown 1' 'kind:tool;call:tool/StrReplace;effect:write;status:unknown 1')" \
	sh -c 'agent-events "$1" | agent-stack --view tasks | sed "s/^project:unknown;agent:cursor;session:unmatched;prompt:unmatched;//"' _ "$F/cursor/$C/0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e.jsonl"

agent-events "$F/droid/-home-dev-api/$U.jsonl" 2>/dev/null | agent-stack --view cost > cost.out 2> cost.err
check_test "cost view, droid: Droid's model name is priced (claude-sonnet-4-5: 4210 input at \$3/M)" \
	"$(grep -c 'model:claude-sonnet-4-5;kind:input 12630$' cost.out)" = 1
agent-events "$F/cursor/$C/0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e.jsonl" | agent-stack --view cost > cost.out 2> cost.err
check_test "cost view, cursor: \"no usage recorded\", no stack" \
	"$(wc -c < cost.out) $(grep -c 'no usage recorded by cursor for 6 calls: they weigh nothing in the cost view' cost.err)" = "0 1"

# --- agent-sessions ----------------------------------------------------------------------
mkdir -p h/.local/share/amp/threads h/.factory/sessions h/.cursor proj/app
cp "$F"/amp/T-*.json h/.local/share/amp/threads/
cp -r "$F/droid/-home-dev-api" h/.factory/sessions/
cp "$F/aider/webapp/.aider.chat.history.md" proj/app/
P=$(cd proj/app && pwd -P)
SLUG=$(printf '%s' "$P" | sed 's|^/||; s|[/._ ]|-|g')
mkdir -p "h/.cursor/projects/$SLUG"
cp -r "$F/cursor/projects/home-dev-app/agent-transcripts" "h/.cursor/projects/$SLUG/"
find h proj -type f -exec touch -d '2026-03-05 12:00:00' {} +
agent-sessions --home h --json proj/app > s.out 2> s.err
check_out "agent-sessions: each agent's files found, with their metadata" \
	"$(printf '%s\n' \
	'droid 6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 /home/dev/api 2026-02-10T14:00:00.000Z 2026-02-10T14:00:33.000Z - 2' \
	"aider aider-20260302T091500-$(printf '%s' "$P" | sha256sum | cut -c1-8) $P 2026-03-02T09:15:00.000Z 2026-03-05T12:00:00.000Z - 0.85.2" \
	'amp T-0a1b2c3d-0000-4000-8000-00000000a001 /home/dev/parser 2026-01-08T09:50:03.000Z 2026-03-05T12:00:00.000Z - 0.0.1767800000-g1a2b3c' \
	'amp T-0a1b2c3d-0000-4000-8000-00000000a002 /srv/web 2025-12-06T05:46:40.000Z 2026-03-05T12:00:00.000Z - -' \
	'cursor 0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e - - 2026-03-05T12:00:00.000Z - -' \
	'cursor 1c2d3e4f-0000-4000-8000-00000000cafe - - 2026-03-05T12:00:00.000Z 0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e -')" \
	sh -c 'jq -r "\"\(.agent) \(.id) \(.cwd // \"-\") \(.first // \"-\") \(.last) \(.parent // \"-\") \(.version // \"-\")\"" s.out | sort -s -k5,5 -k1,1 -k2,2'
check_out "agent-sessions --project-root: Aider's history and the cursor project whose slug it is" \
	"$(printf '%s\n' aider cursor cursor)" \
	sh -c 'agent-sessions --home h --project-root proj/app --json | jq -r .agent | sort'
check_out "agent-sessions -a droid,amp: only theirs" "amp amp droid" \
	sh -c 'agent-sessions --home h -a droid,amp --json | jq -r .agent | sort | paste -sd" " -'
AMP_DATA_DIR=$PWD/h/.local/share/amp DROID_SESSIONS_DIR=$PWD/h/.factory/sessions \
	agent-sessions --home /nonexistent -a amp,droid > env.out
check_test "agent-sessions: AMP_DATA_DIR and DROID_SESSIONS_DIR move the histories" "$(wc -l < env.out)" = 3
check_out "agent-sessions | agent-events: the listed files read as their agents" \
	"$(printf '%s\n' aider amp cursor droid)" \
	sh -c 'agent-sessions --home h proj/app | agent-events --files-from - 2>/dev/null | jq -r .agent | sort -u'
agent-sessions --home h no-such-dir > /dev/null 2> nd.err; st=$?
check_test "agent-sessions: an operand that is no directory is a usage error (exit 2)" "$st" = 2
done_testing
