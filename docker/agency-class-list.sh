#!/bin/sh
# Training run for the agency image's class-data sharing archive (client/Dockerfile, stage `train`):
# a central and one agency on a small generated bets file, over loopback, the agency with its image's
# JVM options. The agency's JVM writes every class it loads to ./agency.classlist; the image's last
# stage archives those classes.
#
#   sh agency-class-list.sh     (in a folder holding lottery-server.jar, lottery-client.jar and
#                                agency-jvm.options)
#
# It runs inside the JRE image at build time, so it needs nothing but java and a POSIX shell. On a
# failure it prints both programs' logs and exits non-zero, which fails the build.
set -eu

readonly PORT=12345

show_logs_and_fail() {
    echo "agency-class-list.sh: $1" >&2
    for log in generate.log central.log agency.log; do
        if [ -f "$log" ]; then
            echo "--- $log" >&2
            cat "$log" >&2
        fi
    done
    exit 1
}

java -jar lottery-client.jar generate --out data --agencies 1 --bets 2000 --winners 1 --seed 7 --crlf \
    >generate.log 2>&1 || show_logs_and_fail "the generator failed"

# No config.ini here: the central runs on its defaults, told its port, one agency and its store by the
# environment (and no status port). It draws when that agency has finished.
AGENCIES=1 SERVER_PORT=$PORT STORAGE_FILEPATH=./bets.csv STATUS_PORT=0 java -jar lottery-server.jar \
    >central.log 2>&1 &
central=$!

# The agency retries its first connection every second while the central starts, and exits 0 once it
# has its winners. It dials a name, as under Compose, so that resolving one is in the archive too.
if ! CLI_ID=1 CLI_SERVER_ADDRESS=localhost:$PORT CLI_DATA_FILE=data/agency-1.csv \
    java @agency-jvm.options -XX:DumpLoadedClassList=agency.classlist -jar lottery-client.jar >agency.log 2>&1; then
    kill "$central" 2>/dev/null || true
    show_logs_and_fail "the training agency did not get its winners"
fi

kill -TERM "$central"
wait "$central" || show_logs_and_fail "the central did not exit 0 after SIGTERM"
[ -s agency.classlist ] || show_logs_and_fail "the agency's JVM wrote no class list"
rm -rf data bets.csv bets.csv.finished
