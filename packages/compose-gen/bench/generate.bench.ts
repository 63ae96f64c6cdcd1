/**
 * Benchmark of compose-gen (not a test): `pnpm --filter @soc/compose-gen bench [--services 200
 * --iterations 20 --seed 42 --spawns 10]`. Prints ONE JSON object on stdout:
 *
 *   { services, files, bytes, generateMs: {p50, p95, min, max}, writeMs, rewriteUnchangedMs, peakRssBytes,
 *     cliColdStartMs: { version: {p50, min}, compose: {p50, min}, ... }, node, cpus, … }
 *
 * - `generateMs`: "generate everything" in memory — `generateAll` (config → model → security gate → Compose
 *   and Kubernetes emitters, every object schema-validated) on a synthetic stack (see `synthetic-config.ts`)
 *   validated by `parseConfig`; `iterations` warm runs after `warmup` runs. The config parse is timed apart
 *   (`parseConfigMs`), it is @soc/config's cost.
 * - `writeMs`: `writeFiles` of that output into a fresh temp folder; `rewriteUnchangedMs`: the same again
 *   (every file compared and left untouched).
 * - `peakRssBytes`: this process's maximum resident set (`process.resourceUsage().maxRSS`) after the runs,
 *   before any child is spawned (it includes Node itself and the loaded modules).
 * - `cliColdStartMs`: wall-clock of `spawnSync(node, [dist/cli.js, …])`, `spawns` times each, for
 *   `--version`, `--help`, `compose <small config> -o <tmp>` and `all <small config> -o <tmp>` (Kubernetes
 *   too). The CLI enables Node's module compile cache, so after the first spawn these are warm-cache starts of
 *   a fresh process; `…NoCompileCache` repeats `--version` and `compose` with `NODE_DISABLE_COMPILE_CACHE=1`.
 *
 * Runs the built `dist/` (the shipped code): builds first when `dist/` is missing or older than `src/`
 * (build output goes to stderr). `--skip-cli` leaves the spawns out (for profiling the generate loop).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type * as CG from "../src/index.js";
import { syntheticConfig } from "./synthetic-config.ts";

const PKG = path.resolve(import.meta.dirname, "..");
const CLI = path.join(PKG, "dist/cli.js");
const SMALL_CONFIG = path.resolve(PKG, "../../examples/pi-edge.yaml");

const { values: args } = parseArgs({
  options: {
    services: { type: "string", default: "200" },
    iterations: { type: "string", default: "20" },
    warmup: { type: "string", default: "5" },
    seed: { type: "string", default: "42" },
    spawns: { type: "string", default: "10" },
    "skip-cli": { type: "boolean", default: false },
  },
});
const services = Number(args.services);
const iterations = Number(args.iterations);
const warmup = Number(args.warmup);
const seed = Number(args.seed);
const spawns = Number(args.spawns);

/** Newest mtime under a folder (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

if (!existsSync(CLI) || statSync(CLI).mtimeMs < Math.max(newest(path.join(PKG, "src")), statSync(path.join(PKG, "tsup.config.ts")).mtimeMs)) {
  const b = spawnSync("pnpm", ["run", "build"], { cwd: PKG, stdio: ["ignore", process.stderr, process.stderr] });
  if (b.status !== 0) throw new Error(`build failed (exit ${b.status})`);
}

const { parseConfig } = await import("@soc/config");
// A computed specifier, so type-checking does not need a built dist/ (the types come from src/).
const DIST = "../dist/index.js";
const { generateAll, writeFiles } = (await import(DIST)) as typeof CG;

const round = (x: number): number => Math.round(x * 100) / 100;
function stats(xs: number[]): { p50: number; p95: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { p50: round(at(0.5)), p95: round(at(0.95)), min: round(s[0] as number), max: round(s[s.length - 1] as number) };
}
function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const out = fn();
  return [out, performance.now() - t];
}

const tmp = mkdtempSync(path.join(tmpdir(), "compose-gen-bench-"));
try {
  const raw = syntheticConfig(seed, services);
  const [config, parseMs] = time(() => parseConfig(raw, { source: "bench.yaml" }));
  const opts = { baseDir: tmp, outDir: path.join(tmp, "out"), configFile: path.join(tmp, "bench.yaml") };

  for (let i = 0; i < warmup; i++) generateAll(config, opts);
  const runs: number[] = [];
  let last = generateAll(config, opts);
  for (let i = 0; i < iterations; i++) {
    const [g, ms] = time(() => generateAll(config, opts));
    last = g;
    runs.push(ms);
  }
  let t = performance.now();
  await writeFiles(opts.outDir, last.files);
  const writeMs = performance.now() - t;
  t = performance.now();
  const again = await writeFiles(opts.outDir, last.files);
  const rewriteUnchangedMs = performance.now() - t;
  if (again.some((w) => w.status !== "unchanged")) throw new Error("second write changed files: generation is not deterministic");
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;

  const spawnTimes = (argv: string[], env: NodeJS.ProcessEnv = process.env): { p50: number; min: number } => {
    const xs: number[] = [];
    for (let i = 0; i < spawns; i++) {
      const out = path.join(tmp, `cli-${i}`);
      const full = argv.map((a) => (a === "<out>" ? out : a));
      const [r, ms] = time(() => spawnSync(process.execPath, [CLI, ...full], { env, encoding: "utf8" }));
      if (r.status !== 0) throw new Error(`node dist/cli.js ${full.join(" ")} exited ${r.status}: ${r.stderr}`);
      xs.push(ms);
    }
    const s = stats(xs);
    return { p50: s.p50, min: s.min };
  };
  const noCache = { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1" };
  const cliColdStartMs = args["skip-cli"] ? undefined : {
    version: spawnTimes(["--version"]),
    help: spawnTimes(["--help"]),
    compose: spawnTimes(["compose", SMALL_CONFIG, "-o", "<out>"]),
    all: spawnTimes(["all", SMALL_CONFIG, "-o", "<out>"]),
    nodeBare: (() => {
      const xs: number[] = [];
      for (let i = 0; i < spawns; i++) xs.push(time(() => spawnSync(process.execPath, ["-e", "0"]))[1]);
      const s = stats(xs);
      return { p50: s.p50, min: s.min };
    })(),
    versionNoCompileCache: spawnTimes(["--version"], noCache),
    composeNoCompileCache: spawnTimes(["compose", SMALL_CONFIG, "-o", "<out>"], noCache),
  };

  const bytes = [...last.files.values()].reduce((n, s) => n + Buffer.byteLength(s), 0);
  const result = {
    package: "@soc/compose-gen",
    services: last.model.containers.length,
    configServices: services,
    k8sObjects: last.k8s.objects.length,
    files: last.files.size,
    bytes,
    seed,
    iterations,
    warmup,
    parseConfigMs: round(parseMs),
    generateMs: stats(runs),
    writeMs: round(writeMs),
    rewriteUnchangedMs: round(rewriteUnchangedMs),
    peakRssBytes,
    cliColdStartMs,
    cliSmallConfig: path.relative(PKG, SMALL_CONFIG),
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? "unknown",
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
