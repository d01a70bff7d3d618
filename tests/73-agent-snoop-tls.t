#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-snoop --tls: model calls read off the plaintext of real TLS
# connections.  A local HTTPS server (tests/fixtures/tls/server.py, a
# self-signed certificate) answers each API's real response shapes
# (gen.py: streamed and not, chunked, gzip and deflate); clients that use
# the system's libssl (curl: SSL_write/SSL_read; python3: the _ex calls)
# and Node.js (OpenSSL inside its own program) send the requests with API
# keys, bearer tokens and cookies, none of which may reach any output.
# Then the same over HTTP/2 (tests/fixtures/tls/server-h2.js, Node.js'
# http2 server): curl --http2 (system libssl, libnghttp2) with seven calls
# on one connection, one of them answered with br (curl --compressed), and
# Node.js' http2 client with two calls at once on one session; br over
# HTTP/1.1 too.  Needs root and agent-snoop built with the BPF toolchain.
. "$(dirname "$0")/lib.sh"
[ -x "$AP_BUILD/bin/agent-snoop" ] || skip_all "agent-snoop not built (needs clang, bpftool, libbpf-dev, BTF)"
[ "$(id -u)" = 0 ] || skip_all "agent-snoop needs root"
for c in jq python3 openssl curl; do have $c || skip_all "$c not installed"; done
plan 30
unset SUDO_UID SUDO_GID DOAS_USER PKEXEC_UID
F=$TESTS/fixtures/tls
python3 "$F/gen.py" . || { echo "Bail out! gen.py failed"; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=127.0.0.1 > /dev/null 2>&1
python3 "$F/server.py" port cert.pem key.pem a1 a2 o1 r1 g1 x1 e1 > server.log 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0; while [ ! -s port ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
P=$(cat port)
U=https://127.0.0.1:$P
for x in a1 a2 o1 r1 g1 x1 e1; do
	python3 -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], "rb").read().split(b"\r\n\r\n", 1)[1])' $x.req > $x.body
done
key='x-api-key: sk-ant-api03-SECRETKEY0123456789abcdefghijklmnop'
bearer='Authorization: Bearer sk-proj-SECRETKEY0123456789abcdefghij'
cat > client.sh <<SH
# curl: one connection, two calls (keep-alive), the second a tool's result
curl -s --http1.1 -k -H '$key' -H 'Cookie: session=SECRETCOOKIE42' -H 'content-type: application/json' \
	--data-binary @a1.body '$U/v1/messages?beta=true' -o /dev/null --next \
	-s --http1.1 -k -H '$key' --compressed -H 'content-type: application/json' \
	--data-binary @a2.body '$U/v1/messages?beta=true' -o /dev/null
# python3: SSL_write_ex and SSL_read_ex, five calls on one connection
python3 - <<'PY'
import http.client, ssl
c = http.client.HTTPSConnection("127.0.0.1", $P, context=ssl._create_unverified_context())
for name, path in [("o1", "/v1/chat/completions"), ("r1", "/v1/responses"),
                   ("g1", "/v1beta/models/gemini-2.5-pro:streamGenerateContent"),
                   ("x1", "/api/event_logging/batch"), ("e1", "/v1/messages")]:
    c.request("POST", path, open(name + ".body", "rb").read(),
              {"Authorization": "Bearer sk-proj-SECRETKEY0123456789abcdefghij",
               "Content-Type": "application/json", "Accept-Encoding": "gzip, deflate"})
    c.getresponse().read()
PY
SH
agent-snoop --as-root --tls -o run.ndjson -- sh client.sh > client.out 2> snoop.err
check_test "agent-snoop --tls: exit 0" $? = 0

q='select(.kind == "llm") | [.id, .model, .status, (if .tokens then .tokens | [.input, .cache_read, .cache_write, .output, .reasoning] | map(tostring) | join("/") else "-" end), ((.tools // []) | join(","))] | join(" ")'
jq -r "$q" run.ndjson > calls.txt
check_out "each call: id, model, status, tokens in our units, tools asked for" \
"msg_01A claude-sonnet-4-5-20250929 ok 12/20000/3000/87/0 Bash
msg_01B claude-sonnet-4-5-20250929 ok 40/23000/0/15/0 
chatcmpl-1 gpt-4.1-2025-04-14 ok 388/512/0/30/0 shell
resp_1 gpt-5-codex ok 904/4096/0/700/640 apply_patch
gr-1 gemini-2.5-pro ok 200/1000/0/75/50 read_file
$(jq -r 'select(.kind == "llm" and .status == "error") | .id' run.ndjson) claude-opus-4-5 error - " \
	cat calls.txt
check_out "the prompts a person typed, not the tool's result" \
"fix the failing test in src/a.c
list the files
add a unit test
explain the build
again please" \
	jq -r 'select(.kind == "prompt") | .text' run.ndjson
check_test "each call is under the prompt before it" \
	"$(jq -r 'select(.kind == "llm") | .prompt' run.ndjson | uniq | wc -l)" = 5
check_grep "the summary counts the calls, the prompts and the exchange that was no model call" \
	'"tls":{"calls":6,"prompts":5,"other":1,"unparsed":0,"cut":0,"undecoded":0,"h2":{"connections":0,"streams":0,"reset":0,"bad":0},"not_visible":\[\]}' run.ndjson
check_test "a call's duration: from its request's first byte to its response's last" \
	"$(jq -r 'select(.kind == "llm") | .duration_ms >= 0 and .duration_ms < 60000' run.ndjson | sort -u)" = true
check_nogrep "no API key, bearer token or cookie in the records" 'SECRET' run.ndjson
check_nogrep "... nor on standard error" 'SECRET' snoop.err

# --no-text: calls and prompts, no text
agent-snoop --as-root --tls --no-text -o notext.ndjson -- sh client.sh > /dev/null 2>&1
check_test "--no-text: the same calls" "$(jq -r "$q" notext.ndjson | sed 's/^tls:[^ ]* /X /')" = "$(sed 's/^tls:[^ ]* /X /' calls.txt)"
check_nogrep "--no-text: no prompt text" '"text"' notext.ndjson

# Node.js carries OpenSSL in its own program: probed there
if have node; then
	cat > client.js <<JS
const https = require("https"), fs = require("fs");
const body = fs.readFileSync("a1.body");
setTimeout(() => {
  const r = https.request({host: "127.0.0.1", port: $P, path: "/v1/messages", method: "POST",
    rejectUnauthorized: false, headers: {"x-api-key": "sk-ant-api03-SECRETKEY0123456789abcdefghijklmnop",
    "content-type": "application/json", "content-length": body.length}}, res => { res.resume(); });
  r.end(body);
}, 300);
JS
	agent-snoop --as-root --tls -o node.ndjson -- node client.js > /dev/null 2> node.err
	check_out "node: the call read off its own OpenSSL" \
		"msg_01A claude-sonnet-4-5-20250929 ok 12/20000/3000/87/0 Bash" jq -r "$q" node.ndjson
	check_nogrep "node: no key in the records" 'SECRET' node.ndjson
else
	skip "node not installed"; skip "node not installed"
fi

# curl reconnecting: a second server closes each connection in place of
# answering its second request, and curl sends that request again on a new
# connection (whose TLS object may take the old one's address): four
# calls, three of them sent twice; each is read once, in order, and each
# request never answered is counted with why, on stderr and in tls.cut
CLOSE=2 python3 "$F/server.py" portc cert.pem key.pem a1 a2 > serverc.log 2>&1 &
srvc=$!
trap 'kill $srv $srvc 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0; while [ ! -s portc ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
UC=https://127.0.0.1:$(cat portc)/v1/messages
cat > reconnect.sh <<SH
curl -s --http1.1 -k -H '$key' --data-binary @a1.body $UC -o /dev/null --next \
	-s --http1.1 -k -H '$key' --data-binary @a2.body $UC -o /dev/null --next \
	-s --http1.1 -k -H '$key' --data-binary @a1.body $UC -o /dev/null --next \
	-s --http1.1 -k -H '$key' --data-binary @a2.body $UC -o /dev/null
SH
agent-snoop --as-root --tls -o reconnect.ndjson -- sh reconnect.sh > /dev/null 2> reconnect.err
check_test "reconnect: curl's four calls all answered" $? = 0
check_out "reconnect: every call read once, in order" \
"msg_01A claude-sonnet-4-5-20250929 ok 12/20000/3000/87/0 Bash
msg_01B claude-sonnet-4-5-20250929 ok 40/23000/0/15/0 
msg_01A claude-sonnet-4-5-20250929 ok 12/20000/3000/87/0 Bash
msg_01B claude-sonnet-4-5-20250929 ok 40/23000/0/15/0 " jq -r "$q" reconnect.ndjson
check_grep "reconnect: the three requests never answered in tls.cut" \
	'"tls":{"calls":4,"prompts":1,"other":0,"unparsed":0,"cut":3,' reconnect.ndjson
check_grep "reconnect: ... and on stderr, with why" \
	'^agent-snoop: --tls: 3 HTTP/1.1 messages not read to the end (in the summary.s tls.cut); the last: pid [0-9]*: 1 model request never answered (the connection ended first)$' reconnect.err
kill $srvc 2>/dev/null
trap 'kill $srv 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM

# a program whose TLS is its own and stripped of symbols (Go's crypto/tls
# here; Bun's BoringSSL and rustls alike): named, never silently missed
if have go && python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 443))' 2> /dev/null; then
	PORT=443 python3 "$F/server.py" port443 cert.pem key.pem a1 > server443.log 2>&1 &
	srv443=$!
	trap 'kill $srv $srv443 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
	mkdir goclient && cat > goclient/main.go <<'GO'
package main

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
	"os"
)

func main() {
	body, _ := os.ReadFile("a1.body")
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	r, err := c.Post("https://127.0.0.1:443/v1/messages", "application/json", bytes.NewReader(body))
	if err == nil {
		io.Copy(io.Discard, r.Body)
	}
}
GO
	(cd goclient && GOFLAGS=-mod=mod GO111MODULE=off go build -ldflags=-s -o ../goclient.bin .) > go.log 2>&1
	i=0; while [ ! -s port443 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	agent-snoop --as-root --tls -o go.ndjson -- ./goclient.bin > /dev/null 2>&1
	check_grep "a program with TLS of its own: named as not visible" \
		'"tls":{"calls":0,.*"not_visible":\["goclient.bin"\]}' go.ndjson
else
	skip "go not installed, or port 443 taken"
fi

# --- HTTP/2 ----------------------------------------------------------------------
if have node && curl -V | grep -q HTTP2; then
	node "$F/server-h2.js" port2 cert.pem key.pem a1 a2 o1 r1 g1 x1 e1 > server2.log 2>&1 &
	srv2=$!
	trap 'kill $srv $srv2 ${srv443:-} 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
	i=0; while [ ! -s port2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	U2=https://127.0.0.1:$(cat port2)
	# one connection, seven streams one after another; the API key and the
	# bearer token go into curl's HPACK table and are sent as indexes after
	{
		printf 'curl -s --http2 -k -H %s -H %s -H %s --data-binary @a1.body %s -o /dev/null' \
			"'$key'" "'Cookie: session=SECRETCOOKIE42'" "'content-type: application/json'" "'$U2/v1/messages?beta=true'"
		printf ' --next -s --http2 -k -H %s --compressed --data-binary @a2.body %s -o /dev/null' "'$key'" "'$U2/v1/messages?beta=true'"
		printf ' --next -s --http2 -k -H %s --data-binary @o1.body %s -o /dev/null' "'$bearer'" "'$U2/v1/chat/completions'"
		printf ' --next -s --http2 -k -H %s --data-binary @r1.body %s -o /dev/null' "'$bearer'" "'$U2/v1/responses'"
		printf ' --next -s --http2 -k -H %s --data-binary @g1.body %s -o /dev/null' "'$key'" "'$U2/v1beta/models/gemini-2.5-pro:streamGenerateContent'"
		printf ' --next -s --http2 -k -H %s --data-binary @x1.body %s -o /dev/null' "'$key'" "'$U2/api/event_logging/batch'"
		printf ' --next -s --http2 -k -H %s --data-binary @e1.body %s -o /dev/null\n' "'$key'" "'$U2/v1/messages'"
	} > h2curl.sh
	agent-snoop --as-root --tls -o h2curl.ndjson -- sh h2curl.sh > /dev/null 2> h2curl.err
	check_test "HTTP/2, curl: exit 0" $? = 0
	check_test "HTTP/2, curl: every call as over HTTP/1.1, exactly" \
		"$(jq -r "$q" h2curl.ndjson | sed 's/^tls:[^ ]* /X /')" = "$(sed 's/^tls:[^ ]* /X /' calls.txt)"
	check_test "HTTP/2, curl: the same prompts" "$(jq -r 'select(.kind == "prompt") | .text' h2curl.ndjson)" = \
		"$(jq -r 'select(.kind == "prompt") | .text' run.ndjson)"
	check_grep "HTTP/2, curl: one connection, seven streams, in the summary" \
		'"tls":{"calls":6,"prompts":5,"other":1,"unparsed":0,"cut":0,"undecoded":0,"h2":{"connections":1,"streams":7,"reset":0,"bad":0},"not_visible":\[\]}' h2curl.ndjson
	check_test "HTTP/2, curl: they went as HTTP/2, a2 in br" \
		"$(head -7 server2.log | tr '\n' ' ')" = "a1 2.0 identity a2 2.0 br o1 2.0 deflate r1 2.0 identity g1 2.0 identity x1 2.0 identity e1 2.0 identity "
	# br over HTTP/1.1, from the same server
	agent-snoop --as-root --tls -o br1.ndjson -- curl -s --http1.1 -k -H "$key" --compressed \
		--data-binary @a2.body "$U2/v1/messages" -o /dev/null > /dev/null 2>&1
	check_out "br over HTTP/1.1 (curl --compressed): the call, decoded" \
		"msg_01B claude-sonnet-4-5-20250929 ok 40/23000/0/15/0 " jq -r "$q" br1.ndjson
	check_test "  sent as br over HTTP/1.1" "$(tail -1 server2.log)" = "a2 1.1 br"
	# Node.js' own http2 client: two streams at once on one session
	cat > h2node.js <<JS
const http2 = require("http2"), fs = require("fs");
const s = http2.connect("$U2", {rejectUnauthorized: false});
let left = 2;
function call(path, file) {
  const r = s.request({":method": "POST", ":path": path, "content-type": "application/json",
    "x-api-key": "sk-ant-api03-SECRETKEY0123456789abcdefghijklmnop", "cookie": "session=SECRETCOOKIE42"});
  r.on("data", () => {});
  r.on("end", () => { if (--left === 0) s.close(); });
  r.end(fs.readFileSync(file));
}
setTimeout(() => {
  call("/v1/messages", "a1.body");
  call("/v1beta/models/gemini-2.5-pro:streamGenerateContent", "g1.body");
}, 300);
JS
	agent-snoop --as-root --tls -o h2node.ndjson -- node h2node.js > /dev/null 2> h2node.err
	check_out "HTTP/2, node: two calls at once on one session, exactly" \
"gr-1 gemini-2.5-pro ok 200/1000/0/75/50 read_file
msg_01A claude-sonnet-4-5-20250929 ok 12/20000/3000/87/0 Bash" sh -c "jq -r '$q' h2node.ndjson | sort"
	check_out "HTTP/2, node: each under its own prompt" \
"explain the build gr-1
fix the failing test in src/a.c msg_01A" sh -c "jq -r -s '(map(select(.kind == \"prompt\")) | map({(.id): .text}) | add) as \$p | .[] | select(.kind == \"llm\") | \$p[.prompt] + \" \" + .id' h2node.ndjson | sort"
	check_grep "HTTP/2, node: one connection, two streams" '"h2":{"connections":1,"streams":2,"reset":0,"bad":0}' h2node.ndjson
	check_nogrep "HTTP/2: no API key, bearer token or cookie in any record or message (HPACK-indexed ones included)" \
		'SECRET' h2curl.ndjson h2curl.err br1.ndjson h2node.ndjson h2node.err
else
	for i in 1 2 3 4 5 6 7 8 9 10 11; do skip "node or curl with HTTP/2 not installed"; done
fi

# without --tls nothing of it is loaded, and no call is read
agent-snoop --as-root -o plain.ndjson -- sh client.sh > /dev/null 2>&1
check_test "without --tls: no model call, no tls summary" \
	"$(grep -c '"kind":"llm"\|"tls":' plain.ndjson)" = 0
# the unit of it all, without the kernel: the same exchanges fed byte by byte
"$AP_BUILD/tests/tlsfeed" -s 1 a1.req a1.resp a2.req a2.resp o1.req o1.resp r1.req r1.resp \
	g1.req g1.resp x1.req x1.resp e1.req e1.resp > fed.ndjson 2> fed.err
check_test "fed byte by byte: the same calls" "$(jq -r "$q" fed.ndjson | sed 's/^tls:[^ ]* /X /')" = "$(sed 's/^tls:[^ ]* /X /' calls.txt)"
done_testing
