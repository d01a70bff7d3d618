#!/bin/sh
# SPDX-License-Identifier: MIT
# valgrind memcheck over the main pipelines: agent-events | agent-tag |
# agent-stack --view each | folded2svg and folded2pprof (and
# agent-sessions), on the shipped examples and a slice of ../shared/corpus.
# Every run must report no memory errors and nothing definitely lost.  The
# sanitizer build is skipped: ASan and valgrind do not mix.
. "$(dirname "$0")/lib.sh"
have valgrind || skip_all "valgrind not installed"
case $AP_BUILD in *build-san*) skip_all "a sanitizer build (valgrind cannot run it)" ;; esac
[ "${SAN:-}" = 1 ] && skip_all "a sanitizer build (valgrind cannot run it)"

VIEWS="tasks system tokens cost time files network context"
n=0
# vg NAME CMD...: CMD under memcheck, stdin as redirected, stdout to NAME.out
vg() {
	_name=$1; shift
	n=$((n + 1))
	timeout 120 valgrind -q --leak-check=full --show-leak-kinds=definite \
		--errors-for-leak-kinds=definite --error-exitcode=99 --log-file="vg.$n.log" \
		"$@" > "$_name.out" 2> "$_name.err"
	_rc=$?
	# -q logs nothing when all is well.  PCRE2's JIT-compiled matchers
	# (agent-tag) make "uninitialised" reports in code valgrind cannot
	# see ("at 0x...: ???", no object): those blocks are left out.
	awk '/^==[0-9]+== [^ ]/ { if (blk != "" && !jit) print blk; blk = $0; first = 1; jit = 0; next }
		/^==[0-9]+== +(at|by) / { if (first) { jit = $0 ~ /: \?\?\?$/; first = 0 } blk = blk "\n" $0; next }
		{ blk = blk "\n" $0 }
		END { if (blk != "" && !jit) print blk }' "vg.$n.log" > "vg.$n.real"
	if [ "$_rc" -lt 124 ] && ! grep -q 'definitely lost\|Invalid\|uninitialised\|Mismatched\|overlap' "vg.$n.real"; then
		ok "memcheck: $_name"
	else
		not_ok "memcheck: $_name"
		diag "exit $_rc"
		head -12 "vg.$n.real" | sed 's/^/# /'
	fi
}

# the inputs: the examples, and a few corpus files of each agent (small
# ones, so the whole file stays under a minute)
set -- "$TOP"/share/examples/*.json*
if shared corpus; then
	for d in claude-code codex gemini-cli; do
		for f in $(ls -S "$SHARED/corpus/$d" | tail -n 4); do
			set -- "$@" "$SHARED/corpus/$d/$f"
		done
	done
fi
vg events agent-events "$@"
check_test "agent-events wrote records" "$(grep -c . events.out)" -gt 10
vg tag agent-tag events.out
for v in $VIEWS; do
	vg "stack-$v" agent-stack --view "$v" tag.out
done
vg stack-json agent-stack --format json tag.out
vg stack-report agent-stack --format report tag.out
vg svg folded2svg stack-tasks.out
vg svg-tokens folded2svg stack-tokens.out
vg pprof folded2pprof -o t.pb.gz stack-tasks.out
vg pprof-tokens folded2pprof -o k.pb.gz stack-tokens.out
vg sessions env HOME="$TOP/tests/fixtures/sessions/home" CLAUDE_CONFIG_DIR= CODEX_HOME= agent-sessions --json
check_test "agent-sessions listed sessions" "$(grep -c . sessions.out)" -gt 0
plan $_n
done_testing
