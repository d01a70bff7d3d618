#!/bin/sh
# SPDX-License-Identifier: MIT
# agentpprof-team push and otlp against a loopback mock receiver
# (tests/fixtures/team/mock.py): method, path, query, labels and body of
# what Pyroscope and an OTLP collector would receive; go tool pprof reads
# the pushed profile back.
. "$(dirname "$0")/lib.sh"
F=$TESTS/fixtures/team
have python3 || skip_all "python3 not installed"
have curl || skip_all "curl not installed"
have jq || skip_all "jq not installed"
plan 16
python3 "$F/mock.py" req.log > port 2> mock.err &
mock=$!
trap 'kill $mock 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0; while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
url=http://127.0.0.1:$(cat port)
EV=$TESTS/fixtures/stack/events.ndjson

agent-stack --view tokens "$EV" > tokens.folded 2> /dev/null
check_exit "push folded" 0 agentpprof-team push --url "$url/" --app agentpprof.tokens \
	--labels developer=abc123,project=app --since 2025-06-01 --until 2025-06-02 tokens.folded
r=$(tail -1 req.log)
check_out "POST /ingest" "POST /ingest" sh -c "echo '$r' | jq -r '.method + \" \" + .path'"
check_out "the name carries the labels" 'agentpprof.tokens{developer=abc123,project=app}' sh -c "echo '$r' | jq -r .query.name"
check_out "format, units, aggregation and the day as from/until" 'folded samples sum 1748736000 1748822400' \
	sh -c "echo '$r' | jq -r '[.query.format, .query.units, .query.aggregationType, .query.from, .query.until] | join(\" \")'"
echo "$r" | jq -r .body | base64 -d > pushed.folded
check_same "the body is the folded stacks as they were" tokens.folded pushed.folded

folded2pprof -o tokens.pb.gz tokens.folded
check_exit "push pprof" 0 agentpprof-team push --url "$url" --format pprof --labels view=tokens tokens.pb.gz
r=$(tail -1 req.log)
check_out "multipart, format pprof" "multipart/form-data pprof" sh -c "echo '$r' | jq -r '(.type | sub(\";.*\"; \"\")) + \" \" + .query.format'"
echo "$r" | jq -r .body | base64 -d > multipart.bin
check_grep "a sample type config part" 'name="sample_type_config"' multipart.bin
if have go; then
	# the profile part, cut out of the multipart body
	python3 - multipart.bin > part.pb.gz <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
i = b.index(b'name="profile"'); i = b.index(b"\r\n\r\n", i) + 4
j = b.index(b"\r\n--", i)
sys.stdout.buffer.write(b[i:j])
PY
	go tool pprof -raw part.pb.gz > raw.txt 2>&1
	check_grep "go tool pprof -raw reads the pushed profile" 'PeriodType\|Samples:' raw.txt
else
	skip "go not installed"
fi
agentpprof-team push --url "$url/fail" tokens.folded > /dev/null 2> fail.err
check_test "a refusal: exit 2" $? = 2
check_grep "... with a message" '^agentpprof-team: Pyroscope refused the profile' fail.err
check_exit "bad labels are a usage error" 2 agentpprof-team push --url "$url" --labels 'a b=c' tokens.folded

# OTLP/HTTP JSON: GenAI spans
agentpprof-team otlp "$EV" > spans.json
check_test "otlp: one span per model call and tool call" \
	"$(jq '[.resourceSpans[].scopeSpans[].spans[]] | length' spans.json)" = \
	"$(jq -s '[.[] | select((.kind == "llm" or .kind == "tool") and .update != true)] | length' "$EV")"
check_test "a tool span's parent is its model call's span" \
	"$(jq -r '[.resourceSpans[].scopeSpans[].spans[]] | (map({(.attributes[] | select(.key == "gen_ai.response.id") | .value.stringValue): .spanId}) | add) as $ids | map(select(.name == "execute_tool Bash")) | .[0].parentSpanId == $ids["l1"]' spans.json)" = true
check_nogrep "no prompt or response text in the spans" 'PLANTED' spans.json
agentpprof-team otlp --url "$url" "$EV"
check_out "pushed to /v1/traces as JSON" "/v1/traces application/json" sh -c "tail -1 req.log | jq -r '.path + \" \" + .type'"
done_testing
