#!/usr/bin/env bash
# Shared by run-local.sh and run-centrals.sh (sourced, run from the repository root): building the jars when
# stale, the agencies' data, and waiting for a central to listen.

server_jar=server/target/lottery-server.jar
client_jar=client/target/lottery-client.jar
# Their class-data sharing archives (scripts/class-archives.sh): each JVM maps its program's classes at start.
# shellcheck disable=SC2034 # the central's is used by the scripts that source this file
central_archive=server/target/central.jsa
agency_archive=client/target/agency.jsa

# Build when a jar is missing or older than any source or pom; then archive their classes when a jar is newer.
stale() {
    [[ ! -f $1 ]] || [[ -n $(find common-codec common-logging server client pom.xml -newer "$1" \
        \( -name '*.java' -o -name 'pom.xml' -o -name '*.xml' \) -not -path '*/target/*' -print -quit) ]]
}

build_jars_when_stale() {
    if stale "$server_jar" || stale "$client_jar"; then
        echo "building the jars (mvn -B -q package -DskipTests) ..."
        mvn -B -q package -DskipTests
    fi
    scripts/class-archives.sh
}

# Sets data_dir: .data when it holds agency-1..N.csv, else N generated files in WORK/data.
# Arguments: WORK N BETS WINNERS.
agency_data() {
    local work=$1 agencies=$2 bets=$3 winners=$4 i
    data_dir=.data
    for ((i = 1; i <= agencies; i++)); do
        if [[ ! -f $data_dir/agency-$i.csv ]]; then
            data_dir="$work/data"
            echo "generating $agencies agency files of $bets bets into $data_dir ..."
            java -jar "$client_jar" generate --out "$data_dir" --agencies "$agencies" --bets "$bets" \
                --winners "$winners" --seed 2026 --crlf > "$work/generate.log"
            break
        fi
    done
    data_dir=$(cd "$data_dir" && pwd)
}

# Prints the port the central logging to LOG (process PID) listens on, once it does; exits 1 if it ends first
# or takes more than SECONDS (default 10).
await_port() {
    local log=$1 pid=$2 seconds=${3:-10} port='' _
    for _ in $(seq 1 $((seconds * 10))); do
        port=$(sed -n 's/.*action: accept_connections | result: in_progress | port: \([0-9]*\).*/\1/p' "$log")
        [[ -n $port ]] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$log" >&2
            echo "the central did not start" >&2
            exit 1
        fi
        sleep 0.1
    done
    [[ -n $port ]] || { echo "the central did not listen within $seconds s (log: $log)" >&2; exit 1; }
    echo "$port"
}

# Starts agencies 1..N on the bets in data_dir, each told ADDRESS (one central, or a list), in WORK/agency-I, logging
# to WORK/agency-I.log; appends their pids to pids. Arguments: WORK N ADDRESS BATCH.
start_agencies() {
    local work=$1 agencies=$2 address=$3 batch=$4 i
    for ((i = 1; i <= agencies; i++)); do
        mkdir -p "$work/agency-$i"
        (cd "$work/agency-$i" && exec env CLI_ID="$i" CLI_SERVER_ADDRESS="$address" \
            CLI_DATA_FILE="$data_dir/agency-$i.csv" CLI_BATCH_MAXAMOUNT="$batch" \
            java "@$OLDPWD/docker/agency-jvm.options" -XX:SharedArchiveFile="$OLDPWD/$agency_archive" \
                -jar "$OLDPWD/$client_jar") > "$work/agency-$i.log" 2>&1 &
        pids+=($!)
    done
}
