#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events over the real Claude Code corpus in ../shared (and Gemini's, in one
# run): per-file counts against jq's, a 2.1.x subagent, any file order.  Slow
# tier: corpus-wide; the fixtures' cases are in 30-events-claude.t.
. "$(dirname "$0")/lib.sh"
plan 6

# --- the real corpus -----------------------------------------------------------------------
C=$SHARED/corpus/claude-code
if ! [ -d "$C" ]; then
	for i in 1 2 3 4 5 6; do skip "../shared/corpus/claude-code absent"; done
	done_testing
fi
# Independent count: assistant records grouped by (message.id, requestId),
# the largest output_tokens per group; <synthetic> is no call; a sidechain
# record whose message.id came under another requestId is a replay.
cat > calls.jq <<'EOF'
def count: reduce (.[] | fromjson? | objects
	| select(.type == "assistant" and (.message | type) == "object" and .message.model != "<synthetic>")) as $r
	({calls: {}, msgs: {}, anon: 0, anon_out: 0};
	($r.message.id // null) as $m | ($r.requestId // null) as $q |
	($r.message.usage.output_tokens // 0) as $o |
	if $m == null and $q == null then .anon += 1 | .anon_out += $o
	else ([$m // $q, (if $m then $q else null end)] | tojson) as $k |
		if .calls[$k] == null and $m != null and .msgs[$m] != null and $r.isSidechain == true then .
		else .calls[$k] = ([.calls[$k] // 0, $o] | max) | if $m then .msgs[$m] = 1 else . end
		end
	end)
	| "\((.calls | length) + .anon) \(([.calls[]] | add // 0) + .anon_out)";
reduce inputs as $l ({}; .[input_filename] += [$l])
| to_entries[] | "\(.key | split("/") | last) \(.value | count)"
EOF
jq -nrR -f calls.jq "$C"/*.jsonl | sort > want
crash= baddiag= n=0
: > got
for f in "$C"/*.jsonl; do
	n=$((n + 1))
	b=$(basename "$f")
	agent-events "$f" > out 2> err
	rc=$?
	[ $rc -le 1 ] || crash="$crash $b($rc)"
	# expected: notes on unknown types and <synthetic>, and the malformed
	# records of two hand-written test files
	grep -v -e 'record type ".*" not known' -e '<synthetic>' -e 'more like line' \
		-e 'edge_cases.jsonl:.*\(not a JSON object\|without a "type"\|without message content\)' \
		-e 'ccusage__.*without a "type"' err > unexpected
	[ -s unexpected ] && baddiag="$baddiag $b"
	grep '^{"kind":"llm"' out | sed 's/.*"output":\([0-9]*\).*/\1/' |
		awk -v b="$b" '{ s += $1 } END { print b, NR, s + 0 }' >> got
done
sort got > got.sorted
[ -s want ] || diag "jq counted nothing"
check_test "corpus: $n files read without a crash" "${crash:-none}" = none
check_test "corpus: only expected diagnostics" "${baddiag:-none}" = none
check_same "corpus: per file, llm records and output tokens equal jq's count" want got.sorted

# The 2.1.x session and its subagent, laid out as Claude Code does.
S=ef958aa1-0e93-49f0-bb71-150f63befcd1
mkdir -p proj/$S/subagents
cp "$C/claude-code-log__worktrees__$S.jsonl" proj/$S.jsonl
cp "$C/claude-code-log__worktrees__ef958aa1__subagents__agent-a4ca7529859c158c2.jsonl" \
	proj/$S/subagents/agent-a4ca7529859c158c2.jsonl
agent-events proj/$S/subagents/agent-a4ca7529859c158c2.jsonl proj/$S.jsonl > out 2> err
check_test "corpus 2.1.x: the subagent's task hangs under the Agent call that started it" \
	"$(jq -r 'select(.kind == "prompt" and .subagent) | "\(.origin) \(.parent) \(.prompt)"' out)" = \
	"subagent toolu_01GmrK6tgdD9D5xD6W5X9UUy 0ae44287-6fb8-4325-acd4-934696671e09"
check_test "corpus 2.1.x: every subagent call charged to the human prompt" \
	"$(jq -r 'select(.kind == "llm" and .subagent) | .prompt' out | sort -u)" = 0ae44287-6fb8-4325-acd4-934696671e09

# The whole Claude Code and Gemini CLI corpus in one run, in two orders:
# per session, the tokens (updates included) equal those of the files run
# one by one.
G=$SHARED/corpus/gemini-cli
tot() { jq -r 'select(.kind == "llm" and .tokens) | [.session, .tokens.input + .tokens.cache_read + .tokens.cache_write + .tokens.output] | @tsv' |
	awk -F'\t' '{ s[$1] += $2 } END { for (k in s) print k, s[k] }' | sort; }
agent-events "$C"/*.jsonl "$G"/* 2> /dev/null | tot > one
ls -r "$C"/*.jsonl "$G"/* | agent-events --files-from - 2> /dev/null | tot > rev
for f in "$C"/*.jsonl "$G"/*; do agent-events "$f" 2> /dev/null; done | tot > each
if [ "$(wc -l < one)" -gt 20 ] && cmp -s one rev; then
	check_same "corpus in one run (any order): per-session tokens equal the per-file runs'" each one
else
	not_ok "corpus in one run (any order): per-session tokens equal the per-file runs'"
	diff one rev | head | sed 's/^/# /'
fi
done_testing
