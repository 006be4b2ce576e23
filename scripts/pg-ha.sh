#!/usr/bin/env bash
# A PostgreSQL pair that fails over by itself, for running the centrals on it locally and for the tests that kill
# its primary: pg_auto_failover (Debian's pg-auto-failover-cli and postgresql-NN-auto-failover;
# scripts/ensure-pg-auto-failover.sh installs them), one monitor and two data nodes, all in one folder, each on a
# free port of 127.0.0.1 only. The standby is synchronous: a commit, and so a central's acknowledgement, exists on
# both nodes before it returns. PostgreSQL refuses to run as root, so as root everything runs as `postgres`.
#
#   scripts/pg-ha.sh start DIR                 monitor, node1 (primary) and node2 (its synchronous standby), each
#                                              under `pg_autoctl run`; prints the centrals' STORAGE_URL
#   scripts/pg-ha.sh stop DIR                  stops all three (`pg_autoctl stop`), then kills what is left
#   scripts/pg-ha.sh url DIR                   the STORAGE_URL: both nodes, ?targetServerType=primary
#   scripts/pg-ha.sh state DIR                 the monitor's view (pg_autoctl show state)
#   scripts/pg-ha.sh primary DIR               the node that takes writes now (node1 or node2); exit 1 if none
#   scripts/pg-ha.sh await-primary DIR NODE S  waits up to S seconds until NODE takes writes
#   scripts/pg-ha.sh kill DIR NODE [WHAT]      SIGKILL: WHAT=node (default) the node's keeper and its postgres,
#                                              every process at once, as a lost machine; postmaster: its postmaster.
#                                              WHAT=freeze: SIGSTOP to every process of the node instead, a machine
#                                              that hangs (connections accepted by the system, nothing answered).
#                                              Prints when the signal went (milliseconds since 1970)
#   scripts/pg-ha.sh sql DIR NODE SQL          SQL on NODE's database lottery (or on the monitor's, NODE=monitor);
#                                              prints the rows unaligned
#
# Each node's database `lottery` takes any user on 127.0.0.1 without a password (`--auth trust`, no TLS): a
# loopback setup for trying and testing, not for a network. The monitor detects a lost node and promotes in about
# 5 s rather than its defaults' 50 (docker/pg-ha/monitor.conf, docs/SCALING.md); PG_HA_DEFAULTS=1 keeps the defaults.
# Extra PostgreSQL settings for both nodes in PG_HA_NODE_SETTINGS, one `name = value` per line.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR | stop DIR | url DIR | state DIR | primary DIR | await-primary DIR NODE SECONDS" \
        "| kill DIR NODE [node|postmaster|freeze] | sql DIR NODE SQL" >&2
    exit 2
}

[[ $# -ge 2 ]] || usage
repository=$(cd "$(dirname "$0")/.." && pwd)
command=$1
dir=$2
shift 2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# Every path from here on is absolute. The nodes run from /, which the postgres user may always enter: the caller's
# folder may be closed to it (a checkout in a private temporary folder), and psql would then print a warning into
# the output this script reads.
cd /

bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z $bin || ! -x $bin/postgres ]] || ! command -v pg_autoctl > /dev/null 2>&1; then
    echo "PostgreSQL or pg_auto_failover is not installed: run scripts/ensure-postgres.sh and" \
        "scripts/ensure-pg-auto-failover.sh" >&2
    exit 1
fi

# The monitor's settings, shared with the Compose image: docker/pg-ha/monitor.conf says what each does.
monitor_settings() {
    if [[ ${PG_HA_DEFAULTS:-} == 1 ]]; then
        return
    fi
    grep -v '^#' "$repository/docker/pg-ha/monitor.conf"
}

# pg_autoctl sizes shared_buffers at a quarter of the machine's memory; three servers on one machine get less.
node_settings() {
    echo "shared_buffers = '128MB'"
    if [[ -n ${PG_HA_NODE_SETTINGS:-} ]]; then
        printf '%s\n' "$PG_HA_NODE_SETTINGS"
    fi
}

# Runs a command as the owner of the files (postgres when root), with pg_autoctl's own files kept in DIR (it
# otherwise writes to the user's home and /tmp) and this PostgreSQL's binaries first on the PATH.
as_owner() {
    local env=(env "HOME=$dir" "XDG_CONFIG_HOME=$dir/config" "XDG_DATA_HOME=$dir/share"
        "XDG_RUNTIME_DIR=$dir/run" "PATH=$bin:$PATH" "PG_CONFIG=$bin/pg_config")
    if [[ $(id -u) -eq 0 ]]; then
        setpriv --reuid=postgres --regid=postgres --init-groups "${env[@]}" "$@"
    else
        "${env[@]}" "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
        2>/dev/null || echo $((20000 + RANDOM % 20000))
}

port_of() {
    sed -n "s/^$1 //p" "$dir/ports"
}

url() {
    local hosts
    hosts="127.0.0.1:$(port_of node1),127.0.0.1:$(port_of node2)"
    # sslmode=disable: the pair has no TLS (--no-ssl), so the driver need not ask for it first (which costs a silent
    # host's socket timeout twice).
    echo "jdbc:postgresql://$hosts/lottery?targetServerType=primary&sslmode=disable"
}

monitor_uri() {
    echo "postgres://autoctl_node@127.0.0.1:$(port_of monitor)/pg_auto_failover?sslmode=disable"
}

sql() {
    local node=$1 sql=$2 database=lottery
    [[ $node != monitor ]] || database=pg_auto_failover
    as_owner psql -X -h 127.0.0.1 -p "$(port_of "$node")" -U postgres -d "$database" -v ON_ERROR_STOP=1 -tAc "$sql"
}

# pg_autoctl run for NAME in the background, its output in DIR/NAME.log, its pid in DIR/NAME.pid.
run_node() {
    local name=$1
    shift
    as_owner pg_autoctl "$@" > "$dir/$name.log" 2>&1 &
    echo $! > "$dir/$name.pid"
}

alive() {
    [[ -n $1 ]] && kill -0 "$1" 2> /dev/null
}

# PID and every process below it, from one look at the process table (/proc: no procps needed).
process_tree() {
    grep -s '^PPid:' /proc/[0-9]*/status | awk -v root="$1" '
        { split($1, path, "/"); parent[path[3]] = $2 }
        END {
            print root
            do {
                added = 0
                for (p in parent) {
                    if ((parent[p] in tree || parent[p] == root) && !(p in tree)) { tree[p] = 1; print p; added = 1 }
                }
            } while (added)
        }'
}

keeper_pid() {
    cat "$dir/$1.pid" 2> /dev/null || true
}

postmaster_pid() {
    head -n 1 "$dir/$1/postmaster.pid" 2> /dev/null || true
}

# Waits up to SECONDS until the monitor reports each node as given: NAME:STATE pairs, reported and assigned.
await_states() {
    local seconds=$1 _ pair ok states
    shift
    for _ in $(seq 1 $((seconds * 5))); do
        states=$(sql monitor "SELECT nodename || ':' || reportedstate || ':' || goalstate FROM pgautofailover.node" \
            2> /dev/null || true)
        ok=1
        for pair in "$@"; do
            grep -qx "${pair%%:*}:${pair#*:}:${pair#*:}" <<< "$states" || ok=0
        done
        [[ $ok -eq 0 ]] || return 0
        sleep 0.2
    done
    echo "the pair did not reach $* within $seconds s; the monitor says:" >&2
    echo "$states" >&2
    return 1
}

# Whether NODE takes writes: out of recovery and not read-only (what pgjdbc's targetServerType=primary asks).
takes_writes() {
    [[ $(sql "$1" "SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off'" \
        2> /dev/null) == t ]]
}

start() {
    if [[ -f $dir/ports ]]; then
        echo "$dir already holds a pair: stop it and remove the folder first" >&2
        exit 1
    fi
    local monitor_port node1_port node2_port
    monitor_port=$(free_port)
    node1_port=$(free_port)
    node2_port=$(free_port)
    while [[ $node1_port == "$monitor_port" ]]; do node1_port=$(free_port); done
    while [[ $node2_port == "$monitor_port" || $node2_port == "$node1_port" ]]; do node2_port=$(free_port); done
    printf 'monitor %s\nnode1 %s\nnode2 %s\n' "$monitor_port" "$node1_port" "$node2_port" > "$dir/ports"
    mkdir -p "$dir/run"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres "$dir" "$dir/run" "$dir/ports"
    fi
    local common=(--pgctl "$bin/pg_ctl" --hostname 127.0.0.1 --auth trust --no-ssl)

    # The monitor: created (which leaves it stopped), told its settings and to listen on loopback only, started.
    as_owner pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$monitor_port" "${common[@]}" \
        > "$dir/monitor-create.log" 2>&1
    as_owner pg_autoctl config set --pgdata "$dir/monitor" postgresql.listen_addresses 127.0.0.1 > /dev/null
    { monitor_settings; echo "shared_buffers = '32MB'"; } | as_owner tee -a "$dir/monitor/postgresql.auto.conf" \
        > /dev/null
    run_node monitor run --pgdata "$dir/monitor"

    # node1: created while the monitor comes up (it registers as `single`, then stops), given its settings, run.
    local node_options=(--listen 127.0.0.1 --dbname lottery --monitor "$(monitor_uri)" "${common[@]}")
    local _
    for _ in $(seq 1 50); do
        sql monitor "SELECT 1" > /dev/null 2>&1 && break
        sleep 0.2
    done
    as_owner pg_autoctl create postgres --pgdata "$dir/node1" --pgport "$node1_port" --name node1 "${node_options[@]}" \
        > "$dir/node1-create.log" 2>&1
    node_settings | as_owner tee -a "$dir/node1/postgresql.auto.conf" > /dev/null
    run_node node1 run --pgdata "$dir/node1"
    await_states 60 node1:single
    for _ in $(seq 1 300); do
        takes_writes node1 && break
        sleep 0.2
    done
    # The standby starts from a base backup, which first waits for a checkpoint: a spread one unless asked now.
    sql node1 CHECKPOINT > /dev/null
    run_node node2 create postgres --pgdata "$dir/node2" --pgport "$node2_port" --name node2 "${node_options[@]}" --run
    await_states 120 node1:primary node2:secondary
    url
}

# Waits until each PID has ended (a killed process lingers until its parent has seen it end).
await_gone() {
    local _ pid left
    for _ in $(seq 1 50); do
        left=0
        for pid in "$@"; do
            ! alive "$pid" || left=1
        done
        [[ $left -eq 1 ]] || return 0
        sleep 0.1
    done
    echo "$* still running after SIGKILL" >&2
    exit 1
}

kill_node() {
    local node=$1 what=${2:-node} keeper postmaster killed
    keeper=$(keeper_pid "$node")
    postmaster=$(postmaster_pid "$node")
    case $what in
    node)
        alive "$keeper" || { echo "$node's keeper is not running" >&2; exit 1; }
        # One kill for every process of the node, so that none of them sees another go first. The list may name a
        # process that has ended since (a short-lived child): only the keeper and the postmaster must be gone.
        # shellcheck disable=SC2046 # one pid per word
        kill -KILL $(process_tree "$keeper") 2> /dev/null || true
        killed=$(date +%s%3N)
        await_gone "$keeper" "$postmaster"
        ;;
    freeze)
        alive "$keeper" || { echo "$node's keeper is not running" >&2; exit 1; }
        # shellcheck disable=SC2046 # one pid per word
        kill -STOP $(process_tree "$keeper") 2> /dev/null || true
        killed=$(date +%s%3N)
        ;;
    postmaster)
        alive "$postmaster" || { echo "$node's postmaster is not running" >&2; exit 1; }
        kill -KILL "$postmaster"
        killed=$(date +%s%3N)
        await_gone "$postmaster"
        ;;
    *)
        usage
        ;;
    esac
    echo "$killed"
}

stop_one() {
    local name=$1 keeper postmaster _
    keeper=$(keeper_pid "$name")
    if alive "$keeper"; then
        # A frozen node (kill ... freeze) hears nothing until it is continued.
        # shellcheck disable=SC2046 # one pid per word
        kill -CONT $(process_tree "$keeper") 2> /dev/null || true
        as_owner pg_autoctl stop --pgdata "$dir/$name" > /dev/null 2>&1 || kill -TERM "$keeper" 2> /dev/null || true
    fi
    for _ in $(seq 1 100); do
        postmaster=$(postmaster_pid "$name")
        alive "$keeper" || alive "$postmaster" || return 0
        sleep 0.1
    done
    echo "$name did not stop within 10 s: killing it" >&2
    # shellcheck disable=SC2046 # one pid per word
    kill -KILL $(alive "$keeper" && process_tree "$keeper") $(alive "$postmaster" && process_tree "$postmaster") \
        2> /dev/null || true
}

stop() {
    [[ -f $dir/ports ]] || return 0
    local name
    # All three at once: a fast shutdown does not wait for the standby, and nothing here depends on the order.
    for name in node2 node1 monitor; do
        stop_one "$name" &
    done
    wait
}

case $command in
start)
    [[ $# -eq 0 ]] || usage
    start
    ;;
stop)
    stop
    ;;
url)
    url
    ;;
state)
    as_owner pg_autoctl show state --pgdata "$dir/monitor"
    ;;
primary)
    for node in node1 node2; do
        if takes_writes "$node"; then
            echo "$node"
            exit 0
        fi
    done
    exit 1
    ;;
await-primary)
    [[ $# -eq 2 ]] || usage
    for _ in $(seq 1 $(($2 * 10))); do
        takes_writes "$1" && exit 0
        sleep 0.1
    done
    echo "$1 did not take writes within $2 s" >&2
    exit 1
    ;;
kill)
    [[ $# -ge 1 && $# -le 2 ]] || usage
    kill_node "$@"
    ;;
sql)
    [[ $# -eq 2 ]] || usage
    sql "$1" "$2"
    ;;
*)
    usage
    ;;
esac
