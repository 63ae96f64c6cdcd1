// Benchmarks of the loader (built dist/): examples, a ~1 MiB config, and hostile inputs near the caps.
// Prints one JSON object: per case, iterations, mean and p95 wall time in ms, and the outcome.
// Run: pnpm --filter @soc/config bench   (turbo builds first)
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "../dist/index.js";

const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "soc-config-bench-"));

async function gen(name, text) {
  const f = join(dir, name);
  await writeFile(f, text);
  return f;
}

function servicesConfig(bytes) {
  let s = "version: 1\nproject:\n  name: big\nhost:\n  cpus: 1024\n  memory: 100000G\nnetworks:\n  backend: {}\nservices:\n";
  for (let i = 0; s.length < bytes; i++) {
    s += `  svc-${i}:\n    image: redis:7.4\n    networks: [backend]\n    env:\n      A: "1"\n      B_PASSWORD: { secretRef: { env: B_PASSWORD } }\n    resources:\n      limits: { cpus: 0.1, memory: 10M }\n`;
  }
  return s;
}

async function measure(name, file, iterations) {
  const times = [];
  let outcome = "";
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    try {
      const { config } = await loadConfig(file);
      outcome = `valid (${Object.keys(config.services).length} services)`;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      outcome = `refused: ${e.issues[0]?.code} (${e.issues.length} issues)`;
    }
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return { name, iterations, meanMs: +mean.toFixed(2), p95Ms: +(times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? 0).toFixed(2), outcome };
}

const cases = [];
try {
  for (const f of (await readdir(examples)).filter((x) => x.endsWith(".yaml")).sort()) cases.push(await measure(`examples/${f}`, join(examples, f), 50));
  cases.push(await measure("services-1MiB", await gen("big.yaml", servicesConfig(1000 * 1024)), 3));
  cases.push(await measure("duplicate-keys-50k", await gen("dups.yaml", `version: 1\nproject:\n  name: x\nfeatures:\n${"  f: true\n".repeat(50_000)}`), 3));
  cases.push(await measure("unknown-keys-50k", await gen("unknown.yaml", `version: 1\nproject:\n  name: x\n${Array.from({ length: 50_000 }, (_, i) => `k${i}: 1\n`).join("")}`), 3));
  cases.push(await measure("deep-flow-10k", await gen("deep.yaml", `version: 1\nproject:\n  name: x\nfeatures: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`), 5));
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify({ package: "@soc/config", node: process.version, cases }, null, 2)}\n`);
