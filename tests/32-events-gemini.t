#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events on Gemini CLI sessions: session-*.json documents and the
# JSONL log, token units, tool status, bad input (the real corpus is in
# 32-events-gemini-corpus.t).
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
F=$TESTS/fixtures/gemini
J=session-2025-10-01T10-00-5e551011.json
L=session-2026-04-29T21-39-7a1c0de5.jsonl
S=chats/5e551011-aaaa-4bbb-8ccc-000000000001/c0ffee00-5ub-a6e7.jsonl
plan 35

# ev FILE...: agent-events run in the fixture directory, so "file" keys
# are the relative names the expected output holds.
ev() { (cd "$F" && agent-events "$@"); }

# --- session-*.json -----------------------------------------------------
ev $J > json.out 2> json.err; st=$?
check_same "session-*.json: exact records" "$F/$J.expected" json.out
# projectHash is sha256 of the project root: a tool path under /src/app
# proves the root, and the session and its tool calls carry it as cwd
check_grep "cwd proven from projectHash and a tool path" '^{"kind":"session".*"cwd":"/src/app"' json.out
sed 's/"projectHash": "[0-9a-f]*"/"projectHash": "0000000000000000000000000000000000000000000000000000000000000000"/' \
	"$F/$J" > nohash.json
agent-events nohash.json > nohash.out 2>/dev/null
check_nogrep "no cwd when no path hashes to projectHash" '"cwd"' nohash.out
check_test "session-*.json: exit 0" "$st" = 0
check_test "session-*.json: nothing on stderr" "$(cat json.err)" = ""
# 12000 input of which 9000 cached; 40 output + 25 thoughts
check_out "cached input separated from input" \
	'{"input":3000,"cache_read":9000,"cache_write":0,"cache_write_1h":0,"output":65,"reasoning":25}' \
	jq -c 'select(.id=="g-1") | .tokens' json.out
# tool tokens are input; thoughts are billed as output
check_out "thoughts in output, tool-use tokens in input" '4005 11000 420 120' \
	jq -r 'select(.id=="g-2") | .tokens | "\(.input) \(.cache_read) \(.output) \(.reasoning)"' json.out
check_out "tool status: success ok, exit 2 / error / cancelled error" \
	"$(printf '%s\n' 'run_shell_command error 2' 'read_file ok -' 'replace error -' 'write_file error -')" \
	jq -r 'select(.kind=="tool") | "\(.tool) \(.status) \(.exit // "-")"' json.out
check_out "tool ts from the call id, duration to its result" '2025-10-01T10:00:04.400Z 3000' \
	jq -r 'select(.tool=="run_shell_command") | "\(.ts) \(.duration_ms)"' json.out
check_out "llm duration counts from the end of the previous tools" '2450' \
	jq -r 'select(.id=="g-2") | .duration_ms' json.out
check_out "slash command, displayContent, info skipped" \
	"$(printf '%s\n' 'human fix the failing test in parser.c' 'command /stats' 'human explain @notes.md')" \
	jq -r 'select(.kind=="prompt") | "\(.origin) \(.text)"' json.out
check_out "a message without id gets <session>:l<N>" '5e551011-aaaa-4bbb-8ccc-000000000001:l3 u-3' \
	jq -r 'select(.model=="gemini-2.5-flash") | "\(.id) \(.parent)"' json.out

# --- the JSONL log --------------------------------------------------------
ev $L > jsonl.out 2> jsonl.err; st=$?
check_same "JSONL with \$set, re-appended message, rewind: exact records" "$F/$L.expected" jsonl.out
check_test "JSONL: a truncated last line is normal (exit 0)" "$st" = 0
check_grep "JSONL: the truncated last line is noted with its line" "$L:13: incomplete last line" jsonl.err
check_out "JSONL: a message appended twice counts once, with its last tokens" '1 1855 10000 100 ok' \
	jq -rs '[.[] | select(.id=="m-g1")] as $l | [.[] | select(.kind=="tool")][0] as $t |
		"\($l | length) \($l[0].tokens.input) \($l[0].tokens.cache_read) \($l[0].tokens.output) \($t.status)"' jsonl.out
check_out "JSONL: rewound calls were made and still count" '3' \
	jq -s '[.[] | select(.kind=="llm")] | length' jsonl.out

ev $S > sub.out 2>&1
check_same "subagent log: parent's session id, own id as subagent" "$F/subagent.expected" sub.out

ev $L $L > twice.out 2>/dev/null
check_out "the same messages read twice count once" '3 2' \
	jq -rs '"\([.[] | select(.kind=="llm")] | length) \([.[] | select(.kind=="session")] | length)"' twice.out

ev --no-text $J > notext.out
check_test "--no-text drops every text" "$(grep -c '"text"' notext.out)" = 0

# --- a subagent log and the parent call that ran it ---------------------------
# The parent's codebase_investigator call runs from 10:00:03 to 10:00:30;
# the log in chats/<parent>/ starts at 10:00:04: that call spawned it, its
# name is the type, and its prompt is the subagent's.  Either order.
mkdir -p gsub/chats/7e57-p
cat > gsub/chats/session-2026-05-01T10-00-7e57.jsonl <<'EOF'
{"sessionId":"7e57-p","projectHash":"abc","startTime":"2026-05-01T10:00:00.000Z","lastUpdated":"2026-05-01T10:01:00.000Z","kind":"main"}
{"id":"p-u1","timestamp":"2026-05-01T10:00:01.000Z","type":"user","content":[{"text":"where is parse_line used?"}]}
{"id":"p-g1","timestamp":"2026-05-01T10:00:03.000Z","type":"gemini","content":"","tokens":{"input":100,"output":5,"cached":0,"thoughts":0,"tool":0,"total":105},"model":"gemini-2.5-pro","toolCalls":[{"id":"codebase_investigator-1777629603000-aa","name":"codebase_investigator","args":{"objective":"find callers"},"status":"success","timestamp":"2026-05-01T10:00:30.000Z"}]}
EOF
cat > gsub/chats/7e57-p/sub-1.jsonl <<'EOF'
{"sessionId":"sub-1","projectHash":"abc","startTime":"2026-05-01T10:00:04.000Z","lastUpdated":"2026-05-01T10:00:29.000Z","kind":"subagent"}
{"id":"s-u1","timestamp":"2026-05-01T10:00:04.000Z","type":"user","content":[{"text":"find callers"}]}
{"id":"s-g1","timestamp":"2026-05-01T10:00:09.000Z","type":"gemini","content":"two","tokens":{"input":50,"output":3,"cached":0,"thoughts":0,"tool":0,"total":53},"model":"gemini-2.5-flash"}
EOF
cat > gsub.expected <<'EOF'
{"kind":"session","agent":"gemini","session":"7e57-p","ts":"2026-05-01T10:00:00.000Z","file":"chats/session-2026-05-01T10-00-7e57.jsonl"}
{"kind":"prompt","agent":"gemini","session":"7e57-p","ts":"2026-05-01T10:00:01.000Z","id":"p-u1","prompt":"p-u1","origin":"human","text":"where is parse_line used?"}
{"kind":"llm","agent":"gemini","session":"7e57-p","ts":"2026-05-01T10:00:03.000Z","id":"p-g1","parent":"p-u1","prompt":"p-u1","model":"gemini-2.5-pro","duration_ms":2000,"tokens":{"input":100,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":5,"reasoning":0},"tools":["codebase_investigator"],"tool_kinds":["delegate"]}
{"kind":"tool","agent":"gemini","session":"7e57-p","ts":"2026-05-01T10:00:03.000Z","id":"codebase_investigator-1777629603000-aa","parent":"p-g1","prompt":"p-u1","tool":"codebase_investigator","tool_kind":"delegate","status":"ok","duration_ms":27000}
{"kind":"session","agent":"gemini","session":"7e57-p","subagent":"sub-1","subagent_type":"codebase_investigator","ts":"2026-05-01T10:00:04.000Z","parent":"codebase_investigator-1777629603000-aa","file":"chats/7e57-p/sub-1.jsonl"}
{"kind":"prompt","agent":"gemini","session":"7e57-p","subagent":"sub-1","subagent_type":"codebase_investigator","ts":"2026-05-01T10:00:04.000Z","id":"s-u1","parent":"codebase_investigator-1777629603000-aa","prompt":"p-u1","origin":"subagent","text":"find callers"}
{"kind":"llm","agent":"gemini","session":"7e57-p","subagent":"sub-1","subagent_type":"codebase_investigator","ts":"2026-05-01T10:00:09.000Z","id":"s-g1","parent":"s-u1","prompt":"p-u1","model":"gemini-2.5-flash","duration_ms":5000,"tokens":{"input":50,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":3,"reasoning":0},"text":"two"}
EOF
(cd gsub && agent-events chats/7e57-p/sub-1.jsonl chats/session-2026-05-01T10-00-7e57.jsonl) > gsub1.out 2>&1
check_same "subagent log: spawning call, its type and the parent's prompt" gsub.expected gsub1.out
(cd gsub && agent-events chats/session-2026-05-01T10-00-7e57.jsonl chats/7e57-p/sub-1.jsonl) > gsub2.out 2>&1
check_same "subagent log: the same whatever the order" gsub.expected gsub2.out
(cd gsub && agent-events chats/7e57-p/sub-1.jsonl) > gsub3.out 2>&1
check_test "subagent log alone: type task, no parent, its task as the prompt" \
	"$(jq -r 'select(.kind == "prompt") | "\(.subagent_type) \(.parent) \(.prompt == .id)"' gsub3.out)" = "task null true"

# --- bad input ------------------------------------------------------------
ev broken.json > broken.out 2> broken.err; st=$?
check_test "broken document: exit 1" "$st" = 1
check_out "broken document: one diagnostic with file:line" \
	'agent-events: broken.json:8: not JSON: expected a string key' cat broken.err
check_test "broken document: no records" "$(wc -c < broken.out)" = 0

ev badline.jsonl > badline.out 2> badline.err; st=$?
check_test "non-JSON line: exit 1" "$st" = 1
check_grep "non-JSON line: reported with file:line" '^agent-events: badline.jsonl:4: not JSON' badline.err
check_out "non-JSON line: the rest still counts" '110 190 15' \
	jq -rs '[.[] | select(.kind=="llm") | .tokens] | "\(map(.input) | add) \(map(.cache_read) | add) \(map(.output) | add)"' badline.out

# \351 alone is Latin-1 for e-acute: not UTF-8
printf '%s\n' '{"sessionId":"u8","projectHash":"00","startTime":"2025-10-01T10:00:00.000Z"}' > utf8.jsonl
printf '{"id":"u-1","timestamp":"2025-10-01T10:00:01.000Z","type":"user","content":"caf\351 ok"}\n' >> utf8.jsonl
agent-events utf8.jsonl > utf8.out 2> utf8.err; st=$?
check_test "invalid UTF-8: exit 1" "$st" = 1
check_grep "invalid UTF-8: reported at its line" 'utf8.jsonl:2: invalid UTF-8' utf8.err
check_out "invalid UTF-8: replaced by U+FFFD" 'caf� ok' jq -r 'select(.kind=="prompt") | .text' utf8.out

printf '{\n  "sessionId": "x",\n  "messages": 3\n}\n' > notsession.json
agent-events notsession.json > ns.out 2> ns.err; st=$?
check_test "JSON but not a session: exit 1" "$st" = 1
check_grep "JSON but not a session: unknown format" 'notsession.json: .*unknown format' ns.err

# Claude Code records carry sessionId too; they are not Gemini's.
printf '%s\n' '{"parentUuid":null,"sessionId":"c1","type":"user","uuid":"a1","timestamp":"2025-10-01T10:00:00.000Z","message":{"role":"user","content":"hi"},"messages":[]}' > claude.jsonl
agent-events claude.jsonl > claude.out 2>/dev/null
check_test "a Claude Code record is not claimed" "$(grep -c '"agent":"gemini"' claude.out)" = 0
done_testing
