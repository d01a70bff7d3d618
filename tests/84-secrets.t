#!/bin/sh
# SPDX-License-Identifier: MIT
# The secrets corpus (tests/fixtures/secrets, written by its
# make-fixtures.py): Claude, Codex and Gemini sessions with a distinct
# canary for every kind of secret in every field it can ride in (prompt
# and answer text, argv, file paths, URLs, hosts, tool names, MCP server
# names, cwd), home directories as working directories, and free text
# that --no-text drops.  Every output is searched for every canary its
# class forbids (canaries.tsv: kind, class, field, agent, canary):
#   all    no output at all, records included;
#   label  no shared output: folded, SVG, pprof, JSON, report, samples,
#          the one-shot's profiles and report;
#   text   no shared output and no --no-text record.
. "$(dirname "$0")/lib.sh"
F=$TESTS/fixtures/secrets
[ -f "$F/canaries.tsv" ] || skip_all "no secrets corpus"
plan 52

VIEWS="tasks system tokens cost time files network"
awk -F '\t' '$2 == "all" { print $5 }' "$F/canaries.tsv" > all.pat
awk -F '\t' '$2 != "label" { print $5 }' "$F/canaries.tsv" > notext.pat
cut -f5 "$F/canaries.tsv" > shared.pat

# leaks OUTPUT PATTERNS FILE...: one TAP line for OUTPUT; on a leak it
# names each canary found with its kind, field and agent.
leaks() {
	_o=$1; _p=$2; shift 2
	# host names come out in lower case: compare without case
	cat "$@" | grep -a -o -i -F -f "$_p" | tr 'A-Z' 'a-z' | sort -u > leaked
	if [ -s leaked ]; then
		not_ok "$_o: no canary"
		awk -F '\t' 'NR == FNR { hit[$0] = 1; next } (tolower($5) in hit) {
			printf "# leak in '"$_o"': %s (%s, %s, %s): %s\n", $1, $2, $3, $4, $5 }' \
			leaked "$F/canaries.tsv" | head -40
	else
		ok "$_o: no canary"
	fi
}

# --- the corpus carries what it claims ----------------------------------------------------
cat "$F"/*.jsonl > raw
n=$(wc -l < "$F/canaries.tsv")
found=$(grep -a -o -F -f shared.pat raw | sort -u | wc -l)
check_test "the sessions hold all $n canaries" "$found" = "$n"
check_test "every canary is distinct" "$(cut -f5 "$F/canaries.tsv" | sort -u | wc -l)" = "$n"

# --- records ----------------------------------------------------------------------------------
agent-events "$F"/*.jsonl > ev.ndjson 2> ev.err
check_test "agent-events reads the corpus cleanly" "$?:$(wc -c < ev.err)" = "0:0"
agent-events --no-text "$F"/*.jsonl > evnt.ndjson
leaks "agent-events" all.pat ev.ndjson
leaks "agent-events --no-text" notext.pat evnt.ndjson
# not vacuous: the secrets were there and were replaced, in every field
check_test "records replace at least one secret per canary" \
	"$(grep -o '\[REDACTED\]' ev.ndjson | wc -l)" -ge "$(wc -l < all.pat)"
check_grep "a tool name keeps its redacted form" '"tool":"mcp__\[REDACTED\]__query"' ev.ndjson
check_grep "the scheme of an Authorization header stays" '"Authorization: Bearer \[REDACTED\]"' ev.ndjson
check_grep "curl -u keeps the user" '"-u","admin:\[REDACTED\]"' ev.ndjson
check_grep "--no-text: a commit message is [text], the program and options stay" \
	'"argv":\["git","commit","-m","\[text\]"\]' evnt.ndjson
check_grep "--no-text: a patch body in argv is [text]" '"argv":\["apply_patch","\[text\]"\]' evnt.ndjson
check_nogrep "--no-text: no text key" '"text":' evnt.ndjson
check_test "--no-text keeps every record" "$(wc -l < evnt.ndjson)" = "$(wc -l < ev.ndjson)"

# --- shared outputs -----------------------------------------------------------------------------
agent-tag --stats-json samples.json < ev.ndjson > tagged.ndjson
leaks "agent-tag --stats-json samples" shared.pat samples.json
for v in $VIEWS; do
	agent-stack --view "$v" tagged.ndjson > "$v.folded"
	folded2svg "$v.folded" > "$v.svg"
	folded2pprof -o "$v.pb.gz" "$v.folded"
	gzip -dc "$v.pb.gz" > "$v.pb"
	leaks "$v: folded, SVG and pprof" shared.pat "$v.folded" "$v.svg" "$v.pb"
done
# not vacuous: the labels that carried secrets are there, redacted
check_grep "tool names: redacted labels" 'call:tool/mcp__\[REDACTED\]__query' tasks.folded
check_grep "file names: an AWS key after _ redacted" 'path:out_\[REDACTED\].json' files.folded
check_grep "file names: an e-mail address redacted" 'path:\[REDACTED\];' files.folded
check_grep "hosts: a token as sub-domain redacted" 'domain:\[REDACTED\].ngrok-free.app' network.folded
check_grep "a short private IPv4 (10.1) is private" ';domain:private;' network.folded
check_nogrep "a short private IPv4 (10.1) is no domain" 'domain:10\.1[;:]' network.folded
check_grep "a project named by a secret is redacted" '^project:\[REDACTED\];' tasks.folded
if have go; then
	go tool pprof -raw files.pb.gz > files.raw 2>/dev/null
	leaks "go tool pprof -raw files" shared.pat files.raw
else
	skip "go tool pprof -raw: no go"
fi
for v in tasks files network; do
	agent-stack --view "$v" --format json tagged.ndjson > "$v.json"
done
leaks "agent-stack --format json" shared.pat tasks.json files.json network.json
agent-stack --format report --report-by session tagged.ndjson > report.txt
leaks "agent-stack --format report" shared.pat report.txt
agent-stack --view cost --format top --by call tagged.ndjson > top.txt
leaks "agent-stack --format top" shared.pat top.txt

# --- home directories ----------------------------------------------------------------------------
for a in claude codex; do
	check_grep "$a: a home directory is project:home" "^project:home;agent:$a;" tasks.folded
done
check_test "a session record per session file" \
	"$(grep -c '^{"kind":"session"' ev.ndjson)" = "$(ls "$F"/*.jsonl | wc -l)"
check_test "json summary: the home sessions' project is home" \
	"$(jq '[.sessions[] | select(.project == "home")] | length' tasks.json)" = 5

# --- the one-shot ----------------------------------------------------------------------------------
set --
for f in "$F"/*.jsonl; do set -- "$@" --session-file "$f"; done
agentpprof -o out "$@" > oneshot.txt 2> oneshot.err
check_test "agentpprof runs over the corpus" "$?" = 0
check_test "agentpprof wrote every view" "$(ls out/*.svg out/*.pb.gz out/*.folded | wc -l)" = 21
for f in out/*.pb.gz; do gzip -dc "$f" > "${f%.gz}"; done
leaks "agentpprof: every file of its output" all.pat out/* oneshot.txt oneshot.err
leaks "agentpprof: profiles, folded, reports, summary" shared.pat out/*.svg out/*.pb out/*.folded \
	out/report.txt oneshot.txt
leaks "agentpprof: the records it kept" all.pat out/events.ndjson
grep -v '^#' out/tasks.folded > tasks.oneshot   # less agent-stack --header's lines
check_same "agentpprof: the same tasks profile as by hand, minus tags" tasks.folded tasks.oneshot

# --- labels unit: one label per kind ------------------------------------------------------------
label() { printf '{"kind":"effect","agent":"codex","session":"s","id":"t#1","effect":"read","path":"%s"}\n' "$1" |
	agent-stack --view files | sed 's/.*;path://; s/;effect.*//'; }
check_out "label: Stripe key" "[REDACTED].txt" label "sk_live_51AbCdEfGhIjKlMnOpQrSt.txt"
check_out "label: e-mail in a file name" "mail [REDACTED]" label "mail jane.doe@example.org"
check_out "label: 32 hex digits" "[REDACTED]" label "0123456789abcdef0123456789abcdef"
check_out "label: a word of prose stays" "getUserById2FactorAuthToken.ts" label "getUserById2FactorAuthToken.ts"
check_out "label: a model-like name stays" "claude-3-5-sonnet-20241022" label "claude-3-5-sonnet-20241022"
check_out "label: a package version stays" "lodash@4.17.21" label "lodash@4.17.21"

# --- records: exact redaction, and what stays ---------------------------------------------------
rec() {
	jq -cn --arg t "$1" '{type: "user", sessionId: "s", uuid: "u1", timestamp: "2026-03-01T10:00:00Z",
		cwd: "/srv/app", message: {role: "user", content: $t}}' > one.jsonl
	agent-events one.jsonl | jq -r 'select(.kind == "prompt") | .text'
}
check_out "text: URL, curl -u, header, option, assignment" \
	'https://[REDACTED]@h.example.com curl -u bob:[REDACTED] -H "Authorization: Bearer [REDACTED]" --password [REDACTED] A_TOKEN=[REDACTED]' \
	rec 'https://bob:pw1x@h.example.com curl -u bob:pw2x -H "Authorization: Bearer abc123def456" --password pw3x A_TOKEN=pw4x'
check_out "text: PEM body, mysql -p, aws secret, JSON key" \
	'-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY----- mysql -uroot -p[REDACTED] aws_secret_access_key [REDACTED] {"client_secret": "[REDACTED]"}' \
	rec '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBg-----END PRIVATE KEY----- mysql -uroot -pS3cr3t aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY {"client_secret": "abcd1234"}'
check_out "text: prose, references, names of files, counts stay" \
	'the password: please choose one; max_tokens=4096 TOKEN=$GITHUB_TOKEN SECRET_FILE=/run/s --password-file /etc/pw sort -u f ssh://git@host/x a basic example' \
	rec 'the password: please choose one; max_tokens=4096 TOKEN=$GITHUB_TOKEN SECRET_FILE=/run/s --password-file /etc/pw sort -u f ssh://git@host/x a basic example'
check_out "text: e-mail addresses and hashes stay in records" \
	'jane@example.org 8dc87ebce0a26972ab9586c906844168ada16285' \
	rec 'jane@example.org 8dc87ebce0a26972ab9586c906844168ada16285'
done_testing
