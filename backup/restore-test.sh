#!/bin/sh
# The monthly restore test. For each database of BACKUP_DATABASES it takes the
# newest dump of the primary bucket and of every DR region's bucket
# (BACKUP_TARGETS, primary first), and fails when a bucket has none, when the
# primary's is older than RESTORE_MAX_DUMP_AGE_HOURS, or when a DR region's
# newest is not the primary's newest (the copy is missing or stale).
# - PostgreSQL: each dump is restored into a scratch database whose schema and
#   row counts are compared with the source database; the scratch databases are
#   dropped whatever happens.
# - MongoDB: each dump must decrypt and be a complete, gzipped mongodump
#   archive. It is not restored (docs/runbooks/restore-test.md says why).
# Any difference exits non-zero: the Job fails, and the alert on failed restore
# tests fires.
#
#   BACKUP_ENV, BACKUP_TARGETS, BACKUP_IDENTITY_FILE
#   BACKUP_DATABASES  "postgres mongodb" (default) or a subset, as for backup.sh
#   PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE PGDATABASE (the source; the role may CREATE DATABASE)
#   RESTORE_COUNT_TOLERANCE_PERCENT  how far a table's rows may have moved since the dump (default 10)
#   RESTORE_MAX_DUMP_AGE_HOURS       how old the newest dump may be (default 7: one 6-hour interval and an hour)
. "$(dirname "$0")/lib.sh"

source_db=$(required PGDATABASE)
targets=$(required BACKUP_TARGETS)
primary=${targets%% *}
env_name=$(required BACKUP_ENV)
tolerance=${RESTORE_COUNT_TOLERANCE_PERCENT:-10}
max_age_hours=${RESTORE_MAX_DUMP_AGE_HOURS:-7}
case "$max_age_hours" in
  '' | *[!0-9]*) fail "RESTORE_MAX_DUMP_AGE_HOURS is '$max_age_hours': expected a whole number of hours" ;;
esac
databases=${BACKUP_DATABASES:-postgres mongodb}
for database in $databases; do
  case "$database" in
    postgres | mongodb) ;;
    *) fail "BACKUP_DATABASES names '$database': expected postgres, mongodb or both" ;;
  esac
done
run_stamp=$(date -u +%Y%m%d%H%M%S)
work=$(mktemp -d)

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

# The dump's UTC timestamp, from its key (dumps/<env>/<yyyy>/<mm>/<dd>/<yyyymmddThhmmssZ>-<db>...).
stamp_of() { _name=${1##*/}; printf '%s' "${_name%%-*}"; }

scratches=""
clean_up() {
  rm -rf "$work"
  for _scratch in $scratches; do
    sql "$source_db" "DROP DATABASE IF EXISTS \"$_scratch\"" >/dev/null || log "could not drop $_scratch"
  done
}
trap clean_up EXIT INT TERM

# Restores KEY of target TARGET into a scratch database and compares it with the source.
restore_and_compare() {
  _from=$1
  _dump=$2
  _scratch="restore_test_${run_stamp}_$(printf '%s' "$_from" | tr '[:upper:]' '[:lower:]')"
  sql "$source_db" "CREATE DATABASE \"$_scratch\""
  scratches="$scratches $_scratch"
  RESTORE_DATABASE=$_scratch sh "$(dirname "$0")/restore.sh" postgres "$_from" "$_dump" >/dev/null
  log "restored $_dump from $_from into $_scratch"

  _work="$work/compare"
  mkdir "$_work"
  schema_of "$source_db" >"$_work/source.schema"
  schema_of "$_scratch" >"$_work/restored.schema"
  if ! diff "$_work/source.schema" "$_work/restored.schema" >&2; then
    rm -rf "$_work"
    fail "schema of the restored dump ($_from) differs from $source_db (lines above: < source, > restored)"
  fi
  counts_of "$source_db" >"$_work/source.counts"
  counts_of "$_scratch" >"$_work/restored.counts"
  _problems=$(awk -v tolerance="$tolerance" '
    NR == FNR { source[$1] = $2; next }
    {
      want = source[$1]; got = $2
      if (want > 0 && got == 0) { print $1 ": restored empty, source has " want " rows"; next }
      delta = want - got; if (delta < 0) delta = -delta
      if (want > 0 && delta * 100 > want * tolerance) print $1 ": " got " rows restored, source has " want
    }' "$_work/source.counts" "$_work/restored.counts")
  cat "$_work/restored.counts" >&2
  rm -rf "$_work"
  [ -z "$_problems" ] || fail "row counts of the dump in $_from differ beyond $tolerance%: $_problems"
}

# Checks that KEY of TARGET is a whole mongodump archive: it decrypts, its gzip stream is complete,
# and it starts with the archive format's magic number (0x8199e26d, little-endian, in mongo-tools).
check_mongodb_archive() {
  s3 "$1" s3 cp --only-show-errors "s3://$(bucket_of "$1")/$2" "$work/mongodb.age" >&2
  decrypt_to "$work/mongodb.age" "$work/mongodb"
  rm -f "$work/mongodb.age"
  gzip -t "$work/mongodb" 2>/dev/null || fail "$2 in $1 is not a complete gzip stream"
  _magic=$(gzip -dc "$work/mongodb" | head -c 4 | od -An -tx1 | tr -d ' \n')
  rm -f "$work/mongodb"
  [ "$_magic" = 6de29981 ] || fail "$2 in $1 is not a mongodump archive (it starts with ${_magic:-nothing})"
  log "checked $2 from $1: a complete mongodump archive"
}

cutoff=$(date -u -d "@$(($(date -u +%s) - max_age_hours * 3600))" +%Y%m%dT%H%M%SZ)
checked=""
for database in $databases; do
  case "$database" in
    postgres) label=PostgreSQL suffix=-postgres.pgdump.age ;;
    mongodb) label=MongoDB suffix=-mongodb.archive.gz.age ;;
  esac
  newest=$(latest_key "$primary" "dumps/$env_name/" "$suffix")
  [ -n "$newest" ] || fail "no $label dump under dumps/$env_name/ in $(bucket_of "$primary") ($primary)"
  if awk -v stamp="$(stamp_of "$newest")" -v cutoff="$cutoff" 'BEGIN { exit !(stamp < cutoff) }'; then
    fail "the newest $label dump in $primary, $newest, is older than $max_age_hours hours: the backups are stale"
  fi
  for target in $targets; do
    key=$newest
    if [ "$target" != "$primary" ]; then
      key=$(latest_key "$target" "dumps/$env_name/" "$suffix")
      [ -n "$key" ] || fail "the DR copy is missing: no $label dump under dumps/$env_name/ in $(bucket_of "$target") ($target)"
      [ "$key" = "$newest" ] || fail "the DR copy is stale: the newest $label dump in $target is $key, the primary's is $newest"
    fi
    case "$database" in
      postgres) restore_and_compare "$target" "$key" ;;
      mongodb) check_mongodb_archive "$target" "$key" ;;
    esac
  done
  checked="$checked $newest"
done
log "restore test passed:$checked, in $(printf '%s' "$targets" | tr -s ' ' | sed 's/ /, /g')"
