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
plan 18

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
# the ledger found by message id: in any order, the first unused event for
# each message of that id, one event per message; the rest calls of their own
cat > led.json <<'EOF2'
{"id":"T-led","created":1765000000000,"messages":[
{"role":"user","messageId":1,"content":"go","meta":{"sentAt":1765000001000}},
{"role":"assistant","messageId":5,"content":[{"type":"text","text":"a"}],"usage":{"model":"m1","inputTokens":1,"outputTokens":1,"cacheCreationInputTokens":10,"cacheReadInputTokens":20}},
{"role":"assistant","messageId":3,"content":[{"type":"text","text":"b"}],"usage":{"model":"m1","inputTokens":2,"outputTokens":2,"cacheCreationInputTokens":30,"cacheReadInputTokens":40}},
{"role":"assistant","messageId":5,"content":[{"type":"text","text":"c"}],"usage":{"model":"m1","inputTokens":3,"outputTokens":3,"cacheCreationInputTokens":50,"cacheReadInputTokens":60}},
{"role":"assistant","messageId":7,"content":[{"type":"text","text":"d"}],"usage":{"model":"m1","inputTokens":4,"outputTokens":4,"cacheCreationInputTokens":70,"cacheReadInputTokens":80}},
{"role":"assistant","messageId":5,"content":[{"type":"text","text":"e"}],"usage":{"model":"m1","inputTokens":5,"outputTokens":5}}
],"usageLedger":{"events":[
{"id":"ev-a","model":"m2","tokens":{"input":100,"output":101},"toMessageId":5},
{"id":"ev-b","model":"m2","tokens":{"input":200,"output":201},"toMessageId":3},
7,
{"id":"ev-c","model":"m2","tokens":{"input":300,"output":301},"toMessageId":5},
{"id":"ev-d","model":"m2","tokens":{"input":400,"output":401},"toMessageId":9},
{"id":"ev-e","model":"m2","tokens":{"input":500,"output":501}},
{"model":"m2","tokens":{"input":600,"output":601},"toMessageId":-2}
]}}
EOF2
check_out "amp: ledger events matched to messages by id, in order, once each" \
	"$(printf '%s\n' ':5 m1 100 10 101' ':3 m1 200 30 201' ':5 m1 300 50 301' ':7 m1 4 70 4' \
	':5 m1 5 0 5' ':ledger:ev-d m2 400 0 401' ':ledger:ev-e m2 500 0 501' ':ledger:5 m2 600 0 601')" \
	sh -c 'agent-events led.json | jq -r "select(.kind==\"llm\") | \"\(.id | sub(\"^T-[^:]*\"; \"\")) \(.model) \(.tokens.input) \(.tokens.cache_write) \(.tokens.output)\""'
done_testing
