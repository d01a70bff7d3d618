#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-tag skips a rule for a text that holds none of the bytes PCRE2
# says a match of it can start with (its start bitmap).  The tags stay
# those of trying every rule (written by the program before the skip):
# caseless UTF matches across byte values (KELVIN SIGN for k, long s),
# Chinese rules on English text and English rules on Chinese text, a
# user rule that starts with a Chinese character, texts of no rule.
. "$(dirname "$0")/lib.sh"
plan 2
R='"agent":"claude","session":"s1"'
{
	printf '{"kind":"session",%s}\n' "$R"
	for t in 'Kilo watts' '\u212Ailo watts' 'ſecurity review' '修复这个报错' 'fix 修复' \
		'安全 check' 'nothing here at all' 'ünïcode ßtraße'; do
		printf '{"kind":"prompt",%s,"id":"p","prompt":"p","origin":"human","text":"%s"}\n' "$R" "$t"
	done
} > fb.ndjson
agent-tag -r 'prompt:kilo=kilo' -r 'prompt:strasse=straSSe' -r 'prompt:chinese=报错' fb.ndjson > out 2> err
check_test "agent-tag: first bytes: exit 0" "$?" = 0
jq -r '[.tags.prompt // "-", .rule] | join(" ")' out > got
cat > want <<'W'
- vote:human
kilo user:1
kilo user:1
review builtin:review/en
chinese user:3
debug builtin:debug/en
security builtin:security/zh
unmatched unmatched
unmatched unmatched
W
check_same "agent-tag: the tags of trying every rule" want got
done_testing
