// The buffered plan's supervision wiring in the daemon: the resource sampler's throttle level sets the read rate
// limit (reads wait for it), a failing component is restarted with backoff, and every shipping metric is exposed
// with valid Prometheus names (promtool when installed: skipped locally if missing, a failure under CI=true).
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BulkTestServer } from "../../support/bulk-server.js";
import { fixtureBytes, fixtureLines } from "../../support/fixtures.js";
import { keysInOrder, messages, sample, scrape, startBuffered, stopAll } from "../../integration/buffered-daemon.js";
import { testSettings, waitFor } from "../harness.js";

let dir: string;
let server: BulkTestServer;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-plan-"));
  server = await BulkTestServer.start();
});
afterEach(async () => {
  await stopAll();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function promtool(): string | undefined {
  for (const d of [...(process.env["PATH"] ?? "").split(delimiter), "/usr/bin"]) {
    try {
      accessSync(join(d, "promtool"), constants.X_OK);
      return join(d, "promtool");
    } catch {
      // not in this directory
    }
  }
  if (process.env["CI"] === "true") throw new Error("promtool not found: apt-get install -y prometheus");
  return undefined;
}

const SHIPPING_METRICS = [
  "soc_edge_buffer_depth_events",
  "soc_edge_buffer_depth_bytes",
  "soc_edge_buffer_fill_ratio",
  "soc_edge_buffer_full",
  "soc_edge_buffer_full_episodes_total",
  "soc_edge_buffer_appended_events_total",
  "soc_edge_buffer_drained_events_total",
  "soc_edge_buffer_errors_total",
  "soc_edge_shipping_mode",
  "soc_edge_connectivity_state",
  "soc_edge_connectivity_transitions_total",
  "soc_edge_probe_duration_seconds",
  "soc_edge_probe_failures_total",
  "soc_edge_throttle_level",
  "soc_edge_read_rate_limit_bytes",
  "soc_edge_read_throttled_seconds_total",
  "soc_edge_cpu_usage_ratio",
  "soc_edge_memory_usage_ratio",
  "soc_edge_soc_temperature_celsius",
  "soc_edge_resource_read_errors_total",
  "soc_edge_component_up",
  "soc_edge_component_restarts_total",
];

describe("buffered plan: throttling, supervision, metrics", { timeout: 60_000 }, () => {
  it("throttles reads on a hot host, restarts a failing component, and exposes every shipping metric", async () => {
    const data = Buffer.concat([fixtureBytes("rhaist__surevego.slice.json"), fixtureBytes("cisagov__Malcolm.slice.json")]);
    await writeFile(join(dir, "eve.json"), data);
    let reads = 0;
    const d = startBuffered(testSettings(dir, server.url, { bufferOptions: { type: "disk", dir: join(dir, "spool"), maxBytes: 16 << 20 } }), {
      throttle: { thresholds: { cpuPercent: { high: 85, low: 60 }, memoryPercent: { high: 85, low: 70 }, temperatureC: { high: 75, low: 65 } }, intervalMs: 100 },
      level1BytesPerSecond: 64 * 1024,
      readBurstBytes: 16 * 1024,
      restartBackoff: { baseMs: 10, capMs: 50 },
      resourceReader: async () => {
        if (++reads <= 2) throw new Error("sensor read failed"); // the sampler fails twice: restarted by the supervisor
        // Above `high` once (→ level 1), then inside the hysteresis band: the level holds.
        return { cpuPercent: reads === 3 ? 95 : 70, memoryPercent: 40, temperatureC: 61.5 };
      },
    });
    await waitFor(() => server.documentCount() === keysInOrder(data).length, 30_000, "everything shipped");
    await waitFor(async () => {
      const m = await scrape(d);
      return sample(m, "soc_edge_throttle_level") === 1 && sample(m, "soc_edge_cpu_usage_ratio") === 0.7;
    }, 10_000, "throttle level 1, held");
    const text = await scrape(d);
    expect(sample(text, "soc_edge_read_rate_limit_bytes")).toBe(64 * 1024);
    expect(sample(text, "soc_edge_cpu_usage_ratio")).toBeCloseTo(0.7);
    expect(sample(text, "soc_edge_soc_temperature_celsius")).toBe(61.5);
    expect(sample(text, "soc_edge_component_restarts_total", 'component="resources"')).toBe(2);
    expect(sample(text, "soc_edge_component_up", 'component="resources"')).toBe(1);
    expect(sample(text, "soc_edge_component_up", 'component="drainer"')).toBe(1);
    expect(sample(text, "soc_edge_component_up", 'component="connectivity"')).toBe(1);
    expect(sample(text, "soc_edge_connectivity_state", 'state="online"')).toBe(1);
    expect(sample(text, "soc_edge_probe_duration_seconds_count", 'probe="opensearch"')).toBeGreaterThan(0);
    // Level 1 halves the _bulk concurrency (2 → 1), applied to the pipeline through `attach`.
    expect(d.records.find((r) => r["msg"] === "resource throttle level changed")).toMatchObject({ from: 0, to: 1, concurrency: 1, readBytesPerSecond: 64 * 1024 });
    expect(messages(d).filter((m) => m === "component failed")).toHaveLength(2);
    for (const name of SHIPPING_METRICS) expect(text).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    const tool = promtool();
    if (tool) {
      const check = spawnSync(tool, ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
      expect(check.status).toBe(0);
    }
    // Reads are throttled from now on: appended data waits for the 64 KiB/s bucket. The bucket admits one chunk
    // larger than its burst at once and leaves a debt (TokenBucket), so whether the 189 KB wait before or after
    // their last chunk depends on how the tailer happened to split them; a final line read after them always
    // waits out what is left.
    const throttledBefore = sample(text, "soc_edge_read_throttled_seconds_total") ?? 0;
    const more = fixtureBytes("OISF__suricata-verify.json");
    await appendFile(join(dir, "eve.json"), more);
    await waitFor(() => server.documentCount() === keysInOrder(Buffer.concat([data, more])).length, 30_000, "appended data shipped");
    const last = Buffer.concat([fixtureLines("sofiafernandezmoreno__tfm_ddos_demo.slice.json")[0] as Buffer, Buffer.from("\n")]);
    await appendFile(join(dir, "eve.json"), last);
    await waitFor(() => server.documentCount() === keysInOrder(Buffer.concat([data, more, last])).length, 30_000, "last line shipped");
    expect(sample(await scrape(d), "soc_edge_read_throttled_seconds_total") ?? 0).toBeGreaterThan(throttledBefore + 1); // 189 KB at 64 KiB/s
    d.stop.abort();
    expect(await d.done).toMatchObject({ status: "stopped", exitCode: 0 });
  });
});
