#!/bin/sh
# SPDX-License-Identifier: MIT
# The file formats users write, agentpprof-prices(5) and agent-tag-rules(5):
# their EXAMPLES run as written.  In EXAMPLES, a literal block that starts
# "$ cat NAME" shows the file NAME, which is written from it; a block of
# "$ command" lines is run in order, each command's output compared with
# the lines that follow it (tests/05-man-examples.t runs them from the
# rendered page too).  Also: their pages lint clean, are cross-referenced from
# the pages that read the files, and the limits they state are the code's.
. "$(dirname "$0")/lib.sh"
have mandoc || skip_all "mandoc not installed"
have jq || skip_all "jq not installed"
pages="agentpprof-prices agent-tag-rules"

# split PAGE into DIR: files, and cmd.N / exp.N for each command
split_examples() {
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh [^E]/p' "$1" | awk -v dir="$2" '
		function unesc(s) { gsub(/\\e/, "\\", s); gsub(/\\-/, "-", s); gsub(/\\&/, "", s); return s }
		/^\.Bd -literal/ { inb = 1; out = ""; first = 1; next }
		inb && first && /^\$ cat [^ ]+$/ { out = dir "/" $3; first = 0; next }
		{ first = 0 }
		/^\.Ed/ { inb = 0; if (out != "") close(out); out = ""; next }
		!inb { next }
		/^\$ / && out == "" { n++; c = dir "/cmd." n; print unesc(substr($0, 3)) > c; close(c)
			e = dir "/exp." n; printf "" > e; cur = e; next }
		out != "" { print unesc($0) > out; next }
		cur != "" { print unesc($0) >> cur; close(cur) }
	'
}
count=0
for p in $pages; do
	mkdir "$p"
	split_examples "$TOP/man/$p.5" "$TMP/$p"
	count=$((count + $(ls "$p" | grep -c '^cmd\.')))
done
plan $((count + 2 * $(echo $pages | wc -w) + 3))
for p in $pages; do
	check_test "$p(5) lints clean" "$(mandoc -Tlint -Wwarning "$TOP/man/$p.5" 2>&1)" = ""
	n=$(ls "$p" | grep -c '^cmd\.')
	check_test "$p(5) has examples that run" "$n" -ge 2
	i=1
	while [ "$i" -le "$n" ]; do
		(cd "$p" && sh "./cmd.$i" > "out.$i" 2>&1)
		check_same "$p(5) example: $(cat "$p/cmd.$i")" "$p/exp.$i" "$p/out.$i"
		i=$((i + 1))
	done
done
refs() { grep -l "^\.Xr $1 5" "$TOP"/man/*.[17] | sed 's|.*/||' | sort | tr '\n' ' '; }
check_test "agentpprof-prices(5) is named by agent-stack(1) and agentpprof(7)" \
	"$(refs agentpprof-prices)" = "agent-stack.1 agentpprof.7 "
check_test "agent-tag-rules(5) is named by agent-tag(1) and agentpprof(7)" \
	"$(refs agent-tag-rules)" = "agent-tag.1 agentpprof.7 "
check_test "the limits the pages state are common/yamlload.h's" \
	"$(grep -c 'YAML_MAX_SIZE ((size_t)16 << 20)\|YAML_MAX_DEPTH 64 ' "$TOP/common/yamlload.h")" = 2
done_testing
