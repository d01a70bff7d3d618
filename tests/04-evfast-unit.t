#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-stack's record reader against jparse and ev_read
# (tests/unit/evfast.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/evfast"
