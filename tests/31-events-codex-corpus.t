#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events over the real Codex CLI corpus in ../shared: calls and tokens
# against an independent jq count, and a live fork.  Slow tier: corpus-wide;
# the fixtures' cases are in 31-events-codex.t.
. "$(dirname "$0")/lib.sh"
plan 5

# --- the real corpus -------------------------------------------------------------------
if ! shared corpus/codex; then
	for i in 1 2 3 4 5; do skip "no $SHARED/corpus/codex"; done
	done_testing
fi
C="$SHARED/corpus/codex"
# An independent count: the advances of total_token_usage.total_tokens,
# unchanged rows skipped, a drop taken as a new counter; $skip holds the
# totals of a parent whose copy leads the file.
cat > adv.jq <<'EOF'
[.[] | select(.type == "event_msg" and .payload.type == "token_count")
     | .payload.info | select(type == "object" and (.total_token_usage | type) == "object")]
| reduce .[] as $r ({prev: null, copy: true, n: 0, sum: 0};
    ($r.total_token_usage) as $t
    | if .prev != null and $t.total_tokens == .prev.total_tokens then .
      else
        (if .prev == null or $t.total_tokens > .prev.total_tokens
         then ($t.input_tokens + $t.output_tokens) - ((.prev.input_tokens // 0) + (.prev.output_tokens // 0))
         else $r.last_token_usage.input_tokens + $r.last_token_usage.output_tokens end) as $a
        | if .copy and ($skip | index([[$t.input_tokens, $t.cached_input_tokens, $t.output_tokens, $t.total_tokens]])) != null
          then .prev = $t
          else .prev = $t | .copy = false | .n += 1 | .sum += $a end
      end)
| "\(.n) \(.sum)"
EOF
mine='[.[] | select(.kind == "llm" and .tokens)] | "\(length) \(map(.tokens.input + .tokens.cache_read + .tokens.output) | add // 0)"'
: > bad-status; : > mismatch; : > diags
for f in "$C"/*.jsonl; do
	agent-events "$f" > out 2>> diags
	rc=$?
	[ $rc -le 1 ] || echo "$f: exit $rc" >> bad-status
	case $f in *__child.jsonl) continue ;; esac
	a=$(grep -F '"token_count"' "$f" | jq -rs --argjson skip '[]' -f adv.jq)
	b=$(jq -rs "$mine" out)
	[ "$a" = "$b" ] || echo "$f: jq $a, agent-events $b" >> mismatch
done
check_test "corpus: every file read without a crash" "$(cat bad-status)" = ""
check_test "corpus: model calls and tokens equal the jq count in every file" "$(cat mismatch)" = ""
grep -v 'codex_050_legacy.jsonl:3: token_count without total_token_usage ignored$' diags > other
check_test "corpus: only the expected diagnostics" "$(cat other)" = ""
P="$C/CodexBar__live-fork__parent.jsonl" K="$C/CodexBar__live-fork__child.jsonl"
skip=$(jq -c 'select(.payload.type == "token_count") | .payload.info.total_token_usage
	| [.input_tokens, .cached_input_tokens, .output_tokens, .total_tokens]' "$P" | jq -cs .)
want=$(jq -rs --argjson skip "$skip" -f adv.jq "$K")
got=$(agent-events "$P" "$K" | jq -c 'select(.session == "child-session")' | jq -rs "$mine")
check_test "corpus fork: the child after its parent counts its own calls only ($want)" "$got" = "$want"
got=$(agent-events "$K" | jq -rs "$mine")
check_test "corpus fork: the child alone too" "$got" = "$want"
done_testing
