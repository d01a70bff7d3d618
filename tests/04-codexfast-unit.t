#!/bin/sh
# SPDX-License-Identifier: MIT
# The short ways of Codex's adapter against the long ways they stand for
# (tests/unit/codexfast.c).
. "$(dirname "$0")/lib.sh"
exec "$AP_BUILD/tests/codexfast"
