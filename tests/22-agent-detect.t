#!/bin/sh
# SPDX-License-Identifier: MIT
# Which agent each program takes a file for: agent-events (the first
# record's "agent", "unknown" for an unknown format, "none" when nothing
# is written) and agent-sessions (the "agent" it lists the file under,
# the file laid in a Claude projects directory, "unknown" when it is
# refused).  Pinned on every fixture and, when present, on every file of
# the shared corpus: both programs use one sniff per agent, and a file
# either accepted before must be taken for the same agent now.
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
		sed -n 's|^{"agent":"\([a-z]*\)".*"path":"[^"]*/p/\([0-9]*\)\.jsonl".*|\2 \1|p' > "$TMP/sess"
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

plan 2
detect "$TESTS/fixtures" > fixtures.got
check_same "fixtures: each program takes each file for the same agent as before" \
	"$TESTS/fixtures/detect/fixtures.expected" fixtures.got
if shared corpus; then
	detect "$(cd "$SHARED/corpus" && pwd)" > corpus.got
	check_same "shared corpus: each program takes each file for the same agent as before" \
		"$TESTS/fixtures/detect/corpus.expected" corpus.got
else
	skip "no shared corpus"
fi
done_testing
