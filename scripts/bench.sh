#!/usr/bin/env bash
# The standard ingest benchmark: builds what it needs, then runs the load generator, which starts the
# central's jar as its own process for each run (fresh store, free port) and drives K agencies over
# loopback. Each round also runs two reference centrals of the bench (a do-nothing one, "null", and one that
# only appends CSV rows, "null+csv"), interleaved with the central. Ends with the lines
# `ceiling: P % of null, Q % of null+csv` and `bets/s: N` (the central's median).
#
#   ./scripts/bench.sh [AGENCIES]       default 50: the course's data set shape ten times, 786,970 bets
#
# The central and the references run with the JVM options the Docker image uses (docker/jvm.options), the central
# also with a class-data sharing archive of its classes as in its image (server/target/central.jsa, made here by
# the image's training run, docker/class-lists.sh, whenever the jar is newer). SERVER_OPTS replaces the options
# (SERVER_OPTS=" " runs them bare), CENTRAL_OPTS the central's own (CENTRAL_OPTS=" ": no archive).
# Extra arguments for the load generator go in BENCH_ARGS (all of them: BENCH_ARGS=--help), e.g.
#   BENCH_ARGS="--runs 9" ./scripts/bench.sh
#   BENCH_ARGS="--references false" ./scripts/bench.sh      # the central alone, as before the references
#   BENCH_ARGS="--parked 10000" ./scripts/bench.sh
#   SERVER_OPTS="@docker/jvm.options -Xmx64m" BENCH_ARGS="--runs 1 --shape 200000" ./scripts/bench.sh
# STORAGE_URL (with STORAGE_USER, STORAGE_PASSWORD) runs the central on that PostgreSQL server, a new database per
# run; STORE=postgres starts a throwaway server for the benchmark (scripts/pg-local.sh) and removes it after:
#   STORE=postgres ./scripts/bench.sh           (make bench-postgres)
set -euo pipefail

cd "$(dirname "$0")/.."
agencies=${1:-50}
if ! [[ $agencies =~ ^[0-9]+$ ]] || [[ $agencies -lt 1 ]]; then
    echo "usage: $0 [AGENCIES]" >&2
    exit 2
fi
if [[ ! -f benchmarks/target/lottery-bench.jar || ! -f server/target/lottery-server.jar \
    || ! -f client/target/lottery-client.jar ]] \
    || [[ -n $(find common-codec common-logging server client benchmarks pom.xml -newer benchmarks/target/lottery-bench.jar \
        \( -name '*.java' -o -name 'pom.xml' \) -not -path '*/target/*' -print -quit) ]]; then
    echo "building (mvn -B -q package -DskipTests) ..."
    mvn -B -q package -DskipTests
fi
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
central_opts=${CENTRAL_OPTS:-}
if [[ -z $central_opts ]]; then
    archive=$PWD/server/target/central.jsa
    if [[ ! -f $archive || server/target/lottery-server.jar -nt $archive ]]; then
        echo "archiving the central's classes (docker/class-lists.sh, then -Xshare:dump) ..."
        train=$(mktemp -d /tmp/lottery-train.XXXXXX)
        cp server/target/lottery-server.jar client/target/lottery-client.jar docker/jvm.options docker/agency-jvm.options \
            docker/class-lists.sh "$train"/
        port=$(free_port)
        status_port=$(free_port)
        (cd "$train" && TRAIN_PORT=$port TRAIN_STATUS_PORT=$status_port sh class-lists.sh)
        java @docker/jvm.options -Xshare:dump -Xlog:cds=error -XX:SharedClassListFile="$train/central.classlist" \
            -XX:SharedArchiveFile="$archive" -cp "$PWD/server/target/lottery-server.jar" >/dev/null
        rm -rf "$train"
    fi
    central_opts="-XX:SharedArchiveFile=$archive"
fi
database=()
if [[ ${STORE:-csv} == postgres && -z ${STORAGE_URL:-} ]]; then
    pg_dir=$(mktemp -d /tmp/lottery-bench-pg.XXXXXX)
    trap 'scripts/pg-local.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
    STORAGE_URL=$(scripts/pg-local.sh start "$pg_dir")
    STORAGE_USER=postgres
    STORAGE_PASSWORD=lottery
fi
if [[ -n ${STORAGE_URL:-} ]]; then
    database=(--storage-url "$STORAGE_URL" --storage-user "${STORAGE_USER:-}" --storage-password "${STORAGE_PASSWORD:-}")
fi
# The generator compiles with C1 only: C2 compiling its code would take a core from the central during the runs
# (measured: 0.2-0.3 CPU-s of its compiler per run, against 0.07-0.09 s of generator CPU with C1 only).
# shellcheck disable=SC2086 # BENCH_ARGS is a list of options on purpose
java -Xms1g -Xmx4g -XX:TieredStopAtLevel=1 -cp benchmarks/target/lottery-bench.jar ar.loteria.bench.LoadGenerator \
    --server-jar server/target/lottery-server.jar --agencies "$agencies" \
    --server-opts "${SERVER_OPTS:-@docker/jvm.options}" --central-opts "$central_opts" "${database[@]}" ${BENCH_ARGS:-}
