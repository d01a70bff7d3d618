#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-snoop --tls on a live agent: tests/fixtures/tls/agent.py, a
# scripted agent in python3 (system libssl), talks to a local HTTPS server
# (server.py, a self-signed certificate) that answers with tool calls
# (Anthropic streamed: two Bash commands that run at once and a Write;
# OpenAI Chat streamed: a shell argv); it runs them (files, a child that
# writes, a connection to a local port), a command of its own meanwhile,
# and sends the results back.  Every effect is under the right tool call
# and prompt, exactly; neither concurrent call gets the other's; the
# agent's own command says unresolved; no key, token or cookie anywhere.
# Needs root and agent-snoop built with the BPF toolchain.
. "$(dirname "$0")/lib.sh"
[ -x "$AP_BUILD/bin/agent-snoop" ] || skip_all "agent-snoop not built (needs clang, bpftool, libbpf-dev, BTF)"
[ "$(id -u)" = 0 ] || skip_all "agent-snoop needs root"
for c in jq python3 openssl; do have $c || skip_all "$c not installed"; done
plan 11
unset SUDO_UID SUDO_GID DOAS_USER PKEXEC_UID
F=$TESTS/fixtures/tls
W=$TMP/w
mkdir "$W"
# a local port to connect to: accepts and closes
python3 -c '
import socket, os
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open("sink.tmp", "w").write(str(s.getsockname()[1])); os.rename("sink.tmp", "sink")
while True: s.accept()[0].close()' &
sink=$!
trap 'kill $sink $srv 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0; while [ ! -s sink ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
S=$(cat sink)
python3 "$F/agent.py" gen . "$W" "$S" || { echo "Bail out! agent.py gen failed"; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=127.0.0.1 > /dev/null 2>&1
python3 "$F/server.py" port cert.pem key.pem a1 a2 o1 o2 > server.log 2>&1 &
srv=$!
i=0; while [ ! -s port ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done

agent-snoop --as-root --tls -o run.ndjson -- python3 "$F/agent.py" run . "$(cat port)" "$W" \
	> agent.out 2> snoop.err
check_test "agent-snoop --tls: the agent ran to its end, exit 0" "$?:$(ls "$W" | paste -sd ' ')" = \
	"0:a.txt agent.log c.txt d.txt start.txt stray.txt sub"

# prompt ids carry the agent's pid: tls:PID:pN -> pN
norm='def p: if . then sub("^tls:[0-9]+:"; "") else "-" end;'
check_out "the tool records: each call under its model call and prompt" \
'toolu_A msg_T1 p1 Bash shell
toolu_B msg_T1 p1 Bash shell
toolu_C msg_T1 p1 Write write
call_X chatcmpl-X1 p2 shell shell' \
	jq -r "$norm"'select(.kind == "tool") | [.id, .parent, (.prompt | p), .tool, .tool_kind] | join(" ")' run.ndjson
# every write in the work directory and the connection to the port
check_out "each file written and the connection: under the call that made it, or none" \
"$W toolu_B p1 -
$W/a.txt toolu_A p1 -
$W/agent.log - - -
$W/c.txt toolu_C p1 -
$W/d.txt call_X p2 -
$W/start.txt - - -
$W/stray.txt - p1 toolu_A,toolu_B,toolu_C
$W/sub toolu_B p1 -
$W/sub/b.txt toolu_B p1 -
127.0.0.1:$S toolu_A p1 -" \
	sh -c "jq -r '$norm"'select(.kind == "effect" and ((.effect == "write" and (.path | startswith("'"$W"'"))) or (.effect == "net" and .port == '"$S"'))) | [(.path // (.domain + ":" + (.port | tostring))), (if .parent and (.parent | test("^(toolu|call)_")) then .parent else "-" end), (.prompt | p), ((.unresolved // []) | join(",") | if . == "" then "-" else . end)] | join(" ")'"' run.ndjson | sort -u"
# every program the calls ran: each under its own call, none under the other's
check_out "each command the calls ran: its call (A and B at once, kept apart)" \
"cp $W/a.txt $W/d.txt call_X p2
mkdir -p $W/sub toolu_B p1
python3 -c import socket; socket.create_connection((\"127.0.0.1\", $S)).close() toolu_A p1
sh -c cp $W/a.txt $W/d.txt call_X p2
sh -c echo b > $W/sub/b.txt toolu_B p1
sh -c echo start > $W/start.txt - -
sh -c echo stray > $W/stray.txt - p1
sh -c mkdir -p $W/sub && sleep 0.3 && sh -c 'echo b > $W/sub/b.txt' toolu_B p1
sh -c touch $W/a.txt && sleep 0.3 && python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $S)).close()' toolu_A p1
sleep 0.3 toolu_A p1
sleep 0.3 toolu_B p1
touch $W/a.txt toolu_A p1" \
	sh -c "jq -r '$norm"'select(.kind == "effect" and .effect == "exec" and (.argv | join(" ") | test("/w/|sleep 0.3|socket"))) | [(.argv | join(" ")), (if .parent and (.parent | test("^(toolu|call)_")) then .parent else "-" end), (.prompt | p)] | join(" ")'"' run.ndjson | sort -u"
# mkdir -p tries the work directory itself first (it is there: an error)
check_test "A's and B's shells ran at the same time" "$(python3 -c '
import json, sys, datetime
sh = {}
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("effect") == "exec" and r["argv"][0] == "sh" and "sleep" in " ".join(r["argv"]):
        t = datetime.datetime.strptime(r["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() * 1000
        sh[r["parent"]] = (t, t + r["duration_ms"])
a, b = sh["toolu_A"], sh["toolu_B"]
print("yes" if a[0] < b[1] and b[0] < a[1] else "no")' run.ndjson)" = yes
check_test "the agent's own program is under no call" \
	"$(jq -r 'select(.kind == "effect" and (.process | length) == 1 and .process[0] == "python3" and .parent and (.parent | test("^(toolu|call)_")) and .path != "'"$W"'/c.txt") | .id' run.ndjson | wc -l)" = 0
agent-tag < run.ndjson > tagged.ndjson 2> /dev/null
agent-stack --view system tagged.ndjson > system.folded 2> /dev/null
check_grep "agent-stack: prompt:TAG;call:tool/Bash above A's processes" \
	'prompt:[a-z]*;call:tool/Bash;process:sh;process:touch;effect:write;path:w/a.txt;status:ok 1$' system.folded
check_grep "... call:unresolved above the agent's own command" \
	'prompt:[a-z]*;call:unresolved;process:sh;effect:write;path:w/stray.txt;status:ok 1$' system.folded
check_grep "the summary counts four model calls and two prompts" '"tls":{"calls":4,"prompts":2,' run.ndjson
check_nogrep "no API key, bearer token or cookie in the records" SECRET run.ndjson
check_nogrep "... nor on standard error" SECRET snoop.err
done_testing
