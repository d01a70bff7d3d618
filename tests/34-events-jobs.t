#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events -j: files read ahead by threads give the bytes, messages and
# status of one thread, in the same order, deduplicated across files the
# same way: resumed copies, a git remote learnt in an earlier file, forks.
# The corpus-wide twin is 34-events-jobs-corpus.t.
. "$(dirname "$0")/lib.sh"
plan 14

F=$TESTS/fixtures

# --- every fixture session in one run -------------------------------------------------
find "$F/claude" "$F/codex" "$F/gemini" "$F/detect" "$F/sessions" -type f \
	\( -name '*.jsonl' -o -name '*.json' \) | sort > all
check_test "fixtures: enough files for threads to share" "$(wc -l < all)" -gt 20
check_jobs "fixtures: -j 4 writes what -j 1 does" --files-from all
check_test "fixtures: records and messages were written" "$(wc -l < one) $(grep -c . one.err)" != "0 0"

# --- resumed copies: the copy's calls are known from the file before --------------------
mkdir copies
for f in "$F"/claude/*.jsonl "$F"/codex/*.jsonl; do
	b=$(basename "$f" .jsonl)
	cp "$f" "copies/$b.jsonl"
	cp "$f" "copies/$b-resumed.jsonl"
done
ls copies/* > copies.list
check_jobs "copies: -j 4 writes what -j 1 does" --files-from copies.list
agent-events -j 4 "$F/claude/calls.jsonl" > alone 2>/dev/null
agent-events -j 4 copies/calls.jsonl copies/calls-resumed.jsonl > both 2>/dev/null
check_test "copies: a copied call is counted once" \
	"$(grep -c '"kind":"llm"' both)" = "$(grep -c '"kind":"llm"' alone)"
(cd "$TESTS/fixtures" && agent-events -j 4 claude/resume-a.jsonl claude/resume-b.jsonl) |
	grep -v '^{"kind":"effect"' | sed 's/,"class":"[a-z]*"//' > four
check_same "resume fixture: -j 4 output is the expected one (30-events-claude.t)" "$F/claude/resume.out" four
cp "$F/claude/resume-a.jsonl" "$F/claude/resume-b.jsonl" .
check_jobs "resume fixture: -j 4 writes what -j 1 does" resume-a.jsonl resume-b.jsonl

# --- a git remote learnt in one file is the push's host in the next ---------------------
rec() {  # rec SESSION UUID TIME COMMAND: a model call running COMMAND, and its result
	printf '{"parentUuid":null,"isSidechain":false,"cwd":"/src/app","sessionId":"%s","version":"2.1.114","type":"user","message":{"role":"user","content":"ship it"},"uuid":"%s-u","timestamp":"%s"}\n' "$1" "$2" "$3"
	printf '{"parentUuid":"%s-u","isSidechain":false,"cwd":"/src/app","sessionId":"%s","version":"2.1.114","type":"assistant","message":{"id":"msg_%s","model":"claude-opus-4-7","role":"assistant","content":[{"type":"tool_use","id":"toolu_%s","name":"Bash","input":{"command":"%s"}}],"usage":{"input_tokens":3,"output_tokens":7}},"requestId":"req_%s","uuid":"%s-a","timestamp":"%s"}\n' "$2" "$1" "$2" "$2" "$4" "$2" "$2" "$3"
	printf '{"parentUuid":"%s-a","isSidechain":false,"cwd":"/src/app","sessionId":"%s","version":"2.1.114","type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_%s","type":"tool_result","content":"done","is_error":false}]},"uuid":"%s-r","timestamp":"%s"}\n' "$2" "$1" "$2" "$2" "$3"
}
mkdir git
rec s-one g1 2026-01-05T10:00:00.000Z "git remote add origin https://git.example.org/team/app.git" > git/a.jsonl
i=0
while [ $i -lt 8 ]; do
	rec "s-two$i" "p$i" "2026-01-05T11:0$i:00.000Z" "git push" > "git/b$i.jsonl"
	i=$((i + 1))
done
check_jobs "git remote: -j 4 writes what -j 1 does" git/*.jsonl
check_test "git remote: every later push goes to the remote learnt first" \
	"$(grep -c '"effect":"net".*"domain":"git.example.org"' four)" = 8

# --- -j 2: the main thread reads files too, in order and ahead; a file's
# records of 64 KiB or more are written from its own buffer, unless a
# message goes between them --------------------------------------------------------------
mkdir big
i=0
while [ $i -lt 24 ]; do
	k=0
	while [ $k -lt 120 ]; do
		rec "s-big$i" "b$i-$k" "2026-01-06T1$((i % 10)):00:00.000Z" "ls /tmp/dir$k"
		k=$((k + 1))
	done > "big/f$i.jsonl"
	[ $((i % 5)) = 2 ] && echo 'not json' >> "big/f$i.jsonl"
	[ $((i % 7)) = 3 ] && rec "s-big$i" "b$i-0" "2026-01-06T12:00:00.000Z" "ls" >> "big/f$i.jsonl"
	i=$((i + 1))
done
ls big/*.jsonl > big.list
agent-events -j 1 --files-from big.list > one 2> one.err; r1=$?
agent-events -j 2 --files-from big.list > two 2> two.err; r2=$?
check_test "big files: -j 1 writes over 64 KiB a file" "$(wc -c < one)" -gt $((24 * 65536))
check_test "big files: messages and status" "$(grep -c 'not JSON' one.err) $r1" = "5 1"
check_test "big files: -j 2 writes what -j 1 does" \
	"$(cmp one two && cmp one.err two.err && echo $r2)" = "$r1"

# --- the help names -j as the manual does ---------------------------------------------------
check_grep "--help names --jobs" "--jobs N" "$(agent-events --help > help; echo help)"
check_exit "-j 0 is a usage error" 2 agent-events -j 0 "$F/claude/calls.jsonl"
done_testing
