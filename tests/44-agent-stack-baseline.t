#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-stack --baseline: a two-column folded diff whose columns add up to
# the two selections' views (a period of the input, or another file),
# drawn by folded2svg as a differential graph and split by folded2pprof
# --column into the two profiles of go tool pprof -diff_base; and the
# table of the frames that moved most, with signed changes.
. "$(dirname "$0")/lib.sh"
FX=$TOP/tests/fixtures/periods
F=$FX/dst.ndjson
plan 27

sum() { awk -v c="$1" '{ s += $(NF - c) } END { print s + 0 }'; }
view_sum() { _v=$1; shift; agent-stack -v "$_v" "$@" 2>/dev/null | awk '{s += $NF} END {print s + 0}'; }

check_exit "this period against the one before" 0 \
	agent-stack -v tokens --since 2026-03-29 --baseline ..2026-03-29 "$F"
check_same "the diff, by hand: m1 and m2 before, m3, l1, l2, l3 after" "$FX/diff-tokens.expected" out
for v in tokens cost tasks time; do
	agent-stack -v $v --since 2026-03-29 --baseline ..2026-03-29 "$F" > d.folded 2>/dev/null
	b=$(sum 1 < d.folded); a=$(sum 0 < d.folded)
	check_test "$v: the columns are the two periods' totals, so the diff total is their difference" \
		"$b $a $((a - b))" = "$(view_sum $v --until 2026-03-29 "$F") $(view_sum $v --since 2026-03-29 "$F") $(( $(view_sum $v --since 2026-03-29 "$F") - $(view_sum $v --until 2026-03-29 "$F") ))"
done

# a file as the baseline: the bundled examples against the fixture
agent-events --no-text "$TOP/share/examples/"* > ex.ev 2>/dev/null
agent-stack -v cost --baseline ex.ev "$F" > fd.folded 2>/dev/null
check_test "a file baseline: its column is the file's view" \
	"$(sum 1 < fd.folded) $(sum 0 < fd.folded)" = "$(view_sum cost ex.ev) $(view_sum cost "$F")"
check_test "... every line has two counts" "$(grep -cvE ' [0-9]+ [0-9]+$' fd.folded)" = 0
check_test "... no stack weighs nothing on both sides" "$(grep -c ' 0 0$' fd.folded)" = 0
agent-stack -v tokens --since 2026-03-30 --baseline ..2026-03-29 --project app "$F" > sel.folded 2>/dev/null
check_test "the selectors apply to both sides" "$(sum 1 < sel.folded) $(sum 0 < sel.folded)" = "2678 0"

# --- folded2svg draws it as a differential graph -------------------------------------
check_exit "folded2svg reads the diff" 0 folded2svg "$FX/diff-tokens.expected"
check_grep "... as a differential graph: the whole grew by 5,800 tokens" \
	'<title>all (8,478 samples, 100.00%; +5,800, +68.41%)</title>' out

# --- folded2pprof --column, go tool pprof -diff_base ---------------------------------
check_exit "folded2pprof --column 1: the baseline" 0 \
	folded2pprof --column 1 --sample-type tokens/count -o base.pb.gz "$FX/diff-tokens.expected"
check_exit "folded2pprof --column 2: the current period" 0 \
	folded2pprof --column 2 --sample-type tokens/count -o cur.pb.gz "$FX/diff-tokens.expected"
check_exit "--column with two sample types" 2 \
	folded2pprof --column 2 --sample-types a/count,b/count -o x.pb.gz "$FX/diff-tokens.expected"
if have go; then
	go tool pprof -raw base.pb.gz > base.raw 2>/dev/null
	check_grep "go tool pprof reads the baseline: 2300 cache reads of sonnet" '^ *2300: ' base.raw
	go tool pprof -diff_base base.pb.gz -top -nodecount 100 cur.pb.gz > top.out 2>top.err
	check_test "go tool pprof -diff_base: the leaves add up to the difference, 8478 - 2678" \
		"$(awk '/kind:/ { s += $1 } END { print s }' top.out)" = 5800
	check_grep "... sonnet's tokens are gone" '^ *0 .* -2678 .*model:claude-sonnet-4-5$' top.out
else
	skip "go not installed"; skip "go not installed"; skip "go not installed"
fi

# --- the table of movers -------------------------------------------------------------
check_exit "--format table: the frames that moved most" 0 \
	agent-stack -v cost --format table --by model --since 2026-03-29 --baseline ..2026-03-29 "$F"
check_same "... by hand: gpt-5 and opus new, sonnet gone, signed" "$FX/movers-cost.expected" out
agent-stack -v cost --format json --by model --since 2026-03-29 --baseline ..2026-03-29 "$F" > m.json 2>/dev/null
check_out "--format json: the movers, largest change first" \
	"$(printf 'model:gpt-5 0 9928 9928\nmodel:claude-opus-4-7 0 9340 9340\nmodel:claude-sonnet-4-5 2826 0 -2826')" \
	jq -r '.movers[] | "\(.frame) \(.baseline) \(.current) \(.change)"' m.json
check_test "... totals: the cost views' of each side, unpriced calls apart" \
	"$(jq -r '"\(.baseline) \(.current) \(.change) \(.unpriced_calls)"' m.json)" = "2826 19268 16442 [0,1]"
agent-stack -v tokens --format table --by model -n 1 --since 2026-03-29 --baseline ..2026-03-29 "$F" > n1.out 2>/dev/null
check_grep "-n 1: one row, and how many more" '^3 more frames moved less$' n1.out
agent-stack -v tokens --format table --since 2026-03-29 --baseline ..2026-03-29 "$F" > p.out 2>/dev/null
check_grep "... by prompt unless told: the one prompt frame" '^prompt:unmatched  *2678  *8478  *+5800  *+217%$' p.out

# --- usage errors ----------------------------------------------------------------------
check_exit "--baseline that is neither a file nor a period" 2 agent-stack --baseline nowhere.ndjson "$F"
check_grep "... says so" "no file nowhere.ndjson, and not a period" err
check_exit "--baseline with --format top" 2 agent-stack --format top --baseline ..2026-03-29 "$F"
done_testing
