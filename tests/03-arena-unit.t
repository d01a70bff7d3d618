#!/bin/sh
# SPDX-License-Identifier: MIT
# The arena and the string interner of common/ (tests/unit/arena.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/arena"
