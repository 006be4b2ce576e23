#!/usr/bin/env bash
# What each status request costs a fresh central, in CPU by thread role: starts the central as the image runs it
# (docker/jvm.options and the class-data archive that scripts/bench.sh makes), asks its status port one request at
# a time with curl, and prints the CPU each request took (from /proc/PID/task/*/schedstat, in nanoseconds) on the
# status thread, the JIT compilers, the GC, and everything else. The central has no agencies: this is the status
# port's own cost, the first requests of a cold JVM first.
#
#   ./scripts/status-cold-cost.sh        (needs curl; run make build once first for the archive)
set -euo pipefail

cd "$(dirname "$0")/.."
jar=$PWD/server/target/lottery-server.jar
archive=$PWD/server/target/central.jsa
[[ -f $jar && -f $archive ]] || { echo "run make build first (it builds the jar and the archive)" >&2; exit 2; }
work=$(mktemp -d /tmp/lottery-cold.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && exec env SERVER_PORT=0 STATUS_PORT="$port" AGENCIES=5 LOGGING_LEVEL=WARN \
    STORAGE_FILEPATH="$work/bets.csv" java "@$OLDPWD/docker/jvm.options" -XX:SharedArchiveFile="$archive" \
    -jar "$jar" >"$work/central.log" 2>&1) &
central=$!
trap 'kill "$central" 2>/dev/null || true; wait "$central" 2>/dev/null || true; rm -rf "$work"' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 250); do
    curl -s -o /dev/null "$url/health" && break
    sleep 0.02
done
sleep 1

# One line "role=nanoseconds ..." for the central's threads now.
cpu() {
    for task in /proc/"$central"/task/*; do
        printf '%s\t%s\n' "$(cat "$task/comm")" "$(cut -d' ' -f1 "$task/schedstat")"
    done | awk -F'\t' '{ role = "other" }
        $1 ~ /^central-status/ { role = "status" } $1 ~ /^C[12] / { role = "jit" } $1 ~ /^(GC|G1) / { role = "gc" }
        { ns[role] += $2 } END { for (r in ns) printf "%s=%d ", r, ns[r] }'
}
# Runs a request (a command), waits for the central to settle, prints what it cost.
step() {
    local label=$1 before after
    shift
    before=$(cpu)
    "$@" >/dev/null || true
    sleep 0.3
    after=$(cpu)
    awk -v label="$label" -v before="$before" -v after="$after" 'BEGIN {
        n = split(before, b, " "); for (i = 1; i <= n; i++) { split(b[i], kv, "="); was[kv[1]] = kv[2] }
        n = split(after, a, " "); line = ""; total = 0
        for (i = 1; i <= n; i++) { split(a[i], kv, "="); d = (kv[2] - was[kv[1]]) / 1e6; total += d
            if (d >= 0.05) line = line sprintf(", %s %.1f", kv[1], d) }
        printf "%-28s %6.1f ms CPU%s\n", label, total, line }'
}
echo "a fresh central's CPU per status request (0.3 s each, so 'other' holds ~0.7 ms of the storage thread's status publishing):"
for i in 1 2 3; do step "/health, new connection $i" curl -s "$url/health"; done
step "/health x5, one connection" curl -s "$url/health" "$url/health" "$url/health" "$url/health" "$url/health"
for i in 1 2 3; do step "/metrics $i" curl -s "$url/metrics"; done
step "/status.json" curl -s "$url/status.json"
step "/events for 1.2 s" curl -s -m 1.2 "$url/events"
step "/events for 1.2 s again" curl -s -m 1.2 "$url/events"
step "/ (the page)" curl -s "$url/"
step "nothing" true
