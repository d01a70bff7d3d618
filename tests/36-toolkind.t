#!/bin/sh
# SPDX-License-Identifier: MIT
# Tool kinds end to end: each agent's tool names through agent-events
# (the tool_kind it writes), then agent-tag (the tag of the model call that chose the tool), agent-stack
# --format parallel (whether calls of the tool may form a burst of
# independent calls) and the effects of a call whose arguments have every
# key any kind reads.  The table below is what the programs decide per
# name; a change in it is a decision about a tool's kind.
. "$(dirname "$0")/lib.sh"
plan 11

ARGS='{"file_path":"/p/f","path":"/p/f","paths":["/p/a"],"command":"true","cmd":"true","url":"https://h.example/x","query":"q"}'
ARGS_JSTR=$(printf '%s' "$ARGS" | sed 's/"/\\"/g')     # as a JSON string's content
# T: the timestamp format; prompt i's calls start at 10:i:01, 10:i:02, ...
T='2026-01-01T%02d:%02d:%02d.000Z'
# gen_AGENT NAME...: a session with, per name, one prompt holding three
# calls of it, one after the other: two without arguments, one with ARGS
# (no command substitution: each would fork)
gen_claude() {
	i=0
	for n; do
		i=$((i + 1)); h=$((10 + i / 60)); m=$((i % 60))
		printf '{"type":"user","sessionId":"s","uuid":"u%d","timestamp":"'$T'","cwd":"/p","message":{"role":"user","content":"do %d"}}\n' $i $h $m 0 $i
		for k in 1 2 3; do
			a='{}'; [ $k = 3 ] && a=$ARGS
			printf '{"type":"assistant","sessionId":"s","uuid":"a%d.%d","parentUuid":"u%d","timestamp":"'$T'","cwd":"/p","requestId":"r%d.%d","message":{"id":"m%d.%d","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"t%d.%d","name":"%s","input":%s}],"usage":{"input_tokens":1,"output_tokens":1}}}\n' \
				$i $k $i $h $m $k $i $k $i $k $i $k "$n" "$a"
			printf '{"type":"user","sessionId":"s","uuid":"r%d.%d","parentUuid":"a%d.%d","timestamp":"'$T'","cwd":"/p","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t%d.%d","content":"ok"}]}}\n' \
				$i $k $i $k $h $m $((k + 1)) $i $k
		done
	done
}
gen_codex() {
	printf '{"timestamp":"'$T'","type":"session_meta","payload":{"id":"s","timestamp":"'$T'","cwd":"/p","originator":"codex_cli_rs","cli_version":"0.146.0"}}\n' 10 0 0 10 0 0
	i=0; tot=0
	for n; do
		i=$((i + 1)); h=$((10 + i / 60)); m=$((i % 60))
		printf '{"timestamp":"'$T'","type":"event_msg","payload":{"type":"user_message","message":"do %d","kind":"plain"}}\n' $h $m 0 $i
		for k in 1 2 3; do
			a='{}'; [ $k = 3 ] && a=$ARGS_JSTR
			printf '{"timestamp":"'$T'","type":"response_item","payload":{"type":"function_call","name":"%s","arguments":"%s","call_id":"t%d.%d"}}\n' \
				$h $m $k "$n" "$a" $i $k
			printf '{"timestamp":"'$T'","type":"response_item","payload":{"type":"function_call_output","call_id":"t%d.%d","output":"ok"}}\n' \
				$h $m $((k + 1)) $i $k
			tot=$((tot + 10))
			printf '{"timestamp":"'$T'","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":%d,"cached_input_tokens":0,"output_tokens":1,"reasoning_output_tokens":0,"total_tokens":%d}}}}\n' \
				$h $m $((k + 1)) $tot $tot
		done
	done
}
gen_gemini() {
	printf '{"sessionId":"s","projectHash":"abc","startTime":"'$T'","lastUpdated":"'$T'","kind":"main"}\n' 10 0 0 10 0 0
	i=0
	for n; do
		i=$((i + 1)); h=$((10 + i / 60)); m=$((i % 60))
		printf '{"id":"u%d","timestamp":"'$T'","type":"user","content":[{"text":"do %d"}]}\n' $i $h $m 0 $i
		for k in 1 2 3; do
			a='{}'; [ $k = 3 ] && a=$ARGS
			# the call id holds its start in ms: 2026-01-01T10:00:00Z is 1767261600 s
			ms=$(( (1767261600 + i * 60 + k) * 1000 ))
			printf '{"id":"a%d.%d","timestamp":"'$T'","type":"gemini","content":"","tokens":{"input":1,"output":1,"cached":0,"thoughts":0,"tool":0,"total":2},"model":"gemini-2.5-pro","toolCalls":[{"id":"t%d.%d-%d-x","name":"%s","args":%s,"status":"success","timestamp":"'$T'"}]}\n' \
				$i $k $h $m $k $i $k $ms "$n" "$a" $h $m $((k + 1))
		done
	done
}
# pin AGENT NAME...: per name, its kind, its tag, "burst" or -, and its effects
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
	# the kind agent-events gave call tN.1
	jq -r 'select(.kind == "tool" and (.id | test("^t[0-9]+[.]1($|-)"))) |
		"\(.id | capture("^t(?<n>[0-9]+)").n)\t\(.tool_kind // "-")"' s.ev > s.kind
	printf '%s\n' "$@" | awk -F '\t' '
		FILENAME == "s.tags" { if (!($1 in tag)) tag[$1] = $2; next }
		FILENAME == "s.fx" { fx[$1] = fx[$1] (fx[$1] == "" ? "" : " ") $2; next }
		FILENAME == "s.kind" { kind[$1] = $2; next }
		FILENAME == "s.par" { split($0, w, " "); t = w[length(w)]; sub(/,.*/, "", t); burst[t] = 1; next }
		{ i++; printf "%s\t%s\t%s\t%s\t%s\n", $0, (i in kind) ? kind[i] : "-",
			(i in tag) ? tag[i] : "-", ($0 in burst) ? "burst" : "-", (i in fx) ? fx[i] : "-" }' \
		s.tags s.fx s.kind s.par -
}

CLAUDE="Read NotebookRead Write Edit MultiEdit NotebookEdit Grep Glob LS WebFetch WebSearch
Bash bash BashOutput KillBash KillShell TaskOutput TaskStop Task Agent SendMessage TodoWrite
TodoRead ExitPlanMode EnterPlanMode TaskCreate TaskUpdate TaskList AskUserQuestion
mcp__fetch__fetch str_replace_editor str_replace_based_edit_tool edit_file create_file view
find search fetch grep_search LSP TaskGet Skill ToolSearch ListMcpResourcesTool READ Mcp__x__y"
CODEX="shell container.exec local_shell shell_command exec_command write_stdin apply_patch exec
view_image web_search list_dir grep_files read_file update_plan spawn_agent send_input wait
close_agent tool_search resume_agent request_user_input read_mcp_resource github__get_issue
image_generation"
GEMINI="read_file read_many_files write_file replace edit run_shell_command list_directory glob
search_file_content grep grep_search web_fetch google_web_search save_memory write_todos
ask_user enter_plan_mode exit_plan_mode codebase_investigator activate_skill shell Bash"

check_out "claude: each tool name's kind, tag, burst and effects" "$(cat <<'X'
Read	read	inspect	burst	read:read:/p/f
NotebookRead	read	inspect	burst	read:read:/p/f
Write	write	edit	-	write:write:/p/f
Edit	write	edit	-	write:write:/p/f
MultiEdit	write	edit	-	write:write:/p/f
NotebookEdit	write	edit	-	write:write:/p/f
Grep	search	inspect	burst	read:search:/p/f
Glob	search	inspect	burst	read:search:/p/f
LS	list	inspect	burst	read:read:/p/f
WebFetch	web	research	burst	net:net:h.example
WebSearch	web	research	burst	net:net:search.invalid
Bash	shell	run	-	exec:other:true
bash	shell	run	-	exec:other:true
BashOutput	shell	run	-	exec:other:true
KillBash	shell	run	-	exec:other:true
KillShell	shell	run	-	exec:other:true
TaskOutput	shell	run	-	exec:other:true
TaskStop	shell	run	-	exec:other:true
Task	delegate	delegate	-	-
Agent	delegate	delegate	-	-
SendMessage	delegate	delegate	-	-
TodoWrite	plan	plan	-	-
TodoRead	plan	plan	-	-
ExitPlanMode	plan	plan	-	-
EnterPlanMode	plan	plan	-	-
TaskCreate	plan	plan	-	-
TaskUpdate	plan	plan	-	-
TaskList	plan	plan	-	-
AskUserQuestion	plan	plan	-	-
mcp__fetch__fetch	mcp	unmatched	-	net:net:h.example
str_replace_editor	write	edit	-	write:write:/p/f
str_replace_based_edit_tool	other	unmatched	-	-
edit_file	write	edit	-	write:write:/p/f
create_file	write	edit	-	write:write:/p/f
view	read	inspect	burst	read:read:/p/f
find	other	unmatched	-	-
search	other	unmatched	-	-
fetch	web	research	burst	net:net:h.example
grep_search	search	inspect	burst	read:search:/p/f
LSP	search	inspect	burst	read:search:/p/f
TaskGet	plan	plan	-	-
Skill	other	unmatched	-	-
ToolSearch	other	unmatched	-	-
ListMcpResourcesTool	mcp	unmatched	-	net:net:h.example
READ	read	inspect	burst	read:read:/p/f
Mcp__x__y	mcp	unmatched	-	net:net:h.example
X
)" pin claude $CLAUDE
check_out "codex: each tool name's kind, tag, burst and effects" "$(cat <<'X'
shell	shell	run	-	exec:other:true
container.exec	shell	run	-	exec:other:true
local_shell	shell	run	-	exec:other:true
shell_command	shell	run	-	exec:other:true
exec_command	shell	run	-	exec:other:true
write_stdin	shell	run	-	exec:other:true
apply_patch	patch	edit	-	-
exec	shell	run	-	-
view_image	read	inspect	burst	read:read:/p/f
web_search	web	research	burst	net:net:search.invalid
list_dir	list	inspect	burst	read:read:/p/f
grep_files	search	inspect	burst	read:search:/p/f
read_file	read	inspect	burst	read:read:/p/f
update_plan	plan	plan	-	-
spawn_agent	delegate	delegate	-	-
send_input	delegate	delegate	-	-
wait	delegate	delegate	-	-
close_agent	delegate	delegate	-	-
tool_search	other	unmatched	-	-
resume_agent	delegate	delegate	-	-
request_user_input	plan	plan	-	-
read_mcp_resource	mcp	unmatched	-	net:net:h.example
github__get_issue	mcp	unmatched	-	net:net:h.example
image_generation	other	unmatched	-	-
X
)" pin codex $CODEX
check_out "gemini: each tool name's kind, tag, burst and effects" "$(cat <<'X'
read_file	read	inspect	burst	read:read:/p/f
read_many_files	read	inspect	burst	read:read:/p/a
write_file	write	edit	-	write:write:/p/f
replace	write	edit	-	write:write:/p/f
edit	write	edit	-	write:write:/p/f
run_shell_command	shell	run	-	exec:other:true
list_directory	list	inspect	burst	read:read:/p/f
glob	search	inspect	burst	read:search:/p/f
search_file_content	search	inspect	burst	read:search:/p/f
grep	search	inspect	burst	read:search:/p/f
grep_search	search	inspect	burst	read:search:/p/f
web_fetch	web	research	burst	net:net:h.example
google_web_search	web	research	burst	net:net:google.com
save_memory	other	unmatched	-	-
write_todos	plan	plan	-	-
ask_user	plan	plan	-	-
enter_plan_mode	plan	plan	-	-
exit_plan_mode	plan	plan	-	-
codebase_investigator	delegate	delegate	-	-
activate_skill	other	unmatched	-	-
shell	shell	run	-	exec:other:true
Bash	shell	run	-	exec:other:true
X
)" pin gemini $GEMINI

# The record: the kind right after the name, for tool calls and for the
# tools a model call chose.
gen_claude Read mcp__fs__read > one.jsonl
agent-events one.jsonl > one.ev
check_out "agent-events: tool_kind after tool, tool_kinds after tools" "$(cat <<'X'
"tool":"Read","tool_kind":"read","status"
"tool":"mcp__fs__read","tool_kind":"mcp","status"
"tools":["Read"],"tool_kinds":["read"]
"tools":["mcp__fs__read"],"tool_kinds":["mcp"]
X
)" sh -c "grep -o '\"tools\":[^]]*],\"tool_kinds\":[^]]*]\|\"tool\":\"[^\"]*\",\"tool_kind\":\"[^\"]*\",\"status\"' one.ev | sort -u"

# Codex's tools with their real arguments: list_dir and grep_files read,
# container.exec a shell's argv, exec a script whose tools.NAME calls are
# Codex's tools, write_stdin a shell with no command, an MCP tool a host.
cat > real.jsonl <<'X'
{"timestamp":"2026-01-01T10:00:00.000Z","type":"session_meta","payload":{"id":"r","timestamp":"2026-01-01T10:00:00.000Z","cwd":"/repo","originator":"codex_cli_rs","cli_version":"0.146.0"}}
{"timestamp":"2026-01-01T10:00:01.000Z","type":"event_msg","payload":{"type":"user_message","message":"look around","kind":"plain"}}
{"timestamp":"2026-01-01T10:00:02.000Z","type":"response_item","payload":{"type":"function_call","name":"list_dir","arguments":"{\"dir_path\":\"/repo/src\",\"offset\":1,\"limit\":25,\"depth\":2}","call_id":"c1"}}
{"timestamp":"2026-01-01T10:00:03.000Z","type":"response_item","payload":{"type":"function_call","name":"grep_files","arguments":"{\"pattern\":\"TODO\",\"include\":\"*.c\",\"path\":\"lib\",\"limit\":100}","call_id":"c2"}}
{"timestamp":"2026-01-01T10:00:04.000Z","type":"response_item","payload":{"type":"function_call","name":"container.exec","arguments":"{\"command\":[\"bash\",\"-lc\",\"git status\"],\"workdir\":\"/repo\"}","call_id":"c3"}}
{"timestamp":"2026-01-01T10:00:05.000Z","type":"response_item","payload":{"type":"custom_tool_call","status":"completed","call_id":"c4","name":"exec","input":"const a = await tools.exec_command({\"cmd\":\"make test\",\"workdir\":\"/repo\"});\nconst b = await tools.list_dir({\"dir_path\":\"/repo/docs\"});\ntext(a + b);"}}
{"timestamp":"2026-01-01T10:00:06.000Z","type":"response_item","payload":{"type":"function_call","name":"write_stdin","arguments":"{\"session_id\":3,\"chars\":\"q\"}","call_id":"c5"}}
{"timestamp":"2026-01-01T10:00:07.000Z","type":"response_item","payload":{"type":"function_call","name":"github__get_issue","arguments":"{\"url\":\"https://api.github.com/repos/o/r/issues/1\"}","call_id":"c6"}}
X
check_out "codex: kinds and effects with real arguments" "$(cat <<'X'
["c1","list","read",""]
["c1#1","read","read","/repo/src"]
["c2","search","search",""]
["c2#1","read","search","/repo/lib"]
["c3","shell","vcs",""]
["c3#1","exec","vcs","git status"]
["c4","shell","test",""]
["c4#1","exec","test","make test"]
["c4#2","read","read","/repo/docs"]
["c5","shell",null,""]
["c6","mcp","net",""]
["c6#1","net","net","api.github.com"]
X
)" sh -c 'agent-events real.jsonl | jq -c '"'"'select(.kind == "tool" or .kind == "effect") |
	[.id, .tool_kind // .effect, .class, (.path // .domain // (.argv // [] | join(" ")))]'"'"

# Records of older files have no tool_kind: readers take them as other
# (agent-stack: no burst; agent-tag: no kind of work from the tool), as
# they do a kind they do not know; with the key, the same records count.
R='"agent":"claude","session":"o"'
old() {
	printf '{"kind":"prompt",%s,"ts":"2026-01-01T00:00:00.000Z","id":"p1","prompt":"p1","origin":"human","text":"zzz"}\n' "$R"
	for i in 1 2; do
		printf '{"kind":"llm",%s,"ts":"2026-01-01T00:00:0%d.000Z","id":"m%d","parent":"p1","prompt":"p1","model":"x","tools":["Grep"]%s}\n' \
			"$R" $i $i "${2:+,\"tool_kinds\":[\"$2\"]}"
		printf '{"kind":"tool",%s,"ts":"2026-01-01T00:00:0%d.000Z","id":"t%d","parent":"m%d","prompt":"p1","tool":"Grep"%s,"status":"ok","duration_ms":1000}\n' \
			"$R" $i $i $i "${1:+,\"tool_kind\":\"$1\"}"
	done
}
summary() {
	agent-stack --format parallel "$1" | awk 'NR == 3 { print $NF }'
	agent-tag < "$1" | jq -r 'select(.kind == "llm") | .tags.llm'
}
old "" "" > old.ndjson
old search search > new.ndjson
old teleport teleport > future.ndjson
check_out "without tool_kind: no burst, no kind of work" "$(printf '\nunmatched\nunmatched')" summary old.ndjson
check_out "with tool_kind: a burst of searches, tagged inspect" "$(printf 'Grep,Grep\ninspect\ninspect')" summary new.ndjson
check_out "a kind unknown to the reader is other" "$(printf '\nunmatched\nunmatched')" summary future.ndjson

# Done means: no program outside the agents' room compares an agent's
# tool names.  Code and scripts only: the agents' own session files under
# Every agent's table as the programs hold it (agent, name, kind, arguments,
# host), the nine agents added in issue 15 included: the names above go
# through the whole pipeline, these are pinned as data.
"$AP_BUILD/tests/toolkind" --tables > tables.tsv
check_same "every agent's tool table, entry by entry" "$TESTS/fixtures/toolkind/tables.tsv" tables.tsv

# share/examples/, fuzz dictionaries of their formats and the generators
# of synthetic histories name them as data.
hits=$(cd "$TOP" && grep -rnw -e apply_patch -e exec_command -e Bash -e run_shell_command \
	-e MultiEdit --include='*.c' --include='*.h' --include=Makefile . |
	grep -v -e '^./common/agents/' -e '^./tests/' -e '^./man/')
# common/shell/ is the shell helper's: its hits are a known defect
hard=$(printf '%s\n' "$hits" | grep -v '^./common/shell/')
soft=$(printf '%s\n' "$hits" | grep '^./common/shell/')
if [ -z "$hard" ]; then
	ok "no agent tool name outside common/agents/, tests/ and man/"
else
	not_ok "no agent tool name outside common/agents/, tests/ and man/"
	printf '%s\n' "$hard" | sed 's/^/# /'
fi
if [ -z "$soft" ]; then
	ok "no agent tool name in common/shell/"
else
	not_ok "no agent tool name in common/shell/ # TODO the shell analyser names Codex's apply_patch program"
	printf '%s\n' "$soft" | sed 's/^/# /'
fi
