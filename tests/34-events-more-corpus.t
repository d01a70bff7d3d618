#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events over the real (and synthetic) Droid, Aider and cursor-agent
# files of ../shared/corpus: each parses with the expected diagnostics
# only, and its totals equal an independent count (jq on the JSON lines,
# awk on Aider's Markdown).  The fixtures' cases are in 34-events-more.t.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
shared corpus/droid || skip_all "../shared/corpus absent"
plan 9
K=$SHARED/corpus

# run DIR: every file of DIR through agent-events, one by one; "crash"
# lists the files that ended worse than exit 1, "unexpected" the
# diagnostics the pattern PAT does not allow
run() {
	crash= : > unexpected
	for f in "$1"/*; do
		b=$(basename "$f")
		agent-events "$f" > "$b.out" 2> "$b.err"
		rc=$?
		[ $rc -le 1 ] || crash="$crash $b($rc)"
		grep -v -e "$2" "$b.err" >> unexpected
	done
}

# --- Droid ---------------------------------------------------------------------
run "$K/droid" 'settings.json beside it\|completion without usage'
check_test "droid corpus: no crash, only the notes on unrecorded tokens" \
	"${crash:-none} $(wc -l < unexpected)" = "none 0"
# per file: llm calls (session totals apart) and tokens, against jq on
# the records: one call per assistant message, or per assistant message
# and tool_call group in stream-json
for f in "$K"/droid/*.jsonl; do
	b=$(basename "$f")
	jq -rs --arg b "$b" '
		if .[0].session_id then
			# stream-json: an assistant message, or a run of tool_calls
			# after something else, or a completion after no assistant
			(reduce .[] as $r ({n: 0, prev: null};
				if $r.type == "message" and $r.role == "assistant" then .n += 1
				elif $r.type == "tool_call" and (.prev != "assistant" and .prev != "tool_call") then .n += 1
				elif $r.type == "completion" and .prev != "assistant" and ($r.finalText // "") != "" then .n += 1
				else . end | .prev = (if $r.type == "message" then $r.role else $r.type end))) as $s
			| "\($b) \($s.n) 0 0"
		else
			[.[] | select(.type == "message" and .message.role == "assistant")] as $a
			| "\($b) \($a | length) \([$a[].message.usage.input_tokens // 0] | add // 0) \([$a[].message.usage.output_tokens // 0] | add // 0)"
		end' "$f"
done | sort > want
for f in "$K"/droid/*.jsonl; do
	b=$(basename "$f")
	jq -rs --arg b "$b" '[.[] | select(.kind == "llm" and .usage != "session")] |
		"\($b) \(length) \([.[].tokens.input // 0] | add // 0) \([.[].tokens.output // 0] | add // 0)"' "$b.out"
done | sort > got
check_same "droid corpus: per file, calls and message tokens equal jq's count" want got
check_test "droid corpus: the stream-json fixture is Droid's, not Claude's" \
	"$(jq -r 'select(.kind == "session") | .agent' agent-sessions__droid__stream_json_large.jsonl.out)" = droid

# --- Aider ------------------------------------------------------------------------
run "$K/aider" '^$'
check_test "aider corpus: no crash, no diagnostic" "${crash:-none} $(wc -l < unexpected)" = "none 0"
# awk reads every "> Tokens:" line as Aider printed it: 3.2k is 3200
cat > tok.awk <<'EOF'
function num(s,   m) { m = 1; if (s ~ /k$/) m = 1000; else if (s ~ /M$/) m = 1000000
	sub(/[kM]$/, "", s); return int(s * m + 0.5) }
/^> Tokens: / { n++; line = substr($0, 11); k = split(line, part, ", ")
	for (i = 1; i <= k; i++) { split(part[i], w, " "); v = num(w[1])
		if (part[i] ~ /sent/) sent += v; else if (part[i] ~ /received/) recv += v } }
END { print FILENAME, n + 0, sent + 0, recv + 0 }
EOF
for f in "$K"/aider/*.md; do awk -f tok.awk "$f"; done | sed 's|^.*/||' | sort > want
for f in "$K"/aider/*.md; do
	b=$(basename "$f")
	jq -rs --arg b "$b" '[.[] | select(.kind == "llm" and .usage == "rounded")] |
		"\($b) \(length) \([.[].tokens | .input + .cache_read + .cache_write] | add // 0) \([.[].tokens.output] | add // 0)"' "$b.out"
done | sort > got
check_same "aider corpus: per file, rounded calls, sent and received equal awk's sums" want got
check_test "aider corpus: one session per run header" \
	"$(cat "$K"/aider/*.md | grep -c '^# aider chat started at ')" = \
	"$(cat ./*.md.out | jq -s '[.[] | select(.kind == "session")] | length')"
check_test "aider corpus: prompts are the #### groups (none lost)" \
	"$(for f in "$K"/aider/*.md; do awk '/^####/ { if (!p) n++; p = 1; next } { p = 0 } END { print n + 0 }' "$f"; done | paste -sd+ - | bc)" = \
	"$(cat ./*.md.out | jq -s '[.[] | select(.kind == "prompt")] | length')"

# --- cursor-agent ------------------------------------------------------------------------
run "$K/cursor" 'store.db) is not read'
check_test "cursor corpus: no crash; store.db said to be out, nothing else" \
	"${crash:-none} $(wc -l < unexpected) $(grep -c 'is not read' agent-sessions__Cursor__test-store.db.err)" = "none 0 1"
for f in "$K"/cursor/*.jsonl; do
	jq -rs --arg b "$(basename "$f")" '"\($b) \([.[] | select(.role == "assistant")] | length) \([.[] | select(.role == "assistant") | .message.content[] | select(.type == "tool_use")] | length) 0"' "$f"
done | sort > want
for f in "$K"/cursor/*.jsonl; do
	b=$(basename "$f")
	jq -rs --arg b "$b" '"\($b) \([.[] | select(.kind == "llm")] | length) \([.[] | select(.kind == "tool")] | length) \([.[] | select(.kind == "llm" and (has("tokens") or .usage != "none"))] | length)"' "$b.out"
done | sort > got
check_same "cursor corpus: one call per assistant line, every tool_use, no tokens, usage none" want got
done_testing
