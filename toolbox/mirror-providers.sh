#!/usr/bin/env bash
# Lays out a filesystem provider mirror of exactly the providers toolbox/versions.json pins, from the Terraform
# registry, with `terraform providers mirror`: for a machine that reaches the registry (a GitHub runner, an
# admin's laptop) to fill the mirror an air-gapped team or CI then names with CRYPTOPULSE_PROVIDER_MIRROR.
#
# Usage: bash toolbox/mirror-providers.sh DIR [PLATFORM]     (PLATFORM default linux_amd64)
# Needs terraform (>= 1.6) on PATH and node.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "${1:-}" in ""|-h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [ -n "${1:-}" ]; exit $? ;; esac
dest=$1
platform=${2:-linux_amd64}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
node -e '
  const { providers } = require(process.argv[1]);
  const required = Object.fromEntries(providers.map((p) => [p.source.split("/")[1], { source: p.source, version: p.version }]));
  console.log(JSON.stringify({ terraform: { required_providers: required } }, null, 2));
' "$here/versions.json" >"$work/providers.tf.json"
mkdir -p "$dest"
(cd "$work" && CHECKPOINT_DISABLE=1 terraform providers mirror -platform="$platform" "$dest")
