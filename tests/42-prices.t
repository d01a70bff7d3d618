#!/bin/sh
# SPDX-License-Identifier: MIT
# The price table: which names a table entry prices (exact names, aliases,
# dated snapshots; never a mere prefix), the cache-write rates, and the
# shipped table's own ratios.
. "$(dirname "$0")/lib.sh"
plan 15
P=$TOP/share/prices.yaml

# one call of model M with the given tokens, priced by table T
call() {
	printf '{"kind":"llm","agent":"claude","session":"s","ts":"2025-01-01T00:00:00Z","id":"m","model":"%s","tokens":{%s}}\n' "$1" "$2"
}
cost() { call "$1" "$2" | agent-stack -v cost --prices "$3" 2>/dev/null | sed 's/^.*;model:[^;]*;//'; }

# --- no pricing by prefix ------------------------------------------------------
# --prices adds to the shipped table: names of its own, the same shapes
# as the real ones (o3 / o3-pro, gpt-5 / gpt-5.4-mini)
cat > t.yaml <<'EOF'
models:
  xo3:
    input: 2.00
    output: 8.00
  xgpt-5:
    input: 1.25
    output: 10.00
  xclaude-sonnet-4:
    input: 3.00
    output: 15.00
  gpt-4o:
    input: 2.50
    output: 10.00
  mystery:
    input: 1.00
    output: 2.00
    aliases: [mystery-large, mystery@edge]
EOF
check_out "o3-pro is not priced as o3" "price:unknown 1" cost xo3-pro '"input":1000,"output":100' t.yaml
check_out "gpt-5.4-mini is not priced as gpt-5" "price:unknown 1" cost xgpt-5.4-mini '"input":1000,"output":100' t.yaml
check_out "claude-sonnet-4-5 is not claude-sonnet-4" "price:unknown 1" cost xclaude-sonnet-4-5 '"input":1000' t.yaml
check_out "a -YYYYMMDD snapshot is its base model" "$(printf 'kind:input 3000\nkind:output 1500')" \
	cost xclaude-sonnet-4-20250514 '"input":1000,"output":100' t.yaml
check_out "an @YYYYMMDD (Vertex) snapshot too" "kind:input 3000" cost 'xclaude-sonnet-4@20250514' '"input":1000' t.yaml
check_out "a Bedrock id with a date and -v1:0" "kind:input 3000" \
	cost 'us.anthropic.xclaude-sonnet-4-20250514-v1:0' '"input":1000' t.yaml
check_out "a -YYYY-MM-DD (OpenAI) snapshot" "kind:input 2500" cost gpt-4o-2024-08-06 '"input":1000' t.yaml
check_out "a suffix that is not a date is another model" "price:unknown 1" cost gpt-4o-audio-preview '"input":1000' t.yaml
check_out "an alias is priced as its entry" "$(printf 'kind:input 1000\nkind:output 200')" \
	cost mystery-large '"input":1000,"output":100' t.yaml
check_out "the shipped table: gpt-5.4-mini at its own list price" "$(printf 'kind:input 750\nkind:output 450')" \
	cost gpt-5.4-mini '"input":1000,"output":100' "$P"
check_out "the shipped table prices o3-pro at its own list price" "$(printf 'kind:input 20000\nkind:output 8000')" \
	cost o3-pro '"input":1000,"output":100' "$P"
check_out "and gemini-3-flash-preview by its alias" "kind:input 500" cost gemini-3-flash-preview '"input":1000' "$P"

# --- cache writes: five minutes 1.25 x input, one hour 2 x input -----------------
check_out "claude-sonnet-4-5: 600 5-minute writes at 3.75, 400 1-hour ones at 6.00" \
	"kind:cache_write 4650" cost claude-sonnet-4-5-20250929 '"cache_write":1000,"cache_write_1h":400' "$P"

# every Claude entry of the shipped table keeps the ratios
awk '
/^  [a-z0-9]/ { name = $1; sub(":", "", name); lc = 0; next }
/^    long_context:/ { lc = 1; next }
/^    [a-z_0-9]*:/ && !lc && name ~ /^claude-/ { k = $1; sub(":", "", k); v[name, k] = $2; seen[name] = 1 }
END {
	for (n in seen) {
		i = v[n, "input"]
		if (v[n, "cache_write"] + 0 != i * 1.25 || v[n, "cache_write_1h"] + 0 != i * 2 ||
		    v[n, "cache_read"] + 0 != i / 10)
			print n ": input " i " cache_write " v[n, "cache_write"] " cache_write_1h " v[n, "cache_write_1h"] " cache_read " v[n, "cache_read"]
	}
}' "$P" > ratios.bad
check_test "every Claude entry: cache_write 1.25x, cache_write_1h 2x, cache_read 0.1x input" "$(cat ratios.bad)" = ""

# --- a bad alias list is reported ---------------------------------------------------
printf 'models:\n  m:\n    input: 1\n    output: 2\n    aliases: m2\n' > bad.yaml
call m '"input":1' | agent-stack -v cost --prices bad.yaml > /dev/null 2> bad.err
check_grep "aliases that are not a list: file:line" '^agent-stack: bad.yaml:5: aliases is a list of model names$' bad.err
done_testing
