# shellcheck shell=bash
# Sourced by scripts/run-example.sh and scripts/test.sh. Makes sure this shell has:
#   - Node.js >= 22.12 (installs Node 24 from the npm registry package node-linux-<arch> when missing),
#   - pnpm at the version pinned in package.json "packageManager" (installed from the npm registry),
#   - the workspace's dependencies (pnpm install --frozen-lockfile).
# Tools go to $SOC_TOOLS_DIR (default ~/.cache/soc-tools); nothing is installed system-wide except
# Debian packages requested through soc_apt_install.
set -euo pipefail

SOC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SOC_TOOLS_DIR=${SOC_TOOLS_DIR:-$HOME/.cache/soc-tools}
SOC_NODE_MAJOR=24

soc_log() { printf '\033[1m[soc]\033[0m %s\n' "$*" >&2; }

soc_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

soc_ensure_node() {
  local dir="$SOC_TOOLS_DIR/node$SOC_NODE_MAJOR"
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  local bin="$dir/node_modules/node-linux-$arch/bin"
  if [ -x "$bin/node" ]; then export PATH="$bin:$PATH"; fi
  soc_node_ok && return 0
  command -v npm >/dev/null 2>&1 || { soc_log "npm is missing: install Node.js (any version with npm) first"; exit 1; }
  soc_log "installing Node $SOC_NODE_MAJOR (npm package node-linux-$arch) into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$SOC_NODE_MAJOR" >&2
  export PATH="$bin:$PATH"
  soc_node_ok || { soc_log "Node >= 22.12 still not found after install"; exit 1; }
}

soc_ensure_pnpm() {
  local want
  want=$(node -p 'require(process.argv[1]).packageManager.split("@")[1]' "$SOC_ROOT/package.json")
  local dir="$SOC_TOOLS_DIR/pnpm-$want"
  if [ -x "$dir/node_modules/.bin/pnpm" ]; then export PATH="$dir/node_modules/.bin:$PATH"; fi
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then return 0; fi
  soc_log "installing pnpm $want into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "pnpm@$want" >&2
  export PATH="$dir/node_modules/.bin:$PATH"
}

# soc_apt_install PKG... — installs the Debian packages that are missing (root or sudo needed).
soc_apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  soc_log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

soc_ensure_deps() {
  cd "$SOC_ROOT"
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
  soc_log "installing workspace dependencies (pnpm install --frozen-lockfile)"
  pnpm install --frozen-lockfile --reporter=append-only >&2
}

soc_bootstrap() {
  soc_ensure_node
  soc_ensure_pnpm
  soc_ensure_deps
  soc_log "node $(node --version), pnpm $(pnpm --version)"
}
