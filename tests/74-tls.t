#!/bin/sh
# SPDX-License-Identifier: MIT
# common/snoop/tls.c without the kernel (build/tests/tlsfeed): the HTTP
# exchanges of tests/fixtures/tls/gen.py fed as one connection, whole and
# in pieces, give the exact records; framing edge cases and bytes that are
# no HTTP at all give counts, never a crash or a guess.  The same exchanges
# over HTTP/2 (tests/fixtures/tls/h2.py: frames by hand, header blocks by
# libnghttp2's HPACK deflater, build/tests/h2enc) give the same records;
# streams interleaved, reset, refused, cut or garbled give counts and a
# reason, never a crash.
. "$(dirname "$0")/lib.sh"
have python3 || skip_all "python3 not installed"
have jq || skip_all "jq not installed"
FEED=$AP_BUILD/tests/tlsfeed
[ -x "$FEED" ] || { echo "Bail out! $FEED is not built"; exit 1; }
plan 44
python3 "$TESTS/fixtures/tls/gen.py" . || { echo "Bail out! gen.py failed"; exit 1; }
ALL="a1.req a1.resp a2.req a2.resp o1.req o1.resp r1.req r1.resp g1.req g1.resp x1.req x1.resp e1.req e1.resp"

$FEED $ALL > whole.ndjson 2> whole.err
check_out "every record, exactly" \
'{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.010Z","id":"tls:1:p1","origin":"human","text":"fix the failing test in src/a.c"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.020Z","id":"msg_01A","parent":"tls:1:p1","prompt":"tls:1:p1","model":"claude-sonnet-4-5-20250929","status":"ok","duration_ms":10,"tokens":{"input":12,"cache_read":20000,"cache_write":3000,"cache_write_1h":0,"output":87,"reasoning":0},"tools":["Bash"],"tool_kinds":["shell"]}
{"kind":"tool","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.020Z","id":"toolu_01X","parent":"msg_01A","prompt":"tls:1:p1","tool":"Bash","tool_kind":"shell"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.040Z","id":"msg_01B","parent":"tls:1:p1","prompt":"tls:1:p1","model":"claude-sonnet-4-5-20250929","status":"ok","duration_ms":10,"tokens":{"input":40,"cache_read":23000,"cache_write":0,"cache_write_1h":0,"output":15,"reasoning":0}}
{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.050Z","id":"tls:1:p2","origin":"human","text":"list the files"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.060Z","id":"chatcmpl-1","parent":"tls:1:p2","prompt":"tls:1:p2","model":"gpt-4.1-2025-04-14","status":"ok","duration_ms":10,"tokens":{"input":388,"cache_read":512,"cache_write":0,"cache_write_1h":0,"output":30,"reasoning":0},"tools":["shell"],"tool_kinds":["shell"]}
{"kind":"tool","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.060Z","id":"call_1","parent":"chatcmpl-1","prompt":"tls:1:p2","tool":"shell","tool_kind":"shell"}
{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.070Z","id":"tls:1:p3","origin":"human","text":"add a unit test"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.080Z","id":"resp_1","parent":"tls:1:p3","prompt":"tls:1:p3","model":"gpt-5-codex","status":"ok","duration_ms":10,"tokens":{"input":904,"cache_read":4096,"cache_write":0,"cache_write_1h":0,"output":700,"reasoning":640},"tools":["apply_patch"],"tool_kinds":["patch"]}
{"kind":"tool","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.080Z","id":"call_9","parent":"resp_1","prompt":"tls:1:p3","tool":"apply_patch","tool_kind":"patch"}
{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.090Z","id":"tls:1:p4","origin":"human","text":"explain the build"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.100Z","id":"gr-1","parent":"tls:1:p4","prompt":"tls:1:p4","model":"gemini-2.5-pro","status":"ok","duration_ms":10,"tokens":{"input":200,"cache_read":1000,"cache_write":0,"cache_write_1h":0,"output":75,"reasoning":50},"tools":["read_file"],"tool_kinds":["read"]}
{"kind":"tool","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.100Z","id":"gr-1#1","parent":"gr-1","prompt":"tls:1:p4","tool":"read_file","tool_kind":"read"}
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

# a body in an encoding not read (zstd), a response read to the connection's
# end, 100 Continue before the answer
printf 'POST /v1/messages HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}' > q.req
printf 'HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\nContent-Length: 3\r\n\r\nabc' > zstd.resp
$FEED q.req zstd.resp > zstd.out 2> zstd.err
check_out "zstd: the call, no tokens, counted as undecoded" "calls 1 prompts 0 other 0 unparsed 1 cut 0 br 1" cat zstd.err
printf 'HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc' > badbr.resp
$FEED q.req badbr.resp > badbr.out 2> badbr.err
check_out "br that does not decode: the call, no tokens, unparsed" "calls 1 prompts 0 other 0 unparsed 1 cut 0 br 0" cat badbr.err
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

# --- HTTP/2 --------------------------------------------------------------------
H2ENC=$AP_BUILD/tests/h2enc
python3 "$TESTS/fixtures/tls/h2.py" . "$H2ENC" || { echo "Bail out! h2.py failed"; exit 1; }
$FEED $(cat seq.files) > seq.ndjson 2> seq.err
check_test "HTTP/2: the seven exchanges on one connection (CONTINUATION, padding, PING, PRIORITY between) give HTTP/1.1's records" \
	"$(strip seq.ndjson | md5sum)" = "$(strip whole.ndjson | md5sum)"
check_out "HTTP/2: the same counts, and the connection's" "calls 6 prompts 5 other 1 unparsed 0 cut 0 br 0
h2 1 streams 7 reset 0 bad 0" cat seq.err
for s in 1 7 4096; do
	$FEED -s $s $(cat seq.files) > seq$s.ndjson 2> /dev/null
	check_test "HTTP/2 fed $s bytes at a time: the same records" "$(strip seq$s.ndjson | md5sum)" = "$(strip whole.ndjson | md5sum)"
done
$FEED -n $(cat seq.files) > seqn.ndjson 2> /dev/null
check_test "HTTP/2 -n: the same records without text" "$(jq -c 'del(.ts, .duration_ms, .text)' seqn.ndjson | md5sum)" = \
	"$(jq -c 'del(.ts, .duration_ms, .text)' whole.ndjson | md5sum)"
check_nogrep "HTTP/2 -n: no text" '"text"' seqn.ndjson

$FEED $(cat mux.files) > mux.ndjson 2> mux.err
check_out "HTTP/2: Anthropic's SSE and Gemini's streamGenerateContent interleaved on two streams" \
'{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.030Z","id":"tls:1:p1","origin":"human","text":"explain the build"}
{"kind":"prompt","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.030Z","id":"tls:1:p2","origin":"human","text":"fix the failing test in src/a.c"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.040Z","id":"gr-1","parent":"tls:1:p1","prompt":"tls:1:p1","model":"gemini-2.5-pro","status":"ok","duration_ms":10,"tokens":{"input":200,"cache_read":1000,"cache_write":0,"cache_write_1h":0,"output":75,"reasoning":50},"tools":["read_file"],"tool_kinds":["read"]}
{"kind":"tool","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.040Z","id":"gr-1#1","parent":"gr-1","prompt":"tls:1:p1","tool":"read_file","tool_kind":"read"}
{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.040Z","id":"msg_01A","parent":"tls:1:p2","prompt":"tls:1:p2","model":"claude-sonnet-4-5-20250929","status":"ok","duration_ms":10,"tokens":{"input":12,"cache_read":20000,"cache_write":3000,"cache_write_1h":0,"output":87,"reasoning":0},"tools":["Bash"],"tool_kinds":["shell"]}
{"kind":"tool","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.040Z","id":"toolu_01X","parent":"msg_01A","prompt":"tls:1:p2","tool":"Bash","tool_kind":"shell"}' \
	cat mux.ndjson
check_out "HTTP/2 interleaved: the counts" "calls 2 prompts 2 other 0 unparsed 0 cut 0 br 0
h2 1 streams 2 reset 0 bad 0" cat mux.err
for s in 1 7; do
	$FEED -s $s $(cat mux.files) > mux$s.ndjson 2> /dev/null
	check_test "HTTP/2 interleaved, fed $s bytes at a time: the same records" "$(strip mux$s.ndjson | md5sum)" = "$(strip mux.ndjson | md5sum)"
done

# br, streamed through libbrotli: over HTTP/2 and over HTTP/1.1
a2='{"kind":"llm","agent":"snoop","session":"t","ts":"2026-01-05T10:00:00.040Z","id":"msg_01B","model":"claude-sonnet-4-5-20250929","status":"ok","duration_ms":10,"tokens":{"input":40,"cache_read":23000,"cache_write":0,"cache_write_1h":0,"output":15,"reasoning":0}}'
$FEED $(cat br.files) > br.out 2> br.err
check_out "br over HTTP/2: the call, exactly" "$a2" cat br.out
check_out "br over HTTP/2: decoded, none undecoded" "calls 1 prompts 0 other 0 unparsed 0 cut 0 br 0
h2 1 streams 1 reset 0 bad 0" cat br.err
$FEED a2.req br1.resp > br1.out 2> br1.err
check_out "br over HTTP/1.1: the call, exactly" "$(printf '%s\n' "$a2" | sed 's/00.040Z/00.020Z/')" cat br1.out
$FEED -s 1 a2.req br1.resp > br1s.out 2> /dev/null
check_test "br fed byte by byte: the same call" "$(strip br1s.out)" = "$(strip br1.out)"
# a br body that decodes past 8 MiB: decoded to 8 MiB, no further, counted
head -c 9437184 /dev/zero | tr '\0' x | "$H2ENC" br > bomb.br
{ printf 'HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: %d\r\n\r\n' "$(wc -c < bomb.br)"; cat bomb.br; } > bomb.resp
$FEED q.req bomb.resp > bomb.out 2> bomb.err
check_out "br decoding past 8 MiB: cut and counted, the call unparsed" "calls 1 prompts 0 other 0 unparsed 1 cut 1 br 0" cat bomb.err

# a stream the client resets mid-answer: the call, from what came, as an error
$FEED $(cat reset.files) > reset.out 2> reset.err
check_out "HTTP/2 reset: the call cancelled after message_start, status error" \
	"msg_01A error 12/20000/3000/1" jq -r 'select(.kind == "llm") | [.id, .status, ([.tokens.input, .tokens.cache_read, .tokens.cache_write, .tokens.output] | map(tostring) | join("/"))] | join(" ")' reset.out
check_out "HTTP/2 reset: counted" "h2 1 streams 1 reset 1 bad 0" sed -n 2p reset.err
# the server refuses the later stream (GOAWAY): one call, one counted
$FEED $(cat goaway.files) > goaway.out 2> goaway.err
check_out "HTTP/2 GOAWAY: the stream it took is a call, the other counted" "msg_01B ok
h2 1 streams 2 reset 1 bad 0" sh -c 'jq -r "select(.kind == \"llm\") | .id + \" \" + .status" goaway.out; sed -n 2p goaway.err'
# broken connections: each counted, with what broke and where, no header value
$FEED $(cat cut.files) > cut.out 2> cut.err
check_out "HTTP/2 cut inside a DATA frame: the call as an error, counted, and why" \
"tls:1:c1 error
calls 1 prompts 0 other 0 unparsed 1 cut 0 br 0
h2 1 streams 1 reset 1 bad 1: pid 1: the HTTP/2 connection ended inside a frame" \
	sh -c 'jq -r "select(.kind == \"llm\") | .id + \" \" + .status" cut.out; cat cut.err'
$FEED $(cat garbled.files) > garbled.out 2> garbled.err; st=$?
check_out "HTTP/2 header block that is no HPACK: counted, and why" \
"0 calls 0 prompts 1 other 0 unparsed 0 cut 0 br 0
h2 1 streams 1 reset 1 bad 1: pid 1: HTTP/2 received frame 3 (HEADERS, stream 1, 3 bytes): its HPACK header block does not decode (Header compression/decompression error)" \
	sh -c "echo $st \$(head -1 garbled.err); sed -n 2p garbled.err"
$FEED $(cat noise.files) > noise2.out 2> noise2.err; st=$?
check_test "HTTP/2 preface then noise: no record, no crash, counted" "$st:$(wc -c < noise2.out):$(sed -n 's/^h2 1 streams 0 reset 0 bad \(1\):.*/\1/p' noise2.err)" = "0:0:1"
$FEED -- $(cat seq.files | cut -d" " -f1-2) -gap $(cat seq.files | cut -d" " -f3-) > gap.out 2> gap.err
check_out "HTTP/2 with bytes not captured: no guess past them, counted, and why" \
	"0 h2 1 streams 0 reset 0 bad 1: pid 1: 4096 bytes written were not captured (the part of a TLS call past 128 KiB): the HTTP/2 connection cannot be read past them" \
	sh -c 'echo "$(wc -c < gap.out) $(sed -n 2p gap.err)"'
# a new connection where one ended, at the same TLS object's address (its
# memory used again): read afresh from its preface, HTTP/2 after HTTP/2
# (seq ends with what the client wrote: an empty answer keeps the turns)
: > empty
$FEED $(cat seq.files) empty $(cat mux.files) > again.out 2> again.err
check_out "a new HTTP/2 connection at an old one's address: both read" "calls 8 prompts 7 other 1 unparsed 0 cut 0 br 0
h2 2 streams 9 reset 0 bad 0" cat again.err
$FEED a1.req a1.resp $(cat mux.files) > again1.out 2> again1.err
check_out "  and after HTTP/1.1" "msg_01A gr-1 msg_01A" sh -c 'jq -r "select(.kind == \"llm\") | .id" again1.out | paste -sd" "'
$FEED $(cat many.files) > many.out 2> many.err
check_out "HTTP/2: 130 streams open at once, 128 followed, the rest counted" "h2 1 streams 130 reset 130 bad 0" sed -n 2p many.err
check_nogrep "HTTP/2: no key, token or cookie in any record or message (the later ones HPACK-indexed)" SECRET \
	seq.ndjson seq1.ndjson mux.ndjson seq.err mux.err br.out reset.out reset.err garbled.out garbled.err cut.err
# HTTP/1.1 connections ended mid-message, and a new one at the same TLS
# object's address (curl's "connection died, retrying a fresh connect"):
# the old message is counted with why, the new one read from its start.
# An empty file is a direction with nothing on it.
head -c 400 a1.req > a1.half.req
head -c 700 a1.resp > a1.half.resp
: > none
rr() { $FEED "$@" > rr.out 2> rr.err; jq -r '[.kind, .id, .status // "-", .prompt // empty] | join(" ")' rr.out; cat rr.err; }
check_out "a request cut by its connection's end, sent again on a new one at the same address: read once" \
"prompt tls:1:p1 -
llm msg_01A ok tls:1:p1
tool toolu_01X - tls:1:p1
llm msg_01B ok tls:1:p1
calls 2 prompts 1 other 0 unparsed 0 cut 1 br 0
h1 cut 1: pid 1: a request left unfinished after 129 bytes of its body, a new one begun in its place (its connection ended, or bytes were not captured)" \
	rr a1.half.req none a1.req a1.resp a2.req a2.resp
check_out "a request never answered, another on a new connection: its answer under its own request's prompt" \
"prompt tls:1:p1 -
llm msg_01A ok tls:1:p1
tool toolu_01X - tls:1:p1
calls 1 prompts 1 other 0 unparsed 0 cut 1 br 0
h1 cut 1: pid 1: 1 model request never answered (the connection ended first)" \
	rr a2.req none a1.req a1.resp
check_out "a response cut by its connection's end: its call an error, the next connection's read" \
"prompt tls:1:p1 -
llm msg_01A error tls:1:p1
llm msg_01B ok tls:1:p1
calls 2 prompts 1 other 0 unparsed 0 cut 1 br 0
h1 cut 1: pid 1: a response left unfinished after 491 bytes of its body, a new one begun in its place (its connection ended, or bytes were not captured)" \
	rr a1.req a1.half.resp a2.req a2.resp
check_out "a response and a request cut when their process ends: counted, with why" \
"prompt tls:1:p1 -
llm msg_01A error tls:1:p1
calls 1 prompts 1 other 0 unparsed 0 cut 2 br 0
h1 cut 2: pid 1: a request left unfinished after 129 bytes of its body, when its process ended" \
	rr -- a1.req a1.half.resp -exit a1.half.req
$FEED -s 4096 a1.half.req none a1.req a1.resp a2.req a2.resp > reuse.out 2> reuse.err
check_test "the same, fed 4096 bytes at a time" "$(jq -r .id reuse.out | tr '\n' ' ')$(head -1 reuse.err)" = \
	"tls:1:p1 msg_01A toolu_01X msg_01B calls 2 prompts 1 other 0 unparsed 0 cut 1 br 0"
done_testing
