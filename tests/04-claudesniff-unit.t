#!/bin/sh
# SPDX-License-Identifier: MIT
# Claude Code's sniff, which reads the head's lines without parsing them,
# against the sniff that parsed each with jparse (tests/unit/claudesniff.c):
# hand-made and mutated heads, and the heads of the fixtures and, when
# present, of the shared corpus.
. "$(dirname "$0")/lib.sh"
find "$TESTS/fixtures" -type f > files
if shared corpus; then find "$SHARED/corpus" -type f >> files; fi
# one file a line, names without newlines
tr '\n' '\0' < files | xargs -0 "$AP_BUILD/tests/claudesniff"
