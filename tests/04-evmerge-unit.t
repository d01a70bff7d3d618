#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events -j's merge of a file's context into the run's, whatever
# the sizes of their tables (tests/unit/evmerge.c).
. "$(dirname "$0")/lib.sh"
exec "$AP_BUILD/tests/evmerge"
