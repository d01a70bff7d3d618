# SPDX-License-Identifier: MIT
# otlp.jq: agent-event(5) llm and tool records as OpenTelemetry spans
# (OTLP/HTTP JSON, an ExportTraceServiceRequest), with the GenAI semantic
# conventions: one trace per session, a span per model call ("chat") and
# per tool call ("execute_tool"), parented by the records' parent ids.
# Read with jq -s (all records at once).  No text leaves: the attributes
# are ids, names, models, counts and statuses.  agentpprof-team(1), otlp.

# ids: a polynomial hash of a string, 8 hex digits per round, exact in
# jq's doubles (every product stays below 2^53)
def mix: (. * 1664525 + 1013904223) % 4294967296;
def h32($s; $m): reduce ($s | explode[]) as $c (2166136261; (. * $m + $c) % 4294967296) | mix | mix | mix;
def hex8: [range(7; -1; -1) as $i | (. / pow(16; $i) | floor) % 16] | map("0123456789abcdef"[.:.+1]) | join("");
def trace_id($s): [h32($s; 31), h32($s; 37), h32($s; 41), h32($s; 43)] | map(hex8) | join("");
def span_id($s): [h32($s; 47), h32($s; 53)] | map(hex8) | join("");
def ns: if . == null then null else (sub("\\.(?<ms>[0-9]{3})Z$"; "Z") | fromdateiso8601) end;
def ts_ns: if .ts == null then null
	else ((.ts | ns) * 1000 + ((.ts | capture("\\.(?<ms>[0-9]{3})Z$").ms // "0") | tonumber)) * 1000000 end;
def attr($k; $v): if $v == null then empty
	elif ($v | type) == "number" then {key: $k, value: {intValue: ($v | tostring)}}
	elif ($v | type) == "boolean" then {key: $k, value: {boolValue: $v}}
	else {key: $k, value: {stringValue: ($v | tostring)}} end;

[ .[] | select(.kind == "llm" or .kind == "tool") | select(.update != true) ] as $r
| {resourceSpans: [
	$r | group_by(.session)[] | . as $s
	| {
		resource: {attributes: [attr("service.name"; "agentpprof"), attr("gen_ai.agent.name"; $s[0].agent),
			attr("session.id"; $s[0].session)]},
		scopeSpans: [{scope: {name: "agentpprof", version: $version},
		spans: [ $s[] | (ts_ns) as $stop
			| (if .duration_ms != null and $stop != null then $stop - .duration_ms * 1000000 else $stop end) as $start
			| {
			traceId: trace_id(.session // ""),
			spanId: span_id((.session // "") + "/" + (.id // "")),
			name: (if .kind == "llm" then "chat " + (.model // "unknown") else "execute_tool " + (.tool // "unknown") end),
			kind: (if .kind == "llm" then 3 else 1 end),
			startTimeUnixNano: (($start // 0) | tostring),
			endTimeUnixNano: (($stop // 0) | tostring),
			attributes: (if .kind == "llm" then [
				attr("gen_ai.operation.name"; "chat"),
				attr("gen_ai.request.model"; .model),
				attr("gen_ai.response.id"; .id),
				attr("gen_ai.usage.input_tokens"; if .tokens then .tokens.input + .tokens.cache_read + .tokens.cache_write else null end),
				attr("gen_ai.usage.output_tokens"; .tokens.output),
				attr("gen_ai.usage.cache_read_input_tokens"; .tokens.cache_read),
				attr("gen_ai.usage.cache_creation_input_tokens"; .tokens.cache_write),
				attr("agentpprof.usage"; .usage),
				attr("agentpprof.prompt_tag"; .tags.prompt)
			] else [
				attr("gen_ai.operation.name"; "execute_tool"),
				attr("gen_ai.tool.name"; .tool),
				attr("gen_ai.tool.call.id"; .id),
				attr("agentpprof.tool_kind"; .tool_kind),
				attr("agentpprof.status"; .status),
				attr("process.exit.code"; .exit),
				attr("agentpprof.prompt_tag"; .tags.prompt)
			] end),
			status: {code: (if .status == "error" then 2 elif .status == "ok" then 1 else 0 end)}
		} + (if .parent then {parentSpanId: span_id((.session // "") + "/" + .parent)} else {} end)
		]}]
	}
]}
