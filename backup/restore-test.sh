#!/bin/sh
# The monthly restore test: restores the newest PostgreSQL dump of the primary
# bucket into a scratch database, compares the schema and the row counts with
# the source database, drops the scratch database and exits non-zero on any
# difference (the Job fails, and the alert on failed restore tests fires).
#
#   BACKUP_ENV, BACKUP_TARGETS (the first is read), BACKUP_IDENTITY_FILE
#   PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE PGDATABASE (the source; the role may CREATE DATABASE)
#   RESTORE_COUNT_TOLERANCE_PERCENT  how far a table's rows may have moved since the dump (default 10)
. "$(dirname "$0")/lib.sh"

source_db=$(required PGDATABASE)
primary=$(required BACKUP_TARGETS)
primary=${primary%% *}
tolerance=${RESTORE_COUNT_TOLERANCE_PERCENT:-10}
scratch="restore_test_$(date -u +%Y%m%d%H%M%S)"

sql() { psql --no-psqlrc --no-password --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 --dbname "$1" -c "$2"; }

# Tables and columns of the public schema, one line each, sorted.
schema_of() {
  sql "$1" "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
              FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1"
}

# "<table> <rows>" for every table of the public schema.
counts_of() {
  for table in $(sql "$1" "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
    printf '%s %s\n' "$table" "$(sql "$1" "SELECT count(*) FROM public.\"$table\"")"
  done
}

sql "$source_db" "CREATE DATABASE \"$scratch\""
trap 'sql "$source_db" "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null || log "could not drop $scratch"' EXIT INT TERM

key=$(RESTORE_DATABASE=$scratch sh "$(dirname "$0")/restore.sh" postgres "$primary")
log "restored $key into $scratch"

work=$(mktemp -d)
schema_of "$source_db" >"$work/source.schema"
schema_of "$scratch" >"$work/restored.schema"
if ! diff "$work/source.schema" "$work/restored.schema" >&2; then
  rm -rf "$work"
  fail "schema of the restored dump differs from $source_db (lines above: < source, > restored)"
fi
counts_of "$source_db" >"$work/source.counts"
counts_of "$scratch" >"$work/restored.counts"
problems=$(awk -v tolerance="$tolerance" '
  NR == FNR { source[$1] = $2; next }
  {
    want = source[$1]; got = $2
    if (want > 0 && got == 0) { print $1 ": restored empty, source has " want " rows"; next }
    delta = want - got; if (delta < 0) delta = -delta
    if (want > 0 && delta * 100 > want * tolerance) print $1 ": " got " rows restored, source has " want
  }' "$work/source.counts" "$work/restored.counts")
cat "$work/restored.counts" >&2
rm -rf "$work"
[ -z "$problems" ] || fail "row counts differ beyond $tolerance%: $problems"
log "restore test passed: $key"
