#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-join: a transcript (tests/fixtures/join/session.jsonl: make test,
# a Write, two concurrent git commands, two concurrent ls) joined with
# agent-snoop's records of the same run (run.ndjson): exact records,
# exact stacks, the unresolved pair, bad input, the man page's examples.
. "$(dirname "$0")/lib.sh"
F=$TESTS/fixtures/join
plan 16
have agent-join || { echo "Bail out! agent-join is not built"; exit 1; }

agent-events "$F/session.jsonl" > ev.ndjson
agent-join "$F/run.ndjson" ev.ndjson > joined.ndjson 2> join.err
check_test "exit 0" $? = 0
check_out "the closing line counts joined, unresolved and the agent's own" \
	"agent-join: 12 of 18 live effects joined to 4 tool calls; 5 unresolved (no one call ran them), 1 outside any tool call (the agent's own)" \
	cat join.err
check_out "every live effect's call: make's tree, the Write by path, each git its own, neither ls" \
	'["t5#1","t5","s-join"] ["t5#2","t5","s-join"] ["t6#1","t6","s-join"] ["t6#2","t6","s-join"] ["x1","proc:1","snoop-100-1772359200"] ["x2","t1","s-join"] ["x3","t1","s-join"] ["x4","t1","s-join"] ["x5","t1","s-join"] ["x6","t1","s-join"] ["x7","t2","s-join"] ["x8","t3","s-join"] ["x9","t3","s-join"] ["x10","t3","s-join"] ["x11","t4","s-join"] ["x12","t4","s-join"] ["x13","t4","s-join"] ["x14","proc:100","snoop-100-1772359200"] ["x15","proc:500","snoop-100-1772359200"] ["x16","proc:100","snoop-100-1772359200"] ["x17","proc:600","snoop-100-1772359200"] ["x18","proc:600","snoop-100-1772359200"]' \
	sh -c "jq -c 'select(.kind == \"effect\") | [.id, .parent, .session]' joined.ndjson | paste -sd ' '"
check_out "a joined effect takes the call's prompt and agent, and drops the agent from its chain" \
	'{"kind":"effect","agent":"claude","session":"s-join","ts":"2026-03-01T10:00:06.000Z","id":"x6","parent":"t1","prompt":"u1","status":"ok","effect":"write","process":["bash","make","cc"],"path":"/w/proj/a.o","pid":202,"ppid":201}' \
	grep '"id":"x6"' joined.ndjson
agent-stack --view system joined.ndjson > system.folded 2> /dev/null
check_same "the system view: exact stacks" "$F/system.folded" system.folded
check_test "the transcript's records come first, in their order" \
	"$(head -n "$(grep -vc '"kind":"effect"' ev.ndjson)" joined.ndjson | md5sum)" = "$(grep -v '"kind":"effect"' ev.ndjson | md5sum)"
check_test "a joined call's guessed effects are gone, the others' kept" \
	"$(jq -r 'select(.kind == "effect" and .agent == "claude") | .id' joined.ndjson | grep -c '#')" = 4

# the time rule: a transcript an hour off joins nothing; the tree rule
# still needs its call
sed 's/T10:00:/T11:00:/g' "$F/session.jsonl" | agent-events > late.ndjson
agent-join "$F/run.ndjson" late.ndjson > late.out 2> late.err
check_grep "outside every call's span nothing is joined" '0 of 18 live effects joined to 0 tool calls' late.err
check_test "... and every record still comes out" "$(wc -l < late.out)" = "$(( $(wc -l < late.ndjson) + $(wc -l < "$F/run.ndjson") ))"
agent-join --slack 0 "$F/run.ndjson" ev.ndjson > /dev/null 2> s0.err
check_grep "--slack 0: starts inside the spans still join" '12 of 18 live effects joined' s0.err

# bad input: named by file and line, the rest still joined
{ head -3 "$F/run.ndjson"; echo '{"kind":'; tail -n +4 "$F/run.ndjson"; } > bad.ndjson
agent-join bad.ndjson ev.ndjson > bad.out 2> bad.err
check_test "a broken line: exit 1" $? = 1
check_grep "... named by file and line" '^agent-join: bad.ndjson:4: ' bad.err
check_grep "... and the records around it still joined" '12 of 18 live effects joined' bad.err
agent-join > /dev/null 2> usage.err
check_test "no snoop file: a usage error, exit 2" $? = 2

# the man page's examples as printed (the recording itself needs root: 70-agent-snoop.t)
cp "$F/session.jsonl" session.jsonl; cp "$F/run.ndjson" run.ndjson
mandoc -Tascii "$TOP/man/agent-join.1" | col -b | awk '/^[A-Z]/ { ex = $0 == "EXAMPLES" }
	ex && /^[ \t]+\$ / { sub(/^[ \t]+\$ /, ""); cmd = $0; if (cmd !~ /\|$/) print cmd; next }
	ex && cmd ~ /\|$/ { sub(/^[ \t]+/, ""); cmd = cmd " " $0; print cmd; cmd = "" }' |
	grep -v '^sudo ' > examples.sh
check_test "the man page has two pipelines to run" "$(wc -l < examples.sh)" = 2
bad=0
while read -r cmd; do
	sh -c "$cmd" > ex.out 2> ex.err
	if [ $? != 0 ] || ! grep -qE 'prompt:debug;(call:tool/Bash;process:bash;process:make|path:a.o;effect:write)' ex.out; then
		bad=1; diag "$cmd"; sed 's/^/# /' ex.err
	fi
done < examples.sh
check_test "each runs as printed, live effects under their calls" $bad = 0

done_testing
