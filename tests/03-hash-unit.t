#!/bin/sh
# SPDX-License-Identifier: MIT
# hash64 of common/hash.c against its plain definition (tests/unit/hash.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/hash"
