#!/bin/sh
# SPDX-License-Identifier: MIT
# Copilot's scan before reading (copilot.c scan_runs, line_has): a
# session.shutdown is found wherever its type lies in the line, at each
# offset of a sixteen-byte step and in the bytes after the last step, and
# not when the type is only named in a string value.
. "$(dirname "$0")/lib.sh"
have jq || skip_all "jq not installed"
F=$TESTS/fixtures/copilot
plan 3

# open.jsonl has no shutdown: its call's usage is "none"; with one, it is not
check_out "copilot: a session without a shutdown, usage none" 1 \
	sh -c "agent-events '$F/open.jsonl' | grep -c '\"usage\":\"none\"'"
first= last=
L=0
while [ $L -le 40 ]; do
	pad=$(printf "%${L}s" "" | tr ' ' y)
	{ cat "$F/open.jsonl"
	  printf '{"type":"session.shutdown","data":{},"x":"%s","id":"z","timestamp":"2026-05-02T09:10:00.000Z"}\n' "$pad"
	} > a.jsonl
	{ cat "$F/open.jsonl"
	  printf '{"x":"%s","data":{},"id":"z","timestamp":"2026-05-02T09:10:00.000Z","type":"session.shutdown"}\n' "$pad"
	} > b.jsonl
	first="$first$(agent-events a.jsonl 2>/dev/null | grep -c '"usage":"none"')"
	last="$last$(agent-events b.jsonl 2>/dev/null | grep -c '"usage":"none"')"
	L=$((L + 1))
done
check_test "copilot: the shutdown found at every offset, first or last in its line" \
	"$first $last" = "$(printf '%041d %041d' 0 0)"
{ cat "$F/open.jsonl"
  printf '{"type":"x.y","data":{"text":"\\"session.shutdown\\""},"id":"z","timestamp":"2026-05-02T09:10:00.000Z"}\n'
} > v.jsonl
check_out "copilot: the type named in a string value is no shutdown" 1 \
	sh -c "agent-events v.jsonl 2>/dev/null | grep -c '\"usage\":\"none\"'"
done_testing
