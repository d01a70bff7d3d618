#!/bin/sh
# SPDX-License-Identifier: MIT
# folded2svg's interactive script driven in headless chromium: the small graph,
# hostile labels (as SVG and inline in HTML), the empty graph, and a graph of
# every agent-stack view of the bundled examples at two window sizes (the
# rendered DOM read back: width, subtitle, units, labels, search), with a
# screenshot of each in $AP_BUILD/artifacts/folded2svg (named in the output).
# Slow tier: a browser per page; the SVG's text is checked in 50-folded2svg.t.
. "$(dirname "$0")/lib.sh"
FIX=$TESTS/fixtures/folded2svg
folded2svg --width 1200 "$FIX/small.folded" > small.svg
folded2svg --title '<script>alert(7)</script>' --nametype '"><b>x</b>' "$FIX/xss.folded" > xss.svg
: > empty.folded
folded2svg empty.folded > empty.svg 2> /dev/null

# --- in a real browser ----------------------------------------------------------------
# The SVG as folded2svg wrote it, plus a script before everything else that
# records alerts and errors, and one after folded2svg's that plays the user.
inject() {
	awk -v pre="$FIX/prelude.js" -v post="$FIX/harness.js" '
	function cat(f,  l) { while ((getline l < f) > 0) print l; close(f) }
	/^<svg / && !done { print; print "<script><![CDATA["; cat(pre); print "]]></script>"; done = 1; next }
	/^<\/svg>$/ { print "<script><![CDATA["; cat(post); print "]]></script>" }
	{ print }' "$1"
}
# browse PAGE TAG [W,H]: chromium's verdicts into TAG.res (its own profile,
# so that the pages load side by side), in a window of W,H px
chrome() {
	timeout 300 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars "$@"
}
browse() {
	chrome --user-data-dir="$TMP/chrome-$2" --window-size="${3:-800,600}" \
		--virtual-time-budget=5000 --dump-dom "file://$1" 2> "$2.err" |
	awk '/<text id="testresult">/ { on = 1; next } on && /<\/text>/ { on = 0 } on && /^(not )?ok - / { print }' > "$2.res"
}
# report TAG [WHAT]: each line chromium gave back as one test
report() {
	if [ ! -s "$1.res" ]; then not_ok "browser ($1): the test page ran"; tail -5 "$1.err" | sed 's/^/# /'; return; fi
	while IFS= read -r l; do
		d=${l#*ok - browser: }
		d="browser${2:+ ($2)}: $d"
		case $l in ok\ -\ *) ok "$d";; *) not_ok "$d";; esac
	done < "$1.res"
}
if have chromium; then
	inject small.svg > small-test.svg
	inject xss.svg > xss-test.svg
	inject empty.svg > empty-test.svg
	# the same hostile graph pasted inline into an HTML page
	{ echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
	  inject xss.svg | sed 1d; echo '</body></html>'; } > xss-test.html
	browse "$TMP/small-test.svg#small" small &
	browse "$TMP/xss-test.svg#xss" xss &
	browse "$TMP/empty-test.svg#empty" empty &
	browse "$TMP/xss-test.html#xss" html &
	wait
	report small
	report xss
	report empty "no stacks"
	report html "inline in HTML"

	# every view of the bundled examples, as the one-shot draws it, at two
	# window sizes; the unit is the one agent-stack's JSON summary names
	ART=$AP_BUILD/artifacts/folded2svg
	rm -rf "$ART" && mkdir -p "$ART"
	agent-events "$TOP"/share/examples/* 2> /dev/null | agent-tag > ev.ndjson 2> /dev/null
	views=
	for v in tasks system tokens cost time files network context; do
		agent-stack --view "$v" ev.ndjson > "$v.folded" 2> /dev/null
		[ -s "$v.folded" ] || continue
		u=$(agent-stack --view "$v" --format json ev.ndjson 2> /dev/null | sed -n 's/.*"unit":"\([a-z]*\)".*/\1/p')
		folded2svg --title "agentpprof: $v" --subtitle "3 session files" --unit "$u" \
			--colors agent "$v.folded" > "$v.svg" 2> /dev/null
		inject "$v.svg" > "$v-test.svg"
		views="$views $v:$u"
	done
	# four browsers at a time
	for size in 1400,900 700,500; do
		set -- $views
		while [ $# -gt 0 ]; do
			for vu in $1 ${2:-}; do
				v=${vu%%:*}
				browse "$TMP/$v-test.svg#view-${vu#*:}" "$v-$size" "$size" &
				chrome --user-data-dir="$TMP/chrome-shot-$v-$size" --window-size="$size" \
					--screenshot="$ART/$v-${size%,*}x${size#*,}.png" "file://$TMP/$v.svg" > /dev/null 2>&1 &
			done
			wait
			shift; [ $# -gt 0 ] && shift
		done
	done
	for size in 1400,900 700,500; do
		for vu in $views; do
			report "${vu%%:*}-$size" "${vu%%:*} view, ${size%,*}x${size#*,}"
		done
	done
	nshots=$(ls "$ART"/*.png 2> /dev/null | wc -l)
	check_test "a screenshot of every view at both sizes in $ART" "$nshots" = "$(($(echo $views | wc -w) * 2))"
	check_test "the views drawn include tokens, cost and time" "$(echo "$views" | grep -c 'tokens:tokens.*cost:microdollars.*time:milliseconds')" = 1
else
	skip "chromium not installed: no browser tests"
fi
echo "1..$_n"
done_testing
