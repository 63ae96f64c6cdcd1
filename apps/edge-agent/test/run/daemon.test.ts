// Daemon mode in-process against the _bulk test double: follows appended lines and a rename rotation, serves
// /metrics and /readyz, accepts Suricata's unix_stream output, and stops cleanly on abort.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { appendFile, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkpointPathFor } from "../../src/config-map.js";
import { runAgent } from "../../src/run/agent.js";
import type { RunSummary } from "../../src/run/stats.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureBytes } from "../support/fixtures.js";
import { captureLog, countsByType, expectedKeys, testSettings, waitFor } from "./harness.js";

let dir: string;
let server: BulkTestServer;
/** Daemons still running when a test ends (it failed): stopped in afterEach, so a worker never keeps one alive. */
const running = new Set<{ stop: AbortController; done: Promise<unknown> }>();
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-daemon-"));
  server = await BulkTestServer.start({ seed: 9 });
});
afterEach(async () => {
  for (const d of running) {
    d.stop.abort();
    await d.done;
  }
  running.clear();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** promtool from the Debian package `prometheus`: skipped outside CI when missing, a failure under CI=true. */
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

function startDaemon(settings: ReturnType<typeof testSettings>) {
  const stop = new AbortController();
  let metricsUrl = "";
  const { log, records } = captureLog();
  const done: Promise<RunSummary> = runAgent({
    settings,
    once: false,
    stop: stop.signal,
    shutdownTimeoutMs: 2000,
    metrics: { host: "127.0.0.1", port: 0 },
    onMetricsListening: (url) => (metricsUrl = url),
    log,
    checkpointIntervalMs: 50,
  });
  const handle = { stop, done };
  running.add(handle);
  void done.finally(() => running.delete(handle));
  return { stop, done, records, metrics: () => metricsUrl };
}

const sample = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && labels.split(",").every((kv) => l.includes(kv)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
};

describe("run (daemon)", { timeout: 60_000 }, () => {
  it("follows appended lines and a rename rotation, exposes metrics, and stops with checkpoints written", async () => {
    const path = join(dir, "eve.json");
    const gen0 = fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json");
    const gen1 = fixtureBytes("rhaist__surevego.slice.json");
    const cut = gen0.indexOf(10, 100_000) + 1;
    await writeFile(path, gen0.subarray(0, cut));
    const settings = testSettings(dir, server.url);
    const d = startDaemon(settings);

    await waitFor(() => server.documentCount() === expectedKeys(gen0.subarray(0, cut)).size, 20_000, "first part");
    await appendFile(path, gen0.subarray(cut));
    await waitFor(() => server.documentCount() === expectedKeys(gen0).size, 20_000, "appended lines");
    await rename(path, `${path}.1`);
    await writeFile(path, gen1);
    const all = new Set([...expectedKeys(gen0), ...expectedKeys(gen1)]);
    await waitFor(() => server.documentCount() === all.size, 20_000, "lines after the rotation");
    expect(new Set(server.allKeys())).toEqual(all);

    const ready = await fetch(`${d.metrics()}/readyz`);
    expect(ready.status).toBe(200);
    const text = await (await fetch(`${d.metrics()}/metrics`)).text();
    const counts = countsByType(Buffer.concat([gen0, gen1]));
    expect(sample(text, "soc_edge_events_read_total", 'event_type="alert"')).toBe(counts["alert"]);
    expect(sample(text, "soc_edge_events_shipped_total", 'event_type="flow"')).toBe(counts["flow"]);
    expect(sample(text, "soc_edge_bulk_requests_total", 'status="200"')).toBeGreaterThan(0);
    expect(sample(text, "soc_edge_bulk_request_duration_seconds_count", 'status="200"')).toBeGreaterThan(0);
    expect(sample(text, "soc_edge_file_lag_bytes", `path="${path}"`)).toBe(0);
    for (const name of ["soc_edge_read_bytes_total", "soc_edge_buffered_bytes", "soc_edge_inflight_bytes", "soc_edge_input_paused", "soc_edge_ism_policy_available", "soc_edge_shipping_fatal", "soc_edge_checkpoint_writes_total", "soc_edge_events_dead_lettered_total", "soc_edge_events_filtered_total", "soc_edge_events_retried_total"]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
    expect(text).toMatch(/^soc_edge_ism_policy_available\{app="edge-agent"\} 1$/m);
    const tool = promtool();
    if (tool) {
      const check = spawnSync(tool, ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
      expect(check.status).toBe(0);
    }

    d.stop.abort();
    const s = await d.done;
    expect(s.status).toBe("stopped");
    expect(s.exitCode).toBe(0);
    expect(s.events.shipped).toBe(all.size);
    const cp = JSON.parse(await readFile(checkpointPathFor(settings.checkpointDir, path), "utf8")) as { files: { path: string; offset: number }[] };
    expect(cp.files.at(-1)).toMatchObject({ path, offset: gen1.length });
  });

  it("is not ready before the index setup is done, and reports a cluster without ISM in a metric", async () => {
    let clusterBusy = true;
    server.interceptor = (req) => {
      if (req.url?.startsWith("/_index_template") && clusterBusy) return { status: 503, body: JSON.stringify({ error: "busy", status: 503 }) };
      if (req.url?.startsWith("/_plugins/_ism")) return { status: 404, body: JSON.stringify({ error: { type: "no_handler_found_exception", reason: "no handler found for uri" }, status: 404 }) };
      return undefined;
    };
    await writeFile(join(dir, "eve.json"), fixtureBytes("rhaist__surevego.slice.json"));
    const d = startDaemon(testSettings(dir, server.url));
    await waitFor(() => d.metrics() !== "", 5000, "metrics server");
    const early = await fetch(`${d.metrics()}/readyz`);
    expect(early.status).toBe(503);
    expect(JSON.stringify(await early.json())).toContain("index setup not done");
    expect(server.documentCount()).toBe(0); // nothing is shipped into indices without the template
    clusterBusy = false;
    await waitFor(() => server.documentCount() === 200, 20_000, "shipping after setup retry");
    expect((await fetch(`${d.metrics()}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${d.metrics()}/metrics`)).text()).toMatch(/^soc_edge_ism_policy_available\{app="edge-agent"\} 0$/m);
    expect(d.records.some((r) => typeof r["msg"] === "string" && r["msg"].startsWith("ISM is not available"))).toBe(true);
    d.stop.abort();
    expect((await d.done).status).toBe("stopped");
  });

  it("accepts Suricata's unix_stream output on a socket, lines split across writes", async () => {
    const sock = join(dir, "eve.sock");
    await writeFile(join(dir, "eve.json"), "");
    const d = startDaemon(testSettings(dir, server.url, { socketPath: sock }));
    const data = fixtureBytes("cisagov__Malcolm.slice.json");
    await waitFor(async () => {
      try {
        await new Promise<void>((resolve, reject) => {
          const c = connect(sock, () => {
            // odd-sized pieces: lines arrive split, as from a real stream
            for (let i = 0; i < data.length; i += 777) c.write(data.subarray(i, i + 777));
            c.end(resolve);
          });
          c.on("error", reject);
        });
        return true;
      } catch {
        return false;
      }
    }, 5000, "socket listening");
    await waitFor(() => server.documentCount() === expectedKeys(data).size, 20_000, "socket events");
    expect(new Set(server.allKeys())).toEqual(expectedKeys(data));
    d.stop.abort();
    const s = await d.done;
    expect(s.status).toBe("stopped");
    expect(s.events.shipped).toBe(150);
  });
});
