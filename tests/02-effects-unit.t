#!/bin/sh
# SPDX-License-Identifier: MIT
# effects_tool and effects_class (common/effects.c): C unit tests, TAP.
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/effects"
