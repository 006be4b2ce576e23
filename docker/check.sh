#!/usr/bin/env bash
# Checks the Docker setup without a Docker engine: generated compose files, Dockerfiles and shell
# scripts. Installs its own tools when missing (Debian packages, and dockerfilelint through npx).
#
#   bash docker/check.sh        (from anywhere; it works from the repository root)
#
# Exits non-zero, naming the failed check, if any check fails. Building the images and running
# the composition need an engine and are not checked here.
set -uo pipefail

readonly DOCKERFILELINT="dockerfilelint@1.8.0"
readonly AGENCY_COUNTS=(0 1 5 50)
readonly DEV_COMPOSE="docker-compose-dev.yaml"
readonly DOCKERFILES=(server/Dockerfile client/Dockerfile)
# The database pair's node image: no Maven build in it, so only the rules that apply to any image.
readonly PG_HA_DOCKERFILE=docker/pg-ha/Dockerfile

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

failures=()
work_dir=""

step() {
    echo "== $*"
}

fail() {
    echo "FAIL: $*" >&2
    failures+=("$*")
}

install_tools() {
    local missing=()
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    command -v yamllint >/dev/null || missing+=(yamllint)
    command -v shellcheck >/dev/null || missing+=(shellcheck)
    if ((${#missing[@]} > 0)); then
        step "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get update -qq || ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
            echo "FAIL: could not install ${missing[*]}" >&2
            exit 1
        fi
    fi
    if ! command -v npx >/dev/null; then
        echo "FAIL: npx (Node.js) is needed for ${DOCKERFILELINT}" >&2
        exit 1
    fi
}

# Generates $1 with generar-compose.sh for $2 agencies, with the environment in the remaining arguments
# (NAME=value), and lints and validates it; $3 names the file in failures.
check_generated() {
    local file="$1" n="$2" what="$3" plain
    shift 3
    if ! env "$@" bash ./generar-compose.sh "$file" "$n"; then
        fail "generar-compose.sh for $what exited non-zero"
        return
    fi
    yamllint --strict "$file" || fail "yamllint on the compose file for $what"
    # Debian's docker-compose 1.29 predates the top-level "name:" key, so it checks a copy without it;
    # --project-directory resolves the relative bind paths from the repository root, as for users.
    plain="${file%.yaml}-plain.yaml"
    grep -v '^name:' "$file" >"$plain"
    docker-compose --project-directory . -f "$plain" config -q \
        || fail "docker-compose config on the compose file for $what"
}

check_generated_compose_files() {
    local dir="$1" n
    for n in "${AGENCY_COUNTS[@]}"; do
        step "generar-compose.sh with $n agencies"
        check_generated "$dir/docker-compose-$n.yaml" "$n" "$n agencies"
    done
    step "generar-compose.sh with CENTRALS=3 and 5 agencies"
    check_generated "$dir/docker-compose-centrals.yaml" 5 "3 centrals" CENTRALS=3
    step "generar-compose.sh with CENTRALS=2 PG_HA=1 and 5 agencies"
    check_generated "$dir/docker-compose-pg-ha.yaml" 5 "the database pair" CENTRALS=2 PG_HA=1
    step "$DEV_COMPOSE is what the generator writes for 5 agencies"
    yamllint --strict "$DEV_COMPOSE" || fail "yamllint on $DEV_COMPOSE"
    cmp -s "$DEV_COMPOSE" "$dir/docker-compose-5.yaml" \
        || fail "$DEV_COMPOSE differs from ./generar-compose.sh output for 5 agencies (run: make compose)"
}

check_dockerfiles() {
    local dockerfile
    step "dockerfilelint ${DOCKERFILES[*]} $PG_HA_DOCKERFILE"
    npx --yes "$DOCKERFILELINT" "${DOCKERFILES[@]}" "$PG_HA_DOCKERFILE" || fail "dockerfilelint"
    for dockerfile in "${DOCKERFILES[@]}" "$PG_HA_DOCKERFILE"; do
        step "$dockerfile: exec-form entrypoint, non-root user"
        # Only the exec (JSON array) form makes the JVM the main process, which gets SIGTERM.
        if ! grep -Eq '^(ENTRYPOINT|CMD)[[:space:]]+\[' "$dockerfile"; then
            fail "$dockerfile has no exec-form (JSON array) ENTRYPOINT or CMD"
        fi
        if grep -E '^(ENTRYPOINT|CMD)[[:space:]]' "$dockerfile" | grep -Evq '^(ENTRYPOINT|CMD)[[:space:]]+\['; then
            fail "$dockerfile has a shell-form ENTRYPOINT or CMD"
        fi
        # Config files and bets are mounted at run time; an image that holds them would hide edits.
        if grep -Eiq '^(COPY|ADD)[[:space:]].*(config\.ini|config\.yaml|\.data|bets\.csv)' "$dockerfile"; then
            fail "$dockerfile copies a config file or data into the image"
        fi
        # Maven reads the whole reactor in the dependency layer: every module's pom must be copied before it.
        local module
        if [[ $dockerfile != "$PG_HA_DOCKERFILE" ]]; then
            while read -r module; do
                if ! grep -Eq "^COPY[[:space:]]+$module/pom.xml[[:space:]]" "$dockerfile"; then
                    fail "$dockerfile does not copy $module/pom.xml, which the root pom lists as a module"
                fi
            done < <(sed -n 's|.*<module>\(.*\)</module>.*|\1|p' pom.xml)
        fi
        local user
        user="$(grep -E '^USER[[:space:]]' "$dockerfile" | tail -n 1 | awk '{print $2}')"
        if [[ -z "$user" || "$user" == root || "$user" == 0 || "$user" == 0:* ]]; then
            fail "$dockerfile does not end with a non-root USER"
        fi
    done
}

check_shell_scripts() {
    local scripts=(generar-compose.sh docker/*.sh docker/pg-ha/*.sh)
    if compgen -G "scripts/*.sh" >/dev/null; then
        scripts+=(scripts/*.sh)
    fi
    step "shellcheck ${scripts[*]}"
    shellcheck "${scripts[@]}" || fail "shellcheck"
}

main() {
    local start=$SECONDS
    install_tools
    work_dir="$(mktemp -d)"
    trap 'rm -rf "$work_dir"' EXIT
    check_generated_compose_files "$work_dir"
    check_dockerfiles
    check_shell_scripts
    if ((${#failures[@]} > 0)); then
        echo "docker/check.sh: ${#failures[@]} check(s) failed:" >&2
        printf '  - %s\n' "${failures[@]}" >&2
        exit 1
    fi
    echo "docker/check.sh: all checks passed in $((SECONDS - start)) s"
}

main "$@"
