#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events over the real OpenCode and Goose files in ../shared/corpus:
# each parses with the diagnostics expected of it and no other, and its
# token totals equal an independent computation (jq over the export's
# messages, whose tokens OpenCode sums from its steps; sqlite3 over the
# databases).  Which agent reads which corpus file is pinned for every
# agent in 22-agent-detect.t.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
have sqlite3 || skip_all "sqlite3 not installed"
C=$SHARED/corpus
shared corpus/opencode || skip_all "../shared/corpus/opencode absent"
n=$(ls "$C"/opencode/*.json* | wc -l)
plan $((2 * n + 5))
sum='def s(f): map(f) | add // 0; "\(s(.input)) \(s(.cache_read)) \(s(.cache_write)) \(s(.output)) \(s(.reasoning))"'
for f in "$C"/opencode/*.json*; do
	b=$(basename "$f")
	agent-events "$f" > c.out 2> c.err; st=$?
	case $b in
	*__part_001.json) want_err="agent-events: $f: an OpenCode part file: it is read with its message (storage/message/<session>/<message>.json)" ;;
	*__ses_s_stage0_large.json) want_err="agent-events: $f: not in a storage/session/<project>/ directory: its messages are not read" ;;
	*) want_err= ;;
	esac
	check_test "corpus $b: exit 0, expected diagnostics only" "$st $(cat c.err)" = "0 $want_err"
	got=$(jq -rs "[.[] | select(.kind==\"llm\" and .tokens) | .tokens] | $sum" c.out)
	case $b in
	*__part_001.json | *__ses_s_stage0_large.json) want="0 0 0 0 0" ;;
	*__msg_0002.json) want=$(jq -r "[.tokens | {input: .input, cache_read: 0, cache_write: 0,
		output: .output, reasoning: 0}] | $sum" "$f") ;;
	*) want=$(jq -r "[.messages[].info | select(.role==\"assistant\") | .tokens
		| {input, cache_read: .cache.read, cache_write: .cache.write,
		output: (.output + .reasoning), reasoning}] | $sum" "$f") ;;
	esac
	check_test "corpus $b: token totals equal jq's over its messages" "$got" = "$want"
done
# the Go opencode's database: one call per assistant row, one tool per
# tool_call part, no tokens invented from its session rows
G=$C/opencode/utils__.opencode__opencode.db
agent-events "$G" > g.out 2> g.err; st=$?
check_test "corpus go opencode.db: exit 0, nothing said" "$st $(cat g.err)" = "0 "
q() { sqlite3 "file:$G?immutable=1" "$1"; }
check_test "corpus go opencode.db: calls and tools equal sqlite3's count" \
	"$(jq -rs '[(map(select(.kind=="llm")) | length), (map(select(.kind=="tool")) | length)] | @tsv' g.out)" = \
	"$(q "SELECT (SELECT count(*) FROM messages WHERE role='assistant'),
		(SELECT count(*) FROM messages, json_each(messages.parts) WHERE json_extract(value, '$.type')='tool_call')" | tr '|' '\t')"
check_test "corpus go opencode.db: every call usage none, no tokens" \
	"$(jq -r 'select(.kind=="llm") | "\(.usage) \(.tokens)"' g.out | sort -u)" = "none null"
check_test "corpus go opencode.db: the sessions sqlite3 lists" \
	"$(jq -r 'select(.kind=="session") | .subagent // .session' g.out | sort)" = "$(q 'SELECT id FROM sessions ORDER BY id')"
# Goose: one session row with NULL tokens and no messages
if shared corpus/goose; then
	agent-events "$C/goose/dotfiles__sessions.db" > q.out 2> q.err; st=$?
	check_test "corpus goose sessions.db: exit 0, nothing said, the one session and no usage" \
		"$st $(cat q.err)$(jq -r '"\(.kind) \(.session) \(.cwd)"' q.out)" = \
		"0 session 20251202_1 /Users/jpresley/workspace/tmp/vsl"
else
	skip "../shared/corpus/goose absent"
fi
done_testing
