#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-tag reading a pipe: lines are borrowed from the blocks read and
# written from where they lie.  The same bytes as from a file (mapped,
# lines copied) whatever the pipe's writes cut: lines across the 1 MiB
# blocks, writes of a few bytes, CRLF and blank lines, a last line with no
# newline, a line over the limit; a session whose records come all
# through 20 MB of others, so that the blocks it borrows from pass the
# 16 MiB kept and its lines are copied out; two inputs, a pipe and a file.
# The sessions held when a pipe ends are written from its blocks at the
# end, or copied out of them when another input follows: two pipes, a
# pipe and a file that cannot be read.
. "$(dirname "$0")/lib.sh"
plan 17

# s sessions of a prompt, a model call, a tool call and an effect each;
# session x gets one record every 40 sessions; every 97th line ends in
# CRLF, every 89th is followed by a blank one
gen() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n; i++) {
			s = sprintf("\"agent\":\"claude\",\"session\":\"s%d\"", i)
			print "{\"kind\":\"session\"," s ",\"ts\":\"2026-01-01T00:00:00.000Z\",\"cwd\":\"/p\"}"
			print "{\"kind\":\"prompt\"," s ",\"id\":\"u" i "\",\"prompt\":\"u" i "\",\"origin\":\"human\",\"text\":\"please fix the failing test " i "\"}"
			for (j = 1; j <= 3; j++) {
				c = "m" i "_" j
				l = "{\"kind\":\"llm\"," s ",\"id\":\"" c "\",\"parent\":\"u" i "\",\"prompt\":\"u" i "\",\"model\":\"m\",\"tokens\":{\"input\":4,\"output\":40},\"tools\":[\"Read\"],\"tool_kinds\":[\"read\"],\"text\":\"step " j "\"}"
				if ((++k) % 97 == 0) l = l "\r"
				print l
				if (k % 89 == 0) print ""
				print "{\"kind\":\"tool\"," s ",\"id\":\"t" c "\",\"parent\":\"" c "\",\"prompt\":\"u" i "\",\"tool\":\"Read\",\"tool_kind\":\"read\",\"status\":\"ok\",\"class\":\"read\"}"
				print "{\"kind\":\"effect\"," s ",\"id\":\"t" c "#1\",\"parent\":\"t" c "\",\"prompt\":\"u" i "\",\"status\":\"ok\",\"effect\":\"read\",\"class\":\"read\",\"path\":\"/p/a.c\"}"
			}
			if (i % 40 == 0)
				print "{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"x\",\"id\":\"x" i "\",\"prompt\":\"ux\",\"tool\":\"Bash\",\"tool_kind\":\"shell\",\"class\":\"test\"}"
		}
		printf "{\"kind\":\"prompt\",\"agent\":\"claude\",\"session\":\"x\",\"id\":\"ux\",\"prompt\":\"ux\",\"origin\":\"human\",\"text\":\"go\"}"
	}'
}
gen 12000 > big.ndjson
agent-tag big.ndjson > want 2> want.err
check_test "agent-tag: a 20 MB file: exit 0" "$?" = 0
check_test "  more than 16 MiB of it" "$(wc -c < big.ndjson)" -gt 17000000
cat big.ndjson | agent-tag > out 2> err
check_same "agent-tag: the same bytes from a pipe" want out
gen 12000 | agent-tag > out 2> err
check_same "  written a few KB at a time" want out
# the blocks come from arenas of address space (tagread.c); arenas of two
# blocks each (many arenas, blocks given back and their places taken
# again), and none (each block mapped alone)
cat big.ndjson | env AGENTPPROF_TEST_ARENA=2 agent-tag > out 2> err
check_same "  the same with arenas of two blocks" want out
cat big.ndjson | env AGENTPPROF_TEST_ARENA=0 agent-tag > out 2> err
check_same "  the same with each block mapped alone" want out
check_test "  the session all through is tagged by the work of all its records" \
	"$(grep -c '"session":"x".*"tags":{"session":"test","prompt":"test"},"rule":"effects:test"' out)" = 1
# memory: the blocks that hold a few lines of session x among the lines
# of sessions written long ago are copied out and go, so twice the input
# takes no more memory; one long session's blocks, all of them its lines,
# stay (copying them out would take as much as it gives back), and its
# lines are held once
if [ "${SAN:-0}" = 1 ] || [ ! -x /usr/bin/time ]; then
	skip "peak memory: a sanitizer build, or no /usr/bin/time"
	skip "peak memory: a sanitizer build, or no /usr/bin/time"
	skip "peak memory: a sanitizer build, or no /usr/bin/time"
else
	gen 24000 > big2.ndjson
	cat big.ndjson | /usr/bin/time -f %M -o rss1 agent-tag > /dev/null
	cat big2.ndjson | /usr/bin/time -f %M -o rss2 agent-tag > /dev/null
	check_test "agent-tag: a pipe of 45 MB in no more memory than one of 22 MB ($(cat rss1) KiB, $(cat rss2) KiB)" \
		"$(cat rss2)" -lt $(($(cat rss1) + 4096))
	rm -f big2.ndjson
	awk '{ sub(/"session":"[^"]*"/, "\"session\":\"one\""); print }' big.ndjson > one.ndjson
	agent-tag one.ndjson > want 2> want.err
	cat one.ndjson | /usr/bin/time -f %M -o rss3 agent-tag > out 2> err
	check_same "agent-tag: one session of 22 MB from a pipe" want out
	check_test "  held once: $(cat rss3) KiB" "$(cat rss3)" -lt $(($(wc -c < one.ndjson) / 1024 * 3 / 2 + 8192))
fi
# small: lines cut by writes of 1 to 7 bytes
gen 60 > small.ndjson
agent-tag small.ndjson > want 2> want.err
awk '{ printf "%s\n", $0; fflush() }' small.ndjson | agent-tag > out 2> err
check_same "agent-tag: a pipe written a line at a time" want out
agent-tag small.ndjson small.ndjson > want 2> want.err
cat small.ndjson | agent-tag - small.ndjson > out 2> err
check_same "agent-tag - FILE: a pipe whose last line has no newline, then a file" want out
rm -f fifo
mkfifo fifo
cat small.ndjson > fifo &
cat small.ndjson | agent-tag fifo - > out 2> err
wait
check_same "agent-tag FIFO -: two pipes, the sessions of the first held into the second" want out
agent-tag big.ndjson small.ndjson > want 2> want.err
cat small.ndjson > fifo &
cat big.ndjson | agent-tag - fifo > out 2> err
wait
check_same "agent-tag - FIFO: a pipe of 20 MB, then a pipe" want out
agent-tag small.ndjson nosuch > want 2> want.err
cat small.ndjson | agent-tag - nosuch > out 2> err
check_same "agent-tag - MISSING: the held sessions of the pipe, written at the end" want out
# a line over the limit (lowered for the tests) in the middle
{ head -n 100 small.ndjson; head -c 1500000 /dev/zero | tr '\0' x; echo; tail -n 100 small.ndjson; } > long.ndjson
env AGENTPPROF_TEST_MAXLINE=1048576 agent-tag long.ndjson > want 2> want.err
env AGENTPPROF_TEST_MAXLINE=1048576 sh -c 'cat long.ndjson | agent-tag' > out 2> err
check_same "agent-tag: a line over the limit from a pipe: the lines around it" want out
sed 's/long.ndjson/(stdin)/' want.err > want2.err
check_same "  and the message" want2.err err
done_testing
