#!/usr/bin/env bash
# What losing a node of the PostgreSQL pair costs the lottery, in the issue's shape: scripts/run-centrals.sh with
# PAIR=1 (2 centrals, 6 agencies x 40,000 bets in batches of 100 by default), a node killed once 30 % of the batches
# are stored, ROUNDS times for each case, the cases interleaved round by round so that all see the same minutes of
# a shared machine. Prints each run's `failover:` line, then per case the median and the range of: kill to the
# first batch stored after it (first_ack_ms; for the standby, the longest time nothing was stored), kill to the last
# agency's winners (last_winners_ms), and the batches the centrals refused meanwhile (refused).
#
#   ./scripts/bench-failover.sh [ROUNDS]      ROUNDS (default 5)
#
# Environment: CASES (default "primary:node primary:postmaster standby:node"; primary:freeze stops the primary's
# processes instead, a hung machine), CENTRALS, AGENCIES, BETS, BATCH (default 2, 6, 40000, 100), BASELINE_JAR
# (another central's jar: every case is run with it too, in the same rounds, shown as CASE@baseline), PG_HA_DEFAULTS=1
# (the monitor's default settings). Every run's folder stays in target/failover-bench/ until the next bench.
# Needs scripts/ensure-postgres.sh and scripts/ensure-pg-auto-failover.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
rounds=${1:-5}
if ! [[ $rounds =~ ^[0-9]+$ ]] || [[ $rounds -lt 1 ]]; then
    echo "usage: $0 [ROUNDS]" >&2
    exit 2
fi
cases=${CASES:-primary:node primary:postmaster standby:node}
centrals=${CENTRALS:-2}
agencies=${AGENCIES:-6}
bets=${BETS:-40000}
batch=${BATCH:-100}
baseline=${BASELINE_JAR:-}
# shellcheck source=scripts/local-processes.sh
source scripts/local-processes.sh
build_jars_when_stale

out=target/failover-bench
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
echo "generating $agencies agency files of $bets bets ..."
java -jar "$client_jar" generate --out "$out/data" --agencies "$agencies" --bets "$bets" --winners 3 --seed 2026 \
    --crlf > "$out/generate.log"

variants=(branch)
[[ -z $baseline ]] || variants+=(baseline)
for ((round = 1; round <= rounds; round++)); do
    for case in $cases; do
        for variant in "${variants[@]}"; do
            name=$case
            jar=server/target/lottery-server.jar
            if [[ $variant == baseline ]]; then
                name=$case@baseline
                jar=$baseline
            fi
            side=KILL_PRIMARY
            [[ ${case%%:*} == primary ]] || side=KILL_STANDBY
            work="$out/${name//[:@]/-}-$round"
            if line=$(env PAIR=1 "$side=${case#*:}" BETS="$bets" BATCH="$batch" DATA="$out/data" WORK="$work" \
                SERVER_JAR="$jar" ./scripts/run-centrals.sh "$centrals" "$agencies" 2>&1 | grep '^failover:'); then
                echo "round $round $name: $line"
                echo "$name $line" >> "$out/results"
            else
                echo "round $round $name: FAILED (see $work)" >&2
                echo "$name FAILED" >> "$out/results"
            fi
        done
    done
done

# Per case: median and range of each figure over the runs that completed.
summary() {
    local name=$1 key values
    for key in first_ack_ms longest_pause_ms last_winners_ms refused; do
        values=$(grep "^$name failover:" "$out/results" | sed -n "s/.*| $key: \([0-9]*\) .*/\1/p" | sort -n)
        [[ -n $values ]] || continue
        awk -v key="$key" '{ v[NR] = $1 } END {
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "  %s: median %s, range %s-%s (%d runs)\n", key, m, v[1], v[NR], NR }' <<< "$values"
    done
}

echo "failover bench: $centrals centrals, $agencies agencies x $bets bets, batch $batch, $rounds rounds," \
    "monitor settings: $([[ ${PG_HA_DEFAULTS:-} == 1 ]] && echo "pg_auto_failover's defaults" || echo "scripts/pg-ha.sh's")"
for case in $cases; do
    for variant in "${variants[@]}"; do
        name=$case
        [[ $variant == branch ]] || name=$case@baseline
        echo "$name: $(grep -c "^$name failover:" "$out/results" || true) of $rounds runs completed"
        summary "$name"
    done
done
