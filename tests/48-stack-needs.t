#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-stack reads the records of the kinds a view gives no weight to
# for the keys it reads of them alone (evf_need, sv_reads: the tokens,
# cost and context views, no selector, hook or time line): every view and
# format says the same as when each record is read whole.  The records
# read whole here are the same with a space after '{', which leaves every
# one of them to jparse.  Edges: effects before the prompt and the tool
# they name (read whole, they wait for them; read for the five leading
# keys alone, they are placed at once: counted the same), the kind not
# first, a needed key again
# after members passed over, a second kind after them (an effect that
# ends as a model call), a subagent's type on an effect alone, members
# passed over that the fast path would not take as they stand (a number
# in a string, an object), escapes, bad lines.
. "$(dirname "$0")/lib.sh"
F=$TOP/tests/fixtures/fast

cat > odd.ndjson <<'X'
{"kind":"session","agent":"claude","session":"s1","ts":"2026-01-01T00:00:00.000Z","cwd":"/home/dev/p","tags":{"session":"debug"}}
{"kind":"prompt","agent":"claude","session":"s1","ts":"2026-01-01T00:00:01.000Z","id":"u1","prompt":"u1","origin":"human","text":"fix it","tags":{"session":"debug","prompt":"debug"}}
{"agent":"claude","kind":"llm","session":"s1","ts":"2026-01-01T00:00:02.000Z","id":"m1","prompt":"u1","model":"claude-sonnet-4-5-20250929","tokens":{"input":10,"cache_read":20,"cache_write":30,"cache_write_1h":0,"output":40,"reasoning":0},"tools":["Task"],"text":"a \"quoted\" \u00e9 step","tags":{"session":"debug","prompt":"debug","llm":"edit"}}
{"kind":"tool","agent":"claude","session":"s1","ts":"2026-01-01T00:00:03.000Z","id":"t1","parent":"m1","prompt":"u1","cwd":"/home/dev/p","tool":"Bash","exit":"3","duration_ms":"x","tool":"Task"}
{"kind":"effect","agent":"claude","session":"s1","subagent":"a1","subagent_type":"Explore","ts":"2026-01-01T00:00:03.500Z","id":"x1","parent":"t1","cwd":"/home/dev/p","path":"/a","parent":"t1"}
{"kind":"prompt","agent":"claude","session":"s1","subagent":"a1","ts":"2026-01-01T00:00:04.000Z","id":"a1:u","prompt":"a1:u","parent":"t1","origin":"human","text":"explore"}
{"kind":"llm","agent":"claude","session":"s1","subagent":"a1","ts":"2026-01-01T00:00:05.000Z","id":"a1:m1","prompt":"a1:u","text":"x","model":"claude-haiku-4-5","tools":[],"tokens":{"input":1,"cache_read":2,"cache_write":3,"cache_write_1h":0,"output":4,"reasoning":0},"rule":"r","model":"claude-opus-4-1"}
{"kind":"effect","agent":"claude","session":"s1","ts":"2026-01-01T00:00:06.000Z","id":"m2","prompt":"u1","model":"claude-sonnet-4-5-20250929","cwd":"/home/dev/p","kind":"llm","tokens":{"input":5,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":6,"reasoning":0},"tags":{"llm":"inspect"}}
{"kind":"llm","agent":"claude","session":"s1","ts":"2026-01-01T00:00:07.000Z","id":"m1","prompt":"u1","update":true,"text":"more","tokens":{"input":1,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":2,"reasoning":0}}
{"kind":"llm","agent":"claude","session":"s1","ts":"2026-01-01T00:00:08.000Z","id":"m3","prompt":"u1","usage":"session","text":"t","tokens":{"input":7,"output":8}}
{"kind":"tool","agent":"claude","session":"s1","id":"t2","prompt":"u1","status":"ok","tool":"Read","status":"caf\u00e9","duration_ms":{"x":1}}
{"kind":"effect","agent":"claude","session":"s1","id":"t2#1","parent":"t2","prompt":"u1","effect":"read","path":"/home/dev/p/src/a.c","count":3}
{"kind":"effect","agent":"claude","session":"s2","parent":"t9","prompt":"u9","path":"/q"}
{"kind":"effect","agent":"claude","session":"s1","subagent":"a1","subagent_type":"Plan","id":"t5#1","parent":"t5","prompt":"a1:u","path":"/z"}
{"kind":"effect","agent":"claude","session":"s1","id":"t6#1","parent":"t6","prompt":"u2","effect":"net","domain":"example.com","port":443}
{"kind":"prompt","agent":"claude","session":"s1","ts":"2026-01-01T00:00:09.000Z","id":"u2","prompt":"u2","origin":"human","text":"again","tags":{"prompt":"deploy"}}
{"kind":"tool","agent":"claude","session":"s1","subagent":"a1","id":"t5","prompt":"a1:u","tool":"Grep","status":"ok"}
{"kind":"tool","agent":"claude","session":"s1","id":"t6","prompt":"u2","tool":"WebFetch","status":"ok"}
{"kind":"llm","agent":"claude","session":"s1","ts":"2026-01-01T00:00:10.000Z","id":"m6","prompt":"u2","model":"claude-sonnet-4-5-20250929","tokens":{"input":3,"cache_read":0,"cache_write":0,"cache_write_1h":0,"output":1,"reasoning":0},"tags":{"llm":"deploy"}}
{"kind":"tool","agent":"claude","session":"s1","cwd":"/x","kind":"effect","parent":"t1"}
{"kind":"effect","agent":"claude","session":"s1","cwd":{"a":[1]},"parent":"t1"}
{"kind":"effect","agent":"claude","session":"s1","cwd":"/p"
{"kind":"llm","agent":"codex","session":"s3","id":"c1","model":"gpt-5","cwd":"/p","tokens":{"input":100,"output":50},"rule":"x","tags":{"prompt":"z"}}
X
for f in odd.ndjson "$F/calls.ndjson" "$F/memo.ndjson" "$F/base.ndjson"; do cat "$f"; done > all.ndjson
sed 's/^{/{ /' all.ndjson > slow.ndjson
n=0
for view in tokens cost context tasks system files network time; do
	for fmt in folded "folded --header" json "json --include-previews" top tree "top --by model" \
		"json --by model" "folded --baseline slow.ndjson" "json --baseline slow.ndjson" \
		"folded --session-tag debug" latency; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		agent-stack --view $view --format $fmt < all.ndjson > fast.out 2> fast.err
		r1=$?
		# shellcheck disable=SC2086
		agent-stack --view $view --format $fmt < slow.ndjson > slow.out 2> slow.err
		r2=$?
		# (the space moves the byte a bad line ends at)
		sed 's/ at byte [0-9]*//' fast.err > a; mv a fast.err
		sed 's/ at byte [0-9]*//' slow.err > a; mv a slow.err
		if cmp -s fast.out slow.out && cmp -s fast.err slow.err && [ $r1 = $r2 ]; then
			ok "--view $view --format $fmt: as when every record is read whole"
		else
			not_ok "--view $view --format $fmt: as when every record is read whole"
			diag "status $r1 and $r2"
			diff fast.out slow.out | head -20 | sed 's/^/# /'
			diff fast.err slow.err | head -10 | sed 's/^/# /'
		fi
	done
done
plan $n
