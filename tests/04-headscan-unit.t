#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events' head scan with AVX2 against the scan without it
# (tests/unit/headscan.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/headscan"
