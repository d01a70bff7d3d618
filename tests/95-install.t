#!/bin/sh
# SPDX-License-Identifier: MIT
# make install into a DESTDIR: programs, script, man pages, price table and
# examples land under PREFIX, and the installed tools find their data
# from there (the demo runs from the installed tree alone).
. "$(dirname "$0")/lib.sh"
plan 7
make -s -C "$TOP" install B="$AP_BUILD" SAN="${SAN:-}" DESTDIR="$TMP/root" PREFIX=/opt/ap > make.out 2>&1
check_test "make install DESTDIR=... PREFIX=/opt/ap: exit 0" $? = 0
n=0 want=0
# every program built (agent-snoop only with the BPF toolchain) and the script
for p in $(cd "$TOP/cmd" && ls *.c | sed 's/\.c$//') agentpprof agentpprof-team; do
	case $p in agentpprof*) ;; *) [ -x "$AP_BUILD/bin/$p" ] || continue ;; esac
	want=$((want + 1))
	[ -x "$TMP/root/opt/ap/bin/$p" ] && [ -f "$TMP/root/opt/ap/share/man/man1/$p.1" ] && n=$((n + 1))
done
check_test "each program and its man page installed ($want)" $n -eq $want
check_test "agent-event(5), agentpprof(7), prices and examples installed" \
	"$(ls "$TMP/root/opt/ap/share/man/man5/agent-event.5" "$TMP/root/opt/ap/share/man/man7/agentpprof.7" \
	"$TMP/root/opt/ap/share/agentpprof/prices.yaml" "$TMP/root/opt/ap/share/agentpprof/examples/"*.json* 2>/dev/null | wc -l)" -eq 6
check_nogrep "the installed script knows its version and share directory" '@VERSION@\|@SHAREDIR@' \
	"$TMP/root/opt/ap/bin/agentpprof"
PATH="$TMP/root/opt/ap/bin:/usr/bin:/bin" agentpprof-team schema --cluster c2 --client echo > schema.out 2>&1
check_grep "the installed agentpprof-team finds its schema" 'ENGINE = Distributed(c2, agentpprof, samples_local' schema.out
mkdir home
HOME="$TMP/home" PATH="$TMP/root/opt/ap/bin:/usr/bin:/bin" agentpprof --demo -o demo > demo.out 2> demo.err
check_test "the installed agentpprof --demo runs on the installed examples" $? = 0
check_grep "and prices them from the installed table" '^estimated cost: \$0\.35 ' demo.out
done_testing
