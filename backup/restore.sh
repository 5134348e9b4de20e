#!/bin/sh
# Restores a dump made by backup.sh. The dump is downloaded and decrypted
# completely before the target is touched, so a wrong identity or a damaged
# file fails here; PostgreSQL is then restored in one transaction, so a dump
# that fails halfway leaves the target database as it was.
#
#   restore.sh postgres|mongodb SOURCE [KEY]
#     SOURCE  the target token of the bucket to read (e.g. FRA1, or AMS3 after losing fra1)
#     KEY     the object key; the newest dump of that database when omitted
#   BACKUP_ENV, BACKUP_IDENTITY_FILE (age identity: supplied by the operator at restore time)
#   PostgreSQL: PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE, RESTORE_DATABASE (must exist)
#   MongoDB:    RESTORE_MONGODB_URI
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || fail "usage: restore.sh postgres|mongodb SOURCE [KEY]"
database=$1
source=$2
case "$database" in
  postgres) suffix=-postgres.pgdump.age ;;
  mongodb) suffix=-mongodb.archive.gz.age ;;
  *) fail "unknown database $database (expected postgres or mongodb)" ;;
esac
key=${3:-$(latest_key "$source" "dumps/$(required BACKUP_ENV)/" "$suffix")}
[ -n "$key" ] || fail "no $database dump under dumps/$BACKUP_ENV/ in $(bucket_of "$source")"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
log "restoring s3://$(bucket_of "$source")/$key"
s3 "$source" s3 cp --only-show-errors "s3://$(bucket_of "$source")/$key" "$work/dump.age" >&2
decrypt_to "$work/dump.age" "$work/dump"
rm -f "$work/dump.age"

case "$database" in
  postgres)
    target=$(required RESTORE_DATABASE)
    pg_restore --list "$work/dump" >/dev/null || fail "$key is not a pg_dump archive"
    # Owners and grants name roles of the source cluster, which a scratch or new cluster may lack.
    pg_restore --no-password --no-owner --no-acl --single-transaction --exit-on-error --dbname "$target" "$work/dump" ||
      fail "pg_restore into $target failed; the transaction was rolled back"
    ;;
  mongodb)
    mongorestore --quiet --archive="$work/dump" --gzip "--uri=$(required RESTORE_MONGODB_URI)" ||
      fail "mongorestore failed"
    ;;
esac
log "restored $key"
printf '%s\n' "$key"
