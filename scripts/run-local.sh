#!/usr/bin/env bash
# Runs the whole system on this machine: one central and N agencies as local processes on loopback,
# each agency on its .data/agency-I.csv when present, or on generated data otherwise. Prints each
# agency's winners, stops the central with SIGTERM and checks every exit code.
#
#   ./scripts/run-local.sh [N]        N agencies (default 5)
#
# Environment: BETS (bets per generated agency file, default 15740), WINNERS (winners per generated
# file, default 3), BATCH (batch.maxAmount, default 100), WORK (work folder, default target/local-run),
# STATUS_PORT (the central's live view, default 8080; 0 turns it off).
set -euo pipefail

cd "$(dirname "$0")/.."
agencies=${1:-5}
if ! [[ $agencies =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [AGENCIES]" >&2
    exit 2
fi
bets=${BETS:-15740}
winners=${WINNERS:-3}
batch=${BATCH:-100}
work=${WORK:-target/local-run}
# shellcheck source=scripts/local-processes.sh
source scripts/local-processes.sh
build_jars_when_stale
status_port=${STATUS_PORT:-8080}

rm -rf "$work"
mkdir -p "$work/central"
work=$(cd "$work" && pwd)

agency_data "$work" "$agencies" "$bets" "$winners"

pids=()
server_pid=
cleanup() {
    for pid in "${pids[@]}" $server_pid; do
        kill "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# Port 0: the central takes a free port and logs it in its accept_connections line.
(cd "$work/central" && exec env SERVER_PORT=0 STATUS_PORT="$status_port" AGENCIES="$agencies" LOGGING_LEVEL=INFO \
    STORAGE_FILEPATH="$work/central/bets.csv" java "@$OLDPWD/docker/jvm.options" \
    -XX:SharedArchiveFile="$OLDPWD/$central_archive" -jar "$OLDPWD/$server_jar") \
    > "$work/central.log" 2>&1 &
server_pid=$!
port=$(await_port "$work/central.log" "$server_pid")
if [[ $status_port != 0 ]]; then
    echo "live view: http://127.0.0.1:$status_port/"
fi
echo "central listening on 127.0.0.1:$port (log: $work/central.log)"

started=$(date +%s%N)
start_agencies "$work" "$agencies" "127.0.0.1:$port" "$batch"

# The winners' documents per agency, read from the central's store (python3, when the machine has it).
winners_of() {
    python3 - "$work/central/bets.csv" "$1" <<'PY' 2>/dev/null || true
import csv, sys
rows = csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))
print(" ".join(r[3] for r in rows if r[0] == sys.argv[2] and r[5] == "7574"))
PY
}

failed=0
for ((i = 1; i <= agencies; i++)); do
    if wait "${pids[$((i - 1))]}"; then
        line=$(grep 'action: consulta_ganadores | result: success' "$work/agency-$i.log" | tail -n 1)
        documents=$(winners_of "$i")
        echo "agency $i: ${line##*| }${documents:+ (documents: $documents)}"
    else
        echo "agency $i: FAILED (exit $?), see $work/agency-$i.log" >&2
        failed=1
    fi
done
pids=()
elapsed_ms=$((($(date +%s%N) - started) / 1000000))

kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=
rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))))' \
    "$work/central/bets.csv" 2>/dev/null || grep -c $'\r$' "$work/central/bets.csv")
echo "stored bets: $rows in $work/central/bets.csv; agencies done in ${elapsed_ms} ms; central exit code $server_status"
if [[ $failed -ne 0 || $server_status -ne 0 ]]; then
    exit 1
fi
