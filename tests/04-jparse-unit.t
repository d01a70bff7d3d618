#!/bin/sh
# SPDX-License-Identifier: MIT
# jparse's forms against the parser they replaced (tests/unit/jparse.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/jparse"
