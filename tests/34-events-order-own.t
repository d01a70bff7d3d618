#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events orders a file by its own agent's keys: its agent sniffed
# from its head as its turn will sniff it (or --agent's), its age the
# earliest first value of that agent's time keys and its group the first
# of that agent's group keys found, in the first 64 KiB.  Another
# agent's key in the head (an older "startTime" or "created" in a Claude
# Code tool result, a "sessionId" in a Codex tool's output) counts for
# nothing; a file no agent knows is still ordered by every agent's keys.
# The head is read 4 KiB first, and no further than the sniff and the
# keys need.  The order is the same for any order of the operands and
# any -j.
. "$(dirname "$0")/lib.sh"
plan 14

pad() { head -c "$1" /dev/zero | tr '\0' x; }
# crec SESSION UUID TIME [EXTRA]: a Claude Code user record, EXTRA members
# before its message
crec() {
	printf '{"type":"user","sessionId":"%s","uuid":"%s","cwd":"/p",%s"message":{"role":"user","content":"hi %s"},"timestamp":"%s"}\n' \
		"$1" "$2" "${4:+$4,}" "$2" "$3"
}
# a: Claude Code, 01-05; its second record holds other agents' keys, older
crec S-A a1 2026-01-05T00:00:00Z > a.jsonl
crec S-A a2 2026-01-05T00:01:00Z '"toolUseResult":{"startTime":"2026-01-01T00:00:00Z","created":1767225600000,"session_id":"S-X"}' >> a.jsonl
# b: Claude Code, 01-03
crec S-B b1 2026-01-03T00:00:00Z > b.jsonl
# x: Codex, 01-04; its tool's output names session S-B and an older startTime
cat > x.jsonl <<'EOF'
{"timestamp":"2026-01-04T00:00:00.000Z","type":"session_meta","payload":{"id":"5e55c0de-0000-4000-8000-00000000000x","timestamp":"2026-01-04T00:00:00.000Z","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.63.0"}}
{"timestamp":"2026-01-04T00:00:01.000Z","type":"turn_context","payload":{"cwd":"/p","model":"gpt-5-codex"}}
{"timestamp":"2026-01-04T00:00:02.000Z","type":"event_msg","payload":{"type":"user_message","message":"look"}}
{"timestamp":"2026-01-04T00:00:03.000Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"cat\",\"s.json\"]}","call_id":"c1"}}
{"timestamp":"2026-01-04T00:00:04.000Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c1","output":{"sessionId":"S-B","startTime":"2026-01-02T00:00:00Z"}}}
EOF
# g: Gemini CLI, its own startTime (01-02) before its messages' times (01-06)
cat > g.jsonl <<'EOF'
{"sessionId":"G-1","projectHash":"0b7dfb1274ee51b336813b17f2ddab1f56b6591f723e7314126bbd502c69e9c9","startTime":"2026-01-02T00:00:00.000Z","lastUpdated":"2026-01-06T00:00:00.000Z","kind":"main"}
{"id":"m-u1","timestamp":"2026-01-06T00:00:00.000Z","type":"user","content":[{"text":"hello"}]}
EOF
# cfirst FILE SESSION END TIME EXTRA: a Claude Code file whose first
# record, after EXTRA and a long prompt, has its time's value end (its
# closing quote) at byte END; then a record of 2025, past the head
cfirst() {
	_pre=$(printf '{"type":"user","sessionId":"%s","uuid":"%s-1","cwd":"/p",%s,"message":{"role":"user","content":"' "$2" "$2" "$5")
	{
		printf '%s' "$_pre"
		pad $(($3 - ${#_pre} - 16 - ${#4}))
		printf '"},"timestamp":"%s"}\n' "$4"
		crec "$2" "$2-2" 2025-01-01T00:00:00Z
	} > "$1"
}
old='"toolUseResult":{"startTime":"2025-12-01T00:00:00Z","created":1764547200000}'
# p: its time at 20 KiB, past the first read (4 KiB) and 16 KiB
cfirst p.jsonl S-P 20000 2026-01-07T00:00:00Z "$old"
# q: its time's value ends on the head's last byte
cfirst q.jsonl S-Q 65535 2026-01-08T00:00:00Z "$old"
# r: its time's value ends one byte past the head: no time
cfirst r.jsonl S-R 65536 2026-01-06T00:00:00Z "$old"

check_test "the files' agents" \
	"$(agent-events --detect a.jsonl b.jsonl x.jsonl g.jsonl p.jsonl q.jsonl r.jsonl | cut -f1 | tr '\n' ' ')" \
	= "claude claude codex gemini claude claude claude "
check_test "the keys sit where the cases say" \
	"$(for f in p q r; do grep -bo '"timestamp":"[^"]*"' $f.jsonl | head -1 | cut -d: -f1; done | tr '\n' ' ')" \
	= "19967 65502 65503 "

all="a.jsonl b.jsonl x.jsonl g.jsonl p.jsonl q.jsonl r.jsonl"
files() { grep '"kind":"session"' | grep -o '"file":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' '; }
# g by its startTime (01-02), b (01-03), x alone (01-04: not in S-B), a
# (01-05), p and q by their first timestamps, however far into the head,
# and r, whose time the head cuts, last
want="g.jsonl b.jsonl x.jsonl a.jsonl p.jsonl q.jsonl r.jsonl "
check_test "each file ordered by its own agent's keys" "$(agent-events -j 1 $all | files)" = "$want"

# --- the order is the same for any operand order and any -j -----------------------
agent-events -j 1 $all > ref 2> ref.err
same=0
for args in "$all" "r.jsonl q.jsonl p.jsonl g.jsonl x.jsonl b.jsonl a.jsonl" \
    "x.jsonl r.jsonl a.jsonl g.jsonl q.jsonl b.jsonl p.jsonl"; do
	for j in 1 2 3; do
		agent-events -j $j $args > out 2> out.err
		cmp -s ref out && cmp -s ref.err out.err && same=$((same + 1))
	done
done
check_test "three operand orders, -j 1, 2 and 3: the same bytes" "$same" = 9
# 40 files (the head pass takes threads from 32 files on): 33 copies of b
# in sessions of their own, each a day before the next, given in reverse
i=0 many=
while [ $i -lt 33 ]; do
	crec "S-M$i" "m$i" "$(printf '2025-11-%02dT00:00:00Z' $((i % 28 + 1)))" > m$i.jsonl
	many="m$i.jsonl $many"
	i=$((i + 1))
done
agent-events -j 1 $many $all > ref 2> ref.err
same=0
for j in 2 3 4; do
	agent-events -j $j $all $many > out 2> out.err
	cmp -s ref out && cmp -s ref.err out.err && same=$((same + 1))
done
check_test "40 files read by the head threads: the same bytes" "$same" = 3
check_test "... in the order of their own times" "$(files < ref | sed 's/.*m[0-9]*\.jsonl //')" = "$want"

# --- --agent: that agent's keys --------------------------------------------------
# Claude Code's: x is grouped by the sessionId of its tool's output (S-B,
# after b), g by its messages' timestamp (01-06); the keys past the first
# 4 KiB read in steps
check_test "--agent claude: Claude Code's keys" "$(agent-events -j 1 --agent claude $all 2>/dev/null | files)" \
	= "b.jsonl x.jsonl a.jsonl g.jsonl p.jsonl q.jsonl r.jsonl "
check_test "... -j 2, operands reversed" \
	"$(agent-events -j 2 --agent claude r.jsonl q.jsonl p.jsonl g.jsonl x.jsonl b.jsonl a.jsonl 2>/dev/null | files)" \
	= "b.jsonl x.jsonl a.jsonl g.jsonl p.jsonl q.jsonl r.jsonl "
# Gemini CLI's: startTime counts, wherever it is (p, q, r: 2025-12-01, in
# session order; a: 2026-01-01; x: 01-02 in S-B, before b)
check_test "--agent gemini: Gemini CLI's keys" "$(agent-events -j 1 --agent gemini $all 2>/dev/null | files)" \
	= "p.jsonl q.jsonl r.jsonl a.jsonl g.jsonl x.jsonl b.jsonl "
# Codex's: no group key, timestamp its only time key
check_test "--agent codex: Codex's keys" "$(agent-events -j 1 --agent codex $all 2>/dev/null | files)" \
	= "b.jsonl x.jsonl a.jsonl g.jsonl p.jsonl q.jsonl r.jsonl "

# --- a file no agent knows: every agent's keys, the whole head -------------------
# u: OpenCode's "created" (2025-12-31) and a sessionId (S-B) past 60 KiB
{ printf '{"note":"%s"}\n' "$(pad 60000)"; printf '{"meta":{"created":1767139200000,"sessionId":"S-B"}}\n'; } > u.jsonl
check_test "u is no agent's" "$(agent-events --detect u.jsonl 2>/dev/null | cut -f1)" = "-"
agent-events -j 1 $all u.jsonl > out 2> out.err
check_test "a file of no agent: ordered by every agent's keys (S-B first)" \
	"$(files < out)" = "b.jsonl g.jsonl x.jsonl a.jsonl p.jsonl q.jsonl r.jsonl "

# --- how far a head is read --------------------------------------------------------
# a Codex file is known from its first 4 KiB, its time and (no) group
# from its first line: one read of 4 KiB; a Claude Code file's agent
# needs its whole head (its first 50 lines' share of records), read then
# in one more; a file shorter than 4 KiB is read whole at once
{ cat x.jsonl; i=0; while [ $i -lt 400 ]; do sed -n 3p x.jsonl; i=$((i + 1)); done; } > bigx.jsonl
{ cat a.jsonl; i=0; while [ $i -lt 400 ]; do sed -n 2p a.jsonl; i=$((i + 1)); done; } > biga.jsonl
if command -v strace > /dev/null && strace -o /dev/null true 2> /dev/null; then
	strace -o tr -e trace=openat,pread64 agent-events -j 1 bigx.jsonl biga.jsonl b.jsonl > out 2> /dev/null
	# the reads of the heads: those after the first of the files is opened
	check_test "reads: bigx 4 KiB; biga 4 KiB then the rest of 64 KiB; b whole" \
		"$(sed -n '/^openat(.*"bigx.jsonl"/,$ s/^pread64([0-9]*, .*, \([0-9]*\), \([0-9]*\)) = \([0-9]*\)$/\1@\2=\3/p' tr | tr '\n' ' ')" \
		= "4096@0=4096 4096@0=4096 61440@4096=61440 4096@0=$(wc -c < b.jsonl) "
	check_test "... and their order" "$(files < out)" = "b.jsonl bigx.jsonl biga.jsonl "
else
	skip "strace cannot trace here"; skip "strace"
fi
done_testing
