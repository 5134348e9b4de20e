#!/bin/sh
# Dumps the databases, encrypts each dump on the client side to the recipients
# of the configuration (age public keys: the private keys are held offline),
# uploads it to the primary region's bucket under a dated key and copies it
# to the bucket of every DR region.
#
#   BACKUP_ENV            environment name (first path element under dumps/)
#   BACKUP_DATABASES      which to dump: "postgres mongodb" (default) or a subset
#   BACKUP_TARGETS        buckets, primary first (see lib.sh)
#   BACKUP_RECIPIENTS_FILE  age recipients, one per line
#   PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE   PostgreSQL (libpq)
#   MONGODB_URI           MongoDB connection string
#
# Keys: dumps/<env>/<yyyy>/<mm>/<dd>/<yyyymmddThhmmssZ>-<db>.<ext>.age
. "$(dirname "$0")/lib.sh"

env_name=$(required BACKUP_ENV)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
day=$(date -u +%Y/%m/%d)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

for database in ${BACKUP_DATABASES:-postgres mongodb}; do
  case "$database" in
    postgres)
      extension=pgdump
      # Custom format: compressed, and pg_restore can restore it selectively.
      set -- pg_dump --format=custom --no-password "$(required PGDATABASE)"
      ;;
    mongodb)
      extension=archive.gz
      set -- mongodump --quiet --archive --gzip "--uri=$(required MONGODB_URI)"
      ;;
    *) fail "unknown database $database (expected postgres or mongodb)" ;;
  esac
  BACKUP_OUT="$work/$stamp-$database.$extension.age"
  log "dumping $database"
  encrypt_output_of "$@"
  upload_everywhere "$BACKUP_OUT" "dumps/$env_name/$day/$stamp-$database.$extension.age"
  rm -f "$BACKUP_OUT"
done
log "backup $stamp complete"
