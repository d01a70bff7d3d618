#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-ledger: the same sessions added twice, a session that grew, a
# resumed copy added after its original, two writers at once, a writer
# killed midway, a torn last line, pruning and its horizon: each record
# once, and agent-stack reads the ledger as it reads agent-events' output.
. "$(dirname "$0")/lib.sh"
FX=$TOP/tests/fixtures
plan 47

views="tasks system tokens cost files time"
# same_views DESC A B: every view of agent-stack gives the same stacks
same_views() {
	_bad=
	for v in $views; do
		agent-stack -v "$v" ${4:-} "$2" > va.folded 2>/dev/null
		agent-stack -v "$v" ${4:-} "$3" > vb.folded 2>/dev/null
		cmp -s va.folded vb.folded || _bad="$_bad $v"
		[ -s va.folded ] || _bad="$_bad $v(empty)"
	done
	if [ -z "$_bad" ]; then ok "$1"; else not_ok "$1"; diag "views that differ:$_bad"; fi
}
# once FILE: no key is there twice (kind, agent, session, subagent, id;
# llm updates apart)
once() {
	jq -r 'select(.update != true and .kind != "ledger") |
		[.kind, .agent, (if .kind == "session" then .session + "/" + (.subagent // "") else .id end)] | @tsv' "$1" |
		sort | uniq -d
}

# --- the same sessions twice, a resumed copy ----------------------------------
agent-events --no-text "$FX/claude/resume-a.jsonl" > a.ev
agent-events --no-text "$FX/claude/resume-b.jsonl" > b.ev
agent-events --no-text "$FX/claude/resume-a.jsonl" "$FX/claude/resume-b.jsonl" > ab.ev
check_exit "add a session" 0 agent-ledger -v L a.ev
check_same "a new ledger holds the input as it came" a.ev L
check_grep "-v says what it did" "L: 5 records read, 5 added, 0 already there, 0 updates" err
cp L L.1
check_exit "add the same session again" 0 agent-ledger -v L a.ev
check_same "adding the same session again changes nothing" L.1 L
check_grep "-v: all already there" "L: 5 records read, 0 added, 5 already there" err
check_exit "add its resumed copy" 0 agent-ledger L b.ev
check_same "a resumed copy added after its original: as agent-events read both at once" ab.ev L
same_views "every view of the ledger is that of agent-events over both" L ab.ev

# --- a session that grew: partial usage first, then the final one ---------------
head -n 3 "$FX/claude/calls.jsonl" > grow.jsonl
printf '{"parentUuid":"a1","type":"assist' >> grow.jsonl   # still being written
agent-events --no-text grow.jsonl > g1.ev 2>/dev/null
agent-events --no-text "$FX/claude/calls.jsonl" > g2.ev 2>/dev/null
agent-ledger G g1.ev 2>/dev/null
check_exit "add the grown session" 0 agent-ledger -v G g2.ev
check_grep "the grown call gets an update" "17 records read, 14 added, 2 already there, 1 updates" err
check_out "the update adds what the call has more, with the call's keys" \
	'{"kind":"llm","agent":"claude","session":"s-calls","ts":"2026-01-05T10:00:02.000Z","id":"msg_A","parent":"u1","prompt":"u1","model":"claude-opus-4-7","update":true,"tokens":{"input":0,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":84,"reasoning":0}}' \
	grep '"update":true' G
views="tasks system tokens cost files"
same_views "the grown ledger's views are those of the whole session (time apart)" G g2.ev
check_test "tokens of the grown ledger: the final output, counted once" \
	"$(agent-stack -v tokens -w output G | awk '{s += $NF} END {print s}')" = \
	"$(agent-stack -v tokens -w output g2.ev | awk '{s += $NF} END {print s}')"
cp G G.1
agent-ledger G g1.ev g2.ev 2>/dev/null
check_same "the shorter copy again, then the grown one: nothing to add" G.1 G

# --- updates within one input, an update without its call -----------------------
cat > up.ev <<'EOF'
{"kind":"session","agent":"claude","session":"s9","ts":"2026-02-01T09:00:00.000Z","cwd":"/w"}
{"kind":"prompt","agent":"claude","session":"s9","ts":"2026-02-01T09:00:00.000Z","id":"p9","prompt":"p9","origin":"human"}
{"kind":"llm","agent":"claude","session":"s9","ts":"2026-02-01T09:00:01.000Z","id":"m9","parent":"p9","prompt":"p9","model":"claude-sonnet-4","tokens":{"input":10,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":5,"reasoning":0}}
{"kind":"llm","agent":"claude","session":"s9","ts":"2026-02-01T09:00:01.000Z","id":"m9","parent":"p9","prompt":"p9","model":"claude-sonnet-4","update":true,"tokens":{"input":0,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":15,"reasoning":0}}
EOF
agent-ledger U up.ev
check_same "a call and its update, new to the ledger: kept as they came" up.ev U
# the same call again from a run that saw only the final copy
sed -n 3p up.ev | sed 's/"output":5/"output":20/' > up2.ev
agent-ledger U up2.ev
check_same "the final copy alone (20 = 5 + 15): nothing to add" up.ev U
sed -n 3p up.ev | sed 's/"output":5/"output":26/; s/"input":10/"input":9/' > up3.ev
agent-ledger U up3.ev
check_out "a copy with more output: an update of 6, and never less input" \
	'{"kind":"llm","agent":"claude","session":"s9","ts":"2026-02-01T09:00:01.000Z","id":"m9","parent":"p9","prompt":"p9","model":"claude-sonnet-4","update":true,"tokens":{"input":0,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":6,"reasoning":0}}' \
	tail -n 1 U
check_test "tokens: input 10, output 26" \
	"$(agent-stack -v tokens U | awk '{s += $NF} END {print s}')" = 36

# Gemini's ids are made per session: two sessions' "g-1" are two records
cat > gem.ev <<'EOF'
{"kind":"prompt","agent":"gemini","session":"ga","ts":"2026-02-01T09:00:00.000Z","id":"g-1","prompt":"g-1"}
{"kind":"prompt","agent":"gemini","session":"gb","ts":"2026-02-01T09:00:00.000Z","id":"g-1","prompt":"g-1"}
{"kind":"prompt","agent":"claude","session":"ca","ts":"2026-02-01T09:00:00.000Z","id":"u-1","prompt":"u-1"}
{"kind":"prompt","agent":"claude","session":"cb","ts":"2026-02-01T09:00:00.000Z","id":"u-1","prompt":"u-1"}
EOF
agent-ledger K gem.ev
check_out "per-session ids are keyed with their session, global ones without" \
	"$(printf 'ga\ngb\nca')" jq -r .session K

# --- two writers at once ------------------------------------------------------------
sh "$TOP/scripts/gen-history" 12 claude > big.jsonl
agent-events --no-text big.jsonl > big.ev
agent-ledger REF big.ev
n=$(wc -l < big.ev)
# the first writer holds the lock while its input trickles in: wait
# until it holds it (flock(1) tries the same flock(2)), however loaded
{ head -n 100 big.ev; sleep 3; tail -n +101 big.ev; } | agent-ledger W - &
w1=$!
i=0
while { [ ! -e W ] || flock -n W true; } && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
agent-ledger W big.ev ab.ev &
w2=$!
sleep 0.5
if kill -0 $w2 2>/dev/null; then ok "the second writer waits for the first one's lock"; else
	not_ok "the second writer waits for the first one's lock"; fi
wait $w1; s1=$?
wait $w2; s2=$?
check_test "both writers succeed" "$s1/$s2" = 0/0
check_test "each record once" "$(once W | wc -l)" = 0
check_test "the ledger holds both inputs: $n + 8 records" "$(wc -l < W)" = $((n + 8))
head -n "$n" W > W.head
check_same "the first writer's records, in order, then the second's new ones" REF W.head
# two writers started together on the same input: the same file as one
agent-ledger W2 big.ev & agent-ledger W2 big.ev & wait
check_same "two writers of the same input at once: as one" REF W2

# --- a writer killed midway ------------------------------------------------------
# Appends go out a megabyte at a time: feed a bit more than that, kill the
# writer while it waits for the rest, and add the whole input again.
sz=$(wc -c < big.ev)
check_test "the input is over a megabyte ($sz bytes)" "$sz" -gt 1200000
mkfifo feed
agent-ledger KL feed &
wk=$!
( head -c 1150000 big.ev | sed '$d'; exec sleep 30 ) > feed &
feeder=$!
i=0
while [ ! -s KL ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5   # the megabyte is written: the writer waits for more input
kill -9 $wk 2>/dev/null; wait $wk 2>/dev/null
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
k=$(wc -l < KL)
check_test "the killed writer left part of the input ($k of $n records)" "$k" -gt 0
check_test "... whole records only" "$(tail -c 1 KL | od -An -c | tr -d ' ')" = '\n'
agent-ledger KL big.ev
check_same "adding again after the kill: the ledger one run makes" REF KL

# --- a torn last line ---------------------------------------------------------------
head -c 5000 REF > T
check_test "a cut copy ends mid-line" "$(tail -c 1 T | od -An -c | tr -d ' ')" != '\n'
check_exit "a torn last line is cut off" 0 agent-ledger T big.ev
check_grep "... and said so" "T: the last line has no newline" err
check_same "... and the ledger is whole again" REF T

# --- other programs read it --------------------------------------------------------
agent-tag < L > L.tagged
check_test "agent-tag reads the ledger" "$(wc -l < L.tagged)" = "$(wc -l < L)"
check_nogrep "no free text in a ledger, whatever the input" '"text"' L
agent-events "$FX/claude/calls.jsonl" 2>/dev/null | agent-ledger TX
check_nogrep "... not even from input with text" '"text"' TX

# --- pruning ----------------------------------------------------------------------
cat up.ev > pr.ev
cat >> pr.ev <<'EOF'
{"kind":"prompt","agent":"claude","session":"s9","ts":"2026-02-03T23:59:00.000Z","id":"p10","prompt":"p10","origin":"human"}
{"kind":"llm","agent":"claude","session":"s9","ts":"2026-02-03T23:59:30.000Z","id":"m10","parent":"p10","prompt":"p10","model":"claude-sonnet-4","tokens":{"input":7,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":3,"reasoning":0}}
{"kind":"llm","agent":"claude","session":"s9","ts":"2026-02-04T00:00:30.000Z","id":"m11","parent":"p10","prompt":"p10","model":"claude-sonnet-4","tokens":{"input":8,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":4,"reasoning":0}}
{"kind":"session","agent":"claude","session":"s8","ts":"2026-01-01T09:00:00.000Z","cwd":"/old"}
{"kind":"prompt","agent":"claude","session":"s8","ts":"2026-01-01T09:00:00.000Z","id":"p8","prompt":"p8","origin":"human"}
EOF
agent-ledger P pr.ev
cp P P.all
check_exit "prune before a time" 0 agent-ledger -v --prune-before 2026-02-04 P
check_out "the horizon, then the prompt that spans it, whole, with its session" \
	"$(printf '%s\n' '{"kind":"ledger","ts":"2026-02-04T00:00:00.000Z"}'; sed -n '1p;5,7p' pr.ev)" cat P
check_grep "-v: kept and dropped" "P: 4 records kept, 5 before 2026-02-04T00:00:00.000Z dropped" err
views="tasks tokens cost time"
same_views "--since the horizon: the same stacks before and after the prune" P P.all "--since 2026-02-04"
cp P P.1
agent-ledger P pr.ev
check_same "adding the pruned records again: kept out by the horizon" P.1 P
agent-ledger --prune-before 2026-01-01 P
check_same "a horizon only moves forward" P.1 P

# --- the EXAMPLES of agent-ledger(1), as printed, on a home with sessions ---------
mkdir -p home/.claude/projects/-home-dev-todo-api home/.codex/sessions/2026/03/03 ex
cp "$TOP/share/examples/claude-todo-api.jsonl" home/.claude/projects/-home-dev-todo-api/7f3c2a10-5b1e-4c8a-9d2f-0a1b2c3d4e5f.jsonl
cp "$TOP/share/examples/codex-todo-api.jsonl" home/.codex/sessions/2026/03/03/rollout-2026-03-03T14-00-00-019a7c2e-4b5d-7e8f-9a0b-1c2d3e4f5a6b.jsonl
sed -n '/^\.Sh EXAMPLES/,/^\.Sh [^E]/p' "$TOP/man/agent-ledger.1" | sed -n 's/^\$ //p' |
	sed 's/\\e/\\/g; s/\\-/-/g' > examples
check_test "agent-ledger(1) has three examples" "$(wc -l < examples)" = 3
i=0
while IFS= read -r cmd; do
	i=$((i + 1))
	(cd ex && HOME=$TMP/home sh -c "$cmd") > ex.out 2> ex.err
	check_test "example $i runs: $cmd" "$?" = 0
done < examples
done_testing
