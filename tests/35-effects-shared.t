#!/bin/sh
# SPDX-License-Identifier: MIT
# Tool calls with the same argument bytes in other sessions, subagents,
# tools and agents share one analysis in agent-events (common/agents/
# effects.c keeps them, per thread): each effect record still carries its
# own tool's session, subagent, ids, prompt, status, time and cwd, and is
# the record the file gives read alone, at -j 1 and -j 2.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq is not installed"
plan 6

# call SESSION N TOOL INPUT [ERROR [AGENTID [CWD]]]: a prompt, a model call
# with one tool call and, unless ERROR is -, its result
call() {
	side=false agent=
	[ -n "${6:-}" ] && side=true agent="\"agentId\":\"$6\","
	u="$1${6:-}-$2" id="toolu_$1${6:-}_$2" tm=$(printf '%02d:%02d' $((10 + $2 / 60)) $(($2 % 60)))
	[ $(($2 % 3)) = 1 ] && id="${id}_$(printf '%0250d' "$2")"
	printf '{"parentUuid":null,"isSidechain":%s,%s"cwd":"%s","sessionId":"%s","version":"2.1.114","type":"user","message":{"role":"user","content":"go %s"},"uuid":"%s-u","timestamp":"2026-01-05T%s:00.000Z"}\n' \
		"$side" "$agent" "${7:-/src/app}" "$1" "$2" "$u" "$tm"
	printf '{"parentUuid":"%s-u","isSidechain":%s,%s"cwd":"%s","sessionId":"%s","version":"2.1.114","type":"assistant","message":{"id":"msg_%s","model":"claude-opus-4-7","role":"assistant","content":[{"type":"tool_use","id":"%s","name":"%s","input":%s}],"usage":{"input_tokens":3,"output_tokens":7}},"requestId":"req_%s","uuid":"%s-a","timestamp":"2026-01-05T%s:01.000Z"}\n' \
		"$u" "$side" "$agent" "${7:-/src/app}" "$1" "$u" "$id" "$3" "$4" "$u" "$u" "$tm"
	[ "${5:-}" = - ] || printf '{"parentUuid":"%s-a","isSidechain":%s,%s"cwd":"%s","sessionId":"%s","version":"2.1.114","type":"user","message":{"role":"user","content":[{"tool_use_id":"%s","type":"tool_result","content":"done","is_error":%s}]},"uuid":"%s-r","timestamp":"2026-01-05T%s:02.000Z"}\n' \
		"$u" "$side" "$agent" "${7:-/src/app}" "$1" "$id" "${5:-false}" "$u" "$tm"
}
CMD='{"command":"cd web && npm install && curl -s https://x.example.com/a | tee out.txt"}'
FILE='{"file_path":"src/a.c"}'
session() {  # session NAME [AGENTID [CWD]]: the same calls, others between
	n=0 i=0
	for t in "Bash $CMD" "Read $FILE" "Write $FILE" "Bash $FILE" "Grep $FILE" "Glob $CMD" "Bash $CMD"; do
		n=$((n + 1)) i=$((i + 1))
		case $i in 2) e=true ;; 5) e=- ;; *) e=false ;; esac
		call "$1" $n "${t%% *}" "${t#* }" $e "${2:-}" "${3:-}"
		k=0
		while [ $k -lt $(( (n * 7) % 40 )) ]; do
			n=$((n + 1))
			call "$1" $n Bash "{\"command\":\"ls /tmp/d$k\"}" false "${2:-}" "${3:-}"
			k=$((k + 1))
		done
	done
}
mkdir in
session s-a > in/a.jsonl
session s-b > in/b.jsonl
session s-a sub1 > in/a-sub.jsonl
session s-c "" /src/other > in/c.jsonl
session s-d sub2 > in/d.jsonl
ls in/*.jsonl > list
{ cat list; sort -r list; } > twice

agent-events -j 1 --files-from list > one 2> one.err
agent-events -j 2 --files-from list > two 2> two.err
check_test "the input has effects" "$(grep -c '"kind":"effect"' one)" -gt 300
check_test "-j 2 writes what -j 1 does" "$(cmp one two && cmp one.err two.err && echo same)" = same

# every effect: its tool's fields, its id the tool's with #N
fields() {
	jq -s -r '(map(select(.kind == "tool")) | map({key: (.session + "|" + (.subagent // "") + "|" + .id), value: .})
		| from_entries) as $t
	| map(select(.kind == "effect")) | .[] | . as $e
	| $t[$e.session + "|" + ($e.subagent // "") + "|" + $e.parent] as $p
	| if $p == null then "no tool: \($e.id)"
	  elif [$e.agent, $e.session, $e.subagent, $e.subagent_type, $e.ts, $e.prompt, $e.status, $e.cwd]
	    != [$p.agent, $p.session, $p.subagent, $p.subagent_type, $p.ts, $p.prompt, $p.status, $p.cwd]
	    or ($e.id | startswith($p.id + "#") | not) then "not its tool fields: \($e.id)"
	  else empty end' "$1"
}
check_test "every effect has its own tool's fields" "$(fields one)" = ""
agent-events -j 2 --files-from twice > twice.out 2>/dev/null
check_test "... read twice, the second time from shared analyses" "$(fields twice.out)" = ""

# each file read alone (an empty cache) gives the same effect records
for f in $(cat list); do agent-events "$f"; done | grep '"kind":"effect"' > alone
grep '"kind":"effect"' one > together
check_same "effects of the files read together are those read alone" alone together
have_all() {
	for p in '"status":"error"' '"status":"unknown"' '"subagent":"sub2"' '"cwd":"/src/other"' \
	    '"id":"toolu_s-b_1_0*1#3"'; do
		grep -q "$p" together || { echo "none: $p"; return; }
	done
}
check_test "effects of statuses error and unknown, subagents, two cwds, long ids" "$(have_all)" = ""
done_testing
