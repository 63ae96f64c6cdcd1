#!/usr/bin/env bash
# Ships a bundled sample EVE file to a local test sink with `edge-agent run --once` and prints the counts.
#
#   bash apps/edge-agent/scripts/run-example.sh [eve-file]
#
# The sink is test/support/bulk-server.ts, an in-memory TEST DOUBLE of OpenSearch's _bulk API (it stores documents
# by _index/_id and answers like OpenSearch; it is not a database). Default sample: a 320-line slice of a real
# Suricata eve.json (test/fixtures, see its README for source and licence) with the 7 deliberately broken lines of
# malformed-fixtures.json appended, so the dead-letter count is visible too. Exit code: the agent's.
set -euo pipefail
app="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$app/../.." && pwd)"
# shellcheck source=/dev/null
source "$root/scripts/lib/toolchain.sh"
soc_ensure_node >/dev/null
soc_ensure_pnpm >/dev/null

work="$(mktemp -d "${TMPDIR:-/tmp}/edge-agent-example.XXXXXX")"
sink_pid=""
cleanup() {
  if [ -n "$sink_pid" ] && kill -0 "$sink_pid" 2>/dev/null; then kill -TERM "$sink_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ $# -ge 1 ]; then
  cp "$1" "$work/eve.json"
else
  cat "$app/test/fixtures/sofiafernandezmoreno__tfm_ddos_demo.slice.json" "$app/test/fixtures/malformed-fixtures.json" >"$work/eve.json"
fi

[ -f "$app/dist/cli.js" ] || (cd "$app" && pnpm build >/dev/null)
(cd "$app" && pnpm exec tsup test/support/serve-bulk.ts --no-config --format esm --platform node --target node22 --out-dir "$work/bin" --silent)

node "$work/bin/serve-bulk.js" >"$work/sink.out" &
sink_pid=$!
for _ in $(seq 1 100); do [ -s "$work/sink.out" ] && break; sleep 0.05; done
url="$(head -n 1 "$work/sink.out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).url))')"

cat >"$work/soc.yaml" <<YAML
version: 1
project: { name: edge-agent-example }
opensearch: { mode: endpoint, url: "$url", indexPrefix: suricata, retentionDays: 30 }
apps:
  edgeAgent:
    sensorId: example-sensor
    eve: { paths: [./eve.json], checkpointDir: ./state, deadLetterPath: ./state/dead-letter.ndjson }
YAML

echo "== edge-agent run --once → test sink at $url (input: $(wc -l <"$work/eve.json") lines)"
rc=0
(cd "$work" && node "$app/dist/cli.js" run --config soc.yaml --once --log-level warn) || rc=$?

kill -TERM "$sink_pid"
wait "$sink_pid" 2>/dev/null || true
sink_pid=""
echo "== test sink: documents stored per index"
tail -n 1 "$work/sink.out" | node -e '
let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const r = JSON.parse(s);
  for (const [name, n] of Object.entries(r.indices).sort()) console.log(`  ${name.padEnd(32)} ${String(n).padStart(6)}`);
  console.log(`  total documents ${r.documents}; _bulk requests ${r.stats.bulkRequests}; template ${r.templates.join(",")}; ISM policy ${r.policies.join(",")}`);
});'
echo "== dead-letter file: $(wc -l <"$work/state/dead-letter.ndjson" 2>/dev/null || echo 0) lines"
exit "$rc"
