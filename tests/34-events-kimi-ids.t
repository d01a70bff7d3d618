#!/bin/sh
# SPDX-License-Identifier: MIT
# Kimi's step and prompt ids ("<session>[:<agent>]:s<turn>.<step>",
# "...:p<turn>") are whole however long the session's directory name: the
# fixture's session under a name of 100 bytes and of 240 to 255, its
# subagent under a name of 100.  The model calls' ids are the short
# name's with the name swapped, every one of them: an id cut at 255 bytes
# (as before) made the steps of a long name one call, and the others'
# tokens were lost without a word.
. "$(dirname "$0")/lib.sh"
plan 26
S=$TESTS/fixtures/kimi/share/sessions/c7344a2fb68e27bcfcb167d33a28ad5d/4b1d0000-0000-4000-8000-000000000001
rep() { printf "%${2}s" | tr ' ' "$1"; }
agent=$(rep a 100)
# make L: the session named by L bytes of "s"
make() {
	n=$(rep s "$1")
	mkdir -p "$1/$n/subagents/$agent"
	cp "$S/wire.jsonl" "$1/$n/"
	cp "$S/subagents/a7f3/wire.jsonl" "$1/$n/subagents/$agent/"
}
# the model calls' ids in a run's records
ids() { grep '"kind":"llm"' "$1" | sed 's/.*"kind":"llm".*"ts":"[^"]*","id":"\([^"]*\)".*/\1/'; }
make 100
base=$(rep s 100)
agent-events "100/$base/wire.jsonl" > main.100
agent-events "100/$base/subagents/$agent/wire.jsonl" > sub.100
check_test "the short name's step ids are whole" "$(ids main.100 | grep -c "^$base:s1\.1\$")" = 1
for L in 240 250 252 253 254 255; do
	make $L
	n=$(rep s $L)
	for w in main sub; do
		f="$L/$n/wire.jsonl"
		[ $w = sub ] && f="$L/$n/subagents/$agent/wire.jsonl"
		agent-events "$f" > $w.$L
		ids $w.100 | awk -v b="$base" -v n="$n" '{ sub("^" b, n); print }' > $w.want
		ids $w.$L > $w.got
		check_same "$w: session name of $L bytes" $w.want $w.got
		# every record but the names: the same
		sed "s/$base/N/g; s|\"100/|\"D/|" $w.100 > $w.want
		sed "s/$n/N/g; s|\"$L/|\"D/|" $w.$L > $w.got
		check_same "$w: the same records under a name of $L bytes" $w.want $w.got
	done
done
check_test "a 255-byte name keeps its steps apart" "$(ids main.255 | grep -c "^$(rep s 255):s[0-9]*\.[0-9]*\$")" = "$(ids main.100 | grep -c "^$base:s[0-9]*\.[0-9]*\$")"
