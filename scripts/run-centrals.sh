#!/usr/bin/env bash
# Runs one lottery on several centrals, as local processes on loopback: a throwaway PostgreSQL server
# (scripts/pg-local.sh), or with PAIR=1 a pair that fails over by itself (scripts/pg-ha.sh: pg_auto_failover's
# monitor and two nodes, the standby synchronous), C centrals sharing its database, and N agencies that each know
# every central (CLI_SERVER_ADDRESS lists them all; agency I starts at entry (I-1) mod C and moves on if its central
# is lost). Prints each agency's winners, exports the database to bets.csv with the server jar's export command,
# stops everything and checks every exit code and that the export holds every bet once.
#
#   ./scripts/run-centrals.sh [C] [N]        C centrals (default 3), N agencies (default 10)
#
# Environment: BETS (bets per generated agency file, default 15740), WINNERS (default 3), BATCH (batch.maxAmount,
# default 100), WORK (work folder, default target/centrals-run), KILL=I stops central I with SIGKILL once the
# agencies are sending (its agencies move to the others), DATA (a folder of agency-I.csv files to use instead),
# SERVER_JAR (another central's jar, to compare). Needs PostgreSQL's server (scripts/ensure-postgres.sh).
#
# With PAIR=1 (needs scripts/ensure-pg-auto-failover.sh too), once KILL_AT (default 0.3) of the batches are stored:
#   KILL_PRIMARY=node         SIGKILL every process of the primary node (its keeper and its postgres): a lost machine
#   KILL_PRIMARY=postmaster   SIGKILL the primary's postmaster only (its keeper restarts it, the monitor fails over)
#   KILL_PRIMARY=freeze       SIGSTOP every process of the primary node: a machine that hangs, answering nothing
#   KILL_STANDBY=node         SIGKILL every process of the standby node: the primary carries on alone
# and then prints one `failover:` line: the milliseconds from the kill to the first batch stored after it
# (first_ack_ms; with KILL_STANDBY, longest_pause_ms: the longest time no central stored a batch), to the last
# agency's exit with its winners (last_winners_ms), and the batches the centrals refused meanwhile (refused, from
# their `base_de_datos | result: success | lotes_rechazados: N` lines). scripts/bench-failover.sh repeats it.
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
pair=${PAIR:-}
kill_primary=${KILL_PRIMARY:-}
kill_standby=${KILL_STANDBY:-}
kill_at=${KILL_AT:-0.3}
if [[ (-n $kill_primary || -n $kill_standby) && $pair != 1 ]] || [[ -n $kill_primary && -n $kill_standby ]] \
    || [[ -n $kill_primary && ! $kill_primary =~ ^(node|postmaster|freeze)$ ]] \
    || [[ -n $kill_standby && $kill_standby != node ]]; then
    echo "KILL_PRIMARY=node|postmaster|freeze or KILL_STANDBY=node, with PAIR=1" >&2
    exit 2
fi
if [[ $pair == 1 ]]; then
    database_tool=scripts/pg-ha.sh
else
    database_tool=scripts/pg-local.sh
fi
# shellcheck source=scripts/local-processes.sh
source scripts/local-processes.sh
build_jars_when_stale
# The class-data archive belongs to the jar it was made from: none for another jar (SERVER_JAR).
archive=(-XX:SharedArchiveFile="$PWD/$central_archive")
[[ -z ${SERVER_JAR:-} ]] || archive=()
server_jar=$(realpath "${SERVER_JAR:-$server_jar}")

if [[ -d $work/pg ]]; then
    scripts/pg-local.sh stop "$work/pg" 2>/dev/null || true
    scripts/pg-ha.sh stop "$work/pg" 2>/dev/null || true
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
    "$database_tool" stop "$work/pg" 2>/dev/null || true
}
trap cleanup EXIT

url=$("$database_tool" start "$work/pg")
database=(STORAGE_URL="$url" STORAGE_USER=postgres STORAGE_PASSWORD=lottery)
if [[ $pair == 1 ]]; then
    echo "database: $url (pg_auto_failover in $work/pg; synchronous_standby_names on node1:" \
        "$(scripts/pg-ha.sh sql "$work/pg" node1 "SHOW synchronous_standby_names"))"
else
    echo "database: $url (log: $work/pg/server.log)"
fi

addresses=()
for ((c = 1; c <= centrals; c++)); do
    mkdir -p "$work/central-$c"
    # STATUS_PORT=0: several centrals on one machine cannot all have the live view on 8080.
    (cd "$work/central-$c" && exec env SERVER_PORT=0 STATUS_PORT=0 AGENCIES="$agencies" LOGGING_LEVEL=INFO \
        "${database[@]}" java "@$OLDPWD/docker/jvm.options" "${archive[@]}" -jar "$server_jar") \
        > "$work/central-$c.log" 2>&1 &
    central_pids+=($!)
done
for ((c = 1; c <= centrals; c++)); do
    port=$(await_port "$work/central-$c.log" "${central_pids[$((c - 1))]}" 30)
    addresses+=("127.0.0.1:$port")
    echo "central $c listening on 127.0.0.1:$port (log: $work/central-$c.log)"
done
list=$(IFS=,; echo "${addresses[*]}")

if [[ -n ${DATA:-} ]]; then
    data_dir=$(cd "$DATA" && pwd)
else
    agency_data "$work" "$agencies" "$bets" "$winners"
fi
expected=0
for ((i = 1; i <= agencies; i++)); do
    expected=$((expected + $(grep -c . "$data_dir/agency-$i.csv")))
done

if [[ -n $kill_primary || -n $kill_standby ]]; then
    primary=$(scripts/pg-ha.sh primary "$work/pg")
fi
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

# Batches stored so far, by every central.
stored_batches() {
    grep -c 'action: apuesta_recibida | result: success' "$work"/central-*.log | awk -F: '{ n += $NF } END { print n }'
}

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

if [[ -n $kill_primary || -n $kill_standby ]]; then
    batches=$((expected / batch))
    threshold=$(awk -v b="$batches" -v f="$kill_at" 'BEGIN { printf "%d", b * f }')
    if [[ -n $kill_primary ]]; then
        victim=$primary what=$kill_primary
    else
        victim=node2 what=$kill_standby
        [[ $primary == node1 ]] || victim=node1
    fi
    until [[ $(stored_batches) -ge $threshold ]]; do
        sleep 0.02
    done
    at_kill=$(stored_batches)
    killed_ms=$(scripts/pg-ha.sh kill "$work/pg" "$victim" "$what")
    echo "$victim killed ($what) after $at_kill of $batches batches"
    # Until every agency has ended: when the first batch is stored after the centrals are back on the database
    # (the standby's loss: the longest time without a batch stored), and when the last agency ended.
    first_ack_ms='' longest_pause_ms=0 last_store_ms=$killed_ms last_count=$at_kill
    while true; do
        running=0
        for pid in "${pids[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then
                running=1
                break
            fi
        done
        now=$(now_ms)
        count=$(stored_batches)
        if [[ $count -gt $last_count ]]; then
            if [[ -z $first_ack_ms ]] && { [[ -n $kill_standby ]] \
                || grep -q 'action: base_de_datos | result: success | .*lotes_rechazados' "$work"/central-*.log; }; then
                first_ack_ms=$((now - killed_ms))
            fi
            if [[ $((now - last_store_ms)) -gt $longest_pause_ms ]]; then
                longest_pause_ms=$((now - last_store_ms))
            fi
            last_store_ms=$now last_count=$count
        fi
        [[ $running -eq 1 ]] || break
        sleep 0.02
    done
    last_winners_ms=$(($(now_ms) - killed_ms))
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
    # A central none of whose agencies was left learns of the draw from its listener, within seconds.
    for _ in $(seq 1 200); do
        grep -q 'action: sorteo | result: success' "$work/central-$c.log" && break
        sleep 0.1
    done
    kill -TERM "$pid"
    code=0
    wait "$pid" || code=$?
    draws=$(grep -c 'action: sorteo | result: success' "$work/central-$c.log" || true)
    echo "central $c: exit code $code, sorteo lines $draws"
    [[ $code -eq 0 && $draws -eq 1 ]] || status=1
done
central_pids=()

(cd "$work" && env "${database[@]}" java -jar "$server_jar" export --out "$work/bets.csv") \
    > "$work/export.log" 2>&1 || { cat "$work/export.log" >&2; status=1; }
rows=$(grep -o 'bets: [0-9]*' "$work/export.log" | tail -n 1)
echo "exported ${rows:-nothing} to $work/bets.csv; agencies done in ${elapsed_ms} ms"
unique=$(sort -u "$work/bets.csv" | grep -c . || true)
if [[ ${rows#bets: } != "$expected" || $unique != "$expected" ]]; then
    echo "the export holds ${rows#bets: } rows, $unique distinct, for $expected bets sent" >&2
    status=1
fi
if [[ -n $kill_primary || -n $kill_standby ]]; then
    refused=$(cat "$work"/central-*.log \
        | sed -n 's/.*action: base_de_datos | result: success | .*lotes_rechazados: \([0-9]*\).*/\1/p' \
        | awk '{ n += $1 } END { print n + 0 }')
    if [[ -n $kill_primary ]]; then
        pause="first_ack_ms: ${first_ack_ms:-none}"
    else
        pause="longest_pause_ms: $longest_pause_ms"
    fi
    echo "failover: killed ${kill_primary:+primary $kill_primary}${kill_standby:+standby $kill_standby}" \
        "| $pause | last_winners_ms: $last_winners_ms | refused: $refused | centrals: $centrals | agencies: $agencies" \
        "| bets: $bets | batch: $batch"
fi
if [[ $failed -ne 0 || $status -ne 0 ]]; then
    exit 1
fi
