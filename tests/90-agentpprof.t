#!/bin/sh
# SPDX-License-Identifier: MIT
# The one-shot script: every view as SVG, pprof and folded, a summary,
# the bundled examples for make demo, and nothing private in the output.
. "$(dirname "$0")/lib.sh"
EX="$TOP/share/examples"
plan 28

# --help names the options the man page documents
agentpprof --help > help.out
grep -oE -- '--[a-z][a-z-]*' help.out | sort -u > help.opts
grep -oE 'Fl \\?-[a-z]([a-z0-9]|\\?-)*' "$TOP/man/agentpprof.1" | sed -E 's/\\//g; s/^Fl -/--/' | sort -u > man.opts
check_same "--help and agentpprof(1) name the same options" man.opts help.opts

agentpprof -o out --session-file "$EX/claude-todo-api.jsonl" --session-file "$EX/codex-todo-api.jsonl" \
	--session-file "$EX/gemini-todo-api.json" > summary 2> err
check_test "runs on the examples: exit 0" $? = 0
n=0
for v in tasks system tokens cost time files network; do
	[ -s "out/$v.svg" ] && [ -s "out/$v.pb.gz" ] && [ -s "out/$v.folded" ] && n=$((n + 1))
done
check_test "an SVG, a profile and folded stacks for all seven views" $n -eq 7
check_grep "summary counts the sessions and calls" \
	'^3 sessions, 7 prompts, 23 model calls, 17 tool calls$' summary
check_grep "summary says where the files are" '^profiles in out/' summary
# issue 17, item 4: the summary's counts are the report's
check_test "summary and report count the same sessions and calls" \
	"$(sed -n 's/^sessions \([0-9]*\), .*; prompts \([0-9]*\), model calls \([0-9]*\), tool calls \([0-9]*\) .*/\1 sessions, \2 prompts, \3 model calls, \4 tool calls/p' summary)" = \
	"$(head -1 summary)"
check_grep "the cost's SVG subtitle carries the cost note (issue 17, item 3)" \
	'3 session files; estimated cost \$0\.35 (from recorded usage, not a bill)' out/cost.svg
check_grep "summary names the cost an estimate" 'not a bill' summary

# the totals the summary shows are the records' totals
if have jq; then
	want=$(jq -s '[.[] | select(.kind == "llm") | .tokens // {} | (.input // 0) + (.cache_read // 0) + (.cache_write // 0) + (.output // 0)] | add' out/events.ndjson)
	got=$(awk '{ s += $NF } END { printf "%d", s }' out/tokens.folded)
	check_test "tokens.folded sums to the records' tokens" "$got" = "$want"
	check_grep "summary shows that total" "^tokens: $want," summary
else
	skip "jq not installed"; skip "jq not installed"
fi
# pprof profiles carry the view's unit
if have go; then
	export HOME="$TMP" GOCACHE="$TMP/gocache" GOFLAGS=-mod=mod
	go tool pprof -raw out/cost.pb.gz > raw 2> rawerr
	check_grep "cost profile's sample type is cost/microUSD (issue 17, item 8)" '^cost/microUSD\[dflt\]$' raw
else
	skip "go not installed"
fi

# privacy: prompt text, response text and the home directory stay out
for f in out/*.svg out/*.folded; do cat "$f"; done > rendered
for f in out/*.pb.gz; do gzip -dc "$f"; done >> rendered
check_nogrep "no prompt text in SVG, folded or pprof output" 'endpoint returns everything' rendered
check_nogrep "no response text" 'Pagination is in' rendered
check_nogrep "no absolute paths" '/home/dev' rendered

# --demo with no sessions of one's own profiles the bundled examples
mkdir home
HOME="$TMP/home" agentpprof --demo -o demo > demo.out 2> demo.err
check_test "--demo: exit 0" $? = 0
check_grep "--demo says it uses the examples" 'bundled examples' demo.err
check_grep "--demo profiles three sessions" '^3 sessions' demo.out

# make demo: quiet (a line per step, then the summary), the programs
# only (tests/07-deps.t), the man pages untouched; run on the build under
# test with its build step stood in for (MAKE=true), so that no program
# other tests are running is relinked meanwhile; without the outer make's
# MAKEFLAGS, whose jobserver (make -j2 check) this make cannot reach
man_sum() { cat "$TOP"/man/* | cksum; }
before=$(man_sum)
HOME="$TMP/home" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$TOP" B="$AP_BUILD" MAKE=true DEMO_OUT="$TMP/mdemo" demo > mdemo.out 2>&1
check_test "make demo: exit 0" $? = 0
head -3 mdemo.out > got
check_out "make demo: one line per step" "demo: building the programs into $AP_BUILD/bin
demo: profiling your sessions, or the bundled examples, into $TMP/mdemo/
agentpprof: no sessions of your own found; profiling the bundled examples in scripts/../share/examples" cat got
check_nogrep "make demo: no compiler or make chatter" '^\(cc\|clang\|gcc\|make\)\(\[[0-9]*\]\)\?[: ]' mdemo.out
check_grep "make demo: the summary at the end" '^3 sessions, ' mdemo.out
check_test "make demo: the man pages left alone" "$(man_sum)" = "$before"

# without sessions and without --demo: a clear stop
HOME="$TMP/home" agentpprof -o none > /dev/null 2> none.err
check_test "no sessions: exit 2" $? = 2
check_grep "no sessions: says so, naming where it looked" "^agentpprof: no sessions found in the agents' histories under $TMP/home" none.err
mkdir proj
HOME="$TMP/home" agentpprof --project-root "$TMP/proj" -o none2 > /dev/null 2> none2.err
check_test "no sessions of the project: exit 2" $? = 2
check_grep "no sessions of the project: names --project-root" "^agentpprof: no sessions matched --project-root '$TMP/proj'" none2.err
check_test "no sessions of the project: no later stage speaks" "$(wc -l < none2.err)" = 1
check_status "unknown view: exit 2" 2 agentpprof --views tasks,bogus --session-file "$EX/claude-todo-api.jsonl"
done_testing
