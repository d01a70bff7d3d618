#!/bin/sh
# SPDX-License-Identifier: MIT
# ts_parse's fast path for YYYY-MM-DDTHH:MM:SS.mmmZ against the byte-by-byte
# parse it sits in front of (tests/unit/tsparse.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/tsparse"
