#!/usr/bin/env bash
# The composition, run for real: builds both images and runs the README's commands on a Docker-compatible
# engine (Docker, or podman behind a `docker` command), checking what a user would check. .ci/run runs it;
# `make smoke` too.
#
#   bash docker/smoke.sh [SCENARIO...]      (from anywhere; no scenario: all of them, in this order)
#
#   images   `make docker-image` builds server:latest and client:latest; both images' class-data
#            archives map (their entrypoints run with -Xshare:on)
#   course   5 agencies of the course's shape, generated into .data/: `docker compose up -d`, every check
#            below; `docker stop -t 20 server` exits 0 with the shutdown lines; stop then start, and
#            `docker compose restart server`, keep the stored bets and the same draw; `make docker-compose-down`
#            then `make docker-compose-up` starts a new draw; `make docker-compose-logs` shows it all
#   store    the opt-in host store (STORE_DIR, README) in a scratch copy of the layout: it outlives `down`
#   large    SMOKE_LARGE_AGENCIES agencies (default 100), generated, every check below
#
# The checks of a run (docker/smoke_checks.py): every agency exits 0 and logs the right `cant_ganadores`
# for its file, no `result: fail` line anywhere, the central's `apuesta_recibida` lines add up to the input
# and its one `sorteo` line comes after them, the central keeps running, and the store inside its container
# holds exactly the input bets (a multiset of rows read with a CSV reader, agency prefix included). Each run
# also reports the wall time from `up` to the last winners and, through docker/container-usage.py, each
# container's peak resident memory and CPU seconds; an agency above SMOKE_MAX_AGENCY_RSS_MB (64) or
# SMOKE_MAX_AGENCY_CPU_S (10) fails. The CPU ceiling only catches an agency that spins (it would burn a core for as
# long as the run waits): an agency's CPU seconds under the engine moved from 0.5 to 1.1-2.1 within a week on this
# machine, the code unchanged, while the same agencies as local processes stayed at 0.6 (docs/PERFORMANCE.md,
# "Containers"), so the figure is reported, not judged.
#
# Environment: DOCKER_COMPOSE (default "docker compose"), COMPOSE_HTTP_TIMEOUT (600 s, below),
# SMOKE_LARGE_AGENCIES (100), SMOKE_BETS (bets per generated agency, 15740: the course's data set has 78,697 bets
# for 5 agencies), SMOKE_WAIT_SECONDS (600: longest wait for a composition's agencies). Needs python3 and the
# client's jar (built when missing).
#
# It writes .data/agency-1.csv .. agency-5.csv (and removes them at the end) and refuses to start when
# .data/ holds agency files it did not write, such as the course's data set. Scratch files, logs and the
# figures (figures.txt) go to target/smoke/. Containers are named server, client1, ... as in the course,
# so it refuses to start while such containers exist. Exits non-zero, naming each failed check.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
readonly ROOT="$PWD"
readonly WORK="$ROOT/target/smoke"
readonly DEV_COMPOSE="docker-compose-dev.yaml"
readonly COURSE_AGENCIES=5
readonly LARGE_AGENCIES="${SMOKE_LARGE_AGENCIES:-100}"
readonly BETS="${SMOKE_BETS:-15740}"
readonly WINNERS=3
readonly WAIT_SECONDS="${SMOKE_WAIT_SECONDS:-600}"
readonly MAX_AGENCY_RSS_MB="${SMOKE_MAX_AGENCY_RSS_MB:-64}"
readonly MAX_AGENCY_CPU_S="${SMOKE_MAX_AGENCY_CPU_S:-10}"
readonly STOP_SECONDS=20
readonly CLIENT_JAR="client/target/lottery-client.jar"
readonly DATA_MARKER=".data/.written-by-smoke-test"
readonly ALL_SCENARIOS=(images course store large)
export DOCKER_COMPOSE="${DOCKER_COMPOSE:-docker compose}"
# Compose 1.x gives each call to the engine 60 s by default. Starting 100 agencies, each a JVM, on two cores, the
# engine (podman's API here) answered some `start` calls later than that while the agencies it had started ran, and
# Compose gave up on them though they started. Compose v2 does not read this setting.
export COMPOSE_HTTP_TIMEOUT="${COMPOSE_HTTP_TIMEOUT:-600}"
read -r -a COMPOSE <<<"$DOCKER_COMPOSE"

smoke_started=$SECONDS
failures=()
figures=()
timings=()
active_compose=""   # the compose file of the composition that is up, for the cleanup
sampler_pid=""

step() {
    echo "== [$((SECONDS - smoke_started)) s] $*"
}

fail() {
    echo "FAIL: $*" >&2
    failures+=("$*")
}

# Runs a command and fails the named check when it exits non-zero; its output goes to the log.
must() {
    local what="$1" rc
    shift
    "$@"
    rc=$?
    if ((rc != 0)); then
        fail "$what (exit code $rc: $*)"
        return 1
    fi
}

compose() {
    "${COMPOSE[@]}" "$@"
}

# Unix time with microseconds (bash 5), and the seconds since such a time.
now() {
    echo "$EPOCHREALTIME"
}

seconds_since() {
    awk -v t0="$1" -v t="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", t - t0 }'
}

agency_names() {
    local n="$1" i
    for ((i = 1; i <= n; i++)); do
        printf 'client%d\n' "$i"
    done
}

# ---------------------------------------------------------------------------------------------------------
# Preconditions and cleanup

preflight() {
    if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
        echo "FAIL: no container engine answers \`docker info\` (on this project's machines," \
            "../shared/tools/container-engine.sh sets one up)" >&2
        exit 1
    fi
    if ! command -v python3 >/dev/null; then
        echo "FAIL: python3 is needed for the checks (docker/smoke_checks.py)" >&2
        exit 1
    fi
    local taken
    taken="$(docker ps -a --format '{{.Names}}' | grep -E '^(server|client[0-9]+)$' | head -n 5 | tr '\n' ' ')"
    if [[ -n "$taken" ]]; then
        echo "FAIL: containers named like the composition's exist already ($taken): bring that" \
            "composition down first (make docker-compose-down, or docker rm -f ...)" >&2
        exit 1
    fi
    if compgen -G ".data/agency-*.csv" >/dev/null && [[ ! -f "$DATA_MARKER" ]]; then
        echo "FAIL: .data/ holds agency files this test did not write (the course's data set?)." \
            "It writes its own there: move them elsewhere first, or run it from a clean clone." >&2
        exit 1
    fi
    if [[ ! -f "$CLIENT_JAR" ]]; then
        step "building the client's jar for the bets generator"
        mvn -B -q -pl client -am package -DskipTests || { echo "FAIL: could not build $CLIENT_JAR" >&2; exit 1; }
    fi
    mkdir -p "$WORK"
}

stop_sampler() {
    if [[ -n "$sampler_pid" ]]; then
        kill "$sampler_pid" 2>/dev/null
        wait "$sampler_pid" 2>/dev/null
        sampler_pid=""
    fi
}

compose_down() {
    local file="$1"
    compose -f "$file" down -t "$STOP_SECONDS" >>"$WORK/compose.log" 2>&1 || fail "compose down of $file"
    active_compose=""
}

cleanup() {
    stop_sampler
    if [[ -n "$active_compose" ]]; then
        echo "== cleanup: bringing $active_compose down"
        compose -f "$active_compose" down -t "$STOP_SECONDS" >>"$WORK/compose.log" 2>&1
    fi
    if [[ -f "$DATA_MARKER" ]]; then
        rm -f .data/agency-*.csv "$DATA_MARKER"
    fi
    rm -rf "$WORK/large/.data" "$WORK/store/.data"
}

# ---------------------------------------------------------------------------------------------------------
# Building blocks of a run

generate() {
    local out="$1" agencies="$2"
    java -jar "$ROOT/$CLIENT_JAR" generate --out "$out" --agencies "$agencies" --bets "$BETS" \
        --winners "$WINNERS" --seed 7 --crlf >"$WORK/generate.log" 2>&1
}

# A scratch project laid out as the repository (config files, .data/) for compose files outside it.
scratch_project() {
    local dir="$1"
    rm -rf "$dir"
    mkdir -p "$dir/server" "$dir/client" "$dir/.data"
    cp server/config.ini "$dir/server/config.ini"
    cp client/config.yaml "$dir/client/config.yaml"
}

start_sampler() {
    python3 docker/container-usage.py "$1" 0.05 &
    sampler_pid=$!
}

# Waits for every agency container to exit; fails unless each exits 0 in time.
wait_for_agencies() {
    local agencies="$1" codes bad names
    mapfile -t names < <(agency_names "$agencies")
    if ! codes="$(timeout "$WAIT_SECONDS" docker wait "${names[@]}")"; then
        fail "the agencies did not all exit within ${WAIT_SECONDS} s"
        return 1
    fi
    bad="$(paste <(printf '%s\n' "${names[@]}") <(printf '%s\n' "$codes") | awk '$2 != 0' | head -n 5 | tr '\n' ' ')"
    if [[ -n "$bad" ]]; then
        fail "agencies exited non-zero (name code): $bad"
        return 1
    fi
    echo "  ok: all $agencies agencies exited 0"
}

# Line counts of each container's log, so that a later run's lines can be told apart.
log_offsets() {
    local agencies="$1" name names
    mapfile -t names < <(agency_names "$agencies")
    for name in server "${names[@]}"; do
        printf '%s %s\n' "$name" "$(docker logs "$name" 2>&1 | wc -l)"
    done
}

# Saves each container's log lines after the offsets (a file from log_offsets, or none: all lines).
save_logs() {
    local agencies="$1" dir="$2" offsets="${3:-}" name skip names
    mapfile -t names < <(agency_names "$agencies")
    mkdir -p "$dir"
    for name in server "${names[@]}"; do
        skip=0
        if [[ -n "$offsets" ]]; then
            skip="$(awk -v n="$name" '$1 == n {print $2}' "$offsets")"
        fi
        docker logs "$name" 2>&1 | tail -n +"$((skip + 1))" >"$dir/$name.log"
    done
}

check_logs() {
    local mode="$1" dir="$2" data="$3" agencies="$4"
    python3 docker/smoke_checks.py "$mode" "$dir" "$data" "$agencies" || fail "checks of the logs in $dir (above)"
}

# How many connections the kernel dropped unanswered at the central's port because its accept queue was full
# (SERVER_LISTEN_BACKLOG, 5 in the course's config.ini), from the counters of the server container's network.
listen_overflows() {
    docker exec server cat /proc/net/netstat 2>/dev/null | awk '
        /^TcpExt:/ && !seen { for (i = 1; i <= NF; i++) if ($i == "ListenOverflows") column = i; seen = 1; next }
        /^TcpExt:/ && column { print $column; found = 1 }
        END { if (!found) print "unknown" }'
}

# What the agencies of a run went through on their way, from their logs in $1: connection attempts retried,
# connections lost and resumed, requests left unanswered for the answer timeout.
agency_detours() {
    local dir="$1"
    printf '%s connection retries, %s reconnects, %s unanswered requests' \
        "$(cat "$dir"/client*.log | grep -c 'action: connect | result: in_progress')" \
        "$(cat "$dir"/client*.log | grep -c 'action: reconnect | result: in_progress')" \
        "$(cat "$dir"/client*.log | grep -c 'action: sin_respuesta | result: in_progress')"
}

check_server_running() {
    if [[ "$(docker inspect -f '{{.State.Running}}' server 2>/dev/null)" == true ]]; then
        echo "  ok: the central keeps running after its agencies have left"
    else
        fail "the central is not running after its agencies have left"
    fi
}

# The store inside the central's container, against the input.
check_container_store() {
    local data="$1" agencies="$2" copy="$3"
    if ! docker exec server cat /app/bets.csv >"$copy"; then
        fail "could not read /app/bets.csv in the server container"
        return 1
    fi
    python3 docker/smoke_checks.py store "$copy" "$data" "$agencies" || fail "the store in the server container"
}

# Reports a run's figures and checks the per-agency limits. $1 label, $2 usage file, $3 agencies,
# $4 Unix time of `up`, $5 seconds from `up` until `docker wait` saw the last agency exit.
report_usage() {
    local label="$1" usage="$2" agencies="$3" t0="$4" waited="$5" line
    line="$(awk -F'\t' -v t0="$t0" -v rss="$MAX_AGENCY_RSS_MB" -v cpu="$MAX_AGENCY_CPU_S" '
        $1 ~ /^client/ { k++; r += $2; a += $3; c += $4; if ($2 > mr) mr = $2; if ($4 > mc) mc = $4
                         if ($2 > rss) br++; if ($4 > cpu) bc++
                         if (first == "" || $5 < first) first = $5; if ($5 > lastStart) lastStart = $5
                         if ($6 > end) end = $6 }
        $1 == "server" && sr == "" { sr = $2; sc = $4 }
        $1 == "TOTAL"  { tr = $2; ta = $3 }
        END {
            if (k == 0) { print "none"; exit }
            printf "%d %.1f %.1f %.1f %.2f %.2f %.1f %.2f %.0f %.0f %d %d %.1f %.1f %.1f\n", k, r / k, mr, a / k,
                c / k, mc, sr, sc, tr, ta, br, bc, first - t0, lastStart - t0, end - t0
        }' "$usage")"
    if [[ "$line" == none ]]; then
        figures+=("$label: docker wait saw the last agency exit ${waited} s after up; per-container figures \
unavailable (the engine's processes are not visible in this host's /proc)")
        return
    fi
    local seen mean_rss max_rss mean_anon mean_cpu max_cpu server_rss server_cpu total total_anon
    local over_rss over_cpu first last_start end
    read -r seen mean_rss max_rss mean_anon mean_cpu max_cpu server_rss server_cpu total total_anon over_rss over_cpu \
        first last_start end <<<"$line"
    figures+=("$label: after up, the first agency JVM ran at ${first} s, the last at ${last_start} s, the last \
winners (last agency JVM gone) at ${end} s, docker wait returned at ${waited} s. Agency peak RSS ${mean_rss} MB \
mean, ${max_rss} max (${mean_anon} MB of it private); agency CPU ${mean_cpu} s mean, ${max_cpu} max ($seen of \
$agencies JVMs sampled). Central ${server_rss} MB, ${server_cpu} CPU-s. All containers together at most ${total} MB \
resident, ${total_anon} MB of it private.")
    if ((seen < agencies)); then
        echo "  note: the sampler saw $seen of $agencies agency JVMs"
    fi
    if ((over_rss > 0)); then
        fail "$label: $over_rss agencies above ${MAX_AGENCY_RSS_MB} MB peak RSS (max ${max_rss} MB; $usage)"
    else
        echo "  ok: every agency at most ${MAX_AGENCY_RSS_MB} MB peak RSS (max ${max_rss} MB)"
    fi
    if ((over_cpu > 0)); then
        fail "$label: $over_cpu agencies above ${MAX_AGENCY_CPU_S} CPU-s (max ${max_cpu} s; $usage)"
    else
        echo "  ok: every agency under ${MAX_AGENCY_CPU_S} CPU-s (max ${max_cpu} s)"
    fi
}

# After `docker stop`: exit code 0, and the log's last line is the shutdown line.
check_stopped_cleanly() {
    local rc="$1" seconds="$2" last exit_code
    exit_code="$(docker inspect -f '{{.State.ExitCode}}' server)"
    last="$(docker logs server 2>&1 | tail -n 1)"
    if [[ "$rc" == 0 && "$exit_code" == 0 && "$last" == *"action: shutdown | result: success"* ]]; then
        echo "  ok: docker stop -t $STOP_SECONDS server: exit code 0 in ${seconds} s, last line: ${last}"
    else
        fail "docker stop -t $STOP_SECONDS server: docker stop exit $rc, container exit code $exit_code," \
            "last line: $last"
    fi
}

wait_for_listening() {
    local offset="$1" i
    for ((i = 0; i < 300; i++)); do
        # grep -c reads to the end: with pipefail, grep -q's early exit could fail the pipeline on SIGPIPE.
        if (($(docker logs server 2>&1 | tail -n +"$((offset + 1))" | grep -c 'action: accept_connections') > 0)); then
            return 0
        fi
        sleep 0.1
    done
    fail "the restarted central did not log accept_connections within 30 s"
    return 1
}

# ---------------------------------------------------------------------------------------------------------
# Scenarios

scenario_images() {
    step "images: make docker-image"
    local t0
    t0="$(now)"
    if ! must "make docker-image" make docker-image >"$WORK/images.log" 2>&1; then
        tail -n 30 "$WORK/images.log" >&2
        return
    fi
    echo "  ok: both images built in $(seconds_since "$t0") s (log: $WORK/images.log)"
    # With sharing forced on, a JVM that cannot map its image's class archive stops before main; one that can
    # reaches the program's own configuration error (the agency: no CLI_ID; the central: a port that is not one).
    # Each image's entrypoint, unchanged.
    local out
    out="$(docker run --rm -e JAVA_TOOL_OPTIONS=-Xshare:on client:latest 2>&1)"
    if [[ "$out" == *"action: config | result: fail"* ]]; then
        echo "  ok: the agency image's entrypoint maps its class-data archive (-Xshare:on)"
    else
        fail "the agency image's class-data archive does not map: $out"
    fi
    out="$(docker run --rm -e JAVA_TOOL_OPTIONS=-Xshare:on -e SERVER_PORT=none server:latest 2>&1)"
    if [[ "$out" == *"action: config | result: fail"* ]]; then
        echo "  ok: the central image's entrypoint maps its class-data archive (-Xshare:on)"
    else
        fail "the central image's class-data archive does not map: $out"
    fi
}

# The composition of docker-compose-dev.yaml, checked as the course would run it.
scenario_course() {
    local n="$COURSE_AGENCIES" dir="$WORK/course" t0 seconds
    rm -rf "$dir"
    mkdir -p "$dir" .data
    step "course: $n agencies x $BETS bets generated into .data/ (the project's generator)"
    rm -f .data/agency-*.csv
    touch "$DATA_MARKER"
    must "generating .data/" generate .data "$n" || return

    step "course: docker compose -f $DEV_COMPOSE up -d, until every agency has its winners"
    start_sampler "$dir/usage-1.tsv"
    t0="$(now)"
    active_compose="$DEV_COMPOSE"
    must "compose up" compose -f "$DEV_COMPOSE" up -d >>"$WORK/compose.log" 2>&1 || { stop_sampler; return; }
    wait_for_agencies "$n"
    seconds="$(seconds_since "$t0")"
    stop_sampler
    save_logs "$n" "$dir/run-1"
    check_logs run "$dir/run-1" .data "$n"
    check_server_running
    check_container_store .data "$n" "$dir/store-1.csv"
    report_usage "course, $n agencies" "$dir/usage-1.tsv" "$n" "$t0" "$seconds"

    step "course: docker stop -t $STOP_SECONDS server"
    local rc offsets="$dir/offsets-2"
    t0="$(now)"
    docker stop -t "$STOP_SECONDS" server >/dev/null
    rc=$?
    check_stopped_cleanly "$rc" "$(seconds_since "$t0")"

    step "course: docker compose start (the same containers): same store, same draw, nothing sent again"
    log_offsets "$n" >"$offsets"
    must "compose start" compose -f "$DEV_COMPOSE" start >>"$WORK/compose.log" 2>&1
    wait_for_agencies "$n"
    save_logs "$n" "$dir/run-2" "$offsets"
    check_logs rerun "$dir/run-2" .data "$n"
    check_container_store .data "$n" "$dir/store-2.csv"

    step "course: docker compose restart server, then the agencies again"
    log_offsets "$n" >"$offsets"
    local server_offset
    server_offset="$(awk '$1 == "server" {print $2}' "$offsets")"
    must "compose restart server" compose -f "$DEV_COMPOSE" restart -t "$STOP_SECONDS" server \
        >>"$WORK/compose.log" 2>&1
    wait_for_listening "$server_offset"
    must "compose start" compose -f "$DEV_COMPOSE" start >>"$WORK/compose.log" 2>&1
    wait_for_agencies "$n"
    save_logs "$n" "$dir/run-3" "$offsets"
    check_logs rerun "$dir/run-3" .data "$n"
    check_container_store .data "$n" "$dir/store-3.csv"

    step "course: make docker-compose-down, then make docker-compose-up: a new draw"
    must "make docker-compose-down" make docker-compose-down >>"$WORK/compose.log" 2>&1
    active_compose=""
    if (($(docker ps -a --format '{{.Names}}' | grep -Ec '^(server|client[0-9]+)$') > 0)); then
        fail "containers are left after make docker-compose-down"
    else
        echo "  ok: make docker-compose-down removed every container"
    fi
    start_sampler "$dir/usage-4.tsv"
    t0="$(now)"
    active_compose="$DEV_COMPOSE"
    must "make docker-compose-up" make docker-compose-up >>"$WORK/compose.log" 2>&1 || { stop_sampler; return; }
    wait_for_agencies "$n"
    seconds="$(seconds_since "$t0")"
    stop_sampler
    save_logs "$n" "$dir/run-4"
    check_logs run "$dir/run-4" .data "$n"
    check_container_store .data "$n" "$dir/store-4.csv"
    report_usage "course, $n agencies, make docker-compose-up (images from the cache)" \
        "$dir/usage-4.tsv" "$n" "$t0" "$seconds"

    step "course: make docker-compose-logs (followed for 10 s)"
    timeout 10 make docker-compose-logs >"$dir/compose-logs.txt" 2>&1
    local winners_lines
    winners_lines="$(grep -c 'cant_ganadores' "$dir/compose-logs.txt")"
    if ((winners_lines >= n)) && grep -q 'action: sorteo' "$dir/compose-logs.txt"; then
        echo "  ok: make docker-compose-logs shows the central's sorteo line and $winners_lines winners lines"
    else
        fail "make docker-compose-logs: $winners_lines winners lines, sorteo line: $(grep -c 'action: sorteo' \
            "$dir/compose-logs.txt") ($dir/compose-logs.txt)"
    fi

    step "course: make docker-compose-down"
    must "make docker-compose-down" make docker-compose-down >>"$WORK/compose.log" 2>&1
    active_compose=""
}

# The opt-in host store folder, in a scratch copy of the layout (its own config.ini names the folder).
scenario_store() {
    local n="$COURSE_AGENCIES" dir="$WORK/store" file="docker-compose-store.yaml"
    step "store: STORE_DIR=./store STATUS_HOST_PORT=(a free port) ./generar-compose.sh $file $n," \
        "STORAGE_FILEPATH = /app/store/bets.csv"
    scratch_project "$dir"
    printf 'STORAGE_FILEPATH = /app/store/bets.csv\n' >>"$dir/server/config.ini"
    must "generating the bets" generate "$dir/.data" "$n" || return
    mkdir -p "$dir/store"
    # The containers' user (uid 10001) writes the folder (README: chown 10001).
    if [[ "$(id -u)" == 0 ]]; then
        chown 10001 "$dir/store"
    else
        chmod 0777 "$dir/store"
    fi
    # The live view is published on the host too (STATUS_HOST_PORT), on a port free now.
    local status_port
    status_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')"
    (cd "$dir" && STORE_DIR=./store STATUS_HOST_PORT="$status_port" "$ROOT/generar-compose.sh" "$file" "$n") \
        2>>"$WORK/compose.log" || { fail "generar-compose.sh with STORE_DIR and STATUS_HOST_PORT"; return; }

    active_compose="$dir/$file"
    must "compose up" compose -f "$dir/$file" up -d >>"$WORK/compose.log" 2>&1 || return
    wait_for_agencies "$n"
    save_logs "$n" "$dir/run-1"
    check_logs run "$dir/run-1" "$dir/.data" "$n"
    python3 docker/smoke_checks.py store "$dir/store/bets.csv" "$dir/.data" "$n" || fail "the host store"
    python3 docker/smoke_checks.py status "http://127.0.0.1:$status_port" "$dir/.data" "$n" \
        || fail "the live view published on the host (STATUS_HOST_PORT=$status_port)"

    step "store: docker compose down, then up: the host store is still there and the draw carries on"
    compose_down "$dir/$file"
    if [[ -s "$dir/store/bets.csv" ]]; then
        echo "  ok: store/bets.csv outlived down ($(wc -l <"$dir/store/bets.csv") rows)"
    else
        fail "store/bets.csv is gone after down"
    fi
    active_compose="$dir/$file"
    must "compose up" compose -f "$dir/$file" up -d >>"$WORK/compose.log" 2>&1 || return
    wait_for_agencies "$n"
    save_logs "$n" "$dir/run-2"
    check_logs rerun "$dir/run-2" "$dir/.data" "$n"
    python3 docker/smoke_checks.py store "$dir/store/bets.csv" "$dir/.data" "$n" || fail "the host store after up"
    compose_down "$dir/$file"
}

# Many agencies. The server is started first, then the agencies are created and started: the same as
# `up -d`, which Compose 1.29 against podman can stall on with this many services (README).
scenario_large() {
    local n="$LARGE_AGENCIES" dir="$WORK/large" file="docker-compose-large.yaml" t0 t_started seconds overflows
    step "large: $n agencies x $BETS bets, generated"
    scratch_project "$dir"
    must "generating the bets" generate "$dir/.data" "$n" || return
    (cd "$dir" && "$ROOT/generar-compose.sh" "$file" "$n") 2>>"$WORK/compose.log" \
        || { fail "generar-compose.sh $n"; return; }

    step "large: docker compose up -d server, create, start; until every agency has its winners"
    start_sampler "$dir/usage.tsv"
    t0="$(now)"
    active_compose="$dir/$file"
    if ! must "compose up -d server" compose -f "$dir/$file" up -d server >>"$WORK/compose.log" 2>&1 \
        || ! must "compose create" compose -f "$dir/$file" create >>"$WORK/compose.log" 2>&1 \
        || ! must "compose start" compose -f "$dir/$file" start >>"$WORK/compose.log" 2>&1; then
        stop_sampler
        return
    fi
    t_started="$(seconds_since "$t0")"
    wait_for_agencies "$n"
    seconds="$(seconds_since "$t0")"
    stop_sampler
    save_logs "$n" "$dir/run"
    check_logs run "$dir/run" "$dir/.data" "$n"
    check_server_running
    overflows="$(listen_overflows)"
    check_container_store "$dir/.data" "$n" "$dir/store.csv"
    report_usage "large, $n agencies" "$dir/usage.tsv" "$n" "$t0" "$seconds"
    figures+=("large, $n agencies: up -d server, create and start returned after ${t_started} s; the central's accept queue overflowed ${overflows} times; the agencies logged $(agency_detours "$dir/run").")
    compose_down "$dir/$file"
    rm -f "$dir/store.csv"
}

main() {
    local start=$SECONDS scenario
    local scenarios=("$@")
    if ((${#scenarios[@]} == 0)); then
        scenarios=("${ALL_SCENARIOS[@]}")
    fi
    for scenario in "${scenarios[@]}"; do
        if [[ " ${ALL_SCENARIOS[*]} " != *" $scenario "* ]]; then
            echo "usage: $0 [${ALL_SCENARIOS[*]}]..." >&2
            exit 2
        fi
    done
    preflight
    trap cleanup EXIT
    : >"$WORK/compose.log"
    local scenario_started
    for scenario in "${scenarios[@]}"; do
        scenario_started=$SECONDS
        "scenario_$scenario"
        timings+=("$scenario $((SECONDS - scenario_started)) s")
    done
    if ((${#figures[@]} > 0)); then
        echo "== figures (also in $WORK/figures.txt)"
        printf '  %s\n' "${figures[@]}" | tee "$WORK/figures.txt"
    fi
    if ((${#failures[@]} > 0)); then
        echo "docker/smoke.sh: ${#failures[@]} check(s) failed in $((SECONDS - start)) s:" >&2
        printf '  - %s\n' "${failures[@]}" >&2
        exit 1
    fi
    local joined
    joined="$(printf '%s, ' "${timings[@]}")"
    echo "docker/smoke.sh: all checks passed in $((SECONDS - start)) s (${joined%, })"
}

main "$@"
