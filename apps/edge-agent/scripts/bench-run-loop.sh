#!/usr/bin/env bash
# Builds and runs scripts/bench-run-loop.ts (see its header); prints one JSON object. Flags are passed through.
set -euo pipefail
app="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=/dev/null
source "$app/../../scripts/lib/toolchain.sh"
soc_ensure_node >/dev/null
soc_ensure_pnpm >/dev/null
cd "$app"
pnpm exec tsup scripts/bench-run-loop.ts --no-config --format esm --platform node --target node22 --out-dir out/scripts --silent
exec node --max-semi-space-size=1 out/scripts/bench-run-loop.js "$@"
