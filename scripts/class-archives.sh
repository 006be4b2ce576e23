#!/usr/bin/env bash
# Class-data sharing archives for the jars as built, the same the images make (docker/class-lists.sh's training
# run, then -Xshare:dump against the jar in place): server/target/central.jsa and client/target/agency.jsa. A JVM
# given one (-XX:SharedArchiveFile=...) maps the classes a central or an agency loads instead of loading them one by
# one, and is ready in about half the time (docs/PERFORMANCE.md). Run by `make build`, and by run-local.sh and
# bench.sh whenever a jar is newer than its archive; does nothing when both archives are newer than their jars.
#
#   ./scripts/class-archives.sh
#
# An archive only maps with the JVM that made it and the jar it was made from; a JVM given an archive that does not
# match ignores it (and says so on its output) and loads the classes itself.
set -euo pipefail

cd "$(dirname "$0")/.."
server_jar=$PWD/server/target/lottery-server.jar
client_jar=$PWD/client/target/lottery-client.jar
central=$PWD/server/target/central.jsa
agency=$PWD/client/target/agency.jsa
for jar in "$server_jar" "$client_jar"; do
    [[ -f $jar ]] || { echo "$jar is missing: build it first (make build)" >&2; exit 1; }
done
if [[ -f $central && -f $agency && $central -nt $server_jar && $agency -nt $client_jar ]]; then
    exit 0
fi
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
echo "archiving the jars' classes (docker/class-lists.sh, then -Xshare:dump) ..."
train=$(mktemp -d /tmp/lottery-train.XXXXXX)
trap 'rm -rf "$train"' EXIT
cp "$server_jar" "$client_jar" docker/jvm.options docker/agency-jvm.options docker/class-lists.sh "$train"/
(cd "$train" && TRAIN_PORT=$(free_port) TRAIN_STATUS_PORT=$(free_port) sh class-lists.sh)
java @docker/jvm.options -Xshare:dump -Xlog:cds=error -XX:SharedClassListFile="$train/central.classlist" \
    -XX:SharedArchiveFile="$central" -cp "$server_jar" >/dev/null
java @docker/agency-jvm.options -Xshare:dump -Xlog:cds=error -XX:SharedClassListFile="$train/agency.classlist" \
    -XX:SharedArchiveFile="$agency" -cp "$client_jar" >/dev/null
