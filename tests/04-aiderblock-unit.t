#!/bin/sh
# SPDX-License-Identifier: MIT
# Aider's Markdown read by the block against line by line, and lineio's
# lr_lines and lr_skip against lr_next (tests/unit/aiderblock.c).
. "$(dirname "$0")/lib.sh"
exec "$AP_BUILD/tests/aiderblock"
