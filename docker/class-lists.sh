#!/bin/sh
# Training run for the images' class-data sharing archives (stage `train` of server/Dockerfile and
# client/Dockerfile): a central and one agency on a small generated bets file, over loopback, each with
# its image's JVM options. Each JVM writes every class it loads to a list, ./central.classlist and
# ./agency.classlist; each image's last stage archives its own list.
#
#   sh class-lists.sh     (in a folder holding lottery-server.jar, lottery-client.jar, jvm.options and
#                          agency-jvm.options; TRAIN_PORT and TRAIN_STATUS_PORT set the central's ports,
#                          12345 and 18080 by default)
#
# It runs inside the JRE image at build time, so it needs nothing but java and a POSIX shell; scripts/bench.sh
# runs it too, for the central's archive on the host. On a failure it prints both programs' logs and exits
# non-zero, which fails the build.
set -eu

readonly PORT="${TRAIN_PORT:-12345}"
readonly HTTP_PORT="${TRAIN_STATUS_PORT:-18080}"

show_logs_and_fail() {
    echo "class-lists.sh: $1" >&2
    for log in generate.log central.log agency.log probe.log; do
        if [ -f "$log" ]; then
            echo "--- $log" >&2
            cat "$log" >&2
        fi
    done
    exit 1
}

java -jar lottery-client.jar generate --out data --agencies 1 --bets 20000 --winners 1 --seed 7 --crlf \
    >generate.log 2>&1 || show_logs_and_fail "the generator failed"

# No config.ini here: the central runs on its defaults, told its ports, one agency and its store by the
# environment. It draws when that agency has finished.
AGENCIES=1 SERVER_PORT=$PORT STATUS_PORT=$HTTP_PORT STORAGE_FILEPATH=./bets.csv \
    java @jvm.options -XX:DumpLoadedClassList=central.classlist -jar lottery-server.jar >central.log 2>&1 &
central=$!

# The operator's view, asked for every page as a browser and Prometheus would, once the central is ready
# and again after the draw: the classes that serve them (HTTP, the page, the event stream, the JVM's metrics and
# their listeners, which fire at each collection while the agency sends) are archived too, so that a central
# watched from its start does not load them while its first agencies send (docs/PERFORMANCE.md, "The operator's
# view").
probe_pages() {
    STATUS_PORT=$HTTP_PORT java -jar lottery-server.jar probe "$@" >probe.log 2>&1
}
tries=0
until probe_pages /ready; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
        kill "$central" 2>/dev/null || true
        show_logs_and_fail "the training central was not ready within 30 s"
    fi
    sleep 1
done
if ! probe_pages / /status.json /metrics /events /health; then
    kill "$central" 2>/dev/null || true
    show_logs_and_fail "the training central's status port did not answer every page"
fi

# The agency, its central ready by now, exits 0 once it has its winners. It dials a name, as under Compose, so that resolving one is in the archive too.
if ! CLI_ID=1 CLI_SERVER_ADDRESS=localhost:$PORT CLI_DATA_FILE=data/agency-1.csv \
    java @agency-jvm.options -XX:DumpLoadedClassList=agency.classlist -jar lottery-client.jar >agency.log 2>&1; then
    kill "$central" 2>/dev/null || true
    show_logs_and_fail "the training agency did not get its winners"
fi

if ! probe_pages / /status.json /metrics /events /health /ready; then
    kill "$central" 2>/dev/null || true
    show_logs_and_fail "the training central's status port did not answer every page after the draw"
fi

kill -TERM "$central"
wait "$central" || show_logs_and_fail "the central did not exit 0 after SIGTERM"
[ -s agency.classlist ] || show_logs_and_fail "the agency's JVM wrote no class list"
[ -s central.classlist ] || show_logs_and_fail "the central's JVM wrote no class list"
rm -rf data bets.csv bets.csv.finished
