#!/bin/sh
# SPDX-License-Identifier: MIT
# The fast paths of agent-tag and agent-stack against their slow ones,
# with outputs pinned byte for byte (written by the programs before the
# fast paths came):
# - agent-tag routes a line to the session of the line before by its raw
#   session id; ids too long to keep (over 128 bytes), an empty id, a line
#   without one, an escaped id and sessions interleaved take the hashed way;
#   read from a pipe as from a file;
# - agent-stack --view tokens makes a model call's stacks once per distinct
#   frames (llm_memo): sessions, projects, tags, agents, models, a
#   subagent and a call without a prompt must still each get their own;
#   a call's charges are 32-bit counts unless one does not fit (over
#   2^32, a call that outgrows them through an update, an update whose
#   call never comes); timestamps off the usual form (an offset, second
#   60) are read the long way (--since).
. "$(dirname "$0")/lib.sh"
F=$TOP/tests/fixtures/fast
plan 12

agent-tag "$F/route.ndjson" > out 2> err
check_test "agent-tag: sessions routed by id: exit 0" "$?" = 0
check_same "agent-tag: interleaved, long, empty, escaped and missing session ids" "$F/route.out" out
cat "$F/route.ndjson" | agent-tag > out 2> err
check_same "agent-tag: the same read from a pipe" "$F/route.out" out
check_test "agent-tag: nothing on stderr" "$(wc -c < err | tr -d " ")" = 0

agent-stack --view tokens "$F/calls.ndjson" > out 2> err
check_same "agent-stack --view tokens: calls over 32 bits, updates, memo keys" "$F/calls.tokens" out
agent-stack --view cost "$F/calls.ndjson" > out 2> err
check_same "agent-stack --view cost: the same calls priced" "$F/calls.cost" out
check_grep "agent-stack --view cost: the call without a model is named" "no price for model unknown" err
agent-stack --view tokens --since 2026-01-01T00:00:04Z "$F/calls.ndjson" > out 2> err
check_same "agent-stack --since: timestamps of every form" "$F/calls.since" out
agent-stack --view tokens --format json "$F/calls.ndjson" > out 2> err
check_same "agent-stack --format json of the tokens view" "$F/calls.json" out
agent-stack --view tasks "$F/calls.ndjson" > out 2> err
check_same "agent-stack --view tasks: the slow way, the same calls" "$F/calls.tasks" out
cat "$F/calls.ndjson" | agent-stack --view tokens > out 2> err
check_same "agent-stack --view tokens from a pipe" "$F/calls.tokens" out
cat "$F/calls.ndjson" "$F/calls.ndjson" | agent-stack --view tokens > out 2> err
check_test "agent-stack: the input twice (every call's id seen before) still adds up" "$(awk '{ s += $NF } END { print s }' out)" = "$(awk '{ s += $NF } END { print 2 * s }' "$F/calls.tokens")"
done_testing
