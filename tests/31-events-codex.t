#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events on Codex CLI rollouts: model calls from token_count advances,
# prompts, tool status and exit codes, forks, legacy files, bad input (the
# real corpus is in 31-events-codex-corpus.t).
. "$(dirname "$0")/lib.sh"
plan 58

FX="$TESTS/fixtures/codex"
cp "$FX"/*.jsonl .
# Effect records and classes belong to effects.c and have their own tests.
ev() { agent-events "$@" | jq -c 'select(.kind != "effect") | del(.class)'; }

# --- one session, every kind of record --------------------------------------
# advances with a re-emitted total between them, a reset, the model changing
# mid-session, input without the cached part, reasoning inside output, the
# prompt written twice (both orders), environment_context skipped, and shell
# argv, shell_command, exec_command, apply_patch, exec and a call without
# an output.
ev tokens.jsonl > out 2> err
check_same "tokens.jsonl: records" "$FX/tokens.out" out
check_test "tokens.jsonl: no diagnostics" "$(wc -c < err)" -eq 0
check_status "tokens.jsonl: exit 0" 0 agent-events tokens.jsonl
check_test "tokens.jsonl: one llm per advance (7), none for the re-emit" \
	"$(grep -c '"kind":"llm"' out)" -eq 7
check_test "tokens.jsonl: two prompts from four user messages" \
	"$(grep -c '"kind":"prompt"' out)" -eq 2
check_test "tokens.jsonl: tools after the llm record that chose them" \
	"$(jq -r 'select(.kind == "llm" or .kind == "tool") | .kind[0:1]' out | tr -d '\n')" = "ltltlllttltlt"
# input+cache_read+output adds up to input_tokens+output_tokens: 4000+160
# before the reset, 4000+150 on the counter that started there
check_test "tokens.jsonl: totals add up across the reset" \
	"$(jq -s '[.[] | select(.tokens) | .tokens | .input + .cache_read + .output] | add' out)" -eq $((4160 + 4150))

# --- 0.34-0.58: the token_count row comes before the call's items -----------
ev order034.jsonl > out
check_same "order034.jsonl: usage joined to the items that follow it" "$FX/order034.out" out

# --- legacy files: a header line, bare items, record_type lines ------------
ev legacy.jsonl > out 2> err
check_same "legacy.jsonl: records" "$FX/legacy.out" out
check_test "legacy.jsonl: no diagnostics" "$(wc -c < err)" -eq 0

# --- forks -----------------------------------------------------------------------
ev fork-parent.jsonl fork-child.jsonl > out
check_same "fork: parent then child, the child's copy skipped" "$FX/fork.out" out
grep '"session":"fc"' "$FX/fork.out" > want
ev fork-child.jsonl > out
check_same "fork: the child alone, its copy skipped" want out
ev fork-child.jsonl fork-parent.jsonl | grep '"session":"fc"' > out
check_same "fork: child read before its parent" want out
# a copy written slowly is told apart by the parent's totals only
ev fork-parent.jsonl fork-child-slow.jsonl | grep '"session":"fs"' > out
check_test "fork: slow copy skipped with the parent read first" \
	"$(jq -s '[.[] | select(.kind == "llm")] | [length, .[0].tokens.cache_read] | @text' out)" = '"[1,1200]"'

# --- the copy a fork or spawned subagent starts with (rp-*.jsonl) -------------
# rp-parent: two turns, the second spawns a subagent.  Children: a user fork
# whose copy is rewritten to the fork instant (turn ids kept), one of an older
# client whose copy keeps the parent's times (no turn ids), one with neither
# whose own prompt repeats a parent prompt and answers in 500 ms, the spawned
# subagent (answers in 300 ms), an older spawned subagent whose copy ends
# with Codex's answer to the spawning call, and a fork of the first fork.
RP="rp-parent.jsonl rp-fork-rewritten.jsonl rp-fork-original.jsonl rp-fork-fast.jsonl rp-spawned.jsonl rp-spawned-old.jsonl rp-fork-of-fork.jsonl"
ev $RP > out 2> err
check_same "replay: parent first, each child's own work only" "$FX/rp.out" out
check_test "replay: no diagnostics" "$(wc -c < err)" -eq 0
P=019d480e-7400-7aaa-8000-000000000000 C1=019d4845-6280-7ddd-8000-000000000000
S=019d480f-6824-7ccc-8000-000000000000 G=019d48b3-3f80-7eee-8000-000000000000
# own tokens (input + cached + output of last_token_usage) per child, from
# the generator: P 1050+1130+1220+1230, C1 1330+1530, C2 1220, C3 1120, S 820+820, old 310, G 1510
tot() { jq -rs --arg s "$1" --arg a "${2:-}" '[.[] | select(.kind == "llm" and .session == $s and ((.subagent // "") == $a))
	| .tokens | .input + .cache_read + .output] | "\(length) \(add // 0)"' "$3"; }
check_test "replay: token totals of every session" \
	"$(tot $P '' out)|$(tot $C1 '' out)|$(tot fork-c2 '' out)|$(tot fork-c3 '' out)|$(tot $P $S out)|$(tot $P spawn-old out)|$(tot $G '' out)" = \
	"4 4630|2 2860|1 1220|1 1120|2 1640|1 310|1 1510"
# each child alone: the same records, but for what only the parent tells
for k in "rp-fork-rewritten:$C1" "rp-fork-original:fork-c2" "rp-fork-of-fork:$G"; do
	f=${k%%:*} s=${k#*:}
	grep "\"session\":\"$s\"" "$FX/rp.out" > want
	ev $f.jsonl > out
	check_same "replay: $f alone" want out
done
ev rp-spawned.jsonl > out
check_same "replay: the spawned subagent alone: under its parent, its own task as the prompt, no spawning call" \
	"$FX/rp-spawned-alone.out" out
check_test "replay: the spawned subagent alone keeps its 300 ms first call and its tool, under its task" \
	"$(jq -rs '[.[] | select(.kind != "session")] | [.[0].kind, .[0].origin, .[1].duration_ms, .[2].id, .[2].prompt == .[0].id, .[0].parent // "none"] | @tsv' out)" = \
	"$(printf 'prompt\tsubagent\t299\tcall_s1\ttrue\tnone')"
grep '"subagent":"spawn-old"' "$FX/rp.out" > want
ev rp-spawned-old.jsonl > out
check_same "replay: the older subagent alone: the spawning call from Codex's answer in its copy" want out
grep "\"session\":\"$G\"" "$FX/rp.out" > want
ev rp-parent.jsonl rp-fork-of-fork.jsonl | grep "\"session\":\"$G\"" > out
check_same "replay: fork of a fork with only the grandparent read" want out
ev rp-fork-of-fork.jsonl rp-fork-rewritten.jsonl rp-parent.jsonl > out
check_test "replay: children read before their parents count the same" \
	"$(tot $G '' out)|$(tot $C1 '' out)|$(tot $P '' out)" = "1 1510|2 2860|4 4630"
check_test "replay: a user fork is no subagent" \
	"$(jq -rs '[.[] | select(.session == "fork-c2" or .session == "'$C1'") | .subagent] | map(select(. != null)) | length' "$FX/rp.out")" -eq 0

# --- durations: a call whose start the file does not hold has none ------------
cat > dur.jsonl <<'X'
{"timestamp":"2026-05-13T09:00:00.000Z","type":"turn_context","payload":{"model":"gpt-5.2-codex"}}
{"timestamp":"2026-05-13T09:01:00.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":1000,"cached_input_tokens":0,"output_tokens":100,"total_tokens":1100}}}}
{"timestamp":"2026-05-14T10:00:00.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":3000,"cached_input_tokens":0,"output_tokens":300,"total_tokens":3300}}}}
{"timestamp":"2026-05-14T10:00:00.500Z","type":"response_item","payload":{"type":"function_call_output","call_id":"x","output":"ok"}}
{"timestamp":"2026-05-14T10:00:01.000Z","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"no usage"}]}}
X
check_test "durations: from the turn start to the token row; none for a call with no recorded start or end" \
	"$(agent-events dur.jsonl | jq -rs '[.[] | select(.kind == "llm") | .duration_ms // "none"] | join(" ")')" = "60000 none none"

# --- outcomes --------------------------------------------------------------------
# exec (code mode) with a command's exit code 2 in its second content item,
# and 0; aborted by user; a patch rejected; a patch whose patch_apply_end
# says it failed; a verification failure in array form; a call the aborted
# turn left without output
agent-events outcomes.jsonl | grep '"kind":"tool"' > out
check_same "outcomes: statuses and exit codes" "$FX/outcomes.out" out

# --- bad input ---------------------------------------------------------------------
ev bad.jsonl > out 2> err
check_same "bad.jsonl: records before and after the bad line kept" "$FX/bad.out" out
check_status "bad.jsonl: exit 1" 1 agent-events bad.jsonl
check_grep "bad.jsonl: the line that is not JSON named" \
	'^agent-events: bad.jsonl:5: not JSON: ' err
check_grep "bad.jsonl: invalid UTF-8 reported" '^agent-events: bad.jsonl:10: invalid UTF-8' err
check_grep "bad.jsonl: invalid UTF-8 replaced" "$(printf '"text":"caf\357\277\275"')" out
check_test "bad.jsonl: an unknown record type noted once" \
	"$(grep -c "unknown record type 'mystery'" err)" -eq 1
check_nogrep "bad.jsonl: known record types not noted" "world_state" err

# a session still being written: its last line cut short
{ cat tokens.jsonl; printf '{"timestamp":"2026-01-01T10:01:07.000Z","type":"event_m'; } > cut.jsonl
ev cut.jsonl > out 2> err
check_status "truncated last line: exit 0" 0 agent-events cut.jsonl
sed 's/"file":"tokens.jsonl"/"file":"cut.jsonl"/' "$FX/tokens.out" > want
check_same "truncated last line: every complete record" want out

# more parallel tool calls than the adapter holds back (1024): each
# still comes after an llm record that names it, none is lost
{
	echo '{"timestamp":"2026-01-01T00:00:00.000Z","type":"session_meta","payload":{"id":"m"}}'
	i=0
	while [ $i -lt 1100 ]; do
		echo '{"timestamp":"2026-01-01T00:00:02.000Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"true\"]}","call_id":"k'$i'"}}'
		i=$((i + 1))
	done
	echo '{"timestamp":"2026-01-01T00:00:02.500Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}}}'
	echo '{"timestamp":"2026-01-01T00:00:03.000Z","type":"response_item","payload":{"type":"function_call_output","call_id":"k1099","output":"Exit code: 0"}}'
} > many.jsonl
ev many.jsonl > out
check_test "1100 parallel calls: every tool after its llm record, the last one ok" \
	"$(jq -rs 'reduce .[] as $r ({seen: {}, ok: 0};
		if $r.kind == "llm" then .seen[$r.id] = true
		elif $r.kind == "tool" and .seen[$r.parent] then .ok += 1 else . end) | .ok' out) $(grep -c '"id":"k1099".*"status":"ok"' out)" = "1100 1"

# --- short ways and the long ones they fall back to (fp-*.jsonl) -----------------------
# fp-remote: a git command's output is unescaped to look for a remote only
# when its text can name one; a \u escape, in the text or in the JSON
# wrapper it holds, takes the long way.  fp-tokens: usage keys escaped or
# repeated, counts that are not plain digits (fractions, exponents,
# strings, negatives, past 15 digits and past the cap).  fp-names: tool
# names and types cut at 127 bytes and at a NUL, the wrapper's exit code
# and duration read after spaces, a NUL and a sign, the first of two
# exit codes, and one far before the end of the text.  fp.out was written by
# the adapter before it had the short ways.
agent-events fp-remote.jsonl fp-tokens.jsonl fp-names.jsonl > out 2> err
check_same "short ways and their fallbacks: every record, byte for byte" "$FX/fp.out" out
check_test "short ways: no diagnostics" "$(wc -c < err)" -eq 0
check_test "short ways: each push's remote from its own output, the long way too" \
	"$(jq -r 'select(.effect == "net" and .session == "fp-remote") | .domain' out | tr '\n' ' ')" = \
	"plain.example escaped.example wrapped.example fetch.example after-bs.example array.example object.example fetch.example "

# fp-outputs: tool outputs of the one shape Codex writes are read without a
# parse tree; every near miss (the file's first line, \u0000, a raw tab,
# invalid UTF-8, a bad escape, spaces, a key more or in another order, an
# escaped or non-ASCII call id or time, an object output, a \r, text
# after the line, a cut line) goes the long way, with its diagnostics.
agent-events fp-outputs.jsonl > out 2> err
check_same "tool outputs, short way and near misses: every record" "$FX/fp-outputs.out" out
check_same "tool outputs, short way and near misses: the same diagnostics" "$FX/fp-outputs.err" err
check_status "tool outputs, short way and near misses: exit 1 (lines skipped)" 1 agent-events fp-outputs.jsonl

# fp-rows: token rows of Codex's shapes (either order of the two usages,
# model_context_window, rate_limits) are read without a parse tree,
# re-emitted and reset rows among them, and one after a tool output that
# ended a call still streaming; the near misses (the first line, counts
# past 15 digits, with a leading zero, a fraction, a sign, a key missing
# or more, a model, info null, a repeated usage, other key order, spaces,
# rate limits that are invalid UTF-8, not JSON or followed by a key) go
# the long way.
agent-events fp-rows.jsonl > out 2> err
check_same "token rows, short way and near misses: every record" "$FX/fp-rows.out" out
check_same "token rows, short way and near misses: the same diagnostics" "$FX/fp-rows.err" err
check_status "token rows, short way and near misses: exit 1 (lines skipped)" 1 agent-events fp-rows.jsonl

# fp-calls: function_call lines of Codex's shape are read without a parse
# tree (escapes and UTF-8 in the name, arguments and call id, an empty
# name, a call seen before, a name past 127 bytes); the near misses (the
# first line, an id or namespace key, arguments null or an object, a
# status, \u0000, a raw tab, invalid UTF-8, a bad escape, a space, no
# call id, other key order, text after the line, a cut line) go the long way.
agent-events fp-calls.jsonl > out 2> err
check_same "tool calls, short way and near misses: every record" "$FX/fp-calls.out" out
check_same "tool calls, short way and near misses: the same diagnostics" "$FX/fp-calls.err" err
check_status "tool calls, short way and near misses: exit 1 (lines skipped)" 1 agent-events fp-calls.jsonl

# fp-times: the time of a short-way line in Codex's form
# (YYYY-MM-DDTHH:MM:SS.mmmZ) is read with the day kept from the line before:
# across days, months, years and a leap day, a leap second, dates and
# times out of range (no time, as ts_parse has it) twice on the same day,
# the other forms ts_parse reads (lowercase, no or other fractions,
# offsets, a space, a date alone) and near misses of the form (a non-digit
# anywhere, text after it, a cut, a sign); a time with an escape or a
# non-ASCII byte goes the long way.  Durations from the wrapper's
# duration_seconds and from "Wall time:" lines in the forms read without
# strtod (up to 15 digits with a point) and those left to it (16 digits,
# exponents, hex, signs, spaces, nan, inf, two points).  fp-times.out was
# written by agent-events before either short way.
agent-events fp-times.jsonl > out 2> err
check_same "times and durations, short way and near misses: every record" "$FX/fp-times.out" out
check_test "times and durations: no diagnostics" "$(wc -c < err)" -eq 0
check_test "times and durations: a duration per secs form, and strtod's" \
	"$(jq -r 'select(.kind == "tool" and .ts == "2028-03-03T00:00:00.000Z") | .duration_ms' out | tr '\n' ' ')" = \
	"1500 23 0 7000 0 0 0 0 0 1000000 150 100000 1000 16000 8000 0 2000 2500 1200 999999999999 1000000000000 0 500 0 0 100 300 2675 1001 1 500 1500 "

# A token row's rate_limits is checked by parsing it alone; two levels
# down in the line, a value nested 511 deep makes the line too deep for
# jparse, and the short way refuses it as the long way does (a space
# after the first key sends a line the long way)
deep() { # DEPTH SPACE: a session_meta line and a token row
	awk -v d="$1" -v sp="$2" 'BEGIN {
		print "{\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"0199aaaa-0000-4000-8000-000000000001\",\"cwd\":\"/p\"}}"
		u = "{\"input_tokens\":100,\"cached_input_tokens\":50,\"output_tokens\":10,\"reasoning_output_tokens\":0,\"total_tokens\":110}"
		v = ""; for (i = 0; i < d; i++) v = v "["; for (i = 0; i < d; i++) v = v "]"
		print "{\"timestamp\":" sp "\"2026-01-01T00:00:01.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":" u ",\"last_token_usage\":" u "},\"rate_limits\":" v "}}"
	}'
}
for d in 510 511; do
	deep $d "" > short.jsonl; deep $d " " > long.jsonl
	agent-events short.jsonl > s.out 2> s.err; agent-events long.jsonl > l.out 2> l.err
	check_test "rate_limits nested $d deep: the short way's records and words are the long way's" \
		"$(sed 's/short.jsonl/X/' s.out s.err)" = "$(sed 's/long.jsonl/X/' l.out l.err)"
done
check_grep "... 511 deep: the line refused as too deep" "short.jsonl:2: not JSON: nested deeper than 512 levels" s.err

# --- detection ---------------------------------------------------------------------
printf '%s\n' '{"parentUuid":null,"type":"user","message":{"role":"user","content":"hi"},"uuid":"u1","sessionId":"x","timestamp":"2026-01-01T00:00:00Z"}' > claude.jsonl
agent-events claude.jsonl 2>/dev/null > out
check_nogrep "a Claude Code line is not claimed" '"agent":"codex"' out
head -c 100 tokens.jsonl > head.jsonl
agent-events head.jsonl > out 2>/dev/null
check_grep "a file cut in its first line is still detected" '"agent":"codex"' out
done_testing
