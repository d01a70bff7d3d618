#!/bin/sh
# SPDX-License-Identifier: MIT
# tag_clean, a run at a time, against the byte-at-a-time form it replaced
# (tests/unit/tagclean.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/tagclean"
