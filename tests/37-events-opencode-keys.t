#!/bin/sh
# SPDX-License-Identifier: MIT
# The members of a message's info and of its parts, each object's looked
# up in one walk over them (opencode.c part_key, info_key) rather than by
# jget for each key: what jget finds, pinned on keys repeated (the last
# counts), escaped (\u0065), of another case or one byte longer or
# shorter, of the same length and first bytes (type, tool, time, text),
# empty, info after parts, and values of the wrong type (fixtures/
# opencode/keys-export.json; the expected files are what agent-events
# wrote before the walk).
. "$(dirname "$0")/lib.sh"
plan 3
F=$TESTS/fixtures/opencode
cp "$F/keys-export.json" .
check_exit "keys: read" 1 agent-events keys-export.json
check_same "keys: exact records" "$F/expected/keys.out" out
check_same "keys: the same messages" "$F/expected/keys.err" err
