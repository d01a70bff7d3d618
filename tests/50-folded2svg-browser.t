#!/bin/sh
# SPDX-License-Identifier: MIT
# folded2svg's interactive script driven in headless chromium: the small graph,
# hostile labels (as SVG and inline in HTML) and the empty graph.  Slow tier:
# a browser per page; the SVG's text is checked in 50-folded2svg.t.
. "$(dirname "$0")/lib.sh"
FIX=$TESTS/fixtures/folded2svg
folded2svg "$FIX/small.folded" > small.svg
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
# browse PAGE TAG: chromium's verdicts into TAG.res (its own profile, so
# that the pages load side by side)
browse() {
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$TMP/chrome-$2" --virtual-time-budget=5000 --dump-dom "file://$1" 2> "$2.err" |
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
else
	skip "chromium not installed: no browser tests"
fi
echo "1..$_n"
done_testing
