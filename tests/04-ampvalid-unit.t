#!/bin/sh
# SPDX-License-Identifier: MIT
# Amp's cut (amp.c valid_end) with AVX2 against the form without it
# (tests/unit/ampvalid.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/ampvalid"
