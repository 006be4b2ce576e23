#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries are on this machine, for the tests and tools that start a database of
# their own (the PostgreSQL ledger's tests, the multi-central end-to-end tests, `make bench-postgres`,
# scripts/run-centrals.sh). Installs Debian's postgresql package when they are missing (needs root, or sudo).
# The package's own cluster is not used: each test starts a server of its own on a free loopback port.
set -euo pipefail

if ls /usr/lib/postgresql/*/bin/postgres > /dev/null 2>&1 && id postgres > /dev/null 2>&1; then
    exit 0
fi
sudo=
if [[ $(id -u) -ne 0 ]]; then
    sudo=sudo
fi
echo "installing PostgreSQL (Debian's postgresql package) ..."
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q postgresql
ls /usr/lib/postgresql/*/bin/postgres
