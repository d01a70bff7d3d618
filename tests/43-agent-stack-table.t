#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-stack --format table and --format json --by: rows per day, week,
# month (in UTC and in Europe/Berlin, over midnight, the March 2026 change
# to summer time and a month end), session, model, project and agent;
# and totals that equal the tokens, cost and tasks views exactly, on the
# fixture, the bundled examples and a generated history.
. "$(dirname "$0")/lib.sh"
FX=$TOP/tests/fixtures/periods
plan 34

# the fixture's records, by hand: m1 2026-03-28T22:55Z (23:55 in Berlin),
# m2 23:10Z (00:10 on the 29th in Berlin), m3 2026-03-29T00:30Z (01:30 CET,
# before the change at 01:00Z), l1 22:30Z on the 29th (00:30 CEST on
# Monday the 30th: ISO week 14 in Berlin, 13 in UTC), l2 and l3 at 22:30Z
# on March 31 (April 1 in Berlin)
for x in "day-utc:" "day-berlin:--tz Europe/Berlin" "session:--by session" \
	"agent:--by agent" "project:--by project"; do
	name=${x%%:*}; opts=${x#*:}
	check_exit "--format table $opts" 0 agent-stack --format table $opts "$FX/dst.ndjson"
	check_same "--format table $opts: the rows by hand" "$FX/$name.expected" out
done
check_exit "--format json --by week --tz Europe/Berlin" 0 \
	agent-stack --format json --by week --tz Europe/Berlin "$FX/dst.ndjson"
check_same "... week 13 ends at Sunday midnight in Berlin" "$FX/week-berlin.expected" out
check_exit "--format json --by month --tz Europe/Berlin" 0 \
	agent-stack --format json --by month --tz Europe/Berlin "$FX/dst.ndjson"
check_same "... March 31 at 22:30Z is April in Berlin" "$FX/month-berlin.expected" out
TZ=Europe/Berlin agent-stack --format table "$FX/dst.ndjson" > local.out 2>/dev/null
check_same "local time by default: TZ=Europe/Berlin is --tz Europe/Berlin" "$FX/day-berlin.expected" local.out
agent-stack --format table --by week --tz Europe/Berlin "$FX/dst.ndjson" > w.out 2>/dev/null
check_out "weeks: ISO 8601, Monday first" "$(printf '2026-W13\n2026-W14\ntotal')" \
	sh -c "sed -n '2,4p' w.out | cut -d' ' -f1"

# --- totals equal the views ---------------------------------------------------------
# view_sum VIEW [opts] FILE: the folded counts added up (cost: the priced
# stacks; unpriced calls are a column of their own)
view_sum() { _v=$1; shift; agent-stack -v "$_v" "$@" 2>/dev/null | grep -v ';price:unknown ' | awk '{s += $NF} END {print s + 0}'; }
kind_sum() { agent-stack -v tokens -w "$1" "$2" 2>/dev/null | awk '{s += $NF} END {print s + 0}'; }
calls() { agent-stack -v tasks "$1" 2>/dev/null | grep ';kind:llm;' | awk '{s += $NF} END {print s + 0}'; }
total() { jq -r ".total.$1" "$2"; }

agent-events --no-text "$TOP/share/examples/"* > ex.ev 2>/dev/null
sh "$TOP/scripts/gen-history" 3 claude > gen.jsonl
agent-events --no-text gen.jsonl > gen.ev 2>/dev/null
for f in "$FX/dst.ndjson" ex.ev gen.ev; do
	n=$(basename "$f")
	bad=
	want="$(kind_sum input "$f") $(kind_sum output "$f") $(kind_sum cache_read "$f") $(kind_sum cache_write "$f") $(view_sum cost "$f") $(calls "$f")"
	for by in day week month session model project agent; do
		agent-stack --format json --by "$by" --tz Europe/Berlin "$f" > t.json 2>/dev/null
		got=$(jq -r '.total | "\(.input) \(.output) \(.cache_read) \(.cache_write) \(.cost) \(.calls)"' t.json)
		[ "$got" = "$want" ] || bad="$bad $by($got, views $want)"
		# the rows add up to the total
		[ "$(jq '[.rows[].cost] | add' t.json)" = "$(total cost t.json)" ] || bad="$bad $by/rows"
		[ "$(jq '[.rows[].tokens] | add' t.json)" = "$(total tokens t.json)" ] || bad="$bad $by/rowtokens"
	done
	if [ -z "$bad" ]; then ok "$n: every grouping's totals are the tokens, cost and tasks views'"
	else not_ok "$n: every grouping's totals are the tokens, cost and tasks views'"; diag "differ:$bad"; fi
done
check_test "the examples' three sessions are three days" \
	"$(agent-stack --format json --by day ex.ev 2>/dev/null | jq '.rows | length')" = 3
agent-stack --format json --by day --since 2026-03-29T12:00:00Z "$FX/dst.ndjson" > s.json 2>/dev/null
check_test "a selection: the total is the cost view's of the same selection" \
	"$(total cost s.json)" = "$(view_sum cost --since 2026-03-29T12:00:00Z "$FX/dst.ndjson")"
check_test "... its output tokens too" "$(total output s.json)" = 791
check_test "... its unpriced calls" "$(total unpriced_calls s.json)" = 1
agent-stack --format json --by model --agent claude "$FX/dst.ndjson" > m.json 2>/dev/null
check_out "by model: rows of the selected agent's models" \
	"$(printf 'claude-opus-4-7 9340 1\nclaude-sonnet-4-5 2826 2\n- 0 0')" \
	jq -r '.rows[] | "\(.model) \(.cost) \(.calls)"' m.json
check_test "the table's active time is the time view's, waits apart" \
	"$(total active_ms m.json)" = \
	"$(agent-stack -v time --agent claude "$FX/dst.ndjson" | grep -v ';kind:wait;' | awk '{s += $NF} END {print s}')"

# --- usage errors --------------------------------------------------------------------
check_exit "--by tag with --format table" 2 agent-stack --format table --by tag "$FX/dst.ndjson"
check_grep "... names the groupings" "day, week, month, session, model, project or agent" err
check_exit "an unknown zone" 2 agent-stack --format table --tz Nowhere/Atlantis "$FX/dst.ndjson"
check_grep "... says so" "no time zone Nowhere/Atlantis" err
check_exit "--tz without a table" 2 agent-stack --tz UTC "$FX/dst.ndjson"
check_exit "--by day with --format folded" 2 agent-stack --by day "$FX/dst.ndjson"
check_exit "--format json without --by: the summary as before" 0 agent-stack --format json "$FX/dst.ndjson"
check_grep "... with its view" '^{"view":"tasks"' out
check_exit "no record matched: exit 1" 1 agent-stack --format table --agent nobody "$FX/dst.ndjson"
done_testing
