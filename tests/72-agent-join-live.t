#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-join on a real recording: agent-snoop runs two "tool calls" (a
# shell each, as an agent starts them) while the clock is read around
# them; a Claude Code transcript of the same calls, with those times, is
# joined with the recording.  Each call gets its own processes and files,
# nothing of the other's, and the rest stays the snoop's.  Needs root and
# agent-snoop built with the BPF toolchain.
. "$(dirname "$0")/lib.sh"
[ -x "$AP_BUILD/bin/agent-snoop" ] || skip_all "agent-snoop not built (needs clang, bpftool, libbpf-dev, BTF)"
[ "$(id -u)" = 0 ] || skip_all "agent-snoop needs root"
have jq || skip_all "jq not installed"
have python3 || skip_all "python3 not installed"
plan 7
unset SUDO_UID SUDO_GID DOAS_USER PKEXEC_UID

agent-snoop --as-root -o run.ndjson -- sh -c \
	'date +%s%3N > t0; sh -c "touch made.txt"; date +%s%3N > t1; sh -c "cat made.txt"; date +%s%3N > t2' \
	> /dev/null 2> snoop.err
check_test "agent-snoop recorded the run" $? = 0

# the transcript: each call asked for at its start, answered at its end
python3 - "$TMP" "$(cat t0)" "$(cat t1)" "$(cat t2)" > session.jsonl <<'PY'
import json, sys, datetime
cwd, t0, t1, t2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def ts(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
base = {"isSidechain": False, "cwd": cwd, "sessionId": "s-live", "version": "2.1.114"}
def line(**kw):
    r = dict(base); r.update(kw); print(json.dumps(r))
def call(uuid, parent, t, mid, tid, cmd):
    line(parentUuid=parent, type="assistant", uuid=uuid, timestamp=ts(t), requestId="r" + mid,
         message={"id": mid, "model": "claude-sonnet-4-5", "role": "assistant",
                  "content": [{"type": "tool_use", "id": tid, "name": "Bash", "input": {"command": cmd}}],
                  "usage": {"input_tokens": 10, "output_tokens": 5}})
def result(uuid, parent, t, tid):
    line(parentUuid=parent, type="user", uuid=uuid, timestamp=ts(t),
         message={"role": "user", "content": [{"type": "tool_result", "tool_use_id": tid, "content": ""}]})
line(parentUuid=None, type="user", uuid="u1", timestamp=ts(t0 - 1000),
     message={"role": "user", "content": "make the file and show it"})
call("a1", "u1", t0, "m1", "t1", "touch made.txt")
result("r1", "a1", t1, "t1")
call("a2", "r1", t1, "m2", "t2", "cat made.txt")
result("r2", "a2", t2, "t2")
PY

agent-events session.jsonl | agent-join run.ndjson > joined.ndjson 2> join.err
check_test "agent-join: exit 0" $? = 0
q='select(.kind == "effect" and .pid) | [.parent, .effect, if .effect == "exec" then (.argv | join(" ")) else (.path | sub(".*/"; "")) end] | join(" ")'
jq -r "$q" joined.ndjson | sort > calls.txt
check_out "the first call: its shell, touch, and the file touch made" \
"t1 exec sh -c touch made.txt
t1 exec touch made.txt
t1 write made.txt" \
	grep '^t1 ' calls.txt
check_out "the second call: its shell, cat, and the file cat read" \
"t2 exec cat made.txt
t2 exec sh -c cat made.txt
t2 read made.txt" \
	grep '^t2 ' calls.txt
check_test "nothing else is put under a call (the clock readings are no call's)" \
	"$(grep -vc '^t[12] ' calls.txt)" = "$(jq -c 'select(.kind == "effect" and .pid)' run.ndjson | wc -l | awk '{ print $1 - 6 }')"
check_grep "the closing line counts the six" '^agent-join: 6 of [0-9]* live effects joined to 2 tool calls' join.err
agent-stack --view system joined.ndjson > system.folded 2> /dev/null
check_grep "the system view shows the write under its prompt and call" \
	'session:[^;]*;prompt:[^;]*;call:tool/Bash;process:sh;process:touch;effect:write;path:made.txt;status:ok 1$' system.folded
done_testing
