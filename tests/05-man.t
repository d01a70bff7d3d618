#!/bin/sh
# SPDX-License-Identifier: MIT
# Man pages: mandoc -Tlint -Wwarning clean, one per program, and every
# long option a program's --help names is documented in its page and the
# other way round.  What man prints is what a user copies: no option
# glued to the punctuation after it (mdoc takes a lone "." as punctuation:
# "--project-root ." printed as "--project-root."), and no pipeline feeds
# xargs without -r (with no input it runs its command once with none:
# xargs ls lists the current directory, xargs agent-events reads stdin).
. "$(dirname "$0")/lib.sh"
have mandoc || skip_all "mandoc not installed"
pages=$(ls "$TOP"/man/*.[157])
progs=$(cd "$TOP/cmd" && ls *.c | sed 's/\.c$//')
plan $(( 3 * $(echo "$pages" | wc -l) + 3 * $(echo "$progs" | wc -l) ))
for p in $pages; do
	mandoc -Tlint -Wwarning "$p" > lint.out 2>&1
	if [ -s lint.out ]; then not_ok "lint $(basename "$p")"; sed 's/^/# /' lint.out; else ok "lint $(basename "$p")"; fi
	# the commands of EXAMPLES as printed: from a "$ " to the next blank line
	mandoc -Tascii "$p" | col -b | awk '/^[A-Z]/ { ex = $0 == "EXAMPLES" }
		ex && /^[ \t]+\$ / { cmd = 1 } ex && /^[ \t]*$/ { cmd = 0 } cmd' > page.txt
	if grep -nE -- '(^|[ (])--?[a-zA-Z][a-zA-Z0-9-]*[.,;:]($| )' page.txt > glued.out; then
		not_ok "$(basename "$p"): no option glued to punctuation in the rendered page"; sed 's/^/# /' glued.out
	else ok "$(basename "$p"): no option glued to punctuation in the rendered page"; fi
	if grep -nE 'xargs( -0)?( |$)' page.txt | grep -vE 'xargs -0?r|xargs -r0|xargs\(1\)' > xargs.out && [ -s xargs.out ]; then
		not_ok "$(basename "$p"): every xargs in a command has -r"; sed 's/^/# /' xargs.out
	else ok "$(basename "$p"): every xargs in a command has -r"; fi
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
