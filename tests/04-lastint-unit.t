#!/bin/sh
# SPDX-License-Identifier: MIT
# ev_last_int_after's search from the end against the forward one it
# replaced (tests/unit/lastint.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/lastint"
