#!/bin/sh
# SPDX-License-Identifier: MIT
# Effect records end to end: each agent's tool calls through agent-events.
. "$(dirname "$0")/lib.sh"
plan 15

cat > claude.jsonl <<'X'
{"type":"user","sessionId":"c-1","uuid":"u1","timestamp":"2025-01-01T00:00:00.000Z","cwd":"/proj","version":"2.0.0","message":{"role":"user","content":"run the tests"}}
{"type":"assistant","sessionId":"c-1","uuid":"a1","parentUuid":"u1","timestamp":"2025-01-01T00:00:01.000Z","cwd":"/proj","requestId":"r1","message":{"id":"m1","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"cd web && timeout 60 npm test 2>&1 | tail -5"}},{"type":"tool_use","id":"toolu_2","name":"Edit","input":{"file_path":"src/a.ts","old_string":"a","new_string":"b"}},{"type":"tool_use","id":"toolu_3","name":"WebFetch","input":{"url":"https://Docs.Example.com/x","prompt":"read"}}],"usage":{"input_tokens":10,"output_tokens":5}}}
X
cat > codex.jsonl <<'X'
{"timestamp":"2025-01-01T00:00:00.000Z","type":"session_meta","payload":{"id":"x-1","timestamp":"2025-01-01T00:00:00.000Z","cwd":"/repo","originator":"codex_cli_rs","cli_version":"0.50.0"}}
{"timestamp":"2025-01-01T00:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"fix it"}]}}
{"timestamp":"2025-01-01T00:00:02.000Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"bash\",\"-lc\",\"git push origin main\"],\"workdir\":\"/repo\"}","call_id":"call_1"}}
{"timestamp":"2025-01-01T00:00:03.000Z","type":"response_item","payload":{"type":"custom_tool_call","status":"completed","call_id":"call_2","name":"apply_patch","input":"*** Begin Patch\n*** Update File: a.py\n*** Move to: b.py\n@@\n-x\n+y\n*** End Patch"}}
X
cat > gemini.jsonl <<'X'
{"sessionId":"g-1","projectHash":"abc","startTime":"2025-01-01T00:00:00.000Z","lastUpdated":"2025-01-01T00:00:00.000Z","kind":"main"}
{"id":"gu1","timestamp":"2025-01-01T00:00:01.000Z","type":"user","content":[{"text":"list"}]}
{"id":"ga1","timestamp":"2025-01-01T00:00:02.000Z","type":"gemini","content":"","tokens":{"input":10,"output":1,"cached":0,"thoughts":0,"tool":0,"total":11},"model":"gemini-2.5-pro","toolCalls":[{"id":"run_shell_command-1735689602000-aa","name":"run_shell_command","args":{"command":"pip install -q requests && python -m pytest -x"},"status":"success","timestamp":"2025-01-01T00:00:02.500Z"},{"id":"read_file-1735689602100-bb","name":"read_file","args":{"absolute_path":"/g/README.md"},"status":"success","timestamp":"2025-01-01T00:00:02.600Z"}]}
X

effects() { agent-events "$1" > all.out; grep '"kind":"effect"' all.out; }

check_out "Claude: Bash through cd, timeout and a pipe; Edit; WebFetch" "$(cat <<'X'
{"kind":"effect","agent":"claude","session":"c-1","ts":"2025-01-01T00:00:01.000Z","id":"toolu_1#1","parent":"toolu_1","prompt":"u1","cwd":"/proj","status":"unknown","effect":"exec","class":"other","process":["bash","cd"],"argv":["cd","web"]}
{"kind":"effect","agent":"claude","session":"c-1","ts":"2025-01-01T00:00:01.000Z","id":"toolu_1#2","parent":"toolu_1","prompt":"u1","cwd":"/proj","status":"unknown","effect":"exec","class":"test","process":["bash","timeout","npm"],"argv":["npm","test"]}
{"kind":"effect","agent":"claude","session":"c-1","ts":"2025-01-01T00:00:01.000Z","id":"toolu_1#3","parent":"toolu_1","prompt":"u1","cwd":"/proj","status":"unknown","effect":"exec","class":"read","process":["bash","tail"],"argv":["tail","-5"]}
{"kind":"effect","agent":"claude","session":"c-1","ts":"2025-01-01T00:00:01.000Z","id":"toolu_2#1","parent":"toolu_2","prompt":"u1","cwd":"/proj","status":"unknown","effect":"write","class":"write","path":"/proj/src/a.ts"}
{"kind":"effect","agent":"claude","session":"c-1","ts":"2025-01-01T00:00:01.000Z","id":"toolu_3#1","parent":"toolu_3","prompt":"u1","cwd":"/proj","status":"unknown","effect":"net","class":"net","domain":"docs.example.com"}
X
)" effects claude.jsonl
check_grep "Claude: the Bash tool record gets the line's class" \
	'"id":"toolu_1",.*"tool":"Bash",.*"class":"test"' all.out

check_out "Codex: shell argv through bash -lc, a remote by name; apply_patch rename" "$(cat <<'X'
{"kind":"effect","agent":"codex","session":"x-1","ts":"2025-01-01T00:00:02.000Z","id":"call_1#1","parent":"call_1","prompt":"x-1:p1","cwd":"/repo","status":"unknown","effect":"exec","class":"vcs","process":["bash","git"],"argv":["git","push","origin","main"]}
{"kind":"effect","agent":"codex","session":"x-1","ts":"2025-01-01T00:00:02.000Z","id":"call_1#2","parent":"call_1","prompt":"x-1:p1","cwd":"/repo","status":"unknown","effect":"net","class":"vcs","process":["bash","git"],"domain":"git.invalid"}
{"kind":"effect","agent":"codex","session":"x-1","ts":"2025-01-01T00:00:03.000Z","id":"call_2#1","parent":"call_2","prompt":"x-1:p1","cwd":"/repo","status":"unknown","effect":"rename","class":"write","path":"/repo/a.py","to":"/repo/b.py"}
X
)" effects codex.jsonl
check_grep "Codex: the shell tool record is vcs" '"id":"call_1",.*"class":"vcs"' all.out

check_out "Gemini: run_shell_command with an install and python -m pytest; read_file" "$(cat <<'X'
{"kind":"effect","agent":"gemini","session":"g-1","ts":"2025-01-01T00:00:02.000Z","id":"run_shell_command-1735689602000-aa#1","parent":"run_shell_command-1735689602000-aa","prompt":"gu1","status":"ok","effect":"exec","class":"install","process":["bash","pip"],"argv":["pip","install","-q","requests"]}
{"kind":"effect","agent":"gemini","session":"g-1","ts":"2025-01-01T00:00:02.000Z","id":"run_shell_command-1735689602000-aa#2","parent":"run_shell_command-1735689602000-aa","prompt":"gu1","status":"ok","effect":"net","class":"install","process":["bash","pip"],"domain":"pypi.org"}
{"kind":"effect","agent":"gemini","session":"g-1","ts":"2025-01-01T00:00:02.000Z","id":"run_shell_command-1735689602000-aa#3","parent":"run_shell_command-1735689602000-aa","prompt":"gu1","status":"ok","effect":"exec","class":"test","process":["bash","python"],"argv":["python","-m","pytest","-x"]}
{"kind":"effect","agent":"gemini","session":"g-1","ts":"2025-01-01T00:00:02.100Z","id":"read_file-1735689602100-bb#1","parent":"read_file-1735689602100-bb","prompt":"gu1","status":"ok","effect":"read","class":"read","path":"/g/README.md"}
X
)" effects gemini.jsonl
check_grep "Gemini: the line's class is test (test > install)" \
	'"tool":"run_shell_command",.*"class":"test"' all.out

# git push, pull and fetch without a URL contact the session's remote: from
# session_meta git.repository_url (credentials in it never show), from an
# earlier git remote -v, from the command's own output (To <remote>), then
# for the session, and from a git clone in the same line; with nothing
# known they stay git.invalid (above).
FX="$TESTS/fixtures/codex"
for f in git-meta git-remote git-output; do
	agent-events "$FX/$f.jsonl"
done > git.all
grep '"effect":"net"' git.all | sed 's|"file":"[^"]*",||' > out
check_same "Codex: git remotes from metadata, git remote -v, the output and a clone" "$FX/git.out" out
check_nogrep "Codex: the remote URL's credentials reach no record" 'alice\|ghp_\|REDACTED' git.all
check_test "Codex: no git.invalid where the session named its remote" \
	"$(grep -c 'git.invalid' git.all)" -eq 0
# the same command with no remote known anywhere
sed -e 's/"git":{[^}]*},*//' -e 's/,}}$/}}/' -e 's/git-meta/git-none/g' -e 's/"g1"/"g9"/g' \
	"$FX/git-meta.jsonl" > nometa.jsonl
check_grep "Codex: git push with no remote known: git.invalid" \
	'"id":"g9#2",.*"domain":"git.invalid"' "$(agent-events nometa.jsonl > nm.out; echo nm.out)"
# a cached analysis of the same command keeps serving other sessions right
agent-events "$FX/git-meta.jsonl" nometa.jsonl > two.out
check_test "Codex: the session's remote does not leak into the next file" \
	"$(jq -r 'select(.effect == "net") | .domain' two.out | tr '\n' ' ')" = "github.com git.invalid "

# The corpus: every shell-like tool call yields an exec effect, no crash.
if shared corpus; then
	agent-events "$SHARED"/corpus/claude-code/*.jsonl "$SHARED"/corpus/codex/*.jsonl \
		"$SHARED"/corpus/gemini-cli/* > corpus.out 2>/dev/null
	check_test "corpus: agent-events finishes (exit 0 or 1)" "$?" -le 1
	grep '"kind":"tool"' corpus.out | grep -E '"tool":"(Bash|shell|shell_command|run_shell_command)"' |
		sed 's/.*"id":"\([^"]*\)".*/\1/' | sort -u > shell.ids
	grep '"effect":"exec"' corpus.out | sed 's/.*"parent":"\([^"]*\)".*/\1/' | sort -u > exec.ids
	check_test "corpus: there are shell tool calls" "$(wc -l < shell.ids)" -gt 100
	check_test "corpus: every shell tool call has an exec effect" \
		"$(comm -23 shell.ids exec.ids | wc -l)" -eq 0
	check_test "corpus: effect ids are unique" \
		"$(grep '"kind":"effect"' corpus.out | sed 's/.*"id":"\([^"]*\)".*/\1/' | sort | uniq -d | wc -l)" -eq 0
else
	skip "no corpus"; skip "no corpus"; skip "no corpus"; skip "no corpus"
fi
done_testing
