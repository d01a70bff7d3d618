# SPDX-License-Identifier: MIT
# pprof.sh: go tool pprof (GO is set when it runs) with its caches in $TMP,
# and the helpers that turn its output back into folded stacks.  Sourced
# after lib.sh by the folded2pprof tests.
# go tool pprof with its caches in $TMP; its stderr is collected in pp.err,
# which has to stay empty: our profiles must not make it warn.
mkdir -p "$TMP/home" "$TMP/gocache"
export HOME="$TMP/home" GOCACHE="$TMP/gocache" GOFLAGS=
GO=
have go && go tool -n pprof >/dev/null 2>&1 && GO=1
: > pp.err
pp() { go tool pprof "$@" 2>>pp.err; }
# check_quiet DESC: nothing on pprof's stderr since the last call
check_quiet() {
	if [ -s pp.err ]; then not_ok "$1"; sed 's/^/# /' pp.err | head -10; else ok "$1"; fi
	: > pp.err
}

# The folded input as pprof will see it: comments and blank lines gone,
# equal stacks summed, zero weights dropped, sorted.  Plain awk, one count.
merge() {
	awk '/^[ \t]*(#|$)/ { next }
	{ sub(/[ \t]+$/, ""); c = $NF; sub(/[ \t]*[0-9]+$/, ""); sub(/^[ \t]+/, ""); s[$0] += c }
	END { for (k in s) if (s[k] > 0) printf "%s %.0f\n", k, s[k] }' "$@" | sort
}
# go tool pprof -traces back to folded stacks: each block between separators
# is "VALUE   leaf" then "             caller" lines, leaf first.
traces2folded() {
	awk 'function emit(  s, i) {
		if (!n) return
		s = f[n - 1]
		for (i = n - 2; i >= 0; i--) s = s ";" f[i]
		print s, v
		n = 0
	}
	/^-----------[+]-+$/ { emit(); inblock = 1; next }
	!inblock { next }
	n == 0 {
		match($0, /^ *[0-9]+   /)
		v = substr($0, 1, RLENGTH - 3); sub(/^ +/, "", v)
		f[n++] = substr($0, RLENGTH + 1); next
	}
	{ f[n++] = substr($0, 14) }' | merge
}
# The total of the selected sample type, from -top's header.
top_total() { pp -top "$@" | sed -n 's/^Showing nodes accounting for .* of \([0-9]*\) total$/\1/p'; }
sum() { merge "$@" | awk '{ s += $NF } END { printf "%.0f\n", s }'; }
