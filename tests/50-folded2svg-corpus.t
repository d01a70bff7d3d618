#!/bin/sh
# SPDX-License-Identifier: MIT
# folded2svg on the real profiles in ../shared: each renders, its root is the
# sum of its counts, the XML is well formed.  Slow tier: corpus-wide; the rest
# of folded2svg is in 50-folded2svg.t.
. "$(dirname "$0")/lib.sh"
plan 1

# --- the real profiles ---------------------------------------------------------------
if shared folded; then
	n=0 bad=0
	for f in "$SHARED"/folded/*/*.folded; do
		n=$((n + 1))
		if ! folded2svg --colors agent "$f" > real.svg 2> real.err; then
			bad=$((bad + 1)); diag "$f: exit $?: $(head -3 real.err)"; continue
		fi
		want=$(awk 'NF && $1 !~ /^#/ { s += $NF } END { printf "%.0f", s }' "$f")
		got=$(sed -n 's/^<g fg:x="0" fg:w="[0-9]*"><title>all (\([0-9,]*\) samples, 100.00%)<.*/\1/p' real.svg | tr -d ,)
		if [ "$got" != "$want" ]; then bad=$((bad + 1)); diag "$f: root says $got, the file sums to $want"; fi
		if [ -n "$xml" ] && ! wellformed real.svg 2>/dev/null; then bad=$((bad + 1)); diag "$f: not well-formed"; fi
	done
	check_test "real profiles: each renders, exit 0, root total = sum of counts ($n files)" "$bad" = 0
else
	skip "../shared/folded absent"
fi

done_testing
