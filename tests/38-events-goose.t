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
plan 11
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
done_testing
