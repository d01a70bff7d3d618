#!/bin/sh
# Tool kinds end to end: each agent's tool names through agent-events,
# then agent-tag (the tag of the model call that chose the tool), agent-stack
# --format parallel (whether calls of the tool may form a burst of
# independent calls) and the effects of a call whose arguments have every
# key any kind reads.  The table below is what the programs decide per
# name; a change in it is a decision about a tool's kind.
. "$(dirname "$0")/lib.sh"
plan 3

ARGS='{"file_path":"/p/f","path":"/p/f","paths":["/p/a"],"command":"true","cmd":"true","url":"https://h.example/x","query":"q"}'
ts() { printf '2026-01-01T%02d:%02d:%02d.000Z' $((10 + $1 / 60)) $(($1 % 60)) "$2"; }
# gen_AGENT NAME...: a session with, per name, one prompt holding three
# calls of it, one after the other: two without arguments, one with ARGS.
gen_claude() {
	i=0
	for n; do
		i=$((i + 1))
		printf '{"type":"user","sessionId":"s","uuid":"u%d","timestamp":"%s","cwd":"/p","message":{"role":"user","content":"do %d"}}\n' $i "$(ts $i 0)" $i
		for k in 1 2 3; do
			a='{}'; [ $k = 3 ] && a=$ARGS
			printf '{"type":"assistant","sessionId":"s","uuid":"a%d.%d","parentUuid":"u%d","timestamp":"%s","cwd":"/p","requestId":"r%d.%d","message":{"id":"m%d.%d","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"t%d.%d","name":"%s","input":%s}],"usage":{"input_tokens":1,"output_tokens":1}}}\n' \
				$i $k $i "$(ts $i $k)" $i $k $i $k $i $k "$n" "$a"
			printf '{"type":"user","sessionId":"s","uuid":"r%d.%d","parentUuid":"a%d.%d","timestamp":"%s","cwd":"/p","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t%d.%d","content":"ok"}]}}\n' \
				$i $k $i $k "$(ts $i $((k + 1)))" $i $k
		done
	done
}
gen_codex() {
	printf '{"timestamp":"%s","type":"session_meta","payload":{"id":"s","timestamp":"%s","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.146.0"}}\n' "$(ts 0 0)" "$(ts 0 0)"
	i=0; tot=0
	for n; do
		i=$((i + 1))
		printf '{"timestamp":"%s","type":"event_msg","payload":{"type":"user_message","message":"do %d","kind":"plain"}}\n' "$(ts $i 0)" $i
		for k in 1 2 3; do
			a='{}'; [ $k = 3 ] && a=$ARGS
			a=$(printf '%s' "$a" | sed 's/"/\\"/g')
			printf '{"timestamp":"%s","type":"response_item","payload":{"type":"function_call","name":"%s","arguments":"%s","call_id":"t%d.%d"}}\n' \
				"$(ts $i $k)" "$n" "$a" $i $k
			printf '{"timestamp":"%s","type":"response_item","payload":{"type":"function_call_output","call_id":"t%d.%d","output":"ok"}}\n' \
				"$(ts $i $((k + 1)))" $i $k
			tot=$((tot + 10))
			printf '{"timestamp":"%s","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":%d,"cached_input_tokens":0,"output_tokens":1,"reasoning_output_tokens":0,"total_tokens":%d}}}}\n' \
				"$(ts $i $((k + 1)))" $tot $tot
		done
	done
}
gen_gemini() {
	printf '{"sessionId":"s","projectHash":"abc","startTime":"%s","lastUpdated":"%s","kind":"main"}\n' "$(ts 0 0)" "$(ts 0 0)"
	i=0
	for n; do
		i=$((i + 1))
		printf '{"id":"u%d","timestamp":"%s","type":"user","content":[{"text":"do %d"}]}\n' $i "$(ts $i 0)" $i
		for k in 1 2 3; do
			a='{}'; [ $k = 3 ] && a=$ARGS
			# the call id holds its start in ms: 2026-01-01T10:00:00Z is 1767261600 s
			ms=$(( (1767261600 + i * 60 + k) * 1000 ))
			printf '{"id":"a%d.%d","timestamp":"%s","type":"gemini","content":"","tokens":{"input":1,"output":1,"cached":0,"thoughts":0,"tool":0,"total":2},"model":"gemini-2.5-pro","toolCalls":[{"id":"t%d.%d-%d-x","name":"%s","args":%s,"status":"success","timestamp":"%s"}]}\n' \
				$i $k "$(ts $i $k)" $i $k $ms "$n" "$a" "$(ts $i $((k + 1)))"
		done
	done
}
# pin AGENT NAME...: per name, its tag, "burst" or -, and its effects
pin() {
	ag=$1; shift
	gen_$ag "$@" > s.jsonl
	agent-events s.jsonl > s.ev
	agent-tag < s.ev > s.tag
	agent-stack --format parallel -n 0 s.ev > s.par
	# the first model call of prompt N that chose a tool: N and its tag
	jq -r 'select(.kind == "llm" and (.tools // [])[0] != null) |
		"\(.prompt | capture("(?<n>[0-9]+)$").n)\t\(.tags.llm)"' s.tag > s.tags
	# the effects of call tN.3
	jq -r 'select(.kind == "effect" and (.parent | test("^t[0-9]+[.]3($|-)"))) |
		"\(.parent | capture("^t(?<n>[0-9]+)").n)\t\(.effect):\(.class):" +
		(.path // .domain // (.argv // [] | join(" ")))' s.ev > s.fx
	printf '%s\n' "$@" | awk -F '\t' '
		FILENAME == "s.tags" { if (!($1 in tag)) tag[$1] = $2; next }
		FILENAME == "s.fx" { fx[$1] = fx[$1] (fx[$1] == "" ? "" : " ") $2; next }
		FILENAME == "s.par" { split($0, w, " "); t = w[length(w)]; sub(/,.*/, "", t); burst[t] = 1; next }
		{ i++; printf "%s\t%s\t%s\t%s\n", $0, (i in tag) ? tag[i] : "-",
			($0 in burst) ? "burst" : "-", (i in fx) ? fx[i] : "-" }' s.tags s.fx s.par -
}

CLAUDE="Read NotebookRead Write Edit MultiEdit NotebookEdit Grep Glob LS WebFetch WebSearch
Bash bash BashOutput KillBash KillShell TaskOutput TaskStop Task Agent SendMessage TodoWrite
TodoRead ExitPlanMode EnterPlanMode TaskCreate TaskUpdate TaskList AskUserQuestion
mcp__fetch__fetch str_replace_editor str_replace_based_edit_tool edit_file create_file view
find search fetch grep_search"
CODEX="shell container.exec local_shell shell_command exec_command write_stdin apply_patch exec
view_image web_search list_dir grep_files read_file update_plan spawn_agent send_input wait
close_agent tool_search"
GEMINI="read_file read_many_files write_file replace edit run_shell_command list_directory glob
search_file_content grep grep_search web_fetch google_web_search save_memory write_todos"

check_out "claude: each tool name's tag, burst and effects" "$(cat <<'X'
Read	inspect	burst	read:read:/p/f
NotebookRead	inspect	burst	read:read:/p/f
Write	edit	-	write:write:/p/f
Edit	edit	-	write:write:/p/f
MultiEdit	edit	-	write:write:/p/f
NotebookEdit	edit	-	write:write:/p/f
Grep	inspect	burst	read:search:/p/f
Glob	inspect	burst	read:search:/p/f
LS	inspect	burst	read:read:/p/f
WebFetch	research	burst	net:net:h.example
WebSearch	research	burst	net:net:search.invalid
Bash	run	-	exec:other:true
bash	run	-	exec:other:true
BashOutput	run	-	-
KillBash	run	-	-
KillShell	run	-	-
TaskOutput	run	-	-
TaskStop	run	-	-
Task	delegate	-	-
Agent	delegate	-	-
SendMessage	delegate	-	-
TodoWrite	plan	-	-
TodoRead	plan	-	-
ExitPlanMode	plan	-	-
EnterPlanMode	plan	-	-
TaskCreate	plan	-	-
TaskUpdate	plan	-	-
TaskList	plan	-	-
AskUserQuestion	unmatched	-	-
mcp__fetch__fetch	unmatched	-	net:net:h.example
str_replace_editor	edit	-	-
str_replace_based_edit_tool	edit	-	-
edit_file	edit	-	-
create_file	edit	-	-
view	inspect	-	-
find	inspect	-	-
search	inspect	-	-
fetch	research	-	-
grep_search	unmatched	burst	-
X
)" pin claude $CLAUDE
check_out "codex: each tool name's tag, burst and effects" "$(cat <<'X'
shell	run	-	exec:other:true
container.exec	unmatched	-	exec:other:true
local_shell	run	-	exec:other:true
shell_command	run	-	exec:other:true
exec_command	run	-	exec:other:true
write_stdin	unmatched	-	-
apply_patch	edit	-	-
exec	run	-	-
view_image	unmatched	burst	read:read:/p/f
web_search	research	burst	net:net:search.invalid
list_dir	inspect	-	read:read:/p/f
grep_files	inspect	-	read:search:/p/f
read_file	inspect	burst	read:read:/p/f
update_plan	plan	-	-
spawn_agent	delegate	-	-
send_input	unmatched	-	-
wait	unmatched	-	-
close_agent	unmatched	-	-
tool_search	unmatched	-	-
X
)" pin codex $CODEX
check_out "gemini: each tool name's tag, burst and effects" "$(cat <<'X'
read_file	inspect	burst	read:read:/p/f
read_many_files	inspect	burst	read:read:/p/a
write_file	edit	-	write:write:/p/f
replace	edit	-	write:write:/p/f
edit	edit	-	write:write:/p/f
run_shell_command	run	-	exec:other:true
list_directory	inspect	burst	read:read:/p/f
glob	inspect	burst	read:search:/p/f
search_file_content	inspect	burst	read:search:/p/f
grep	inspect	-	read:search:/p/f
grep_search	unmatched	burst	-
web_fetch	research	burst	net:net:h.example
google_web_search	research	burst	net:net:google.com
save_memory	unmatched	-	-
write_todos	plan	-	-
X
)" pin gemini $GEMINI
