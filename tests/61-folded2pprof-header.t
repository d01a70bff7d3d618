#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-stack --header | folded2pprof (issue 17, item 8): each view's
# sample type and unit, frames that only qualify a stack as pprof labels,
# and the cost note as a comment, read back with go tool pprof -raw, -top,
# -tags, -tagfocus, -traces and the pages of -http on loopback.
. "$(dirname "$0")/lib.sh"
EV=$TESTS/fixtures/report/events.ndjson
plan 26

# --- the header, without go ---------------------------------------------------
agent-stack --header -v cost "$EV" > cost.folded 2> cost.err
check_out "agent-stack --header: view, unit, label kinds, the cost note" \
"# view: cost
# unit: microdollars
# labels: kind price
# note: estimated cost \$1.23 for >99% of tokens; 110 tokens from 1 model with no price (mystery-1) (from recorded usage, not a bill)" \
	sed -n '/^#/p' cost.folded
check_test "... then the stacks of the plain folded output" \
	"$(grep -v '^#' cost.folded | md5sum)" = "$(agent-stack -v cost "$EV" 2>/dev/null | md5sum)"
for v in tasks time system context; do
	agent-stack --header -v "$v" "$EV" 2>/dev/null | sed -n '/^#/p' | tr '\n' '|' > "$v.hdr"
done
check_test "time: unit milliseconds, label kind" \
	"$(cat time.hdr)" = "# view: time|# unit: milliseconds|# labels: kind|"
check_test "system: label status" "$(cat system.hdr)" = "# view: system|# unit: events|# labels: status|"
check_test "context: label fill" "$(cat context.hdr)" = "# view: context|# unit: tokens|# labels: fill|"
check_status "--header goes with --format folded" 2 agent-stack --header --format top "$EV"

# --- read back by pprof ---------------------------------------------------------
. "$TESTS/pprof.sh"
# the total of -top with its unit
tot() { pp -top "$@" | sed -n 's/^Showing nodes accounting for .* of \([^ ]*\) total$/\1/p'; }
if [ -z "$GO" ]; then
	skip "go tool pprof not installed" 20
	done_testing
	exit 0
fi
agent-stack --header -v time "$EV" > time.folded 2>/dev/null
agent-stack --header -v tokens "$EV" > tokens.folded 2>/dev/null
folded2pprof -o cost.pb.gz cost.folded
folded2pprof -o time.pb.gz time.folded
folded2pprof -o tokens.pb.gz tokens.folded
pp -raw cost.pb.gz > cost.raw
check_grep "cost: sample type cost/microUSD" '^cost/microUSD\[dflt\]$' cost.raw
pp -raw time.pb.gz > time.raw
check_grep "time: sample type time/nanoseconds" '^time/nanoseconds\[dflt\]$' time.raw
check_test "time: milliseconds become nanoseconds, the total exact" \
	"$(tot time.pb.gz)" = "42000ms"
pp -raw tokens.pb.gz > tokens.raw
check_grep "tokens: sample type tokens/tokens" '^tokens/tokens\[dflt\]$' tokens.raw
check_quiet "pprof reads them without a warning"

pp -top -nodefraction=0 cost.pb.gz > cost.top
check_test "-top: the total is the folded total" "$(tot cost.pb.gz)" = 1231051microUSD
check_grep "-top ranks the model first, not a kind: leaf" \
	'^1100790microUSD 89.42% 89.42% 1100790microUSD 89.42%  model:claude-sonnet-4-5-20250929$' cost.top
check_nogrep "... no kind: or price: frame is a node" ' (kind|price):' cost.top
check_grep "... the unpriced model is its own row" '^ *1microUSD .*model:mystery-1$' cost.top
check_out "-comments: the note and what the unit means" \
"estimated cost \$1.23 for >99% of tokens; 110 tokens from 1 model with no price (mystery-1) (from recorded usage, not a bill)
cost in microUSD: 1000000 is one US dollar (pprof scales no currency)" go tool pprof -comments cost.pb.gz
check_test "-tagfocus kind=cache_read keeps the cache reads only" \
	"$(pp -top -tagfocus kind=cache_read cost.pb.gz | sed -n 's/^Showing nodes accounting for \([^,]*\),.*/\1/p')" = 134000microUSD
pp -tags cost.pb.gz > cost.tags
check_grep "-tags lists the kinds with their sums" '^ *134000\.0 (10\.89%): cache_read$' cost.tags
check_grep "... and price=unknown for the unpriced call" '^ *1\.0 (  100%): unknown$' cost.tags
pp -traces cost.pb.gz > cost.traces
check_grep "-traces shows a sample's labels" '^ *kind: *cache_read$' cost.traces
check_grep "... above its stack, leaf first" '^ *132000   model:claude-sonnet-4-5-20250929$' cost.traces
# labels keep equal stacks apart: back to folded with the kind appended
awk '/^-+\+-+$/ { k = ""; next } /^ *kind: / { k = $2 } /^ *[0-9]+   model:claude-sonnet/ { print k }' cost.traces |
	sort | tr '\n' ' ' > kinds.out
check_test "... one sample per kind of one call" "$(cat kinds.out)" = \
	"cache_read cache_write input output "

# --label without a header; --sample-type wins over the header's unit
agent-stack -v tokens "$EV" 2>/dev/null > plain.folded
folded2pprof --label kind --sample-type tokens/count -o plain.pb.gz plain.folded
check_test "--label kind without a header: the same totals by kind" \
	"$(pp -tags plain.pb.gz | grep -c '^ *[0-9.]* (.*): \(input\|output\|cache_read\|cache_write\)$')" = 4
folded2pprof --sample-type spent/count -o over.pb.gz cost.folded
check_grep "--sample-type overrides the header" '^spent/count\[dflt\]$' "$(pp -raw over.pb.gz > over.raw; echo over.raw)"

# -http on loopback: the top and flame graph pages name the model, no kind: node
port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 20000) }')
go tool pprof -no_browser -http="127.0.0.1:$port" cost.pb.gz > http.log 2>&1 &
pid=$!
i=0
until curl -sf "http://127.0.0.1:$port/ui/top" > top.html 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.2; i=$((i + 1))
done
curl -sf "http://127.0.0.1:$port/ui/flamegraph" > flame.html 2>/dev/null
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check_grep "-http /ui/top lists the model" 'model:claude-sonnet-4-5-20250929' top.html
check_test "... and no kind: node in the top table or the flame graph" \
	"$(cat top.html flame.html | grep -c 'kind:cache_read')" = 0

done_testing
