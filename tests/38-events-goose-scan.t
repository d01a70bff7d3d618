#!/bin/sh
# SPDX-License-Identifier: MIT
# Goose's scan (goose.c scan): the tool responses and the check of the
# time order in one pass over a session's rows, the responses' messages
# not parsed again, byte for byte against what the reading before it
# wrote (the .out and .err files): responses alone, with text, in an
# assistant's message, without an id, twice for one call, in a BLOB, the
# word in a text only or in text that is not JSON, content that is no
# array; times that go back or are text; ids that are text, out of the
# rows' order, or repeated.  Sessions whose rows interleave: read by the
# range of their ids where they are most of its rows (two taking turns,
# one among another's), by the index on the session where they are few;
# the same with the session column declared INTEGER (its affinity kept).
. "$(dirname "$0")/lib.sh"
have sqlite3 || skip_all "sqlite3 not installed"
F=$TESTS/fixtures/goose-scan
plan 15
for s in responses textids outoforder; do
	sqlite3 $s.db < "$F/$s.sql"
	check_exit "$s" 1 agent-events $s.db
	check_same "$s: the records" "$F/$s.out" out
	check_same "$s: the messages" "$F/$s.err" err
done
sqlite3 interleaved.db < "$F/interleaved.sql"
check_exit "interleaved" 0 agent-events interleaved.db
check_same "interleaved: the records" "$F/interleaved.out" out
check_same "interleaved: no messages" /dev/null err
# interleaved.sql with messages.session_id declared INTEGER and the
# sessions' ids numbers: the range read compares the column with its
# affinity, as the other reads do (1 = '1'), or finds none of its rows
sed -e 's/session_id TEXT NOT NULL/session_id INTEGER NOT NULL/' -e 's/20260301_\([0-9]\)/\1/g' \
	"$F/interleaved.sql" | sqlite3 intids.db
check_exit "interleaved, INTEGER session ids" 0 agent-events intids.db
check_same "interleaved, INTEGER session ids: the records" "$F/intids.out" out
check_same "interleaved, INTEGER session ids: no messages" /dev/null err
