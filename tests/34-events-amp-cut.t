#!/bin/sh
# SPDX-License-Identifier: MIT
# Amp threads read a message at a time (amp.c run_cut): the same records
# and diagnostics as the whole-document parse, on a thread mapped from its
# file, read from a pipe, ending on a page's end, and on every text the
# cut declines (escaped or repeated top-level keys, odd separators, deep
# nesting), which goes to the whole parse.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
F=$TESTS/fixtures
A2=T-0a1b2c3d-0000-4000-8000-00000000a002.json
plan 17

# over 1 MiB (past the first read): mapped; a padding member changes no record
mkdir cut whole page
jq -c '. + {pad: ("x" * 2000000)}' "$F/amp/$A2" > cut/$A2
# an escaped top-level key: the cut declines, the whole parse reads it
sed 's/}$/,"\\u0078":0}/' cut/$A2 > whole/$A2
# ending on a page's end: not mapped (the byte after the text is read)
s=$(jq -c '. + {pad: ""}' "$F/amp/$A2" | wc -c)
jq -c --argjson n $(( (s + 2000000) / 4096 * 4096 + 4096 - s )) '. + {pad: ("x" * $n)}' \
	"$F/amp/$A2" > page/$A2
check_test "the page-end thread is a multiple of 4096 bytes" "$(( $(wc -c < page/$A2) % 4096 ))" = 0
for d in cut whole page; do
	(cd $d && agent-events $A2) > $d.out 2> $d.err
	check_same "amp, $d: the fixture's exact records" "$F/amp/$A2.expected" $d.out
	check_test "amp, $d: nothing on stderr" "$(cat $d.err)" = ""
done
agent-events - < cut/$A2 2> pipe.err | jq -c 'del(.file)' > pipe.out
jq -c 'del(.file)' "$F/amp/$A2.expected" > pipe.expected
check_same "amp from standard input: the same records" pipe.expected pipe.out

# the last of two messages members counts, spelt plainly or escaped
printf '{"id":"T-two","messages":[{"role":"user","content":"a"}],"messages":[{"role":"user","content":"b"}]}' > two.json
printf '{"id":"T-esc","m\\u0065ssages":[{"role":"user","content":"a"}],"messages":[{"role":"user","content":"b"}]}' > esc.json
check_out "amp: two messages members, the last read" "b b" \
	sh -c 'agent-events two.json esc.json | jq -r "select(.kind==\"prompt\") | .text" | paste -sd" " -'
# messages that are no objects, brackets and quotes inside strings, blanks
printf '{"id":"T-num","messages":[1 , {"role":"user","content":"a"} ,"s",[], {"role":"assistant","content":[{"type":"text","text":"x"}]}]}' > num.json
agent-events num.json > num.out 2> num.err; st=$?
check_test "amp: messages not objects, a warning counted (exit 1)" "$st:$(wc -l < num.out)" = "1:3"
check_same "amp: the warning and its count" /dev/stdin num.err <<'EOF2'
agent-events: num.json: a message that is not a JSON object; skipped
agent-events: num.json: 2 more like line 0: a message that is not a JSON object; skipped
EOF2
printf '{"id":"T-str","messages":[{"role":"user","content":"a]}\\"{["}]}' > str.json
check_out "amp: brackets and a quote inside a string" 'a]}"{[' \
	sh -c 'agent-events str.json | jq -r "select(.kind==\"prompt\") | .text"'
printf '{"id":"T-emp","messages":[ ]}  \n' > emp.json
check_out "amp: no messages, the session only" session \
	sh -c 'agent-events emp.json | jq -r .kind'

# not JSON: the whole parse's one diagnostic, no records
nest() {
	printf '{"id":"T-deep","messages":[{"role":"user","content":"hi","x":'
	i=0; while [ $i -lt $1 ]; do printf '['; i=$((i + 1)); done
	i=0; while [ $i -lt $1 ]; do printf ']'; i=$((i + 1)); done
	printf '}]}'
}
nest 509 > deep509.json
nest 510 > deep510.json
check_out "amp: nested 512 deep in all, read" "session prompt" \
	sh -c 'agent-events deep509.json | jq -r .kind | paste -sd" " -'
printf '{"id":"T-tc","messages":[{"role":"user","content":"a"},]}' > tc.json
printf '{"id":"T-sep","messages":[{"role":"user","content":"a"} {"role":"user","content":"b"}]}' > sep.json
printf '{"id":"T-aft","messages":[{"role":"user","content":"a"}]} x' > aft.json
printf '{"id":"T-lit","messages":[{"role":"user","content":"a","k":tru}]}' > lit.json
for f in deep510 tc sep aft lit; do
	agent-events $f.json >> bad.out 2>> bad.err
done
check_test "amp: no records from a thread that is not JSON" "$(wc -c < bad.out)" = 0
check_same "amp: each says why, as the whole parse does" /dev/stdin bad.err <<'EOF2'
agent-events: deep510.json: not JSON: nested deeper than 512 levels (a thread being rewritten?)
agent-events: tc.json: not JSON: unexpected character (a thread being rewritten?)
agent-events: sep.json: not JSON: expected , or ] (a thread being rewritten?)
agent-events: aft.json: not JSON: text after the JSON value (a thread being rewritten?)
agent-events: lit.json: not JSON: invalid literal (a thread being rewritten?)
EOF2
printf '{"id":"T-na","messages":{"role":"user"}}' > na.json
agent-events na.json > na.out 2> na.err; st=$?
check_test "amp: messages not an array (exit 1)" "$st:$(cat na.err)" = \
	"1:agent-events: na.json: a JSON document but not an Amp thread (no messages)"
done_testing
