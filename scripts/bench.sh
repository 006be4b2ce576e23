#!/usr/bin/env bash
# The ingest benchmark: builds what it needs, then runs the load generator, which starts the central's jar as its own
# process for each run (fresh store, free port) and drives K agencies over loopback. Each round also runs two
# reference centrals of the bench (a do-nothing one, "null", and one that only appends CSV rows, "null+csv"),
# interleaved with the central. Each case ends with the lines `cpu: ...` (CPU per agency against null+csv's),
# `ceiling: P % of null, Q % of null+csv` and `bets/s: N` (the central's median).
#
#   ./scripts/bench.sh [AGENCIES]       the standard case; default 50: the course's data set shape ten times,
#                                       786,970 bets
#   ./scripts/bench.sh national         the national shape: 10,000 agencies of 100 bets, all at the close of betting
#   ./scripts/bench.sh all              both, standard then national, then the two cases side by side (make bench)
#
# The central and the references run with the JVM options the Docker image uses (docker/jvm.options), the central
# also with a class-data sharing archive of its classes as in its image (server/target/central.jsa, made by
# scripts/class-archives.sh, the image's training run, whenever the jar is newer). SERVER_OPTS replaces the options
# (SERVER_OPTS=" " runs them bare), CENTRAL_OPTS the central's own (CENTRAL_OPTS=" ": no archive).
# Extra arguments for the load generator go in BENCH_ARGS (all of them: BENCH_ARGS=--help), e.g.
#   BENCH_ARGS="--runs 9" ./scripts/bench.sh
#   BENCH_ARGS="--references false" ./scripts/bench.sh      # the central alone, as before the references
#   BENCH_ARGS="--central-env SERVER_TRANSPORT=nio" ./scripts/bench.sh national   # the central on the JDK's selector
#   BENCH_ARGS="--parked 10000" ./scripts/bench.sh
#   SERVER_OPTS="@docker/jvm.options -Xmx64m" BENCH_ARGS="--runs 1 --shape 200000" ./scripts/bench.sh
# STORAGE_URL (with STORAGE_USER, STORAGE_PASSWORD) runs the central on that PostgreSQL server, a new database per
# run; STORE=postgres starts a throwaway server for the benchmark (scripts/pg-local.sh) and removes it after:
#   STORE=postgres ./scripts/bench.sh           (make bench-postgres)
set -euo pipefail

cd "$(dirname "$0")/.."
case=${1:-50}
if [[ $case == all ]]; then
    # Both cases in turn, each with its own output kept, then their closing lines side by side.
    standard_out=$(mktemp /tmp/lottery-bench-standard.XXXXXX)
    national_out=$(mktemp /tmp/lottery-bench-national.XXXXXX)
    trap 'rm -f "$standard_out" "$national_out"' EXIT
    echo "== standard case: ${AGENCIES:-50} agencies of the course's shape"
    "$0" "${AGENCIES:-50}" | tee "$standard_out"
    echo "== national case: 10,000 agencies of 100 bets"
    "$0" national | tee "$national_out"
    echo "== the two cases (medians of the rounds above)"
    for kind in standard national; do
        out=${kind}_out
        echo "$kind:"
        grep -E '^(cpu:|ceiling:|bets/s:)|^  (central|null|null\+csv) +[0-9]+ \(' "${!out}" | sed 's/^ */  /'
        awk '/^central, [0-9]+ runs:/ {c = 1}
             c && /server peak RSS MB/ {sub(/^ *server peak RSS MB */, ""); print "  central peak RSS MB: " $0; exit}' \
            "${!out}"
    done
    exit 0
fi
agencies=$case
generator_args=()
if [[ $case == national ]]; then
    agencies=10000
    generator_args=(--shape 100)
fi
if ! [[ $agencies =~ ^[0-9]+$ ]] || [[ $agencies -lt 1 ]]; then
    echo "usage: $0 [AGENCIES|national|all]" >&2
    exit 2
fi
# Every agency is a loopback connection, and each end holds a file descriptor for it in its own process.
wanted_files=$((agencies + 1024))
if [[ $(ulimit -n) != unlimited && $(ulimit -n) -lt $wanted_files ]]; then
    ulimit -n "$wanted_files" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    if [[ $(ulimit -n) != unlimited && $(ulimit -n) -lt $wanted_files ]]; then
        echo "warning: $agencies agencies need $wanted_files open files per process, the limit is $(ulimit -n)" >&2
    fi
fi
if [[ ! -f benchmarks/target/lottery-bench.jar || ! -f server/target/lottery-server.jar \
    || ! -f client/target/lottery-client.jar ]] \
    || [[ -n $(find common-codec common-logging server client benchmarks pom.xml -newer benchmarks/target/lottery-bench.jar \
        \( -name '*.java' -o -name 'pom.xml' \) -not -path '*/target/*' -print -quit) ]]; then
    echo "building (mvn -B -q package -DskipTests) ..."
    mvn -B -q package -DskipTests
fi
central_opts=${CENTRAL_OPTS:-}
if [[ -z $central_opts ]]; then
    scripts/class-archives.sh
    central_opts="-XX:SharedArchiveFile=$PWD/server/target/central.jsa"
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
    --server-opts "${SERVER_OPTS:-@docker/jvm.options}" --central-opts "$central_opts" "${database[@]}" \
    "${generator_args[@]}" ${BENCH_ARGS:-}
