#!/bin/sh
# SPDX-License-Identifier: MIT
# Aider's notice lines (aider.c notice, tool): a Tokens line read from a
# copy on the stack when short and from the heap when long (past 256
# bytes), read or refused the same either way; the tool inputs of
# "Applied edit to" and "Running" lines, JSON-escaped, as their effects
# show them.  An edit block's last line, ">>>>>>> REPLACE", is the
# answer's text, as its "<<<<<<< SEARCH" and "=======" are, not a notice.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
plan 6

pad=$(printf '%0300d' 0 | tr 0 x)
printf '\n# aider chat started at 2026-01-01 00:00:00\n\n#### q\n\na\n\n> Tokens: 3.2k sent, 861 received. Cost: $0.01 message, $0.02 session.  \n> Applied edit to src/a "q" \\\\b.c  \n\nb\n\n> Tokens: 12k sent, 2.1k cache write, 8.0k cache hit, 518 received. Cost: %s  \n> Running echo "hi" \\\\ there  \n\nc\n\n> Tokens: many sent %s\n\nd\n\n> Tokens: lots\n' \
	"$pad" "$pad" > r.md
agent-events r.md > r.out 2> r.err; st=$?
check_out "aider: short and long Tokens lines read alike, the unreadable ones' calls without usage" \
	'[3200,0,0,861,"rounded",["edit"]]
[1900,8000,2100,518,"rounded",["run"]]
[null,null,null,null,"none",null]' \
	jq -c 'select(.kind=="llm") | [.tokens.input, .tokens.cache_read, .tokens.cache_write, .tokens.output, .usage, .tools]' r.out
check_out "aider: the tool inputs escaped, as their effects show them" \
	'["write","/DIR/src/a \"q\" \\\\b.c",null]
["exec",null,["echo","hi","\\","there"]]' \
	sh -c "jq -c 'select(.kind==\"effect\") | [.effect, .path, .argv]' r.out | sed 's|$(pwd -P)|/DIR|'"
check_test "aider: the unreadable Tokens lines, long and short, warned (exit 1)" "$st" = 1
check_same "aider: the warnings" /dev/stdin r.err <<'EOF2'
agent-events: r.md:18: a Tokens line that does not read as counts; skipped
agent-events: r.md: 1 more like line 18: a Tokens line that does not read as counts; skipped
EOF2

printf '\n# aider chat started at 2026-01-01 00:00:00\n\n#### q\n\nf.c\n```c\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n>>>>>>>\n>>>>>> six\n>>>>>>>x\n> Tokens: 1k sent, 10 received.  \n' > e.md
agent-events e.md > e.out 2> e.err
check_out "aider: the edit block whole in the answer; seven > alone or before a space are text, six or seven before a letter a notice" \
	'"f.c\n```c\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n>>>>>>>"' \
	jq -c 'select(.kind=="llm") | .text' e.out
check_test "aider: ... and its Tokens line still read" "$(jq -c 'select(.kind=="llm") | [.tokens.input, .tokens.output]' e.out)" = "[1000,10]"
done_testing
