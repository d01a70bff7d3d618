#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events -j over the real corpus in ../shared: every file of every
# agent in one run, then each with a resumed copy beside it; -j 4 writes
# the bytes, messages and status of -j 1.  Slow tier: corpus-wide; the
# fixtures' cases are in 34-events-jobs.t.
. "$(dirname "$0")/lib.sh"
plan 4

C=$SHARED/corpus
if ! [ -d "$C" ]; then
	for i in 1 2 3 4; do skip "../shared/corpus absent"; done
	done_testing
fi
find "$C" -type f ! -name '*.md' | sort > all
check_jobs "corpus: every file in one run" --files-from all
check_test "corpus: records were written" "$(wc -l < one)" -gt 1000
mkdir copies
n=0
while read -r f; do
	n=$((n + 1))
	case $f in *.jsonl|*.json) ;; *) continue ;; esac
	b=$(basename "$(dirname "$f")")-$(basename "$f")
	cp "$f" "copies/$n-$b"
	cp "$f" "copies/$n-resumed-$b"
done < all
ls copies/* > copies.list
check_jobs "corpus: each file with a resumed copy" --files-from copies.list
# Claude Code's calls carry ids: a copy's are known (the few without ids
# count again, as in one thread)
ls copies/*-claude-code-*.jsonl | grep -v resumed | xargs agent-events -j 4 2>/dev/null |
	grep -c '"kind":"llm"' > alone
ls copies/*-claude-code-*.jsonl | xargs agent-events -j 4 2>/dev/null | grep -c '"kind":"llm"' > both
check_test "corpus: Claude Code copies add at most a tenth more calls" \
	"$(cat both)" -le "$(($(cat alone) + $(cat alone) / 10))"
done_testing
