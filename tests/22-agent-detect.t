#!/bin/sh
# SPDX-License-Identifier: MIT
# Which agent each program takes a file for: agent-events (the first
# record's "agent", "unknown" for an unknown format, "none" when nothing
# is written) and agent-sessions (the "agent" it lists the file under,
# the file laid in a Claude projects directory, "unknown" when it is
# refused).  Pinned on every fixture and, when present, on every file of
# the shared corpus: both programs use one sniff per agent, and a file
# either accepted before must be taken for the same agent now.  A file
# added since the pin needs no line in it, but both programs must agree
# on it.
. "$(dirname "$0")/lib.sh"

# detect DIR: "<path below DIR> <events> <sessions>" per regular file
detect() {
	_dir=$1
	rm -rf "$TMP/h"
	mkdir -p "$TMP/h/.claude/projects/p"
	(cd "$_dir" && find . -path ./detect -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort) > "$TMP/files"
	_i=0
	while IFS= read -r _f; do
		_i=$((_i + 1))
		ln -s "$_dir/$_f" "$TMP/h/.claude/projects/p/$_i.jsonl"
	done < "$TMP/files"
	agent-sessions --home "$TMP/h" --json 2>/dev/null |
		sed -n 's|^{"agent":"\([a-z]*\)".*"path":"[^"]*/p/\([0-9]*\)\.jsonl[#"].*|\2 \1|p' | sort -u > "$TMP/sess"
	_i=0
	while IFS= read -r _f; do
		_i=$((_i + 1))
		_e=$(agent-events "$_dir/$_f" 2>"$TMP/err" | head -1 |
			sed -n 's/^{[^}]*"agent":"\([a-z]*\)".*/\1/p')
		if [ -z "$_e" ]; then
			if grep -q 'unknown format' "$TMP/err"; then _e=unknown; else _e=none; fi
		fi
		_s=$(awk -v i="$_i" '$1 == i { print $2; exit }' "$TMP/sess")
		printf '%s %s %s\n' "$_f" "$_e" "${_s:-unknown}"
	done < "$TMP/files"
}

# pinned GOT EXPECTED: the lines of GOT whose file EXPECTED names, in
# its order (a file pinned but gone is a line "FILE gone gone"), then
# the files it does not name (fixtures added since the pin), each kept
# only when the two programs disagree on it: a new file needs no pin,
# but both programs must take it for the same agent
pinned() {
	awk 'NR == FNR { got[$1] = $0; next }
		{ seen[$1] = 1; print ($1 in got) ? got[$1] : $1 " gone gone" }
		END { for (f in got) if (!(f in seen)) { split(got[f], w, " ")
			e = w[2] == "none" ? "unknown" : w[2]
			if (e != w[3]) print got[f] " (new file, programs disagree)" } }' "$1" "$2"
}

plan 2
detect "$TESTS/fixtures" > fixtures.got
pinned fixtures.got "$TESTS/fixtures/detect/fixtures.expected" > fixtures.cmp
check_same "fixtures: each program takes each file for the same agent as before" \
	"$TESTS/fixtures/detect/fixtures.expected" fixtures.cmp
if shared corpus; then
	detect "$(cd "$SHARED/corpus" && pwd)" > corpus.got
	pinned corpus.got "$TESTS/fixtures/detect/corpus.expected" > corpus.cmp
	check_same "shared corpus: each program takes each file for the same agent as before" \
		"$TESTS/fixtures/detect/corpus.expected" corpus.cmp
else
	skip "no shared corpus"
fi
done_testing
