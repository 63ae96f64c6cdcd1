#!/usr/bin/env bash
# The README's first command: set everything up, then run the main job on the bundled example config —
# validate examples/pi-edge.yaml, generate its docker-compose stack into out/pi-edge/, ship the bundled sample EVE
# file with `edge-agent run --once` to a local _bulk TEST DOUBLE (not OpenSearch) and print the counts, then run the
# AIOps agent for 5 one-second ticks on this host, printing what it collects and scores.
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
soc_log "edge-agent: shipping the bundled sample EVE file to a local _bulk test double (run --once)"
bash apps/edge-agent/scripts/run-example.sh
soc_log "aiops-agent: 5 ticks at 1 s on this host (collection + anomaly scores; alerts only log: no receivers)"
node apps/aiops-agent/dist/cli.js run --config "$config" --ticks 5 --interval 1s --proc-root /proc --metrics-port 0 --log-level warn
