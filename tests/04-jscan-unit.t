#!/bin/sh
# SPDX-License-Identifier: MIT
# The block scanners of JSON text in json.h (tests/unit/jscan.c).
. "$(dirname "$0")/lib.sh"
"$AP_BUILD/tests/jscan"
