#!/usr/bin/env bash
# The README's first command: set everything up, then run the main job on the bundled example config —
# validate examples/pi-edge.yaml and generate its docker-compose stack into out/pi-edge/.
#   scripts/run-example.sh [config] [out-dir]
source "$(dirname "$0")/lib/toolchain.sh"
soc_bootstrap
config=${1:-examples/pi-edge.yaml}
out=${2:-out/pi-edge}
soc_log "building the workspace"
pnpm turbo run build --output-logs=errors-only >&2
soc_log "validating $config"
pnpm --silent soc-config validate "$config"
soc_log "generating Compose from $config"
pnpm --silent compose-gen compose "$config" -o "$out"
