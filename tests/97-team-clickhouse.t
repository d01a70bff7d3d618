#!/bin/sh
# SPDX-License-Identifier: MIT
# agentpprof-team on a real ClickHouse: two servers on loopback ports are
# two shards of the cluster "agentpprof"; the schema's Distributed table
# spans them.  Three fake developers' records become samples, are loaded
# through the Distributed table (sharded by developer), and the team query
# must equal, stack by stack, the per-developer folded outputs summed.
# Installs clickhouse-server from Debian when missing and root; skips with
# a message otherwise.  The servers are stopped by pid whatever happens.
. "$(dirname "$0")/lib.sh"
F=$TESTS/fixtures/team
if ! have clickhouse-server || ! have clickhouse-client; then
	if [ "$(id -u)" = 0 ] && have apt-get; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q clickhouse-server clickhouse-client \
			> apt.log 2>&1 || { tail -5 apt.log | sed 's/^/# /'; }
	fi
	have clickhouse-server && have clickhouse-client ||
		skip_all "clickhouse-server and clickhouse-client are not installed (Debian: apt-get install clickhouse-server clickhouse-client)"
fi
have jq || skip_all "jq not installed"
plan 15

pids=""
stop() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do
		i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap stop EXIT INT TERM

# a free loopback port from the kernel
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
p1=$(port); p2=$(port); h1=$(port); h2=$(port)
start() {   # start NAME TCP HTTP
	mkdir -p "$1/data" "$1/tmp" "$1/log"
	cat > "$1/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>$TMP/$1/log/server.log</log><errorlog>$TMP/$1/log/error.log</errorlog></logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>$2</tcp_port>
    <http_port>$3</http_port>
    <path>$TMP/$1/data/</path>
    <tmp_path>$TMP/$1/tmp/</tmp_path>
    <users_config>$TMP/users.xml</users_config>
    <mark_cache_size>5368709</mark_cache_size>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <remote_servers>
        <agentpprof>
            <shard><replica><host>127.0.0.1</host><port>$p1</port></replica></shard>
            <shard><replica><host>127.0.0.1</host><port>$p2</port></replica></shard>
        </agentpprof>
    </remote_servers>
</yandex>
XML
	clickhouse-server --config-file="$TMP/$1/config.xml" > "$1/log/stdout" 2>&1 &
	pids="$pids $!"
}
cat > users.xml <<'XML'
<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
    <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
        <profile>default</profile><quota>default</quota></default></users>
    <quotas><default></default></quotas>
</yandex>
XML
start s1 "$p1" "$h1"
start s2 "$p2" "$h2"
up() { clickhouse-client --host 127.0.0.1 --port "$1" --query 'SELECT 1' > /dev/null 2>&1; }
i=0; while { ! up "$p1" || ! up "$p2"; } && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if ! up "$p1" || ! up "$p2"; then
	diag "the servers did not start:"; cat s1/log/stdout s1/log/error.log 2>/dev/null | tail -5 | sed 's/^/# /'
	skip_all "clickhouse-server does not start here"
fi
ok "two servers up on ports $p1 and $p2"

for p in "$p1" "$p2"; do
	agentpprof-team schema --client "clickhouse-client --host 127.0.0.1 --port $p" > schema.$p.out 2>&1 ||
		{ sed 's/^/# /' schema.$p.out; }
done
check_test "the schema on both shards: samples_local and the Distributed samples" \
	"$(clickhouse-client --port "$p1" --query "SELECT count() FROM system.tables WHERE database = 'agentpprof'")$(clickhouse-client --port "$p2" --query "SELECT count() FROM system.tables WHERE database = 'agentpprof'")" = 22
check_exit "the schema again: idempotent" 0 agentpprof-team schema --client "clickhouse-client --port $p1"

# three developers, each with their own records (agent-stack's fixture,
# their sessions renamed), turned into samples on "their machine"
for d in ana bo cy; do
	sed "s/\"session\":\"/\"session\":\"$d-/g" "$TESTS/fixtures/stack/events.ndjson" > $d.ndjson
done
sed -i 's/"model":"claude-opus-4-5-20251101"/"model":"claude-sonnet-4-5-20250929"/' bo.ndjson
: > all.samples
for d in ana bo cy; do
	agentpprof-team samples --salt team-salt --developer $d --host "box-$d" $d.ndjson > $d.samples 2> $d.err
	cat $d.samples >> all.samples
done
check_test "samples: every line is JSON with the labels" \
	"$(jq -c 'select(.view and .day and .developer and .host and .stack and (.weight | type) == "number")' all.samples | wc -l)" = "$(wc -l < all.samples)"
check_test "the developer is a salted hash, the same on every run" \
	"$(jq -r .developer ana.samples | sort -u)" = "$(printf 'team-salt:ana' | sha256sum | cut -c1-16)"
check_nogrep "no name, prompt text or home path in the samples" '"ana"\|/home/me\|PLANTED' all.samples
for v in tokens tasks files; do
	got=$(jq -r "select(.view == \"$v\") | .weight" ana.samples | awk '{ s += $1 } END { print s + 0 }')
	want=$(agent-stack --view $v ana.ndjson 2> /dev/null | awk '{ s += $NF } END { print s + 0 }')
	check_test "samples of $v sum to agent-stack's total for ana ($want)" "$got $want" = "$want $want"
	[ "$want" -gt 0 ] || diag "agent-stack gave nothing: is it built?"
done

check_exit "load through the Distributed table" 0 agentpprof-team load --client "clickhouse-client --port $p1" all.samples
# Distributed inserts are sent to the shards in the background
rows() { clickhouse-client --port "$1" --query 'SELECT count() FROM agentpprof.samples_local'; }
i=0; while [ "$(( $(rows "$p1") + $(rows "$p2") ))" != "$(wc -l < all.samples)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
r1=$(rows "$p1") r2=$(rows "$p2")
if [ "$r1" -gt 0 ] && [ "$r2" -gt 0 ] && [ $((r1 + r2)) = "$(wc -l < all.samples)" ]; then
	ok "rows spread over both shards ($r1 and $r2), none lost"
else
	not_ok "rows spread over both shards, none lost"; diag "$r1 and $r2 rows of $(wc -l < all.samples)"
fi

# the team's tokens: the per-developer folded outputs, summed by stack
for d in ana bo cy; do agent-stack --view tokens $d.ndjson 2> /dev/null; done |
	awk '{ w = $NF; $NF = ""; sub(/ $/, ""); s[$0] += w } END { for (k in s) print k " " s[k] }' | LC_ALL=C sort > want.folded
agentpprof-team query --view tokens --client "clickhouse-client --port $p2" | LC_ALL=C sort > team.folded
check_same "the team query equals cat of the developers' folded outputs summed by stack" want.folded team.folded

# a day loaded again (a nightly job run twice, a grown day) replaces its rows
sleep 1   # a later load time
agentpprof-team load --client "clickhouse-client --port $p2" all.samples 2> reload.err
agentpprof-team query --view tokens --client "clickhouse-client --port $p1" | LC_ALL=C sort > again.folded
check_same "loading the same samples again changes no total" want.folded again.folded

# a selection: one developer, by hash
bo=$(printf 'team-salt:bo' | sha256sum | cut -c1-16)
agent-stack --view cost bo.ndjson 2> /dev/null | LC_ALL=C sort > bo.want
agentpprof-team query --view cost --developer "$bo" --client "clickhouse-client --port $p1" | LC_ALL=C sort > bo.got
check_same "--developer HASH: that developer's cost stacks" bo.want bo.got
agentpprof-team query --view tokens --since 2025-06-02 --until 2025-06-03 --client "clickhouse-client --port $p1" > day.folded
want=$(for d in ana bo cy; do agent-stack --view tokens --since 2025-06-02 --until 2025-06-03 $d.ndjson 2> /dev/null; done | awk '{ s += $NF } END { print s + 0 }')
check_test "--since/--until: the days' total ($want)" "$(awk '{ s += $NF } END { print s + 0 }' day.folded)" = "$want"
done_testing
