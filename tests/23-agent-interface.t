#!/bin/sh
# SPDX-License-Identifier: MIT
# The programs that read agents' files know them only through the agent
# interface (common/agents/agent.h): cmd/agent-events.c and
# cmd/agent-sessions.c name no agent, none of its files, directories,
# environment variables or record keys, and their help and messages list
# the agents from agent_list.
. "$(dirname "$0")/lib.sh"
plan 7

# the agents' names as agent-sessions --help lists them (from agent_list)
names=$(agent-sessions --help | sed -n 's/.*only agent A: \(.*\) (repeatable,.*/\1/p' | tr -d ,)
# agent_list as common/agents/agents.c writes it, one &agent_NAME a line
list=$(sed -n 's/^	&agent_\([a-z0-9_]*\),$/\1/p' "$TOP/common/agents/agents.c" | tr '\n' ' ' | sed 's/ $//')
check_test "--help lists the agents of agent_list" "$names" = "$list"
commas=$(echo "$list" | sed 's/ /, /g')
or=$(echo "$commas" | sed 's/\(.*\), /\1 or /')

# what belongs to one agent: names, vendors, paths, variables, keys
pat='claude|codex|gemini|anthropic|openai|google|CLAUDE_CONFIG_DIR|CODEX_HOME|projects/|subagents|chats|rollout|archived_sessions|project_root|\.meta\.json|sessionId|startTime|"agent-'
for n in $names; do pat="$pat|$n"; done
for f in agent-events agent-sessions; do
	grep -n -i -E "$pat" "$TOP/cmd/$f.c" > "$f.hits"
	check_same "cmd/$f.c names no agent" /dev/null "$f.hits"
done
# the sniff size is one constant
grep -rn -E '65536|64 ?<< ?10' "$TOP/cmd/agent-events.c" "$TOP/cmd/agent-sessions.c" \
	"$TOP/common/agents" | grep -v 'define AGENT_SNIFF_SIZE' > size.hits
check_same "the sniff size is written once, as AGENT_SNIFF_SIZE" /dev/null size.hits

# messages and help come from the list
check_status "agent-events --agent x: a usage error" 2 agent-events --agent x
agent-events --agent x 2> err >/dev/null
check_grep "... that lists the agents, comma-separated" \
	"unknown agent 'x' ($commas)" err
agent-sessions -a x 2> err >/dev/null
check_grep "agent-sessions -a x lists them, the last after or" \
	"unknown agent: x ($or)" err
done_testing
