#!/bin/sh
# SPDX-License-Identifier: MIT
# The GALLERY that ends agentpprof(7) is what the programs print today
# for the bundled examples: regenerate it (make gallery) after a change.
. "$(dirname "$0")/lib.sh"
plan 2
cp "$TOP/man/agentpprof.7" page.7
sh "$TOP/scripts/gallery" page.7 2> err
check_test "scripts/gallery runs" $? = 0
check_same "the gallery in agentpprof(7) is current (run make gallery)" "$TOP/man/agentpprof.7" page.7
done_testing
