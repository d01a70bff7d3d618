#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-tag's built-in rules on the real corpus in ../shared: the share of
# human prompts tagged, and pinned prompts that keep their tags.  Slow tier:
# corpus-wide; the rest of agent-tag is in 45-agent-tag.t.
. "$(dirname "$0")/lib.sh"
plan 5

if shared corpus; then
	for f in "$SHARED"/corpus/*/*; do
		case $f in *.md) continue ;; esac
		agent-events "$f" 2>/dev/null
	done > events.ndjson
	# the rules' own tags, replies included (--reply-tags): the pins below
	# are the rules'; by default a reply that continues takes the tag of
	# the prompt before it
	agent-tag --reply-tags events.ndjson > corpus.out 2>/dev/null
	agent-tag events.ndjson 2>/dev/null |
		jq -r 'select(.kind=="prompt" and .origin=="human" and (.rule|startswith("continued:"))) | .tags.prompt' > continued
	diag "corpus: $(wc -l < continued) replies continue the work before them"
	check_test "corpus: replies that continue the work before them are found" "$(wc -l < continued)" -gt 0
	check_nogrep "corpus: they take its tag, never confirm or continue" '^\(confirm\|continue\)$' continued
	jq -c 'select(.kind=="prompt" and .origin=="human") | {text, tag: .tags.prompt}' corpus.out > human.json
	jq -r .tag human.json > human.tags
	total=$(wc -l < human.tags)
	matched=$(grep -v -c '^unmatched$' human.tags)
	diag "corpus: $matched of $total human prompts tagged"
	check_test "corpus: at least 90% of human prompts get a tag" "$((matched * 100))" -ge "$((total * 90))"
	fails=0; n=0
	while IFS='|' read -r text want; do
		n=$((n + 1))
		case $text in
		=*) got=$(jq -r --arg t "${text#=}" 'select(.text==$t) | .tag' human.json | head -1) ;;
		*) got=$(jq -r --arg t "$text" 'select(.text|contains($t)) | .tag' human.json | head -1) ;;
		esac
		[ "$got" = "$want" ] || { fails=$((fails + 1)); diag "'$text': '$got', wanted $want"; }
	done <<'EOF'
add myapp directory and create myapp/hoge.py|create
cd to myapp and run python hoge.py|run
Build a simple Pomodoro timer web app|create
add smooth transitions between states|create
add a Pause/Resume feature|create
Can you please update the top level index.html|edit
with refactoring the timeline filtering|refactor
a lot of the browser tests are failing|debug
=please fix these|debug
Please fix these lint errors|style
A couple of tests are unhappy now|debug
add a Github Action to run tests and linting|build
Search if claude -p can make use of WebSearch|research
give me an overview of the code organization|explain
maybe also list 5 weak points, risks, or caveats|review
Can you write a balanced opinion on this approach|review
help me understand how Python decorators work|explain
show me how to create a decorator that takes parameters|explain
=Create a hello world function|create
=Now add a goodbye function|create
Please update CLAUDE.md for current changes|docs
create a conda environment to run this|setup
=conda activate aie311|setup
=python diverse_musical_ai.py|run
=push to github|vcs
=continue|continue
=Can we continue from where we left off?|continue
=yes p[lease|confirm
=yes please|confirm
=Yes to all|confirm
=pause|stop
=OK, continue|continue
Can you research the printers in Cura and add them?|research
=Does our PDL support the changes we've made.|question
What are RRF conventions?|explain
=Can we now add support for OpenPrintTag?|create
I think you broke something|debug
they both exit immediately|debug
OK, this worked|confirm
=List the files|inspect
=ls|inspect
=Read this file|inspect
=search web for googles latest AI worlds model|research
can you give a list of AI platforms by using a web search|research
=Anything else we should add?|question
=Add a visual progress bar and long breaks suggestions|create
Have you been adding the new features to our GUI as well?|question
Please have a look at this patch diff|edit
it doesn't sound quite like music|debug
Can you collect all notes from this sesion|docs
Testing special characters: café, naïve, résumé, 中文|test
EOF
	check_test "corpus: $n pinned prompts keep their tags" "$fails" = 0
	check_test "corpus: at least 40 prompts pinned" "$n" -ge 40
else
	for i in 1 2 3 4 5; do skip "no shared corpus"; done
fi
done_testing
