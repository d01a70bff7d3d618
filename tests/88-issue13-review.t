#!/bin/sh
# The review of issue 13's fixes: each case an attacker or an unlucky user
# found after them, with its exact expected behaviour.  Every run is bounded
# by timeout: a status of 124 or more is a hang or a crash.
. "$(dirname "$0")/lib.sh"

# st DESC WANT CMD...: CMD (stdout to out, stderr to err) ends with WANT
st() {
	_d=$1; _w=$2; shift 2
	timeout 120 "$@" > out 2> err
	_r=$?
	if [ "$_r" = "$_w" ]; then ok "$_d: exit $_w"; else
		not_ok "$_d: exit $_w"; diag "exit $_r"; tail -3 err | cut -c1-300 | sed 's/^/# /'
	fi
}

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
st "agent-events on a directory and a session" 1 agent-events adir one.jsonl
check_out "  the directory's read error only" "agent-events: adir: read error: Is a directory" cat err
check_test "  the session's records are written" "$(grep -c '"session":"s1"' out)" = 2
for p in agent-tag agent-stack folded2svg folded2pprof; do
	st "$p on a directory" 1 $p adir
	check_grep "  says it is a directory" "^$p: adir: read error: Is a directory\$" err
done

plan $_n
done_testing
