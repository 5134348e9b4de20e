#!/bin/sh
# Applies the versioned migrations (NNNN_name.sql, in order) that are not yet
# recorded in schema_migrations, each in one transaction with its record, so a
# failed migration leaves nothing behind and a finished one never runs again.
# An advisory lock serializes concurrent runs.
#
# Usage: migrate.sh [DIR]   (DIR defaults to this script's directory)
# Connection: libpq's PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE.
# APP_DB_USER: the application's role, which the migrations grant data access to.
set -eu

dir=${1:-$(dirname "$0")}
: "${APP_DB_USER:?APP_DB_USER must name the application role}"

run_psql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

run_psql -c 'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())'

for file in "$dir"/[0-9][0-9][0-9][0-9]_*.sql; do
  [ -e "$file" ] || continue
  version=$(basename "$file" .sql)
  run_psql -v version="$version" -v file="$file" -v app_user="$APP_DB_USER" <<'SQL'
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('schema_migrations')) AS locked \gset
SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = :'version') AS applied \gset
\if :applied
\echo :version already applied
\else
\echo applying :version
\i :file
INSERT INTO schema_migrations (version) VALUES (:'version');
\endif
COMMIT;
SQL
done
