#!/bin/sh
# SPDX-License-Identifier: MIT
# The record writer's shortcuts give the bytes of the long way
# (tests/unit/evwrite.c): kept redactions, times, plain strings, integers.
. "$(dirname "$0")/lib.sh"
exec "$AP_BUILD/tests/evwrite"
