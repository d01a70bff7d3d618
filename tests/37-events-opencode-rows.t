#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events reads an opencode.db's messages and their parts through one
# join where OpenCode's indexes give its order (message (session_id,
# time_created, id), part (message_id, id)), and through a statement per
# message where the order would be sorted (1.2's index on session_id
# alone, or none): the same records and messages either way, pinned on
# rows inserted out of order, two messages at one time, a message without
# parts, broken message and part data, escaped ids (fixtures/opencode/
# rows.sql; the expected files are what agent-events wrote before the
# join).  And a message's steps cut from its parts (steps-export.json).
. "$(dirname "$0")/lib.sh"
have sqlite3 || skip_all "sqlite3 not installed"
plan 17
F=$TESTS/fixtures/opencode
E=$F/expected
sqlite3 old.db < "$F/rows.sql"
sqlite3 old.db 'CREATE INDEX message_session_idx ON message (session_id);
	CREATE INDEX part_message_idx ON part (message_id);'
sqlite3 new.db < "$F/rows.sql"
sqlite3 new.db 'CREATE INDEX message_session_time_created_id_idx ON message (session_id, time_created, id);
	CREATE INDEX part_message_id_id_idx ON part (message_id, id);'
sqlite3 none.db < "$F/rows.sql"
JOIN="SELECT m.id, m.data, m.rowid, p.id, p.data FROM message m LEFT JOIN part p ON p.message_id = m.id
	WHERE m.session_id = ?1 ORDER BY m.time_created, m.id, m.rowid, p.id"
# the two paths are both taken: the join's plan sorts with 1.2's indexes
# and without any, not with today's
check_test "plan: sorted with 1.2's indexes" \
	"$(sqlite3 old.db "EXPLAIN QUERY PLAN $JOIN" | grep -c 'TEMP B-TREE')" = 1
check_test "plan: sorted with no index" \
	"$(sqlite3 none.db "EXPLAIN QUERY PLAN $JOIN" | grep -c 'TEMP B-TREE')" = 1
check_test "plan: in index order with today's" \
	"$(sqlite3 new.db "EXPLAIN QUERY PLAN $JOIN" | grep -c 'TEMP B-TREE')" = 0
for db in old new none; do
	check_exit "$db: read" 1 agent-events $db.db
	sed "s/\"file\":\"$db.db\"/\"file\":\"rows.db\"/" out > $db.out
	sed "s/ $db.db: / rows.db: /" err > $db.err
	check_same "$db: exact records" "$E/rows.out" $db.out
	check_same "$db: the broken rows said, in order" "$E/rows.err" $db.err
done
check_exit "new#id: one session of the join" 0 agent-events 'new.db#ses_b'
check_test "new#id: its records" "$(grep -c . out)" = 2
check_jobs "new: -j4 as -j1" new.db old.db none.db
# the parts of a message looked at by index: calls cut at step-finish
# parts among parts of every type, elements that are no object, an
# escaped type, messages without parts (in an export, where a part need
# not be an object)
cp "$F/steps-export.json" .
check_exit "steps: read" 0 agent-events steps-export.json
check_same "steps: exact records" "$E/steps.out" out
done_testing
