#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events over the real Gemini CLI corpus in ../shared, and no other
# agent's file taken for Gemini's.  Slow tier: corpus-wide; the fixtures'
# cases are in 32-events-gemini.t.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
C=$SHARED/corpus/gemini-cli
plan 12

# --- the real corpus ------------------------------------------------------
# Every file is Gemini CLI's own shape (the agentsight and agentsview
# fixtures are minimal but use Gemini's keys), so all of them parse.
# jq computes each file's totals independently: input - cached + tool,
# cached, output + thoughts, thoughts; a log's message counts once (its
# last line).
if ! shared corpus/gemini-cli; then
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do skip "../shared/corpus/gemini-cli absent"; done
	done_testing
fi
sum='def s(f): map(f) | add // 0; "\(s(.input)) \(s(.cache_read)) \(s(.output)) \(s(.reasoning))"'
for f in "$C"/*.json "$C"/*.jsonl; do
	b=$(basename "$f")
	agent-events "$f" > c.out 2> c.err; st=$?
	if [ "$st" = 0 ] && [ ! -s c.err ] && grep -q '"kind":"session"' c.out; then
		ok "corpus $b: parsed"
	else
		not_ok "corpus $b: parsed"; diag "exit $st"; sed 's/^/# /' c.err
	fi
	got=$(jq -rs "[.[] | select(.kind==\"llm\" and .tokens) | .tokens] | $sum" c.out)
	case $f in
	*.jsonl) want=$(jq -rs 'map(select(.type=="gemini" and (.tokens | type) == "object"))
		| group_by(.id) | map(last.tokens)
		| map({input: (.input - (.cached // 0) + (.tool // 0)), cache_read: (.cached // 0),
			output: (.output + (.thoughts // 0)), reasoning: (.thoughts // 0)}) | '"$sum" "$f") ;;
	*) want=$(jq -r '[.messages[] | select(.type=="gemini" and (.tokens | type) == "object") | .tokens
		| {input: (.input - (.cached // 0) + (.tool // 0)), cache_read: (.cached // 0),
			output: (.output + (.thoughts // 0)), reasoning: (.thoughts // 0)}] | '"$sum" "$f") ;;
	esac
	check_test "corpus $b: token totals equal jq's" "$got" = "$want"
done
# A real session whose tool paths prove its root through its own hash.
agent-events "$C/ai-sessions__gemini-cli-pomodoro-timer.json" 2>/dev/null | head -1 > pom.out
check_grep "corpus: the pomodoro session's root found from its projectHash" \
	'"cwd":"/Users/yoavfarhi/dev/pomodoro/gemini"' pom.out
# Claude Code and Codex files are never taken for Gemini's.
n=0
for f in "$SHARED"/corpus/claude-code/* "$SHARED"/corpus/codex/*; do
	case $f in *.jsonl) ;; *) continue ;; esac
	agent-events "$f" 2>/dev/null | grep -q "\"agent\":\"gemini\"" && n=$((n + 1))
done
check_test "no Claude Code or Codex corpus file read as Gemini" "$n" = 0
done_testing
