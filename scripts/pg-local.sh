#!/usr/bin/env bash
# A throwaway PostgreSQL server for running the centrals on a database locally: its own folder, loopback only,
# a free port. The server's files belong to a non-root user (PostgreSQL refuses to run as root), so as root it
# runs as `postgres`. Needs Debian's postgresql package (scripts/ensure-postgres.sh installs it).
#
#   scripts/pg-local.sh start DIR [PORT]   creates DIR (when new) and starts the server; prints its JDBC URL
#   scripts/pg-local.sh stop DIR           stops it (fast: open sessions are closed)
#   scripts/pg-local.sh url DIR            prints the JDBC URL of a running one
#
# The superuser is `postgres`, password `lottery`; the database is `lottery`. Extra server settings go in
# PG_OPTS, e.g. PG_OPTS="-c synchronous_commit=off".
set -euo pipefail

bin=${PG_BIN:-}
if [[ -z $bin ]]; then
    bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [[ -z $bin || ! -x $bin/postgres ]]; then
    echo "PostgreSQL's server is not installed: run scripts/ensure-postgres.sh (or set PG_BIN)" >&2
    exit 1
fi

as_owner() {
    # From /, which the postgres user may always enter (the caller's folder may be closed to it).
    if [[ $(id -u) -eq 0 ]]; then
        (cd / && exec runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

usage() {
    echo "usage: $0 start DIR [PORT] | stop DIR | url DIR" >&2
    exit 2
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

[[ $# -ge 2 ]] || usage
command=$1
dir=$2
data="$dir/data"

case $command in
start)
    port=${3:-$(free_port)}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    data="$dir/data"
    if [[ ! -f $data/PG_VERSION ]]; then
        if [[ $(id -u) -eq 0 ]]; then
            chown postgres "$dir"
        fi
        printf 'lottery\n' > "$dir/pwfile"
        [[ $(id -u) -ne 0 ]] || chown postgres "$dir/pwfile"
        as_owner "$bin/initdb" -D "$data" -U postgres --pwfile="$dir/pwfile" --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 > "$dir/initdb.log"
        rm -f "$dir/pwfile"
    fi
    # shellcheck disable=SC2086 # PG_OPTS is a list of options on purpose
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir ${PG_OPTS:-}" > /dev/null
    echo "$port" > "$dir/port"
    [[ $(id -u) -ne 0 ]] || chown postgres "$dir/port"
    if ! as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'lottery'" | grep -q 1; then
        as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qc "CREATE DATABASE lottery"
    fi
    echo "jdbc:postgresql://127.0.0.1:$port/lottery"
    ;;
stop)
    if [[ -f $data/postmaster.pid ]]; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop > /dev/null
    fi
    ;;
url)
    echo "jdbc:postgresql://127.0.0.1:$(cat "$dir/port")/lottery"
    ;;
*)
    usage
    ;;
esac
