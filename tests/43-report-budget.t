#!/bin/sh
# SPDX-License-Identifier: MIT
# The report's budget (issue 17, item 9): where the money went by prompt
# tag, model, subagent and tool, then what repeated (a file read again, a
# failing test rerun, a search run again, a long wait), each with its cost
# and a command that shows it.  The fixture holds each case once, with
# calls of a known price ($0.018 each: 1000 input and 1000 output tokens
# of claude-sonnet-4-5).
. "$(dirname "$0")/lib.sh"
EV=$TESTS/fixtures/report/budget.ndjson
X=$TESTS/fixtures/report/expect
plan 12

agent-stack --format report "$EV" > rep.out 2> rep.err
check_same "report with a budget: exact text" "$X/budget.txt" rep.out
check_test "... nothing on stderr" "$(wc -c < rep.err)" = 0
check_grep "the money by subagent: the session's own calls and Explore's" \
	'^  subagent   (main) \$0\.14 (89%), Explore \$0\.0180 (11%)$' rep.out
check_grep "by tool: each call's cost split among the tool calls it asked for" \
	'^  tool       Bash \$0\.0540 (33%), Read \$0\.0540 (33%), (answer) \$0\.0360 (22%), 1 more$' rep.out
check_grep "a file read three times, with the cost of the calls that asked" \
	'^  - src/cart\.py read 3 times in session b0d9e7a1-000; the model calls that asked for them cost \$0\.0540: ' rep.out
check_grep "a failing test run twice" \
	'^  - test `pytest tests/test_cart\.py` failed 2 times in session b0d9e7a1-000; .* cost \$0\.0360: ' rep.out
check_grep "a search run twice, its absolute path as a project path" \
	'^  - search `rg -n total src` run 2 times in session b0d9e7a1-000; .* cost \$0\.0180: ' rep.out
check_grep "a ten-minute wait beyond the idle cap" \
	'^  - 1 tool call waited a minute or more (5m00s in all: WebFetch 5m00s), not charged as work: ' rep.out
check_nogrep "no home path in the report" '/home/' rep.out

# the commands the findings print run as printed and show them
sed -n 's/^      \(agent-stack .*\)$/\1/p; s/^             \(agent-stack .*\)$/\1/p' rep.out | sort -u > cmds
fail=0 n=0
while IFS= read -r c; do
	n=$((n + 1))
	sh -c "$c \"\$1\"" sh "$EV" > cmd.$n 2>&1 || { fail=$((fail + 1)); diag "failed: $c"; }
done < cmds
check_test "the $n printed commands run" "$n:$fail" = "6:0"
check_test "... the files command shows the file read again" \
	"$(agent-stack -v files --format top --by path --session-id b0d9e7a1-000 "$EV" | grep -c ' path:src/cart\.py$')" = 1
check_test "... the subagent command shows Explore's share" \
	"$(agent-stack -v cost --format top --by subagent "$EV" | grep -c '^\$0\.0180  11\.11% .* subagent:Explore$')" = 1

done_testing
