#!/usr/bin/env bash
# What the operator's view costs the ingest: interleaved rounds of the standard benchmark (scripts/bench.sh) in
# three modes, in turn within each round:
#   off      STATUS_PORT=0: no status port
#   on       the status port open (the default), nobody looking
#   watched  the status port with a page's event stream open and /metrics scraped every 100 ms
#            (ar.loteria.bench.StatusWatcher, a process of its own on the same machine)
# Each bench.sh prints the median of its runs; this prints, per mode, the median of the rounds and the ratios.
#
#   ./scripts/bench-status.sh [AGENCIES]     default 50
#
# Environment: ROUNDS (default 5), RUNS (counted runs per bench.sh, default 3), STATUS_PORT (the port used in
# the "on" and "watched" modes, default 18080), WATCH_PORT (what the watcher watches, default STATUS_PORT), SCRAPE_MS
# (the watcher's scrape period, default 100; 0: as fast as it can), WORK
# (logs, default target/bench-status), EXTRA (more options for the load generator, e.g.
# EXTRA="--shape 269360,255180,160140,92380,9910" for ten times the data).
set -euo pipefail

cd "$(dirname "$0")/.."
agencies=${1:-50}
rounds=${ROUNDS:-5}
runs=${RUNS:-3}
port=${STATUS_PORT:-18080}
# The port the watcher watches: the benchmarked central's unless WATCH_PORT names another (a decoy central's, to
# tell what the watcher's own CPU costs from what watching costs the central).
watch_port=${WATCH_PORT:-$port}
# How often the watcher scrapes /metrics; 0 scrapes in a tight loop (a client that asks as fast as it can).
scrape_ms=${SCRAPE_MS:-100}
work=${WORK:-target/bench-status}
mkdir -p "$work"
if [[ ! -f benchmarks/target/lottery-bench.jar || ! -f server/target/lottery-server.jar ]]; then
    mvn -B -q package -DskipTests
fi

watcher_pid=
cleanup() {
    if [[ -n $watcher_pid ]]; then
        kill "$watcher_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

# One bench.sh in MODE; prints its bets/s.
bench() {
    local mode=$1 round=$2 log="$work/$1-$2.log" status_port=$port
    [[ $mode == off ]] && status_port=0
    if [[ $mode == watched ]]; then
        java -XX:TieredStopAtLevel=1 -Xmx64m -cp benchmarks/target/lottery-bench.jar ar.loteria.bench.StatusWatcher \
            "$watch_port" --scrape-ms "$scrape_ms" --seconds 300 > "$work/watcher-$round.log" 2>&1 &
        watcher_pid=$!
    fi
    STATUS_PORT=$status_port BENCH_ARGS="--runs $runs ${EXTRA:-}" ./scripts/bench.sh "$agencies" > "$log" 2>&1
    if [[ $mode == watched ]]; then
        kill "$watcher_pid"
        wait "$watcher_pid" 2>/dev/null || true
        watcher_pid=
    fi
    sed -n 's/^bets\/s: \([0-9]*\)$/\1/p' "$log" | tail -n 1
}

declare -A results=([off]="" [on]="" [watched]="")
modes=(off on watched)
for ((round = 1; round <= rounds; round++)); do
    line="round $round:"
    for ((i = 0; i < 3; i++)); do
        # The order turns each round, so that no mode always runs first or last.
        mode=${modes[$(((i + round) % 3))]}
        rate=$(bench "$mode" "$round")
        [[ -n $rate ]] || { echo "no bets/s in $work/$mode-$round.log" >&2; exit 1; }
        results[$mode]+="$rate "
        line+=" $mode $rate"
    done
    echo "$line"
done

median() {
    tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
off=$(median <<< "${results[off]}")
on=$(median <<< "${results[on]}")
watched=$(median <<< "${results[watched]}")
echo "medians of $rounds rounds, bets/s: off $off, on $on, watched $watched"
awk -v off="$off" -v on="$on" -v w="$watched" 'BEGIN {
    printf "watched against on: %+.1f %%, watched against off: %+.1f %%, on against off: %+.1f %%\n",
        100 * (w / on - 1), 100 * (w / off - 1), 100 * (on / off - 1) }'
# The central's CPU seconds from its agencies' first connection to the end of each counted run (all its threads),
# which the machine's other load disturbs less than bets/s.
for mode in off on watched; do
    grep -h '^run [1-9][0-9]* central cpu s: ' "$work/$mode"-*.log \
        | sed 's/.*since the agencies connected {\([^}]*\)}.*/\1/' \
        | awk -F', ' '{ s = 0; for (i = 1; i <= NF; i++) { split($i, kv, "="); s += kv[2] } print s }' \
        | median | xargs printf "central CPU s during ingest, median per run, %s: %s\n" "$mode"
done
for mode in off on watched; do
    awk '/^central, [0-9]+ runs:/ { central = 1 } central && /^  server ready ms/ { gsub(",", "", $5); print $5; central = 0 }' \
        "$work/$mode"-*.log \
        | median | xargs printf "central ready (start to listening) ms, median of the rounds, %s: %s\n" "$mode"
done
tail -q -n 1 "$work"/watcher-*.log
