#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-stack's shortcuts per record, pinned byte for byte (outputs written
# by the program before them, stdout and stderr with the status):
# - the last prompt id and tool id a session added or found are kept: the
#   same prompt id "u1" and tool ids "t0".."t5" in two interleaved sessions
#   with different prompt tags, effects right after their tools;
# - held records: a call before its session record, an effect before its
#   tool, a call before its prompt, a subagent's prompt naming its Task;
# - the frames of a call up to its prompt compared with the last call's:
#   prompt tags, agents, projects and subagents changing between calls;
# - the cost view through the tokens view's memo: priced and unpriced
#   models, a call with no model, zero tokens, --weight, a session total,
#   an update; no selectors, and selectors that leave records out;
# - tool names and prompt tags interned again only when they change.
. "$(dirname "$0")/lib.sh"
F=$TOP/tests/fixtures/fast
plan 9

while IFS='|' read -r name args; do
	# shellcheck disable=SC2086
	{ agent-stack $args "$F/memo.ndjson"; echo "status $?"; } > out 2>&1
	check_same "agent-stack $args: as before" "$F/memo.$name" out
done <<'END'
tokens|--view tokens
cost|--view cost
cost-io|--view cost -w input,output
top|--view tokens --format top --by model
json|--view cost --format json
codex|--view tokens --agent codex
review|--view cost --prompt-tag review
tasks|--view tasks
system|--view system
END
done_testing
