#!/bin/sh
# SPDX-License-Identifier: MIT
# folded2pprof: folded stacks in, gzipped pprof out, read back with the real
# client (go tool pprof) and turned back into folded stacks.
. "$(dirname "$0")/lib.sh"
FIX=$TESTS/fixtures/folded2pprof
MAN=$TOP/man/folded2pprof.1
NPLAN=57
plan $NPLAN

# go tool pprof and the folded <-> pprof helpers
. "$TESTS/pprof.sh"

# --- without go -------------------------------------------------------------

# the protobuf writer's own unit tests (tests/unit/pb.c, TAP)
"$AP_BUILD/tests/pb" > pb.tap 2>&1
if [ $? = 0 ] && ! grep -q '^not ok' pb.tap && grep -q '^1\.\.[1-9]' pb.tap; then
	ok "common/pb unit tests ($(grep -c '^ok' pb.tap) checks)"
else
	not_ok "common/pb unit tests"; grep -A2 '^not ok' pb.tap | sed 's/^/# /'
fi

# the chunked gzip writer's (tests/unit/pgz.c, TAP)
"$AP_BUILD/tests/pgz" > pgz.tap 2>&1
if [ $? = 0 ] && ! grep -q '^not ok' pgz.tap && grep -q '^1\.\.[1-9]' pgz.tap; then
	ok "common/pprof/pgz unit tests ($(grep -c '^ok' pgz.tap) checks)"
else
	not_ok "common/pprof/pgz unit tests"; grep -A2 '^not ok' pgz.tap | sed 's/^/# /'
fi

folded2pprof --help > help.out 2>&1
check_status "--help exits 0" 0 folded2pprof --help
check_grep "--help starts with the usage line" '^usage: folded2pprof \[-o file\]' help.out
# every option of the man page is in --help and the other way round
sed -n 's/^\.It Fl //p' "$MAN" | sed 's/\\//g' | tr ',' '\n' |
	sed -n 's/^ *\(Fl \)*\(-*[a-zA-Z-]*\).*/\2/p' | sed 's/^[a-zA-Z]/-&/; s/^-\([a-z-][a-z-]\)/--\1/' |
	sort -u > man.opts
grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' help.out | tr -d ' ' | tr ',' '\n' | sort -u > help.opts
check_same "man page options equal --help options" man.opts help.opts
check_test "the man page lists the options" "$(wc -l < man.opts)" -ge 9
folded2pprof --version > version.out 2>&1
check_grep "--version prints the name and a version" '^folded2pprof .' version.out
if have mandoc; then
	check_test "man page is mandoc -Tlint clean" "$(mandoc -Tlint -Wwarning "$MAN" 2>&1)" = ""
else
	skip "mandoc not installed"
fi

check_status "--level 10 is a usage error" 2 folded2pprof --level 10 -o x.pb.gz "$FIX/tokens.folded"
check_status "an empty sample type is a usage error" 2 folded2pprof --sample-types /count -o x.pb.gz "$FIX/tokens.folded"
check_status "--sample-type takes one type" 2 folded2pprof --sample-type a/u,b/u -o x.pb.gz "$FIX/tokens.folded"
check_status "an unknown option is a usage error" 2 folded2pprof --bogus -o x.pb.gz "$FIX/tokens.folded"
folded2pprof -o diff1.pb.gz "$FIX/diff.folded" 2> diff1.err
check_test "two count columns, one sample type: exit 2" $? = 2
check_test "... and no output file" "$(test -e diff1.pb.gz && echo made || echo none)" = none
check_grep "... and the message names the columns" '2 count columns but 1 sample type' diff1.err
folded2pprof --sample-types a/count,b/count -o x.pb.gz "$FIX/tokens.folded" 2> short.err
check_test "one count column, two sample types: exit 2" $? = 2
check_grep "... reported with file:line" 'tokens.folded:1: the input has 1 count column but 2' short.err

if have script; then
	script -qec "folded2pprof $FIX/tokens.folded" /dev/null > tty.out 2>&1
	check_test "refuses to write binary to a terminal (exit 2)" $? = 2
else
	skip "script(1) not installed"
fi

folded2pprof -o a.pb.gz "$FIX/basic.folded"
folded2pprof < "$FIX/basic.folded" > b.pb.gz
folded2pprof -o - - < "$FIX/basic.folded" > c.pb.gz
check "output is gzip" gzip -t a.pb.gz
check "same input, byte-identical output (file, stdin, -o -)" sh -c 'cmp a.pb.gz b.pb.gz && cmp a.pb.gz c.pb.gz'
folded2pprof --level 0 -o l0.pb.gz "$FIX/basic.folded"
folded2pprof --level 9 -o l9.pb.gz "$FIX/basic.folded"
check_test "--level 9 output is smaller than --level 0" "$(wc -c < l9.pb.gz)" -lt "$(wc -c < l0.pb.gz)"
check "... and both decompress to the same profile" sh -c 'gzip -dc l0.pb.gz > l0.pb && gzip -dc l9.pb.gz | cmp - l0.pb'

: | folded2pprof > empty.pb.gz 2> empty.err
check_test "no stacks: exit 1" $? = 1
check_grep "... with a message" 'no stacks in the input' empty.err

folded2pprof -o two.pb.gz nosuch.folded "$FIX/tokens.folded" 2> nosuch.err
check_test "a missing file: exit 1" $? = 1
check_grep "... named on stderr" '^folded2pprof: nosuch.folded: No such file' nosuch.err

folded2pprof -o bad.pb.gz "$FIX/bad.folded" 2> bad.err
check_test "bad lines: exit 1" $? = 1
check_grep "... line 2 reported with file:line" 'bad.folded:2: no count at the end of the line; line skipped' bad.err
check_grep "... line 4 reported with file:line" 'bad.folded:4: count is negative, fractional or too large' bad.err
check_grep "... repeats counted" 'bad.folded: 2 more like line 4' bad.err

# A profile of 2 MB: four chunks deflated apart (on other threads when
# there are CPUs for them), one gzip member.  The profile inside is the
# one folded2pprof wrote before it compressed by chunks (cksum pinned).
awk 'BEGIN {
	for (i = 0; i < 30000; i++)
		printf "project:p%d;session:s%d;call:tool/T%d;process:cmd%d;path:src/dir%d/file%d.c;status:ok %d\n",
			i % 4, i % 7, i % 8, (i * 7) % 40, i % 50, i, i % 1000 + 1
}' > chunks.folded
folded2pprof -o chunks.pb.gz chunks.folded
check_out "several chunks: the profile inside, byte for byte" "2943479325 2042722" sh -c 'gzip -dc chunks.pb.gz | cksum'
check_out "... in one gzip member (its trailer holds the whole length)" "2042722" \
	sh -c 'tail -c 4 chunks.pb.gz | od -An -tu1 | awk "{ print \$1 + 256 * (\$2 + 256 * (\$3 + 256 * \$4)) }"'
if have taskset; then
	taskset -c 0 folded2pprof -o chunks1.pb.gz chunks.folded
	check "... and the same bytes on one CPU, where no thread deflates" cmp chunks.pb.gz chunks1.pb.gz
else
	skip "taskset not installed"
fi

# Bytes that are not UTF-8 become U+FFFD: after 32 and 8 ASCII bytes
# checked at once, mid-block, a cut sequence, a surrogate, at the end of
# a stack (cksum of the profile folded2pprof wrote before).
printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\377;b\303\251cccccccccccccccccccccccccccccccccc 3\nx\342\202;y 2\n\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251;\355\240\200z 1\nabcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012345\200 4\n' > utf.folded
folded2pprof -o utf.pb.gz utf.folded
check_out "bytes that are not UTF-8, after ASCII checked 32 and 8 at a time" "3617309053 427" \
	sh -c 'gzip -dc utf.pb.gz | cksum'

# bench script: a small run here; the 200k-stack target is in
# 60-folded2pprof-corpus.t (slow tier).
bench-folded2pprof 2000 > bench.out 2>&1
check "bench-folded2pprof prints levels 1 and 6" sh -c 'grep -q "^1 " bench.out && grep -q "^6 " bench.out'

# --- with go tool pprof -----------------------------------------------------

if [ -z "$GO" ]; then
	while [ "$_n" -lt "$NPLAN" ]; do skip "go tool pprof not installed"; done
	done_testing
fi

pp -raw a.pb.gz > /dev/null; pp -top a.pb.gz > /dev/null; pp -traces a.pb.gz > a.traces
check_quiet "pprof -raw, -top and -traces read the output without a warning"
check_test "pprof total equals the sum of the counts" "$(top_total a.pb.gz)" = "$(sum "$FIX/basic.folded")"
traces2folded < a.traces > a.back
cat > a.want <<'EOF'
java-1234;Interpreter;java/lang/Thread.run 9
leading blanks;trailing blank 5
main;main;main 3
main;parse 8
main;parse;lex 42
main;render;draw text 4
main;render;draw text;glyph cache 21
project:демо;agent:claude;prompt:ドキュメント;call:tool/Bash;process:make 6
swapper;[unknown];native_safe_halt_[k] 17
EOF
check_same "-traces back to folded: blanks, unicode, recursion, merged repeats" a.want a.back
merge "$FIX/basic.folded" > a.merged
check_same "... and the same as the merged input" a.want a.merged

pp -raw chunks.pb.gz > /dev/null; pp -top chunks.pb.gz > /dev/null
check_quiet "pprof -raw and -top read a profile of several chunks without a warning"
check_test "... and its total is the sum of the counts" "$(top_total chunks.pb.gz)" = "$(sum chunks.folded)"

# very long frames, and many of them in one stack
awk 'BEGIN {
	x = "x"; for (i = 0; i < 17; i++) x = x x          # 131072 bytes
	printf "root;%s;leaf é 3\n", x
	s = "deep"; for (i = 0; i < 500; i++) s = s ";frame " i
	printf "%s 2\n%s;%s 1\n", s, s, x
}' > long.folded
folded2pprof -o long.pb.gz long.folded
pp -traces long.pb.gz | traces2folded > long.back
check_quiet "long frames: no warning"
merge long.folded > long.want
check_same "long frames and 500-deep stacks survive the round trip" long.want long.back

pp -top bad.pb.gz > /dev/null
check_test "bad lines skipped, good lines still count" "$(top_total bad.pb.gz)" = 18
check_quiet "... and pprof reads that output quietly"

folded2pprof --leaf prompt -o leaf.pb.gz "$FIX/tasks.folded"
pp -top leaf.pb.gz > leaf.top
pp -traces leaf.pb.gz | traces2folded > leaf.back
check_quiet "--leaf output: no warning"
check_out "--leaf prompt: -top ranks the prompt tags" "$(printf '%s\n' '70 prompt:debug' '36 prompt:docs' '7 prompt:review')" \
	awk 'f && $NF ~ /^prompt:/ { print $1, $NF } /flat%/ { f = 1 }' leaf.top
sed 's/;\(prompt:[^;]*\)\(;[^ ]*\) /\2;\1 /' "$FIX/tasks.folded" | merge > leaf.want
check_same "--leaf prompt: the prompt frame is the leaf, the rest in order" leaf.want leaf.back

folded2pprof --sample-types before/count,after/count -o diff.pb.gz "$FIX/diff.folded"
pp -raw diff.pb.gz > diff.raw
check_grep "several sample types show in -raw, the first the default" '^before/count\[dflt\] after/count$' diff.raw
check_test "default sample type totals the first column" "$(top_total diff.pb.gz)" = 59
check_test "-sample_index=after totals the second column" "$(top_total -sample_index=after diff.pb.gz)" = 63
check_quiet "several sample types: no warning"

folded2pprof --comment "first note" --comment "second note" -o com.pb.gz "$FIX/tokens.folded"
check_out "--comment shows in -comments" "$(printf 'first note\nsecond note')" go tool pprof -comments com.pb.gz
folded2pprof --time 2025-01-02T03:04:05Z -o time.pb.gz "$FIX/tokens.folded"
pp -raw time.pb.gz > time.raw
check_grep "--time sets the profile time" '^Time: 2025-01-02 03:04:05 +0000 UTC' time.raw
check_nogrep "... which is absent without it" '^Time:' diff.raw

# The EXAMPLES of the man page, run as written on our fixtures.
mkdir ex && cp "$FIX/tokens.folded" "$FIX/tasks.folded" "$FIX/diff.folded" ex/
# records of priced models only: agent-stack then has no note to print
grep -v mystery "$TESTS/fixtures/report/events.ndjson" > ex/events.ndjson
# (a "$ " line and the indented lines that continue it, as one command)
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$MAN" | sed 's/\\-/-/g; s/\\&//g' |
	awk '/^\$ / { if (c != "") print c; c = substr($0, 3); next }
		/^    / && c != "" { c = c " " substr($0, 5); next }
		{ if (c != "") print c; c = "" } END { if (c != "") print c }' > ex/examples
nex=0 exfail=0
while IFS= read -r cmd; do
	nex=$((nex + 1))
	(cd ex && sh -c "$cmd") > ex/out.$nex 2> ex/err.$nex || { exfail=$((exfail + 1)); diag "failed: $cmd"; }
	[ -s ex/err.$nex ] && { exfail=$((exfail + 1)); diag "stderr: $cmd"; sed 's/^/# /' ex/err.$nex | head -3; }
done < ex/examples
check_test "the $nex EXAMPLES run cleanly" "$nex:$exfail" = "6:0"
check_grep "... and the tokens example ranks kind:cache_read first" '^ *45000 .*kind:cache_read$' ex/out.1

done_testing
