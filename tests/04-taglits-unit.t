#!/bin/sh
# SPDX-License-Identifier: MIT
# The literals agent-tag's built-in rules are skipped by, and the rule
# tr_match picks against trying every rule (tests/unit/taglits.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/taglits"
