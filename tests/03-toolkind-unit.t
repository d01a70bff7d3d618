#!/bin/sh
# SPDX-License-Identifier: MIT
# The C unit tests of the tool kinds and the agents' tool tables.
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/toolkind"
