#!/bin/sh
# SPDX-License-Identifier: MIT
# Plain make never installs packages: scripts/check-deps names what is
# missing; only --install (make demo, make check) runs scripts/install-deps.
. "$(dirname "$0")/lib.sh"
plan 14
# a stand-in apt-get that only says it was run, and a compiler that finds
# no header, so that every build dependency is missing
mkdir bin
printf '#!/bin/sh\necho "apt-get $*" >> "%s/apt.log"\n' "$TMP" > bin/apt-get
printf '#!/bin/sh\nexit 1\n' > bin/nocc
chmod +x bin/apt-get bin/nocc
P="$TMP/bin:$PATH"
PATH=$P CC=nocc sh "$TOP/scripts/check-deps" > out 2> err; st=$?
check_test "missing headers: exit 1" "$st" = 1
check_grep "names the packages" '^check-deps: missing build dependencies: libjq-dev zlib1g-dev libyaml-dev libpcre2-dev libcurl4-openssl-dev libsqlite3-dev libnghttp2-dev libbrotli-dev$' err
check_test "and runs no apt-get, root or not" "$(cat apt.log 2>/dev/null)" = ""
if [ "$(id -u)" = 0 ]; then
	PATH=$P CC=nocc sh "$TOP/scripts/check-deps" --install > out 2> err; st=$?
	check_test "--install as root: install-deps runs apt-get for what is missing" \
		"$st $(tail -1 apt.log)" = "0 apt-get install -y -qq --no-install-recommends libjq-dev zlib1g-dev libyaml-dev libpcre2-dev libcurl4-openssl-dev libsqlite3-dev libnghttp2-dev libbrotli-dev"
	: > apt.log
	PATH=$P CC=nocc sh "$TOP/scripts/check-deps" --install --snoop > out 2> err; st=$?
	check_test "--install --snoop as root: agent-snoop's libraries too" \
		"$st $(tail -1 apt.log)" = "0 apt-get install -y -qq --no-install-recommends libjq-dev zlib1g-dev libyaml-dev libpcre2-dev libcurl4-openssl-dev libsqlite3-dev libnghttp2-dev libbrotli-dev libbpf-dev libelf-dev"
else
	skip "--install needs root"
	skip "--install needs root"
fi
# not root, agent-snoop's libraries missing: named, and not fatal
mkdir nobpf
printf '#!/bin/sh\necho 1000\n' > nobpf/id
printf '#!/bin/sh\nin=$(cat)\ncase $in in *libbpf.h*|*libelf.h*) exit 1 ;; esac\nprintf "%%s\\n" "$in" | exec cc "$@"\n' > nobpf/bpfcc
chmod +x nobpf/id nobpf/bpfcc
PATH="$TMP/nobpf:$PATH" CC=bpfcc sh "$TOP/scripts/check-deps" --snoop --install > out 2> err; st=$?
check_test "--snoop, not root, only agent-snoop's missing: exit 0" "$st" = 0
check_grep "  and they are named" "^check-deps: agent-snoop is not built without: libbpf-dev libelf-dev$" err
# what make runs: plain make and make install without --install, make
# check and make demo with it
mk() { make -n -C "$TOP" B="$TMP/b" "$@" 2>/dev/null | grep 'scripts/check-deps'; }
check_test "make: check-deps without --install" "$(mk all)" = "sh scripts/check-deps "
check_test "make install: without --install" "$(mk install)" = "sh scripts/check-deps "
check_grep "make check: with --install" 'check-deps --install' "$(mk check > chk; echo chk)"
check_grep "make demo: with --install" 'check-deps --install' "$(mk demo > demo; echo demo)"
check_grep "make demo: agent-snoop's dependencies too" 'check-deps --install --snoop' demo
# make demo builds the programs and nothing else, and leaves man/ alone
make -n -C "$TOP" B="$TMP/b" demo 2>/dev/null > demo.n
check_nogrep "make demo: no unit tests, fuzz replay drivers or gallery" \
	"$TMP/b/tests/\\|$TMP/b/fuzz/\\|scripts/gallery" demo.n
check_grep "make demo: builds the programs" "-o $TMP/b/bin/agent-tag " demo.n
done_testing
