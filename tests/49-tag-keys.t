#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-tag's key scan, pinned byte for byte (outputs written by the
# program before these fast paths came):
# - the scan of a tool, effect or model-call record starts after the
#   session id route() found at the front ("kind", "agent", "session" or
#   "kind", "session"); a line whose "session" comes later, or whose id is
#   escaped or too long to keep, is scanned from its start;
# - keys are compared by two loads of four or eight bytes: every class and
#   effect name of each length, an unknown one, an empty one, none;
# - a model call with one kind of tool, the same kind twice, mixed kinds,
#   kinds of no work and none at all;
# - the ids of calls and parents kept with their hashes: a tool call
#   naming the call before it, another one, ids over 64 bytes;
# - user rules run by pcre2_jit_match, read from a pipe as from a file;
# - keys told apart by the first four bytes of their names: names that
#   begin as the ones taken, short ones, values at the end of a line;
#   values taken at every length from 1 to 20 bytes, plain, with an
#   escaped quote or backslash or a non-ASCII byte at several places
#   (tagvals: the output of the program before these paths came).
. "$(dirname "$0")/lib.sh"
F=$TOP/tests/fixtures/fast
plan 8

agent-tag "$F/tagkeys.ndjson" > out 2> err
check_test "agent-tag: key scan: exit 0" "$?" = 0
check_same "agent-tag: sessions at the front and not, classes, tool kinds, ids" "$F/tagkeys.out" out
cat "$F/tagkeys.ndjson" | agent-tag > out 2> err
check_same "agent-tag: the same read from a pipe" "$F/tagkeys.out" out
agent-tag -r 'llm:stepper=step\s1' -r 'prompt:parser=parser' "$F/tagkeys.ndjson" > out 2> err
check_same "agent-tag: user rules for prompts and model calls" "$F/tagkeys.rules.out" out
agent-tag --stats "$F/tagkeys.ndjson" > /dev/null 2> err
check_same "agent-tag --stats: the counts of each tag" "$F/tagkeys.stats" err
check_test "agent-tag: the tags of a tool's kinds of work" "$(grep -c '"rule":"tools:' "$F/tagkeys.out")" = 90
agent-tag "$F/tagvals.ndjson" > out 2> err
check_same "agent-tag: names alike, values of every length and escape" "$F/tagvals.out" out
cat "$F/tagvals.ndjson" | agent-tag > out 2> err
check_same "agent-tag: the same read from a pipe" "$F/tagvals.out" out
done_testing
