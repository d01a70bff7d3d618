#!/bin/sh
# SPDX-License-Identifier: MIT
# Gemini CLI's session-*.json read a piece at a time (gemini.c doc_pieces:
# the top-level members, then each message alone, checked all first),
# byte for byte against the document parsed whole
# (AGENTPPROF_TEST_WHOLEDOC), records, messages and status: pretty-printed
# and one message a line, keys after the messages, CRLF and tabs, a
# document cut short at every offset, invalid UTF-8 in a message, a key
# and a value, messages that are not objects, repeated and escaped keys,
# trailing commas and text, nesting at the parser's limit, a document of
# megabytes (mapped, its pages given back as it goes; one on a page's
# end, read whole), standard input; and a document rewritten shorter
# between the two passes over its messages (AGENTPPROF_TEST_DOCCUT): the
# records read are kept and the rest is said to be missing.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
F=$TESTS/fixtures/gemini/session-2025-10-01T10-00-5e551011.json
plan 28

# same DESC FILE [ARGS]: both readings write the same, --no-text too
# (not with ONE set)
same() {
	_d=$1; _f=$2; shift 2
	_bad=
	for _t in "" ${ONE:---no-text}; do
		agent-events $_t "$@" "$_f" > a.out 2> a.err < "${STDIN:-/dev/null}"; _ra=$?
		AGENTPPROF_TEST_WHOLEDOC=1 agent-events $_t "$@" "$_f" > b.out 2> b.err < "${STDIN:-/dev/null}"; _rb=$?
		if ! cmp -s a.out b.out || ! cmp -s a.err b.err || [ "$_ra" != "$_rb" ]; then
			_bad="$_bad $_t"
			diff a.out b.out | head -6 | sed 's/^/# /'
			diff a.err b.err | head -6 | sed 's/^/# /'
		fi
	done
	if [ -z "$_bad" ] && [ -s a.out -o -s a.err ]; then ok "$_d"; else not_ok "$_d"; diag "differs:$_bad"; fi
}

cp "$F" pretty.json
same "pretty-printed" pretty.json
# one message a line, as gem51.json: {"sessionId":...,"messages":[ / {..} / ,{..} / ]}
{ jq -c 'del(.messages)' pretty.json | sed 's/}$/,"messages":[/'
  jq -c '.messages[]' pretty.json | sed '2,$s/^/,/'
  echo ']}'; } > lines.json
same "one message a line" lines.json
jq -S . pretty.json > sorted.json
same "keys after the messages" sorted.json
sed 's/^  /\t/; s/$/\r/' pretty.json > crlf.json
same "CRLF and tabs" crlf.json
head -c -1 pretty.json > nonl.json
same "no newline at the end" nonl.json

# cut short at every 29th and 17th byte, of both layouts
n=$(wc -c < pretty.json) k=3 bad=
while [ $k -lt "$n" ]; do
	head -c $k pretty.json > cut.json
	(ONE=1 same "cut" cut.json) > cut.tap
	grep -q '^ok' cut.tap || bad="$bad $k"
	k=$((k + 29))
done
check_test "pretty-printed, cut short at every 29th byte" "$bad" = ""
n=$(wc -c < lines.json) k=30 bad=
while [ $k -lt "$n" ]; do
	head -c $k lines.json > cut.json
	(ONE=1 same "cut" cut.json) > cut.tap
	grep -q '^ok' cut.tap || bad="$bad $k"
	k=$((k + 17))
done
check_test "one message a line, cut short at every 17th byte" "$bad" = ""

# invalid UTF-8: in a message's text, a top-level value, a key
sed 's/fix the failing test/fix the \xff\xfe failing test/' pretty.json > u1.json
same "invalid UTF-8 in a message" u1.json
sed 's/"lastUpdated": "2025/"lastUpdated": "\xc3(2025/; s/"subject": "Planning"/"subj\xe2\x82ect": "Planning"/' pretty.json > u2.json
same "invalid UTF-8 in a top-level value and a message's key" u2.json
sed '0,/"messages": \[/s//"messages": [\n    1, "x\xff", [], null, true, {"type": 7}, -2.5e3 ,/' pretty.json > notobj.json
same "messages that are not objects, scalars with blanks before commas" notobj.json

# repeated keys: the last counts, whole or not
sed 's/^}$/, "messages": []}/' pretty.json > dupmsg.json
same "\"messages\" twice" dupmsg.json
sed 's/^}$/, "sessionId": "later-id", "projectHash": "x"}/' pretty.json > dupsid.json
same "sessionId after the messages, again" dupsid.json
sed 's/"messages"/"messag\\u0065s"/; s/"sessionId"/"session\\u0049d"/' pretty.json > esc.json
same "escaped keys" esc.json

# a trailing comma and text, empty and missing arrays
awk '{ l[NR] = $0 } END { for (i = 1; i <= NR; i++) { if (i == NR - 2) l[i] = l[i] ","; print l[i] } }' pretty.json > comma.json
same "a trailing comma in the messages" comma.json
{ cat pretty.json; echo x; } > after.json
same "text after the document" after.json
printf '{\n  "sessionId": "e1",\n  "messages": [ ]\n}\n' > empty.json
same "no messages" empty.json
printf '{\n  "sessionId": "e2",\n  "messages": {}\n}\n' > noarr.json
same "messages not an array" noarr.json

# nesting: 512 levels in all are the most (a message is 2 deep)
for d in 509 510 511; do
	{ printf '{\n"sessionId":"deep","messages":[{"type":"user","content":"q","x":'
	  i=1; while [ $i -lt "$d" ]; do printf '['; i=$((i + 1)); done
	  i=1; while [ $i -lt "$d" ]; do printf ']'; i=$((i + 1)); done
	  printf '}]}\n'; } > deep$d.json
done
same "511 levels" deep509.json
same "512 levels" deep510.json
same "513 levels: too deep" deep511.json

# megabytes: mapped, given back a MiB at a time; cut at its end; on a
# page's end (read whole); from standard input
awk 'BEGIN {
	printf "{\n  \"sessionId\": \"big\",\n  \"projectHash\": \"c0167fc91cc666ffa066a8e6f954029ddf79ae00d2714a2202cc374ed5e4c31c\",\n  \"messages\": [\n"
	for (i = 0; i < 6000; i++) {
		printf "%s{\"id\":\"u%d\",\"timestamp\":\"2025-10-01T10:%02d:%02d.000Z\",\"type\":\"user\",\"content\":\"question %d %0300d\"}\n", i ? "," : "", i, (i / 60) % 60, i % 60, i, i
		printf ",{\"id\":\"g%d\",\"timestamp\":\"2025-10-01T10:%02d:%02d.500Z\",\"type\":\"gemini\",\"content\":\"answer\",\"tokens\":{\"input\":10,\"output\":%d},\"toolCalls\":[{\"id\":\"read_file-%d\",\"name\":\"read_file\",\"args\":{\"absolute_path\":\"/src/app/f%d.c\"},\"status\":\"success\"}]}\n", i, (i / 60) % 60, i % 60, i, i, i
	}
	printf "]}\n" }' > big.json
same "a document of $(($(wc -c < big.json) >> 20)) MiB" big.json
head -c -20 big.json > bigcut.json
same "the same cut short" bigcut.json
sz=$(wc -c < big.json)
{ head -c -3 big.json; printf '%*s]}\n' $((4096 - sz % 4096)) ''; } > page.json
check_test "that document padded to a page's end" $(($(wc -c < page.json) % 4096)) = 0
same "  read whole" page.json
STDIN=pretty.json same "standard input" -
# the second pass finds fewer messages than the first checked (the file
# rewritten in place between them): what it read is written, the rest
# named as missing
agent-events "$F" > full.out 2>/dev/null
check_exit "a document that changed between the passes" 1 env AGENTPPROF_TEST_DOCCUT=1 agent-events "$F"
check_test "  the records of the message read" "$(cat out)" = "$(head -n 2 full.out)"
check_test "  says so" "$(cat err)" = "agent-events: $F: the file changed while it was being read: 1 of its 7 messages read"
done_testing
