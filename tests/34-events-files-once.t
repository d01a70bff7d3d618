#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events opens a file once: its head is read for the order in one
# read at offset 0, and the descriptor is kept for its turn while the
# limit on open files allows; the files past that allowance, and those
# read again, are opened by name.  Readers of regular files stop at the
# size the file had when a read reaches it.  Output is the same bytes
# either way: pinned here for every mix of kept and reopened files, heads
# shorter than, as long as and longer than the 64 KiB head, and files
# whose last read ends on, before and after the 1 MiB read buffer.
. "$(dirname "$0")/lib.sh"
plan 22

F=$TESTS/fixtures

# --- descriptors kept or not ----------------------------------------------------------
# 300 sessions of two files each (a parent and a resumed copy, whose calls
# the parent's reading must have seen), times out of order.
i=0
while [ $i -lt 300 ]; do
	s=$(printf '5e55a000-0000-4000-8000-%012d' $i)
	t=$(printf '2026-01-%02dT%02d:%02d:00Z' $((i % 28 + 1)) $((i % 24)) $((i % 60)))
	printf '{"parentUuid":null,"sessionId":"%s","cwd":"/p","version":"2.1.114","type":"user","message":{"role":"user","content":"go %d"},"uuid":"u%d","timestamp":"%s"}\n' "$s" $i $i "$t" > s$i.jsonl
	printf '{"parentUuid":"u%d","sessionId":"%s","cwd":"/p","type":"assistant","message":{"id":"m%d","role":"assistant","model":"claude-opus-4-1","content":[{"type":"text","text":"ok"}],"usage":{"input_tokens":%d,"output_tokens":2}},"uuid":"a%d","timestamp":"%s"}\n' $i "$s" $i $((i + 10)) $i "$t" >> s$i.jsonl
	cp s$i.jsonl r$i.jsonl
	i=$((i + 1))
done
ls s*.jsonl r*.jsonl | sort -r > list
agent-events -j 1 --files-from list > ref 2> ref.err
check_test "300 sessions: records were written" "$(grep -c '"kind":"llm"' ref)" = 300
# the allowance is the limit less a quarter of it, at least 256: none
# kept at 300, 44 at 300 + 44 * 4 / 3 = 358, some at 512, all at 4096
for lim in 300 358 512 4096; do
	for j in 1 2; do
		(ulimit -n $lim && agent-events -j $j --files-from list) > out 2> out.err
		if cmp -s ref out && cmp -s ref.err out.err; then ok "open files at most $lim, -j $j: the same bytes"
		else not_ok "open files at most $lim, -j $j: the same bytes"; diff ref out | head -5 | sed 's/^/# /'; fi
	done
done

# --- the descriptor table grown before the threads -----------------------------------
# Kept descriptors grow the kernel's table by doubling; in a process of
# more than one thread each growth waits for an RCU grace period.  So it
# is grown once, to the allowance and a margin, before any thread starts,
# by a descriptor duplicated to the top and closed again.  600 files at
# -j 2, under strace: the duplicate (at or above 600) comes before the
# first thread and is closed; with an allowance of 102 it is grown to 134;
# with one of 44 (the table's first 64 hold them) it is not.
if command -v strace > /dev/null && strace -o /dev/null true 2> /dev/null; then
	strace -f -o tr -e trace=fcntl,close,clone,clone3 agent-events -j 2 --files-from list > out 2> /dev/null
	awk '/F_DUPFD_CLOEXEC/ && !dup { split($0, a, "F_DUPFD_CLOEXEC, "); n = a[2] + 0; split($0, r, "= "); fd = r[2] + 0; dup = NR }
		/clone/ && !cl { cl = NR }
		dup && /close\(/ { sub(/.*close\(/, ""); if ($0 + 0 == fd) closed = 1 }
		END { print (dup && dup < cl && n >= 600 && fd >= n && closed) ? "grown first" : "dup " dup " at " n " -> " fd ", clone " cl ", closed " closed }' tr > got
	check_test "600 files, -j 2: the table grown to them before the first thread" "$(cat got)" = "grown first"
	check_same "600 files, -j 2, table grown: the same bytes" ref out
	(ulimit -n 358 && strace -f -o tr0 -e trace=fcntl agent-events -j 2 --files-from list > /dev/null 2>&1)
	check_test "an allowance of 102: grown to 102 and a margin of 32" \
		"$(grep -o 'F_DUPFD_CLOEXEC, [0-9]*' tr0)" = "F_DUPFD_CLOEXEC, 134"
	(ulimit -n 300 && strace -f -o tr1 -e trace=fcntl agent-events -j 2 --files-from list > /dev/null 2>&1)
	check_test "an allowance of 44: the table is not grown" "$(grep -c F_DUPFD tr1)" = 0
else
	skip "strace cannot trace here"; skip "strace"; skip "strace"; skip "strace"
fi

# --- records and messages in one stream ----------------------------------------------
# files read ahead go out in batches of whole buffers; a file with a
# message, or read in order, only after them: the stream of records and
# messages together is that of one thread
mkdir mix
long=$(head -c 3000 /dev/zero | tr '\0' y)
i=0
while [ $i -lt 200 ]; do
	sed "s/\"go $i\"/\"go $i $long\"/" s$i.jsonl > mix/s$i.jsonl
	[ $((i % 25)) = 7 ] && echo 'not json' >> mix/s$i.jsonl
	i=$((i + 1))
done
ls mix/* > mixlist
agent-events -j 1 --files-from mixlist > one 2>&1
check_test "mixed: output over several batches, with messages" \
	"$(wc -c < one) $(grep -c 'not JSON' one)" = "$(wc -c < one) 8"
for j in 2 3; do
	agent-events -j $j --files-from mixlist > out 2>&1
	check_same "mixed: records and messages in one stream, -j $j" one out
done
test "$(wc -c < one)" -gt 600000 || diag "mixed: only $(wc -c < one) bytes"

# --- heads around 64 KiB --------------------------------------------------------------
# b's only time comes in its second record, after PAD bytes of text: with
# it in the head (value and all) b is older than a, else it has no time
# and goes after a
mkb() {  # mkb FILE SESSION PAD
	printf '{"parentUuid":null,"sessionId":"%s","cwd":"/p","type":"user","message":{"role":"user","content":"%s"},"uuid":"%s-1"}\n' "$2" "$(head -c $3 /dev/zero | tr '\0' x)" "$2" > "$1"
	printf '{"timestamp":"2026-03-01T00:00:00Z","parentUuid":"%s-1","sessionId":"%s","cwd":"/p","type":"user","message":{"role":"user","content":"later"},"uuid":"%s-2"}\n' "$2" "$2" "$2" >> "$1"
}
# the key at byte 220, 65124, 65524 (its value cut by the head's end),
# 65534, 65544 (past it) and 70124
for pad in 100 65000 65400 65410 65420 70000; do
	printf '{"parentUuid":null,"sessionId":"H%s","cwd":"/p","type":"user","message":{"role":"user","content":"first"},"uuid":"H%s-0","timestamp":"2026-03-01T12:00:00Z"}\n' $pad $pad > h$pad-a.jsonl
	mkb h$pad-b.jsonl H$pad $pad
done
ls h*.jsonl > heads
files() { grep -o '"file":"[^"]*"' | uniq | cut -d'"' -f4 | tr '\n' ' '; }
want="h100-b.jsonl h100-a.jsonl h65000-b.jsonl h65000-a.jsonl h65400-a.jsonl h65400-b.jsonl \
h65410-a.jsonl h65410-b.jsonl h65420-a.jsonl h65420-b.jsonl h70000-a.jsonl h70000-b.jsonl "
check_test "heads around 64 KiB: a time counts when its value is in the head" \
	"$(agent-events -j 1 --files-from heads | files)" = "$want"
check_test "heads around 64 KiB: the same with no descriptor kept" \
	"$( (ulimit -n 64 && agent-events -j 2 --files-from heads) | files)" = "$want"

# --- a reader's last read on the size ---------------------------------------------------
# folded stacks of 64-byte lines: a file of exactly 1 MiB, one a byte
# short (no last newline), one past it (a last line without newline),
# 2 MiB and a line
line() { awk -v n=$1 'BEGIN { for (i = 0; i < n; i++) printf "main;f%06d;%s 1\n", i, substr("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, 48) }'; }
line 16384 > m0
head -c 1048575 m0 > m1
{ cat m0; printf 'main;z 1'; } > m2
{ line 32768; printf 'main;y 2\n'; } > m3
for f in m0 m1 m2 m3; do
	folded2pprof $f > file 2>&1
	cat $f | folded2pprof > pipe 2>&1
	check_same "$f, $(wc -c < $f) bytes: read as from a pipe" pipe file
done
done_testing
