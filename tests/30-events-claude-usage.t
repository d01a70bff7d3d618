#!/bin/sh
# SPDX-License-Identifier: MIT
# Claude's usage counts (claude.c usage_max): plain keys told by their
# length, escaped keys that still spell one, near misses, duplicates
# (the largest kept), and every kind of value count() reads: digits of
# up to 15 (read in place) and longer, the 2^53 cap, signs, fractions,
# exponents, overflow, strings, literals, containers, a bad number.
. "$(dirname "$0")/lib.sh"
plan 2
gen() {
	i=0
	for v in 0 7 30000 999999999999999 123456789012345 1234567890123456 9007199254740992 9007199254740993 99999999999999999999 -5 -0 1.5 0.0 1e3 2.5e2 1E2 1e400 -1e400 '"12"' true null '{}' '[]' 000001 ; do
		i=$((i + 1))
		printf '{"parentUuid":null,"isSidechain":false,"cwd":"/d","sessionId":"s-u","version":"2.1.90","type":"assistant","message":{"id":"msg_%d","model":"m","content":[],"usage":{"input_tokens":%s,"cache_creation_input_tokens":%s,"cache_read_input_tokens":%s,"output_tokens":%s,"cache_creation":{"ephemeral_1h_input_tokens":%s}}},"requestId":"r%d","uuid":"d%d","timestamp":"2026-03-02T00:00:01.000Z"}\n' $i "$v" "$v" "$v" "$v" "$v" $i $i
		i=$((i + 1))
		printf '{"parentUuid":null,"isSidechain":false,"cwd":"/d","sessionId":"s-u","version":"2.1.90","type":"assistant","message":{"id":"msg_%d","model":"m","content":[],"usage":{"input\\u005ftokens":%s,"cache_creation_input_tok\\u0065ns":%s,"\\u0063ache_read_input_tokens":%s,"output_tokens\\u0000":%s,"cache_creatio\\u006e":{"ephemeral_1h_input_tokens":%s},"output_tok\\u0065ns":%s}},"requestId":"r%d","uuid":"d%d","timestamp":"2026-03-02T00:00:01.000Z"}\n' $i "$v" "$v" "$v" "$v" "$v" "$v" $i $i
	done
	# duplicates keep the largest; keys of other lengths and near misses count nothing
	printf '{"parentUuid":null,"isSidechain":false,"cwd":"/d","sessionId":"s-u","version":"2.1.90","type":"assistant","message":{"id":"msg_d","model":"m","content":[],"usage":{"input_tokens":5,"input_tokens":3,"input_tokens":9,"inpu_tokens":99,"input_tokenz":99,"Input_tokens":99,"output_tokens_":99,"output_tokens":4,"cache_read_input_tokenS":99,"cache_creation_input_token":99,"cache_creation":{"ephemeral_1h_input_tokens":6},"cache_creation":{"ephemeral_1h_input_tokens":1},"service_tier":"standard"}},"requestId":"rd","uuid":"dd","timestamp":"2026-03-02T00:00:01.000Z"}\n'
}
gen > u.jsonl
agent-events u.jsonl 2> err | grep -o '"id":"msg_[^"]*".*"tokens":{[^}]*}' | sed 's/,"model":"m"//' > out
check_same "usage: counts of every kind of key and value" "$TESTS/fixtures/claude/usage-values.out" out
check_grep "usage: the bad number is a bad line" 'u.jsonl:47: not JSON' err
done_testing
