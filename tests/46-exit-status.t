#!/bin/sh
# SPDX-License-Identifier: MIT
# Exit statuses, one convention for every program (agentpprof(7), EXIT
# STATUS): 0 all input was good; 1 the output was written but some input
# was bad (a line that is not JSON, a record without what it must have, a
# file that cannot be read); 2 a usage error or a failure that leaves no
# usable output.  Notes (a record type newer than this release, the cut
# last line of a session still being written) do not count.  The one-shot
# adds 3: a stage failed or crashed, and names it.
. "$(dirname "$0")/lib.sh"
plan 36
EX="$TOP/share/examples"

U='{"type":"user","sessionId":"s1","uuid":"u1","timestamp":"2025-01-01T00:00:00Z","cwd":"/w","message":{"role":"user","content":"hi"}}'
A='{"type":"assistant","sessionId":"s1","uuid":"a1","parentUuid":"u1","timestamp":"2025-01-01T00:00:02Z","message":{"id":"m1","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"ok"}],"usage":{"input_tokens":3,"output_tokens":2}}}'
printf '%s\n%s\n' "$U" "$A" > good.jsonl
printf '%s\n%s\n%s\n' "$U" '{"type":"newfangled","sessionId":"s1","uuid":"n1","timestamp":"2025-01-01T00:00:01Z"}' "$A" > newtype.jsonl
printf '%s\n%s\n%s' "$U" "$A" '{"type":"assistant","sessionId":"s1","uu' > growing.jsonl
printf '%s\n%s\n%s\n' "$U" 'not json at all' "$A" > notjson.jsonl
printf '%s\n%s\n%s\n' "$U" '{"type":"assistant","sessionId":"s1","uuid":"a0","timestamp":"2025-01-01T00:00:01Z"}' "$A" > nomsg.jsonl

# --- agent-events ----------------------------------------------------------------
check_status "agent-events: good input, exit 0" 0 agent-events good.jsonl
agent-events newtype.jsonl > newtype.out 2> newtype.err
check_test "agent-events: a record type newer than this release is a note, exit 0" $? = 0
check_grep "and the note names file and line" '^agent-events: newtype.jsonl:2: record type "newfangled" not known; skipped$' newtype.err
agent-events growing.jsonl > growing.out 2> growing.err
check_test "agent-events: a cut last line (a session being written) is a note, exit 0" $? = 0
check_grep "and the note says so" '^agent-events: growing.jsonl:3: incomplete last line' growing.err
agent-events notjson.jsonl > notjson.out 2> notjson.err
check_test "agent-events: a line that is not JSON is an error, exit 1" $? = 1
check_grep "named by file and line" '^agent-events: notjson.jsonl:2: not JSON' notjson.err
agent-events good.jsonl | sed 's/"file":"good.jsonl"/"file":"notjson.jsonl"/' > good.out
check_same "the records around the bad line are all written" good.out notjson.out
check_status "agent-events: a record without its message is an error, exit 1" 1 agent-events nomsg.jsonl
check_status "agent-events: a file that does not exist, exit 1" 1 agent-events good.jsonl nonexistent.jsonl
check_status "agent-events: an unknown option, exit 2" 2 agent-events --bogus good.jsonl

# --- agent-tag, agent-stack ------------------------------------------------------
cp good.out ev.ndjson
{ cat good.out; echo 'garbage'; } > evbad.ndjson
{ cat good.out; echo '{"kind":"hologram","agent":"claude","session":"s1","ts":"2025-01-01T00:00:03.000Z"}'; } > evnew.ndjson
check_status "agent-tag: good input, exit 0" 0 agent-tag ev.ndjson
check_status "agent-tag: a line that is not JSON, exit 1" 1 agent-tag evbad.ndjson
check_status "agent-tag: a record kind it does not know passes through, exit 0" 0 agent-tag evnew.ndjson
check_status "agent-tag: a bad rule, exit 2" 2 agent-tag -r 'prompt:x=(' ev.ndjson
check_status "agent-stack: good input, exit 0" 0 agent-stack --view tasks ev.ndjson
agent-stack --view tasks evbad.ndjson > stbad.out 2> stbad.err
check_test "agent-stack: a line that is not JSON, exit 1" $? = 1
agent-stack --view tasks ev.ndjson > stgood.out
check_same "and the other lines still count" stgood.out stbad.out
check_status "agent-stack: a record kind it does not know, exit 0" 0 agent-stack --view tasks evnew.ndjson
check_status "agent-stack: an unknown view, exit 2" 2 agent-stack --view bogus ev.ndjson

# --- the renderers -----------------------------------------------------------------
printf 'a;b 3\na;c 2\n' > good.folded
printf 'a;b 3\nno count here\na;c 2\n' > bad.folded
check_status "folded2svg: good input, exit 0" 0 folded2svg good.folded
check_status "folded2svg: a line without a count, exit 1" 1 folded2svg bad.folded
check_status "folded2svg: an unknown option, exit 2" 2 folded2svg --bogus good.folded
check_status "folded2pprof: good input, exit 0" 0 folded2pprof -o g.pb.gz good.folded
check_status "folded2pprof: a line without a count, exit 1" 1 folded2pprof -o b.pb.gz bad.folded
check_status "folded2pprof: an output that cannot be written, exit 2" 2 folded2pprof -o /nonexistent/dir/x.pb.gz good.folded

# --- agent-sessions ----------------------------------------------------------------
mkdir -p h/.claude/projects/p
cp good.jsonl h/.claude/projects/p/s1.jsonl
check_status "agent-sessions: good files, exit 0" 0 agent-sessions --home h
: > h/.claude/projects/p/empty.jsonl
check_status "agent-sessions: an empty file, exit 1" 1 agent-sessions --home h

# --- the one-shot: a stage that fails or crashes is named -----------------------------
# Stubs first in PATH stand in for one stage; the others are the real ones.
mkdir stub
stub() {
	rm -f stub/*
	printf '#!/bin/sh\n%s\n' "$2" > "stub/$1"
	chmod +x "stub/$1"
}
oneshot() { PATH="$TMP/stub:$PATH" agentpprof -o "$1" --session-file "$EX/claude-todo-api.jsonl" --views tasks,tokens; }
# agent-tag is the middle stage between agent-events and the views
stub agent-tag 'cat > /dev/null; kill -SEGV $$'
oneshot o1 > o1.out 2> o1.err
check_test "a crashing middle stage: exit 3" $? = 3
check_grep "the message names it and the signal" '^agentpprof: stage agent-tag crashed (signal SEGV); see o1/tag.log$' o1.err
stub agent-stack 'case "$*" in *tokens*) echo "agent-stack: boom" >&2; exit 2;; esac; exec "'"$AP_BUILD"'/bin/agent-stack" "$@"'
oneshot o2 > o2.out 2> o2.err
check_test "a failing view stage: exit 3" $? = 3
check_grep "the message names the stage and its status" '^agentpprof: stage agent-stack --view tokens failed (exit status 2); see o2/stack.log$' o2.err
stub folded2pprof 'exit 70'
oneshot o3 > /dev/null 2> o3.err
check_grep "a failing renderer is named" '^agentpprof: stage folded2pprof (tasks) failed (exit status 70)' o3.err
# bad input is not a failure: every output is written, exit 1
stub agent-events 'echo "agent-events: x.jsonl:3: not JSON" >&2; "'"$AP_BUILD"'/bin/agent-events" "$@"; exit 1'
oneshot o4 > o4.out 2> o4.err
check_test "a stage that reports bad input: exit 1" $? = 1
check_test "and every output is still written" "$(ls o4/tasks.svg o4/tokens.pb.gz o4/tokens.folded 2>/dev/null | wc -l)" -eq 3
check_grep "the summary says some input was bad" '^agentpprof: some input was bad' o4.err
done_testing
