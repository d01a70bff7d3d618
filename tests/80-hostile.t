#!/bin/sh
# SPDX-License-Identifier: MIT
# Hostile input for every program that reads some: empty input, binary
# garbage, NULs inside lines, invalid UTF-8, lone surrogates, deep nesting,
# numbers past 2^63, duplicate keys, records missing every optional field,
# bad folded counts, 1 MB frames and a 100 MB line.  Each run is bounded by
# timeout 60 and must end with its documented status (never >= 124: a hang
# or a signal), name the file and line of what was bad, and keep the valid
# records planted before and after.  Then the security checks: markup in
# labels, symlinks planted where a named output file goes, and secrets in
# histories, which must not reach folded, SVG, pprof or JSON output.
. "$(dirname "$0")/lib.sh"

# hrun OUT CMD...: run CMD (stdin as redirected by the caller) bounded in
# time; stdout to OUT, stderr to OUT.err, status in $rc.
hrun() {
	_o=$1; shift
	timeout 60 "$@" > "$_o" 2> "$_o.err"
	rc=$?
}
# status DESC WANT: the last hrun ended with WANT; a status of 124 or more
# is a hang or a crash, shown with the end of stderr.
status() {
	if [ "$rc" = "$2" ]; then ok "$1: exit $2"; else
		not_ok "$1: exit $2"
		if [ "$rc" -ge 124 ]; then diag "HANG OR CRASH: exit $rc"; else diag "exit $rc"; fi
		tail -5 "$_o.err" | cut -c1-300 | sed 's/^/# /'
	fi
}
# alive DESC: the last hrun neither hung nor crashed (any status below 124)
alive() {
	if [ "$rc" -lt 124 ]; then ok "$1: no crash or hang"; else
		not_ok "$1: no crash or hang"; diag "exit $rc"
		tail -5 "$_o.err" | cut -c1-300 | sed 's/^/# /'
	fi
}
utf8() { iconv -f UTF-8 -t UTF-8 "$1" > /dev/null 2>&1; }
# each line of FILE is a JSON value (jq reads them all)
jsonl() {
	[ ! -s "$1" ] && return 0
	jq -c . "$1" > /dev/null 2>&1 && return 0
	while IFS= read -r _l; do
		printf '%s\n' "$_l" | jq . > /dev/null 2>&1 || { diag "not JSON: $(printf '%s' "$_l" | cut -c1-120)"; break; }
	done < "$1" >&2
	return 1
}

# --- hostile lines, shared by the JSON readers ---------------------------------
# Sanitizer findings abort (a signal, so never mistaken for exit 1).
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=abort_on_error=1

# garbage: bytes from a fixed pseudo-random sequence (the same each run),
# no newline inside
bytes() { LC_ALL=C awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed)
	for (i = 0; i < n; i++) { c = int(rand() * 256); if (c == 10) c = 0; printf "%c", c } }'; }
bytes 4000 7 > garbage
printf 'x\n' >> garbage
deep() { awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }'; }
deep > deep.line
deepobj() { awk 'BEGIN { for (i = 0; i < 100000; i++) printf "{\"a\":"; printf "1"; for (i = 0; i < 100000; i++) printf "}"; print "" }'; }
deepobj >> deep.line
hostile_common() {
	cat garbage
	printf '{"type":"user",\000"uuid":"nul","kind":"prompt"}\n'
	printf '\000\000\000\n'
	cat deep.line
	printf '{"a":1e99999999999,"b":-1e99999999999,"c":123456789012345678901234567890}\n'
	echo '{}'
	echo '[]'
	echo 'null'
	echo '"string"'
	echo '12'
	printf '{"unterminated":"\n'
	printf '{"esc":"\\u12"}\n'
	printf '{"esc":"\\ud800\\udbff\\udfff\\u0000"}\n'
	printf '\357\273\277{"bom":1}\n'
	printf '\r\n'
}

# --- agent-events ----------------------------------------------------------------
S='"sessionId":"s1","cwd":"/home/u/proj","version":"2.0.42"'
cl_user() { printf '{"type":"user","uuid":"%s",%s,"timestamp":"2026-03-02T09:%s.000Z","message":{"role":"user","content":"%s"}}\n' "$1" "$S" "$2" "$3"; }
{
	cl_user u1 00:00 "BEFOREMARK fix the bug"
	hostile_common
	printf '{"type":"user","uuid":"u3",%s,"timestamp":"2026-03-02T09:00:30.000Z","message":{"role":"user","content":"bad \377\376 utf8 \\ud800 lone \\udc00"}}\n' "$S"
	echo '{"type":"assistant","uuid":"a1",'"$S"',"timestamp":"2026-03-02T09:00:40.000Z","requestId":"r1","message":{"id":"m1","model":"claude-x","usage":{"input_tokens":99999999999999999999999,"output_tokens":-5,"cache_read_input_tokens":1e400,"cache_creation_input_tokens":"NaN"},"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":99999999999999999999}},{"type":"tool_use","name":"Read"},{"type":"tool_use","id":"t2","name":"Read","input":{"file_path":["x"]}}]}}'
	echo '{"type":"user","type":"assistant","uuid":"d1","uuid":"d2","sessionId":"s1","sessionId":"s2"}'
	echo '{"type":"assistant"}'
	echo '{"type":"assistant","message":{}}'
	echo '{"type":"assistant","message":{"content":"x","usage":[]}}'
	echo '{"type":"user","message":{"content":[{"type":"tool_result"},{"type":"tool_result","tool_use_id":"t1","is_error":"yes"},7,null]}}'
	echo '{"type":"summary"}'
	echo '{"type":"user","uuid":null,"timestamp":"9999-99-99T99:99:99Z","message":{"content":null}}'
	cl_user u2 01:00 "AFTERMARK write the docs"
} > claude.jsonl
hrun ev.out agent-events claude.jsonl
status "agent-events on a hostile Claude file" 1
check_grep "agent-events names file and line of garbage" '^agent-events: claude.jsonl:2: ' ev.out.err
check_grep "agent-events keeps the record before" 'BEFOREMARK' ev.out
check_grep "agent-events keeps the record after" 'AFTERMARK' ev.out
check "agent-events writes valid UTF-8" utf8 ev.out
check "agent-events writes one JSON value a line" jsonl ev.out
check_nogrep "agent-events writes no negative token count" '"[a-z_]*":-[0-9]' ev.out

# Codex
cx() { printf '{"timestamp":"2026-01-01T10:00:%s.000Z","type":"%s","payload":%s}\n' "$@"; }
{
	cx 00 session_meta '{"id":"c1","timestamp":"2026-01-01T10:00:00.000Z","cwd":"/w","cli_version":"0.66.0"}'
	cx 01 response_item '{"type":"message","role":"user","content":[{"type":"input_text","text":"BEFOREMARK fix the build"}]}'
	cx 01 event_msg '{"type":"user_message","message":"BEFOREMARK fix the build"}'
	hostile_common
	cx 02 event_msg '{"type":"token_count","info":{"total_token_usage":{"input_tokens":99999999999999999999,"cached_input_tokens":-3,"output_tokens":1e300},"last_token_usage":{}}}'
	cx 03 event_msg '{"type":"token_count","info":{"total_token_usage":{"input_tokens":5,"cached_input_tokens":9,"output_tokens":1}}}'
	cx 04 response_item '{"type":"function_call","name":"shell","arguments":"{\"command\": 7}","call_id":"c1"}'
	cx 04 response_item '{"type":"function_call","name":"exec_command","arguments":"not json {{{"}'
	cx 04 response_item '{"type":"function_call_output","call_id":"nope","output":{"x":1}}'
	cx 04 response_item '{"type":"custom_tool_call","name":"apply_patch","input":"*** Begin Patch\n*** Update File: \n*** Move to:\n*** End"}'
	cx 05 turn_context '{}'
	cx 05 response_item 'null'
	cx 05 event_msg '[]'
	echo '{"type":"response_item"}'
	cx 06 response_item '{"type":"message","role":"user","content":[{"type":"input_text","text":"AFTERMARK write the docs"}]}'
	cx 06 event_msg '{"type":"user_message","message":"AFTERMARK write the docs"}'
} > codex.jsonl
hrun cx.out agent-events codex.jsonl
status "agent-events on a hostile Codex file" 1
check_grep "agent-events (codex) names file and line" '^agent-events: codex.jsonl:[0-9][0-9]*: ' cx.out.err
check_grep "agent-events (codex) keeps the record before" 'BEFOREMARK' cx.out
check_grep "agent-events (codex) keeps the record after" 'AFTERMARK' cx.out
check "agent-events (codex) writes valid UTF-8" utf8 cx.out
check "agent-events (codex) writes one JSON value a line" jsonl cx.out
check_nogrep "agent-events (codex) writes no negative token count" '"[a-z_]*":-[0-9]' cx.out

# Gemini: one JSON document, so a bad one is bad as a whole; a good one
# with hostile messages keeps its good messages.
gm() { printf '{"id":"%s","timestamp":"2026-01-01T10:00:%s.000Z","type":"user","content":"%s"}' "$@"; }
{
	printf '{"sessionId":"g1","projectHash":"abc","startTime":"2026-01-01T10:00:00.000Z","messages":['
	gm m1 01 "BEFOREMARK fix it"
	printf ',{},[],null,7,"s",{"type":"gemini","tokens":{"input":99999999999999999999999,"output":-1,"cached":1e999},"toolCalls":[{},{"name":null,"args":"x"},{"name":"run_shell_command","args":{"command":[1]}}]}'
	printf ',{"type":"user","content":"bad \377 \\ud800"},{"type":"user","type":"gemini","id":"d","id":"e"}'
	printf ','; gm m2 02 "AFTERMARK docs"
	printf ']}\n'
} > session-2026-01-01T10-00-g1.json
hrun gm.out agent-events session-2026-01-01T10-00-g1.json
alive "agent-events on a hostile Gemini document"
check_grep "agent-events (gemini) keeps the message before" 'BEFOREMARK' gm.out
check_grep "agent-events (gemini) keeps the message after" 'AFTERMARK' gm.out
check "agent-events (gemini) writes valid UTF-8" utf8 gm.out
check_nogrep "agent-events (gemini) writes no negative token count" '"[a-z_]*":-[0-9]' gm.out
{ printf '{"sessionId":"g2","messages":'; deep | tr -d '\n'; printf '}\n'; } > session-2026-01-01T10-00-g2.json
hrun gd.out agent-events --agent gemini session-2026-01-01T10-00-g2.json
status "agent-events on a 100,000-deep Gemini document" 1
check_grep "agent-events (gemini) names the file" '^agent-events: session-2026-01-01T10-00-g2.json' gd.out.err

: > empty.jsonl
hrun em.out agent-events empty.jsonl
status "agent-events on an empty file" 1
check_grep "agent-events names the empty file" '^agent-events: empty.jsonl' em.out.err
hrun em2.out agent-events < /dev/null
status "agent-events on empty stdin" 1
hrun gb.out agent-events garbage
status "agent-events on binary garbage" 1
for a in claude codex gemini; do
	hrun gb.$a agent-events --agent $a garbage deep.line
	status "agent-events --agent $a on garbage and deep nesting" 1
done

# --- agent-tag and agent-stack: records ------------------------------------------
R='"agent":"claude","session":"s1"'
{
	echo '{"kind":"session",'"$R"',"ts":"2026-03-02T09:00:00.000Z","cwd":"/home/u/proj"}'
	echo '{"kind":"prompt",'"$R"',"ts":"2026-03-02T09:00:00.000Z","id":"p1","prompt":"p1","origin":"human","text":"BEFOREMARK fix the failing test"}'
	echo '{"kind":"tool",'"$R"',"ts":"2026-03-02T09:00:01.000Z","id":"t1","parent":"p1","prompt":"p1","tool":"BeforeTool","status":"ok","duration_ms":5}'
	hostile_common
	printf '{"kind":"prompt",%s,"id":"p2","prompt":"p2","text":"bad \377\376 \\ud800 lone"}\n' "$R"
	echo '{"kind":"llm",'"$R"',"id":"l1","prompt":"p1","model":"m","tokens":{"input":99999999999999999999999,"output":-7,"cache_read":1e400,"cache_write":"x"},"duration_ms":99999999999999999999}'
	echo '{"kind":"llm",'"$R"',"id":"l2","prompt":"p1","model":"m","tokens":{"input":9223372036854775807,"output":9223372036854775807}}'
	echo '{"kind":"tool","kind":"llm","id":"x","id":"y",'"$R"'}'
	for k in session prompt llm tool effect summary bogus; do echo '{"kind":"'$k'"}'; done
	echo '{"kind":7}'
	echo '{"kind":"effect",'"$R"',"effect":"exec","process":[1,null,{}],"argv":"x","path":["a"]}'
	echo '{"kind":"tool",'"$R"',"ts":"2026-03-02T09:00:02.000Z","id":"t2","parent":"p1","prompt":"p1","tool":"AfterTool","status":"ok"}'
	echo '{"kind":"prompt",'"$R"',"ts":"2026-03-02T09:00:03.000Z","id":"p3","prompt":"p3","origin":"human","text":"AFTERMARK update the docs"}'
} > rec.ndjson
hrun tag.out agent-tag rec.ndjson
status "agent-tag on hostile records" 1
check_grep "agent-tag names file and line" '^agent-tag: rec.ndjson:[0-9][0-9]*: ' tag.out.err
check_grep "agent-tag keeps the record before" 'BEFOREMARK' tag.out
check_grep "agent-tag keeps the record after" 'AFTERMARK' tag.out
# what is not a record passes through as it came, and a record keeps its
# bytes with tags added (p2's text holds invalid UTF-8 and a lone
# surrogate); everything else agent-tag writes is JSON
grep -a -v -x -F -f rec.ndjson tag.out | grep -v '"id":"p2"' > tag.clean
if jsonl tag.clean; then ok "agent-tag writes one JSON value a line"; else not_ok "agent-tag writes one JSON value a line"; fi
hrun tag0.out agent-tag < /dev/null
status "agent-tag on empty input" 0
hrun tagg.out agent-tag garbage
status "agent-tag on garbage" 1

for v in tasks system tokens cost time files network context; do
	hrun st.$v agent-stack --view $v rec.ndjson
	status "agent-stack --view $v on hostile records" 1
done
check_grep "agent-stack names file and line" '^agent-stack: rec.ndjson:[0-9][0-9]*: ' st.tasks.err
check_grep "agent-stack keeps the tool before" 'call:tool/BeforeTool' st.tasks
check_grep "agent-stack keeps the tool after" 'call:tool/AfterTool' st.tasks
check "agent-stack writes valid UTF-8" utf8 st.tasks
check_nogrep "agent-stack tokens: no negative or wrapped weights" ' -[0-9]*$' st.tokens
for f in json top tree latency context parallel report; do
	hrun sf.$f agent-stack --format $f rec.ndjson
	alive "agent-stack --format $f on hostile records"
done
hrun st0.out agent-stack < /dev/null
status "agent-stack on empty input (nothing matched)" 1
hrun stg.out agent-stack garbage
status "agent-stack on garbage" 1

# --- folded2svg and folded2pprof ----------------------------------------------
awk 'BEGIN { s = "x"; while (length(s) < 1048576) s = s s; print "big;" s " 3" }' > mb.line
{
	echo 'before;frame 1'
	bytes 2000 11; echo
	printf 'nul\000;inside 2\n'
	printf 'utf8 \377\376;bad \355\240\200 3\n'
	echo 'no;count;at;all'
	echo 'negative;count -5'
	echo 'huge;count 99999999999999999999999'
	echo 'max;one 9223372036854775807'
	echo 'max;two 9223372036854775807'
	echo 'fraction;count 1.5'
	echo ' 4'
	echo ';;; 4'
	echo 'a;;b 4'
	echo '# comment 5'
	cat mb.line
	echo 'spaces in ; frames  6'
	echo 'after;frame 2'
} > hostile.folded
hrun svg.out folded2svg hostile.folded
status "folded2svg on hostile folded input" 1
check_grep "folded2svg names file and line" '^folded2svg: hostile.folded:[0-9][0-9]*: ' svg.out.err
check_grep "folded2svg keeps the stack before" '<title>before ' svg.out
check_grep "folded2svg keeps the stack after" '<title>after ' svg.out
check "folded2svg writes valid UTF-8" utf8 svg.out
if have xmllint; then check "folded2svg writes well-formed XML" xmllint --noout --huge svg.out
else skip "no xmllint"; fi
hrun svg0.out folded2svg < /dev/null
status "folded2svg on empty input" 1
hrun svgg.out folded2svg garbage
status "folded2svg on garbage" 1

hrun pb.out folded2pprof -o pb.gz hostile.folded
status "folded2pprof on hostile folded input" 1
check_grep "folded2pprof names file and line" '^folded2pprof: hostile.folded:[0-9][0-9]*: ' pb.out.err
gzip -dc pb.gz > pb.raw 2>/dev/null
check_test "folded2pprof keeps the stacks before and after" "$(grep -a -c 'before\|after' pb.raw)" -ge 1
check "folded2pprof output has the frame before" grep -a -q before pb.raw
check "folded2pprof output has the frame after" grep -a -q after pb.raw
if have go && [ "${SAN:-}" != 1 ]; then
	check "go tool pprof reads the profile" go tool pprof -raw pb.gz
else
	skip "go tool pprof: no go, or a sanitizer run"
fi
hrun pb0.out folded2pprof -o pb0.gz < /dev/null
status "folded2pprof on empty input" 1
hrun pbg.out folded2pprof -o pbg.gz garbage
status "folded2pprof on garbage" 1

# --- one 100 MB line through each program, one program at a time ------------------
big=$TMP/big
free_kb=$(df -Pk "$TMP" | awk 'NR == 2 { print $4 }')
if [ "${free_kb:-0}" -lt 700000 ]; then
	for i in 1 2 3 4 5 6; do skip "100 MB lines: under 700 MB free in $TMP"; done
else
	{ cl_user u1 00:00 BEFOREMARK
	  printf '{"type":"user","uuid":"big",%s,"timestamp":"2026-03-02T09:00:30.000Z","message":{"role":"user","content":"' "$S"
	  head -c 100000000 /dev/zero | tr '\0' 'a'
	  printf '"}}\n'
	  cl_user u2 01:00 AFTERMARK; } > $big.jsonl
	hrun $big.ev agent-events $big.jsonl
	alive "agent-events on a 100 MB line"
	check_test "agent-events keeps the records around a 100 MB line" \
		"$(grep -c 'BEFOREMARK\|AFTERMARK\|"id":"big"' $big.ev)" = 3
	rm -f $big.jsonl
	hrun $big.tag agent-tag $big.ev
	alive "agent-tag on a 100 MB line"
	rm -f $big.ev
	hrun $big.st agent-stack --view tasks $big.tag
	alive "agent-stack on a 100 MB line"
	rm -f $big.tag
	{ echo 'before 1'; printf 'big;'; head -c 100000000 /dev/zero | tr '\0' 'b'; echo ' 5'; echo 'after 1'; } > $big.folded
	hrun $big.svg folded2svg $big.folded
	alive "folded2svg on a 100 MB frame"
	hrun $big.pb folded2pprof -o $big.gz $big.folded
	alive "folded2pprof on a 100 MB frame"
	rm -f $big.*
fi

# --- agent-sessions over a fake home -----------------------------------------------
H=$TMP/home
mkdir -p $H/.claude/projects/-home-u-proj $H/.codex/sessions/2026/01/01 $H/.gemini/tmp/abc/chats
cl_user u1 00:00 hello > $H/.claude/projects/-home-u-proj/0b5f4e1c-1111-2222-3333-444455556666.jsonl
cp garbage $H/.claude/projects/-home-u-proj/11111111-1111-2222-3333-444455556666.jsonl
: > $H/.claude/projects/-home-u-proj/22222222-1111-2222-3333-444455556666.jsonl
cp deep.line $H/.claude/projects/-home-u-proj/33333333-1111-2222-3333-444455556666.jsonl
printf '\000\000\000' > $H/.codex/sessions/2026/01/01/rollout-2026-01-01T10-00-00-c1.jsonl
cp codex.jsonl $H/.codex/sessions/2026/01/01/rollout-2026-01-01T10-00-00-c2.jsonl
cp session-2026-01-01T10-00-g2.json $H/.gemini/tmp/abc/chats/
cp session-2026-01-01T10-00-g1.json $H/.gemini/tmp/abc/chats/
ln -s . $H/.claude/projects/-home-u-proj/loop
ln -s /nonexistent $H/.claude/projects/-home-u-proj/dangling.jsonl
mkfifo $H/.claude/projects/-home-u-proj/44444444-1111-2222-3333-444455556666.jsonl 2>/dev/null
hrun ses.out env HOME=$H CLAUDE_CONFIG_DIR= CODEX_HOME= agent-sessions
status "agent-sessions over a hostile home" 1
check_grep "agent-sessions names the garbage file" '^agent-sessions: .*/11111111-1111-2222-3333-444455556666.jsonl: ' ses.out.err
check_grep "agent-sessions names the empty file" '^agent-sessions: .*/22222222-1111-2222-3333-444455556666.jsonl: ' ses.out.err
check_grep "agent-sessions lists the good Claude session" '0b5f4e1c-1111' ses.out
check_grep "agent-sessions lists the good Codex session" 'rollout-2026-01-01T10-00-00-c2' ses.out
check_grep "agent-sessions lists the good Gemini session" 'g1.json' ses.out
hrun sesj.out env HOME=$H CLAUDE_CONFIG_DIR= CODEX_HOME= agent-sessions --json
alive "agent-sessions --json over a hostile home"
check "agent-sessions --json writes one JSON value a line" jsonl sesj.out
check "agent-sessions --json writes valid UTF-8" utf8 sesj.out

# --- security: markup in labels ends escaped ------------------------------------------
X='<script>alert(1)</script>'
{
	echo '{"kind":"session","agent":"claude","session":"x1","ts":"2026-03-02T09:00:00.000Z","cwd":"/home/u/'"$X"'"}'
	echo '{"kind":"prompt","agent":"claude","session":"x1","ts":"2026-03-02T09:00:00.000Z","id":"p","prompt":"p","text":"hi","tags":{"session":"'"$X"'","prompt":"<img src=x onerror=alert(2)>"}}'
	echo '{"kind":"llm","agent":"claude","session":"x1","ts":"2026-03-02T09:00:01.000Z","id":"l","parent":"p","prompt":"p","model":"]]><script>alert(3)</script>","tokens":{"input":5,"output":5}}'
	echo '{"kind":"tool","agent":"claude","session":"x1","ts":"2026-03-02T09:00:02.000Z","id":"t","parent":"l","prompt":"p","tool":"'"$X"'","status":"ok","cwd":"/home/u/'"$X"'"}'
	echo '{"kind":"effect","agent":"claude","session":"x1","ts":"2026-03-02T09:00:02.000Z","id":"t#1","parent":"t","prompt":"p","effect":"write","path":"/home/u/'"$X"'/a&b\"c.js","status":"ok","process":["bash","'"$X"'"]}'
} > xss.ndjson
echo 'all;<svg onload=alert(4)>;x 1' > plain-xss.folded
bad_markup=0
for v in tasks system tokens files time; do
	agent-stack --view $v xss.ndjson 2>/dev/null > xss.$v.folded
	folded2svg xss.$v.folded > xss.$v.svg 2>/dev/null
	# the page's own script element is the only one
	n=$(grep -o '<script' xss.$v.svg | wc -l)
	if [ "$n" -gt 1 ] || grep -q '<img\|<svg onload\|<script>' xss.$v.svg; then
		bad_markup=$((bad_markup + 1)); diag "markup got through in view $v"
	fi
done
folded2svg plain-xss.folded > plain-xss.svg 2>/dev/null
if [ "$(grep -c '<script' plain-xss.svg)" -ne 1 ] || grep -q '<svg onload' plain-xss.svg; then
	bad_markup=$((bad_markup + 1)); diag "markup got through from plain folded input"
fi
check_test "labels with markup end escaped in every SVG" $bad_markup = 0
check_grep "the hostile label is there, escaped" '&lt;script&gt;' xss.tasks.svg
if have xmllint; then check "hostile-label SVG is well-formed" xmllint --noout xss.tasks.svg
else skip "no xmllint"; fi

# --- security: no output file follows a planted symlink --------------------------------
# A shared temp dir where someone else planted OUT -> victim.
mkdir -p shared-tmp
echo victim > victim
printf 'a;b 1\n' > one.folded
symlink_case() {   # DESC OUTPATH CMD...: CMD writes OUTPATH (a link to victim)
	_d=$1; _p=$2; shift 2
	rm -f "$_p"; ln -s "$TMP/victim" "$_p"
	timeout 60 "$@" > /dev/null 2>&1
	_r=$?
	if [ "$(cat victim)" = victim ] && [ "$_r" -lt 124 ]; then ok "$_d: the link's target is unchanged$todo"
	elif [ -n "$todo" ]; then _n=$((_n + 1)); echo "not ok $_n - $_d: the link's target is unchanged$todo"; echo victim > victim
	else not_ok "$_d: the link's target is unchanged"; diag "exit $_r; victim now: $(head -c 60 victim | tr -cd '[:print:]')"; echo victim > victim; fi
	todo=
}
todo=
symlink_case "folded2pprof -o" shared-tmp/p.pb.gz folded2pprof -o shared-tmp/p.pb.gz one.folded
symlink_case "folded2svg -o" shared-tmp/f.svg folded2svg -o shared-tmp/f.svg one.folded
symlink_case "agent-tag --stats-json" shared-tmp/stats.json agent-tag --stats-json shared-tmp/stats.json rec.ndjson
symlink_case "agent-tag --cache" shared-tmp/cache agent-tag --tagger llm --llm-url http://127.0.0.1:9/ --cache shared-tmp/cache rec.ndjson
if have agent-snoop; then
	symlink_case "agent-snoop -o" shared-tmp/snoop.ndjson agent-snoop --as-root -o shared-tmp/snoop.ndjson -- true
else
	skip "agent-snoop not built"
fi

# --- security: secrets never reach the output ------------------------------------------
ANT=sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGh
GHP=ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789
AKIA=AKIAIOSFODNN7EXAMPLE
JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c
SECRETS="$ANT $GHP $AKIA $JWT"
SP='"sessionId":"sec1","cwd":"/home/u/proj","version":"2.0.42"'
{
	printf '{"type":"user","uuid":"s1",%s,"timestamp":"2026-03-02T09:00:00.000Z","message":{"role":"user","content":"use key %s and %s, %s, token %s"}}\n' "$SP" $ANT $GHP $AKIA $JWT
	printf '{"type":"assistant","uuid":"s2",%s,"timestamp":"2026-03-02T09:00:05.000Z","requestId":"r1","message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":5},"content":[{"type":"text","text":"ok %s"},' "$SP" $ANT
	printf '{"type":"tool_use","id":"b1","name":"Bash","input":{"command":"curl -H \\"Authorization: Bearer %s\\" https://api.example.com/%s?key=%s && export AWS=%s && cat /home/u/proj/%s/x.txt"}},' $JWT $GHP $AKIA $AKIA $ANT
	printf '{"type":"tool_use","id":"b2","name":"Write","input":{"file_path":"/home/u/proj/%s/cfg/%s.env","content":"K=%s"}},' $GHP $AKIA $ANT
	printf '{"type":"tool_use","id":"b3","name":"WebFetch","input":{"url":"https://%s.example.com/p/%s?t=%s","prompt":"x"}},' $AKIA $GHP $JWT
	printf '{"type":"tool_use","id":"b4","name":"Read","input":{"file_path":"/tmp/%s/%s"}}]}}\n' $ANT $JWT
	printf '{"type":"user","uuid":"s3",%s,"timestamp":"2026-03-02T09:00:09.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"b1","content":"%s"}]}}\n' "$SP" $GHP
} > secrets.jsonl
agent-events secrets.jsonl 2>/dev/null | agent-tag 2>/dev/null > secrets.ndjson
leaks=0
leak() {  # FILE: any secret in its bytes?
	for s in $SECRETS; do
		if grep -a -q -i -F "$s" "$1"; then leaks=$((leaks + 1)); diag "secret ${s%"${s#????????}"}... in $2"; fi
	done
}
check_test "the secrets fixture gives records" "$(grep -c . secrets.ndjson)" -ge 5
for v in tasks system tokens cost time files network context; do
	agent-stack --view $v secrets.ndjson > sec.$v.folded 2>/dev/null
	leak sec.$v.folded "folded ($v)"
	folded2svg sec.$v.folded > sec.$v.svg 2>/dev/null
	leak sec.$v.svg "SVG ($v)"
	folded2pprof -o sec.$v.pb.gz sec.$v.folded 2>/dev/null
	gzip -dc sec.$v.pb.gz > sec.$v.pb 2>/dev/null
	leak sec.$v.pb "pprof ($v)"
	agent-stack --view $v --format json secrets.ndjson > sec.$v.json 2>/dev/null
	leak sec.$v.json "json ($v)"
done
check_test "no secret reaches folded, SVG, pprof or JSON output" $leaks = 0
# A key inside an MCP tool name (mcp__SERVER__TOOL): "__" starts a word.
printf '{"kind":"tool","agent":"claude","session":"m1","id":"t","tool":"mcp__%s__x","status":"ok"}\n' $GHP > mcp.ndjson
agent-stack --view tasks mcp.ndjson > mcp.folded 2>/dev/null
check_grep "an MCP tool's label is there" 'call:tool/mcp__' mcp.folded
check_nogrep "a key inside an MCP tool name does not reach the labels" "$GHP" mcp.folded

plan $_n
done_testing
