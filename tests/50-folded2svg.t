#!/bin/sh
# SPDX-License-Identifier: MIT
# folded2svg: exact layout on small fixtures, every option, hostile labels,
# bad lines and the man page examples (the real profiles in ../shared and
# the interactive script in headless chromium: 50-folded2svg-{corpus,browser}.t).
. "$(dirname "$0")/lib.sh"
FIX=$TESTS/fixtures/folded2svg

# One frame a line: x y width fill [label] title (entities as written).
frames() {
	sed -n 's|^<g fg:x="[0-9]*" fg:w="[0-9]*"><title>\(.*\)</title><rect x="\([^"]*\)" y="\([^"]*\)" width="\([^"]*\)" height="[0-9]*" fill="\([^"]*\)" rx="2" ry="2"/><text[^>]*>\(.*\)</text></g>$|\2 \3 \4 \5 [\6] \1|p' "$@"
}
nframes() { grep -c '^<g fg:x=' "$1"; }
# awk: nm() is the frame name of a frames() line, from its title
NM='function nm(  t) { t = $0; sub(/^[^[]*\[[^]]*\] /, "", t); sub(/ \([0-9,]+ [^(]*$/, "", t); return t }'

# --- layout of a small graph ------------------------------------------------
check_status "small fixture renders, exit 0" 0 folded2svg "$FIX/small.folded"
folded2svg "$FIX/small.folded" > small.svg
frames small.svg > small.tab
check_out "frames, widths, colours-independent layout, labels and titles" "$(cat <<'EOF'
10.00 84.0 1180.00 [all] all (20 samples, 100.00%)
10.00 68.0 590.00 [a] a (10 samples, 50.00%)
10.00 52.0 295.00 [b] b (5 samples, 25.00%)
10.00 36.0 177.00 [c] c (3 samples, 15.00%)
187.00 36.0 118.00 [d] d (2 samples, 10.00%)
305.00 52.0 295.00 [e] e (5 samples, 25.00%)
600.00 68.0 472.00 [main] main (8 samples, 40.00%)
600.00 52.0 472.00 [do work] do work (8 samples, 40.00%)
600.00 36.0 354.00 [read file] read file (6 samples, 30.00%)
1072.00 68.0 118.00 [zz] zz (2 samples, 10.00%)
EOF
)" awk '{ $4 = ""; sub(/  /, " "); print }' small.tab
check_grep "image size from depth: 4 levels of 16 px plus the margins" '^<svg version="1.1" width="1200" height="134" ' small.svg
check_grep "default title" '<text id="title" x="600.00" y="24">Flame Graph</text>' small.svg
check_grep "nothing pruned is said" '<!-- folded2svg .*: 0 frames narrower than 1 px were pruned -->' small.svg
check_test "colours are rgb() of the hot palette (red above 204)" \
	"$(awk '{ split($4, c, /[(,)]/); if (c[2] < 205 || c[2] > 255) bad++ } END { print bad + 0 }' small.tab)" = 0
check_xml "small.svg is well-formed XML" small.svg
check_test "one script, inline, in CDATA, no external reference" \
	"$(grep -c '<script type="text/ecmascript"><!\[CDATA\[' small.svg) $(grep -c -e 'href=' -e 'src=' -e '@import' small.svg)" = "1 0"
folded2svg "$FIX/small.folded" > again.svg
check_same "output is deterministic" small.svg again.svg
folded2svg < "$FIX/small.folded" > stdin.svg
check_same "standard input" small.svg stdin.svg
folded2svg -o out.svg - < "$FIX/small.folded" > out.stdout
check_test "-o writes the file, nothing on stdout" "$(cmp -s small.svg out.svg && wc -c < out.stdout)" = 0
check_status "-o into a missing directory: exit 2" 2 folded2svg -o nodir/x.svg "$FIX/small.folded"

# --- pruning ------------------------------------------------------------------
folded2svg --minwidth 300 "$FIX/small.folded" > p300.svg
check_out "--minwidth 300 px keeps the frames 300 px and wider, the narrower children of a frame as one" "$(printf '%s\n' all a … main 'do work' 'read file')" \
	sed -n 's/^<g .*<title>\(.*\) ([0-9,]* samples.*/\1/p' p300.svg
check_grep "--minwidth: the … frame says how many it stands for, after the drawn ones" \
	'^<g fg:x="0" fg:w="10"><title>… (10 samples, 50.00%; 2 frames too narrow to draw)</title><rect x="10.00" y="52.0" width="590.00" ' p300.svg
check_grep "--minwidth: the pruned count, children included" '<!-- folded2svg .*: 5 frames narrower than 300 px were pruned -->' p300.svg
folded2svg --minwidth 26% "$FIX/small.folded" > p26.svg
check_test "--minwidth 26%: frames under 5.2 of 20 samples pruned (a's two children as one …)" "$(nframes p26.svg)" = 6
check_grep "--minwidth 26%: said in percent" '5 frames narrower than 26% of the total were pruned' p26.svg
folded2svg --minwidth 0 "$FIX/small.folded" > p0.svg
check_test "--minwidth 0 draws every frame" "$(nframes p0.svg)" = 10
check_status "--minwidth junk: usage error" 2 folded2svg --minwidth 3px "$FIX/small.folded"
check_status "--minwidth 101%: usage error" 2 folded2svg --minwidth 101% "$FIX/small.folded"

# --- inverted, reverse, flame chart --------------------------------------------
folded2svg --inverted "$FIX/small.folded" > inv.svg
frames inv.svg > inv.tab
check_out "--inverted: root at the top, leaves below" "$(printf '%s\n' '10.00 36.0 all' '10.00 52.0 a' '10.00 84.0 c' '600.00 84.0 read file')" \
	awk "$NM"' nm() ~ /^(all|a|c|read file)$/ { print $1, $2, nm() }' inv.tab
check_grep "--inverted: default title" '>Icicle Graph</text>' inv.svg
folded2svg --reverse "$FIX/small.folded" > rev.svg
frames rev.svg > rev.tab
check_out "--reverse: leaves become roots" "$(printf '%s\n' '10.00 177.00 c' '187.00 118.00 d' '305.00 118.00 do work' '423.00 295.00 e' '718.00 354.00 read file' '1072.00 118.00 zz')" \
	awk "$NM"' $2 == "68.0" { print $1, $3, nm() }' rev.tab
check_test "--reverse: leaf frames are the old roots" "$(awk "$NM"' $2 == "36.0" { printf "%s ", nm() }' rev.tab)" = "a a main "
folded2svg --flamechart "$FIX/chart.folded" > chart.svg
frames chart.svg > chart.tab
check_out "--flamechart: input order, only adjacent frames merge" "$(cat <<'EOF'
10.00 590.00 a
10.00 295.00 b
305.00 295.00 c
600.00 295.00 d
895.00 295.00 a
895.00 295.00 b
EOF
)" awk "$NM"' nm() != "all" { print $1, $3, nm() }' chart.tab
check_grep "--flamechart: default title" '>Flame Chart</text>' chart.svg
folded2svg "$FIX/chart.folded" > nochart.svg
check_test "without --flamechart equal stacks merge" "$(nframes nochart.svg)" = 5

# --- other options ----------------------------------------------------------------
folded2svg --title 'Tokens & <co>' --subtitle 'by "model"' --countname tokens --nametype 'Frame:' \
	--width 600 --height 20 --fontsize 10 "$FIX/small.folded" > opts.svg
check_grep "--title, escaped" '<text id="title" x="300.00" y="20">Tokens &amp; &lt;co&gt;</text>' opts.svg
check_grep "--subtitle, escaped" '<text id="subtitle" x="300.00" y="40">by &quot;model&quot;</text>' opts.svg
check_grep "--countname in titles" '<title>read file (6 tokens, 30.00%)</title>' opts.svg
check_grep "--nametype for the details line" 'fg:nametype="Frame:"' opts.svg
check_grep "--width 600: root 580 px wide; --height 20: frames 19 px" '<title>all (20 tokens, 100.00%)</title><rect x="10.00" y="[0-9.]*" width="580.00" height="19" ' opts.svg
check_grep "--subtitle and --height grow the image" '^<svg version="1.1" width="600" height="160" ' opts.svg
check_grep "the width follows the window unless --width is given" ' fg:unit="samples" fg:fluid="1">$' small.svg
check_nogrep "--width: a fixed width, for print" 'fg:fluid' opts.svg

# --- units ---------------------------------------------------------------------------
printf 'prompt:a;call:llm/x 1234567\nprompt:b 250\n' > usd.folded
folded2svg --unit microdollars --minwidth 0 --subtitle '3 session files' usd.folded > usd.svg
check_grep "--unit microdollars: the subtitle says the total in dollars" '<text id="subtitle" x="600.00" y="48">3 session files; total \$1.23</text>' usd.svg
check_grep "--unit microdollars: titles in dollars" '<title>call:llm/x (\$1.23, 99.98%)</title>' usd.svg
check_grep "--unit microdollars: under a dollar, four decimals" '<title>prompt:b (\$0.0003, 0.02%)</title>' usd.svg
check_grep "--unit: in the svg element for the script" 'fg:unit="microdollars"' usd.svg
{ echo '# unit: milliseconds'; printf 'kind:tool;call:tool/Bash 93500\nkind:llm 500\n'; } > ms.folded
folded2svg ms.folded > ms.svg
check_grep "a '# unit:' line: milliseconds in seconds, the subtitle alone says the total" '<text id="subtitle" x="600.00" y="48">total 94.0 s</text>' ms.svg
check_grep "a '# unit:' line: titles in seconds" '<title>kind:llm (0.500 s, 0.53%)</title>' ms.svg
folded2svg --unit tokens ms.folded > tok.svg
check_grep "--unit wins over the '# unit:' line; other units are counts with their name" '<title>kind:tool (93,500 tokens, 99.47%)</title>' tok.svg
check_status "--unit '': usage error" 2 folded2svg --unit '' ms.folded
folded2svg --hash "$FIX/small.folded" > hash1.svg
folded2svg --hash "$FIX/small.folded" > hash2.svg
check_test "--hash: deterministic, and not the default colours" "$(cmp -s hash1.svg hash2.svg && cmp -s hash1.svg small.svg; echo $?)" = 1
for p in mem io; do
	folded2svg --colors $p "$FIX/small.folded" > $p.svg
done
check_test "--colors mem is green, io is blue" \
	"$(frames mem.svg | awk '{ split($4, c, /[(,)]/); if (c[3] <= c[2] || c[3] < 190) bad++ } END { print bad + 0 }') $(frames io.svg | awk '{ split($4, c, /[(,)]/); if (c[4] <= c[2] || c[4] < 190) bad++ } END { print bad + 0 }')" = "0 0"
check_status "--colors unknown: usage error" 2 folded2svg --colors rainbow "$FIX/small.folded"
check_status "--width 0: usage error" 2 folded2svg --width 0 "$FIX/small.folded"
check_status "--bogus: usage error" 2 folded2svg --bogus "$FIX/small.folded"
folded2svg --help > help.out
check_test "--help on stdout, exit 0" "$(head -c 19 help.out)" = "usage: folded2svg ["
folded2svg --version > ver.out
check_grep "--version" '^folded2svg ' ver.out

# --- the agent palette ------------------------------------------------------------
folded2svg --colors agent "$FIX/files.folded" > agent.svg
frames agent.svg > agent.tab
rgbof() { awk -v n="$1" "$NM"' nm() == n { split($4, c, /[(,)]/); print c[2], c[3], c[4]; exit }' agent.tab; }
check_test "--colors agent: status:error is red" "$(rgbof status:error | awk '{ print ($1 > $2 + 80 && $1 > $3 + 80) }')" = 1
check_test "--colors agent: status:ok is green" "$(rgbof status:ok | awk '{ print ($2 > $1 + 30 && $2 > $3 + 30) }')" = 1
check_test "--colors agent: path: frames are blue" "$(rgbof path:man | awk '{ print ($3 > $1 + 40) }')" = 1
check_test "--colors agent: one hue family per kind (project and prompt differ)" "$(rgbof project:demo)" != "$(rgbof prompt:debug)"

# --- differential -------------------------------------------------------------------
folded2svg "$FIX/diff.folded" > diff.svg
frames diff.svg > diff.tab
check_out "two counts: width from the second, light red grew, light blue shrank, deeper by magnitude" "$(cat <<'EOF'
10.00 1180.00 rgb(255,216,216) all (19 samples, 100.00%; +1, +5.26%)
10.00 1055.79 rgb(216,226,255) a (17 samples, 89.47%; -1, -5.26%)
10.00 621.05 rgb(255,140,140) b (10 samples, 52.63%; +5, +26.32%)
631.05 248.42 rgb(120,130,255) c (4 samples, 21.05%; -6, -31.58%)
879.47 186.32 rgb(250,250,250) d (3 samples, 15.79%; 0, +0.00%)
1065.79 124.21 rgb(255,197,197) e (2 samples, 10.53%; +2, +10.53%)
EOF
)" awk '{ $2 = $5 = ""; gsub(/  +/, " "); print }' diff.tab
check_test "--negate swaps the hues" "$(folded2svg --negate "$FIX/diff.folded" | frames | awk '{ printf "%s ", $4 }')" = \
	"rgb(216,226,255) rgb(255,216,216) rgb(140,150,255) rgb(255,120,120) rgb(250,250,250) rgb(197,207,255) "
printf 'a;b 1 2\na;c 3\n' > mixed.folded
folded2svg mixed.folded > mixed.svg 2> mixed.err
check_test "a one-count line in differential input: exit 1" $? = 1
check_out "...reported with file:line" "folded2svg: mixed.folded:2: one count where the differential input has two; line skipped" cat mixed.err

# --- hostile labels -----------------------------------------------------------------
folded2svg --title '<script>alert(7)</script>' --nametype '"><b>x</b>' "$FIX/xss.folded" > xss.svg
check_test "hostile labels: our script is the only script element" "$(grep -c '<script' xss.svg)" = 1
check_nogrep "hostile labels: no raw markup from a label" '<script>alert\|<img\|<b>\|]]><[^/]' xss.svg
check_grep "label escaped in the title" '<title>&lt;script&gt;alert(1)&lt;/script&gt; (3 samples, 30.00%)</title>' xss.svg
check_grep "quotes and ampersands escaped" '<title>a &amp; b&#39;s &quot;quote&quot; &amp;amp (1 samples' xss.svg
check_grep "]]> escaped" '<title>]]&gt;&lt;script&gt;alert(3)&lt;/script&gt; (1 samples' xss.svg
check_grep "hostile --nametype escaped in its attribute" 'fg:nametype="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' xss.svg
check_xml "hostile labels: well-formed XML" xss.svg
printf 'bad\377utf8;c\001ntrl\033;ok\357\277\277;\342\202\254 2\n' > enc.folded
folded2svg enc.folded > enc.svg
check_test "invalid UTF-8 and controls become U+FFFD, valid UTF-8 stays" \
	"$(frames enc.svg | awk "$NM"' nm() != "all" { printf "%s ", nm() }')" = "bad�utf8 c�ntrl� ok� € "
check_xml "invalid UTF-8: well-formed XML" enc.svg
long=$(awk 'BEGIN { for (i = 0; i < 60; i++) printf "é" }')
printf '%s 1\nx 9\n' "$long" > long.folded
folded2svg long.folded > long.svg
check_test "labels cut on a character boundary, the end kept after …" \
	"$(frames long.svg | awk '$3 == "118.00" { print $5 }')" = "[…ééééééééééééééé]"
printf 'prompt:investigate-the-flaky-test-debug 1\nx 11\n' > kind.folded
folded2svg kind.folded > kind.svg
check_test "an agentpprof label keeps its kind and the end of its value" \
	"$(frames kind.svg | awk '$3 == "98.33" { print $5 }')" = "[prompt:…debug]"

# --- bad input ----------------------------------------------------------------------
folded2svg "$FIX/bad.folded" > bad.svg 2> bad.err
check_test "bad lines: exit 1" $? = 1
check_out "bad lines reported with file:line, each kind once plus a count" "$(cat <<EOF
folded2svg: $FIX/bad.folded:2: no count at the end of the line; line skipped
folded2svg: $FIX/bad.folded:3: count is negative, fractional or too large; line skipped
folded2svg: $FIX/bad.folded: 1 more like line 3: count is negative, fractional or too large; line skipped
EOF
)" cat bad.err
check_grep "good lines still render" '<title>all (6 samples, 100.00%)</title>' bad.svg
folded2svg missing.folded "$FIX/small.folded" > miss.svg 2> miss.err
check_test "a missing file: exit 1, the others still render" "$? $(nframes miss.svg)" = "1 10"
: > empty.folded
folded2svg empty.folded > empty.svg 2> empty.err
check_test "no stacks: exit 1 with a message" "$? $(cat empty.err)" = "1 folded2svg: no stacks with a count above zero"
check_xml "no stacks: still a well-formed SVG" empty.svg
printf 'a 9000000000000000000\nb 9000000000000000000\n' > big.folded
folded2svg big.folded > big.svg 2> big.err
check_test "a total past 2^63 is reported, not wrapped" "$? $(grep -c 'big.folded:2: the counts add up' big.err) $(nframes big.svg)" = "1 1 2"

# --- a buffer of stacks, the rest in sorted runs (folded2svg(1), Memory) -----------------
# 3000 distinct stacks, a stack seen again in another part of the input,
# names with blanks and UTF-8, a stack ending in ';'; the same counts twice
# over as a differential pair.
awk 'BEGIN {
	split("make cc sh git grep sed", p, " ")
	for (i = 0; i < 3000; i++) {
		s = sprintf("project:p%d;agent:%s;prompt:fix bug %d", i % 3, i % 2 ? "claude" : "codex", i % 7)
		for (j = 0; j < i % 9; j++)
			s = s ";process:" p[(i + j) % 6 + 1]
		printf "%s;path:src/d%d/f%d.c;status:ok %d\n", s, i % 40, i, i % 50 + 1
		if (i % 500 == 0)
			printf "project:p0;agent:claude;prompt:fix bug 1 %d\nü;ß; 3\nx;y; 2\n", i + 1
	}
}' > runs.folded
awk '{ n = $NF; $NF = ""; print $0 (n + 3) " " n }' runs.folded > runsdiff.folded
for o in "" "--minwidth 0" "--minwidth 2%" "--flamechart --minwidth 0" "--reverse" "--inverted --hash"; do
	folded2svg $o runs.folded > r0.svg 2> r0.err
	folded2svg --buffer-size 4K $o runs.folded > r1.svg 2> r1.err
	check_test "--buffer-size 4K ${o:-(defaults)}: about 90 runs, the same SVG byte for byte" \
		"$(cmp r0.svg r1.svg && cmp r0.err r1.err && echo same)" = same
done
folded2svg --minwidth 0 runsdiff.folded > d0.svg
folded2svg --minwidth 0 --buffer-size 10K runsdiff.folded > d1.svg
check_same "--buffer-size: a differential graph too" d0.svg d1.svg
folded2svg --minwidth 0 < runs.folded > s0.svg
folded2svg --minwidth 0 --buffer-size 5000 < runs.folded > s1.svg
check_same "--buffer-size: stacks copied from a pipe too" s0.svg s1.svg
head -1500 runs.folded > runs-a.folded
{ echo 'bad line'; tail -n +1501 runs.folded; } > runs-b.folded
folded2svg --minwidth 0 runs-a.folded runs-b.folded > m0.svg 2> m0.err
folded2svg --minwidth 0 --buffer-size 8K runs-a.folded runs-b.folded > m1.svg 2> m1.err
check_test "--buffer-size: runs across two files, one with a bad line: the same SVG and messages" \
	"$(cmp m0.svg m1.svg && cmp m0.err m1.err && grep -c 'runs-b.folded:1:' m1.err)" = 1
check_test "--buffer-size: the SVG is not empty" "$(nframes m1.svg)" -gt 100
TMPDIR=/nonexistent/dir folded2svg --buffer-size 4K runs.folded > /dev/null 2> tmp.err
check_test "runs where TMPDIR cannot hold them: exit 2, TMPDIR named" \
	"$? $(grep -c '^folded2svg: /nonexistent/dir: cannot make a temporary file for the stacks (TMPDIR): ' tmp.err)" = "2 1"
TMPDIR=/nonexistent/dir folded2svg runs.folded > t0.svg 2> tmp.err
check_test "the default buffer holds these stacks: no temporary file" "$? $(wc -c < tmp.err)" = "0 0"
folded2svg --buffer-size 0 runs.folded > z.svg
check_same "--buffer-size 0: every stack held" t0.svg z.svg
for bad in 12X -1 '' 1.5M 2T; do
	check_status "--buffer-size '$bad': usage error" 2 folded2svg --buffer-size "$bad" runs.folded
done

# --- the man page -------------------------------------------------------------------
if have mandoc; then
	mandoc -Tlint -Wwarning "$TOP/man/folded2svg.1" > lint.out 2>&1
	check_test "man page lints clean" "$(cat lint.out)" = ""
else
	skip "mandoc not installed"
fi
mkdir ex && cp "$FIX/tokens.folded" "$FIX/files.folded" "$FIX/diff.folded" ex/
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$TOP/man/folded2svg.1" |
	sed -n '/^\.Bd -literal/,/^\.Ed/{ /^\./d; s/^\$ //p; }' | grep '^folded2svg ' > ex/examples.sh
check_test "the man page has folded2svg examples" "$(wc -l < ex/examples.sh)" -ge 3
(cd ex && sh -e examples.sh) > ex.out 2>&1
check_test "the man page examples run" "$? $(cat ex.out)" = "0 "
check_grep "example: --title Tokens" '<text id="title" x="600.00" y="24">Tokens</text>' ex/tokens.svg

# --- the benchmark script runs ---------------------------------------------------------
sh "$TOP/scripts/bench-folded2svg" 2000 > bench.out 2>&1
check_test "bench-folded2svg 2000 runs and reports wall and CPU seconds" "$? $(grep -c '^  folded2svg (best of 3) *[0-9.]* s *[0-9.]* s ' bench.out)" = "0 1"

echo "1..$_n"
done_testing
