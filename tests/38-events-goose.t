#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events and agent-sessions on a Goose sessions.db built here by
# sqlite3 from SQL text in its real shape (tests/fixtures/opencode/
# goose.sql): exact records, one "usage":"session" record per session from
# the accumulated token columns (the remainder of a total above input +
# output counted as output and shown as reasoning), "usage":"none" when
# they are NULL, tool statuses from the tool responses, a text editor view
# read as a read, the tokens view.
. "$(dirname "$0")/lib.sh"
have sqlite3 || skip_all "sqlite3 not installed"
plan 14
F=$TESTS/fixtures/opencode
E=$F/expected
mkdir -p h/.local/share/goose/sessions
DB=h/.local/share/goose/sessions/sessions.db
sqlite3 "$DB" < "$F/goose.sql"
before=$(md5sum "$DB")
check_exit "goose: read" 1 agent-events "$DB"
check_same "goose: exact records" "$E/goose.out" out
check_same "goose: the broken row named, the rest read" "$E/goose.err" err
check_test "goose: left as it was" "$(md5sum "$DB"; ls "$DB"-* 2>/dev/null)" = "$before"
# the session record's total against sqlite3's own sum of the columns
want=$(sqlite3 "$DB" "SELECT accumulated_input_tokens, accumulated_total_tokens - accumulated_input_tokens
	FROM sessions WHERE id = '20260102_1'" | tr '|' ' ')
got=$(jq -r 'select(.usage == "session") | "\(.tokens.input) \(.tokens.output)"' out)
check_test "goose: session total as recorded (all output beyond input)" "$got" = "$want"
check_test "goose: no tokens on the calls themselves" \
	"$(jq -r 'select(.kind == "llm" and .usage != "session" and .tokens) | .id' out)" = ""
agent-sessions --home h --json | sed "s|$TMP|TMP|g" > sess.out
check_same "sessions: each session of the database, named FILE#ID" "$E/goose-sessions.out" sess.out
agent-sessions --home h -a goose | xargs agent-events 2>/dev/null > piped.out
check_test "sessions | agent-events: the same records" \
	"$(grep -vc '"kind":"session"' piped.out)" = "$(grep -vc '"kind":"session"' out)"
GOOSE_PATH_ROOT=$TMP/root; export GOOSE_PATH_ROOT
mkdir -p root/data/sessions && cp "$DB" root/data/sessions/
check_test "sessions: GOOSE_PATH_ROOT/data is looked in" \
	"$(agent-sessions --home /nonexistent -a goose | sed "s|$TMP/||")" = \
	"root/data/sessions/sessions.db#20260102_1
root/data/sessions/sessions.db#20260102_2"
agent-events "$DB" 2>/dev/null | agent-stack --view tokens > tokens.out 2> tokens.err
check_same "tokens view: the session total under call:llm/session-total, the calls without" \
	"$E/goose-tokens.folded" tokens.out
check_same "tokens view: says which calls have no usage and where the total went" \
	"$E/goose-tokens.err" tokens.err

# Messages are read in their time order (created_timestamp, then id).
# Goose appends them, so id order is that order and SQLite is asked for
# it unsorted; a session whose times go back, or are not all integers,
# is sorted.  The messages' ids in the records (SESSION:mID) come in
# sqlite3's own ORDER BY, whichever way was taken.
order() { # DB: the message ids each way, session by session
	for sid in $(sqlite3 "$1" 'SELECT id FROM sessions ORDER BY id'); do
		printf '%s: %s / %s\n' "$sid" \
			"$(sqlite3 "$1" "SELECT id FROM messages WHERE session_id = '$sid' AND content_json LIKE '[%' ORDER BY created_timestamp, id" | tr '\n' ' ')" \
			"$(agent-events "$1" 2>/dev/null | grep -o "\"id\":\"$sid:m[0-9]*\"" | sed 's/.*:m//; s/"//' | tr '\n' ' ')"
	done
}
# (the records name only the messages that make one: a prompt, a call)
same_order() {
	order "$1" | awk -F' / ' '{ n = split($1, want, " "); m = split($2, got, " "); j = 1
		for (i = 1; i <= m; i++) { while (j <= n && want[j] != got[i]) j++; if (j > n) bad = 1 }
		if (m < 2) bad = 1 } END { exit bad }'
}
sqlite3 back.db "ATTACH '$DB' AS a; CREATE TABLE sessions AS SELECT * FROM a.sessions;
	CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL,
		content_json TEXT NOT NULL, created_timestamp INTEGER NOT NULL, timestamp TIMESTAMP, tokens INTEGER,
		metadata_json TEXT);
	CREATE INDEX idx_messages_session ON messages(session_id);
	INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json)
		SELECT session_id, role, content_json, created_timestamp, metadata_json FROM a.messages
		ORDER BY created_timestamp DESC, id DESC;"
check "in order: the fixture's messages in time order" same_order "$DB"
check "inserted against time: still in time order" same_order back.db
cp back.db mixed.db
sqlite3 mixed.db "UPDATE messages SET created_timestamp = '1767344470' WHERE id = (SELECT max(id) FROM messages WHERE session_id = '20260102_1');
	UPDATE messages SET created_timestamp = 1767348001.5 WHERE role = 'assistant' AND session_id = '20260102_2'"
check "times as text and real among integers: in sqlite3's order" same_order mixed.db
done_testing
