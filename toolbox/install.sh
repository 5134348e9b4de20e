#!/usr/bin/env bash
# CryptoPulse toolbox: the pinned Terraform engine, providers, helm CLI, actionlint, promtool, amtool, checkov, kubeconform,
# pod-security and the Kubernetes OpenAPI spec that the engine validation (scripts/engine-validate.mjs), the manifest
# gate (scripts/manifest-gate.mjs) and the tool smoke test (scripts/toolbox-smoke.mjs) run with, built from source
# through the Go module proxy and PyPI, without the Terraform registry.
#
# Usage:
#   bash toolbox/install.sh                      # install what is missing, reuse what is cached
#   source "${CRYPTOPULSE_TOOLBOX_CACHE:-$HOME/.cache/cryptopulse-toolbox}/env.sh"
#   node scripts/toolbox-smoke.mjs && node scripts/engine-validate.mjs
#
#   bash toolbox/install.sh --freeze-checkov     # re-resolve checkov's dependencies and rewrite
#                                                # toolbox/checkov-constraints.txt, then install
#
# Pins live in toolbox/versions.json (engine, providers, helm CLI, actionlint, promtool, amtool, checkov, kubeconform,
# pod-security, the Kubernetes OpenAPI spec); checkov's whole dependency set is pinned by toolbox/checkov-constraints.txt,
# pod-security's by toolbox/pod-security/go.sum. A provider is one more entry there.
#
# Environment:
#   CRYPTOPULSE_TOOLBOX_CACHE   cache directory, outside the repo (default $HOME/.cache/cryptopulse-toolbox).
#                               Builds are keyed by version and commit, so a second run builds nothing.
#   CRYPTOPULSE_ENGINE          auto (default): terraform >= 1.6 on PATH, else tofu >= 1.6 on PATH,
#                               else the pinned OpenTofu built from source;
#                               terraform: require terraform >= 1.6 on PATH;
#                               tofu: always the pinned OpenTofu build (even when terraform is present).
#   CRYPTOPULSE_TOOLBOX_COMPONENTS  which parts to install (default "engine providers helm actionlint promtool amtool checkov
#                               kubeconform podsecurity kubernetes").
#   CRYPTOPULSE_TOOLBOX_VERSIONS    another pins file (default toolbox/versions.json; the checkov
#                               constraints file is looked up beside it).
#   CRYPTOPULSE_TOOLBOX_ALLOW_FAILURES=1  exit 0 even when a part failed (env.sh is written either way
#                               and lists the missing parts in CRYPTOPULSE_TOOLBOX_MISSING).
#   CRYPTOPULSE_PROVIDER_MIRROR  a pre-populated provider mirror (a filesystem mirror, unpacked or packed as
#                               `terraform providers mirror DIR` writes it, e.g. an air-gapped team's internal
#                               one): each pinned provider found there is used as it is (linked, never copied
#                               into or written to); only the missing ones are built.
#   GOPROXY, GOSUMDB, GONOSUMDB, PIP_INDEX_URL, ...  honoured as usual by go and pip.
#
# Needs: go on PATH (only when something has to be built), node, python3 with venv
# (python3-venv is installed with apt-get when venv is missing and this runs as root).
#
# Writes $CACHE/env.sh, which exports PATH (helm, actionlint, promtool, amtool, checkov, tofu when built), TF_CLI_CONFIG_FILE (a CLI
# config whose only provider source is the local filesystem mirror; ~/.terraformrc is never touched),
# TERRAFORM_BINARY_NAME (the chosen engine, read by cdktf and the scripts), CRYPTOPULSE_KUBERNETES_OPENAPI (the pinned
# Kubernetes OpenAPI spec, read by scripts/manifest-gate.mjs) and CHECKPOINT_DISABLE=1.
#
# Cache layout:
#   store/<tool>/<version>[-<commit12>]-<recipe>/  built binaries (present only when complete)
#   store/checkov/<version>-py<python>-<constraints>/venv
#   mirror/registry.terraform.io/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>
#   mirror/registry.opentofu.org/...   the same binaries (hard links), for OpenTofu's default host
#   store/kubernetes/<version>/swagger.json   store/kubernetes-schemas/<version>-<hash>/ (written by the manifest gate)
#   bin/ (helm, actionlint, promtool, amtool, checkov, kubeconform, pod-security, tofu)   terraformrc   env.sh   logs/   go/mod go/build (Go module and build caches)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSIONS=${CRYPTOPULSE_TOOLBOX_VERSIONS:-$HERE/versions.json}
CACHE=${CRYPTOPULSE_TOOLBOX_CACHE:-$HOME/.cache/cryptopulse-toolbox}
ENGINE_MODE=${CRYPTOPULSE_ENGINE:-auto}
COMPONENTS=" ${CRYPTOPULSE_TOOLBOX_COMPONENTS:-engine providers helm actionlint promtool amtool checkov kubeconform podsecurity kubernetes} "
FREEZE_CHECKOV=0

for arg in "$@"; do
  case "$arg" in
    --freeze-checkov) FREEZE_CHECKOV=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $arg; the options are --freeze-checkov, -h/--help (see --help)" >&2; exit 2 ;;
  esac
done

case "$ENGINE_MODE" in auto|terraform|tofu) ;; *)
  echo "install.sh: CRYPTOPULSE_ENGINE must be auto, terraform or tofu (got '$ENGINE_MODE')" >&2; exit 2 ;;
esac

log() { printf '[toolbox] %s\n' "$*"; }
die() { printf '[toolbox] error: %s\n' "$*" >&2; exit 1; }
ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1fs", ms / 1000 }'; }
want() { [[ "$COMPONENTS" == *" $1 "* ]]; }

command -v node >/dev/null 2>&1 || die "node is required (it reads toolbox/versions.json)"
[ -f "$VERSIONS" ] || die "missing $VERSIONS"
VERSIONS=$(cd "$(dirname "$VERSIONS")" && pwd)/$(basename "$VERSIONS")
case "$CACHE" in /*) ;; *) CACHE="$PWD/$CACHE" ;; esac

# vj PATH: a value of versions.json by dotted path; arrays print one element a line.
vj() {
  node -e '
    const v = require(process.argv[1]);
    const r = process.argv[2].split(".").reduce((o, k) => (o == null ? undefined : o[k]), v);
    if (Array.isArray(r)) { if (r.length) console.log(r.join("\n")); }
    else if (r !== undefined && r !== null) console.log(String(r));
  ' "$VERSIONS" "$1"
}

mkdir -p "$CACHE"/{bin,store,logs,tmp,go/mod,go/build}
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.lock"
  flock -n 9 || { log "waiting for another install.sh on $CACHE"; flock 9; }
fi

# Leftovers of an interrupted run: never counted as cached (only complete files are renamed into place).
rm -rf "${CACHE:?}/tmp/"* 2>/dev/null || true
find "$CACHE/store" -name '*.partial.*' -type f -delete 2>/dev/null || true

TMP_FILES=()
cleanup() { local f; for f in "${TMP_FILES[@]+"${TMP_FILES[@]}"}"; do rm -rf -- "$f"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

T_START=$(ms)
BUILT=(); REUSED=(); FAILED=(); MISSING=(); SUMMARY=()
note() { SUMMARY+=("$(printf '%-44s %-7s %s' "$1" "$2" "$3")"); }

GO_CHECKED=0
need_go() {
  [ "$GO_CHECKED" = 1 ] && return 0
  command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go (>= 1.26 for helm $(vj helm.version)) and rerun"
  log "using $(go version) ($(command -v go)), GOPROXY=$(go env GOPROXY)"
  GO_CHECKED=1
}
gox() {
  env GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS="-modcacherw -buildvcs=false" \
      GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off "$@"
}

# go_build NAME MODULE REF PACKAGE OUT REPLACES LDFLAGS [TAGS]
#   Builds PACKAGE from MODULE@REF in a throwaway wrapper module that repeats REPLACES (newline-separated
#   "old => new" lines), with the comma-separated build TAGS, and writes the binary to OUT atomically.
#   Sets LAST_DL_MS / LAST_CC_MS.
go_build() {
  local name=$1 module=$2 ref=$3 pkg=$4 out=$5 replaces=$6 ldflags=$7 tags=${8:-}
  local logf="$CACHE/logs/$name.log" work t0 t1 t2 r
  need_go
  work=$(mktemp -d "$CACHE/tmp/build-$name.XXXXXX"); TMP_FILES+=("$work")
  {
    printf 'module cryptopulse.toolbox/build/%s\n\ngo 1.22\n' "$name"
    while IFS= read -r r; do [ -n "$r" ] && printf '\nreplace %s\n' "$r"; done <<<"$replaces"
  } >"$work/go.mod"
  {
    echo "== $(date -u +%FT%TZ) $name: $module@$ref ($pkg)"
    cat "$work/go.mod"
  } >"$logf"
  t0=$(ms)
  if ! (cd "$work" && gox go get "$pkg@$ref") >"$work/get.out" 2>&1; then
    cat "$work/get.out" >>"$logf"
    LAST_ERR="go get $pkg@$ref failed: $(grep -v '^go: downloading' "$work/get.out" | tail -n 3 | tr '\n\t' '  ')"
    return 1
  fi
  cat "$work/get.out" >>"$logf"
  t1=$(ms)
  if [[ "$ldflags" == *"{k8s"* ]]; then
    local kv kmaj kmin
    kv=$(cd "$work" && gox go list -m -f '{{.Version}}' k8s.io/client-go)
    kv=${kv#v}; kmaj=$(( ${kv%%.*} + 1 )); kmin=$(cut -d. -f2 <<<"$kv")
    ldflags=${ldflags//\{k8sMajor\}/$kmaj}; ldflags=${ldflags//\{k8sMinor\}/$kmin}
  fi
  mkdir -p "$(dirname "$out")"
  local tmpout="$out.partial.$$"; TMP_FILES+=("$tmpout")
  echo "+ go build -trimpath -tags=\"$tags\" -ldflags=\"-s -w $ldflags\" -o $tmpout $pkg" >>"$logf"
  if ! (cd "$work" && gox go build -trimpath -tags="$tags" -ldflags="-s -w $ldflags" -o "$tmpout" "$pkg") >"$work/build.out" 2>&1; then
    cat "$work/build.out" >>"$logf"
    LAST_ERR="go build $pkg failed: $(tail -n 3 "$work/build.out" | tr '\n\t' '  ')"
    rm -f "$tmpout"; return 1
  fi
  cat "$work/build.out" >>"$logf"
  chmod 0755 "$tmpout"
  mv -f "$tmpout" "$out"
  t2=$(ms)
  LAST_DL_MS=$((t1 - t0)); LAST_CC_MS=$((t2 - t1))
  echo "== done: download $(secs $LAST_DL_MS), compile $(secs $LAST_CC_MS)" >>"$logf"
  rm -rf "$work"
}

# fill TEMPLATE VERSION TAG COMMIT: substitutes {version} {tag} {commit} in ldflags templates.
fill() {
  local s=$1
  s=${s//\{version\}/$2}; s=${s//\{tag\}/$3}; s=${s//\{commit\}/$4}
  printf '%s' "$s"
}

# go_tool LABEL NAME JSONPATH STOREDIR BINARY: cached build of one Go-built tool described at JSONPATH.
#   The binary lands in STOREDIR/<version>[-<commit12>]-<recipe>/BINARY, where <recipe> hashes the
#   module, version, package, replaces and ldflags; sets TOOL_OUT to that path.
go_tool() {
  local label=$1 name=$2 jp=$3 store=$4 binary=$5
  local module ref pkg replaces ldflags tags version tag commit recipe out
  version=$(vj "$jp.version"); module=$(vj "$jp.module"); pkg=$(vj "$jp.package")
  tags=$(vj "$jp.tags" | paste -sd, -)
  tag=$(vj "$jp.tag"); commit=$(vj "$jp.commit")
  ref=$(vj "$jp.goVersion"); [ -n "$ref" ] || ref=$commit
  replaces=$(vj "$jp.replace")
  ldflags=$(fill "$(vj "$jp.ldflags" | tr '\n' ' ')" "$version" "$tag" "$commit")
  recipe=$(printf '%s\n' "$module" "$ref" "$pkg" "$replaces" "$ldflags" ${tags:+"tags=$tags"} | sha256sum | cut -c1-8)
  out="$store/$version${commit:+-${commit:0:12}}-$recipe/$binary"
  TOOL_OUT=$out
  if [ -x "$out" ]; then
    REUSED+=("$label"); note "$label" reused "$out"
    log "$label: reused $out"
    return 0
  fi
  need_go
  log "$label: building $module@$ref (log: $CACHE/logs/$name.log)"
  local t0; t0=$(ms)
  if go_build "$name" "$module" "$ref" "$pkg" "$out" "$replaces" "$ldflags" "$tags"; then
    BUILT+=("$label")
    note "$label" built "$(secs $(( $(ms) - t0 ))) (download $(secs $LAST_DL_MS), compile $(secs $LAST_CC_MS))"
    log "$label: built in $(secs $(( $(ms) - t0 ))) (download $(secs $LAST_DL_MS), compile $(secs $LAST_CC_MS))"
  else
    FAILED+=("$label"); note "$label" FAILED "$LAST_ERR"
    log "$label: FAILED after $(secs $(( $(ms) - t0 ))): $LAST_ERR"
    return 1
  fi
}

engine_version() { # prints the x.y.z an engine binary reports, or nothing
  CHECKPOINT_DISABLE=1 "$1" version -json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", d => (s += d)).on("end", () => {
      try { console.log(JSON.parse(s).terraform_version || ""); } catch { console.log(""); } });' || true
}
ver_ge() { printf '%s\n%s\n' "$2" "$1" | sort -V -C; } # ver_ge A B: A >= B

GOOS_ARCH="$(uname -s | tr 'A-Z' 'a-z')_$(case "$(uname -m)" in x86_64) echo amd64 ;; aarch64|arm64) echo arm64 ;; *) uname -m ;; esac)"
if command -v go >/dev/null 2>&1; then GOOS_ARCH="$(go env GOOS)_$(go env GOARCH)"; fi

log "cache: $CACHE"
log "components:$COMPONENTS| engine mode: $ENGINE_MODE"

# ---------------------------------------------------------------- engine
ENGINE=""
if want engine; then
  MIN=$(vj engine.minVersion)
  pick_path_engine() {
    local bin p v
    for bin in "$@"; do
      p=$(command -v "$bin" 2>/dev/null) || continue
      case "$p" in "$CACHE"/*) [ "$bin" = tofu ] || continue ;; esac
      v=$(engine_version "$p")
      if [ -n "$v" ] && ver_ge "$v" "$MIN"; then
        ENGINE=$p; REUSED+=("engine $bin $v"); note "engine $bin $v" "found" "$p (on PATH)"
        log "engine: using $p ($bin $v, on PATH)"; return 0
      fi
      log "engine: ignoring $p (version '${v:-unknown}' < $MIN)"
    done
    return 1
  }
  case "$ENGINE_MODE" in
    terraform) pick_path_engine terraform || { FAILED+=("engine terraform"); MISSING+=("terraform"); note "engine terraform" FAILED "no terraform >= $MIN on PATH"; log "engine: FAILED: no terraform >= $MIN on PATH"; } ;;
    auto) pick_path_engine terraform tofu || true ;;
  esac
  if [ -z "$ENGINE" ] && [[ "$ENGINE_MODE" != terraform ]]; then
    tv=$(vj engine.tofu.version)
    if go_tool "engine tofu $tv" tofu engine.tofu "$CACHE/store/tofu" tofu; then
      ENGINE="$CACHE/bin/tofu"
      ln -sfn "$TOOL_OUT" "$CACHE/bin/tofu"
    else
      MISSING+=("tofu")
    fi
  fi
fi

# ---------------------------------------------------------------- providers
MIRROR="$CACHE/mirror"
CLI_CONFIG="$CACHE/terraformrc"
PROVIDER_MIRROR=${CRYPTOPULSE_PROVIDER_MIRROR:-}
if [ -n "$PROVIDER_MIRROR" ]; then
  [ -d "$PROVIDER_MIRROR" ] || die "CRYPTOPULSE_PROVIDER_MIRROR: '$PROVIDER_MIRROR' is not a directory"
  PROVIDER_MIRROR=$(cd "$PROVIDER_MIRROR" && pwd)
fi
# from_mirror NS TYPE VERSION DEST: links the provider from the user's mirror (CRYPTOPULSE_PROVIDER_MIRROR) into
#   the toolbox mirror DEST, under both registry hosts; the user's mirror is only read. Either layout counts:
#   unpacked (<host>/<ns>/<type>/<version>/<os_arch>/terraform-provider-<type>_v<version>*) or packed, as
#   `terraform providers mirror` writes it (<host>/<ns>/<type>/terraform-provider-<type>_<version>_<os_arch>.zip).
#   Sets MIRROR_HIT to the file found.
from_mirror() {
  local ns=$1 type=$2 version=$3 dest=$4 host f rel
  MIRROR_HIT=""
  [ -n "$PROVIDER_MIRROR" ] || return 1
  for host in registry.terraform.io registry.opentofu.org; do
    for f in "$PROVIDER_MIRROR/$host/$ns/$type/$version/$GOOS_ARCH/terraform-provider-${type}_v${version}"* \
             "$PROVIDER_MIRROR/$host/$ns/$type/terraform-provider-${type}_${version}_${GOOS_ARCH}.zip"; do
      [ -f "$f" ] || continue
      MIRROR_HIT=$f
      rel=${f#"$PROVIDER_MIRROR/$host/"}
      for host in registry.terraform.io registry.opentofu.org; do
        mkdir -p "$(dirname "$dest/$host/$rel")"
        ln -sfn "$f" "$dest/$host/$rel"
      done
      return 0
    done
  done
  return 1
}
if want providers; then
  n=$(vj providers.length)
  new="$CACHE/tmp/mirror.$$"; TMP_FILES+=("$new")
  rm -rf "$new"; mkdir -p "$new/registry.terraform.io" "$new/registry.opentofu.org"
  [ -n "$PROVIDER_MIRROR" ] && log "providers: looking in $PROVIDER_MIRROR first (CRYPTOPULSE_PROVIDER_MIRROR)"
  for ((i = 0; i < n; i++)); do
    src=$(vj "providers.$i.source"); pv=$(vj "providers.$i.version")
    ns=${src%%/*}; type=${src##*/}
    bin="terraform-provider-${type}_v$pv"
    if from_mirror "$ns" "$type" "$pv" "$new"; then
      REUSED+=("provider $src $pv"); note "provider $src $pv" mirror "$MIRROR_HIT"
      log "provider $src $pv: from the mirror ($MIRROR_HIT)"
    elif go_tool "provider $src $pv" "provider-$type" "providers.$i" "$CACHE/store/providers/$ns-$type" "$bin"; then
      # OpenTofu resolves unqualified sources to registry.opentofu.org and does not follow a
      # symlinked host directory, so both hosts get real directories (hard links to one binary).
      for host in registry.terraform.io registry.opentofu.org; do
        d="$new/$host/$ns/$type/$pv/$GOOS_ARCH"
        mkdir -p "$d"
        ln "$TOOL_OUT" "$d/$bin" 2>/dev/null || cp -p "$TOOL_OUT" "$d/$bin"
      done
    else
      MISSING+=("$src@$pv")
    fi
  done
  rm -rf "$MIRROR.old"
  [ -e "$MIRROR" ] && mv "$MIRROR" "$MIRROR.old"
  mv "$new" "$MIRROR"
  rm -rf "$MIRROR.old"
  cat >"$CLI_CONFIG.tmp" <<EOF
# CryptoPulse toolbox CLI configuration (written by toolbox/install.sh; selected with TF_CLI_CONFIG_FILE).
# Providers are installed only from the local filesystem mirror below; there is no direct fallback.
disable_checkpoint = true

provider_installation {
  filesystem_mirror {
    path = "$MIRROR"
  }
}
EOF
  mv -f "$CLI_CONFIG.tmp" "$CLI_CONFIG"
  log "providers: mirror $MIRROR, CLI config $CLI_CONFIG"
fi

# ---------------------------------------------------------------- helm CLI
if want helm; then
  hv=$(vj helm.version)
  if go_tool "helm $hv" helm helm "$CACHE/store/helm" helm; then ln -sfn "$TOOL_OUT" "$CACHE/bin/helm"; else MISSING+=("helm"); fi
fi

# ---------------------------------------------------------------- actionlint (GitHub workflow linter)
if want actionlint; then
  av=$(vj actionlint.version)
  if go_tool "actionlint $av" actionlint actionlint "$CACHE/store/actionlint" actionlint; then ln -sfn "$TOOL_OUT" "$CACHE/bin/actionlint"; else MISSING+=("actionlint"); fi
fi

# ---------------------------------------------------------------- promtool (Prometheus rule checks and rule unit tests)
if want promtool; then
  pv=$(vj promtool.version)
  if go_tool "promtool $pv" promtool promtool "$CACHE/store/promtool" promtool; then ln -sfn "$TOOL_OUT" "$CACHE/bin/promtool"; else MISSING+=("promtool"); fi
fi

# ---------------------------------------------------------------- amtool (Alertmanager configuration check)
if want amtool; then
  amv=$(vj amtool.version)
  if go_tool "amtool $amv" amtool amtool "$CACHE/store/amtool" amtool; then ln -sfn "$TOOL_OUT" "$CACHE/bin/amtool"; else MISSING+=("amtool"); fi
fi

# ---------------------------------------------------------------- kubeconform (Kubernetes manifest validation)
if want kubeconform; then
  kcv=$(vj kubeconform.version)
  if go_tool "kubeconform $kcv" kubeconform kubeconform "$CACHE/store/kubeconform" kubeconform; then ln -sfn "$TOOL_OUT" "$CACHE/bin/kubeconform"; else MISSING+=("kubeconform"); fi
fi

# ---------------------------------------------------------------- pod-security (Pod Security Standards, toolbox/pod-security)
# Built from the program's own go.mod and go.sum, keyed by their content and the source's.
if want podsecurity; then
  psv=$(vj podsecurity.version); psrc="$HERE/$(vj podsecurity.source)"
  psout="$CACHE/store/pod-security/$psv-$(cat "$psrc/go.mod" "$psrc/go.sum" "$psrc"/*.go | sha256sum | cut -c1-8)/pod-security"
  if [ -x "$psout" ]; then
    REUSED+=("pod-security $psv"); note "pod-security $psv" reused "$psout"; log "pod-security $psv: reused $psout"
  else
    need_go; t0=$(ms); mkdir -p "$(dirname "$psout")"
    log "pod-security $psv: building $psrc (log: $CACHE/logs/pod-security.log)"
    if (cd "$psrc" && gox go build -trimpath -ldflags="-s -w" -o "$psout.partial.$$" .) >"$CACHE/logs/pod-security.log" 2>&1 && mv -f "$psout.partial.$$" "$psout"; then
      BUILT+=("pod-security $psv"); note "pod-security $psv" built "$(secs $(( $(ms) - t0 )))"; log "pod-security $psv: built in $(secs $(( $(ms) - t0 )))"
    else
      rm -f "$psout.partial.$$"; FAILED+=("pod-security $psv"); MISSING+=("pod-security")
      note "pod-security $psv" FAILED "$(tail -n 3 "$CACHE/logs/pod-security.log" | tr '\n\t' '  ')"; log "pod-security $psv: FAILED (details in $CACHE/logs/pod-security.log)"
    fi
  fi
  [ -x "$psout" ] && ln -sfn "$psout" "$CACHE/bin/pod-security"
fi

# ---------------------------------------------------------------- Kubernetes OpenAPI spec (the manifest schemas' source)
# The k8s.io/kubernetes module at the pinned version, from the Go module proxy (nothing is built); env.sh names its
# spec in CRYPTOPULSE_KUBERNETES_OPENAPI. scripts/manifest-gate.mjs generates and caches the schemas from it.
KUBERNETES_OPENAPI=""
if want kubernetes; then
  kv=$(vj kubernetes.version); kspec="$CACHE/store/kubernetes/$kv/$(basename "$(vj kubernetes.spec)")"
  if [ -f "$kspec" ]; then
    REUSED+=("kubernetes openapi $kv"); note "kubernetes openapi $kv" reused "$kspec"; log "kubernetes openapi $kv: reused $kspec"
  else
    need_go; t0=$(ms); mkdir -p "$(dirname "$kspec")"
    if kdir=$(cd "$CACHE/tmp" && gox go mod download -json "$(vj kubernetes.module)@$(vj kubernetes.goVersion)" 2>"$CACHE/logs/kubernetes.log" |
              node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).Dir||""))') &&
       [ -f "$kdir/$(vj kubernetes.spec)" ] && cp "$kdir/$(vj kubernetes.spec)" "$kspec.partial.$$" && mv -f "$kspec.partial.$$" "$kspec"; then
      BUILT+=("kubernetes openapi $kv"); note "kubernetes openapi $kv" fetched "$(secs $(( $(ms) - t0 ))) (go mod download)"
      log "kubernetes openapi $kv: fetched in $(secs $(( $(ms) - t0 )))"
    else
      rm -f "$kspec.partial.$$"; FAILED+=("kubernetes openapi $kv"); MISSING+=("kubernetes-openapi")
      note "kubernetes openapi $kv" FAILED "go mod download: $(tail -n 2 "$CACHE/logs/kubernetes.log" | tr '\n' ' ')"
      log "kubernetes openapi $kv: FAILED (details in $CACHE/logs/kubernetes.log)"
    fi
  fi
  [ -f "$kspec" ] && KUBERNETES_OPENAPI=$kspec
fi

# ---------------------------------------------------------------- checkov
ensure_venv() {
  command -v python3 >/dev/null 2>&1 || { LAST_ERR="python3 is not on PATH"; return 1; }
  local probe; probe=$(mktemp -d "$CACHE/tmp/venv-probe.XXXXXX"); TMP_FILES+=("$probe")
  if python3 -m venv "$probe/v" >/dev/null 2>&1; then rm -rf "$probe"; return 0; fi
  rm -rf "$probe"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "checkov: python3 -m venv failed; installing python3-venv with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null || true
    python3 -m venv "$CACHE/tmp/venv-probe2" >/dev/null 2>&1 && { rm -rf "$CACHE/tmp/venv-probe2"; return 0; }
  fi
  LAST_ERR="python3 -m venv does not work (install python3-venv)"; return 1
}

install_checkov() {
  local cv cons pyver key dir t0 logf="$CACHE/logs/checkov.log"
  cv=$(vj checkov.version); cons="$(dirname "$VERSIONS")/$(vj checkov.constraints)"
  local label="checkov $cv"
  command -v python3 >/dev/null 2>&1 || { LAST_ERR="python3 is not on PATH"; return 1; }
  pyver=$(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
  t0=$(ms)
  if [ "$FREEZE_CHECKOV" = 1 ] || [ ! -f "$cons" ]; then
    ensure_venv || return 1
    log "checkov: resolving checkov==$cv unconstrained to write $cons"
    local fz; fz=$(mktemp -d "$CACHE/tmp/checkov-freeze.XXXXXX"); TMP_FILES+=("$fz")
    { python3 -m venv "$fz/venv" &&
      "$fz/venv/bin/pip" install --disable-pip-version-check --no-input "checkov==$cv"; } >"$logf" 2>&1 ||
      { LAST_ERR="pip install checkov==$cv failed: $(tail -n 3 "$logf" | tr '\n' ' ')"; return 1; }
    log "checkov: wrote $cons"
    {
      echo "# checkov $cv and its whole dependency set, resolved on Python $pyver with pip freeze."
      echo "# Used as a pip constraints file by toolbox/install.sh; regenerate with: bash toolbox/install.sh --freeze-checkov"
      "$fz/venv/bin/pip" freeze --all --disable-pip-version-check --exclude pip
    } >"$cons.tmp"
    mv -f "$cons.tmp" "$cons"
    rm -rf "$fz"
  fi
  key="$cv-py$pyver-$(sha256sum "$cons" | cut -c1-12)"
  dir="$CACHE/store/checkov/$key"
  if [ -f "$dir/.complete" ] && [ -x "$dir/venv/bin/checkov" ]; then
    REUSED+=("$label"); note "$label" reused "$dir"
    log "$label: reused $dir"
  else
    ensure_venv || return 1
    log "$label: installing into $dir (log: $logf)"
    rm -rf "$dir"; mkdir -p "$dir"
    if ! { python3 -m venv "$dir/venv" &&
           "$dir/venv/bin/pip" install --disable-pip-version-check --no-input -c "$cons" "checkov==$cv" &&
           "$dir/venv/bin/checkov" --version; } >>"$logf" 2>&1; then
      LAST_ERR="pip install -c $(basename "$cons") checkov==$cv failed: $(tail -n 3 "$logf" | tr '\n' ' ')"
      rm -rf "$dir"; return 1
    fi
    touch "$dir/.complete"
    BUILT+=("$label"); note "$label" built "$(secs $(( $(ms) - t0 ))) (pip download + install)"
    log "$label: installed in $(secs $(( $(ms) - t0 )))"
  fi
  ln -sfn "$dir/venv/bin/checkov" "$CACHE/bin/checkov"
}
if want checkov; then
  if ! install_checkov; then
    FAILED+=("checkov"); MISSING+=("checkov"); note "checkov $(vj checkov.version)" FAILED "$LAST_ERR"
    log "checkov: FAILED: $LAST_ERR"
  fi
fi

# ---------------------------------------------------------------- env.sh
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
  echo "# CryptoPulse toolbox environment, written by toolbox/install.sh on $(date -u +%FT%TZ)."
  echo "# Use: source $(q "$CACHE/env.sh")"
  echo "export CRYPTOPULSE_TOOLBOX_CACHE=$(q "$CACHE")"
  echo "case \":\$PATH:\" in *:$(q "$CACHE/bin"):*) ;; *) export PATH=$(q "$CACHE/bin"):\"\$PATH\" ;; esac"
  if want providers; then echo "export TF_CLI_CONFIG_FILE=$(q "$CLI_CONFIG")"; fi
  if [ -n "$ENGINE" ]; then echo "export TERRAFORM_BINARY_NAME=$(q "$ENGINE")"; fi
  if [ -n "$KUBERNETES_OPENAPI" ]; then echo "export CRYPTOPULSE_KUBERNETES_OPENAPI=$(q "$KUBERNETES_OPENAPI")"; fi
  echo "export CHECKPOINT_DISABLE=1"
  echo "export CRYPTOPULSE_TOOLBOX_MISSING=$(q "${MISSING[*]+"${MISSING[*]}"}")"
} >"$CACHE/env.sh.tmp"
mv -f "$CACHE/env.sh.tmp" "$CACHE/env.sh"

# ---------------------------------------------------------------- summary
log "summary:"
for line in "${SUMMARY[@]+"${SUMMARY[@]}"}"; do log "  $line"; done
log "built: ${#BUILT[@]}, reused: ${#REUSED[@]}, failed: ${#FAILED[@]}; total $(secs $(( $(ms) - T_START )))"
log "engine: ${ENGINE:-none}"
log "env: source $CACHE/env.sh"
if [ "${#FAILED[@]}" -gt 0 ]; then
  log "failed: ${FAILED[*]} (details in $CACHE/logs/)"
  [ "${CRYPTOPULSE_TOOLBOX_ALLOW_FAILURES:-0}" = 1 ] || exit 1
fi
exit 0
