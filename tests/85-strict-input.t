#!/bin/sh
# SPDX-License-Identifier: MIT
# Strict input: U+0000 inside JSON strings (escaped or raw) is read as
# U+FFFD, so that a name is never cut at a NUL; RFC 3339 times that do not
# exist (offsets past 23:59, month 13, February 30, hour 24) are not times.
. "$(dirname "$0")/lib.sh"
plan 26
FFFD=$(printf '\357\277\275')

# --- U+0000 in a Claude session: the tool name and the model call's tools ----------
cat > nul.jsonl <<'EOF2'
{"type":"user","message":{"role":"user","content":"a\u0000b"},"uuid":"u1","sessionId":"s1","cwd":"/src/app","timestamp":"2026-01-05T10:00:00.000Z"}
{"parentUuid":"u1","cwd":"/src/app","sessionId":"s1","type":"assistant","message":{"id":"msg_A","model":"m","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash\u0000Evil","input":{"command":"ls"}},{"type":"tool_use","id":"toolu_2","name":"Read","input":{"file_path":"/src/app/x"}}],"usage":{"input_tokens":3,"output_tokens":85}},"requestId":"req_A","uuid":"a3","timestamp":"2026-01-05T10:00:04.000Z"}
EOF2
agent-events nul.jsonl > nul.ndjson 2> nul.err
check_test "agent-events exits 0" "$?" -eq 0
check_out "the model call lists both tools, the first one whole" "[\"Bash${FFFD}Evil\",\"Read\"]" \
	jq -c 'select(.kind == "llm") | .tools' nul.ndjson
check_out "the tool keeps its full name: it is not Bash, so no shell effects" \
	"$(printf '%s\n' "[\"Bash${FFFD}Evil\",null]" '["Read","read"]')" \
	jq -c 'select(.kind == "tool") | [.tool, .class]' nul.ndjson
check_out "effects: only Read's" '["toolu_2#1","read","/src/app/x"]' \
	jq -c 'select(.kind == "effect") | [.id, .effect, .path]' nul.ndjson
check_out "the prompt's text keeps its length: a, U+FFFD, b" "a${FFFD}b" \
	jq -r 'select(.kind == "prompt") | .text' nul.ndjson
check_test "nothing on standard error" "$(wc -c < nul.err)" -eq 0

# --- in agent-event(5) records read by agent-stack -----------------------------------
printf '%s\n' '{"kind":"tool","agent":"claude","session":"s","id":"t1","tool":"Bash\u0000x"}' \
	'{"kind":"tool","agent":"claude","session":"s","id":"t2","tool":"Bash"}' \
	'{"kind":"tool","agent":"claude","session":"s","id":"t3","tool":"\u0000"}' > esc.ndjson
agent-stack --view tools esc.ndjson > esc.folded
check_out "an escaped NUL: three tools, not two Bash" "$(sort <<EOF2
project:unknown;agent:claude;session:unmatched;prompt:none;call:tool/Bash${FFFD}x;status:unknown 1
project:unknown;agent:claude;session:unmatched;prompt:none;call:tool/Bash;status:unknown 1
project:unknown;agent:claude;session:unmatched;prompt:none;call:tool/$FFFD;status:unknown 1
EOF2
)" sort esc.folded
printf '{"kind":"tool","agent":"claude","session":"s","id":"t1","tool":"Bash\000x"}\n' > raw.ndjson
agent-stack --view tools raw.ndjson > raw.folded
check_out "a raw NUL byte: the same" \
	"project:unknown;agent:claude;session:unmatched;prompt:none;call:tool/Bash${FFFD}x;status:unknown 1" cat raw.folded

# --- times that do not exist are not times -------------------------------------------
for t in 2026-01-01T00:00:00+25:00 2026-01-01T00:00:00+99:99 2026-01-01T00:00:00-24:60 \
	2026-01-01T00:00:00+24:00 2026-01-01T00:00:00-00:60 2026-01-01T00:00:00+2400 \
	2026-13-01 2026-00-10 2026-01-32 2026-01-00 2026-02-29 2100-02-29 2026-04-31 \
	2026-01-01T24:00:00Z 2026-01-01T23:60:00Z 2026-01-01T23:59:61Z; do
	check_out "--since $t: refused" "agent-sessions: --since: not a time: $t" \
		sh -c 'agent-sessions --since "$1" > /dev/null 2> since.err; echo "exit $?" >> since.err; head -1 since.err' sh "$t"
done
agent-sessions --since 2026-01-01T00:00:00+25:00 > /dev/null 2>&1
check_test "... with exit status 2" "$?" -eq 2

# times that exist, to the millisecond in UTC, through a Claude record
: > times.jsonl
for t in 2024-02-29T12:00:00Z 2000-02-29T00:00:00Z 2026-01-05T10:00:04+23:59 2026-01-05T10:00:04-23:59 \
	2026-01-05T10:00:04+05:30 2026-01-05T10:00:04-0000 2026-12-31T23:59:60Z 2026-01-05T10:00:04+25:00; do
	printf '{"type":"user","message":{"role":"user","content":"go"},"uuid":"%s","sessionId":"s1","cwd":"/src/app","timestamp":"%s"}\n' "$t" "$t" >> times.jsonl
done
agent-events times.jsonl > times.ndjson
check_out "offsets to +-23:59, 29 February of leap years, a leap second; an offset of 25 h is no time" "$(cat <<'EOF2'
2024-02-29T12:00:00Z 2024-02-29T12:00:00.000Z
2000-02-29T00:00:00Z 2000-02-29T00:00:00.000Z
2026-01-05T10:00:04+23:59 2026-01-04T10:01:04.000Z
2026-01-05T10:00:04-23:59 2026-01-06T09:59:04.000Z
2026-01-05T10:00:04+05:30 2026-01-05T04:30:04.000Z
2026-01-05T10:00:04-0000 2026-01-05T10:00:04.000Z
2026-12-31T23:59:60Z 2027-01-01T00:00:00.000Z
2026-01-05T10:00:04+25:00 none
EOF2
)" jq -r 'select(.kind == "prompt") | "\(.id) \(.ts // "none")"' times.ndjson
done_testing
