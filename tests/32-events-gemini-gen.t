#!/bin/sh
# SPDX-License-Identifier: MIT
# The Gemini CLI forms of scripts/gen-history that make bench times: the
# session-*.jsonl log (each model message appended twice, before and
# after its tokens and tool result, between "$set" lines) and the older
# session-*.json document.  agent-events reads both without a word, and
# what it writes is what the generator put in, counted by hand: per
# prompt ten model calls of 30,200 input tokens (30,000 cached) and
# 100 + c output tokens plus 20 of thoughts, each with one tool call.
. "$(dirname "$0")/lib.sh"
plan 15

for form in gemini gemini-json; do
	sh "$TOP/scripts/gen-history" 1 "$form" > "$form.in"
	check_exit "$form: agent-events reads the generated file" 0 agent-events "$form.in"
	mv out "$form.ev"
	check_test "$form: ... and says nothing about it" "$(cat err)" = ""
	p=$(grep -c '^{"kind":"prompt"' "$form.ev")
	check_test "$form: ... $p prompts, ten model calls and ten tools each" \
		"$(grep -c '^{"kind":"llm"' "$form.ev") $(grep -c '^{"kind":"tool"' "$form.ev")" = "$((10 * p)) $((10 * p))"
	check_test "$form: ... one session" "$(grep -c '^{"kind":"session"' "$form.ev")" = 1
	# input: 30,200 less 30,000 cached; output: 1..10 over 100, and 20 of
	# thoughts a call
	want=$(awk -v p="$p" 'BEGIN { printf "input=%d cache_read=%d output=%d", 2000 * p, 300000 * p, 1255 * p }')
	check_out "$form: ... the tokens, by hand" "$want" \
		sh -c "agent-stack --view tokens --format folded '$form.ev' | awk '{ split(\$1, f, \";kind:\"); s[f[2]] += \$2 } END { printf \"input=%d cache_read=%d output=%d\\n\", s[\"input\"], s[\"cache_read\"], s[\"output\"] }'"
	check_test "$form: ... reasoning: 20 a call" \
		"$(sed -n 's/.*"reasoning":\([0-9]*\).*/\1/p' "$form.ev" | sort -u)" = 20
done
# The document holds each message once, the log twice, so that a file of
# one size holds more prompts of the document; the records the two have
# in common are the same, but for the file they name.
p=$(grep -c '^{"kind":"prompt"' gemini.ev)
n=$(grep -n '^{"kind":"prompt"' gemini-json.ev | sed -n "$((p + 1))p" | cut -d: -f1)
check_test "the document holds more prompts than the log of the same size" "${n:-0}" -gt 1
sed 's/"file":"[^"]*"/"file":""/' gemini.ev > a
head -n $((n - 1)) gemini-json.ev | sed 's/"file":"[^"]*"/"file":""/' > b
check_same "the log's records are the document's first ones" a b
sh "$TOP/scripts/gen-history" 1 gemini > again
check "the generator writes the same bytes again" cmp -s gemini.in again
done_testing
