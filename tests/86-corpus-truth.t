#!/bin/sh
# SPDX-License-Identifier: MIT
# The whole shared corpus in one run (issue 12): per-session token totals
# equal the per-file runs', whatever order the files come in; the tokens
# view adds up to the records; and work that names a prompt present in the
# input is never drawn under prompt:none, in any view.
. "$(dirname "$0")/lib.sh"
shared corpus || skip_all "no ../shared/corpus"
have jq || skip_all "no jq"
plan 19

C=$SHARED/corpus
find "$C/claude-code" "$C/codex" "$C/gemini-cli" -type f \( -name '*.jsonl' -o -name '*.json' \) \
	! -name '*.meta.json' | LC_ALL=C sort > files
sort -r files > files.rev
check_test "corpus: session files found" "$(wc -l < files)" -gt 50

T='def t: (.tokens.input + .tokens.cache_read + .tokens.cache_write + .tokens.output);
[.[] | select(.kind == "llm" and .tokens)] | group_by(.session) |
map({key: .[0].session, value: (map(t) | add)}) | from_entries'
agent-events --files-from files > one.ndjson 2> one.err
agent-events --files-from files.rev > rev.ndjson 2> /dev/null
while read -r f; do agent-events "$f" 2> /dev/null; done < files > per.ndjson
jq -s "$T" one.ndjson > one.json
jq -s "$T" rev.ndjson > rev.json
jq -s "$T" per.ndjson > per.json
check_test "one run: sessions with tokens" "$(jq length one.json)" -gt 40
check_same "one run: per-session tokens equal the per-file runs'" per.json one.json
check_same "reversed file order: the same per-session tokens" one.json rev.json
check_test "one run: no record lost to another file's order" \
	"$(jq -c 'select(.kind != "session")' one.ndjson | sort | md5sum)" = \
	"$(jq -c 'select(.kind != "session")' rev.ndjson | sort | md5sum)"

# The tokens view is the records' sum, updates included.
agent-tag < one.ndjson > tagged.ndjson 2> /dev/null
agent-stack --view tokens < tagged.ndjson > tokens.folded
check_test "tokens view: its total is the records' total" \
	"$(awk '{s += $NF} END {printf "%d", s}' tokens.folded)" = "$(jq -s 'add' one.json | jq 'add')"

# Work whose prompt is in the input keeps it, in every view.
jq -c -s '[.[] | select(.kind == "prompt") | "\(.session) \(.id)"] as $p | ($p | map({key: ., value: 1}) | from_entries) as $have |
	.[] | select(.kind == "session" or (.prompt != null and $have["\(.session) \(.prompt)"] == 1))' tagged.ndjson > named.ndjson
check_test "named work: most records have their prompt" "$(wc -l < named.ndjson)" -gt 3000
for v in tasks tokens time files system network; do
	agent-stack --view "$v" < named.ndjson > "$v.folded" 2> /dev/null
	check_nogrep "$v view: no named work under prompt:none" 'prompt:none' "$v.folded"
done

# Records in reverse order (every session interleaved with every other,
# subagents before their spawning calls) give the same stacks.
tac named.ndjson > named.rev
for v in tasks tokens time files system network; do
	agent-stack --view "$v" < named.rev > "$v.rev" 2> /dev/null
	check_same "$v view: the records reversed give the same stacks" "$v.folded" "$v.rev"
done
