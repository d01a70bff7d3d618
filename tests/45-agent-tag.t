#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-tag: exact output on fixtures, user rules, rule files, statistics,
# the llm tagger against tests/unit/fakellama, the cluster tagger, the
# man page's examples (the built-in rules on the shared corpus are in
# 45-agent-tag-corpus.t).
. "$(dirname "$0")/lib.sh"
F=$TOP/tests/fixtures/tag
plan 91

# --- the regex tagger on a fixture --------------------------------------------
agent-tag "$F/basic.ndjson" > out 2> err
check_test "a line that is not JSON: exit 1" "$?" = 1
check_same "fixture: tags inserted, origins, effects, tools, session votes" "$F/basic.out" out
check_grep "the bad line is named by file and line" "basic.ndjson:17: not JSON" err
grep -v -E '^\{"kind":"(session|prompt|llm)"' "$F/basic.ndjson" | grep -v '"broken$' > want.pass
grep -v -E '^\{"kind":"(session|prompt|llm)"' out > got.pass
check_same "tool, effect, unknown records pass through byte for byte" want.pass got.pass
grep -c '"tags":' out > n.tags
check_out "every session, prompt and llm record has one tags key" "$(grep -v broken "$F/basic.ndjson" | grep -c -E '^\{"kind":"(session|prompt|llm)"')" cat n.tags
agent-tag out > again 2>/dev/null
check_same "re-tagging replaces the old tags (same output)" out again
check_grep "an old tags key is replaced, not kept" '"id":"u5".*"tags":{"session":"debug","prompt":"edit"},"rule":"effects:edit"}$' again
check_nogrep "no record has two tags keys" '"tags":.*"tags":' again
grep '"kind":"prompt"' "$F/basic.ndjson" | head -1 | agent-tag > one
check_grep "records before any session record are tagged too" '"tags":{"session":"debug","prompt":"debug"}' one

# --- replies that continue: the tag of the work they continue ---------------------
# "yes", "ok", "go on", "继续" only confirm or continue: they take the tag of
# the prompt before them that asked for work (a human prompt, a reply that
# continued, a slash command's expansion), marked continued:RULE; a reply
# with nothing to continue, or after an unmatched prompt, keeps its own.
C='"agent":"claude","session":"c1","ts":"2026-01-01T00:00:00Z"'
{
	printf '{"kind":"session",%s,"id":"c1"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q1","prompt":"q1","origin":"human","text":"continue"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q2","prompt":"q2","origin":"human","text":"the tests in the parser fail, please fix"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q3","prompt":"q3","origin":"human","text":"yes"}\n' "$C"
	printf '{"kind":"llm",%s,"id":"m3","parent":"q3","prompt":"q3","model":"x","text":"Done."}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q4","prompt":"q3","origin":"interrupt","text":"[Request interrupted by user]"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q5","prompt":"q5","origin":"subagent","text":"review the diff"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q6","prompt":"q6","origin":"human","text":"继续"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q7","prompt":"q7","origin":"human","text":"thanks!"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q8","prompt":"q8","origin":"human","text":"OK, go on"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q9","prompt":"q9","origin":"command","text":"<command-name>/release</command-name><command-args>write the changelog</command-args>"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q10","prompt":"q10","origin":"meta","text":"Prepare a release."}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q11","prompt":"q11","origin":"human","text":"proceed"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q12","prompt":"q12","origin":"human","text":"zzz qqq"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q13","prompt":"q13","origin":"human","text":"sure"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q14","prompt":"q14","origin":"human","text":"add a dark mode toggle"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q15","prompt":"q15","origin":"human","text":"y"}\n' "$C"
	printf '{"kind":"prompt",%s,"id":"q16","prompt":"q16","origin":"human","text":"ok"}\n' "$C"
} > cont.ndjson
agent-tag cont.ndjson | jq -r '"\(.id) \(.tags.prompt // "-") \(.tags.session) \(.rule)"' > got
check_out "replies that continue take the tag of the work before them, exactly" "c1 - debug vote:human
q1 continue debug builtin:continue/en
q2 debug debug builtin:debug/en
q3 debug debug continued:builtin:confirm/en
m3 debug debug tools:none
q4 interrupt debug origin:interrupt
q5 review debug subagent:builtin:review/en
q6 debug debug continued:builtin:continue/zh
q7 thanks debug builtin:thanks/en
q8 debug debug continued:builtin:continue/en
q9 command debug origin:command
q10 release debug command:builtin:release/en
q11 release debug continued:builtin:continue/en
q12 unmatched debug unmatched
q13 confirm debug builtin:confirm/en
q14 create debug builtin:create/en
q15 create debug continued:builtin:confirm/en
q16 create debug continued:builtin:confirm/en" cat got
agent-tag --reply-tags cont.ndjson | jq -r 'select(.kind == "prompt" and .origin == "human") | "\(.id) \(.tags.prompt) \(.rule)"' > got
check_out "--reply-tags: replies keep tags of their own (the old behaviour)" "q1 continue builtin:continue/en
q2 debug builtin:debug/en
q3 confirm builtin:confirm/en
q6 continue builtin:continue/zh
q7 thanks builtin:thanks/en
q8 continue builtin:continue/en
q11 continue builtin:continue/en
q12 unmatched unmatched
q13 confirm builtin:confirm/en
q14 create builtin:create/en
q15 confirm builtin:confirm/en
q16 confirm builtin:confirm/en" cat got
agent-tag --stats cont.ndjson 2>&1 > /dev/null | grep '^human prompt tags' > got
check_out "--stats counts continued replies under the work they continue" "human prompt tags: debug 4, create 3, confirm 1, continue 1, release 1, thanks 1, unmatched 1" cat got

# --- reading: mapped files and pipes ---------------------------------------------
# A regular file is read through a mapping, its lines held where they lie;
# a pipe through read(2).  Both must give the same bytes: a CRLF line, a
# blank line, a last line without newline, a session that goes on in the
# next file, and a tool record before its prompt and model call.
R='"agent":"claude","session":"s1","ts":"2026-01-01T00:00:00Z"'
R2='"agent":"claude","session":"s2","ts":"2026-01-01T00:00:00Z"'
{
	printf '{"kind":"session",%s,"id":"s1"}\n' "$R"
	printf '{"kind":"tool",%s,"id":"t0","parent":"m1","prompt":"p1","tool":"Bash","tool_kind":"shell","status":"ok","class":"test"}\n' "$R"
	printf '{"kind":"prompt",%s,"id":"p1","prompt":"p1","origin":"human","text":"zzz qqq"}\r\n' "$R"
	printf '   \n'
	printf '{"kind":"llm",%s,"id":"m1","parent":"p1","prompt":"p1","model":"x","tools":["Read"],"tool_kinds":["read"],"text":"x"}\n' "$R"
	printf '{"kind":"effect",%s,"id":"t0#1","parent":"t0","prompt":"p1","status":"ok","effect":"exec","class":"test"}' "$R"
} > a.ndjson
{
	printf '{"kind":"tool",%s,"id":"t1","parent":"m1","prompt":"p1","tool":"Bash","tool_kind":"shell","status":"ok","class":"test"}\n' "$R"
	printf '{"kind":"session",%s,"id":"s2"}\n' "$R2"
	printf '{"kind":"prompt",%s,"id":"p2","prompt":"p2","origin":"human","text":"fix the crash in the parser"}\n' "$R2"
} > b.ndjson
agent-tag a.ndjson b.ndjson > mapped
{ cat a.ndjson; echo; cat b.ndjson; } | agent-tag > piped
check_same "a mapped file and a pipe give the same bytes" mapped piped
cat > want <<'EOF'
{"kind":"session","agent":"claude","session":"s1","ts":"2026-01-01T00:00:00Z","id":"s1","tags":{"session":"test"},"rule":"vote:human"}
{"kind":"tool","agent":"claude","session":"s1","ts":"2026-01-01T00:00:00Z","id":"t0","parent":"m1","prompt":"p1","tool":"Bash","tool_kind":"shell","status":"ok","class":"test"}
{"kind":"prompt","agent":"claude","session":"s1","ts":"2026-01-01T00:00:00Z","id":"p1","prompt":"p1","origin":"human","text":"zzz qqq","tags":{"session":"test","prompt":"test"},"rule":"effects:test"}
{"kind":"llm","agent":"claude","session":"s1","ts":"2026-01-01T00:00:00Z","id":"m1","parent":"p1","prompt":"p1","model":"x","tools":["Read"],"tool_kinds":["read"],"text":"x","tags":{"session":"test","prompt":"test","llm":"test"},"rule":"tools:test"}
{"kind":"effect","agent":"claude","session":"s1","ts":"2026-01-01T00:00:00Z","id":"t0#1","parent":"t0","prompt":"p1","status":"ok","effect":"exec","class":"test"}
{"kind":"tool","agent":"claude","session":"s1","ts":"2026-01-01T00:00:00Z","id":"t1","parent":"m1","prompt":"p1","tool":"Bash","tool_kind":"shell","status":"ok","class":"test"}
{"kind":"session","agent":"claude","session":"s2","ts":"2026-01-01T00:00:00Z","id":"s2","tags":{"session":"debug"},"rule":"vote:human"}
{"kind":"prompt","agent":"claude","session":"s2","ts":"2026-01-01T00:00:00Z","id":"p2","prompt":"p2","origin":"human","text":"fix the crash in the parser","tags":{"session":"debug","prompt":"debug"},"rule":"builtin:debug/en"}
EOF
check_same "work before its prompt counts; CRLF and blank lines; a session across files" want mapped
{ read -r first; agent-tag; } < mapped > rest
tail -n +2 mapped | agent-tag > want
check_same "standard input redirected from a file, read from where it stands" want rest
{ agent-tag; cat; } < mapped > rest
agent-tag < mapped > want
check_same "... and read to its end, as read(2) would leave it" want rest

{
	printf '{"kind":"session",%s,"id":"s1"}\n' "$R"
	printf '{"kind":"prompt",%s,"id":"p1","prompt":"p1","origin":"human","text":"zzz"}\n' "$R"
	i=0
	while [ $i -lt 80 ]; do
		printf '{"kind":"tool",%s,"id":"t%d","prompt":"p1","tool":"Bash","tool_kind":"shell","status":"ok","class":"vcs"}\n' "$R" $i
		i=$((i + 1))
	done
} > long.ndjson
mkdir parts && (cd parts && split -l 1 -a 3 ../long.ndjson part.)
agent-tag parts/part.* > mapped
agent-tag < long.ndjson > whole
check_same "one session in 82 files (more than are kept mapped)" whole mapped
check_grep "... and tagged by all of its work" '"id":"p1".*"prompt":"vcs"},"rule":"effects:vcs"}$' mapped

# A model call id that repeats (a resent request): each tool record counts
# for the latest call with its id so far.
{
	printf '{"kind":"session",%s,"id":"s1"}\n' "$R"
	printf '{"kind":"prompt",%s,"id":"p1","prompt":"p1","origin":"human","text":"zzz"}\n' "$R"
	printf '{"kind":"llm",%s,"id":"m1","parent":"p1","prompt":"p1","tools":["Read"],"tool_kinds":["read"],"text":"a"}\n' "$R"
	printf '{"kind":"tool",%s,"id":"t1","parent":"m1","prompt":"p1","tool":"Bash","tool_kind":"shell","status":"ok","class":"test"}\n' "$R"
	printf '{"kind":"llm",%s,"id":"m1","parent":"p1","prompt":"p1","tools":["Read"],"tool_kinds":["read"],"text":"b"}\n' "$R"
	printf '{"kind":"tool",%s,"id":"t2","parent":"m1","prompt":"p1","tool":"Bash","tool_kind":"shell","status":"ok","class":"vcs"}\n' "$R"
} > dup.ndjson
check_out "a repeated model call id: tools count for the latest call so far" \
	"$(printf '["a","test","tools:test"]\n["b","vcs","tools:vcs"]')" \
	sh -c 'agent-tag dup.ndjson | jq -c "select(.kind == \"llm\") | [.text, .tags.llm, .rule]"'

# A file cut short while it is mapped: a message naming it, status 2, no
# crash.  agent-tag is stopped on its full output pipe, the file emptied,
# and the pipe drained.  Its output (2.1 MB) is twice what agent-tag's
# 1 MiB pipe holds, so it is still reading the file when it is cut.
i=0
while [ $i -lt 6000 ]; do
	printf '{"kind":"session",%s,"id":"s%d"}\n{"kind":"prompt",%s,"id":"p%d","prompt":"p%d","origin":"human","text":"fix bug %d"}\n' \
		"$R" $i "$R" $i $i $i
	i=$((i + 1))
done > cut.ndjson
mkfifo cut.pipe
exec 3<>cut.pipe
agent-tag cut.ndjson > cut.pipe 2> cut.err &
tagpid=$!
head -c 1 <&3 > /dev/null      # it has started writing, so it has mapped the file
sleep 0.2
: > cut.ndjson
cat <&3 > /dev/null &
drain=$!
wait $tagpid
check_test "a mapped file cut short: exit 2" "$?" -eq 2
kill $drain 2>/dev/null
exec 3>&-
check_grep "... with a message naming it" '^agent-tag: cut.ndjson: the file shrank while it was being read$' cut.err

# --- user rules -------------------------------------------------------------------
tagof() { jq -r --arg id "$1" 'select(.id==$id) | "\(.tags.prompt // .tags.session) \(.rule)"'; }
agent-tag -r 'prompt:navbar=\bnavbar\b' "$F/basic.ndjson" 2>/dev/null | tagof u5 > got
check_out "--tag-rule goes before the effects" "navbar user:1" cat got
agent-tag -r 'prompt:aaa=fix' -r 'prompt:bbb=fix' "$F/basic.ndjson" 2>/dev/null | tagof u1 > got
check_out "--tag-rule: command-line order, first match wins" "aaa user:1" cat got
agent-tag -r 'prompt:bbb=zzz' -r 'prompt:aaa=typeerror' "$F/basic.ndjson" 2>/dev/null | tagof u1 > got
check_out "--tag-rule: before the built-ins, caseless" "aaa user:2" cat got
agent-tag -r 'session:login=登录' "$F/basic.ndjson" 2>/dev/null | jq -r 'select(.kind=="session") | "\(.tags.session) \(.rule)"' > got
check_out "session rules see the human prompts of each session" "login user:1
vcs vote:human" cat got
agent-tag -r 'llm:parser=parser' "$F/basic.ndjson" 2>/dev/null | jq -r 'select(.id=="m2") | "\(.tags.llm) \(.rule)"' > got
check_out "llm rules go before the tools" "parser user:1" cat got
cat > rules.yaml <<'EOF'
# release chores
- kind: prompt
  tag: shipping
  pattern: '\b(release|changelog)\b'
  description: release chores
- kind: all
  tag: auth
  pattern: '登录'
EOF
agent-tag --rules rules.yaml "$F/basic.ndjson" 2>/dev/null | jq -r 'select(.kind!="tool" and .kind!="effect" and .id!=null) | select(.id=="u6" or .id=="s2:p4") | "\(.id) \(.tags.prompt) \(.rule)"' > got
check_out "--rules: a YAML list of rules" "u6 auth user:2
s2:p4 shipping user:1" cat got
printf -- '- kind: prompt\n  tag: ok\n  pattern: x\n' > bad1.yaml
check_status "--rules: an invalid tag is a usage error" 2 agent-tag --rules bad1.yaml "$F/basic.ndjson"
agent-tag --rules bad1.yaml "$F/basic.ndjson" 2> err > /dev/null
check_grep "--rules: the error names file:line and the tag" "bad1.yaml:1.*invalid tag 'ok'" err
printf -- '- kind: prompt\n  tag: good\n  patern: x\n' > bad2.yaml
agent-tag --rules bad2.yaml "$F/basic.ndjson" 2> err > /dev/null
check_grep "--rules: an unknown key is named with its line" "bad2.yaml:3: unknown key 'patern'" err
printf -- '- kind: prompt\n  tag: [good\n' > bad3.yaml
check_status "--rules: broken YAML is a usage error" 2 agent-tag --rules bad3.yaml "$F/basic.ndjson"
agent-tag --rules bad3.yaml "$F/basic.ndjson" 2> err > /dev/null
check_grep "--rules: broken YAML names the file and line" "bad3.yaml:[0-9]" err
printf -- '- kind: nope\n  tag: good\n  pattern: x\n' > bad4.yaml
check_status "--rules: an unknown kind is a usage error" 2 agent-tag --rules bad4.yaml "$F/basic.ndjson"
agent-tag -r 'prompt:abc=(unclosed' "$F/basic.ndjson" > /dev/null 2> err
check_test "a pattern that does not compile: exit 2" "$?" = 2
check_grep "PCRE2's message with the offset" "rule user:1 (--tag-rule): bad pattern at offset 9: missing closing parenthesis" err
check_status "an empty pattern is a usage error" 2 agent-tag -r 'prompt:abc=' "$F/basic.ndjson"
check_status "a tag with digits is a usage error" 2 agent-tag -r 'prompt:abc1=x' "$F/basic.ndjson"
check_status "an unknown kind is a usage error" 2 agent-tag -r 'file:abc=x' "$F/basic.ndjson"
check_status "--no-builtin alone leaves no rules" 2 agent-tag --no-builtin "$F/basic.ndjson"
agent-tag -r 'prompt:everything=.*' "$F/basic.ndjson" > /dev/null 2> err
check_grep "a catch-all pattern gets a warning" "user:1 (--tag-rule): '.\*' matches the empty string" err
agent-tag --no-builtin -r 'prompt:navbar=navbar' "$F/basic.ndjson" 2>/dev/null | tagof u1 > got
check_out "--no-builtin: only the rules given (then the effects)" "test effects:test" cat got
check_status "--llama-url without --tagger llm is a usage error" 2 agent-tag --llama-url http://x "$F/basic.ndjson"

# --- statistics ----------------------------------------------------------------------
agent-tag --stats --stats-json stats.json "$F/basic.ndjson" > /dev/null 2> err
cat > want <<EOF
agent-tag: $F/basic.ndjson:17: not JSON (unterminated string or bad escape at byte 24); line skipped
agent-tag: regex tagger, 0 user rules
  kind       records  matched   share
  session          2        2  100.0%
  prompt          11       11  100.0%
   human           7        7  100.0%
  llm              4        4  100.0%
session tags: debug 1, vcs 1
human prompt tags: debug 3, vcs 2, edit 1, release 1
prompt tags: debug 3, vcs 2, command 1, edit 1, inspect 1, interrupt 1, release 1, resume 1
llm tags: answer 1, edit 1, inspect 1, test 1
unmatched human prompts: 0 (0 shown)
EOF
check_same "--stats: exact" want err
cat > want.json <<'EOF'
{"tagger":"regex","kinds":{"session":{"records":2,"matched":2,"tags":{"debug":1,"vcs":1}},"prompt":{"records":11,"matched":11,"tags":{"debug":3,"vcs":2,"command":1,"edit":1,"inspect":1,"interrupt":1,"release":1,"resume":1}},"llm":{"records":4,"matched":4,"tags":{"answer":1,"edit":1,"inspect":1,"test":1}},"human":{"records":7,"matched":7,"tags":{"debug":3,"vcs":2,"edit":1,"release":1}}},"unmatched":{"count":0,"samples":[]},"warnings":[]}
EOF
check_same "--stats-json: exact" want.json stats.json
printf '{"kind":"prompt","id":"q1","origin":"human","text":""}\n' > empty.ndjson
agent-tag --stats-json empty.json empty.ndjson > /dev/null 2>&1
check_out "--stats-json: an empty prompt's sample is empty" '{"count":1,"samples":[{"id":"q1","text":""}]}' jq -c .unmatched empty.json
{
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		printf '{"kind":"prompt","id":"q%s","origin":"human","text":"zzz %s sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789 qqq"}\n' $i $i
	done
	printf '{"kind":"prompt","id":"q13","origin":"human","text":"fix it"}\n'
} > unmatched.ndjson
agent-tag --stats-json um.json unmatched.ndjson > /dev/null
jq -c '[.unmatched.count, (.unmatched.samples|length), .unmatched.samples[0].text, (.warnings|length)]' um.json > got
check_out "--stats-json: unmatched samples with secrets masked, and warnings" '[12,12,"zzz 1 [REDACTED] qqq",2]' cat got

# --- the llm tagger against fakellama -------------------------------------------------
# --reply-tags: every human prompt is asked, the reply 好的 too (without
# it, a reply that continues takes the tag of the prompt before it, and
# the server is not asked: see below).
FAKE=$AP_BUILD/tests/fakellama
# serve MODES N: start fakellama, PORT set, log in fake.log.  stop() ends
# it; its own -t limit only keeps it from outliving a test that died (a
# limit of 20 s ended it midway on a loaded machine).
serve() {
	rm -f port fake.log
	"$FAKE" -m "$1" -n "$2" -t 600 > port 2> fake.log &
	FAKEPID=$!
	i=0; while [ ! -s port ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(cat port)
}
stop() { kill "$FAKEPID" 2>/dev/null; wait "$FAKEPID" 2>/dev/null; }
if [ -x "$FAKE" ]; then
	grep '"origin":"human"' "$F/basic.ndjson" | head -7 > seven.ndjson
	serve ok,invalid,json,500,stall,close,ok 7
	agent-tag -t llm --reply-tags --llama-url "http://127.0.0.1:$PORT" --timeout 0.5 --no-cache \
		--stats-json llm.json seven.ndjson > llm.out 2> llm.err
	check_test "llm: a misbehaving model never fails the run" "$?" = 0
	stop
	check_out "llm: the fallbacks are said once on stderr, with the server" \
		"agent-tag: --tagger llm: 5 of 7 human prompts kept their regex tag (invalid 1, json 1, http 1, timeout 1, network 1) from http://127.0.0.1:$PORT/v1/chat/completions" cat llm.err
	jq -r '"\(.tags.prompt) \(.rule)"' llm.out > got
	check_out "llm: answers, and each fallback keeps the regex tag" "research llm
confirm llm-fallback:invalid
unmatched llm-fallback:json
debug llm-fallback:http
vcs llm-fallback:timeout
release llm-fallback:network
research llm" cat got
	jq -c .llm llm.json > got
	check_out "llm: requests and fallbacks counted" '{"requests":7,"cache_hits":0,"answered":2,"fallbacks":{"invalid":1,"json":1,"http":1,"timeout":1,"network":1}}' cat got
	check_out "llm: every request carried temperature 0 and a grammar" 0 grep -c 'bad request' fake.log

	serve ok 100
	agent-tag -t llm --reply-tags --llama-url "http://127.0.0.1:$PORT" --cache cache/tags.json seven.ndjson > c1.out
	n1=$(grep -c request fake.log)
	agent-tag -t llm --reply-tags --llama-url "http://127.0.0.1:$PORT" --cache cache/tags.json --stats-json c2.json seven.ndjson > c2.out
	n2=$(grep -c request fake.log)
	check_test "llm cache: the first run asks for every prompt" "$n1" = 7
	check_test "llm cache: the second run makes no requests" "$n2" = 7
	check_same "llm cache: the same tags from the cache" c1.out c2.out
	check_out "llm cache: counted as hits" '7 0' jq -r '"\(.llm.cache_hits) \(.llm.requests)"' c2.json
	check_test "llm cache: the cache file is private to its directory" "$(stat -c %a cache)" = 700
	cp cache/tags.json cache.before
	agent-tag -t llm --reply-tags --llama-url "http://127.0.0.1:$PORT" --cache cache/tags.json --no-cache seven.ndjson > /dev/null
	check_test "--no-cache: asks again" "$(grep -c request fake.log)" = 14
	check_same "--no-cache: leaves the cache alone" cache.before cache/tags.json
	agent-tag -t llm --reply-tags --llama-url "http://127.0.0.1:$PORT" --no-cache --max-uncached 2 --stats-json mu.json seven.ndjson > mu.out 2> /dev/null
	check_test "--max-uncached 2: two requests" "$(grep -c request fake.log)" = 16
	check_out "--max-uncached: the rest fall back" '{"limit":5}' jq -c .llm.fallbacks mu.json
	ln -s /nonexistent/target cache/link.json
	agent-tag -t llm --reply-tags --llama-url "http://127.0.0.1:$PORT" --cache cache/link.json seven.ndjson > /dev/null 2>&1
	if [ -f cache/link.json ] && [ ! -L cache/link.json ]; then ok "llm cache: a symlink is replaced, not followed"; else not_ok "llm cache: a symlink is replaced, not followed"; fi
	stop
	# nothing listens on the port now
	agent-tag -t llm --reply-tags --llama-url "http://u:secret@127.0.0.1:$PORT" --no-cache --timeout 1 --stats-json down.json seven.ndjson > down.out 2> down.err
	check_out "llm: no server, three tries, then no more" '{"connect":3,"unreachable":4}' jq -c .llm.fallbacks down.json
	check_out "llm: no server is said once, without the URL's password" \
		"agent-tag: --tagger llm: 7 of 7 human prompts kept their regex tag (connect 3, unreachable 4) from http://127.0.0.1:$PORT/v1/chat/completions" cat down.err
	# the default: 好的 continues u1's work, whose tag the model gave
	serve ok 100
	agent-tag -t llm --llama-url "http://127.0.0.1:$PORT" --no-cache seven.ndjson 2> /dev/null |
		jq -r '"\(.id) \(.tags.prompt) \(.rule)"' | head -2 > got
	check_test "llm: a reply that continues is not asked" "$(grep -c request fake.log)" = 6
	stop
	check_out "llm: a reply that continues takes the tag the model gave the prompt before" "u1 research llm
u2 research continued:builtin:confirm/zh" cat got
else
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do skip "fakellama not built"; done
fi

# --- the cluster tagger ----------------------------------------------------------------
agent-tag -t cluster --stats-json cl.json "$F/topics.ndjson" > cl1
agent-tag -t cluster "$F/topics.ndjson" > cl2
check_same "cluster: two runs, the same bytes" cl1 cl2
jq -r 'select(.kind=="prompt") | "\(.id | sub("[0-9]+$"; "")) \(.tags.prompt) \(.rule)"' cl1 | sort -u > got
check_out "cluster: one tag per topic, named from its top term" "css css cluster
db postgres cluster
zh topic cluster" cat got
check_out "cluster: k chosen by the silhouette" "3 18" jq -r '"\(.cluster.clusters) \(.cluster.prompts)"' cl.json
agent-tag -t cluster --clusters 6 "$F/topics.ndjson" | jq -r 'select(.kind=="prompt") | .tags.prompt' | sort -u > six
check_test "cluster --clusters 6: six unique tags" "$(wc -l < six)" = 6
check_nogrep "cluster: tags are 3 to 12 lower-case letters" -v -E '^[a-z]{3,12}$' six

# --- the man page: examples run, the rule table matches the rules -----------------------
cp "$F/basic.ndjson" events.ndjson
awk '/^\.Ss Rule files/ { f = 1 } f && /^\.Bd/ { b = 1; next } b && /^\.Ed/ { exit } b' "$TOP/man/agent-tag.1" |
	sed 's/\\e/\\/g' > rules.yaml
# the EXAMPLES that read events.ndjson and the rules (the llm, cluster and
# session-file ones run in tests/05-man-examples.t)
sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE/p' "$TOP/man/agent-tag.1" |
	sed -n 's/^\$ \(agent-tag \(--stats\|-r\|--rules\) .*events\.ndjson.*\)/\1/p' |
	sed 's/\\e/\\/g' > examples.sh
check_test "man: the runnable examples were found" "$(wc -l < examples.sh)" = 3
sh examples.sh > ex.out 2> ex.err; rc=$?
check_test "man: the examples run (exit 1 for the fixture's bad line)" "$rc" = 1
check_grep "man: the --tag-rule example tags" '"prompt":"navbar"},"rule":"user:1"' ex.out
check_test "man: the rules.yaml example loads" "$(jq .kinds.prompt.tags.release stats.json)" = 1
sed -n '/^\.Ss Built-in rules/,/^\.Ss Rule files/p' "$TOP/man/agent-tag.1" | sed -n 's/^\.It Cm \([a-z]*\) Ta.*/\1/p' | sort -u > man.tags
agent-tag --list-rules | cut -f3 | sort -u > list.tags
check_same "man: the built-in rule table names every built-in tag" list.tags man.tags

# --- the built-in rules on real prompts ----------------------------------------------------
cat > zh.txt <<'EOF'
修复登录页面的报错|debug
跑一下单元测试|test
帮我重构这个模块|refactor
解释一下这段代码|explain
为什么要这样写|explain
补充一下文档|docs
提交并推送到远程|vcs
继续|continue
好的|confirm
嗯嗯|confirm
可以|confirm
谢谢|thanks
这个 bug 怎么修复|debug
用 pytest 跑测试|test
fix 一下登录的 bug|debug
review 一下这个 PR|review
部署到 staging|deploy
安装依赖 npm install|deps
优化一下查询性能|perf
设计数据库表结构|design
EOF
# one run for all: one prompt record per line, ids are the line numbers;
# --reply-tags: the replies' own tags, not those of the work they continue
awk -F'|' '{ printf "{\"kind\":\"prompt\",\"id\":\"%d\",\"origin\":\"human\",\"text\":\"%s\"}\n", NR, $1 }' zh.txt |
	agent-tag --reply-tags | jq -r .tags.prompt > zh.got
cut -d'|' -f2 zh.txt > zh.want
check_same "Chinese and mixed prompts get their tags" zh.want zh.got

# A slash command: the wrapper is tagged command; its expansion (a meta
# prompt right after it, the root of the work) by the command's arguments,
# else by its own text; a meta prompt elsewhere stays meta.
cat > cmd.ndjson <<'EOF2'
{"kind":"session","agent":"claude","session":"c1"}
{"kind":"prompt","agent":"claude","session":"c1","id":"w1","prompt":"w1","origin":"command","text":"<command-message>orchestrator is running</command-message>\n<command-name>/orchestrator</command-name>\n<command-args>fix the crash in the parser</command-args>"}
{"kind":"prompt","agent":"claude","session":"c1","id":"x1","prompt":"x1","origin":"meta","text":"Split complex tasks into subtasks and plan them."}
{"kind":"prompt","agent":"claude","session":"c1","id":"w2","prompt":"w2","origin":"command","text":"<command-name>/init</command-name>\n<command-args></command-args>"}
{"kind":"prompt","agent":"claude","session":"c1","id":"x2","prompt":"x2","origin":"meta","text":"Please write a README for this codebase."}
{"kind":"prompt","agent":"claude","session":"c1","id":"x3","prompt":"x3","origin":"meta","text":"Caveat: the messages below were generated by the user while running local commands."}
{"kind":"prompt","agent":"claude","session":"c1","id":"h1","prompt":"h1","origin":"human","text":"create TODO app by Next.js"}
EOF2
agent-tag cmd.ndjson > cmd.out
for id in w1 x1 w2 x2 x3 h1; do tagof $id < cmd.out; done > got
check_out "slash command: wrapper tagged command, expansion by the arguments" "command origin:command
debug command:builtin:debug/en" sed -n 1,2p got
check_out "slash command without arguments: expansion by its own text" "command origin:command
docs command:builtin:docs/en" sed -n 3,4p got
check_out "a meta prompt that expands no command stays meta" "meta origin:meta" sed -n 5p got
check_out "a TODO app is something to create, not a plan" "create builtin:create/en" sed -n 6p got
# --- sessions whose records are not contiguous ------------------------------------
# Session a1 with a subagent (its records carry session a1, subagent sa,
# subagent_type and prompt = the parent's prompt p1), sessions b1 and c1.
# Contiguous, then interleaved: b1 between a1's parts, the subagent after
# c1, an update record after everything.  Each session's records must come
# out the same, byte for byte.
A='"agent":"claude","session":"a1"'
B='"agent":"codex","session":"b1"'
C='"agent":"gemini","session":"c1"'
S='"agent":"claude","session":"a1","subagent":"sa","subagent_type":"Explore"'
{
	printf '{"kind":"session",%s,"ts":"2026-01-01T00:00:00Z","cwd":"/w"}\n' "$A"
	printf '{"kind":"prompt",%s,"ts":"2026-01-01T00:00:01Z","id":"p1","prompt":"p1","origin":"human","text":"fix the crash in the tokenizer"}\n' "$A"
	printf '{"kind":"llm",%s,"ts":"2026-01-01T00:00:02Z","id":"m1","parent":"p1","prompt":"p1","model":"x","tools":["Task"],"tool_kinds":["delegate"],"text":"looking"}\n' "$A"
	printf '{"kind":"tool",%s,"ts":"2026-01-01T00:00:03Z","id":"t1","parent":"m1","prompt":"p1","tool":"Task","tool_kind":"delegate","status":"ok"}\n' "$A"
} > a-main
{
	printf '{"kind":"session",%s,"ts":"2026-01-01T00:00:03Z","parent":"t1"}\n' "$S"
	printf '{"kind":"prompt",%s,"ts":"2026-01-01T00:00:03Z","id":"sp","parent":"t1","prompt":"p1","origin":"subagent","text":"find where the tokenizer is called"}\n' "$S"
	printf '{"kind":"llm",%s,"ts":"2026-01-01T00:00:04Z","id":"sm","parent":"sp","prompt":"p1","model":"y","tools":["Grep"],"tool_kinds":["search"],"text":"two places"}\n' "$S"
	printf '{"kind":"tool",%s,"ts":"2026-01-01T00:00:05Z","id":"st","parent":"sm","prompt":"p1","tool":"Grep","tool_kind":"search","status":"ok","class":"search"}\n' "$S"
} > a-sub
printf '{"kind":"llm",%s,"ts":"2026-01-01T00:00:02Z","id":"m1","update":true,"tokens":{"output":40}}\n' "$A" > a-upd
{
	printf '{"kind":"session",%s,"ts":"2026-01-01T00:00:00Z","cwd":"/v"}\n' "$B"
	printf '{"kind":"prompt",%s,"ts":"2026-01-01T00:00:01Z","id":"q1","prompt":"q1","origin":"human","text":"write the README"}\n' "$B"
} > b-1
{
	printf '{"kind":"llm",%s,"ts":"2026-01-01T00:00:02Z","id":"n1","parent":"q1","prompt":"q1","model":"z","tools":["apply_patch"],"tool_kinds":["patch"],"text":"done"}\n' "$B"
	printf '{"kind":"tool",%s,"ts":"2026-01-01T00:00:03Z","id":"u1","parent":"n1","prompt":"q1","tool":"apply_patch","tool_kind":"patch","status":"ok","class":"write"}\n' "$B"
} > b-2
{
	printf '{"kind":"session",%s,"ts":"2026-01-01T00:00:00Z"}\n' "$C"
	printf '{"kind":"prompt",%s,"ts":"2026-01-01T00:00:01Z","id":"r1","prompt":"r1","origin":"human","text":"run the tests"}\n' "$C"
	printf '{"kind":"llm",%s,"ts":"2026-01-01T00:00:02Z","id":"o1","parent":"r1","prompt":"r1","model":"g","tools":["run_shell_command"],"tool_kinds":["shell"],"text":"ok"}\n' "$C"
} > c-1
cat a-main a-sub a-upd b-1 b-2 c-1 > contiguous.ndjson
cat a-main b-1 c-1 a-sub b-2 a-upd > interleaved.ndjson
agent-tag contiguous.ndjson > contiguous.out
check_test "contiguous sessions: exit 0" $? = 0
check_out "a subagent's records take the parent's session tag and prompt tag" "$(cat <<'EOF'
{"kind":"session","agent":"claude","session":"a1","ts":"2026-01-01T00:00:00Z","cwd":"/w","tags":{"session":"debug"},"rule":"vote:human"}
{"kind":"prompt","agent":"claude","session":"a1","ts":"2026-01-01T00:00:01Z","id":"p1","prompt":"p1","origin":"human","text":"fix the crash in the tokenizer","tags":{"session":"debug","prompt":"debug"},"rule":"builtin:debug/en"}
{"kind":"llm","agent":"claude","session":"a1","ts":"2026-01-01T00:00:02Z","id":"m1","parent":"p1","prompt":"p1","model":"x","tools":["Task"],"tool_kinds":["delegate"],"text":"looking","tags":{"session":"debug","prompt":"debug","llm":"delegate"},"rule":"tools:delegate"}
{"kind":"tool","agent":"claude","session":"a1","ts":"2026-01-01T00:00:03Z","id":"t1","parent":"m1","prompt":"p1","tool":"Task","tool_kind":"delegate","status":"ok"}
{"kind":"session","agent":"claude","session":"a1","subagent":"sa","subagent_type":"Explore","ts":"2026-01-01T00:00:03Z","parent":"t1","tags":{"session":"debug"},"rule":"vote:human"}
{"kind":"prompt","agent":"claude","session":"a1","subagent":"sa","subagent_type":"Explore","ts":"2026-01-01T00:00:03Z","id":"sp","parent":"t1","prompt":"p1","origin":"subagent","text":"find where the tokenizer is called","tags":{"session":"debug","prompt":"inspect"},"rule":"subagent:builtin:inspect/en"}
{"kind":"llm","agent":"claude","session":"a1","subagent":"sa","subagent_type":"Explore","ts":"2026-01-01T00:00:04Z","id":"sm","parent":"sp","prompt":"p1","model":"y","tools":["Grep"],"tool_kinds":["search"],"text":"two places","tags":{"session":"debug","prompt":"debug","llm":"inspect"},"rule":"tools:inspect"}
{"kind":"tool","agent":"claude","session":"a1","subagent":"sa","subagent_type":"Explore","ts":"2026-01-01T00:00:05Z","id":"st","parent":"sm","prompt":"p1","tool":"Grep","tool_kind":"search","status":"ok","class":"search"}
{"kind":"llm","agent":"claude","session":"a1","ts":"2026-01-01T00:00:02Z","id":"m1","update":true,"tokens":{"output":40},"tags":{"session":"debug","prompt":"debug","llm":"delegate"},"rule":"tools:delegate"}
EOF
)" grep '"session":"a1"' contiguous.out
agent-tag interleaved.ndjson > interleaved.out
check_test "interleaved sessions: exit 0" $? = 0
for x in a1 b1 c1; do
	grep "\"session\":\"$x\"" contiguous.out > "want.$x"
	grep "\"session\":\"$x\"" interleaved.out > "got.$x"
done
check_same "interleaved: session a1 (with its subagent and update) as when contiguous" want.a1 got.a1
check_same "interleaved: session b1, split around others, as when contiguous" want.b1 got.b1
check_same "interleaved: session c1 as when contiguous" want.c1 got.c1
check_test "interleaved: every record written once" "$(wc -l < interleaved.out)" = "$(wc -l < interleaved.ndjson)"
# the same interleaving over three mapped files, and through a pipe
cat a-main b-1 > f1; cat c-1 a-sub > f2; cat b-2 a-upd > f3
agent-tag f1 f2 f3 > files.out
cat f1 f2 f3 | agent-tag > pipe.out
check_same "interleaved across mapped files: the same output" interleaved.out files.out
check_same "and through a pipe" interleaved.out pipe.out
# more sessions in flight than are held: the oldest is written first, and
# a late record of it is tagged on its own, but nothing is lost
i=0; : > many.ndjson
while [ $i -lt 70 ]; do
	printf '{"kind":"session","agent":"claude","session":"m%d"}\n{"kind":"prompt","agent":"claude","session":"m%d","id":"p","prompt":"p","origin":"human","text":"fix the bug"}\n' $i $i >> many.ndjson
	i=$((i + 1))
done
printf '{"kind":"llm","agent":"claude","session":"m0","id":"x","prompt":"p","model":"x","text":"late"}\n' >> many.ndjson
agent-tag many.ndjson > many.out
check_test "70 sessions in flight: every record written" "$(wc -l < many.out)" = 141
check_out "--help exits 0 with the synopsis" "usage: agent-tag [-t regex | llm | cluster] [-r kind:tag=regex] [--rules file]" sh -c 'agent-tag --help | head -1'
done_testing
