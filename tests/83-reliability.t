#!/bin/sh
# SPDX-License-Identifier: MIT
# Reliability (issue 13): crashes on real input, write errors, the line
# limit on every kind of input, --files-from, careful output files, the
# cost of --format report and of deep YAML, and undefined behaviour on
# empty input.  Every run is bounded by timeout: a status of 124 or more
# is a hang or a crash.
. "$(dirname "$0")/lib.sh"

F=$TESTS/fixtures
# errline DESC TEXT: err is exactly TEXT
errline() { check_out "$1" "$2" cat err; }

## 1. --view files / system on a path that normalises to nothing, no cwd
for p in . ./ a/.. ./. 'a/b/../..'; do
	printf '{"kind":"effect","agent":"codex","session":"s","id":"t#1","effect":"read","path":"%s"}\n' "$p" > dot.jsonl
	check_exit "--view files, path \"$p\" without a cwd" 0 agent-stack --view files dot.jsonl
	check_out "  grouped as the project root" \
		'project:unknown;agent:codex;session:unmatched;prompt:none;path:.;effect:read;status:unknown 1' cat out
	check_exit "--view system, path \"$p\" without a cwd" 0 agent-stack --view system dot.jsonl
	check_out "  grouped as the project root" \
		'project:unknown;agent:codex;session:unmatched;prompt:none;effect:read;path:.;status:unknown 1' cat out
done
# the same where a session names an empty or "." project root
cat > root.jsonl <<'EOF'
{"kind":"session","agent":"gemini","session":"g","cwd":"."}
{"kind":"effect","agent":"gemini","session":"g","id":"t#1","effect":"read","path":"./"}
{"kind":"effect","agent":"gemini","session":"g","id":"t#2","effect":"write","path":"src/../src/a.c"}
EOF
check_exit "--view files, session cwd \".\"" 0 agent-stack --view files root.jsonl
check_grep "  ./ is the root" ';path:\.;effect:read;' out
check_grep "  src/../src/a.c is src/a.c" ';path:src/a.c;effect:write;' out

C=$SHARED/corpus
for f in codex/claude-code-log__codex__sample-session.jsonl gemini-cli/agent-sessions__gemini__jsonl_v040.jsonl; do
	if [ -f "$C/$f" ]; then
		agent-events "$C/$f" > corp.jsonl 2>/dev/null
		for v in files system; do
			check_exit "corpus $(basename "$f") --view $v" 0 agent-stack --view $v corp.jsonl
			check_grep "  ls in the cwd is path:." 'path:\.;' out
		done
	else
		for i in 1 2 3 4; do skip "no $C/$f"; done
	fi
done

## 2. a failing standard output: a message and exit 2, never a crash
printf 'a;b 3\na;c 4\n' > in.folded
agent-events "$F/claude/calls.jsonl" > ev.jsonl 2>/dev/null
# wr NAME CMD...: CMD's stdout goes to /dev/full, then is closed
wr() {
	_p=$1; shift
	if [ -w /dev/full ]; then
		timeout 60 "$@" > /dev/full 2> err
		_r=$?
		check_test "$_p > /dev/full: exit 2" "$_r" = 2
		check_out "  says why" "$_p: write error: No space left on device" grep -v ':[0-9]*: ' err
	else
		skip "no /dev/full"; skip "no /dev/full"
	fi
	timeout 60 "$@" >&- 2> err
	_r=$?
	check_test "$_p >&- (stdout closed): exit 2" "$_r" = 2
	check_out "  says why" "$_p: write error: Bad file descriptor" grep -v ':[0-9]*: ' err
}
wr agent-events agent-events "$F/claude/calls.jsonl"
wr agent-tag agent-tag ev.jsonl
wr agent-stack agent-stack ev.jsonl
wr agent-sessions env -u CLAUDE_CONFIG_DIR -u CODEX_HOME agent-sessions --home "$F/sessions/home"
wr folded2svg folded2svg in.folded
wr folded2pprof folded2pprof in.folded
# a closed stdout is not handed to the next file opened: -o still works
folded2pprof -o p.pb in.folded >&- 2> err
check_test "folded2pprof -o FILE with stdout closed: exit 0" "$?" = 0
check_test "  and the profile is written" "$(wc -c < p.pb)" -gt 20

## 3. the 256 MiB line limit, for regular files (read or mapped) and pipes
REC1='{"kind":"effect","agent":"codex","session":"s","id":"t#1","effect":"read","path":"a"}'
REC2='{"kind":"effect","agent":"codex","session":"s","id":"t#2","effect":"read","path":"b"}'
# a sparse file: REC1, a line of 300 MiB of NULs, REC2 (no disk used)
printf '%s\n' "$REC1" > big.jsonl
truncate -s +300M big.jsonl
printf '\n%s\n' "$REC2" >> big.jsonl
L2="line longer than 256 MiB (314572800 bytes); skipped"
check_exit "agent-tag, 300 MiB line in a mapped file" 1 agent-tag big.jsonl
check_out "  records around it kept" "$(printf '%s\n%s' "$REC1" "$REC2")" cat out
errline "  file:line and the limit" "agent-tag: big.jsonl:2: $L2"
check_exit "agent-stack, 300 MiB line in a regular file" 1 agent-stack --view files big.jsonl
check_out "  records around it kept" "$(printf '%s\n%s' \
	'project:unknown;agent:codex;session:unmatched;prompt:none;path:a;effect:read;status:unknown 1' \
	'project:unknown;agent:codex;session:unmatched;prompt:none;path:b;effect:read;status:unknown 1')" cat out
errline "  file:line and the limit" "agent-stack: big.jsonl:2: $L2"
# the other programs and kinds of input with the limit lowered to 1 MiB
# (AGENTPPROF_TEST_MAXLINE, for the tests only): the same code paths
M=AGENTPPROF_TEST_MAXLINE=1048576
{ printf 'a;b 1\n'; head -c 3000000 /dev/zero | tr '\0' x; printf '\na;c 2\n'; } > bigf.folded
L2="line longer than 1 MiB (3000000 bytes); skipped"
check_exit "folded2svg, long line in a regular file" 1 env $M folded2svg bigf.folded
check_grep "  the stacks around it drawn" '<title>c (2 samples' out
check_grep "  the stacks around it drawn" '<title>b (1 samples' out
errline "  file:line and the limit" "folded2svg: bigf.folded:2: $L2"
check_exit "folded2pprof, long line from a pipe" 1 sh -c "$M folded2pprof -o p.pb < bigf.folded"
errline "  file:line and the limit" "folded2pprof: (stdin):2: $L2"
printf 'a;b 1\na;c 2\n' | folded2pprof -o want.pb
check "  the profile holds the stacks around it" cmp want.pb p.pb
# a line just at the limit is fine; one byte more is not
{ head -c 1048572 /dev/zero | tr '\0' x; printf ';b 1\n'; } > at.folded
check_exit "a line of exactly the limit" 0 env $M folded2pprof -o p.pb at.folded
{ head -c 1048573 /dev/zero | tr '\0' x; printf ';b 1\n'; } > at.folded
check_exit "a line one byte over" 1 env $M folded2pprof -o p.pb at.folded
errline "  reported" "folded2pprof: at.folded:1: line longer than 1 MiB (1048577 bytes); skipped"
{ printf '%s\n' "$REC1"; head -c 3000000 /dev/zero; printf '\n%s\n' "$REC2"; } > big.jsonl
check_exit "agent-stack, long line from a pipe" 1 sh -c "$M agent-stack --view files < big.jsonl"
check_test "  records around it kept" "$(wc -l < out)" = 2
check_exit "agent-tag, long line in a mapped file" 1 env $M agent-tag big.jsonl
check_test "  records around it kept" "$(wc -l < out)" = 2
# an endless line: a diagnostic and an end, not a spin
E="line longer than 4 MiB and still going; the rest of the input is not read"
for p in agent-tag agent-stack folded2svg folded2pprof; do
	check_exit "$p /dev/zero" 1 env $M $p /dev/zero
	check_grep "  says so" "^$p: /dev/zero:1: $E\$" err
done
rm -f big.jsonl bigf.folded

## 4. --files-from: streamed, bounded names, a directory or empty list is an error
CA=$F/claude/calls.jsonl
CB=$F/codex/tokens.jsonl
agent-events "$CA" > want.jsonl 2>/dev/null
agent-events "$CA" "$CB" > want2.jsonl 2>/dev/null
mkdir -p listdir
check_exit "--files-from a directory" 2 agent-events --files-from listdir
errline "  says so" "agent-events: listdir: is a directory, not a list of files"
check_test "  and writes nothing" "$(wc -c < out)" = 0
: > empty.list
check_exit "--files-from an empty list" 2 agent-events --files-from empty.list
errline "  says so, and where the files come from" "agent-events: empty.list: no file names in the list
agent-events: no session files to read: the list is empty; whatever wrote it found none (agent-sessions alone shows what it finds, and agent-sessions --help where it looks)"
printf '\n\n\r\n' > blank.list
check_exit "--files-from a list of blank lines" 2 agent-events --files-from blank.list
errline "  says so, and where the files come from" "agent-events: blank.list: no file names in the list
agent-events: no session files to read: the list is empty; whatever wrote it found none (agent-sessions alone shows what it finds, and agent-sessions --help where it looks)"
check_exit "an empty list beside an operand: the operand is read" 1 agent-events --files-from empty.list "$CA"
check "  its records" cmp want.jsonl out
# (a sanitizer build reserves terabytes of address space: no ulimit -v)
LIM='ulimit -v 200000;'
[ "${SAN:-0}" = 1 ] && LIM=
check_exit "--files-from /dev/zero ends, in bounded memory, before any file" 2 sh -c "$LIM agent-events --files-from /dev/zero"
errline "  says why" "agent-events: /dev/zero:4096: 4096 empty names in a row: not a list of files; the rest is not read"
check_exit "--files-from an endless name" 2 sh -c "head -c 3000000 /dev/zero | tr '\\0' a | agent-events --files-from -"
errline "  says why" "agent-events: (stdin):1: a file name longer than 1048576 bytes and still going: not a list of files; the rest is not read"
# a name past PATH_MAX is reported and skipped, the names around it read
{ printf '%s\r\n' "$CA"; head -c 5000 /dev/zero | tr '\0' a; printf '\n%s\n' "$CB"; } > long.list
check_exit "a name longer than PATH_MAX" 1 agent-events --files-from long.list
check_grep "  file:entry and the limit" "^agent-events: long.list:2: a file name of 5000 bytes, longer than the limit of 4095; skipped\$" err
check "  the names around it read (CRLF too)" cmp want2.jsonl out
{ printf '%s\0' "$CA"; printf '\0\0'; printf '%s\0' "$CB"; } > nul.list
check_exit "a NUL-separated list, empty entries skipped" 0 agent-events --files-from nul.list
check "  both files read" cmp want2.jsonl out
{ printf '%s\n' "$CA"; head -c 5000 /dev/zero | tr '\0' a; printf '\nb\0c\n%s\n' "$CB"; } > nulin.list
check_exit "a NUL inside a line of a newline list" 1 agent-events --files-from nulin.list
check_grep "  reported" "^agent-events: nulin.list:3: a file name with a NUL byte in it; skipped\$" err
check "  the names around it read" cmp want2.jsonl out

## 5. output files: no symlink, no FIFO, no truncated hard link
umask 022
mkdir outs && cd outs || exit 1
printf 'a;b 3\na;c 4\n' > in.folded
folded2pprof in.folded > want.pb
folded2svg in.folded > want.svg
check_exit "folded2pprof -o a new file" 0 folded2pprof -o new.pb in.folded
check "  the profile" cmp want.pb new.pb
check_test "  mode 0666 minus the umask" "$(stat -c %a new.pb)" = 644
check_test "  no temporary left beside it" "$(ls -A | tr '\n' ' ')" = "err in.folded new.pb out want.pb want.svg "
chmod 600 new.pb
check_exit "folded2pprof -o an existing file" 0 folded2pprof -o new.pb in.folded
check_test "  keeps its mode" "$(stat -c %a new.pb)" = 600
echo precious > victim
ln victim hard
for p in folded2pprof folded2svg; do
	check_exit "$p -o a planted hard link" 0 $p -o hard in.folded
	check_test "  the linked file is not truncated" "$(cat victim)" = precious
	check_test "  the name is a new file" "$(stat -c %h hard)" = 1
	rm hard; ln victim hard
done
folded2pprof -o hard in.folded; check "  folded2pprof's is the profile" cmp want.pb hard
rm hard; ln victim hard
folded2svg -o hard in.folded; check "  folded2svg's is the graph" cmp want.svg hard
ln -s victim sym
for p in folded2pprof folded2svg; do
	check_exit "$p -o a planted symlink" 2 $p -o sym in.folded
	check_grep "  refused" "sym: .*is a symbolic link; not writing through it" err
	check_test "  the target untouched" "$(cat victim)" = precious
done
check_exit "-o through /dev/../ is an ordinary name" 2 folded2pprof -o "/dev/..$PWD/sym" in.folded
check_test "  the target untouched" "$(cat victim)" = precious
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	S=$(mktemp -d /dev/shm/ap83.XXXXXX)
	ln -s "$PWD/victim" "$S/link"
	check_exit "-o under /dev/shm is not followed either" 2 folded2pprof -o "$S/link" in.folded
	check_test "  the target untouched" "$(cat victim)" = precious
	rm -rf "$S"
else
	skip "no /dev/shm"; skip "no /dev/shm"
fi
mkfifo fifo
for p in folded2pprof folded2svg; do
	check_exit "$p -o a planted FIFO: an error, no hang" 2 timeout 10 $p -o fifo in.folded
	check_grep "  says what it is" "fifo: .*is a FIFO, not a regular file" err
done
mkdir adir
check_exit "-o a directory" 2 folded2pprof -o adir in.folded
check_exit "-o /dev/null still works" 0 folded2pprof -o /dev/null in.folded
check_exit "-o /dev/stdout into a pipe" 0 sh -c 'folded2svg -o /dev/stdout in.folded | cat > piped.svg'
check "  the graph" cmp want.svg piped.svg
check_exit "-o /dev/stdout redirected to a file" 0 sh -c 'folded2pprof -o /dev/stdout in.folded > redir.pb'
check "  the profile" cmp want.pb redir.pb
check_exit "-o /dev/fd/3" 0 sh -c 'folded2pprof -o /dev/fd/3 in.folded 3> fd3.pb'
check "  the profile" cmp want.pb fd3.pb
# a run that fails leaves no temporary and the old file as it was
# (a write error half way: EFBIG past ulimit -f, with SIGXFSZ ignored)
echo old > keep.svg
check_exit "a run that fails writing" 2 sh -c 'trap "" XFSZ; ulimit -f 1; exec folded2svg -o keep.svg in.folded'
errline "  says why" "folded2svg: write error: File too large"
check_test "  the old file kept" "$(cat keep.svg)" = old
check_test "  no temporary left" "$(ls -A | grep -c '^\.')" = 0
# agent-tag --stats-json: the same checks, a hard link refused
agent-events "$F/claude/calls.jsonl" > ev.jsonl 2>/dev/null
ln victim hard2
check_exit "agent-tag --stats-json a hard link" 1 agent-tag --stats-json hard2 ev.jsonl
check_test "  the linked file is not truncated" "$(cat victim)" = precious
check_grep "  says why" "hard2: cannot write: has other hard links" err
check_exit "agent-tag --stats-json a symlink" 1 agent-tag --stats-json sym ev.jsonl
check_test "  the target untouched" "$(cat victim)" = precious
cd .. || exit 1

## 6. --format report in time linear in sessions; bounded YAML
# 30000 one-prompt sessions: quadratic, this took about a minute; now a
# second or two (the timeout is generous for loaded machines)
awk -v N=30000 'BEGIN { for (i = 0; i < N; i++) {
	s = sprintf("s%06d", i); d = sprintf("2025-07-%02dT%02d:%02d:00.000Z", 1 + i % 28, int(i / 60) % 24, i % 60)
	printf "{\"kind\":\"session\",\"agent\":\"claude\",\"session\":\"%s\",\"ts\":\"%s\",\"cwd\":\"/w/app%d\"}\n", s, d, i % 50
	printf "{\"kind\":\"prompt\",\"agent\":\"claude\",\"session\":\"%s\",\"ts\":\"%s\",\"id\":\"p1\",\"prompt\":\"p1\",\"origin\":\"human\"}\n", s, d
	printf "{\"kind\":\"llm\",\"agent\":\"claude\",\"session\":\"%s\",\"ts\":\"%s\",\"id\":\"l1\",\"parent\":\"p1\",\"prompt\":\"p1\",\"model\":\"claude-sonnet-4-5-20250929\",\"duration_ms\":5000,\"tokens\":{\"input\":10,\"cache_read\":0,\"cache_write\":1000,\"output\":200},\"tools\":[\"Read\"]}\n", s, d
	printf "{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"%s\",\"ts\":\"%s\",\"id\":\"t1\",\"parent\":\"l1\",\"prompt\":\"p1\",\"tool\":\"Read\",\"status\":\"%s\",\"duration_ms\":3000}\n", s, d, (i % 3 ? "ok" : "error")
} }' > many.ndjson
check_exit "--format report over 30000 sessions, within 30 s" 0 timeout 30 agent-stack --format report many.ndjson
check_test "  one block per session" "$(grep -c '^== session ' out)" = 30000
# a session's block is what a report of that session alone says
awk '/^== session s012345 /,/^$/' out | sed '/^$/d' > block.a
agent-stack --format report --session-id s012345 many.ndjson > block.b
check "  and each block is that session's own report" cmp block.a block.b
check_grep "  (with its numbers)" '^sessions 1, 2025-07-26T13:45:00.000Z to 2025-07-26T13:45:00.000Z; prompts 1, model calls 1, tool calls 1 (failed 1)$' block.b
check_exit "--report-by all over 30000 sessions" 0 timeout 30 agent-stack --format report --report-by all many.ndjson
check_grep "  all of them" '^sessions 30000, .*prompts 30000, model calls 30000, tool calls 30000 (failed 10000)$' out
check_grep "  and the failures suggested" '^  - 10000 of 30000 tool calls failed (33%), 10000 of them Read' out
# YAML nested past 64 levels, or past 16 MiB, is refused before libyaml
# spends minutes on it
awk 'BEGIN { printf "models: "; for (i = 0; i < 200000; i++) printf "["; for (i = 0; i < 200000; i++) printf "]"; print "" }' > deep.yaml
check_exit "--prices with 200000 nested brackets" 2 timeout 30 agent-stack --prices deep.yaml --format report many.ndjson
check_grep "  says why" '^agent-stack: deep.yaml:1: nested deeper than 64 levels$' err
awk 'BEGIN { printf "models: "; for (i = 0; i < 65; i++) printf "{a: "; printf "1"; for (i = 0; i < 65; i++) printf "}"; print "" }' > deep65.yaml
check_exit "--prices nested 66 levels" 2 agent-stack --prices deep65.yaml --format report many.ndjson
check_grep "  refused" '^agent-stack: deep65.yaml:1: nested deeper than 64 levels$' err
# block nesting counts too; 63 levels under the top is still read (as a bad table)
awk 'BEGIN { print "models:"; for (i = 1; i < 70; i++) { for (j = 0; j < i; j++) printf "  "; printf "k%d:\n", i } }' > block.yaml
check_exit "--prices with block nesting past 64" 2 agent-stack --prices block.yaml --format report many.ndjson
check_grep "  refused at its line" '^agent-stack: block.yaml:65: nested deeper than 64 levels$' err
head -c 17000000 /dev/zero | tr '\0' ' ' > big.yaml
check_exit "--prices larger than 16 MiB" 2 agent-stack --prices big.yaml --format report many.ndjson
check_grep "  refused" '^agent-stack: big.yaml: larger than 16 MiB' err
check_exit "--rules with 200000 nested brackets" 2 timeout 30 agent-tag --rules deep.yaml ev.jsonl
check_grep "  says why" '^agent-tag: deep.yaml:1: nested deeper than 64 levels$' err
check_exit "--rules /dev/zero" 2 timeout 30 agent-tag --rules /dev/zero ev.jsonl
check_grep "  refused" '^agent-tag: /dev/zero: larger than 16 MiB' err
# a rules file nested 60 levels deep is not refused for its depth
awk 'BEGIN { printf "- {kind: prompt, tag: t, pattern: x, note: "; for (i = 0; i < 60; i++) printf "["; for (i = 0; i < 60; i++) printf "]"; print "}" }' > ok.yaml
check_exit "--rules nested 62 levels" 2 agent-tag --rules ok.yaml ev.jsonl
check_nogrep "  is not refused for its depth" 'nested deeper' err
rm -f many.ndjson big.yaml

## 7. empty input sorts nothing (qsort(NULL, 0) is undefined: the
## sanitizer build aborts on it); the pprof total stays below 2^63
: > empty.jsonl
for f in top tree report parallel; do
	check_exit "agent-stack --format $f on no records" 1 agent-stack --format $f empty.jsonl
	check_test "  no sanitizer report" "$(grep -c 'runtime error\|AddressSanitizer' err)" = 0
done
mkdir -p eh/.claude/projects/-x eh/.codex/sessions/2025/01/01 eh/.gemini/tmp/h/chats
check_exit "agent-sessions over empty session directories" 1 env -u CLAUDE_CONFIG_DIR -u CODEX_HOME agent-sessions --home eh
check_test "  no sanitizer report" "$(grep -c 'runtime error\|AddressSanitizer' err)" = 0
check_exit "agent-sessions --json over empty session directories" 1 env -u CLAUDE_CONFIG_DIR -u CODEX_HOME agent-sessions --json --home eh
printf 'a;b 9223372036854775807\na;c 1\na;b 5\nx 0\n' > huge.folded
check_exit "folded2pprof: counts whose total passes 2^63 - 1" 1 folded2pprof -o huge.pb huge.folded
check_out "  the lines that would pass it are reported and skipped" "$(printf '%s\n' \
	'folded2pprof: huge.folded:2: the total of the counts would pass 2^63 - 1; line skipped' \
	'folded2pprof: huge.folded: 1 more like line 2: the total of the counts would pass 2^63 - 1; line skipped')" cat err
printf 'a;b 9223372036854775807\nx 0\n' | folded2pprof -o want.pb
check "  the profile holds the rest" cmp want.pb huge.pb
printf 'a;b 3 9223372036854775807\na;c 4 1\n' > huge2.folded
check_exit "  and per sample type" 1 folded2pprof --sample-types before/count,after/count -o huge2.pb huge2.folded
check_grep "  reported" '^folded2pprof: huge2.folded:2: the total of the counts would pass 2^63 - 1; line skipped$' err
if have go && go tool pprof -h >/dev/null 2>&1; then
	go tool pprof -raw huge.pb > raw.txt 2>&1
	check_grep "pprof reads the largest sample whole" '^ 9223372036854775807: 1 2 $' raw.txt
	go tool pprof -top huge.pb > top.txt 2>&1
	check_nogrep "  and its total is not negative" ' of -' top.txt
else
	skip "no go tool pprof"; skip "no go tool pprof"
fi

echo "1..$_n"
done_testing
