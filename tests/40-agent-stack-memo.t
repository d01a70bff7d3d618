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
# - tool names and prompt tags interned again only when they change;
# - a stack's first frames (project, agent, session, prompt) made again only
#   when one of their values changes (base.ndjson): an agent left out (the
#   session's then), agents, session tags (one left out, one from a record)
#   and prompt tags (none, a tag to clean, a prompt not known, snoop's
#   none at all) changing from record to record, in every view that makes
#   them per record, a format that puts a group frame first (table), and
#   the time line's formats;
# - the time view's stacks of a prompt, a call and a tool, and the tasks
#   view's of a call and a tool, made once for all the records with the
#   same frames: models and tools left out, empty, "unknown" or run by
#   path, a subagent's, selectors.
. "$(dirname "$0")/lib.sh"
F=$TOP/tests/fixtures/fast
plan 23

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
time|--view time
END

while IFS='|' read -r name args; do
	# shellcheck disable=SC2086
	{ agent-stack $args "$F/base.ndjson"; echo "status $?"; } > out 2>&1
	check_same "agent-stack $args (base): as before" "$F/base.$name" out
done <<'END'
tasks|--view tasks
system|--view system
time|--view time
files|--view files
network|--view network
tokens|--view tokens
time-tree|--view time --format tree
tasks-latency|--view tasks --format latency
tasks-table|--view tasks --format table --by session
system-table|--view system --format table --by project
time-json|--view time --format json --by agent
tasks-review|--view tasks --prompt-tag review
time-since|--view time --since 2026-01-01T00:00:30Z
END
done_testing
