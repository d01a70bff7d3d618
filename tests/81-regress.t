#!/bin/sh
# SPDX-License-Identifier: MIT
# Every input kept in tests/fuzz-regress/TARGET/ (inputs that once made a
# fuzz target crash) replayed through that target's LLVMFuzzerTestOneInput,
# built by make with fuzz/replay.c's main() against this build's library
# (so under make check SAN=1 with ASan and UBSan), and through the real
# program that reads such input.  A crash or a hang fails.
. "$(dirname "$0")/lib.sh"
REG=$TESTS/fuzz-regress
R=$AP_BUILD/fuzz
[ -d "$REG" ] || skip_all "no regression inputs"
[ -d "$R" ] || skip_all "replay drivers not built (make)"
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1

# the program (and its options) that reads a target's input as a file,
# after the selector bytes the target reads first (skip); the inputs of
# shell, effects, sessions, tagrules, tagllm, sessions-walk, lrmap,
# files-from and snoop are not one program's input file, so those replay
# through the driver alone
prog() {
	case $1 in
	events-claude) echo "agent-events --agent claude" ;;
	events-codex) echo "agent-events --agent codex" ;;
	events-gemini) echo "agent-events --agent gemini" ;;
	event-reader) echo "agent-stack --view tasks|agent-stack --view cost|agent-stack --view context|agent-stack --format latency|agent-stack --format context|agent-stack --format report|agent-tag" ;;
	stack) echo "agent-stack --view tasks|agent-stack --view files|agent-stack --view system|agent-stack --view time --format report|agent-stack --format top|agent-stack --format json" ;;
	tag) echo "agent-tag|agent-tag --tagger cluster --stats" ;;
	folded) echo "folded2svg" ;;
	folded2svg) echo "folded2svg|folded2svg --reverse --colors agent --minwidth 1%" ;;
	folded2pprof) echo "folded2pprof|folded2pprof --sample-types a/b,c/d --leaf prompt" ;;
	json) echo "agent-events" ;;
	esac
}
skip() {
	case $1 in
	stack) echo 2 ;;
	tag|folded2svg|folded2pprof) echo 1 ;;
	*) echo 0 ;;
	esac
}

for d in "$REG"/*/; do
	t=$(basename "$d")
	for f in "$d"*; do
		[ -f "$f" ] || continue
		n=$t/$(basename "$f")
		if [ ! -x "$R/$t" ]; then
			not_ok "$n: replay driver $R/$t missing"
			continue
		fi
		timeout 60 "$R/$t" "$f" > /dev/null 2> replay.err
		rc=$?
		if [ $rc = 0 ]; then ok "$n: replays cleanly"; else
			not_ok "$n: replays cleanly"; diag "exit $rc"
			grep -m3 'ERROR\|runtime error\|SUMMARY' replay.err | sed 's/^/# /'
		fi
		tail -c +$(($(skip "$t") + 1)) "$f" > input
		progs=$(prog "$t")
		IFS='|'
		for p in $progs; do
			unset IFS
			timeout 60 $p input > /dev/null 2> prog.err
			rc=$?
			if [ $rc -lt 3 ]; then ok "$n: $p exits $rc"; else
				not_ok "$n: $p neither crashes nor hangs"; diag "exit $rc"
				grep -m3 'ERROR\|runtime error\|SUMMARY' prog.err | sed 's/^/# /'
			fi
		done
		unset IFS
	done
done
# found by the stack target: a session whose first record past the session
# record is an effect made --format report read the session table before
# it was grown (a NULL or stale pointer, report.c on_effect)
printf '%s\n' '{"kind":"session","agent":"codex","session":"s","ts":"2025-01-01T00:00:00Z","cwd":"/p"}' \
	'{"kind":"effect","agent":"codex","session":"s","id":"t#1","parent":"t","effect":"read","path":"a","ts":"2025-01-01T00:00:01Z"}' > effect-first
timeout 60 agent-stack --format report effect-first > report.out 2> report.err
rc=$?
if [ $rc -lt 2 ] && grep -q . report.out; then ok "report: an effect first in its session"; else
	not_ok "report: an effect first in its session"; diag "exit $rc"; fi

plan $_n
done_testing
