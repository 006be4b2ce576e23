#!/usr/bin/env bash
# Runs one lottery on several centrals, as local processes on loopback: a throwaway PostgreSQL server
# (scripts/pg-local.sh), C centrals sharing its database, and N agencies that each know every central
# (CLI_SERVER_ADDRESS lists them all; agency I starts at entry (I-1) mod C and moves on if its central is lost).
# Prints each agency's winners, exports the database to bets.csv with the server jar's export command, stops
# everything and checks every exit code.
#
#   ./scripts/run-centrals.sh [C] [N]        C centrals (default 3), N agencies (default 10)
#
# Environment: BETS (bets per generated agency file, default 15740), WINNERS (default 3), BATCH (batch.maxAmount,
# default 100), WORK (work folder, default target/centrals-run), KILL=I stops central I with SIGKILL once the
# agencies are sending (its agencies move to the others). Needs PostgreSQL's server (scripts/ensure-postgres.sh).
set -euo pipefail

cd "$(dirname "$0")/.."
centrals=${1:-3}
agencies=${2:-10}
if ! [[ $centrals =~ ^[0-9]+$ && $agencies =~ ^[0-9]+$ ]] || [[ $centrals -lt 1 ]]; then
    echo "usage: $0 [CENTRALS] [AGENCIES]" >&2
    exit 2
fi
bets=${BETS:-15740}
winners=${WINNERS:-3}
batch=${BATCH:-100}
work=${WORK:-target/centrals-run}
kill_central=${KILL:-}
# shellcheck source=scripts/local-processes.sh
source scripts/local-processes.sh
build_jars_when_stale

if [[ -d $work/pg ]]; then
    scripts/pg-local.sh stop "$work/pg" || true
fi
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

pids=()
central_pids=()
cleanup() {
    for pid in "${pids[@]}" "${central_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    scripts/pg-local.sh stop "$work/pg" 2>/dev/null || true
}
trap cleanup EXIT

url=$(scripts/pg-local.sh start "$work/pg")
database=(STORAGE_URL="$url" STORAGE_USER=postgres STORAGE_PASSWORD=lottery)
echo "database: $url (log: $work/pg/server.log)"

addresses=()
for ((c = 1; c <= centrals; c++)); do
    mkdir -p "$work/central-$c"
    (cd "$work/central-$c" && exec env SERVER_PORT=0 AGENCIES="$agencies" LOGGING_LEVEL=INFO "${database[@]}" \
        java "@$OLDPWD/docker/jvm.options" \
            -XX:SharedArchiveFile="$OLDPWD/$central_archive" -jar "$OLDPWD/$server_jar") > "$work/central-$c.log" 2>&1 &
    central_pids+=($!)
done
for ((c = 1; c <= centrals; c++)); do
    port=$(await_port "$work/central-$c.log" "${central_pids[$((c - 1))]}" 30)
    addresses+=("127.0.0.1:$port")
    echo "central $c listening on 127.0.0.1:$port (log: $work/central-$c.log)"
done
list=$(IFS=,; echo "${addresses[*]}")

agency_data "$work" "$agencies" "$bets" "$winners"

started=$(date +%s%N)
start_agencies "$work" "$agencies" "$list" "$batch"

if [[ -n $kill_central ]]; then
    # Once some bets are in, as a crash would: its agencies move on to the next central of their list.
    until grep -q 'action: apuesta_recibida' "$work/central-$kill_central.log"; do
        sleep 0.05
    done
    kill -KILL "${central_pids[$((kill_central - 1))]}"
    echo "central $kill_central killed (SIGKILL)"
fi

failed=0
for ((i = 1; i <= agencies; i++)); do
    if wait "${pids[$((i - 1))]}"; then
        line=$(grep 'action: consulta_ganadores | result: success' "$work/agency-$i.log" | tail -n 1)
        echo "agency $i: ${line##*| }"
    else
        echo "agency $i: FAILED (exit $?), see $work/agency-$i.log" >&2
        failed=1
    fi
done
pids=()
elapsed_ms=$((($(date +%s%N) - started) / 1000000))

status=0
for ((c = 1; c <= centrals; c++)); do
    pid=${central_pids[$((c - 1))]}
    if [[ $c == "$kill_central" ]]; then
        wait "$pid" 2>/dev/null || true
        continue
    fi
    kill -TERM "$pid"
    code=0
    wait "$pid" || code=$?
    draws=$(grep -c 'action: sorteo | result: success' "$work/central-$c.log" || true)
    echo "central $c: exit code $code, sorteo lines $draws"
    [[ $code -eq 0 && $draws -eq 1 ]] || status=1
done
central_pids=()

(cd "$work" && env "${database[@]}" java -jar "$OLDPWD/$server_jar" export --out "$work/bets.csv") \
    > "$work/export.log" 2>&1 || { cat "$work/export.log" >&2; status=1; }
rows=$(grep -o 'bets: [0-9]*' "$work/export.log" | tail -n 1)
echo "exported ${rows:-nothing} to $work/bets.csv; agencies done in ${elapsed_ms} ms"
if [[ $failed -ne 0 || $status -ne 0 ]]; then
    exit 1
fi
