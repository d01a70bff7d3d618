#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events groups a file under the first agent's group key found in
# its head (Claude Code's sessionId before Droid's session_id), so once
# sessionId has its string the scan stops looking for session_id; and
# finds a key after any quote, wherever it falls in the scan's steps.
. "$(dirname "$0")/lib.sh"
plan 3

# rec KEYS UUID TIME: one Claude Code record
rec() {
	printf '{"type":"user",%s"uuid":"%s","cwd":"/p","timestamp":"%s","message":{"role":"user","content":"hi %s"}}\n' \
		"$1" "$2" "$3" "$2"
}
# a: both keys, session_id first: grouped by sessionId (S-X), with b
rec '"session_id":"S-Y","sessionId":"S-X",' a1 2026-01-03T00:00:00Z > a.jsonl
rec '"session_id":"S-X",' b1 2026-01-02T00:00:00Z > b.jsonl
rec '"sessionId":"S-Y",' c1 2026-01-01T00:00:00Z > c.jsonl
rec '"sessionId":"S-Z",' d1 2026-01-02T12:00:00Z > d.jsonl
# e: a sessionId with no string to take: session_id groups it (S-X)
rec '"sessionId":"","session_id":"S-X",' e1 2026-01-04T00:00:00Z > e.jsonl
files() { grep -o '"file":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' '; }
check_test "sessionId groups a file before session_id does" \
	"$(agent-events -j 1 d.jsonl e.jsonl c.jsonl b.jsonl a.jsonl | files)" = \
	"c.jsonl b.jsonl a.jsonl e.jsonl d.jsonl "

# f0 .. f39: the time key after 0 to 39 bytes of padding, so that its
# quote falls on every place of a 32-byte step and the tail after them;
# each a day later than the one before, the files given in reverse
i=0 want= args=
while [ $i -lt 40 ]; do
	pad=$(printf '%*s' $i '' | tr ' ' x)
	printf '{"p":"%s","timestamp":"2026-02-%02dT00:00:00Z","type":"user","sessionId":"T-%02d","uuid":"u%d","message":{"role":"user","content":"x"}}\n' \
		"$pad" $((i % 28 + 1)) $i $i > f$i.jsonl
	# 28 days: days 1-12 have two files, ordered by session after time
	args="f$i.jsonl $args"
	i=$((i + 1))
done
want=$(for i in $(seq 0 39); do printf '%02d T-%02d f%d.jsonl\n' $((i % 28 + 1)) $i $i; done | sort | cut -d' ' -f3 | tr '\n' ' ')
check_test "a time key found at every place of the scan's step" \
	"$(agent-events -j 1 $args | files)" = "$want"
check_test "the same with threads" "$(agent-events -j 2 $args | files)" = "$want"
done_testing
