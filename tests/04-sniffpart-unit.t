#!/bin/sh
# SPDX-License-Identifier: MIT
# agent_sniff_part, the sniff of a head's start that agent-sessions asks
# first: it names the whole head's agent or asks for more
# (tests/unit/sniffpart.c): hand-made heads, and the heads of the fixtures
# and, when present, of the shared corpus, cut everywhere that matters.
. "$(dirname "$0")/lib.sh"
find "$TESTS/fixtures" -type f > files
if shared corpus; then find "$SHARED/corpus" -type f >> files; fi
tr '\n' '\0' < files | xargs -0 "$AP_BUILD/tests/sniffpart"
