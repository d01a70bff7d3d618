#!/bin/sh
# SPDX-License-Identifier: MIT
# The EXAMPLES of agentpprof(7), run as written: a fake home holds the
# bundled example sessions, rewritten to a project directory of the test.
. "$(dirname "$0")/lib.sh"
EX="$TOP/share/examples"
awk '/^\.Sh EXAMPLES/ { on = 1; next } /^\.Sh / { on = 0 }
	on && /^\.Bd -literal/ { blk = ""; inb = 1; next }
	on && /^\.Ed/ { if (inb) { print blk; print "\001" } inb = 0; next }
	inb { blk = blk $0 "\n" }' "$TOP/man/agentpprof.7" | sed -e 's/\\e/\\/g' -e 's/^\$ //' > examples
n=$(grep -c "$(printf '\001')" examples)
plan $((n * 2 + 1))
check_test "agentpprof(7) has its six examples" "$n" -eq 6

proj="$TMP/todo-api"
mkdir -p "$proj/src" home/.claude/projects/p home/.codex/sessions/2026/03/03 \
	home/.gemini/tmp/x/chats
sed "s|/home/dev/todo-api|$proj|g" "$EX/claude-todo-api.jsonl" > home/.claude/projects/p/7f3c2a10-5b1e-4c8a-9d2f-0a1b2c3d4e5f.jsonl
sed "s|/home/dev/todo-api|$proj|g" "$EX/codex-todo-api.jsonl" > \
	home/.codex/sessions/2026/03/03/rollout-2026-03-03T14-00-00-019a7c2e-4b5d-7e8f-9a0b-1c2d3e4f5a6b.jsonl
cp "$EX/gemini-todo-api.json" home/.gemini/tmp/x/chats/session-2026-03-04T16-20-3b9e6f2a.json
printf 'test:\n\t@echo ok > result.txt\n' > "$proj/Makefile"
export HOME="$TMP/home" GOCACHE="$TMP/gocache" NO_COLOR=1

# expect N FILE: what example N must leave behind beyond exiting 0
expect() {
	case $1 in
	1) grep -q '<svg' "$proj/tokens.svg" && grep -q 'project:todo-api' "$proj/tokens.svg" ;;
	2) grep -q 'frames of kind prompt' out && grep -q 'prompt:' out ;;
	3) [ -s "$proj/files.pb.gz" ] && { ! have go || grep -q 'flat%' out; } ;;
	4) grep -q '"kind":"tool".*"status":"error"' out && ! grep -v -e '"status":"error"' -e '^{"kind":"session"' out | grep -q . ;;
	5) [ -s "$proj/result.txt" ] && grep -q 'path:result.txt' "$proj/system.svg" &&
		grep -q 'process:make' "$proj/system.svg" ;;
	6) [ -s "$proj/profiles/tokens.svg" ] && [ -s "$proj/profiles/cost.pb.gz" ] ;;
	esac
}
i=0
while IFS= read -r line; do
	if [ "$line" != "$(printf '\001')" ]; then
		printf '%s\n' "$line" >> cmd
		continue
	fi
	i=$((i + 1))
	if [ $i = 5 ] && [ "$(id -u)" != 0 -o ! -x "$AP_BUILD/bin/agent-snoop" ]; then
		skip "example 5 needs root and agent-snoop"; skip "example 5"; rm -f cmd; continue
	fi
	if [ $i = 5 ]; then
		# as root already: what sudo would pass on (root ran it)
		sed -i 's/^sudo //' cmd
		export SUDO_UID=0 SUDO_GID=0
	fi
	if [ $i = 3 ] && ! have go; then
		sed -i 's/ &&$//; /go tool pprof/d' cmd
	fi
	(cd "$proj" && sh -e "$TMP/cmd") > out 2> err < /dev/null
	st=$?
	if [ $st = 0 ]; then ok "example $i exits 0"; else not_ok "example $i exits 0"; sed 's/^/# /' cmd err; fi
	if expect $i; then ok "example $i does what the page says"; else
		not_ok "example $i does what the page says"; sed 's/^/# /' cmd; head -5 out | sed 's/^/# /'; fi
	rm -f cmd
done < examples
done_testing
