#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events and agent-sessions on OpenCode fixtures written in its real
# shapes (tests/fixtures/opencode): an `opencode export` pair (a session
# and its subtask), an opencode.db built here by sqlite3 from SQL text,
# the legacy storage tree, and the Go opencode's .opencode/opencode.db.
# Exact records, the count-once rules (message vs step tokens, the
# database vs the legacy files, a file read twice), the database never
# changed, and the tokens view.
. "$(dirname "$0")/lib.sh"
have sqlite3 || skip_all "sqlite3 not installed"
plan 28
F=$TESTS/fixtures/opencode
E=$F/expected
cp "$F"/export-parent.json "$F"/export-child.json .
cp -r "$F/storage" .
sqlite3 opencode.db < "$F/opencode.sql"
mkdir -p lib/.opencode
sqlite3 lib/.opencode/opencode.db < "$F/go-opencode.sql"

# --- exports: the caller's file is read first whatever the order ---------
check_exit "exports: read" 0 agent-events export-child.json export-parent.json
check_same "exports: exact records (steps, subtask under its caller)" "$E/exports.out" out
check_test "exports: nothing said" "$(cat err)" = ""
agent-events export-parent.json export-child.json > rev.out
check_same "exports: the other order gives the same records" "$E/exports.out" rev.out
# the step-finish parts sum to the message's tokens: one or the other
got=$(jq -rs '[.[] | select(.kind=="llm" and .session=="ses_1a00parent" and (.subagent|not)) | .tokens
	| .input + .cache_read + .cache_write + .output] | add' out)
want=$(jq -r '[.messages[].info | select(.role=="assistant") | .tokens
	| .input + .cache.read + .cache.write + .output + .reasoning] | add' export-parent.json)
check_test "exports: tokens counted once (steps, not steps and message)" "$got" = "$want"
# Entire exports a session again at each checkpoint: a second export of
# the same messages adds nothing but its session record
cp export-parent.json checkpoint2.json
agent-events export-parent.json checkpoint2.json | grep -v '"kind":"session"' > twice.out
grep -v '"kind":"session"' "$E/export-parent.out" > once.out
check_same "exports: a session exported twice counts once" once.out twice.out

# --- opencode.db ----------------------------------------------------------
before=$(md5sum opencode.db)
check_exit "db: read" 1 agent-events opencode.db
check_same "db: exact records" "$E/db.out" out
check_same "db: the broken row named, the rest read" "$E/db.err" err
check_test "db: left as it was, no -wal or -shm made" "$(md5sum opencode.db; ls opencode.db-* 2>/dev/null)" = "$before"
check_exit "db#id: one session" 0 agent-events 'opencode.db#ses_2b00sub'
check_same "db#id: the subtask alone finds its caller's task call" "$E/db-sub.out" out
check_exit "db#id: no such session" 1 agent-events 'opencode.db#ses_none'
check_test "db#id: said" "$(cat err)" = "agent-events: opencode.db#ses_none: no session ses_none in the database"

# --- a database the agent is writing: WAL mode, a writer holding it ------
cp opencode.db w.db
sqlite3 w.db 'PRAGMA journal_mode=WAL;' > /dev/null
mkfifo ctl
sqlite3 w.db < ctl > /dev/null &
writer=$!
exec 3> ctl
# the writer waits out the poller below: without a timeout its INSERT
# fails "database is locked" when a poll holds the WAL index (CI saw it)
printf '%s\n' "PRAGMA busy_timeout=10000;" "PRAGMA wal_autocheckpoint=0;" \
	"INSERT INTO message VALUES ('msg_2c09', 'ses_2c00cmd', 1767268870000, 1767268870000, '{\"role\":\"user\",\"time\":{\"created\":1767268870000}}');" \
	"INSERT INTO part VALUES ('prt_2c09a', 'msg_2c09', 'ses_2c00cmd', 1767268870000, 1767268870000, '{\"type\":\"text\",\"text\":\"written while read\"}');" >&3
i=0
while [ "$(sqlite3 'file:w.db?mode=ro' "SELECT count(*) FROM message WHERE id = 'msg_2c09'" 2>/dev/null)" != 1 ] && [ $i -lt 200 ]; do
	sleep 0.1; i=$((i + 1))
done
before=$(md5sum w.db w.db-wal)
agent-events --no-text 'w.db#ses_2c00cmd' > out 2> err
check_test "writing: the rows still in the -wal are read" \
	"$(jq -r 'select(.kind == "prompt") | .id' out | tr '\n' ' ')" = "msg_2c01 msg_2c09 "
check_test "writing: the database and its log left as they were" "$(md5sum w.db w.db-wal)" = "$before"
exec 3>&-
wait $writer

# --- legacy storage, beside and without the database ------------------------
check_exit "storage: a session file and its messages" 0 agent-events storage/session/9e1d/ses_2a00main.json
check_same "storage: exact records, in creation order" "$E/storage.out" out
agent-events opencode.db storage/session/9e1d/ses_2a00main.json 2>/dev/null > both.out
check_test "db + storage: only the message missing from the database is added" \
	"$(jq -r 'select(.kind != "session") | .id' both.out | sort | uniq -d | wc -l) $(grep -c . both.out)" = \
	"0 $(( $(agent-events opencode.db 2>/dev/null | grep -c .) + 4 ))"

# --- the Go opencode --------------------------------------------------------
check_exit "go: read" 0 agent-events lib/.opencode/opencode.db
sed "s|$TMP|TMP|g" out > go.out
check_same "go: exact records, calls with usage none" "$E/go.out" go.out
agent-stack --view tokens < out > go.folded 2> go.err
check_test "go: the tokens view is empty and says why" "$(cat go.folded go.err)" = \
	"agent-stack: note: no usage recorded by opencode for 4 calls: they weigh nothing in the tokens view"

# --- not a database, a malformed one --------------------------------------
head -c 3000 opencode.db > cut.db
agent-events cut.db > out 2> err; st=$?
check_test "malformed: exit 1, a message naming the file" "$st $(cat err)" = \
	"1 agent-events: cut.db: a malformed SQLite database"
agent-events < opencode.db > out 2> err; st=$?
check_test "standard input: exit 1, asks for the path" "$st $(cat err)" = \
	"1 agent-events: (stdin): a SQLite database is read from its file: give its path"

# --- agent-sessions -------------------------------------------------------
mkdir -p h/.local/share/opencode
cp opencode.db h/.local/share/opencode/
cp -r storage h/.local/share/opencode/
agent-sessions --home h --json -a opencode | sed "s|$TMP|TMP|g" > sess.out
check_same "sessions: each session of the database, named FILE#ID" "$E/sessions.out" sess.out
agent-sessions --home h -a opencode --project-root lib --json | sed "s|$TMP|TMP|g" > sess.out
check_same "sessions: --project-root finds the Go client's database in the project" "$E/sessions-go.out" sess.out
agent-sessions --home h -a opencode | xargs agent-events 2>/dev/null | sort > piped.out
agent-events opencode.db 2>/dev/null | sed "s|\"file\":\"opencode.db\"|\"file\":\"$TMP/h/.local/share/opencode/opencode.db#ID\"|" > direct.out
check_test "sessions | agent-events: the records of the whole database" \
	"$(grep -vc '"kind":"session"' piped.out)" = "$(grep -vc '"kind":"session"' direct.out)"

# --- the tokens view --------------------------------------------------------
agent-events export-parent.json export-child.json | agent-stack --view tokens > tokens.out
check_same "tokens view: exact stacks, the subtask under its task call" "$E/tokens.folded" tokens.out
done_testing
