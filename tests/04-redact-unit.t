#!/bin/sh
# SPDX-License-Identifier: MIT
# The redaction of records passes over quiet text by the block and finds
# what a look at every byte finds (tests/unit/redact.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/redact"
