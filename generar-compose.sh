#!/usr/bin/env bash
# Writes a Docker Compose file with one server and N agencies (client1 .. clientN).
#
#   ./generar-compose.sh OUTPUT N
#   STORE_DIR=./store ./generar-compose.sh OUTPUT N   # also keep the server's store in ./store
#   CENTRALS=C ./generar-compose.sh OUTPUT N           # C centrals server1..serverC on one PostgreSQL
#   CENTRALS=C PG_HA=1 ./generar-compose.sh OUTPUT N    # the same on a pair that fails over by itself (image
#                                                       # pg-ha:latest, docker/pg-ha/Dockerfile)
#   STATUS_HOST_PORT=8080 ./generar-compose.sh OUTPUT N   # the live view on http://localhost:8080/
#
# The config files and each agency's bets are bind-mounted read-only, so editing them needs no
# image rebuild. The only environment set is what no config file holds: CLI_ID and CLI_DATA_FILE
# for an agency, AGENCIES for the server. See the README's Docker section.
set -euo pipefail

readonly MAX_AGENCIES=100000

readonly MAX_CENTRALS=100

usage() {
    echo "usage: $0 OUTPUT N   (N: number of agencies, 0..${MAX_AGENCIES}; optional env STORE_DIR=HOST_DIR," \
        "or CENTRALS=1..${MAX_CENTRALS} (and PG_HA=1); STATUS_HOST_PORT=1..65535)" >&2
    exit 2
}

# At most six digits, so the arithmetic below can never overflow.
if [[ $# -ne 2 || -z "$1" || ! "$2" =~ ^[0-9]{1,6}$ ]]; then
    usage
fi
output="$1"
# 10# reads "007" as 7, not as an octal number.
agencies=$((10#$2))
if ((agencies > MAX_AGENCIES)); then
    usage
fi

# Optional host folder for the server's store, mounted at /app/store. A bare name such as
# "store" would be read by Compose as a named volume, so it becomes "./store".
# ':' would split the volume entry, '$' starts a Compose variable, '"' and '\' would need escaping.
readonly UNSAFE_IN_PATH='[:"\$[:cntrl:]]'
store_dir="${STORE_DIR:-}"
if [[ -n "$store_dir" ]]; then
    if [[ "$store_dir" =~ $UNSAFE_IN_PATH ]]; then
        printf '%s\n' "$0: STORE_DIR must not contain ':', '\"', '\\', '\$' or control characters" >&2
        usage
    fi
    case "$store_dir" in
        /* | ./* | ../* | . | ..) ;;
        *) store_dir="./$store_dir" ;;
    esac
fi

# Optional: C centrals (server1..serverC) sharing one PostgreSQL database (service postgres) instead of the
# single server. Each agency is told every central and starts at entry (I-1) mod C of the list.
centrals="${CENTRALS:-}"
if [[ -n "$centrals" ]]; then
    if [[ ! "$centrals" =~ ^[0-9]{1,3}$ ]] || ((10#$centrals < 1 || 10#$centrals > MAX_CENTRALS)) \
        || [[ -n "$store_dir" ]]; then
        usage
    fi
    centrals=$((10#$centrals))
fi

# Optional, with CENTRALS: the database is a pair that fails over by itself instead of one server: pg_auto_failover's
# monitor and two nodes (postgres1 the primary at first, postgres2 its synchronous standby), both named in every
# central's STORAGE_URL, so that the centrals follow the primary.
pg_ha="${PG_HA:-}"
if [[ -n "$pg_ha" && ( "$pg_ha" != 1 || -z "$centrals" ) ]]; then
    printf '%s\n' "$0: PG_HA=1 goes with CENTRALS=C" >&2
    usage
fi

# Optional host port for the status page (the central's STATUS_PORT, 8080 unless config.ini says otherwise),
# published on the host's loopback only; with CENTRALS, central I gets the port + I - 1. Off by default, so that
# `up` never fails on a port someone holds.
status_host_port="${STATUS_HOST_PORT:-}"
if [[ -n "$status_host_port" ]]; then
    if [[ ! "$status_host_port" =~ ^[0-9]{1,5}$ ]] \
        || ((10#$status_host_port < 1 || 10#$status_host_port + ${centrals:-1} - 1 > 65535)); then
        printf '%s\n' "$0: STATUS_HOST_PORT must be a port number, 1..65535" >&2
        usage
    fi
    status_host_port=$((10#$status_host_port))
fi

# The host-port lines of a central's status page, or nothing; $1 is the host port.
status_ports() {
    if [[ -n "$status_host_port" ]]; then
        cat <<EOF
    ports:
      # Opt-in: the live view at http://localhost:$1/ (STATUS_PORT 8080 in the container).
      - "127.0.0.1:$1:8080"
EOF
    fi
}

# The database of the several-centrals topology. Its data stays in the container, as the single server's
# store does: `docker compose down` then `up` starts a new draw.
postgres_service() {
    cat <<EOF
  postgres:
    container_name: postgres
    image: postgres:15
    environment:
      POSTGRES_DB: lottery
      POSTGRES_USER: lottery
      POSTGRES_PASSWORD: lottery
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U lottery -d lottery"]
      interval: 2s
      timeout: 5s
      retries: 30
    networks:
      - testing_net
    stop_grace_period: 30s
EOF
}

# The pair: one image for the monitor and both nodes, each healthy once it serves (a standby: once it streams).
pg_ha_services() {
    local node after
    cat <<EOF
  monitor:
    container_name: monitor
    image: pg-ha:latest
    command: ["monitor"]
    environment:
      PG_HA_NAME: monitor
    healthcheck:
      test: ["CMD", "pg-ha-node", "health"]
      interval: 2s
      timeout: 5s
      retries: 60
    networks:
      - testing_net
    stop_grace_period: 30s
EOF
    for node in 1 2; do
        after=monitor
        [[ $node == 1 ]] || after=postgres1
        cat <<EOF

  postgres${node}:
    container_name: postgres${node}
    image: pg-ha:latest
    command: ["node"]
    environment:
      PG_HA_NAME: postgres${node}
EOF
        if [[ $node == 2 ]]; then
            printf '      PG_HA_PRIMARY: postgres1\n'
        fi
        cat <<EOF
    healthcheck:
      test: ["CMD", "pg-ha-node", "health"]
      interval: 2s
      timeout: 5s
      retries: 90
    networks:
      - testing_net
    depends_on:
      ${after}:
        condition: service_healthy
    stop_grace_period: 30s
EOF
    done
}

central_service() {
    local id="$1" database=postgres
    cat <<EOF

  server${id}:
    container_name: server${id}
    image: server:latest
    environment:
      AGENCIES: "${agencies}"
EOF
    if [[ -n "$pg_ha" ]]; then
        # The standby's health, so that the first bet is already on both nodes.
        database=postgres2
        cat <<EOF
      STORAGE_URL: jdbc:postgresql://postgres1:5432,postgres2:5432/lottery?targetServerType=primary&sslmode=disable
      STORAGE_USER: postgres
EOF
    else
        cat <<EOF
      STORAGE_URL: jdbc:postgresql://postgres:5432/lottery
      STORAGE_USER: lottery
      STORAGE_PASSWORD: lottery
EOF
    fi
    cat <<EOF
    volumes:
      - ./server/config.ini:/app/config.ini:ro
EOF
    status_ports $((status_host_port + id - 1))
    cat <<EOF
    networks:
      - testing_net
    depends_on:
      ${database}:
        condition: service_healthy
    stop_grace_period: 30s
EOF
}

server_service() {
    cat <<EOF
  server:
    container_name: server
    image: server:latest
    environment:
      AGENCIES: "${agencies}"
    volumes:
      - ./server/config.ini:/app/config.ini:ro
EOF
    if [[ -n "$store_dir" ]]; then
        cat <<EOF
      # Opt-in host store: set STORAGE_FILEPATH = /app/store/bets.csv in server/config.ini.
      - "${store_dir}:/app/store"
EOF
    fi
    status_ports "$status_host_port"
    cat <<EOF
    networks:
      - testing_net
    stop_grace_period: 30s
EOF
}

# printf rather than a here-document: no process per agency, so N = 1000 stays quick.
client_service() {
    local id="$1"
    printf '%s\n' \
        "" \
        "  client${id}:" \
        "    container_name: client${id}" \
        "    image: client:latest" \
        "    environment:" \
        "      CLI_ID: \"${id}\"" \
        "      CLI_DATA_FILE: /data/agency-${id}.csv"
    if [[ -n "$centrals" ]]; then
        printf '      CLI_SERVER_ADDRESS: "%s"\n' "$central_list"
    fi
    printf '%s\n' \
        "    volumes:" \
        "      - ./client/config.yaml:/app/config.yaml:ro" \
        "      - ./.data/agency-${id}.csv:/data/agency-${id}.csv:ro" \
        "    networks:" \
        "      - testing_net" \
        "    depends_on:" \
        "${client_depends_on}" \
        "    stop_grace_period: 30s"
}

compose_file() {
    cat <<EOF
# Generated by ./generar-compose.sh for ${agencies} agencies; run it again rather than editing this file.
name: tp0
services:
EOF
    local id
    if [[ -n "$pg_ha" ]]; then
        pg_ha_services
    elif [[ -n "$centrals" ]]; then
        postgres_service
    fi
    if [[ -n "$centrals" ]]; then
        for ((id = 1; id <= centrals; id++)); do
            central_service "$id"
        done
    else
        server_service
    fi
    for ((id = 1; id <= agencies; id++)); do
        client_service "$id"
    done
    cat <<EOF

networks:
  testing_net:
    driver: bridge
EOF
}

# What each agency depends on, and (several centrals) the address list it is given.
client_depends_on="      - server"
central_list=""
if [[ -n "$centrals" ]]; then
    client_depends_on=""
    for ((c = 1; c <= centrals; c++)); do
        client_depends_on+="${client_depends_on:+$'\n'}      - server${c}"
        central_list+="${central_list:+,}server${c}:12345"
    done
fi

# Build the whole file in a temporary file first, so a failure never leaves half a file behind.
tmp="$(mktemp "${TMPDIR:-/tmp}/compose.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
compose_file >"$tmp"
cat "$tmp" >"$output"
echo "$0: wrote ${output} with ${agencies} agencies" >&2
