#!/bin/sh
# SPDX-License-Identifier: MIT
# A file whose head the ordering pass sniffed keeps that agent for its
# turn, and is not sniffed again, when it has not changed since: same
# size and change time, and that change time older than the pass by
# some seconds (a write in the same tick of the clock would leave it as
# it was).  AGENTPPROF_TEST_QUIET sets those seconds: a large number
# keeps no agent (every file is sniffed at its turn, as before), a
# negative one keeps every file's.  Both must give the same records;
# and a file rewritten in place between the pass and its turn, to the
# same size, is sniffed again and read as what it has become.
. "$(dirname "$0")/lib.sh"
plan 5

never=1000000000 always=-1000000000
find "$TESTS/fixtures" -type f \( -name '*.jsonl' -o -name '*.json' \) | sort > fixtures
[ -d "$SHARED/corpus" ] && find "$SHARED/corpus" -type f \( -name '*.jsonl' -o -name '*.json' \) | sort > corpus
for j in 1 2; do
	AGENTPPROF_TEST_QUIET=$never agent-events -j$j --files-from fixtures > sniffed 2> sniffed.err
	AGENTPPROF_TEST_QUIET=$always agent-events -j$j --files-from fixtures > kept 2> kept.err
	if cmp -s sniffed kept && cmp -s sniffed.err kept.err && [ -s kept ]; then
		ok "the fixtures, -j$j: the same records with every agent kept as with none"
	else
		not_ok "the fixtures, -j$j: the same records with every agent kept as with none"
		diff sniffed kept | head -10 | sed 's/^/# /'
	fi
done
if [ -s corpus ] 2>/dev/null; then
	AGENTPPROF_TEST_QUIET=$never agent-events --files-from corpus > sniffed 2> sniffed.err
	AGENTPPROF_TEST_QUIET=$always agent-events --files-from corpus > kept 2> kept.err
	if cmp -s sniffed kept && cmp -s sniffed.err kept.err; then
		ok "the corpus: the same records with every agent kept as with none"
	else
		not_ok "the corpus: the same records with every agent kept as with none"
	fi
else
	skip "no corpus at $SHARED/corpus"
fi

# b.jsonl: a Claude Code session of February, rewritten in place, at the
# same size, into a Codex rollout while the files before it (a.jsonl, a
# January session whose records fill the pipe and then some) are
# written: its turn reads a Codex rollout
sh "$TOP/scripts/gen-history" 40 claude > a.jsonl
claude() {
	printf '{"type":"user","sessionId":"S-B","uuid":"b1","cwd":"/p","message":{"role":"user","content":"hi"},"timestamp":"2026-02-01T00:00:00Z","pad":"%s"}\n' "$1"
}
codex() {
	printf '{"timestamp":"2026-02-01T00:00:00.000Z","type":"session_meta","payload":{"id":"5e55c0de-0000-4000-8000-0000000000b1","timestamp":"2026-02-01T00:00:00.000Z","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.63.0"}}\n'
	printf '{"timestamp":"2026-02-01T00:00:01.000Z","type":"event_msg","payload":{"type":"user_message","message":"look %s"}}\n' "$1"
}
n1=$(claude "" | wc -c) n2=$(codex "" | wc -c)
if [ "$n1" -lt "$n2" ]; then
	claude "$(printf '%*s' $((n2 - n1)) '' | tr ' ' x)" > b.jsonl; codex "" > b.new
else
	claude "" > b.jsonl; codex "$(printf '%*s' $((n1 - n2)) '' | tr ' ' x)" > b.new
fi
check_test "the rewrite is of the same size" "$(wc -c < b.jsonl)" = "$(wc -c < b.new)"
mkfifo out.fifo
AGENTPPROF_TEST_QUIET=$always agent-events -j1 a.jsonl b.jsonl > out.fifo 2> run.err &
pid=$!
exec 3< out.fifo
# the first record: the pass is over, a.jsonl's turn has come
dd bs=1 count=1 <&3 > first 2> /dev/null
sleep 0.2
dd if=b.new of=b.jsonl conv=notrunc 2> /dev/null
cat <&3 > rest
exec 3<&-
wait $pid
st=$?
grep -c '"session":"5e55c0de-0000-4000-8000-0000000000b1"' rest > n.codex
check_test "the file rewritten after the pass is read as a Codex rollout (exit $st)" "$(cat n.codex)" -ge 2
