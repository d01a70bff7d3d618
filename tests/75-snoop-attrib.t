#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-snoop --tls's live attribution without the kernel
# (build/tests/snoopfeed): the run of tests/fixtures/tls/agent.py as the
# kernel side reports it (processes, files, a connection, the model
# exchanges on TLS) gives every effect its tool call and prompt, exactly
# (tests/fixtures/tls/attrib.fx): three calls open at once kept apart by
# command, path and lineage, a command of the agent's own unresolved, the
# agent's own work and what ran before and after the calls left alone;
# Anthropic streamed, OpenAI Chat streamed, Gemini without call ids,
# OpenAI Responses; the views of agent-stack; bounded state.
. "$(dirname "$0")/lib.sh"
have python3 || skip_all "python3 not installed"
have jq || skip_all "jq not installed"
FEED=$AP_BUILD/tests/snoopfeed
[ -x "$FEED" ] || { echo "Bail out! $FEED is not built"; exit 1; }
plan 12
F=$TESTS/fixtures/tls
python3 "$F/agent.py" gen . /w 4242 && python3 "$F/agent.py" replay /w 4242 > run.script ||
	{ echo "Bail out! agent.py failed"; exit 1; }

"$FEED" run.script > run.ndjson 2> run.err
check_test "snoopfeed: exit 0, nothing on stderr" "$?:$(wc -c < run.err)" = 0:0
fx='select(.kind == "effect") | [.id, .effect, (.path // (.domain + ":" + (.port | tostring))), (.argv // [] | join(" ")), (.parent // "-"), (.prompt // "-"), ((.unresolved // []) | join(",")), (.process | join(","))] | join(" | ")'
jq -r "$fx" run.ndjson > fx.txt
check_same "every effect: its tool call, its prompt, the processes below the agent" "$F/attrib.fx" fx.txt
check_out "a tool record for each call, under its model call and prompt, with its kind" \
'toolu_A msg_T1 tls:100:p1 Bash shell
toolu_B msg_T1 tls:100:p1 Bash shell
toolu_C msg_T1 tls:100:p1 Write write
call_X chatcmpl-X1 tls:100:p2 shell shell
gr-G1#1 gr-G1 tls:100:p3 run_shell_command shell
call_R resp_R1 tls:100:p4 shell shell' \
	jq -r 'select(.kind == "tool") | [.id, .parent, .prompt, .tool, .tool_kind] | join(" ")' run.ndjson
check_out "the model calls name the tools they asked for, and their kinds" \
'msg_T1 Bash,Bash,Write shell,shell,write
msg_T2  
chatcmpl-X1 shell shell
chatcmpl-X2  
gr-G1 run_shell_command shell
gr-G2  
resp_R1 shell shell
resp_R2  ' \
	jq -r 'select(.kind == "llm") | [.id, (.tools // [] | join(",")), (.tool_kinds // [] | join(","))] | join(" ")' run.ndjson
check_nogrep "no key, token or cookie in any record" SECRET run.ndjson
"$FEED" -n run.script > notext.ndjson
check_test "-n: no text, the same attribution" \
	"$(grep -c '"text"' notext.ndjson):$(jq -r "$fx" notext.ndjson | md5sum)" = "0:$(md5sum < fx.txt)"

# agent-stack: prompt and call frames in the system, files and network views
agent-tag < run.ndjson > tagged.ndjson 2> /dev/null
agent-stack --view system tagged.ndjson > system.folded
check_out "system view: each call's processes and effects under prompt:TAG;call:tool/NAME" \
'project:w;agent:snoop;session:edit;prompt:docs;call:tool/Bash;process:sh;process:mkdir;effect:write;path:sub;status:ok 1
project:w;agent:snoop;session:edit;prompt:docs;call:tool/Bash;process:sh;process:python3;effect:net;domain:127.0.0.1:4242;status:ok 1
project:w;agent:snoop;session:edit;prompt:docs;call:tool/Bash;process:sh;process:sh;effect:write;path:late.txt;status:ok 1
project:w;agent:snoop;session:edit;prompt:docs;call:tool/Bash;process:sh;process:sh;effect:write;path:sub/b.txt;status:ok 1
project:w;agent:snoop;session:edit;prompt:docs;call:tool/Bash;process:sh;process:touch;effect:write;path:a.txt;status:ok 1
project:w;agent:snoop;session:edit;prompt:docs;call:tool/Write;process:python3;effect:write;path:c.txt;status:ok 1
project:w;agent:snoop;session:edit;prompt:docs;call:unresolved;process:sh;effect:write;path:stray.txt;status:ok 1
project:w;agent:snoop;session:edit;prompt:edit;call:tool/run_shell_command;process:touch;effect:write;path:g.txt;status:ok 1
project:w;agent:snoop;session:edit;prompt:edit;call:tool/shell;process:bash;effect:write;path:r.txt;status:ok 1
project:w;agent:snoop;session:edit;prompt:edit;call:tool/shell;process:sh;process:cp;effect:write;path:d.txt;status:ok 1' \
	grep 'prompt:[a-z]*;call:.*effect:\(write\|net\);' system.folded
check_grep "... what ran before any call: no prompt, no call" \
	'^project:w;agent:snoop;session:edit;prompt:none;process:python3;process:sh;effect:write;path:start.txt;status:ok 1$' system.folded
agent-stack --view files tagged.ndjson > files.folded
check_grep "files view: under the prompt" '^project:w;agent:snoop;session:edit;prompt:edit;path:d.txt;effect:write;status:ok 1$' files.folded
agent-stack --view network tagged.ndjson > net.folded
check_out "network view: the connection under its prompt" \
	'project:w;agent:snoop;session:edit;prompt:docs;domain:127.0.0.1:4242;process:sh;process:python3;status:ok 1' cat net.folded

# bounded: 80 calls asked and never answered; an agent keeps the last 64
python3 - <<'PY'
import json
def resp(ids):
    b = json.dumps({"type": "message", "id": "m%d" % ids[0], "model": "claude-x",
        "content": [{"type": "tool_use", "id": "tu_%d" % i, "name": "Bash",
                     "input": {"command": "touch /w/f%d" % i}} for i in ids],
        "usage": {"input_tokens": 1, "output_tokens": 1}}).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(b) + b
req = json.dumps({"model": "claude-x", "messages": [{"role": "user", "content": "go"}]}).encode()
req = b"POST /v1/messages HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(req) + req
for n, ids in (("b1", range(1, 41)), ("b2", range(41, 81))):
    open(n + ".req", "wb").write(req)
    open(n + ".resp", "wb").write(resp(list(ids)))
ops = [["proc", 100, 0, "agent", "/w"]]
for n in ("b1", "b2"):
    ops += [["tls", 100, 1, "w", n + ".req"], ["tls", 100, 1, "r", n + ".resp"]]
for pid, i in ((201, 1), (202, 16), (203, 17), (204, 80)):
    ops += [["fork", pid, 100], ["exec", pid, "/bin/sh", ["sh", "-c", "touch /w/f%d" % i]],
            ["exit", pid, 0]]
open("bound.script", "w").write("".join(json.dumps(o) + "\n" for o in ops))
PY
"$FEED" bound.script > bound.ndjson
check_out "past 64 open calls the oldest are forgotten: their commands are unresolved" \
'sh -c touch /w/f1 - 64
sh -c touch /w/f16 - 64
sh -c touch /w/f17 tu_17 0
sh -c touch /w/f80 tu_80 0' \
	jq -r 'select(.effect == "exec") | [(.argv | join(" ")), (.parent // "-"), (.unresolved // [] | length)] | map(tostring) | join(" ")' bound.ndjson

# a server that names the call again in every streamed piece: one call
python3 - <<'PY'
import json
args = json.dumps({"command": "touch /w/z.txt"})
ev = "".join("data: %s\n\n" % json.dumps({"id": "cc-Z", "model": "m", "choices": [{"index": 0,
    "delta": {"tool_calls": [{"index": 0, "id": "call_Z", "type": "function",
    "function": {"name": "bash", "arguments": args[k:k + 9]}}]}}]})
    for k in range(0, len(args), 9)) + "data: [DONE]\n\n"
open("z.resp", "wb").write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
    b"Content-Length: %d\r\n\r\n" % len(ev) + ev.encode())
b = json.dumps({"model": "m", "stream": True, "messages": [{"role": "user", "content": "z"}]}).encode()
open("z.req", "wb").write(b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(b) + b)
ops = [["proc", 100, 0, "agent", "/w"], ["tls", 100, 1, "w", "z.req"], ["tls", 100, 1, "r", "z.resp"],
       ["fork", 101, 100], ["fork", 102, 100],
       ["exec", 101, "/bin/sh", ["sh", "-c", "touch /w/z.txt"]], ["exec", 102, "/bin/true", ["true"]]]
open("z.script", "w").write("".join(json.dumps(o) + "\n" for o in ops))
PY
"$FEED" z.script > z.ndjson
check_out "a call named in every streamed piece is one call; with one open, the agent's children are its" \
'tool call_Z bash -
effect call_Z - sh -c touch /w/z.txt
effect call_Z - true' \
	jq -r 'select(.kind == "tool" or .effect == "exec") | [.kind, (if .kind == "tool" then .id else .parent end), (.tool // "-"), (.argv // ["-"] | join(" "))] | join(" ")' z.ndjson
done_testing
