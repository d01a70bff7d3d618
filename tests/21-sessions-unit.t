#!/bin/sh
# SPDX-License-Identifier: MIT
# The unit tests of common/sessions.c (tests/unit/sessions.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/sessions"
