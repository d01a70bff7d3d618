#!/bin/sh
# SPDX-License-Identifier: MIT
# The C unit tests of common/ (tests/unit/*.c), each a TAP stream.
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/common" "$TOP/man/agent-event.5"
