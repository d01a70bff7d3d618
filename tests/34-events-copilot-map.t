#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-events reads a Copilot CLI file's lines from the mapping its first
# pass (the scan for runs and shutdowns) made (lr_adopt_map), where the
# byte after the last line can be read: the same records and messages as
# through read(2) at every edge of that choice.  Each variant holds the
# fixture's events, so each gives its expected records.
. "$(dirname "$0")/lib.sh"
plan 16
F=$TESTS/fixtures/copilot
pg=$(getconf PAGESIZE)
src=$F/events.jsonl
mkdir a b c d e f g
# a: as it is, a newline at the end (mapped)
cp "$src" a/events.jsonl
# b: no newline at the end and the file ends on a page's end (read)
# c: no newline at the end, not on a page's end (mapped)
# pad FILE SIZE: spaces at the end of FILE up to SIZE bytes
pad() { head -c $(($2 - $(wc -c < "$1"))) /dev/zero | tr '\0' ' ' >> "$1"; }
# the pages a file of N bytes and a byte more take, in bytes
pages() { echo $(( ($1 / pg + 1) * pg )); }
head -c $(($(wc -c < "$src") - 1)) "$src" > body
end=$(pages $(wc -c < body))
cp body b/events.jsonl
pad b/events.jsonl $end
cp body c/events.jsonl
pad c/events.jsonl $((end - 7))
check_test "b: whole pages, no newline at its end" \
	"$(($(wc -c < b/events.jsonl) % pg)) $(tail -c 1 b/events.jsonl | od -An -c | tr -d ' ')" = "0 "
check_test "c: not, no newline either" \
	"$(($(wc -c < c/events.jsonl) % pg)) $(tail -c 1 c/events.jsonl | od -An -c | tr -d ' ')" = "$((pg - 7)) "
# d: CRLF line ends
sed 's/$/\r/' "$src" > d/events.jsonl
# e: a line past the bytes the sniff read ahead (the mapping must match
# all that was read before it is taken)
{ head -n 2 "$src"; printf '{"pad":"'; head -c 70000 /dev/zero | tr '\0' x; printf '",'
	sed -n 3p "$src" | cut -c 2-; tail -n +4 "$src"; } > e/events.jsonl
check_test "e: its third line runs past the bytes the sniff read" "$(head -n 3 e/events.jsonl | wc -c)" -gt 65536
# f: blank lines, a line that is not JSON, an incomplete last line
awk 'NR == 3 { print ""; print "   "; print "{not json" } { print }' "$src" > f/events.jsonl
printf '{"type":"user.message","data":{"content":"cut' >> f/events.jsonl
# g: f's text a page long exactly (read)
cp f/events.jsonl g/events.jsonl
pad g/events.jsonl $(pages $(wc -c < f/events.jsonl))
# h: every other timestamp escaped (the same time written otherwise:
# the last one's text is kept, and only the same text is taken as it)
mkdir h
awk 'NR % 2 { sub(/"timestamp":"2/, "\"timestamp\":\"\\u0032") } { print }' "$src" > h/events.jsonl
check_test "h: escaped timestamps" "$(grep -c 'timestamp":"\\u0032' h/events.jsonl)" -gt 5
for dir in a b c d e f g h; do
	(cd $dir && agent-events events.jsonl) > $dir.out 2> $dir.err
	check_same "$dir: exact records" "$F/events.jsonl.expected" $dir.out
done
check_test "a-e, h: nothing said" "$(cat a.err b.err c.err d.err e.err h.err)" = ""
want="agent-events: events.jsonl:5: not JSON: expected a string key
agent-events: events.jsonl:25: incomplete last line (a session still being written?); skipped"
check_test "f: the bad line and the cut one said, by their numbers" "$(cat f.err)" = "$want"
check_test "g: the same said" "$(cat g.err)" = "$want"
# -j: several files, mapped and read, in one run
check_jobs "-j4 as -j1 on all of them" a/events.jsonl b/events.jsonl c/events.jsonl \
	d/events.jsonl e/events.jsonl f/events.jsonl g/events.jsonl h/events.jsonl
done_testing
