#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/gen-goose-db, the Goose sessions.db that make bench times:
# agent-events reads it without a word, and writes what the generator put
# in, counted by hand: per prompt ten model calls, each with one tool,
# and per session one usage record with the accumulated token columns,
# which add up 30,000 input and 100 + c output tokens a call.
. "$(dirname "$0")/lib.sh"
have sqlite3 || skip_all "sqlite3 not installed"
plan 8
SESSION_MB=0.5 sh "$TOP/scripts/gen-goose-db" 1 g.db
check_test "two sessions of about half a megabyte" \
	"$(sqlite3 g.db 'SELECT count(*) FROM sessions')" = 2
check_exit "agent-events reads the generated database" 0 agent-events g.db
check_test "... and says nothing about it" "$(cat err)" = ""
p=$(grep -c '^{"kind":"prompt"' out)
check_test "... $p prompts, ten model calls and ten tools each, and a usage record a session" \
	"$(grep -c '^{"kind":"llm"' out) $(grep -c '^{"kind":"tool"' out)" = "$((10 * p + 2)) $((10 * p))"
check_test "... the tools by their arguments: of ten calls 4 shell commands (c % 4 = 0 or 3), 3 views, 3 edits" \
	"$(grep '^{"kind":"tool"' out | sed 's/.*"tool_kind":"\([a-z]*\)".*/\1/' | sort | uniq -c | awk '{printf "%s=%d ", $2, $1}')" = \
	"read=$((3 * p)) shell=$((4 * p)) write=$((3 * p)) "
check_out "the session records' tokens: the columns, which add up the calls" \
	"$(awk -v p="$p" 'BEGIN { printf "input=%d output=%d\n", 30000 * 10 * p, 1055 * p }')" \
	sh -c "grep '\"usage\":\"session\"' out | sed 's/.*\"input\":\([0-9]*\).*\"output\":\([0-9]*\).*/\1 \2/' | awk '{ i += \$1; o += \$2 } END { printf \"input=%d output=%d\\n\", i, o }'"
check_test "the columns agree with sqlite3's own sums" \
	"$(sqlite3 g.db 'SELECT sum(accumulated_input_tokens), sum(accumulated_output_tokens) FROM sessions')" = \
	"$((30000 * 10 * p))|$((1055 * p))"
sleep 1     # a column left to its default (the time) would differ
SESSION_MB=0.5 sh "$TOP/scripts/gen-goose-db" 1 again.db
check_test "the generator writes the same rows again" \
	"$(sqlite3 again.db .dump | md5sum)" = "$(sqlite3 g.db .dump | md5sum)"
done_testing
