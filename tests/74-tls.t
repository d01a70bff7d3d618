#!/bin/sh
# SPDX-License-Identifier: MIT
# common/snoop/tls.c without the kernel (build/tests/tlsfeed): the HTTP
# exchanges of tests/fixtures/tls/gen.py fed as one connection, whole and
# in pieces, give the exact records; framing edge cases and bytes that are
# no HTTP at all give counts, never a crash or a guess.
. "$(dirname "$0")/lib.sh"
have python3 || skip_all "python3 not installed"
have jq || skip_all "jq not installed"
FEED=$AP_BUILD/tests/tlsfeed
[ -x "$FEED" ] || { echo "Bail out! $FEED is not built"; exit 1; }
plan 11
python3 "$TESTS/fixtures/tls/gen.py" . || { echo "Bail out! gen.py failed"; exit 1; }
ALL="a1.req a1.resp a2.req a2.resp o1.req o1.resp r1.req r1.resp g1.req g1.resp x1.req x1.resp e1.req e1.resp"

$FEED $ALL > whole.ndjson 2> whole.err
check_out "every record, exactly" \
'{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.010Z","id":"tls:1:p1","origin":"human","text":"fix the failing test in src/a.c"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.020Z","id":"msg_01A","parent":"tls:1:p1","prompt":"tls:1:p1","model":"claude-sonnet-4-5-20250929","status":"ok","duration_ms":10,"tokens":{"input":12,"cache_read":20000,"cache_write":3000,"cache_write_1h":0,"output":87,"reasoning":0},"tools":["Bash"]}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.040Z","id":"msg_01B","parent":"tls:1:p1","prompt":"tls:1:p1","model":"claude-sonnet-4-5-20250929","status":"ok","duration_ms":10,"tokens":{"input":40,"cache_read":23000,"cache_write":0,"cache_write_1h":0,"output":15,"reasoning":0}}
{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.050Z","id":"tls:1:p2","origin":"human","text":"list the files"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.060Z","id":"chatcmpl-1","parent":"tls:1:p2","prompt":"tls:1:p2","model":"gpt-4.1-2025-04-14","status":"ok","duration_ms":10,"tokens":{"input":388,"cache_read":512,"cache_write":0,"cache_write_1h":0,"output":30,"reasoning":0},"tools":["shell"]}
{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.070Z","id":"tls:1:p3","origin":"human","text":"add a unit test"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.080Z","id":"resp_1","parent":"tls:1:p3","prompt":"tls:1:p3","model":"gpt-5-codex","status":"ok","duration_ms":10,"tokens":{"input":904,"cache_read":4096,"cache_write":0,"cache_write_1h":0,"output":700,"reasoning":640},"tools":["apply_patch"]}
{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.090Z","id":"tls:1:p4","origin":"human","text":"explain the build"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.100Z","id":"gr-1","parent":"tls:1:p4","prompt":"tls:1:p4","model":"gemini-2.5-pro","status":"ok","duration_ms":10,"tokens":{"input":200,"cache_read":1000,"cache_write":0,"cache_write_1h":0,"output":75,"reasoning":50},"tools":["read_file"]}
{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.130Z","id":"tls:1:p5","origin":"human","text":"again please"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.140Z","id":"tls:1:c1","parent":"tls:1:p5","prompt":"tls:1:p5","model":"claude-opus-4-5","status":"error","duration_ms":10}' \
	cat whole.ndjson
check_out "the counts" "calls 6 prompts 5 other 1 unparsed 0 cut 0 br 0" cat whole.err
strip() { jq -c 'del(.ts, .duration_ms)' "$1"; }
for s in 1 7 4096; do
	$FEED -s $s $ALL > s$s.ndjson 2> /dev/null
	check_test "fed $s bytes at a time: the same records" "$(strip s$s.ndjson | md5sum)" = "$(strip whole.ndjson | md5sum)"
done
check_nogrep "no key, token or cookie in any record" SECRET whole.ndjson
$FEED -n $ALL > notext.ndjson 2> /dev/null
check_nogrep "-n: no text" '"text"' notext.ndjson

# a body in an encoding not read (br), a response read to the connection's
# end, 100 Continue before the answer
printf 'POST /v1/messages HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}' > q.req
printf 'HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc' > br.resp
$FEED q.req br.resp > br.out 2> br.err
check_out "br: the call, no tokens, counted as undecoded" "calls 1 prompts 0 other 0 unparsed 1 cut 0 br 1" cat br.err
printf 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"type":"message","id":"m9","model":"claude-x","usage":{"input_tokens":1,"output_tokens":2}}' > eof.resp
$FEED q.req eof.resp > eof.out 2> /dev/null
check_out "100 Continue, then a body to the end of the connection" "m9 claude-x 1 2" \
	jq -r '[.id, .model, .tokens.input, .tokens.output] | map(tostring) | join(" ")' eof.out
head -c 100000 /dev/urandom > noise
$FEED noise noise > noise.out 2> noise.err
check_test "bytes that are no HTTP: no record, no crash" "$?:$(wc -c < noise.out)" = "0:0"
# a request too large is cut, not kept whole
python3 -c 'import json; b = json.dumps({"model": "m", "messages": [{"role": "user", "content": "x" * (9 << 20)}]}).encode(); open("big.req", "wb").write(b"POST /v1/messages HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(b) + b)'
$FEED big.req a2.resp > big.out 2> big.err
check_out "a request past 8 MiB: cut and counted, its call still written" "calls 1 prompts 0 other 0 unparsed 1 cut 1 br 0" cat big.err
done_testing
