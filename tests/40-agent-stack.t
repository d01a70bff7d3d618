#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-stack: every view on hand-written records (tests/fixtures/stack),
# selectors, prices, privacy, bad input, the man page and its examples.
. "$(dirname "$0")/lib.sh"
F=$TESTS/fixtures/stack
EV=$F/events.ndjson
plan 100

have agent-stack || { echo "Bail out! agent-stack is not built"; exit 1; }

# --- the helpers (tests/unit/stack.c: paths, hosts, labels, table, prices) ----
"$AP_BUILD/tests/stack" "$TOP" > unit.tap 2>&1
r=$?
if [ $r = 0 ] && grep -q '^1\.\.[1-9]' unit.tap && ! grep -q '^not ok' unit.tap; then
	ok "unit tests of the helpers ($(grep -c '^ok' unit.tap) checks)"
else
	not_ok "unit tests of the helpers"
	grep -A3 '^not ok' unit.tap | sed 's/^/# /'
fi

# --- every view, exactly ------------------------------------------------------
for v in tasks system tokens cost time files network; do
	agent-stack --view $v "$EV" > $v.out 2> $v.err
	echo $? > $v.rc
	check_same "view $v: expected stacks" "$F/expect/$v.folded" $v.out
done
check_test "every view exits 0" "$(cat tasks.rc system.rc tokens.rc cost.rc time.rc files.rc network.rc | tr -d '\n')" = 0000000
agent-stack -v tools "$EV" > tools.out
check_same "tools is an alias of system" system.out tools.out
agent-stack "$EV" > default.out
check_same "tasks is the default view" tasks.out default.out
agent-stack -v tokens < "$EV" > stdin.out
check_same "standard input with no operands" tokens.out stdin.out
agent-stack -v tokens - < "$EV" > dash.out
check_same "- is standard input" tokens.out dash.out

bad_order=0
for v in tasks system tokens cost time files network; do
	sed 's/ [0-9]*$//' $v.out > $v.stacks
	LC_ALL=C sort -c $v.stacks 2>/dev/null || bad_order=1
	[ -z "$(uniq -d $v.stacks)" ] || bad_order=1
	grep -qv ' [1-9][0-9]*$' $v.out && bad_order=1
done
check_test "sorted in byte order, equal stacks added up, no zero weights" $bad_order = 0

# --- accounting ---------------------------------------------------------------
sum() { awk '{ s += $NF } END { print s + 0 }' "$@"; }
want=$(jq -s '[.[] | select(.kind == "llm") | .tokens | .input + .output + .cache_read + .cache_write] | add' "$EV")
check_test "tokens total equals the records' token totals" "$(sum tokens.out)" = "$want"
want=$(jq -s '[.[] | select(.kind == "llm" or .kind == "tool")] | length' "$EV")
check_test "tasks counts every llm and tool record once" "$(sum tasks.out)" = "$want"
want=$(jq -s '[.[] | select(.kind == "llm") | .tokens | .input + .output] | add' "$EV")
check_test "--weight input,output weighs those kinds only" \
	"$(agent-stack -v tokens -w output,input "$EV" | sum)" = "$want"
check_test "reasoning is never added" "$(grep -c 'kind:reasoning' tokens.out)" = 0
agent-stack -v tokens --weight cache_write "$EV" > cw.out
check_out "cache_write includes its 1-hour part" \
	"project:project;agent:claude;session:feature;prompt:debug;call:llm/plan;model:claude-sonnet-4-5-20250929;kind:cache_write 500" \
	cat cw.out

# --- usage not recorded call by call (agent-event(5) usage) -------------------------
U=$F/usage.ndjson
agent-stack -v tokens "$U" > u.tokens 2> u.err
check_out "a session total stands under call:llm/session-total, a rounded call as a call" \
"project:proj;agent:aider;session:unmatched;prompt:unmatched;call:llm/unmatched;model:gpt-4o;kind:input 3200
project:proj;agent:aider;session:unmatched;prompt:unmatched;call:llm/unmatched;model:gpt-4o;kind:output 21
project:proj;agent:droid;session:unmatched;call:llm/session-total;model:claude-sonnet-4-5;kind:cache_read 2000
project:proj;agent:droid;session:unmatched;call:llm/session-total;model:claude-sonnet-4-5;kind:cache_write 300
project:proj;agent:droid;session:unmatched;call:llm/session-total;model:claude-sonnet-4-5;kind:input 100
project:proj;agent:droid;session:unmatched;call:llm/session-total;model:claude-sonnet-4-5;kind:output 50" \
	cat u.tokens
check_out "the notes name each agent's grain" \
"agent-stack: note: no usage recorded by cursor for 2 calls: they weigh nothing in the tokens view
agent-stack: note: aider recorded the tokens of 1 calls (3221 tokens) rounded, as it printed them
agent-stack: note: droid records tokens only per session: 1 session totals (2450 tokens) are under \"call:llm/session-total\", not spread over calls" \
	cat u.err
check_out "a session total is not a call; calls with no usage are" \
"project:proj;agent:aider;session:unmatched;prompt:unmatched;kind:llm;call:llm/unmatched;model:gpt-4o 1
project:proj;agent:cursor;session:unmatched;prompt:unmatched;kind:llm;call:llm/unmatched;model:unknown 2
project:proj;agent:droid;session:unmatched;prompt:unmatched;kind:llm;call:llm/unmatched;model:claude-sonnet-4-5 1" \
	agent-stack -v tasks "$U"
check_out "json names them by agent" \
'{"no_usage":[{"agent":"cursor","calls":2}],"rounded":[{"agent":"aider","calls":1,"tokens":3221}],"session_totals":[{"agent":"droid","totals":1,"tokens":2450}]}' \
	sh -c "agent-stack -v cost --format json '$U' 2>/dev/null | jq -c '{no_usage, rounded, session_totals}'"
agent-stack -v tokens --format report "$U" > u.report 2>/dev/null
check_out "the report's tokens lines say what is rounded and what is left out" \
"tokens: 3200 input (0% cache reads, 0% cache writes), 21 output; 1 model calls' tokens rounded as the agent printed them
tokens: 0 input (0% cache reads, 0% cache writes), 0 output; no usage recorded for 2 model calls, left out
tokens: 2400 input (83% cache reads, 12% cache writes), 50 output" \
	grep '^tokens:' u.report
check_grep "the report counts a session total as no call" \
	'^sessions 1, .*; prompts 1, model calls 1, tool calls 0' u.report

# --- cost -------------------------------------------------------------------------
check_grep "an unpriced model stays visible" \
	'model:mystery-model-1;price:unknown 1$' cost.out
check_grep "a note names the unpriced model" 'no price for model mystery-model-1' cost.err
cat > my.yaml <<'EOF'
date: 2000-01-01
models:
  claude-opus-4-5:
    input: 10
    output: 50
  mystery-model:
    input: 2
    output: 4
    aliases: [mystery-model-1]
EOF
agent-stack -v cost --prices my.yaml "$EV" > cost2.out 2> cost2.err
check_out "--prices replaces an entry and prices a new model" "$(cat <<'EOF'
project:other-proj;agent:codex;session:unmatched;prompt:unmatched;call:llm/unmatched;model:mystery-model-1;kind:input 1000
project:other-proj;agent:codex;session:unmatched;prompt:unmatched;call:llm/unmatched;model:mystery-model-1;kind:output 80
project:project;agent:claude;session:feature;prompt:debug;call:llm/review;model:claude-opus-4-5-20251101;kind:input 10000
project:project;agent:claude;session:feature;prompt:debug;call:llm/review;model:claude-opus-4-5-20251101;kind:output 50000
EOF
)" grep -e mystery -e opus cost2.out
check_test "no unknown price left, no note" "$(grep -c price:unknown cost2.out)$(wc -c < cost2.err)" = 00
cat > bad.yaml <<'EOF'
models:
  cheap-out:
    input: 5
    output: 1
  fine-model:
    input: 1
    output: 2
EOF
agent-stack -v cost --prices bad.yaml "$EV" > /dev/null 2> badp.err
check_test "a price entry with output < input fails" "$?" = 1
check_grep "the diagnostic names file:line" 'bad.yaml:2: cheap-out: output costs less than input' badp.err
printf '[1,2]\n' > notmap.yaml
check_status "a table that is not a mapping is a usage failure" 2 agent-stack -v cost --prices notmap.yaml "$EV"
agent-stack -v cost --format json "$EV" 2>/dev/null | jq -e '.unit == "microdollars" and .unpriced[0].model == "mystery-model-1" and (.note | test("estimate")) and (.prices_date | length > 0)' >/dev/null
check_test "cost summary: unit, unpriced, note, table date" $? = 0

# --- time -----------------------------------------------------------------------------
check_out "a 20-minute gap over the 5m cap is not charged" \
	"project:project;agent:claude;session:feature;prompt:debug;kind:prompt 16500" \
	grep 'project:project.*kind:prompt' time.out
check_out "with --idle-cap 1h it is charged to the prompt before it" \
	"project:project;agent:claude;session:feature;prompt:debug;kind:prompt 1216400" \
	sh -c "agent-stack -v time --idle-cap 1h '$EV' | grep 'project:project.*kind:prompt'"
check_test "--idle-cap 0 charges every gap" \
	"$(agent-stack -v time --idle-cap 0 "$EV" | sum)" = "$(agent-stack -v time --idle-cap 1h "$EV" | sum)"
check_status "--idle-cap refuses a bad span" 2 agent-stack -v time --idle-cap 5x "$EV"

# --- files ---------------------------------------------------------------------------
check_out "--path-depth 1" "$(cat <<'EOF'
project:project;agent:claude;session:feature;prompt:debug;path:README.md;effect:rename;status:ok 1
project:project;agent:claude;session:feature;prompt:debug;path:build;effect:delete;status:ok 1
project:project;agent:claude;session:feature;prompt:debug;path:src;effect:read;status:ok 2
project:project;agent:claude;session:feature;prompt:debug;path:src;effect:write;status:ok 1
EOF
)" sh -c "agent-stack -v files --path-depth 1 '$EV' | grep -v -e external/ -e agent:snoop"
check_out "--path-depth 3" "$(cat <<'EOF'
project:project;agent:claude;session:feature;prompt:debug;path:build/deep/x.o;effect:delete;status:ok 1
project:project;agent:claude;session:feature;prompt:debug;path:src/lib/a.c;effect:read;status:ok 1
project:project;agent:claude;session:feature;prompt:debug;path:src/lib/b.c;effect:read;status:ok 1
EOF
)" sh -c "agent-stack -v files --path-depth 3 '$EV' | grep -e build/ -e src/lib"
buckets=$(sed -n 's/.*path:\(external\/[a-z]*\).*/\1/p' files.out | sort -u | tr '\n' ' ')
check_test "every external bucket" "$buckets" = \
	"external/claude external/codex external/dev external/gemini external/home external/other external/system external/tmp "
check_grep "project-other is not inside project (components, not substrings)" \
	'path:external/home;effect:read;status:error 1' files.out

# --- network ------------------------------------------------------------------------
check_grep "loopback keeps its port" 'domain:localhost:8080;process:node' network.out
check_test "private hosts collapse (RFC 1918, .local, .internal, single label)" \
	"$(grep 'domain:private' network.out | sum)" = 5
check_test "public names lower-cased, trailing dot dropped" \
	"$(grep -c 'domain:registry.npmjs.org;process:bash;process:npm' network.out)" = 1

# --- selectors ------------------------------------------------------------------------
check_test "--agent codex" "$(agent-stack --agent codex "$EV" | grep -vc '^project:other-proj;agent:codex')" = 0
check_test "--session-id prefix" "$(agent-stack -v tokens --session-id s-aaaa "$EV" | sum)" = 7960
check_test "--session-tag" "$(agent-stack --session-tag feature "$EV" | grep -vc 'session:feature')" = 0
check_out "--prompt-tag none: records of an unknown prompt" "$(cat <<'EOF'
project:other-proj;agent:codex;session:unmatched;prompt:none;call:llm/unmatched;model:gpt-5-codex;kind:input 7
project:other-proj;agent:codex;session:unmatched;prompt:none;call:llm/unmatched;model:gpt-5-codex;kind:output 3
EOF
)" agent-stack -v tokens --prompt-tag none "$EV"
check_test "--since/--until" \
	"$(agent-stack -v tokens --since 2025-06-02 --until 2025-06-02T00:00:15Z "$EV" | sum)" = 10920
check_test "--project" "$(agent-stack -v files --project project "$EV" | grep -vc '^project:project;')" = 0
check_status "nothing matched: exit 1" 1 agent-stack --agent nobody "$EV"
check_status "an unknown view is a usage error" 2 agent-stack -v heap "$EV"
check_status "--weight goes with tokens and cost only" 2 agent-stack -v files -w input "$EV"

# --- JSON -------------------------------------------------------------------------------
agent-stack -v tokens --format json "$EV" > tokens.json
check_same "--format json: exact summary" "$F/expect/tokens.json" tokens.json
check_test "json total equals the folded sum" "$(jq .total tokens.json)" = "$(sum tokens.out)"
agent-stack -v tokens --format json --include-previews "$EV" > prev.json
check_test "--include-previews: 80 characters, secrets masked" \
	"$(jq -r '.sessions[] | select(.session == "s-aaaa1111") .preview' prev.json)" = \
	"PLANTED-PROMPT-TEXT please fix the flaky test [REDACTED]"

# --- labels, untagged input, prompts by id ---------------------------------------------------
check_same "labels cleaned: ';', controls, spaces, length, counts, secrets" "$F/expect/labels.folded" \
	"$(agent-stack "$F/labels.ndjson" > labels.out; echo labels.out)"
check "labels stay valid UTF-8" iconv -f UTF-8 -t UTF-8 labels.out
check_grep "equal prompt texts with other ids stay two prompts" 'prompt:second' labels.out
check_grep "untagged input reads unmatched" \
	'^project:other-proj;agent:codex;session:unmatched;prompt:unmatched;kind:llm;call:llm/unmatched;model:gpt-5-codex 1$' tasks.out
check_grep "agent-snoop records: no prompt frame, what is there" \
	'^project:project;agent:snoop;session:unmatched;process:zsh;process:git;effect:exec;status:unknown 3$' system.out

# --- privacy: planted text, a key and absolute paths never come out ------------------------
leak=0
for v in tasks system tokens cost time files network; do
	agent-stack -v $v "$EV" "$F/labels.ndjson" > p.folded 2>/dev/null
	agent-stack -v $v --format json "$EV" "$F/labels.ndjson" > p.json 2>/dev/null
	for f in p.folded p.json; do
		if grep -n -e PLANTED -e sk-ant -e Zq8xVt3 -e /home/ -e /Users/ -e /tmp/ -e /usr/ \
		    -e /proc -e /mnt -e secret-notes -e project-other -e 'same words' -e .bashrc "$f"; then
			diag "leak in view $v ($f)"
			leak=1
		fi
	done
done
check_test "no prompt/response text, key or outside path in any view" $leak = 0

# --- bad input ------------------------------------------------------------------------------
agent-stack -v tasks "$F/bad.ndjson" > bad.out 2> bad.err
check_test "bad lines: exit 1" $? = 1
check_grep "bad lines are named by file:line" 'bad.ndjson:4: not JSON' bad.err
check_grep "a record without kind is named" 'bad.ndjson:5: not an agent-event(5) record' bad.err
check_test "the valid lines still count" "$(sum bad.out)" = 2
check_status "a missing file: exit 1" 1 agent-stack "$TMP/no-such-file"

# --- sessions interleaved, subagents, updates, held records (tests/fixtures/stack/mixed.ndjson)
# Three sessions (claude, codex, gemini); the claude session's subagent
# records come after the other sessions' records, a nested subagent's
# records before the tool that spawned it, an effect before its tool, an
# update before its call, a subagent with no spawn record at all.
MX=$F/mixed.ndjson
for v in tasks system tokens cost time files network; do
	agent-stack -v $v "$MX" > mx.$v 2> mx.$v.err
	check_same "mixed sessions, view $v: exact stacks" "$F/expect/mixed-$v.folded" mx.$v
done
same_all() {
	bad=
	for v in tasks system tokens cost time files network; do
		"$@" < "$MX" | agent-stack -v $v 2>/dev/null | cmp -s - mx.$v || bad="$bad $v"
	done
	echo "${bad:-none}"
}
check_test "records in reverse order: the same stacks in every view" "$(same_all tac)" = none
check_test "sessions made contiguous: the same stacks in every view" \
	"$(same_all jq -s -c 'sort_by(.session)[]')" = none
check_test "records shuffled: the same stacks in every view" \
	"$(same_all shuf --random-source="$MX")" = none
check_grep "a subagent under its spawning call, the causal prompt, its type" \
	'^project:alpha;agent:claude;session:feature;prompt:build;call:tool/Task;subagent:Explore;kind:tool;call:tool/Read;effect:read;status:ok 1$' mx.tasks
check_grep "nested subagents nest (records before their spawning tool were held)" \
	'^project:alpha;agent:claude;session:feature;prompt:build;call:tool/Task;subagent:Explore;call:tool/Task;subagent:general-purpose;domain:docs.python.org;status:error 1$' mx.network
check_grep "no spawn record: call:tool/Task;subagent:task (held to the end of input)" \
	'prompt:build;call:tool/Task;subagent:task;call:llm/unmatched;model:claude-haiku-4-5-20251001;kind:input 5$' mx.tokens
check_grep "codex, spawning call unknown: call:tool/spawn_agent" \
	'^project:beta;agent:codex;session:chore;prompt:docs;call:tool/spawn_agent;subagent:worker;kind:llm;' mx.tasks
check_test "no subagent work under prompt:none or project:unknown" \
	"$(cat mx.tasks mx.tokens mx.time mx.system | grep -c -e prompt:none -e project:unknown)" = 0
check_out "updates add their tokens to the call (10+90, 3+7), never a call" \
	"$(printf '%s\n' 'kind:output 110' 'model:claude-sonnet-4-5-20250929 2')" \
	sh -c "grep -o 'kind:output 110' mx.tokens; grep 'call:llm/plan' mx.tasks | grep -o 'model:.*'"
check_grep "an effect before its tool is placed under the tool" \
	'^project:beta;agent:codex;session:chore;prompt:docs;call:tool/shell;effect:write;path:README.md;status:ok 1$' mx.system
check_out "two WebSearch calls waiting 55 min: charged 301 s, the rest kind:wait" "$(cat <<'EOF'
project:gamma;agent:gemini;session:unmatched;prompt:research;kind:tool;call:tool/WebSearch 301000
project:gamma;agent:gemini;session:unmatched;prompt:research;kind:wait;call:tool/WebSearch 6000000
EOF
)" grep WebSearch mx.time
check_out "a model call without an end (24h59m): the cap, the rest kind:wait" "$(cat <<'EOF'
project:beta;agent:codex;session:chore;prompt:docs;kind:llm;call:llm/unmatched;model:gpt-5-codex 300000
project:beta;agent:codex;session:chore;prompt:docs;kind:wait;call:llm/unmatched;model:gpt-5-codex 89640000
EOF
)" grep 'chore;prompt:docs;kind:[lw].*gpt-5-codex' mx.time
# active time per session: the time view without kind:wait, shown as latency shows it
agent-stack --format latency "$MX" > mx.lat
awk '!/kind:wait/ { split($1, f, ";"); s[f[1]] += $NF }
	END { for (k in s) { t = int(s[k] / 1000); printf "%s %dm%02ds\n", k, t / 60, t % 60 } }' mx.time |
	sort > mx.active.time
awk '/^s-mix-a/ { print "project:alpha", $3 } /^s-mix-b/ { print "project:beta", $3 }
	/^s-mix-c/ { print "project:gamma", $3 }' mx.lat | sort > mx.active.lat
check_same "--format latency and --view time agree on each session's active time" mx.active.time mx.active.lat
check_test "active times: 80 s, 304 s, 313 s" "$(cat mx.active.lat | tr '\n' ' ')" = \
	"project:alpha 1m20s project:beta 5m04s project:gamma 5m13s "
check_test "--prompt-tag takes the subagents' work of the prompt (3220 + 121 + 44 + 6 tokens)" \
	"$(agent-stack -v tokens --prompt-tag build "$MX" | sum)" = 3391
check_test "--session-id matches subagent ids: their 8 calls only, all under subagent frames" \
	"$(agent-stack --session-id sub- "$MX" | sum):$(agent-stack --session-id sub- "$MX" | grep -vc subagent:)" = "8:0"
check_test "no prompt text in any mixed view" "$(cat mx.* | grep -c PLANTED)" = 0

# a subagent whose spawning call has no prompt: its own task prompt's tag
cat > q.ndjson <<'EOF'
{"kind":"session","agent":"claude","session":"q","ts":"2025-01-01T00:00:00.000Z","cwd":"/w/q"}
{"kind":"llm","agent":"claude","session":"q","ts":"2025-01-01T00:00:01.000Z","id":"l0","model":"m"}
{"kind":"tool","agent":"claude","session":"q","ts":"2025-01-01T00:00:02.000Z","id":"T0","parent":"l0","tool":"Task","tool_kind":"delegate","status":"ok","duration_ms":10000}
{"kind":"prompt","agent":"claude","session":"q","subagent":"a","ts":"2025-01-01T00:00:02.000Z","id":"sp","parent":"T0","origin":"subagent","tags":{"prompt":"explore"}}
{"kind":"llm","agent":"claude","session":"q","subagent":"a","ts":"2025-01-01T00:00:05.000Z","id":"l1","prompt":"sp","model":"m"}
{"kind":"llm","agent":"claude","session":"q","subagent":"a","ts":"2025-01-01T00:00:07.000Z","id":"l2","model":"m"}
EOF
check_out "no human prompt: the subagent's work under its own task prompt's tag" "$(cat <<'EOF'
project:q;agent:claude;session:unmatched;prompt:explore;call:tool/Task;subagent:task;kind:llm;call:llm/unmatched;model:m 2
project:q;agent:claude;session:unmatched;prompt:none;kind:llm;call:llm/unmatched;model:m 1
project:q;agent:claude;session:unmatched;prompt:none;kind:tool;call:tool/Task;effect:none;status:ok 1
EOF
)" agent-stack q.ndjson
check_out "time: the Task gives way to its subagent's calls (3+2 s of its 10 s), a gap goes to the record before it" "$(cat <<'EOF'
project:q;agent:claude;session:unmatched;prompt:explore;call:tool/Task;subagent:task;kind:llm;call:llm/unmatched;model:m 5000
project:q;agent:claude;session:unmatched;prompt:none;kind:prompt 1000
project:q;agent:claude;session:unmatched;prompt:none;kind:tool;call:tool/Task 5000
EOF
)" agent-stack -v time q.ndjson

# --- fractional weights: 10 calls of 0.3 microdollars are 3 -----------------------------
cat > frac.yaml <<'EOF'
models:
  frac-model:
    input: 0.3
    output: 0.3
EOF
: > frac.ndjson
for i in 0 1 2 3 4 5 6 7 8 9; do
	printf '{"kind":"llm","agent":"codex","session":"f","ts":"2025-01-01T00:00:0%s.000Z","id":"f%s","model":"frac-model","tokens":{"input":1,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":0,"reasoning":0}}\n' $i $i >> frac.ndjson
done
check_out "cost: fractions of a microdollar add up (10 x 0.3 = 3)" \
	"project:unknown;agent:codex;session:unmatched;prompt:none;call:llm/unmatched;model:frac-model;kind:input 3" \
	agent-stack -v cost --prices frac.yaml frac.ndjson
printf '%s\n' '{"kind":"session","agent":"claude","session":"e","ts":"2025-01-01T00:00:00.000Z"}' > empty.ndjson
agent-stack -v time empty.ndjson > empty.out 2> empty.err
check_test "time view of a session without records: exit 1, nothing, no sanitizer report" \
	"$?:$(wc -c < empty.out):$(grep -c -e 'runtime error' -e Sanitizer empty.err)" = "1:0:0"

# --- man page -----------------------------------------------------------------------------------
MAN=$TOP/man/agent-stack.1
if have mandoc; then
	check_test "man page is lint-clean" "$(mandoc -Tlint -Wwarning "$MAN" 2>&1)" = ""
else
	skip "mandoc not installed"
fi
agent-stack --help | grep -o -e '--[a-z-]*' | sort -u > help.opts
sed -n 's/^\.It Fl \([a-z]\) Ar [a-z]* , Fl -\([a-z-]*\).*/--\2/p; s/^\.It Fl \([a-zA-Z]\) , Fl -\([a-z-]*\).*/--\2/p; s/^\.It Fl -\([a-z-]*\).*/--\1/p' "$MAN" | sort -u > man.opts
check_same "--help and the man page list the same options" man.opts help.opts
cp "$EV" events.ndjson
exfail=0 nex=0
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$MAN" | sed -n 's/^\$ //p' | sed 's/\\e/\\/g' > examples.sh
while IFS= read -r cmd; do
	nex=$((nex + 1))
	need=$(printf '%s\n' "$cmd" | tr '|' '\n' | awk '{print $1}')
	miss=
	for c in $need; do have "$c" || miss="$miss $c"; done
	if [ -n "$miss" ]; then
		diag "example skipped (no$miss): $cmd"
		continue
	fi
	if ! sh -c "set -e; $cmd" > ex.out 2> ex.err; then
		exfail=1
		diag "example failed: $cmd"
		sed 's/^/# /' ex.err
	fi
done < examples.sh
check_test "the man page's examples run" "$exfail:$([ $nex -ge 8 ] && echo many)" = "0:many"

# --- the shared corpus through agent-events -----------------------------------------------------
if ! shared corpus; then
	skip "../shared/corpus is absent"
	skip "../shared/corpus is absent"
elif ! have agent-events || ! agent-events "$SHARED"/corpus/*/*.jsonl > corpus.ndjson 2>/dev/null && \
     [ ! -s corpus.ndjson ]; then
	skip "agent-events is not built or emits nothing"
	skip "agent-events is not built or emits nothing"
elif [ ! -s corpus.ndjson ]; then
	skip "agent-events emits nothing for the corpus yet"
	skip "agent-events emits nothing for the corpus yet"
else
	cfail=0
	for v in tasks system tokens cost time files network; do
		agent-stack -v $v corpus.ndjson > c.$v 2> c.$v.err
		r=$?
		if [ $r -gt 1 ] || grep -q -e Sanitizer -e 'not JSON' -e 'not an agent-event' c.$v.err; then
			cfail=1
			diag "view $v over the corpus: exit $r"
			head -3 c.$v.err | sed 's/^/# /'
		fi
	done
	check_test "every view runs over the corpus" $cfail = 0
	want=$(jq -s '[.[] | select(.kind == "llm") | .tokens // {} | (.input // 0) + (.output // 0) + (.cache_read // 0) + (.cache_write // 0)] | add // 0' corpus.ndjson)
	check_test "corpus: tokens total equals jq's sum of agent-events output" "$(sum c.tokens)" = "$want"
fi
done_testing
