# SPDX-License-Identifier: MIT
# lib.sh: a small TAP harness for the sh tests.  Source it, call plan N,
# then check/check_same/...; every test file runs alone with prove.
set -u
: "${AP_BUILD:=$(cd "$(dirname "$0")/.." && pwd)/build}"
TESTS=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$TESTS")
SHARED=${AP_SHARED:-$TOP/../shared}
PATH="$AP_BUILD/bin:$TOP/scripts:$PATH"
export PATH LC_ALL=C.UTF-8 TZ=UTC
TMP=$(mktemp -d "${TMPDIR:-/tmp}/aptest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
cd "$TMP" || exit 1
_n=0
_fail=0

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _fail=$((_fail + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n # SKIP $*"; }
diag() { echo "$*" | sed 's/^/# /'; }

# check_exit DESC WANT CMD...: CMD (stdout to out, stderr to err) ends with
# status WANT within 120 s; on failure the last lines of err are shown
check_exit() {
	_d=$1; _w=$2; shift 2
	timeout 120 "$@" > out 2> err
	_r=$?
	if [ "$_r" = "$_w" ]; then ok "$_d: exit $_w"; else
		not_ok "$_d: exit $_w"; diag "exit $_r"; tail -3 err | cut -c1-300 | sed 's/^/# /'
	fi
}

# check_jobs DESC ARGS...: agent-events -j 1 and -j 4 on ARGS write the same
# stdout (kept in one, four), stderr (one.err, four.err) and status
check_jobs() {
	_d=$1; shift
	agent-events -j 1 "$@" > one 2> one.err; _r1=$?
	agent-events -j 4 "$@" > four 2> four.err; _r4=$?
	if cmp -s one four && cmp -s one.err four.err && [ "$_r1" = "$_r4" ]; then ok "$_d"; else
		not_ok "$_d"; diag "status $_r1 and $_r4"
		diff one four | head -20 | sed 's/^/# /'
		diff one.err four.err | head -10 | sed 's/^/# /'
	fi
}
# check DESC CMD...: passes when CMD exits 0.
check() {
	_d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$_d"; else not_ok "$_d"; fi
}
# check_test DESC A OP B: test(1) comparison, showing both sides on failure.
check_test() {
	if test "$2" "$3" "$4"; then ok "$1"; else not_ok "$1"; diag "got: $2 $3 $4"; fi
}
# check_same DESC EXPECTED_FILE ACTUAL_FILE: diff on failure.
check_same() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		not_ok "$1"
		diff -u "$2" "$3" | head -60 | sed 's/^/# /'
	fi
}
# check_out DESC EXPECTED CMD...: CMD's standard output equals EXPECTED
# (a string; give "$(cat <<EOF ... EOF)" for several lines).
check_out() {
	_d=$1; _e=$2; shift 2
	printf '%s\n' "$_e" > "$TMP/.expected"
	"$@" > "$TMP/.actual" 2>"$TMP/.stderr"
	check_same "$_d" "$TMP/.expected" "$TMP/.actual"
}
# check_status DESC CODE CMD...: CMD exits with CODE.
check_status() {
	_d=$1; _c=$2; shift 2
	"$@" >/dev/null 2>&1
	_r=$?
	if [ "$_r" = "$_c" ]; then ok "$_d"; else not_ok "$_d"; diag "exit $_r, wanted $_c"; fi
}
# check_grep DESC PATTERN FILE / check_nogrep: a line matches / none does.
check_grep() { if grep -q -e "$2" "$3"; then ok "$1"; else not_ok "$1"; diag "no line matches: $2"; fi; }
check_nogrep() {
	if grep -q -e "$2" "$3"; then not_ok "$1"; grep -e "$2" "$3" | head -5 | sed 's/^/# /'; else ok "$1"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }
shared() { [ -d "$SHARED/$1" ]; }
# wellformed FILE: is it well-formed XML, by whichever parser is
# installed ($xml is empty when there is none); check_xml DESC FILE: a test
# of it that skips without a parser
wellformed() {
	if have xmllint; then xmllint --noout "$1"
	else python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1"
	fi
}
have xmllint || have python3 && xml=yes || xml=
check_xml() {
	if [ -z "$xml" ]; then skip "$1: no xmllint or python3"
	elif wellformed "$2" 2>xml.err; then ok "$1"
	else not_ok "$1"; head -5 xml.err | sed 's/^/# /'; fi
}
done_testing() { exit $((_fail > 0)); }
