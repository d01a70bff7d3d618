#!/bin/sh
# The shell-command analyser (common/shell.c): C unit tests, TAP.
. "$(dirname "$0")/lib.sh"
exec "$AP_BUILD/tests/shell"
