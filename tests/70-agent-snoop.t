#!/bin/sh
# agent-snoop: the records of real processes, traced in the kernel.  Needs
# root (or CAP_BPF and CAP_PERFMON) and the program built with the BPF
# toolchain; skips otherwise.
. "$(dirname "$0")/lib.sh"
[ -x "$AP_BUILD/bin/agent-snoop" ] || skip_all "agent-snoop not built (needs clang, bpftool, libbpf-dev, BTF)"
[ "$(id -u)" = 0 ] || skip_all "agent-snoop needs root"
have jq || skip_all "jq not installed"
TCPSERV=$AP_BUILD/tests/tcpserv
[ -x "$TCPSERV" ] || skip_all "build/tests/tcpserv not built"
plan 42

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

# --- sudo: the command runs as the user ------------------------------------------
chmod 755 "$TMP"
mkdir u && chmod 777 u
SUDO_UID=65534 SUDO_GID=65534 agent-snoop -o sudo.ndjson -- sh -c 'id -u > u/id; id -g >> u/id' 2>/dev/null
check_out "with SUDO_UID the command runs as that user" "$(printf '65534\n65534')" cat u/id
check_test "and the output file belongs to the user" "$(stat -c %u sudo.ndjson)" -eq 65534

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
sleep 1.5
kill -INT $snoop
wait $snoop
check_test "SIGINT stops -p cleanly" "$?" -eq 0
kill $loop
check_test "the loop's cat seen with its chain" \
	"$(jq -c 'select(.effect == "read" and .path == "/etc/hostname" and .process == ["sh","cat"] and .ppid == '$loop')' p.ndjson | wc -l)" -ge 3
check_test "its sleeps too" "$(jq -c 'select(.effect == "exec" and .argv[0] == "sleep")' p.ndjson | wc -l)" -ge 3
check_out "and the summary last" summary sh -c 'tail -1 p.ndjson | jq -r .kind'

# --- -d with a command: tracing stops, the command goes on ------------------------------
# progs: how many of agent-snoop's programs the kernel holds
progs() { bpftool prog show 2>/dev/null | grep -c 'name sys_enter_any\|name sys_exit_any'; }
if command -v bpftool >/dev/null; then
	i=0
	while [ "$(progs)" -gt 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	agent-snoop -d 0.3 -o d.ndjson -- sleep 5 2>/dev/null &
	snoop=$!
	i=0
	while [ "$(progs)" -eq 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 4
	check_test "-d with a command: the programs are gone before it ends" "$(progs)" -eq 0
	wait $snoop
	check_test "... and its status is still the command's" "$?" -eq 0
else
	skip "bpftool not installed"
	skip "bpftool not installed"
fi

# --- SIGTERM with a command: passed on ---------------------------------------------------
agent-snoop -o term.ndjson -- sleep 30 2>/dev/null &
snoop=$!
sleep 0.5
kill -TERM $snoop
wait $snoop
check_test "SIGTERM reaches the command; its status is 128+15" "$?" -eq 143
check_out "the sleep ended by the signal" '["error",143]' \
	jq -c 'select(.effect == "exec") | [.status, .exit]' term.ndjson

# --- usage and refusals -------------------------------------------------------------------
check_status "no target is a usage error" 2 agent-snoop
check_status "two targets are a usage error" 2 agent-snoop -p 1 -- true
ln -s "$TMP/victim" link
check_status "-o refuses a symbolic link" 2 agent-snoop -o link -- true
check "and writes nothing through it" test ! -e victim

# --- the EXAMPLES of the man page, as written ------------------------------------------------
sed -n '/^\.Sh EXAMPLES/,/^\.Sh [^E]/p' "$TOP/man/agent-snoop.1" | sed -n 's/^\.Dl \$ //p' |
	sed 's/\\(dq/"/g; s/\\-/-/g' > examples
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
