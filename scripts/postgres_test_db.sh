#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 server and create the role and database the test suite
# uses for its PostgreSQL run (`make test-postgres`). Run as root; safe to run again.
#   role roadbook (password roadbook, may create databases), database roadbook_test
set -euo pipefail

VERSION=${PG_VERSION:-15}
CLUSTER=${PG_CLUSTER:-main}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "Installing PostgreSQL"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c' | grep -q .; then
    pg_createcluster "$VERSION" "$CLUSTER"
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c && $4 == "online"' | grep -q .; then
    pg_ctlcluster "$VERSION" "$CLUSTER" start
fi
for _ in $(seq 1 30); do
    runuser -u postgres -- pg_isready -q && break
    sleep 1
done

runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'roadbook') THEN
    CREATE ROLE roadbook LOGIN CREATEDB PASSWORD 'roadbook';
  ELSE
    ALTER ROLE roadbook LOGIN CREATEDB PASSWORD 'roadbook';
  END IF;
END
$$;
SELECT 'CREATE DATABASE roadbook_test OWNER roadbook'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'roadbook_test')\gexec
SQL
echo "PostgreSQL $VERSION is running; test database: postgresql+psycopg://roadbook:roadbook@127.0.0.1:5432/roadbook_test"
