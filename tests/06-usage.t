#!/bin/sh
# SPDX-License-Identifier: MIT
# Every program's usage is its man page's SYNOPSIS, word for word; -h is
# --help and -V is --version; every program prints the same version; an
# unknown option gives the usage on standard error and exit status 2.
. "$(dirname "$0")/lib.sh"
have mandoc || skip_all "mandoc not installed"
progs="$(cd "$TOP/cmd" && ls *.c | sed 's/\.c$//') agentpprof"
plan $(( 6 * $(echo $progs | wc -w) + 1 ))
ver=$(cat "$TOP/VERSION")

# The usage block: the lines before the first blank one, "usage:" taken
# off, all white space one blank.
usage_words() { sed '/^$/q' "$1" | sed 's/^usage://' | tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }
# The SYNOPSIS as mandoc renders it, the same way.
synopsis_words() {
	mandoc -Tascii "$1" | col -b | sed -n '/^SYNOPSIS$/,/^[A-Z]/{/^[A-Z]/d;p;}' |
		tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}

for p in $progs; do
	if ! command -v "$p" > /dev/null 2>&1; then
		for i in 1 2 3 4 5 6; do skip "$p not built"; done
		continue
	fi
	"$p" --help > help.out 2>&1; st=$?
	check_test "$p --help: exit 0" "$st" = 0
	"$p" -h > h.out 2>&1
	check_same "$p -h is --help" help.out h.out
	usage_words help.out > usage.words
	synopsis_words "$TOP/man/$p.1" > synopsis.words
	if [ -s usage.words ]; then
		check_same "$p: --help's usage is $p(1)'s SYNOPSIS" synopsis.words usage.words
	else
		not_ok "$p: --help's usage is $p(1)'s SYNOPSIS"; diag "no usage lines"
	fi
	"$p" --version > version.out 2>&1
	"$p" -V > v.out 2>&1
	check_same "$p -V is --version" version.out v.out
	check_grep "$p --version: name, VERSION, and git describe in a checkout" \
		"^$p $(echo "$ver" | sed 's/\./\\./g')\( (.*)\)\{0,1\}\$" version.out
	[ "$p" = agentpprof ] || sed "s/^$p //" version.out >> versions
	"$p" --no-such-option > bad.out 2> bad.err; st=$?
	sed '/^$/,$d' help.out > usage.out
	grep -v "^$p: " bad.err > bad.usage
	if [ "$st" = 2 ] && [ ! -s bad.out ] && cmp -s usage.out bad.usage; then
		ok "$p --no-such-option: the usage on stderr, exit 2"
	else
		not_ok "$p --no-such-option: the usage on stderr, exit 2"; diag "exit $st"; diff usage.out bad.usage | sed 's/^/# /'
	fi
done
# (the script in the tree asks scripts/version when it runs, the programs
# were built with it: the build may be older than the checkout)
check_test "the programs print one version" "$(sort -u versions | wc -l)" = 1
done_testing
