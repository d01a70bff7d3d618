#!/bin/sh
# SPDX-License-Identifier: MIT
# What a new user is told when a pipeline is put together wrong or finds
# nothing (issue 17): an agent's session file given to agent-tag or
# agent-stack is named as such, with the agent its own sniff names
# (agent-events --detect), and refused with status 1; each stage that
# sees nothing says so and names the likely cause before it.
. "$(dirname "$0")/lib.sh"
EX=$TOP/share/examples
[ -d "$EX" ] || skip_all "no share/examples"
files=$(ls "$EX"/*.json "$EX"/*.jsonl)
plan $(( 2 + 8 * $(echo "$files" | wc -l) + 13 ))

# --- agent-events --detect ----------------------------------------------------------
agent-events --detect $files "$EX/README" > det 2> /dev/null
check_test "--detect: a line per file, status 1 for the file no agent claims" "$?" = 1
check_grep "--detect: the README is no agent's" "^-	-	$EX/README\$" det

# --- a session file where records belong --------------------------------------------
for f in $files; do
	b=$(basename "$f")
	title=$(agent-events --detect "$f" | cut -f2)
	for p in agent-tag agent-stack; do
		check_exit "$p $b" 1 "$p" "$f"
		check_out "$p $b: named as a $title transcript" \
			"$p: $f: this is a $title transcript, not agent-event(5) records; run agent-events first: agent-events $f | $p" cat err
		check_test "$p $b: nothing written" "$(wc -c < out)" = 0
		"$p" < "$f" > out 2> err
		check_out "$p < $b: the same from a pipe" \
			"$p: (stdin): this is a $title transcript, not agent-event(5) records; run agent-events first: agent-events FILE | $p" cat err
	done
done

# records are not mistaken: blank lines first, and keys in another order
agent-events "$EX/claude-todo-api.jsonl" > ev.ndjson
{ printf '\n  \n'; sed -n '1s/^{"kind":"session",\("agent":"claude",\)/{\1"kind":"session",/p' ev.ndjson; sed 1d ev.ndjson; } > odd.ndjson
agent-tag odd.ndjson > tagged 2> err
check_test "agent-tag: records after blank lines, kind not first: tagged" "$(grep -c '"tags":' tagged)" -gt 3
check_test "  without a word on stderr" "$(wc -c < err)" = 0
# JSON that is neither records nor any agent's passes agent-tag unchanged
printf '{"hello":1}\n' > other.json
check_out "agent-tag: JSON no agent claims passes through" '{"hello":1}' agent-tag other.json

# --- each stage says what it saw when it sees nothing --------------------------------
: | agent-events --files-from - > out 2> err
check_out "agent-events, an empty list: says so and where files come from" \
"agent-events: (stdin): no file names in the list
agent-events: no session files to read: the list is empty; whatever wrote it found none (agent-sessions alone shows what it finds, and agent-sessions --help where it looks)" cat err
agent-events < /dev/null > out 2> err
check_out "agent-events, empty stdin and no operands: says how to give files" \
"agent-events: (stdin): no input: standard input is empty; give session files as operands, or their list with --files-from (agent-sessions | agent-events --files-from -)" cat err
check_exit "agent-stack, empty input" 1 agent-stack --view tokens /dev/null
check_out "  blames the stage before, not the selectors" \
"agent-stack: no records: the input is empty (in a pipeline, the stage before wrote nothing and its messages say why: agent-events given no session files? agent-sessions found none?)" cat err
grep '"kind":"session"' ev.ndjson > sess.ndjson
check_exit "agent-stack, session records only" 1 agent-stack sess.ndjson
check_out "  says that is all it got" \
"agent-stack: no record matched: the input holds 1 session record and nothing else (no prompts, calls or tools in those sessions, or agent-events --since, --until or --select left them out)" cat err
check_exit "agent-stack, a selector that matches nothing" 1 agent-stack --agent gemini ev.ndjson
check_out "  counts what the selectors left out" \
"agent-stack: no record matched: none of the $(grep -vc '"kind":"session"' ev.ndjson) records read passed the selectors" cat err
check_exit "folded2pprof, empty input" 1 folded2pprof -o t.pb.gz /dev/null
check_out "  says the input was empty" \
"folded2pprof: no stacks in the input: it is empty (in a pipeline, the stage before wrote nothing and its messages say why)" cat err
done_testing
