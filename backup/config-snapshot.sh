#!/bin/sh
# The daily configuration snapshot: the manifests of every resource the
# cluster lists, except Secrets, as YAML, plus the Helm release list recovered
# from the resources' Helm labels, packed, encrypted like the dumps and
# stored under config/<env>/<yyyy>/<mm>/<dd>/ in every bucket.
#
# Helm keeps each release (values included) in a Secret, and this job may not
# read Secrets, so Helm values are not read from the cluster: they live in
# the repository (PinnedRelease values) and in the versioned Terraform state.
. "$(dirname "$0")/lib.sh"

env_name=$(required BACKUP_ENV)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
day=$(date -u +%Y/%m/%d)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/snapshot"

# Everything listable, minus Secrets (and the ephemeral or derived kinds).
kubectl api-resources --verbs=list --output=name |
  grep -v -x -e secrets -e events -e events.events.k8s.io -e endpoints -e endpointslices.discovery.k8s.io \
    -e pods.metrics.k8s.io -e nodes.metrics.k8s.io -e componentstatuses >"$work/kinds"
while read -r kind; do
  kubectl get "$kind" --all-namespaces --output=yaml >"$work/snapshot/$kind.yaml" 2>"$work/error" ||
    log "skipped $kind: $(cat "$work/error")"
done <"$work/kinds"
grep -l -x '  kind: Secret' "$work/snapshot/"*.yaml && fail "a Secret reached the snapshot"
kubectl get deployments,statefulsets,daemonsets,services --all-namespaces \
  --output=jsonpath='{range .items[*]}{.metadata.annotations.meta\.helm\.sh/release-namespace}/{.metadata.annotations.meta\.helm\.sh/release-name} {.metadata.labels.helm\.sh/chart}{"\n"}{end}' |
  grep -v '^/' | sort -u >"$work/snapshot/helm-releases.txt"

BACKUP_OUT="$work/$stamp-cluster.tar.gz.age"
encrypt_output_of tar -C "$work/snapshot" -czf - .
upload_everywhere "$BACKUP_OUT" "config/$env_name/$day/$stamp-cluster.tar.gz.age"
log "configuration snapshot $stamp complete ($(wc -l <"$work/kinds" | tr -d ' ') kinds)"
