#!/bin/sh
# SPDX-License-Identifier: MIT
# The review of issue 13's fixes: each case an attacker or an unlucky user
# found after them, with its exact expected behaviour.  Every run is bounded
# by timeout: a status of 124 or more is a hang or a crash.
. "$(dirname "$0")/lib.sh"


## --help and --version into a full disk: a write error, status 2
for p in agent-events agent-tag agent-stack agent-sessions folded2svg folded2pprof agent-snoop; do
	for o in --help --version; do
		timeout 60 $p $o > /dev/full 2> err
		check_test "$p $o > /dev/full: exit 2" "$?" = 2
		check_out "  says so" "$p: write error: No space left on device" cat err
	done
done
for o in --help --version; do
	timeout 60 agentpprof $o > /dev/full 2> err
	check_test "agentpprof $o > /dev/full: exit 2" "$?" = 2
	check_out "  says so" "agentpprof: write error" cat err
done
# a reader that goes away early is no error
agent-stack --help | head -1 > out
check_out "agent-stack --help | head -1: the usage line" \
	"usage: agent-stack [-v view] [-w kinds] [--prices file] [--idle-cap span]" cat out


## a directory as an input: one message, status 1, the other inputs still read
printf '{"type":"user","sessionId":"s1","uuid":"u1","timestamp":"2026-03-01T10:00:00Z","cwd":"/srv/app","message":{"role":"user","content":"hi"}}\n' > one.jsonl
mkdir -p adir
check_exit "agent-events on a directory and a session" 1 agent-events adir one.jsonl
check_out "  the directory's read error only" "agent-events: adir: read error: Is a directory" cat err
check_test "  the session's records are written" "$(grep -c '"session":"s1"' out)" = 2
for p in agent-tag agent-stack folded2svg folded2pprof; do
	check_exit "$p on a directory" 1 $p adir
	check_grep "  says it is a directory" "^$p: adir: read error: Is a directory\$" err
done


## a password attached to -p: sshpass -pPASS and docker login -pPASS
# argv CMD: the argv of a Bash call running CMD, as agent-events writes it
# (its second line with --no-text)
argv() {
	jq -cn --arg c "$1" '{type: "assistant", sessionId: "s", uuid: "a1",
		timestamp: "2026-03-01T10:00:00Z", cwd: "/srv/app", message: {id: "m",
		model: "claude-sonnet-4-5", role: "assistant", content: [{type: "tool_use",
		id: "t1", name: "Bash", input: {command: $c}}], usage: {input_tokens: 1,
		output_tokens: 1}}}' > b.jsonl
	agent-events b.jsonl | jq -c 'select(.argv) | .argv'
	agent-events --no-text b.jsonl | jq -c 'select(.argv) | .argv'
}
check_out "sshpass -pPASS" '["sshpass","-p[REDACTED]","ssh","x"]
["sshpass","-p[REDACTED]","ssh","x"]' argv 'sshpass -phunter2 ssh x'
check_out "sshpass -p PASS" '["sshpass","-p","[REDACTED]","ssh","x"]
["sshpass","-p","[REDACTED]","ssh","x"]' argv 'sshpass -p hunter2 ssh x'
check_out "docker login -pPASS" '["docker","login","-u","me","-p[REDACTED]","reg.io"]
["docker","login","-u","me","-p[REDACTED]","reg.io"]' argv 'docker login -u me -phunter2 reg.io'
check_out "sshpass -f FILE keeps the file name" '["sshpass","-f","pwfile","ssh","x"]
["sshpass","-f","pwfile","ssh","x"]' argv 'sshpass -f pwfile ssh x'
check_out "another program's -pVALUE stays" '["ssh","-p2222","h"]
["ssh","-p2222","h"]' argv 'ssh -p2222 h'


## ~user paths are that user's home, and name no user in the files view
# fgroup CWD PATH: the path frame agent-stack --view files gives PATH
fgroup() {
	printf '{"kind":"session","agent":"claude","session":"s","cwd":"%s"}\n{"kind":"effect","agent":"claude","session":"s","id":"t#1","effect":"read","path":"%s"}\n' "$1" "$2" |
		agent-stack --view files | sed 's/.*;path://; s/;effect.*//'
}
check_out "~bob/x from /srv/app" "external/home" fgroup /srv/app '~bob/x'
check_out "~bob alone" "external/home" fgroup /srv/app '~bob'
check_out "~bob/.claude/x" "external/claude" fgroup /srv/app '~bob/.claude/x'
check_out "~alice/proj/src/a.c from alice's project" "src/a.c" fgroup /home/alice/proj '~alice/proj/src/a.c'
check_out "~bob/x from alice's project" "external/home" fgroup /home/alice/proj '~bob/x'
check_out "an Office lock file ~\$doc.docx is a file of the project" '~$doc.docx' fgroup /srv/app '~$doc.docx'
argv 'cat ~bob/.bashrc > ~dave/out' > /dev/null
agent-events b.jsonl | jq -r 'select(.kind == "effect" and .path) | .path' > out
check_out "shell words ~bob/... are home paths without the name" "/home/~/.bashrc
/home/~/out" cat out


## folded2pprof: a profile's strings are UTF-8 whatever the folded bytes
printf 'a\377b;c\355\240\200 2\na\377b;d 1\n' > bad8.folded
check_exit "folded2pprof on frames that are not UTF-8" 0 folded2pprof -o bad8.pb.gz bad8.folded
# the string table: top-level field 6 of the profile
strings_of() {
	python3 - "$1" <<'PY'
import gzip, sys
d = gzip.open(sys.argv[1]).read()
def varint(i):
    r = s = 0
    while True:
        b = d[i]; i += 1; r |= (b & 0x7f) << s; s += 7
        if b < 0x80:
            return r, i
i = 0
while i < len(d):
    k, i = varint(i)
    if k & 7 == 0:
        _, i = varint(i)
    else:
        l, i = varint(i)
        if k >> 3 == 6:
            print(d[i:i + l].decode('utf-8', 'backslashreplace'))
        i += l
PY
}
strings_of bad8.pb.gz > out
check_out "  every string is UTF-8, the bad bytes U+FFFD, one frame a\\377b" "
events
count
agentpprof
a$(printf '\357\277\275')b
c$(printf '\357\277\275\357\277\275\357\277\275')
d" cat out


## agentpprof -o: a directory others may write in, or another user's, is refused
mkdir -p shared-out && chmod 1777 shared-out
ln -s "$TMP/victim" shared-out/report.txt
echo keep > victim
check_exit "agentpprof -o into a world-writable directory" 2 agentpprof -o shared-out --session-file one.jsonl
check_out "  says why" "agentpprof: shared-out: others may write in it; not writing in it (name another, or chmod o-w)" cat err
check_out "  the planted link's target is untouched" "keep" cat victim
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -p their-out && chown nobody their-out && chmod 755 their-out
	check_exit "agentpprof -o into another user's directory" 2 agentpprof -o their-out --session-file one.jsonl
	check_out "  says why" "agentpprof: their-out: not our own directory; not writing in it (name another)" cat err
else
	skip "another user's directory: not root"
	skip "another user's directory: not root"
fi
mkdir -p own-out && chmod 775 own-out
check_exit "agentpprof -o into our own group-writable directory" 0 agentpprof -o own-out --session-file one.jsonl
check_test "  wrote every profile" "$(ls own-out/*.svg own-out/*.pb.gz | wc -l)" = 14


## a password in an MCP server name is hidden in records as in frames
jq -cn '{type: "assistant", sessionId: "s", uuid: "a1", timestamp: "2026-03-01T10:00:00Z",
	cwd: "/srv/app", message: {id: "m", model: "claude-sonnet-4-5", role: "assistant",
	content: [{type: "tool_use", id: "t1", name: "mcp__dbuser:Pw9mcpHidden@dbhost__query",
	input: {sql: "select 1"}}], usage: {input_tokens: 1, output_tokens: 1}}}' > mcp.jsonl
for o in "" --no-text; do
	agent-events $o mcp.jsonl > out
	check_out "agent-events $o: the tool and the model call's tool list" '["[REDACTED]@dbhost__query"]
"[REDACTED]@dbhost__query"' jq -c 'if .kind == "llm" then .tools elif .kind == "tool" then .tool else empty end' out
done
agent-events mcp.jsonl | agent-stack --view tasks > out
check_grep "  the frame is the same" ';call:tool/\[REDACTED\]@dbhost__query;' out

plan $_n
done_testing
