#!/bin/sh
# SPDX-License-Identifier: MIT
# cursor-agent's short way against the long way it stands for
# (tests/unit/cursorfast.c).
. "$(dirname "$0")/lib.sh"
exec "$AP_BUILD/tests/cursorfast"
