#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events orders files by their heads (their agent's group and time
# keys in the first 64 KiB, the first 4 KiB first): a key or value cut by
# the end of the first 4 KiB is read whole from the rest of the head, one
# cut by the head's end is not there.  (A Claude Code file's agent is
# sniffed from its whole head, its keys then looked for in it at once;
# with --agent they are looked for in the first 4 KiB first.)
. "$(dirname "$0")/lib.sh"
plan 5

pad() { head -c "$1" /dev/zero | tr '\0' x; }
# first FILE SESSION AT KEYS: a Claude Code file whose first line's KEYS
# start AT bytes into it, and a second line of SESSION
first() {
	_pre='{"type":"user","message":{"role":"user","content":"'
	{
		printf '%s' "$_pre"
		pad $(($3 - ${#_pre} - 3))
		printf '"},%s\n' "$4"
		printf '{"type":"user","sessionId":"%s","uuid":"%s-2","cwd":"/p","message":{"role":"user","content":"next"}}\n' "$2" "$2"
	} > "$1"
}
# a: the time's value runs across byte 4096
first a.jsonl S-A 4080 '"timestamp":"2026-01-03T00:00:00Z","sessionId":"S-A","uuid":"a1","cwd":"/p"}'
# b: the key "timestamp" itself runs across byte 4096
first b.jsonl S-B 4090 '"timestamp":"2026-01-01T12:00:00Z","sessionId":"S-B","uuid":"b1","cwd":"/p"}'
# c: a time in milliseconds (2026-01-02), its 13 digits across byte 4096
first c.jsonl S-C 4078 '"timestamp":1767312000000,"sessionId":"S-C","uuid":"c1","cwd":"/p"}'
# d: 14 digits, no time, though 13 of them come before byte 4096; the
# file's time is the one after (2026-01-05)
first d.jsonl S-D 4071 '"timestamp":17672256000001,"x":{"timestamp":"2026-01-05T00:00:00Z"},"sessionId":"S-D","uuid":"d1","cwd":"/p"}'
# e: a time whose value runs past the head's end (65536 bytes): no time
l1='{"type":"user","sessionId":"S-E","uuid":"e0","cwd":"/p","message":{"role":"user","content":"hi"}}'
{ echo "$l1"; first tail S-E $((65520 - ${#l1} - 1)) '"timestamp":"2026-01-01T06:00:00Z","sessionId":"S-E","uuid":"e1","cwd":"/p"}'; head -1 tail; } > e.jsonl

check_test "the keys sit where the cases say" \
	"$(for f in a b c d e; do grep -bo '"timestamp' $f.jsonl | head -1 | cut -d: -f1; done | tr '\n' ' ')" \
	= "4080 4090 4078 4071 65520 "
order() { agent-events "$@" a.jsonl e.jsonl d.jsonl c.jsonl b.jsonl 2>&1 | grep -o '"session":"S-[A-E]"' | uniq | cut -d'"' -f4 | tr '\n' ' '; }
check_test "files in the order of their heads' times, the timeless last" "$(order -j 1)" = "S-B S-C S-A S-D S-E "
check_test "the same with threads" "$(order -j 2)" = "S-B S-C S-A S-D S-E "
check_test "--agent claude: the keys looked for in steps" "$(order -j 1 --agent claude)" = "S-B S-C S-A S-D S-E "
check_test "... with threads" "$(order -j 2 --agent claude)" = "S-B S-C S-A S-D S-E "
done_testing
