#!/bin/sh
# SPDX-License-Identifier: MIT
# Every command in the EXAMPLES of every man page, run as a user would
# copy it from man's output: the page is rendered (mandoc -Tascii and
# -Tutf8 must give the same commands), a command is a line that starts
# with "$ " and the lines after it while the shell would read on (after a
# |, &&, || or \, or inside a quote), and the lines after that, to a blank
# line, are the output it shows.  Each command runs with sh in a project
# directory, with a home that holds Claude Code, Codex and Gemini CLI
# histories where agent-sessions looks; it must exit 0 and print what the
# page shows, or, when the page shows nothing, write something (standard
# output or a file).  "$ cat FILE" with output shown gives the file that
# later commands read, when the directory has none.  Files the pages name
# without showing them are prepared here: events.ndjson (agent-events |
# agent-tag of the home's sessions), s.jsonl and session.jsonl (a Claude
# Code session), and tokens, tasks, files and diff .folded.  A command that
# needs a program that is not installed, root for agent-snoop, or a
# server elsewhere on the network says why it is skipped; as root,
# commands run with SUDO_UID=0 as sudo sets it, so that agent-snoop runs
# their commands as sudo would.  PAGES=man/x.1 runs one page's only.
. "$(dirname "$0")/lib.sh"
have mandoc || skip_all "mandoc not installed"
EX=$TOP/share/examples
[ -d "$EX" ] || skip_all "no share/examples"

# --- the home and the project ------------------------------------------------------
# The bundled sessions as they are (March 2026, in /home/dev/todo-api), and
# copies from the last three days in the project directory W, with their
# own ids, for the examples that ask for this project or the last week.
W=$TMP/src/project
HOME=$TMP/home
GOCACHE=$TMP/gocache
export HOME GOCACHE
day() { date -u -d "-$1 days" +%Y-%m-%d; }
D1=$(day 3) D2=$(day 2) D3=$(day 1)
recent() {
	sed -e "s|/home/dev/todo-api|$W|g" -e "s/2026-03-02T/${D1}T/g" \
		-e "s/2026-03-03T/${D2}T/g" -e "s/2026-03-04T/${D3}T/g" "$@"
}
c=$HOME/.claude/projects/-home-dev-todo-api
mkdir -p "$c" "$W"
cp "$EX/claude-todo-api.jsonl" "$c/7f3c2a10-5b1e-4c8a-9d2f-0a1b2c3d4e5f.jsonl"
cw=$HOME/.claude/projects/$(echo "$W" | tr '/.' '--')
mkdir -p "$cw"
recent -e 's/7f3c2a10-5b1e-4c8a-9d2f-0a1b2c3d4e5f/7f3c2a10-5b1e-4c8a-9d2f-0a1b2c3d4e60/g' \
	-e 's/msg_01Demo/msg_01Week/g' -e 's/req_01Demo/req_01Week/g' -e 's/toolu_/toolw_/g' \
	-e 's/"\(uuid\|parentUuid\)":"c1a/"\1":"c1b/g' \
	"$EX/claude-todo-api.jsonl" > "$cw/7f3c2a10-5b1e-4c8a-9d2f-0a1b2c3d4e60.jsonl"
x=$HOME/.codex/sessions/2026/03/03
xw=$HOME/.codex/sessions/$(echo "$D2" | tr - /)
mkdir -p "$x" "$xw"
cp "$EX/codex-todo-api.jsonl" "$x/rollout-2026-03-03T14-00-00-019a7c2e-4b5d-7e8f-9a0b-1c2d3e4f5a6b.jsonl"
recent -e 's/019a7c2e-4b5d-7e8f-9a0b-1c2d3e4f5a6b/019a7c2e-4b5d-7e8f-9a0b-1c2d3e4f5a6c/g' "$EX/codex-todo-api.jsonl" \
	> "$xw/rollout-${D2}T14-00-00-019a7c2e-4b5d-7e8f-9a0b-1c2d3e4f5a6c.jsonl"
g=$HOME/.gemini/tmp/1c704e6c98a58aef9d767c9a57601e10e3ab062cace4004fb8197ef11e77e4b4
gw=$HOME/.gemini/tmp/$(printf %s "$W" | sha256sum | cut -c1-64)
mkdir -p "$g/chats" "$gw/chats"
cp "$EX/gemini-todo-api.json" "$g/chats/session-2026-03-04T16-20-3b9e6f2a.json"
recent -e 's/3b9e6f2a-1c4d-4e7f-8a9b-0c1d2e3f4a5b/3b9e6f2a-1c4d-4e7f-8a9b-0c1d2e3f4a5c/g' \
	"$EX/gemini-todo-api.json" > "$gw/chats/session-${D3}T16-20-3b9e6f2b.json"
echo "$W" > "$gw/.project_root"
# OpenCode's database (built from SQL text, as tests/37 does) and two
# projects with Aider histories, for the pages of the agents added later
if have sqlite3; then
	mkdir -p "$HOME/.local/share/opencode"
	# (without the row the fixture breaks on purpose, as tests/33 does)
	{ cat "$TESTS/fixtures/opencode/opencode.sql"; echo "DELETE FROM message WHERE id = 'msg_2c02';"; } |
		sqlite3 "$HOME/.local/share/opencode/opencode.db"
fi
for p in web api; do
	mkdir -p "$HOME/src/$p"
	cp "$TESTS/fixtures/aider/webapp/.aider.chat.history.md" "$HOME/src/$p/"
done

# The files the examples read without showing them.
base=$TMP/base
mkdir -p "$base"
agent-sessions | agent-events --files-from - 2>/dev/null | agent-tag > "$base/events.ndjson" 2>/dev/null
cp "$EX/claude-todo-api.jsonl" "$base/s.jsonl"
cp "$EX/claude-todo-api.jsonl" "$base/session.jsonl"
for v in tokens tasks files; do
	agent-stack --view "$v" "$base/events.ndjson" > "$base/$v.folded" 2>/dev/null
done
awk '{ n = $NF; $NF = ""; print $0 int(n / 2), n }' "$base/tokens.folded" > "$base/diff.folded"

# --- the commands as printed ---------------------------------------------------------
# extract PAGE DIR: cmd.N (the command) and, when it shows output, want.N
# (that output, less the indentation of its "$"); the count on stdout
extract() {
	mandoc -T"$3" "$1" | col -bx | awk -v dir="$2" '
	function flush() { if (n && out != "") { f = dir "/want." n; printf "%s", out > f; close(f) } out = "" }
	function quotes(s, q,   t) { t = s; return gsub(q, "", t) }
	/^[A-Z]/ { ex = $0 == "EXAMPLES"; if (!ex) { flush(); mode = 0 }; next }
	!ex { next }
	/^[ \t]*$/ { flush(); mode = 0; next }
	match($0, /^ *\$ /) {
		flush(); n++; col = RLENGTH - 2; cmd = substr($0, RLENGTH + 1)
		mode = 1; f = dir "/cmd." n; printf "%s\n", cmd > f; close(f)
		cont = cmd ~ /(\||&&|\\)[ \t]*$/ || quotes(cmd, "\047") % 2 || quotes(cmd, "\"") % 2
		next
	}
	mode == 1 && cont {
		cmd = cmd "\n" $0; f = dir "/cmd." n; printf "%s\n", $0 >> f; close(f)
		cont = $0 ~ /(\||&&|\\)[ \t]*$/ || quotes(cmd, "\047") % 2 || quotes(cmd, "\"") % 2
		next
	}
	mode >= 1 {
		match($0, /^ */)
		if (RLENGTH < col) { flush(); mode = 0; next }
		mode = 2; out = out substr($0, col + 1) "\n"; next
	}
	END { flush(); print n + 0 }'
}
# the programs a command runs: the first word of each pipeline element
progs() {
	tr '\n' ' ' < "$1" | sed -e "s/'[^']*'//g" -e 's/"[^"]*"//g' -e 's/[0-9]*[<>]&[0-9]*//g' |
		tr '|;&()' '\n\n\n\n\n' |
		awk '{ for (i = 1; i <= NF && $i ~ /=/; i++); if (i <= NF) print $i }' | sort -u
}
norm() { sed -e 's/[[:space:]]\{1,\}/ /g' -e 's/^ //' -e 's/ $//' "$1"; }

pages=${PAGES:-$(ls "$TOP"/man/*.[157])}
total=0
for p in $pages; do
	name=$(basename "$p")
	mkdir -p "ex/$name" "exa/$name"
	n=$(extract "$p" "ex/$name" utf8)
	extract "$p" "exa/$name" ascii > /dev/null
	total=$((total + 2 + 2 * n))
done
plan "$total"

root=; [ "$(id -u)" = 0 ] && root=yes
for p in $pages; do
	name=$(basename "$p")
	d=$TMP/ex/$name
	n=$(ls "$d" | grep -c '^cmd\.')
	check_test "$name: EXAMPLES has commands to run, marked \"\$ \"" "$n" -gt 0
	if diff -r "$d" "$TMP/exa/$name" > asc.diff; then ok "$name: -Tascii and -Tutf8 print the same commands"; else
		not_ok "$name: -Tascii and -Tutf8 print the same commands"; head -10 asc.diff | sed 's/^/# /'
	fi
	rm -rf "$W"
	cp -r "$base" "$W"
	unwritten=
	k=0
	while [ $k -lt "$n" ]; do
		k=$((k + 1))
		cmd=$(cat "$d/cmd.$k")
		what="$name example $k: $(head -1 "$d/cmd.$k" | tr -d '\\' | cut -c1-60)"
		why=
		# a file a skipped example would have written
		for w in $(tr -s ' \t\n' '\n' < "$d/cmd.$k"); do
			case " $unwritten " in *" $w "*) why="needs $w, which a skipped example writes" ;; esac
		done
		# a server elsewhere: a URL's host or a --host other than loopback
		for h in $(grep -o -e 'https\?://[^/:[:space:]'"'"'"]*' -e '--host [^[:space:]'"'"'"]*' "$d/cmd.$k" |
			sed -e 's|.*//||' -e 's/^--host //'); do
			case $h in 127.0.0.1|localhost|'[::1]') ;; *) why="needs the network (a server at $h)" ;; esac
		done
		# a server the command reaches without naming it
		if grep -q 'agentpprof-team \(schema\|load\|query\)' "$d/cmd.$k"; then
			why="needs a ClickHouse server (tests/97-team-clickhouse.t runs one on loopback)"
		fi
		for prog in $(progs "$d/cmd.$k"); do
			case $prog in
			agent-snoop) [ -n "$root" ] && have agent-snoop ||
				why="needs root for eBPF (tests/70-agent-snoop.t runs agent-snoop)" ;;
			claude|perf) why="needs $prog and a recording of it" ;;
			*) have "$prog" || why="needs $prog, which is not installed" ;;
			esac
		done
		if [ -n "$why" ]; then
			skip "$what: $why"; skip "$what"
			# what it would have written is missing for the next ones
			unwritten="$unwritten $(tr -s ' \t\n' '\n' < "$d/cmd.$k" | awk 'p { print; p = 0 } /^(-o|>)$/ { p = 1 }')"
			continue
		fi
		# "$ cat FILE" with its contents shown: the file the next ones read
		f=$(printf '%s\n' "$cmd" | sed -n 's/^cat \([^ |;&<>]*\)$/\1/p')
		if [ -n "$f" ] && [ -f "$d/want.$k" ] && [ ! -e "$W/$f" ]; then
			cp "$d/want.$k" "$W/$f"
		fi
		touch "$TMP/mark"; sleep 0.01
		# agent-snoop as root runs the command as root only when told, as
		# sudo tells it with SUDO_UID (root ran sudo: 0)
		(cd "$W" && SUDO_UID=0 SUDO_GID=0 timeout 120 sh -c "$cmd" < /dev/null > "$TMP/got" 2> "$TMP/err")
		st=$?
		if [ "$st" = 0 ]; then ok "$what: exit 0"; else
			not_ok "$what: exit 0"; diag "$cmd"; diag "exit $st"; tail -5 "$TMP/err" | sed 's/^/# /'
		fi
		if [ -f "$d/want.$k" ]; then
			norm "$d/want.$k" > want.n
			norm "$TMP/got" > got.n
			check_same "$what: prints what the page shows" want.n got.n
		elif [ -s "$TMP/got" ] || [ -s "$TMP/err" ] || [ -n "$(find "$W" -newer "$TMP/mark" -type f | head -1)" ]; then
			ok "$what: writes something"
		else
			not_ok "$what: writes something"; diag "$cmd"; tail -5 "$TMP/err" | sed 's/^/# /'
		fi
	done
done
done_testing
