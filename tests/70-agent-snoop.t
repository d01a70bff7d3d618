#!/bin/sh
# SPDX-License-Identifier: MIT
# agent-snoop: the records of real processes, traced in the kernel.  Needs
# root (or CAP_BPF and CAP_PERFMON) and the program built with the BPF
# toolchain.  The refusals (who the command runs as, the output file) come
# before anything is loaded and run without BPF; the rest skips without it.
# Nothing here waits on a fixed sleep: each step polls for the event it
# needs, with a bound.
. "$(dirname "$0")/lib.sh"
[ -x "$AP_BUILD/bin/agent-snoop" ] || skip_all "agent-snoop not built (needs clang, bpftool, libbpf-dev, BTF)"
[ "$(id -u)" = 0 ] || skip_all "agent-snoop needs root"
have jq || skip_all "jq not installed"
TCPSERV=$AP_BUILD/tests/tcpserv
[ -x "$TCPSERV" ] || skip_all "build/tests/tcpserv not built"
plan 124
unset SUDO_UID SUDO_GID DOAS_USER PKEXEC_UID

# wait_for SECONDS CMD...: run CMD every 50 ms until it succeeds; false
# when SECONDS have passed first
wait_for() {
	_t=$(($1 * 20)); shift
	until "$@" 2>/dev/null; do
		_t=$((_t - 1))
		[ $_t -gt 0 ] || return 1
		sleep 0.05
	done
}

# --- root without a trustworthy invoking user: refused -----------------------------
# refused DESC WHY VAR=VALUE...: exit 2 and the message, before the output
# is opened or the command started
refused() {
	_d=$1; _w=$2; shift 2
	rm -f ran refused.ndjson
	env "$@" agent-snoop -o refused.ndjson -- touch ran > /dev/null 2> refused.err
	_r=$?
	if [ $_r = 2 ] && [ ! -e ran ] && [ ! -e refused.ndjson ]; then
		ok "$_d: exit 2, nothing run, no output file"
	else
		not_ok "$_d: exit 2, nothing run, no output file"; diag "exit $_r"
	fi
	check_out "$_d: the message" "agent-snoop: $_w; not running the command as root by accident: say who to run it as with --user NAME, or --as-root" cat refused.err
}
refused "no SUDO_UID (su, run0, a root shell)" \
	"running as root, and neither SUDO_UID, DOAS_USER nor PKEXEC_UID says for whom" PATH="$PATH"
for v in abc -1 4294967295 "" 0x10 12abc " 5" "+5" 007 99999999999 "65534 "; do
	refused "SUDO_UID=\"$v\"" "SUDO_UID is malformed (\"$v\")" SUDO_UID="$v" SUDO_GID=65534
done
refused "SUDO_UID with a newline" 'SUDO_UID is malformed ("1\x0a2")' SUDO_UID="$(printf '1\n2')"
refused "SUDO_GID=abc" 'SUDO_GID is malformed ("abc")' SUDO_UID=65534 SUDO_GID=abc
refused "SUDO_GID=-1" 'SUDO_GID is malformed ("-1")' SUDO_UID=65534 SUDO_GID=-1
refused "a malformed SUDO_UID is not passed over for DOAS_USER" 'SUDO_UID is malformed ("x")' \
	SUDO_UID=x DOAS_USER=nobody
refused "DOAS_USER naming no user" 'DOAS_USER names no user ("no-such-user-ap")' DOAS_USER=no-such-user-ap
refused "DOAS_USER empty" 'DOAS_USER names no user ("")' DOAS_USER=
refused "PKEXEC_UID=abc" 'PKEXEC_UID is malformed or names no user ("abc")' PKEXEC_UID=abc
refused "PKEXEC_UID=-1" 'PKEXEC_UID is malformed or names no user ("-1")' PKEXEC_UID=-1

SUDO_UID=abc agent-snoop -p $$ -o p-refused.ndjson > /dev/null 2> p-refused.err
check_test "-p with a malformed SUDO_UID: exit 2" "$?" -eq 2
check_out "... says whom the output would belong to" 'agent-snoop: SUDO_UID is malformed ("abc"); say whom the output belongs to with --user NAME, or --as-root' cat p-refused.err
agent-snoop --user no-such-user-ap -- touch ran > /dev/null 2> u.err
check_test "--user naming no user: exit 2" "$?" -eq 2
check_out "... with the message" "agent-snoop: --user no-such-user-ap: no such user" cat u.err
agent-snoop --user nobody --as-root -- touch ran > /dev/null 2> u.err
check_test "--user and --as-root together: exit 2" "$?" -eq 2
check_out "... with the message" "agent-snoop: --user and --as-root exclude each other" cat u.err
setpriv --reuid=65534 --regid=65534 --clear-groups agent-snoop --user root -- touch ran > /dev/null 2> u.err
check_test "not root, --user another: exit 2" "$?" -eq 2
check_out "... with the message" "agent-snoop: --user root: only root can run the command as another user" cat u.err
check "and nothing ran in all these" test ! -e ran

# --- -o: what is planted at the name is not truncated, chowned or waited on -------
echo secret > victim
ln victim hardlink
SUDO_UID=65534 SUDO_GID=65534 agent-snoop -o hardlink -- touch ran > /dev/null 2> o.err
check_test "-o refuses a planted hard link: exit 2" "$?" -eq 2
check_out "... with the message" "agent-snoop: hardlink: has 2 hard links; not truncating a file that has other names" cat o.err
check_out "... the file is neither truncated nor given away" "secret root" sh -c 'echo "$(cat victim) $(stat -c %U victim)"'
mkfifo fifo
timeout 20 agent-snoop --as-root -o fifo -- touch ran > /dev/null 2> o.err
check_test "-o refuses a FIFO with no reader at once: exit 2" "$?" -eq 2
check_out "... with the message" "agent-snoop: fifo: a FIFO (or socket) with no reader; not waiting for one" cat o.err
echo theirs > theirs
chown 65534:65534 theirs
agent-snoop --as-root -o theirs -- touch ran > /dev/null 2> o.err
check_test "root does not write into another user's file: exit 2" "$?" -eq 2
check_out "... with the message" "agent-snoop: theirs: belongs to uid 65534; root does not write into another user's file (remove it or name another file)" cat o.err
check_out "... which is unchanged" "theirs" cat theirs
mkdir adir
agent-snoop --as-root -o adir -- touch ran > /dev/null 2> o.err
check_test "-o refuses a directory: exit 2" "$?" -eq 2
ln -s "$TMP/victim2" link
agent-snoop --as-root -o link -- touch ran > /dev/null 2> o.err
check_test "-o refuses a symbolic link: exit 2" "$?" -eq 2
check_out "... with the message, and writes nothing through it" "agent-snoop: link: is a symbolic link; not writing through it|no victim2" \
	sh -c 'echo "$(cat o.err)|$(test -e victim2 && echo victim2 || echo no victim2)"'
check "and no command ran" test ! -e ran

# --- from here on BPF is needed ------------------------------------------------------
if ! agent-snoop --as-root -o probe.ndjson -- true 2> probe.err; then
	diag "$(cat probe.err)"
	while [ $_n -lt 124 ]; do skip "BPF programs cannot be loaded here"; done
	done_testing
fi
# the runs below stand for "root ran sudo" unless they say otherwise
export SUDO_UID=0 SUDO_GID=0

# --- one script that does a bit of everything ---------------------------------
cat > script.sh <<EOF
echo hello > out.txt
cat out.txt > /dev/null
echo a > a; mv a b; rm b
sh -c 'cat out.txt; true' > /dev/null
"$TCPSERV" listen port &
while [ ! -f port ]; do sleep 0.05; done
"$TCPSERV" connect \$(cat port)
wait
exit 3
EOF
agent-snoop -o run.ndjson -- sh script.sh 2> run.err
check_test "the command's exit status passes through" "$?" -eq 3
port=$(cat port)
check_test "the first record is the session, with the cwd" \
	"$(head -1 run.ndjson | jq -r '[.kind, .agent, .cwd] | join(" ")')" = "session snoop $TMP"
check_test "every record has the run's session id" \
	"$(jq -r .session run.ndjson | sort -u | wc -l)" -eq 1
check_out "one write of out.txt, by the root sh" "[\"$TMP/out.txt\",[\"sh\"],\"ok\"]" \
	jq -c "select(.effect == \"write\" and .path == \"$TMP/out.txt\") | [.path, .process, .status]" run.ndjson
check_out "one rename, both paths absolute" "[\"$TMP/a\",\"$TMP/b\",[\"sh\",\"mv\"]]" \
	jq -c "select(.effect == \"rename\" and .process == [\"sh\",\"mv\"]) | [.path, .to, .process]" run.ndjson
check_out "one delete" "[\"$TMP/b\",[\"sh\",\"rm\"]]" \
	jq -c 'select(.effect == "delete") | [.path, .process]' run.ndjson
check_out "the grandchild's exec, with its chain" '[["sh","sh","cat"],["cat","out.txt"],"ok",0]' \
	jq -c 'select(.effect == "exec" and .process == ["sh","sh","cat"]) | [.process, .argv, .status, .exit]' run.ndjson
check_out "the grandchild's read" "[\"$TMP/out.txt\",[\"sh\",\"sh\",\"cat\"]]" \
	jq -c "select(.effect == \"read\" and .path == \"$TMP/out.txt\" and (.process | length) == 3) | [.path, .process]" run.ndjson
check_out "the root's exec ends with exit 3" '["error",3,true]' \
	jq -c 'select(.effect == "exec" and .process == ["sh"]) | [.status, .exit, (.path | test("^/.*/sh$"))]' run.ndjson
check_out "a connection to the loopback server" "[\"127.0.0.1\",$port,\"net\",[\"sh\",\"tcpserv\"]]" \
	jq -c 'select(.effect == "net" and .class == "net") | [.domain, .port, .class, .process]' run.ndjson
check_out "the server's listening socket" "[\"127.0.0.1\",$port]" \
	jq -c 'select(.class == "listen") | [.domain, .port]' run.ndjson
check_test "effects name their process's exec as parent" \
	"$(jq -c 'select(.kind == "effect" and .effect != "exec" and (.parent | not))' run.ndjson | wc -l)" -eq 0
check_out "the last record is the summary, nothing lost" '["summary",0,0,0]' \
	sh -c 'tail -1 run.ndjson | jq -c "[.kind, .drops, .unfollowed, .bad]"'
check_grep "the summary line on stderr" '^agent-snoop: .* 0 lost to a full buffer' run.err

if [ -x "$AP_BUILD/bin/agent-stack" ]; then
	agent-stack --view system run.ndjson > system.folded
	check_grep "agent-stack --view system draws the chain" \
		'^project:[^;]*;agent:snoop;session:[^;]*;process:sh;process:sh;process:cat;effect:read;path:out.txt;status:ok 1$' system.folded
else
	skip "agent-stack not built"
fi

# --- runtime files: left out and counted, unless -r ----------------------------------
agent-snoop -o rt.ndjson -- sh -c 'echo x > libx.so.1; echo y > x.so.bak; cat libx.so.1 "$PWD/libx.so.1" "$PWD/x.so.bak" /etc/hostname /usr/no-such-file "$PWD/no-such-file" > /dev/null 2>&1' 2> rt.err
jq -r 'select(.effect == "read" or .effect == "write") | select(.path != "/dev/null") | "\(.effect) \(.path) \(.status)"' rt.ndjson > got
check_out "the loader's, libraries' and locale opens, and system paths not there, are left out" \
	"$(printf 'write %s ok\nwrite %s ok\nread %s ok\nread %s ok\nread /etc/hostname ok\nread %s error' "$TMP/libx.so.1" "$TMP/x.so.bak" "$TMP/libx.so.1" "$TMP/x.so.bak" "$TMP/no-such-file")" cat got
check_test "and counted in the summary" "$(tail -1 rt.ndjson | jq .runtime)" -gt 2
check_grep "and on standard error" 'runtime file opens left out' rt.err
agent-snoop -r -o rt2.ndjson -- sh -c 'cat libx.so.1 > /dev/null' 2>/dev/null
check_test "-r records them: the loader's cache and the shared object read" \
	"$(jq -c 'select(.effect == "read" and (.path == "/etc/ld.so.cache" or .path == "'"$TMP"'/libx.so.1"))' rt2.ndjson | jq -r .path | sort -u | wc -l)" -eq 2
check_test "-r: nothing left out" "$(tail -1 rt2.ndjson | jq .runtime)" -eq 0
agent-snoop -v -o /dev/null -- true 2> v.err
check_grep "-v: what tracing cost" '^agent-snoop: [0-9.]* s CPU while tracing, [0-9.]* s before (loading the BPF programs)$' v.err

# --- who the command runs as ---------------------------------------------------------
chmod 755 "$TMP"
mkdir u && chmod 777 u
nobody_home=$(getent passwd nobody | cut -d: -f6)
ID='id -u > u/id; id -g >> u/id; id -G >> u/id; echo "$HOME $USER $LOGNAME" >> u/id'
SUDO_UID=65534 SUDO_GID=65534 agent-snoop -o sudo.ndjson -- sh -c "$ID" 2>/dev/null
check_out "with SUDO_UID the command runs as that user, with its groups and home" \
	"$(printf '65534\n65534\n%s\n%s nobody nobody' "$(id -G nobody)" "$nobody_home")" cat u/id
check_test "and the output file it created belongs to the user" "$(stat -c %u:%g sudo.ndjson)" = 65534:65534
rm -f u/id
env -u SUDO_UID -u SUDO_GID agent-snoop --user nobody -o user.ndjson -- sh -c "$ID" 2>/dev/null
check_out "--user NAME: the same without sudo" \
	"$(printf '65534\n65534\n%s\n%s nobody nobody' "$(id -G nobody)" "$nobody_home")" cat u/id
check_test "... and its new output file is the user's" "$(stat -c %u user.ndjson)" -eq 65534
rm -f u/id
env -u SUDO_UID -u SUDO_GID agent-snoop --user 65534 -o /dev/null -- sh -c 'id -u > u/id' 2>/dev/null
check_out "--user UID" 65534 cat u/id
rm -f u/id
env -u SUDO_UID -u SUDO_GID DOAS_USER=nobody agent-snoop -o /dev/null -- sh -c 'id -u > u/id' 2>/dev/null
check_out "DOAS_USER (doas) names the user" 65534 cat u/id
rm -f u/id
env -u SUDO_UID -u SUDO_GID PKEXEC_UID=65534 agent-snoop -o /dev/null -- sh -c 'id -u > u/id' 2>/dev/null
check_out "PKEXEC_UID (pkexec) names the user" 65534 cat u/id
rm -f u/id
env -u SUDO_UID -u SUDO_GID agent-snoop --as-root -o /dev/null -- sh -c 'id -u > u/id; id -G >> u/id' 2>/dev/null
check_out "--as-root: root, with root's groups" "$(printf '0\n%s' "$(id -G)")" cat u/id
rm -f u/id
agent-snoop -o /dev/null -- sh -c 'id -u > u/id' 2>/dev/null
check_out "SUDO_UID=0 (root ran sudo): root" 0 cat u/id
# a user with supplementary groups, if the system has one
member=$(awk -F: '$4 != "" { n = split($4, m, ","); for (i = 1; i <= n; i++) print m[i] }' /etc/group |
	while read -r m; do uid=$(id -u "$m" 2>/dev/null) && [ "$uid" != 0 ] && echo "$m" && break; done)
if [ -n "$member" ]; then
	rm -f u/id
	agent-snoop --user "$member" -o /dev/null -- sh -c 'id -G > u/id' 2>/dev/null
	check_out "--user $member: the supplementary groups initgroups(3) gives" "$(id -G "$member")" cat u/id
else
	skip "no user with supplementary groups in /etc/group"
fi
echo old > rootsfile
SUDO_UID=65534 SUDO_GID=65534 agent-snoop -o rootsfile -- true 2>/dev/null
check_out "an existing file of root's is truncated and stays root's" "root session" \
	sh -c 'echo "$(stat -c %U rootsfile) $(head -1 rootsfile | jq -r .kind)"'
echo old > usersfile
chown 65534:65534 usersfile
SUDO_UID=65534 SUDO_GID=65534 agent-snoop -o usersfile -- true 2>/dev/null
check_out "an existing file of the user's is written and stays the user's" "nobody summary" \
	sh -c 'echo "$(stat -c %U usersfile) $(tail -1 usersfile | jq -r .kind)"'
rm -f got.fifo
cat fifo > got.fifo &
reader=$!
# the reader is there once its open waits for a writer
wait_for 10 grep -q wait_for_partner /proc/$reader/wchan
agent-snoop -o fifo -- true 2>/dev/null
check_test "a FIFO with a reader is written to" "$?" -eq 0
wait $reader
check_out "... all of it" "summary" sh -c 'tail -1 got.fifo | jq -r .kind'

# --- agent-snoop killed: the command does not run on untraced ---------------------------
rm -f started
agent-snoop -o killed.ndjson -- sh -c 'echo $$ > started; exec sleep 60' 2>/dev/null &
snoop=$!
wait_for 20 test -s started
cmd=$(cat started)
kill -KILL $snoop
wait $snoop 2>/dev/null
if wait_for 20 sh -c "! kill -0 $cmd"; then ok "SIGKILL of agent-snoop kills the command (PR_SET_PDEATHSIG)"
else not_ok "SIGKILL of agent-snoop kills the command (PR_SET_PDEATHSIG)"; kill $cmd; fi
rm -f started
SUDO_UID=65534 SUDO_GID=65534 agent-snoop -o killed2.ndjson -- sh -c 'echo $$ > u/started; exec sleep 60' 2>/dev/null &
snoop=$!
wait_for 20 test -s u/started
cmd=$(cat u/started)
kill -KILL $snoop
wait $snoop 2>/dev/null
if wait_for 20 sh -c "! kill -0 $cmd"; then ok "... also once it runs as the user"
else not_ok "... also once it runs as the user"; kill $cmd; fi

# --- events lost: exit status 1, said, and counted ----------------------------------------
# a 4 KiB buffer, and agent-snoop stopped while the command opens a file 300 times
BURST='kill -STOP $PPID; i=0; while [ $i -lt 300 ]; do : < /etc/hostname; i=$((i + 1)); done; kill -CONT $PPID'
AGENT_SNOOP_TEST_RINGBUF=4096 agent-snoop -o lost.ndjson -- sh -c "$BURST" 2> lost.err
check_test "events lost, the command exited 0: exit status 1" "$?" -eq 1
drops=$(tail -1 lost.ndjson | jq .drops)
check_test "the summary counts the drops" "$drops" -gt 0
check_grep "standard error says the record is incomplete, with the count" \
	"^agent-snoop: the record is incomplete: $drops events lost to a full ring buffer (-b sets its size), 0 processes not followed, 0 bad messages\$" lost.err
check_grep "... and why the status is 1" '^agent-snoop: the command succeeded; exit status 1 for the events lost$' lost.err
AGENT_SNOOP_TEST_RINGBUF=4096 agent-snoop -o lost5.ndjson -- sh -c "$BURST; exit 5" 2>/dev/null
check_test "events lost, the command exited 5: its status" "$?" -eq 5
rm -f go
sh -c 'while [ ! -s go ]; do sleep 0.05; done; kill -STOP $(cat go); i=0; while [ $i -lt 300 ]; do : < /etc/hostname; i=$((i + 1)); done; kill -CONT $(cat go)' &
loop=$!
AGENT_SNOOP_TEST_RINGBUF=4096 agent-snoop -p $loop -o plost.ndjson 2>/dev/null &
snoop=$!
wait_for 20 grep -q '"argv":\["sleep"' plost.ndjson
echo $snoop > go
wait $snoop
check_test "events lost with -p: exit status 1" "$?" -eq 1
check_test "... and counted" "$(tail -1 plost.ndjson | jq .drops)" -gt 0
check_out "the test knob checks its value" "$(printf 'agent-snoop: bad AGENT_SNOOP_TEST_RINGBUF: 1000\n2')" \
	sh -c 'AGENT_SNOOP_TEST_RINGBUF=1000 agent-snoop -o /dev/null -- true 2>&1; echo $?'
# --- 2,000 short processes, none lost ---------------------------------------------
agent-snoop -o many.ndjson -- sh -c 'for i in $(seq 2000); do /bin/true; done' 2>/dev/null
check_test "2,000 exec records of /bin/true" \
	"$(jq -c 'select(.effect == "exec" and .argv == ["/bin/true"] and .status == "ok" and .exit == 0 and (.duration_ms | type) == "number")' many.ndjson | wc -l)" -eq 2000
check_out "and no drops" '[2000,0,0]' \
	sh -c 'tail -1 many.ndjson | jq -c "[.execs - 2, .drops, .unfollowed]"'

# --- -p PID, stopped by SIGINT -------------------------------------------------------
sh -c 'while :; do cat /etc/hostname > /dev/null; sleep 0.1; done' &
loop=$!
agent-snoop -p $loop -o p.ndjson 2>/dev/null &
snoop=$!
# until three of the loop's cats and sleeps have been written
seen() {
	[ "$(jq -c 'select(.effect == "read" and .path == "/etc/hostname" and .process == ["sh","cat"])' p.ndjson | wc -l)" -ge 3 ] &&
	[ "$(jq -c 'select(.effect == "exec" and .argv[0] == "sleep")' p.ndjson | wc -l)" -ge 3 ]
}
wait_for 30 seen
kill -INT $snoop
wait $snoop
check_test "SIGINT stops -p cleanly" "$?" -eq 0
kill $loop
check_test "the loop's cat seen with its chain" \
	"$(jq -c 'select(.effect == "read" and .path == "/etc/hostname" and .process == ["sh","cat"] and .ppid == '$loop')' p.ndjson | wc -l)" -ge 3
check_test "its sleeps too" "$(jq -c 'select(.effect == "exec" and .argv[0] == "sleep")' p.ndjson | wc -l)" -ge 3
check_out "and the summary last" summary sh -c 'tail -1 p.ndjson | jq -r .kind'

# --- -d with a command: tracing stops, the command goes on ------------------------------
# The programs of this run only (other runs may trace at the same time):
# their ids, from the descriptors agent-snoop holds once it has loaded them.
# The command blocks on a FIFO until the test has seen the programs go, so
# "while the command still runs" holds however slow the machine is.
mkfifo dgate
agent-snoop -d 2 -o d.ndjson -- sh -c 'read x < dgate; exit 0' 2>/dev/null &
snoop=$!
ids() { grep -h '^prog_id:' /proc/$snoop/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u > ids; [ -s ids ]; }
# live: how many of those programs the kernel still holds, held by anyone
live() {
	n=0
	while read -r id; do
		bpftool prog show id "$id" > /dev/null 2>&1 && n=$((n + 1))
	done < ids
	echo $n
}
gone() { [ "$(live)" -eq 0 ]; }
if command -v bpftool > /dev/null && wait_for 20 ids; then
	check_test "-d with a command: the programs were loaded" "$(live)" -gt 0
	wait_for 15 gone
	left=$(live)
	kill -0 $snoop 2>/dev/null && left="$left running"
	check_test "... and are gone while the command still runs" "$left" = "0 running"
else
	skip "bpftool not installed, or no programs seen"
	skip "bpftool not installed, or no programs seen"
fi
# release the command (bounded: its read end is gone if it died early)
timeout 20 sh -c 'echo go > dgate'
wait $snoop
check_test "... and its status is still the command's" "$?" -eq 0

# --- SIGTERM with a command: passed on ---------------------------------------------------
rm -f started
agent-snoop -o term.ndjson -- sh -c 'echo $$ > started; exec sleep 30' 2>/dev/null &
snoop=$!
wait_for 20 test -s started
# the signal must find the sleep, not the sh before its exec
is_sleep() { [ "$(cat /proc/"$(cat started)"/comm)" = sleep ]; }
wait_for 20 is_sleep
kill -TERM $snoop
wait $snoop
check_test "SIGTERM reaches the command; its status is 128+15" "$?" -eq 143
check_out "the sleep ended by the signal" '["error",143]' \
	jq -c 'select(.effect == "exec" and .argv[0] == "sleep") | [.status, .exit]' term.ndjson

# --- usage and refusals -------------------------------------------------------------------
check_status "no target is a usage error" 2 agent-snoop
check_status "two targets are a usage error" 2 agent-snoop -p 1 -- true

# --- the EXAMPLES of the man page, as written ------------------------------------------------
# (a "$ " command and the indented lines that continue it; sudo's are
# for a person, not for this root test, and so are those that read what
# a sudo example wrote)
sed -n '/^\.Sh EXAMPLES/,/^\.Sh [^E]/p' "$TOP/man/agent-snoop.1" | sed 's/^\.Dl //' |
	sed 's/\\(dq/"/g; s/\\-/-/g' |
	awk '/^\$ / { if (c != "") print c; c = substr($0, 3); next }
		/^    / && c != "" { c = c " " substr($0, 5); next }
		{ if (c != "") print c; c = "" } END { if (c != "") print c }' |
	grep -v '^sudo ' | grep -v 'claude.ndjson\|gemini.ndjson' > examples
i=0
while IFS= read -r ex; do
	i=$((i + 1))
	if sh -c "$ex" > ex.out 2> ex.err; then
		case $i in
		1) check_test "example 1 wrote now.txt" "$(grep -c "\"path\":\"$TMP/now.txt\"" run.ndjson)" -ge 1 ;;
		2) check_out "example 2 prints the file written" "$TMP/now.txt" cat ex.out ;;
		3) check_out "example 3 prints the drops" 0 cat ex.out ;;
		4) check_grep "example 4 draws an SVG" '<svg' system.svg ;;
		5) check_out "example 5 ends with a summary" summary sh -c 'tail -1 sh.ndjson | jq -r .kind' ;;
		*) not_ok "unexpected example $i: $ex" ;;
		esac
	else
		not_ok "example $i: $ex"
		sed 's/^/# /' ex.err | head -5
	fi
done < examples
done_testing
