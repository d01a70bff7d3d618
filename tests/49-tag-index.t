#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-tag's index of model calls by id is made only when a lookup
# misses the call last put or found.  Pinned byte for byte (the output of
# the program before that change): tool calls naming the call before the
# latest, a tool call before its call, an id used by two calls (the
# latest wins), updates of the latest call, of one before it and of a
# call the session never makes; 70 sessions with the same ids, so that
# sessions are written before the end and their emptied record is reused
# with its index, made or not.  From a file and from a pipe.
. "$(dirname "$0")/lib.sh"
F=$TOP/tests/fixtures/fast
plan 3

agent-tag "$F/tagindex.ndjson" > out 2> err
check_test "agent-tag: calls named out of order: exit 0" "$?" = 0
check_same "agent-tag: tool calls and updates of earlier calls, ids reused" "$F/tagindex.out" out
cat "$F/tagindex.ndjson" | agent-tag > out 2> err
check_same "agent-tag: the same read from a pipe" "$F/tagindex.out" out
done_testing
