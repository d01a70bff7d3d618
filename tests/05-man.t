#!/bin/sh
# SPDX-License-Identifier: MIT
# Man pages: mandoc -Tlint -Wwarning clean, one per program, and every
# long option a program's --help names is documented in its page and the
# other way round.
. "$(dirname "$0")/lib.sh"
have mandoc || skip_all "mandoc not installed"
pages=$(ls "$TOP"/man/*.[157])
progs=$(cd "$TOP/cmd" && ls *.c | sed 's/\.c$//')
plan $(( $(echo "$pages" | wc -l) + 3 * $(echo "$progs" | wc -l) ))
for p in $pages; do
	mandoc -Tlint -Wwarning "$p" > lint.out 2>&1
	if [ -s lint.out ]; then not_ok "lint $(basename "$p")"; sed 's/^/# /' lint.out; else ok "lint $(basename "$p")"; fi
done
for prog in $progs; do
	page="$TOP/man/$prog.1"
	if [ ! -f "$page" ]; then
		not_ok "$prog has a man page"; skip "$prog --help"; skip "$prog options"; continue
	fi
	ok "$prog has a man page"
	if [ ! -x "$AP_BUILD/bin/$prog" ]; then
		skip "$prog not built"; skip "$prog not built"; continue
	fi
	if "$prog" --help > help.out 2>&1 && [ -s help.out ]; then ok "$prog --help exits 0"; else not_ok "$prog --help exits 0"; fi
	grep -o -- '--[a-z][a-z0-9-]*' help.out | sort -u > help.opts
	# mdoc writes --since as "Fl -since" or "Fl \\-since"
	grep -oE 'Fl \\?-[a-z]([a-z0-9]|\\?-)*' "$page" | sed -E 's/\\//g; s/^Fl -/--/' | sort -u > man.opts
	if cmp -s help.opts man.opts; then ok "$prog: --help and man page name the same options"; else
		not_ok "$prog: --help and man page name the same options"
		diff help.opts man.opts | sed 's/^/# /'
	fi
done
done_testing
