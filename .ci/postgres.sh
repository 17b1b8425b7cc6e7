#!/usr/bin/env bash
# Start a local PostgreSQL server for the tests and print its URL on stdout (nothing else).
#
#   export TEST_DATABASE_URL="$(bash .ci/postgres.sh)"
#
# Idempotent: installs Debian's postgresql package only if no server is installed,
# creates a cluster only if there is none, starts it only if it is down, and
# creates the test role and database only if they are missing. Runs as root
# (CI and the development machines do). The password is for a loopback-only
# test database, not a secret; override with BT_PG_USER, BT_PG_PASSWORD, BT_PG_DB.
set -euo pipefail

DB_USER="${BT_PG_USER:-boligtildeling}"
DB_PASSWORD="${BT_PG_PASSWORD:-boligtildeling-test}"
DB_NAME="${BT_PG_DB:-boligtildeling_test}"

log() { echo "postgres.sh: $*" >&2; }

server_installed() {
    command -v pg_lsclusters >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1
}

if ! server_installed; then
    log "installerer PostgreSQL (apt-get)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    log "oppretter klynge $version/main"
    pg_createcluster "$version" main >&2
fi

read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
install -d -o postgres -g postgres -m 2775 /var/run/postgresql
if [ "$status" != "online" ]; then
    log "starter klynge $version/$cluster på port $port"
    pg_ctlcluster "$version" "$cluster" start >&2
fi

for _ in $(seq 1 30); do
    if runuser -u postgres -- pg_isready -q -p "$port"; then break; fi
    sleep 1
done
runuser -u postgres -- pg_isready -q -p "$port" || { log "serveren svarer ikke på port $port"; exit 1; }

psql_admin() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -tAq "$@"; }

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]; then
    log "oppretter rollen $DB_USER"
    psql_admin -c "CREATE ROLE \"$DB_USER\" LOGIN PASSWORD '$DB_PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
    log "oppretter databasen $DB_NAME"
    psql_admin -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\""
fi

echo "postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$port/$DB_NAME"
