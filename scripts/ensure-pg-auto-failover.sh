#!/usr/bin/env bash
# Makes sure pg_auto_failover is on this machine, for the tests and tools that run the centrals on a PostgreSQL
# pair that fails over by itself (scripts/pg-ha.sh, scripts/run-centrals.sh with PAIR=1, the end-to-end
# PrimaryFailoverTest): Debian's pg-auto-failover-cli (the pg_autoctl command) and postgresql-NN-auto-failover
# (the monitor's extension) for the newest PostgreSQL server installed. Installs them when missing (needs root, or
# sudo); run after scripts/ensure-postgres.sh. Quick when they are there.
set -euo pipefail

bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z $bin || ! -x $bin/postgres ]]; then
    echo "PostgreSQL's server is not installed: run scripts/ensure-postgres.sh first" >&2
    exit 1
fi
major=$(basename "$(dirname "$bin")")
if command -v pg_autoctl > /dev/null 2>&1 && [[ -f /usr/share/postgresql/$major/extension/pgautofailover.control ]]
then
    exit 0
fi
sudo=
if [[ $(id -u) -ne 0 ]]; then
    sudo=sudo
fi
echo "installing pg_auto_failover for PostgreSQL $major (Debian's postgresql-$major-auto-failover and" \
    "pg-auto-failover-cli) ..."
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "postgresql-$major-auto-failover" pg-auto-failover-cli
pg_autoctl --version
