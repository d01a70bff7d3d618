#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-sessions: every location and layout, the filters, the output forms,
# bad files, the man page, and agent detection over the shared corpus.
. "$(dirname "$0")/lib.sh"
plan 59
unset CLAUDE_CONFIG_DIR CODEX_HOME

# The fixture tree records cwds as @ROOT@/...: make them real directories
# here, so that --project-root can resolve them.
cp -R "$TESTS/fixtures/sessions" fx
R=$(cd fx && pwd -P)
find fx -type f -exec sed -i "s|@ROOT@|$R|g" {} +
mkdir -p "$R/a/b/g" "$R/a/bc" "$R/gproj"
GH=$(printf %s "$R/gproj" | sha256sum | cut -c1-64)
mv "$R/home/.gemini/tmp/HASH" "$R/home/.gemini/tmp/$GH"
find "$R/home/.gemini/tmp/$GH/chats" -type f -exec sed -i "s/HASH/$GH/" {} +
H=$R/home
U1=11111111-1111-4111-8111-111111111111 U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333 U4=44444444-4444-4444-8444-444444444444
U5=55555555-5555-4555-8555-555555555555 U6=66666666-6666-4666-8666-666666666666
U7=77777777-7777-7777-8777-777777777777 U8=88888888-8888-7888-8888-888888888888
U9=99999999-9999-7999-8999-999999999999 UA=aaaaaaaa-aaaa-7aaa-8aaa-aaaaaaaaaaaa
UL=0000000c-0000-4000-8000-00000000000c
C1=$H/.claude/projects/-a-b/$U1.jsonl
S1=$H/.claude/projects/-a-b/agent-aaaa0001.jsonl
C2=$H/.claude/projects/-a-bc/$U2.jsonl
C3=$H/.claude/projects/-a-b/$U3.jsonl
S3=$H/.claude/projects/-a-b/$U3/subagents/agent-bbbb0002.jsonl
C4=$H/.config/claude/projects/-x/$U4.jsonl
C5=$R/cfg1/projects/p/$U5.jsonl
C6=$R/cfg2/projects/p/$U6.jsonl
X7=$R/codex/sessions/2025/03/07/rollout-2025-03-07T10-00-00-$U7.jsonl
X8=$R/codex/archived_sessions/rollout-2025-03-08T10-00-00-$U8.jsonl
X9=$R/codex/sessions/2025/03/09/rollout-2025-03-09T10-00-00-$U9.jsonl
XA=$R/codex/sessions/2025/03/09/rollout-2025-03-09T11-00-00-$UA.jsonl
XL=$H/.codex/sessions/2025/01/01/rollout-2025-01-01T00-00-00-$UL.jsonl
G1=$H/.gemini/tmp/proj-a/chats/session-2025-03-10T10-00-g1.json
G2=$H/.gemini/tmp/$GH/chats/session-2025-03-11T10-00-g2.jsonl
# subagent logs of G1 (a JSON document) and G2 (JSON lines)
G1S=$H/.gemini/tmp/proj-a/chats/g1000000-0000-4000-8000-000000000001/c0ffee01.json
G2S=$H/.gemini/tmp/$GH/chats/g2000000-0000-4000-8000-000000000002/c0ffee02.jsonl
sz() { wc -c < "$1" | tr -d ' '; }
as() { CLAUDE_CONFIG_DIR="$R/cfg1,$R/cfg2" CODEX_HOME="$R/codex" agent-sessions --home "$H" "$@"; }

# --- every location, newest last ------------------------------------------
check_out "paths of every location, newest last" "$(cat <<EOF
$S1
$C1
$C2
$S3
$C3
$C4
$C5
$C6
$X7
$X8
$X9
$XA
$G1S
$G1
$G2S
$G2
EOF
)" as
check_status "exit 0 when all is well" 0 as
check_test "nothing on stderr" "$(as 2>&1 >/dev/null)" = ""

check_out "--json: keys in order, subagents name their parent" "$(cat <<EOF
{"agent":"claude","id":"aaaa0001","path":"$S1","cwd":"$R/a/b","first":"2025-03-01T10:01:00.000Z","last":"2025-03-01T10:02:00.000Z","bytes":$(sz "$S1"),"parent":"$U1","version":"2.0.30"}
{"agent":"claude","id":"$U1","path":"$C1","cwd":"$R/a/b","first":"2025-03-01T10:00:00.000Z","last":"2025-03-01T10:05:00.000Z","bytes":$(sz "$C1"),"version":"2.0.30"}
{"agent":"claude","id":"$U2","path":"$C2","cwd":"$R/a/bc","first":"2025-03-02T09:00:00.000Z","last":"2025-03-02T09:30:00.000Z","bytes":$(sz "$C2"),"version":"2.0.31"}
{"agent":"claude","id":"bbbb0002","path":"$S3","cwd":"$R/a/b/.claude/worktrees/agent-bbbb0002","first":"2025-03-04T12:10:00.000Z","last":"2025-03-04T12:20:00.000Z","bytes":$(sz "$S3"),"parent":"$U3","subagent_type":"general-purpose","version":"2.1.5"}
{"agent":"claude","id":"$U3","path":"$C3","cwd":"$R/a/b","first":"2025-03-04T12:00:00.000Z","last":"2025-03-04T12:40:00.000Z","bytes":$(sz "$C3"),"version":"2.1.5"}
{"agent":"claude","id":"$U4","path":"$C4","cwd":"/x","first":"2025-03-05T08:00:00.000Z","last":"2025-03-05T08:01:00.000Z","bytes":$(sz "$C4"),"version":"2.0.40"}
{"agent":"claude","id":"$U5","path":"$C5","cwd":"/p","first":"2025-03-06T08:00:00.000Z","last":"2025-03-06T08:30:00.000Z","bytes":$(sz "$C5"),"version":"2.0.41"}
{"agent":"claude","id":"$U6","path":"$C6","cwd":"/p","first":"2025-03-06T09:00:00.000Z","last":"2025-03-06T09:30:00.000Z","bytes":$(sz "$C6"),"version":"2.0.41"}
{"agent":"codex","id":"$U7","path":"$X7","cwd":"$R/a/b","first":"2025-03-07T10:00:00.000Z","last":"2025-03-07T10:20:00.000Z","bytes":$(sz "$X7"),"version":"0.50.0"}
{"agent":"codex","id":"$U8","path":"$X8","cwd":"/q","first":"2025-03-08T10:00:00.000Z","last":"2025-03-08T11:00:00.000Z","bytes":$(sz "$X8"),"version":"0.49.0"}
{"agent":"codex","id":"$U9","path":"$X9","cwd":"$R/a/b","first":"2025-03-09T10:00:00.000Z","last":"2025-03-09T10:05:00.000Z","bytes":$(sz "$X9"),"parent":"$U7","version":"0.50.0"}
{"agent":"codex","id":"$UA","path":"$XA","cwd":"$R/a/b/sub","first":"2025-03-09T11:00:00.000Z","last":"2025-03-09T11:03:00.000Z","bytes":$(sz "$XA"),"parent":"$U7","version":"0.51.0"}
{"agent":"gemini","id":"c0ffee01","path":"$G1S","cwd":"$R/a/b/g","first":"2025-03-10T10:05:00.000Z","last":"2025-03-10T10:06:00.000Z","bytes":$(sz "$G1S"),"parent":"g1000000-0000-4000-8000-000000000001"}
{"agent":"gemini","id":"g1000000-0000-4000-8000-000000000001","path":"$G1","cwd":"$R/a/b/g","first":"2025-03-10T10:00:00.000Z","last":"2025-03-10T10:30:00.000Z","bytes":$(sz "$G1")}
{"agent":"gemini","id":"c0ffee02","path":"$G2S","first":"2025-03-11T10:05:00.000Z","last":"2025-03-11T10:07:00.000Z","bytes":$(sz "$G2S"),"parent":"g2000000-0000-4000-8000-000000000002"}
{"agent":"gemini","id":"g2000000-0000-4000-8000-000000000002","path":"$G2","first":"2025-03-11T10:00:00.000Z","last":"2025-03-11T10:15:00.000Z","bytes":$(sz "$G2")}
EOF
)" as --json
as --json > all.json
check_grep "a truncated last line is ignored (C1 ends 10:05)" "\"path\":\"$C1\".*\"last\":\"2025-03-01T10:05:00.000Z\"" all.json
check_nogrep "the archived copy of an active Codex session is dropped" "archived_sessions/rollout-2025-03-07" all.json

# --- environment ------------------------------------------------------------
agent-sessions --home "$H" > noenv.out
check_nogrep "without CLAUDE_CONFIG_DIR its dirs are not searched" "/cfg[12]/" noenv.out
check_grep "~/.config/claude is searched" "/.config/claude/projects/" noenv.out
check_grep "without CODEX_HOME, ~/.codex is searched" "$UL" noenv.out
check_nogrep "and CODEX_HOME's sessions are not" "$U7" noenv.out
check_out "a legacy Codex rollout: id and time from its header, cwd from its text" \
	"{\"agent\":\"codex\",\"id\":\"$UL\",\"path\":\"$XL\",\"cwd\":\"/legacy/dir\",\"first\":\"2025-01-01T00:00:00.000Z\",\"last\":\"2025-01-01T00:00:00.000Z\",\"bytes\":$(sz "$XL")}" \
	agent-sessions --home "$H" --agent codex --json
check_out "CLAUDE_CONFIG_DIR as a comma list" "$(printf '%s\n' "$C5" "$C6")" \
	env CLAUDE_CONFIG_DIR="$R/cfg1,,$R/cfg2" agent-sessions --home "$R/nohome" --agent claude
check_out "HOME is used when --home is not given" "$C4" env HOME="$H" agent-sessions --session-id 4444

# --- --project-root -----------------------------------------------------------
check_out "--project-root: DIR and below, not /a/bc" "$(printf '%s\n' "$S1" "$C1" "$S3" "$C3" "$X7" "$X9" "$XA" "$G1S" "$G1")" \
	as --project-root "$R/a/b"
check_out "--project-root /a/bc does not take /a/b" "$C2" as --project-root "$R/a/bc"
check_out "--project-root relative, from another directory" "$(printf '%s\n' "$G1S" "$G1")" sh -c "cd '$R/a' && CODEX_HOME=/nonexistent agent-sessions --home '$H' --project-root b/g"
ln -s "$R/a/b/g" "$R/glink"
check_out "--project-root through a symlink is resolved" "$(printf '%s\n' "$G1S" "$G1")" as --project-root "$R/glink"
check_out "--project-root with a trailing slash" "$(printf '%s\n' "$G1S" "$G1")" as --project-root "$R/a/b/g/"
check_out "Gemini: the hash directory matches the project root, for the subagent too" \
	"{\"agent\":\"gemini\",\"id\":\"c0ffee02\",\"path\":\"$G2S\",\"cwd\":\"$R/gproj\",\"first\":\"2025-03-11T10:05:00.000Z\",\"last\":\"2025-03-11T10:07:00.000Z\",\"bytes\":$(sz "$G2S"),\"parent\":\"g2000000-0000-4000-8000-000000000002\"}
{\"agent\":\"gemini\",\"id\":\"g2000000-0000-4000-8000-000000000002\",\"path\":\"$G2\",\"cwd\":\"$R/gproj\",\"first\":\"2025-03-11T10:00:00.000Z\",\"last\":\"2025-03-11T10:15:00.000Z\",\"bytes\":$(sz "$G2")}" \
	as --project-root "$R/gproj" --json
check_status "--project-root that does not exist: exit 2" 2 as --project-root "$R/nope"

# --- time, id, agent ----------------------------------------------------------
check_out "--since keeps sessions still active then" "$(printf '%s\n' "$G1" "$G2S" "$G2")" as --since 2025-03-10T10:30:00Z
check_out "--until keeps sessions begun by then" "$C1" as --until 2025-03-01T10:00:30Z
check_out "--until later takes the subagent too" "$(printf '%s\n' "$S1" "$C1")" as --until 2025-03-01T10:01:30Z
check_out "--since and --until: the spans overlap" "$C1" as --since 2025-03-01T10:03:00Z --until 2025-03-01T10:04:00Z
check_out "--since a date" "$(printf '%s\n' "$G2S" "$G2")" as --since 2025-03-11
check_status "--since 7d: nothing from 2025 matches, exit 1" 1 as --since 7d
check_test "and nothing is printed" "$(as --since 7d)" = ""
check_status "a bad time: exit 2" 2 as --since yesterday
check_out "--session-id takes the session and its subagent" "$(printf '%s\n' "$S1" "$C1")" as --session-id 1111
check_out "--session-id of a Codex session takes its fork and subagent" "$(printf '%s\n' "$X7" "$X9" "$XA")" as --session-id "$U7"
check_out "--session-id repeated" "$(printf '%s\n' "$C2" "$X8")" as --session-id 2222 --session-id 8888
check_out "--agent as a comma list" "$(printf '%s\n' "$X8" "$X9" "$XA" "$G1S" "$G1" "$G2S" "$G2")" as --agent codex,gemini --since 2025-03-08
check_out "-a repeated" "$(printf '%s\n' "$C6" "$X7")" as -a claude -a codex --since 2025-03-06T09:00Z --until 2025-03-07T10:00Z
check_status "an unknown agent: exit 2" 2 as --agent nosuchagent

# --- output forms ---------------------------------------------------------------
as -0 | tr '\0' '\n' > nul.out
as > nl.out
check_same "-0 ends paths with NUL" nl.out nul.out
check_test "-0 writes no newline" "$(as -0 | tr -cd '\n' | wc -c)" -eq 0
check_status "-0 with --json: exit 2" 2 as -0 --json
check_status "an operand: exit 2" 2 as extra
check_status "no sessions at all: exit 1" 1 agent-sessions --home "$R/nohome"
check_test "and nothing is printed, on stdout or stderr" "$(agent-sessions --home "$R/nohome" 2>&1)" = ""

# --- cwd from the first record that has one -----------------------------------
# Claude sessions can open with queue-operation records (no cwd), here one
# larger than the first 64 KiB that are read for the header.
Q=$R/q/.claude/projects/-q-work
mkdir -p "$Q"
UQ=0000000d-0000-4000-8000-00000000000d
big=$(head -c 70000 /dev/zero | tr '\0' x)
{
	printf '{"type":"queue-operation","operation":"enqueue","timestamp":"2025-04-01T09:00:00.000Z","sessionId":"%s","content":"%s"}\n' "$UQ" "$big"
	printf '{"type":"queue-operation","operation":"dequeue","timestamp":"2025-04-01T09:00:01.000Z","sessionId":"%s"}\n' "$UQ"
	printf '{"parentUuid":null,"isSidechain":false,"cwd":"'"$R"'/qwork","sessionId":"%s","version":"2.1.9","type":"user","message":{"role":"user","content":"go"},"uuid":"q1","timestamp":"2025-04-01T09:00:02.000Z"}\n' "$UQ"
	printf '{"parentUuid":"q1","isSidechain":false,"cwd":"/q/other","sessionId":"%s","version":"2.1.9","type":"user","message":{"role":"user","content":"again"},"uuid":"q2","timestamp":"2025-04-01T09:10:00.000Z"}\n' "$UQ"
} > "$Q/$UQ.jsonl"
check_out "queue-operation records first: cwd from the first record with one" \
	"{\"agent\":\"claude\",\"id\":\"$UQ\",\"path\":\"$Q/$UQ.jsonl\",\"cwd\":\"$R/qwork\",\"first\":\"2025-04-01T09:00:00.000Z\",\"last\":\"2025-04-01T09:10:00.000Z\",\"bytes\":$(sz "$Q/$UQ.jsonl"),\"version\":\"2.1.9\"}" \
	agent-sessions --home "$R/q" --json
mkdir "$R/qwork"
check_out "and --project-root finds it by that cwd" "$Q/$UQ.jsonl" agent-sessions --home "$R/q" --project-root "$R/qwork"
# Claude 2.0: a subagent file beside its session, no meta file
check_out "Claude 2.0 subagent: no meta, no subagent_type" \
	"{\"agent\":\"claude\",\"id\":\"aaaa0001\",\"path\":\"$S1\",\"cwd\":\"$R/a/b\",\"first\":\"2025-03-01T10:01:00.000Z\",\"last\":\"2025-03-01T10:02:00.000Z\",\"bytes\":$(sz "$S1"),\"parent\":\"$U1\",\"version\":\"2.0.30\"}" \
	sh -c "CLAUDE_CONFIG_DIR='$R/cfg1' agent-sessions --home '$H' --json --session-id aaaa"
# every file found is read by agent-events without a complaint
as | agent-events --files-from - > /dev/null 2> found.err
check_test "agent-events reads every file agent-sessions lists: exit 0" $? = 0
check_out "only a note about C1's unfinished last line" \
	"agent-events: $C1:5: incomplete last line (a session still being written?); skipped" cat found.err

# --- bad and odd files ----------------------------------------------------------
B=$R/bad/.claude/projects/p
mkdir -p "$B/dir.jsonl" "$B/deep"
: > "$B/empty.jsonl"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000' > "$B/binary.jsonl"
ln -s loop.jsonl "$B/loop.jsonl"
ln -s .. "$B/deep/up"
printf '%s\n' '{"type":"summary","summary":"s","leafUuid":"x"}' > "$B/notime.jsonl"
printf '%s\n' '{"speaker":"user","utterance":{"content":"hi"}}' > "$B/other.jsonl"
# the words agent-events uses for a file no agent knows
NOT=$(agent-events "$B/other.jsonl" 2>&1 | sed 's/.*: \(not a .* session\) (unknown format)$/\1/')
cp "$C2" "$B/good.jsonl"
agent-sessions --home "$R/bad" --json > bad.out 2> bad.err
check_test "bad files: exit 1" "$?" = 1
# the agents' titles as every message lists them (from agent_list)
titles=$(agent-events "$B/cursor.jsonl" 2>&1 | sed -n 's/.*: not a \(.*\) session (unknown format)$/\1/p')
check_out "each bad file reported once" "$(cat <<EOF
agent-sessions: $B/binary.jsonl: no JSON records at its start
agent-sessions: $B/dir.jsonl: is a directory
agent-sessions: $B/empty.jsonl: empty file
agent-sessions: $B/loop.jsonl: Too many levels of symbolic links
agent-sessions: $B/other.jsonl: $NOT
EOF
)" sort bad.err
check_out "the good file and the one without times are still listed" "$(cat <<EOF
{"agent":"claude","id":"notime","path":"$B/notime.jsonl","bytes":$(sz "$B/notime.jsonl")}
{"agent":"claude","id":"$U2","path":"$B/good.jsonl","cwd":"$R/a/bc","first":"2025-03-02T09:00:00.000Z","last":"2025-03-02T09:30:00.000Z","bytes":$(sz "$B/good.jsonl"),"version":"2.0.31"}
EOF
)" cat bad.out
if [ "$(id -u)" = 0 ]; then
	skip "unreadable file (running as root)"
else
	cp "$C2" "$B/secret.jsonl"; chmod 000 "$B/secret.jsonl"
	agent-sessions --home "$R/bad" >/dev/null 2> bad2.err
	check_grep "an unreadable file is reported" "secret.jsonl: Permission denied" bad2.err
fi

# --- help, version, man page ------------------------------------------------------
check_status "--help exits 0" 0 agent-sessions --help
check_grep "--version prints the name" "^agent-sessions " "$(agent-sessions --version > v.out; echo v.out)"
MAN=$TOP/man/agent-sessions.1
agent-sessions --help | grep -o -e '--[a-z][a-z-]*' -e '^ *-[a-z0-9A-Z],' | tr -d ' ,' | sort -u > help.opts
{ grep -o 'Fl -[a-z][a-z-]*' "$MAN" | sed 's/^Fl -/--/'
  sed -n 's/^\.It Fl \([a-z0-9A-Z]\)\( .*\)\{0,1\}$/-\1/p' "$MAN"; } | sort -u > man.opts
check_same "the man page documents exactly the --help options" help.opts man.opts
if have mandoc; then
	check_test "mandoc -Tlint is clean" "$(mandoc -Tlint -Wwarning "$MAN" 2>&1)" = ""
else
	skip "mandoc not installed"
fi

# EXAMPLES, run in the fixture home
ex() { (cd "$R/a/b" && HOME=$H CODEX_HOME=$R/codex sh -c "$1"); }
check_test "EXAMPLE: --project-root ." "$(ex 'agent-sessions --project-root .' | wc -l)" -eq 9
ex 'agent-sessions --agent codex,gemini --since 7d --json' > ex2.out
check_test "EXAMPLE: --agent codex,gemini --since 7d --json (nothing that recent)" "$?" = 1
check_test "EXAMPLE: -0 --session-id | xargs -0 ls -l" \
	"$(ex "agent-sessions -0 --session-id 3333 | xargs -0 ls -l" | wc -l)" -eq 2
if have agent-events && have agent-stack; then
	ex 'agent-sessions --project-root . | xargs agent-events | agent-stack --view tokens' > ex4.out 2> ex4.err
	check_test "EXAMPLE: the tokens pipeline runs" "$?" = 0
else
	check_test "EXAMPLE: the pipeline's agent-sessions part" \
		"$(ex 'agent-sessions --project-root . | xargs ls' | wc -l)" -eq 9
fi

# --- the shared corpus: detection by content ----------------------------------------
if shared corpus; then
	# Every file under one Claude projects directory, named n.jsonl: only
	# the content can tell the agent.
	M=$TMP/mix/.claude/projects/m
	mkdir -p "$M"
	: > want
	i=0
	for d in claude-code:claude codex:codex gemini-cli:gemini; do
		for f in "$SHARED/corpus/${d%%:*}"/*.json*; do
			case $f in *.meta.json) continue;; esac
			i=$((i + 1))
			ln -s "$f" "$M/$i.jsonl"
			echo "$M/$i.jsonl ${d#*:}" >> want
		done
	done
	agent-sessions --home "$TMP/mix" --json 2> corpus.err |
		sed 's/^{"agent":"\([a-z]*\)".*"path":"\([^"]*\)".*/\2 \1/' | sort > got
	sort want > want.sorted
	check_same "every corpus file's agent is detected from its content ($i files)" want.sorted got
	check_test "no corpus file is reported bad" "$(cat corpus.err)" = ""
else
	skip "no shared corpus"
	skip "no shared corpus"
fi
done_testing
