#!/usr/bin/env bash
# Entry point of the pg-ha image (docker/pg-ha/Dockerfile): one node of the lottery's PostgreSQL pair under
# Compose, run as `postgres`. Its data stays in the container, as the single database's does: `docker compose down`
# then `up` starts a new lottery.
#
#   pg-ha-node monitor    pg_auto_failover's monitor, with docker/pg-ha/monitor.conf's settings
#   pg-ha-node node       a data node of database `lottery`: the first to register is the primary, the next its
#                         synchronous standby (PG_HA_PRIMARY names the primary, to ask for a checkpoint first)
#   pg-ha-node health     exit 0 when this node serves: the monitor accepts connections; a data node accepts them
#                         and, as a standby, streams from its primary
#
# Environment: PG_HA_NAME (required: this service's name, by which the others reach it), PG_HA_MONITOR (the
# monitor's service, default monitor). Every connection is trusted without a password and without TLS: a
# composition's private network for trying the pair, not a network anyone else shares.
set -euo pipefail

role=${1:-node}
name=${PG_HA_NAME:-}
monitor=${PG_HA_MONITOR:-monitor}
export PGDATA=${PGDATA:-/var/lib/postgresql/pg-ha}
common=(--pgdata "$PGDATA" --pgport 5432 --auth trust --no-ssl)

case $role in
health)
    pg_isready -q -h localhost -p 5432 || exit 1
    in_recovery=$(psql -X -h localhost -p 5432 -d postgres -tAc "SELECT pg_is_in_recovery()")
    if [[ $in_recovery == t ]]; then
        [[ $(psql -X -h localhost -p 5432 -d postgres -tAc "SELECT status FROM pg_stat_wal_receiver") == streaming ]]
    fi
    ;;
monitor)
    [[ -n $name ]] || { echo "PG_HA_NAME is not set" >&2; exit 2; }
    if [[ ! -f $PGDATA/PG_VERSION ]]; then
        pg_autoctl create monitor --hostname "$name" "${common[@]}"
        grep -v '^#' /etc/pg-ha/monitor.conf >> "$PGDATA/postgresql.auto.conf"
    fi
    exec pg_autoctl run --pgdata "$PGDATA"
    ;;
node)
    [[ -n $name ]] || { echo "PG_HA_NAME is not set" >&2; exit 2; }
    if [[ ! -f $PGDATA/PG_VERSION ]]; then
        if [[ -n ${PG_HA_PRIMARY:-} ]]; then
            # The standby starts from a base backup, which first waits for a checkpoint: a spread one unless asked.
            psql -X -h "$PG_HA_PRIMARY" -p 5432 -d lottery -qc CHECKPOINT || true
        fi
        # --pg-hba-lan: the centrals, on this network, may connect to database lottery.
        exec pg_autoctl create postgres --hostname "$name" --name "$name" --dbname lottery --pg-hba-lan \
            --monitor "postgres://autoctl_node@$monitor:5432/pg_auto_failover?sslmode=disable" "${common[@]}" --run
    fi
    exec pg_autoctl run --pgdata "$PGDATA"
    ;;
*)
    echo "usage: pg-ha-node monitor|node|health" >&2
    exit 2
    ;;
esac
