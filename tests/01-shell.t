#!/bin/sh
# SPDX-License-Identifier: MIT
# The shell-command analyser (common/shell/): C unit tests, TAP; the
# classes of every program and subcommand the class table knows are
# pinned in fixtures/shell/classes.tsv.
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/shell" "$TESTS/fixtures/shell/classes.tsv"
