#!/bin/sh
# SPDX-License-Identifier: MIT
# Amp's cut (amp.c valid_end) checks each message as the parser would in
# the scan that finds its end, and parses it once.  For every message
# below, JSON or not, a thread read by the cut gives the same records,
# diagnostics and exit status as the same thread read whole (an escaped
# top-level key makes the cut decline); the JSON ones give records and
# no diagnostic, the others the whole parse's one diagnostic and none.
. "$(dirname "$0")/lib.sh"
plan 7

# one message a line: v (JSON) or x (not), a blank, the message's text
cat > cases <<'EOF'
v {"role":"user","content":"esc \" \\ \/ \b \f \n \r \t \u00e9 \u0000 \uD83D\uDE00 end"}
v {"role":"user","content":[{"type":"text","text":"nested"}],"n":[-0,1.5e+3,2E-2,0.25,-12,1e9],"l":[true,false,null],"e":{},"a":[],"o":{"x":[[],{}]}}
v  { "role" : "user" , "content" : "blanks" , "k" : [ 1 , 2 ] }
v 1
v 2.5e1   
v true
v null
v "a string message"
v []
v {}
x {"role":"user","content":"bad \x escape"}
x {"role":"user","content":"short \u12"}
x {"role":"user","content":"not hex \u12G4"}
x {"role":"user","content":"n","k":01}
x {"role":"user","content":"n","k":1.}
x {"role":"user","content":"n","k":1e}
x {"role":"user","content":"n","k":-}
x {"role":"user","content":"n","k":+1}
x {"role":"user","content":"n","k":tru}
x {"role":"user","content":"n","k":nul}
x {"role":"user","content":"n","k":fals}
x {"role":"user","content":"n","k":truex}
x {"role":"user","content" "no colon"}
x {"role":"user" "content":"no comma"}
x {"role":"user","content":"trailing",}
x {"role":"user","content":[1,]}
x {"role":"user","content":[1}]}
x {"role":"user","content":{"a":1]}
x {role:"user"}
x {"role":"user","content":"x",1:2}
x 1 x
x 1 2
x "s" 1
x tru
x -
x [1 2]
EOF
# raw bytes in strings: a control byte, valid and invalid UTF-8 (tolerated)
printf 'v {"role":"user","content":"tab\there \303\251 bad \377\300 end"}\n' >> cases

i=0 bad=0 same=0 want=0
: > kinds
while IFS= read -r line; do
	i=$((i + 1))
	k=${line%% *}
	m=${line#? }
	mkdir cut$i whole$i
	for d in cut whole; do
		x=
		[ $d = whole ] && x=',"\u0078":0'
		printf '{"id":"T-v%d","messages":[{"role":"user","content":"go"},%s,{"role":"assistant","content":[{"type":"text","text":"done"}]}]%s}' \
			$i "$m" "$x" > $d$i/T-v.json
		(cd $d$i && agent-events T-v.json > out 2> err; echo $? > st)
	done
	if cmp -s cut$i/out whole$i/out && cmp -s cut$i/err whole$i/err && cmp -s cut$i/st whole$i/st; then
		same=$((same + 1))
	else
		diag "case $i differs: $m"
	fi
	n=$(grep -c 'not JSON' cut$i/err)
	r=$(wc -l < cut$i/out)
	if [ $k = v ] && [ "$n" = 0 ] && [ "$r" -ge 2 ]; then
		want=$((want + 1))
	elif [ $k = x ] && [ "$n" = 1 ] && [ "$r" = 0 ]; then
		want=$((want + 1))
	else
		diag "case $i ($k) not as expected: $n diagnostics, $r records: $m"
	fi
	[ $k = x ] && bad=$((bad + 1))
done < cases
check_test "every case read" "$i" = 37
check_test "the JSON cases, by cut and whole, the same bytes" "$same" = "$i"
check_test "each case as expected: records, or one diagnostic and none" "$want" = "$i"
check_test "the cases not JSON" "$bad" = 26

# the cut's records: the prompts of a thread with every escape, exactly
check_out "amp, cut: an escaped prompt's text as the whole parse gives it" \
	'"esc \" \\ / \b \f \n \r \t é � 😀 end"' \
	sh -c "agent-events cut1/T-v.json | jq -c 'select(.kind==\"prompt\") | .text' | sed -n 2p"
# a message deep at the cut's bound (504 levels) is read by it; one more
# level goes to the whole parse; both give the same records
nest() {
	printf '{"id":"T-deep","messages":['
	i=0; while [ $i -lt $1 ]; do printf '['; i=$((i + 1)); done
	i=0; while [ $i -lt $1 ]; do printf ']'; i=$((i + 1)); done
	printf ',{"role":"user","content":"hi"}]}'
}
nest 504 > d504.json
nest 505 > d505.json
check_out "amp: messages 504 and 505 deep, each read, the same records" "session prompt session prompt" \
	sh -c 'agent-events d504.json d505.json 2>/dev/null | jq -r .kind | paste -sd" " -'
# message ids: the thread's first 40 bytes, any messageId in int64
printf '{"id":"T-0123456789012345678901234567890123456789xyz","messages":[{"role":"user","messageId":-7,"content":"a"},{"role":"assistant","messageId":9223372036854775807,"content":[{"type":"text","text":"b"}]},{"role":"user","messageId":0,"content":"c"}]}' > long.json
check_out "amp: ids of a long thread id and of negative, large and zero message ids" \
	"T-01234567890123456789012345678901234567:-7
T-01234567890123456789012345678901234567:9223372036854775807
T-01234567890123456789012345678901234567:0" \
	sh -c "agent-events long.json | jq -r 'select(.id) | .id'"
done_testing
