#!/bin/sh
# SPDX-License-Identifier: MIT
# folded2pprof looks stacks up PROF_PEND (16) at a time and interns into
# tables of 8-byte slots, mapped in huge pages from 2 MiB on: the profile
# stays byte for byte what it was before (checksums of the decompressed
# profile, written by folded2pprof before these changes).  Fewer stacks
# than one batch (added only when the profile is written), equal stacks
# in one batch and across batches, with labels and leaf kinds, and 200,000
# distinct frames (a table past 2 MiB).
. "$(dirname "$0")/lib.sh"
F=$TOP/tests/fixtures/f2p-batch
plan 12

while read -r n mode rest; do
	opt=${rest% * *}
	want=${rest#"$opt" }
	[ "$opt" = plain ] && opt=
	awk -v n="$n" -v mode="$mode" -f "$F/gen.awk" > in.folded
	# shellcheck disable=SC2086
	folded2pprof $opt -o out.pb.gz in.folded 2> err
	check_test "$n $mode ${opt:-plain}: exit 0" "$?" = 0
	got=$(gzip -dc out.pb.gz | cksum)
	check_test "$n $mode ${opt:-plain}: the same profile" "$got" = "$want"
done < "$F/expect"
