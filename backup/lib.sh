# Shared by backup.sh, restore.sh, restore-test.sh and config-snapshot.sh (POSIX sh).
#
# A "target" is one backup bucket, named by an upper-case token (the region,
# e.g. FRA1). Its settings come from the environment, as the job's Secrets
# put them there with an envFrom prefix:
#   <T>_BUCKET  <T>_ENDPOINT  <T>_ACCESS_KEY_ID  <T>_SECRET_ACCESS_KEY
# BACKUP_TARGETS lists them, the primary region's bucket first.

set -eu

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

# The value of the variable named "$1", failing loudly when it is unset or empty.
required() {
  case "$1" in *[!A-Za-z0-9_]*) fail "not a variable name: $1" ;; esac
  eval "_value=\${$1:-}"
  [ -n "$_value" ] || fail "$1 is not set"
  printf '%s' "$_value"
}

# Spaces ignores the signing region; S3 clients need one.
: "${BACKUP_SIGNING_REGION:=us-east-1}"

# Runs the aws CLI against target "$1" with that bucket's own key.
s3() {
  _target=$1
  shift
  AWS_ACCESS_KEY_ID=$(required "${_target}_ACCESS_KEY_ID") \
    AWS_SECRET_ACCESS_KEY=$(required "${_target}_SECRET_ACCESS_KEY") \
    AWS_DEFAULT_REGION=$BACKUP_SIGNING_REGION \
    aws --endpoint-url "$(required "${_target}_ENDPOINT")" "$@"
}

bucket_of() { required "${1}_BUCKET"; }

# Uploads file "$1" as key "$2" to every target, then checks each copy's size:
# the primary region first, then the copy in every DR region.
upload_everywhere() {
  _size=$(wc -c <"$1" | tr -d ' ')
  for _target in $(required BACKUP_TARGETS); do
    _bucket=$(bucket_of "$_target")
    s3 "$_target" s3 cp --only-show-errors "$1" "s3://$_bucket/$2" >&2
    _stored=$(s3 "$_target" s3api head-object --bucket "$_bucket" --key "$2" --query ContentLength --output text)
    [ "$_stored" = "$_size" ] || fail "s3://$_bucket/$2 holds $_stored bytes, expected $_size"
    log "stored s3://$_bucket/$2 ($_size bytes, $_target)"
  done
}

# The newest key under prefix "$2" in target "$1" whose name ends with "$3".
# Keys carry a UTC timestamp in a dated path, so the lexical maximum is the newest.
latest_key() {
  s3 "$1" s3 ls --recursive "s3://$(bucket_of "$1")/$2" | awk '{ print $4 }' | grep -e "$3\$" | sort | tail -n 1
}

# Encrypts the output of the command "$@" to the recipients file into BACKUP_OUT,
# through a FIFO: plaintext never touches the disk, and the command's own exit
# status is checked (POSIX sh has no pipefail).
encrypt_output_of() {
  _fifo=$(mktemp -u "${TMPDIR:-/tmp}/backup-fifo.XXXXXX")
  mkfifo "$_fifo"
  "$@" >"$_fifo" &
  _pid=$!
  if ! age --encrypt --recipients-file "$(required BACKUP_RECIPIENTS_FILE)" --output "$BACKUP_OUT" <"$_fifo"; then
    kill "$_pid" 2>/dev/null || true
    wait "$_pid" 2>/dev/null || true
    rm -f "$_fifo"
    fail "age could not encrypt the output of $1"
  fi
  _status=0
  wait "$_pid" || _status=$?
  rm -f "$_fifo"
  [ "$_status" -eq 0 ] || fail "$1 exited with status $_status"
}

# Decrypts "$1" into "$2" with the identity file; on any error (wrong key,
# truncated or altered ciphertext) the partial output is removed.
decrypt_to() {
  if ! age --decrypt --identity "$(required BACKUP_IDENTITY_FILE)" --output "$2" "$1"; then
    rm -f "$2"
    fail "cannot decrypt $1: wrong identity, or the file is corrupted"
  fi
}
