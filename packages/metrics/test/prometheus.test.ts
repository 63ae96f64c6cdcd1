// A real Prometheus server (Debian package prometheus) scrapes the metrics server on 127.0.0.1.
// Prometheus 2.x asks for OpenMetrics first, and its OpenMetrics parser is strict (escaping, # EOF,
// counter _total samples, UNIT suffixes), so a healthy target with the expected series and unit
// metadata checks the OpenMetrics output end to end. Under CI=true a missing prometheus is a failure.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type MetricsServer, counter, createMetricsRegistry, histogram, startMetricsServer, summary } from "../src/index.js";
import { get, requiredTool, sleep } from "./helpers.js";

const prometheus = requiredTool("prometheus", "prometheus");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

let child: ChildProcess | undefined;
let server: MetricsServer | undefined;
let dir: string | undefined;
let log = "";

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  await server?.close(1_000);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function api(base: string, query: string): Promise<{ status: string; data: unknown }> {
  const res = await get(`${base}${query}`);
  return JSON.parse(res.body);
}

describe.skipIf(prometheus.skip)("a real Prometheus scrape", () => {
  it(
    "ingests the OpenMetrics exposition: target up, series, labels and units intact",
    async () => {
      const binary = prometheus.need();
      const registry = createMetricsRegistry({ defaultLabels: { app: "edge-agent" } });
      counter(registry, { name: "soc_events_shipped_total", help: 'Events "shipped".', labelNames: ["sink"] }).inc(
        { sink: 'quote " backslash \\ newline \n end' },
        3,
      );
      histogram(registry, { name: "soc_opensearch_bulk_duration_seconds", help: "Bulk duration." }).observe(0.2);
      summary(registry, { name: "soc_batch_size_bytes", help: "Batch size." }).observe(2048);
      server = await startMetricsServer({ registry, host: "127.0.0.1", port: 0 });

      dir = mkdtempSync(path.join(tmpdir(), "soc-metrics-prom-"));
      const config = path.join(dir, "prometheus.yml");
      writeFileSync(
        config,
        [
          "global: { scrape_interval: 1s, scrape_timeout: 1s }",
          "scrape_configs:",
          "  - job_name: soc",
          `    static_configs: [{ targets: ["127.0.0.1:${server.port}"] }]`,
          "",
        ].join("\n"),
      );
      const webPort = await freePort();
      child = spawn(
        binary,
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${path.join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${webPort}`,
          "--log.level=warn",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
      const base = `http://127.0.0.1:${webPort}`;

      // Target discovery is batched every 5 s, so the first scrape comes after about 6 s.
      type Target = { health: string; lastError: string; scrapeUrl: string };
      let target: Target | undefined;
      const deadline = Date.now() + 40_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
        try {
          const targets = await api(base, "/api/v1/targets");
          target = (targets.data as { activeTargets: Target[] }).activeTargets[0];
          if (target && target.health !== "unknown") break;
        } catch {
          // not listening yet
        }
        await sleep(250);
      }
      expect(target, `no scrape within the deadline; prometheus log:\n${log}`).toBeDefined();
      expect(target!.lastError).toBe("");
      expect(target!.health).toBe("up");
      await sleep(1_500); // let the scraped samples become queryable

      const query = async (promql: string) => {
        const res = await api(base, `/api/v1/query?query=${encodeURIComponent(promql)}`);
        return (res.data as { result: Array<{ metric: Record<string, string>; value: [number, string] }> }).result;
      };
      const shipped = await query("soc_events_shipped_total");
      expect(shipped).toHaveLength(1);
      expect(shipped[0]!.metric).toMatchObject({ app: "edge-agent", sink: 'quote " backslash \\ newline \n end' });
      expect(shipped[0]!.value[1]).toBe("3");
      // OpenMetrics canonical le values show the format Prometheus negotiated.
      const bucket = await query('soc_opensearch_bulk_duration_seconds_bucket{le="1.0"}');
      expect(bucket.map((s) => s.value[1])).toEqual(["1"]);
      expect((await query("soc_process_cpu_seconds_total")).length).toBe(1);

      // UNIT metadata exists only in OpenMetrics.
      const metadata = await api(base, "/api/v1/metadata?metric=soc_opensearch_bulk_duration_seconds");
      expect(metadata.data).toEqual({
        soc_opensearch_bulk_duration_seconds: [{ type: "histogram", help: "Bulk duration.", unit: "seconds" }],
      });
      const counterMetadata = await api(base, "/api/v1/metadata?metric=soc_events_shipped");
      expect(counterMetadata.data).toEqual({ soc_events_shipped: [{ type: "counter", help: 'Events "shipped".', unit: "" }] });
    },
    60_000,
  );
});
