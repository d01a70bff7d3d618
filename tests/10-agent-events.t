#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events as a whole: operands, detection, hostile files, filters.
# Each adapter's accounting has its own test (30-32).
. "$(dirname "$0")/lib.sh"
EX="$TOP/share/examples"
plan 26

# --- files that are not sessions --------------------------------------------
: > empty.jsonl
check_status "empty file: exit 1" 1 agent-events empty.jsonl
agent-events empty.jsonl 2> err >/dev/null
check_grep "empty file named" "^agent-events: empty.jsonl: empty file" err

head -c 4096 /dev/urandom > binary.jsonl 2>/dev/null || printf '\000\001\002\377\376' > binary.jsonl
agent-events binary.jsonl > out 2> err
check_test "binary file: exit 1" $? = 1
check_test "binary file: nothing on stdout" "$(wc -c < out)" -eq 0
check_grep "binary file: unknown format" "binary.jsonl: .*unknown format" err

echo '{"hello":"world"}' > other.jsonl
check_status "JSON of another program: exit 1" 1 agent-events other.jsonl
check_status "missing file: exit 1" 1 agent-events does-not-exist.jsonl
agent-events does-not-exist.jsonl 2> err
check_grep "missing file named" "does-not-exist.jsonl: No such file" err
check_status "unknown option: exit 2" 2 agent-events --frobnicate
check_status "bad --since: exit 2" 2 agent-events --since yesterday-ish "$EX/claude-todo-api.jsonl"
check_status "bad --select program: exit 2" 2 agent-events --select '.kind ==' "$EX/claude-todo-api.jsonl"
check_status "unknown --agent: exit 2" 2 agent-events --agent nosuchagent "$EX/claude-todo-api.jsonl"

# --- the examples: one of each agent -----------------------------------------
agent-events "$EX/claude-todo-api.jsonl" "$EX/codex-todo-api.jsonl" "$EX/gemini-todo-api.json" > all 2> err
check_test "examples: exit 0" $? = 0
check_test "examples: no diagnostics" "$(wc -c < err)" -eq 0
check_test "examples: three sessions" "$(grep -c '^{"kind":"session"' all)" -eq 3
for a in claude codex gemini; do
	check_grep "examples: $a detected from content" "^{\"kind\":\"session\",\"agent\":\"$a\"" all
done
# the same files through stdin and --files-from (newline and NUL lists)
agent-events < "$EX/claude-todo-api.jsonl" > stdin.out
agent-events "$EX/claude-todo-api.jsonl" > file.out
grep -v '^{"kind":"session"' stdin.out > a; grep -v '^{"kind":"session"' file.out > b
check_same "stdin gives the records a file gives" b a
printf '%s\n' "$EX/claude-todo-api.jsonl" "$EX/codex-todo-api.jsonl" "$EX/gemini-todo-api.json" > list
agent-events --files-from list > ff
check_same "--files-from: same records" all ff
printf '%s\0' "$EX/claude-todo-api.jsonl" "$EX/codex-todo-api.jsonl" "$EX/gemini-todo-api.json" > list0
agent-events --files-from list0 > ff0
check_same "--files-from with NUL separators" all ff0

# --- filters -------------------------------------------------------------------
agent-events --no-text "$EX/claude-todo-api.jsonl" > nt
check_test "--no-text: no text keys" "$(grep -c '"text":' nt)" -eq 0
check_test "--no-text: same number of records" "$(wc -l < nt)" -eq "$(wc -l < file.out)"
agent-events --select '.kind == "tool" and .status == "error"' "$EX/claude-todo-api.jsonl" > sel
check_test "--select keeps only failed tool calls (and their session)" \
	"$(grep -c '"kind":"tool"' sel) $(grep -vc '"status":"error"' sel)" = "1 1"
agent-events --since 2026-03-03 "$EX/claude-todo-api.jsonl" "$EX/codex-todo-api.jsonl" > since
check_test "--since: only the later session's records" \
	"$(grep -c '"agent":"claude"' since) $(grep -c '^{"kind":"session","agent":"codex"' since)" = "0 1"

# --- a 100 MB line between good records ---------------------------------------
{
	head -n 3 "$EX/claude-todo-api.jsonl"
	printf '{"type":"user","pad":"'; head -c 104857600 /dev/zero | tr '\0' a; printf '"}\n'
	tail -n +4 "$EX/claude-todo-api.jsonl"
} > huge.jsonl
agent-events huge.jsonl > huge.out 2> err
check_test "100 MB line: the records around it all count" \
	"$(grep -vc '^{"kind":"session"' huge.out)" -eq "$(grep -vc '^{"kind":"session"' file.out)"
done_testing
