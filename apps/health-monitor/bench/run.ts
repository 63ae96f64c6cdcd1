/**
 * `pnpm --filter health-monitor bench` — prints one JSON object:
 * - `audit`: full runtime audit of 200 containers on a private real dockerd (list + inspect + audit),
 *   plus the pure audit alone over the same inspect JSON;
 * - `eventToMetric`: delay from a `health_status` event entering the stream to the metric changing,
 *   over 200 containers (in-memory engine: our pipeline only), and on the real engine for a few
 *   containers whose healthcheck is flipped (engine timestamp → metric, includes engine delivery);
 * - `watchRssBytes`: resident memory of the `watch` CLI process following the 200-container engine, as a
 *   user launches it (`node dist/cli.js watch`: the CLI re-executes itself with `DAEMON_TUNING` of
 *   `@soc/metrics/launch`) and, for comparison, with that tuning switched off (`SOC_LAUNCH_TUNING=off`).
 * The bench process itself re-executes with the same tuning first, so the in-process event → metric
 * latencies are those of the daemon as it runs (`SOC_LAUNCH_TUNING=off` measures Node defaults instead).
 * Runs with Node ≥ 23.6 (type stripping); needs `pnpm build` first. Without dockerd, the real-engine
 * parts report `skipped` with the reason.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { createMetricsRegistry } from "@soc/metrics";
import { DAEMON_TUNING, relaunchWithTuning } from "@soc/metrics/launch";
import type * as HealthMonitor from "../src/index.js";
import type { Engine, InspectJson } from "../src/index.js";
import { prerequisites, TestDockerd } from "../test/integration/dockerd.ts";

// Same start-up tuning as the daemon (re-executes once, before any work is done).
relaunchWithTuning(process, DAEMON_TUNING);

// Values come from the build (run `pnpm build` first); types from the sources, so typecheck needs no dist.
const distPath: string = "../dist/index.js";
const { auditInspected, createDockerEngine, createMonitorMetrics, inspectAll, Monitor, parseDockerHost, silentLog } = (await import(distPath)) as typeof HealthMonitor;
const N = Number(process.env["HM_BENCH_CONTAINERS"] ?? 200);
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const round = (x: number) => Math.round(x * 1000) / 1000;
const until = async <T>(fn: () => T | Promise<T>, ms: number, what: string): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** In-memory engine: N running containers, events written by the bench. */
function memoryEngine(template: InspectJson, n: number) {
  const containers = new Map<string, InspectJson>();
  for (let i = 0; i < n; i++) {
    const id = i.toString(16).padStart(64, "0");
    containers.set(id, { ...structuredClone(template), Id: id, Name: `/c${i}` });
  }
  let stream: PassThrough | undefined;
  const engine: Engine = {
    endpoint: "memory://bench",
    ping: async () => {},
    version: async () => ({ version: "memory", apiVersion: "1.47" }),
    list: async () => [...containers.keys()].map((Id) => ({ Id })),
    inspect: async (id) => structuredClone(containers.get(id)),
    stats: async () => undefined,
    restart: async () => {},
    events: async (_f, signal) => {
      stream = new PassThrough();
      signal.addEventListener("abort", () => stream?.end(), { once: true });
      return stream;
    },
  };
  return { engine, containers, write: (s: string) => stream?.write(s) };
}

async function pipelineLatency(template: InspectJson) {
  const mem = memoryEngine(template, N);
  const pending = new Map<string, number>();
  const lat: number[] = [];
  const metrics = createMonitorMetrics(createMetricsRegistry({ collectDefault: false }));
  const monitor = new Monitor({
    engine: mem.engine, log: silentLog, metrics, reconcileIntervalMs: 3_600_000, auditIntervalMs: 3_600_000, stats: false,
    onUpdate: (c, cause) => {
      const t0 = pending.get(`${c.id}:${c.health}`);
      if (cause === "event" && t0 !== undefined) {
        lat.push(performance.now() - t0);
        pending.delete(`${c.id}:${c.health}`);
      }
    },
  });
  monitor.start();
  await until(() => monitor.reconciled > 0, 10_000, "reconcile");
  const ids = [...mem.containers.keys()];
  for (let round_ = 0; round_ < 10; round_++) {
    const status = round_ % 2 === 0 ? "unhealthy" : "healthy";
    // All N containers change in one burst (worst case: a shared dependency fails).
    let chunk = "";
    const t0 = performance.now();
    for (const id of ids) {
      pending.set(`${id}:${status}`, t0);
      const c = mem.containers.get(id);
      if (c?.State) c.State.Health = { Status: status, FailingStreak: 0, Log: [] };
      chunk += `${JSON.stringify({ Type: "container", Action: `health_status: ${status}`, Actor: { ID: id, Attributes: { name: c?.Name?.slice(1) } }, time: Math.floor(Date.now() / 1000) })}\n`;
    }
    mem.write(chunk);
    await until(() => pending.size === 0, 10_000, "event updates");
    await new Promise((r) => setTimeout(r, 50));
  }
  await monitor.close();
  return { containers: N, events: lat.length, burst: N, p50Ms: round(pct(lat, 50)), p99Ms: round(pct(lat, 99)), maxMs: round(Math.max(...lat)) };
}

async function realEngine(): Promise<Record<string, unknown>> {
  const pre = prerequisites();
  if (!pre.ok) return { skipped: pre.reason };
  const d = new TestDockerd(pre);
  try {
    await d.start();
    await d.importBusybox("soc-test/busybox:1");
    const t0 = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < N; i += 20) {
      const batch = Array.from({ length: Math.min(20, N - i) }, (_, k) => d.docker(["create", "--network", "none", "--label", "soc.bench=1", "--name", `b${i + k}`, "soc-test/busybox:1", "true"]));
      for (const r of await Promise.all(batch)) ids.push(r.stdout.trim());
    }
    const createSec = (performance.now() - t0) / 1000;
    const engine = await createDockerEngine(parseDockerHost(d.host));
    const audits: number[] = [];
    const pure: number[] = [];
    let inspected: InspectJson[] = [];
    for (let i = 0; i < 5; i++) {
      const a = performance.now();
      inspected = await inspectAll(engine, [{ key: "soc.bench", value: "1" }]);
      const b = performance.now();
      const report = auditInspected(inspected);
      const c = performance.now();
      if (report.containers.length !== N) throw new Error(`audited ${report.containers.length}, expected ${N}`);
      audits.push(c - a);
      pure.push(c - b);
    }
    // RSS of the watch CLI following the N-container engine: as launched (the CLI tunes itself), and untuned.
    const rssLaunched = await watchRss(d.host, {});
    const rssUntuned = await watchRss(d.host, { SOC_LAUNCH_TUNING: "off" });
    // Real-engine event→metric: flip a healthcheck file in a few running containers.
    const K = 5;
    for (let i = 0; i < K; i++) await d.docker(["run", "-d", "--init", "--network", "none", "--label", "soc.flip=1", "--name", `f${i}`, "--health-cmd", "test -f /tmp/ok", "--health-interval", "1s", "--health-retries", "1", "soc-test/busybox:1", "sh", "-c", "touch /tmp/ok; exec sleep 100000"]);
    const lat: number[] = [];
    const metrics = createMonitorMetrics(createMetricsRegistry({ collectDefault: false }));
    const seen = new Map<string, string>();
    let lastEventMs = 0;
    const monitor = new Monitor({
      engine, log: silentLog, metrics, labels: [{ key: "soc.flip", value: "1" }], reconcileIntervalMs: 3_600_000, auditIntervalMs: 3_600_000, stats: false,
      onUpdate: (c, cause) => {
        if (cause === "event") seen.set(c.name, c.health);
      },
    });
    const origObserve = metrics.eventToMetricSeconds.observe.bind(metrics.eventToMetricSeconds);
    metrics.eventToMetricSeconds.observe = ((v: number) => {
      lat.push(v * 1000);
      lastEventMs = Date.now();
      return origObserve(v);
    }) as typeof metrics.eventToMetricSeconds.observe;
    monitor.start();
    await until(() => monitor.reconciled > 0, 20_000, "reconcile");
    await until(() => monitor.containers().every((c) => c.health === "healthy"), 30_000, "flip healthy");
    for (let r = 0; r < 4; r++) {
      const to = r % 2 === 0 ? "unhealthy" : "healthy";
      await Promise.all(Array.from({ length: K }, (_, i) => d.docker(["exec", `f${i}`, ...(to === "unhealthy" ? ["rm", "-f", "/tmp/ok"] : ["touch", "/tmp/ok"])])));
      await until(() => Array.from({ length: K }, (_, i) => seen.get(`f${i}`)).every((h) => h === to), 30_000, `flip ${to}`);
    }
    await monitor.close();
    void lastEventMs;
    return {
      engine: (await engine.version()).version,
      containers: N,
      createSeconds: round(createSec),
      fullAuditMs: { runs: audits.length, p50: round(pct(audits, 50)), max: round(Math.max(...audits)) },
      pureAuditMs: { p50: round(pct(pure, 50)), max: round(Math.max(...pure)) },
      watchRssBytes: { asLaunched: rssLaunched, untuned: rssUntuned },
      eventToMetricRealMs: { note: "engine event timestamp (ms precision) to metric update; includes engine delivery", events: lat.length, p50: round(pct(lat, 50)), p99: round(pct(lat, 99)), max: round(Math.max(...lat)) },
    };
  } finally {
    await d.destroy();
  }
}

/**
 * Starts `watch` on the engine (with none of this bench's Node flags or tuning variables), scrapes /metrics
 * 10 times and samples VmRSS; then SIGTERM. `flags` are the Node flags the sampled process ran with.
 */
async function watchRss(host: string, extraEnv: Record<string, string>) {
  const env: Record<string, string | undefined> = { ...process.env, DOCKER_HOST: host, NODE_OPTIONS: undefined, MALLOC_ARENA_MAX: undefined, SOC_LAUNCH_TUNED: undefined, SOC_LAUNCH_TUNING: undefined, ...extraEnv };
  const child = spawn(process.execPath, [cli, "watch", "--metrics-host", "127.0.0.1", "--metrics-port", "0", "--no-stats"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (x: Buffer) => (err += x.toString()));
  const url = await until(() => /"url":"(http:\/\/[^"]+)"/.exec(err)?.[1], 20_000, "watch url");
  await until(async () => (await fetch(`${url}/readyz`)).status === 200, 30_000, "watch ready");
  const rss: number[] = [];
  for (let i = 0; i < 10; i++) {
    await fetch(`${url}/metrics`).then((r) => r.text());
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (m?.[1]) rss.push(Number(m[1]) * 1024);
    await new Promise((r) => setTimeout(r, 200));
  }
  const argv = readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0");
  const flags = argv.slice(1, argv.indexOf(cli));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  child.kill("SIGTERM");
  return { p50: pct(rss, 50), max: Math.max(...rss), exitCode: await exited, flags };
}

const template = JSON.parse(readFileSync(new URL("../test/fixtures/inspect/healthy.json", import.meta.url), "utf8")) as InspectJson;
const pureTimes: number[] = [];
const synthetic = Array.from({ length: N }, (_, i) => ({ ...structuredClone(template), Id: String(i), Name: `/s${i}` }));
for (let i = 0; i < 20; i++) {
  const a = performance.now();
  auditInspected(synthetic);
  pureTimes.push(performance.now() - a);
}
const result = {
  node: process.version,
  benchFlags: process.execArgv,
  containers: N,
  pureAuditOfRecordedInspectMs: { runs: pureTimes.length, p50: round(pct(pureTimes, 50)), p99: round(pct(pureTimes, 99)) },
  eventToMetricPipeline: await pipelineLatency(template),
  realEngine: await realEngine(),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
