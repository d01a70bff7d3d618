#!/bin/sh
# SPDX-License-Identifier: MIT
# The EXAMPLES of man/agent-events.1, run as written on a home directory
# that holds one session of each agent where the examples look for them.
. "$(dirname "$0")/lib.sh"
page=$TOP/man/agent-events.1
EX=$TOP/share/examples
[ -f "$page" ] || skip_all "no man/agent-events.1"
[ -d "$EX" ] || skip_all "no share/examples"

HOME=$TMP/home
export HOME
g=$HOME/.gemini/tmp/5d41402abc4b2a76b9719d911017c592ae1f8c3e9e1b2f0a7c6d5e4f3a2b1c0d/chats
x=$HOME/.codex/sessions/2026/03/03
c=$HOME/.claude/projects/-home-dev-todo-api
mkdir -p "$g" "$x" "$c"
cp "$EX/gemini-todo-api.json" "$g/session-2026-03-04T16-20-3b9e6f2a.json"
cp "$EX/codex-todo-api.jsonl" "$x/rollout-2026-03-03T14-00-00-019a7c2e-4b5d-7e8f-9a0b-1c2d3e4f5a6b.jsonl"
cp "$EX/claude-todo-api.jsonl" "$c/7f3c2a10-5b1e-4c8a-9d2f-0a1b2c3d4e5f.jsonl"
# OpenCode's database, built from the fixture's SQL text
if have sqlite3; then
	mkdir -p "$HOME/.local/share/opencode"
	# (without the row the fixture breaks on purpose)
	{ cat "$TESTS/fixtures/opencode/opencode.sql"; echo "DELETE FROM message WHERE id = 'msg_2c02';"; } |
		sqlite3 "$HOME/.local/share/opencode/opencode.db"
fi

# The command lines are the "$ " lines of the EXAMPLES section, with the
# mdoc escapes undone.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh [^E]/p' "$page" | sed -n 's/^\$ //p' |
	sed 's/\\e/\\/g; s/\\-/-/g' > examples
n=$(wc -l < examples)
sq=0; have sqlite3 && sq=1
plan $((1 + 2 * n))
check_test "the page has its six examples" "$n" -eq 6

# What each example must show, beyond exiting 0.
expect() {
	case $1 in
	1) grep -q '^{"kind":"session","agent":"gemini"' out ;;
	2) [ "$(grep -c '^{"kind":"session"' events.ndjson)" -eq $((3 + 3 * sq)) ] ;;
	3) grep -q '"kind":"tool".*"status":"error"' out &&
		! grep -v -e '"kind":"tool".*"status":"error"' -e '^{"kind":"session"' out | grep -q . &&
		! grep -q '"text"' out ;;
	4) jq -e 'length > 0 and all(.[]; .model and .input > 0)' out > /dev/null ;;
	5) [ -s tokens.pb.gz ] && gzip -t tokens.pb.gz ;;
	6) [ "$(jq -r 'select(.kind == "session") | .subagent // .session' out | sort | tr '\n' ' ')" = \
		"ses_2a00main ses_2b00sub " ] ;;
	esac
}

i=0
while IFS= read -r cmd; do
	i=$((i + 1))
	missing=
	for p in agent-sessions agent-events agent-tag agent-stack folded2pprof jq sqlite3; do
		case " $cmd " in
		*" $p "*) have "$p" || missing="$missing $p" ;;
		esac
	done
	case $cmd in *opencode*) have sqlite3 || missing="$missing sqlite3" ;; esac
	if [ -n "$missing" ]; then
		skip "example $i: not built:$missing"; skip "example $i"; continue
	fi
	rm -f out events.ndjson tokens.pb.gz
	sh -c "$cmd" < /dev/null > out 2> err
	st=$?
	if [ "$st" = 0 ]; then ok "example $i exits 0"; else
		not_ok "example $i exits 0"; diag "$cmd"; diag "exit $st"; sed 's/^/# /' err
	fi
	if expect $i; then ok "example $i shows what it says"; else
		not_ok "example $i shows what it says"; diag "$cmd"; head -5 out | sed 's/^/# /'
	fi
done < examples
done_testing
