// Helpers for the run tests: settings pointing at a BulkTestServer, a capturing logger, expected ids of fixtures.
import { Writable } from "node:stream";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import type { RunSettings } from "../../src/config-map.js";
import { createLineStats, forEachLine } from "../../src/eve/lines.js";
import { parseEveRecords } from "../../src/eve/parse.js";
import { createCore, type CoreOptions } from "../../src/options.js";

/** Run settings for tests: one or more EVE files in `dir`, state in `dir/state`, the test double at `url`. */
export function testSettings(dir: string, url: string, over: Omit<Partial<RunSettings>, "core"> & { core?: Partial<CoreOptions> } = {}): RunSettings {
  const { core, shipper, ...rest } = over;
  return {
    core: { sensorId: "test-sensor", batchMaxEvents: 50, flushIntervalMs: 50, retryBaseMs: 5, retryCapMs: 50, pollIntervalMs: 20, rotateGraceMs: 200, ...core },
    evePaths: [join(dir, "eve.json")],
    checkpointDir: join(dir, "state"),
    deadLetterPath: join(dir, "state", "dead-letter.ndjson"),
    shipper: { concurrency: 2, requestTimeoutMs: 5000, compression: false, maxAttempts: 0, ...shipper },
    opensearch: { mode: "endpoint", url, auth: { type: "none" }, tls: { insecureSkipVerify: false } },
    indexSetup: { indexPrefix: "suricata", retentionDays: 30 },
    metricsPort: 0,
    logLevel: "info",
    buffer: { type: "disk", dir: join(dir, "spool"), maxBytes: "1G" },
    ...rest,
  };
}

/** A pino logger whose records are kept in `records`. */
export function captureLog(): { log: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split("\n")) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: "debug" }, stream), records };
}

/** `index/id` of every valid event of `data`, as the agent with `sensorId` computes them. */
export function expectedKeys(data: Buffer, sensorId = "test-sensor"): Set<string> {
  const core = createCore({ sensorId });
  const out = new Set<string>();
  forEachLine(
    data,
    0,
    (line) => {
      parseEveRecords(line, core.parseOptions, (r) => {
        if (r.ok) out.add(`${core.indexNamer.indexFor(r.eventType, r.timestampMs)}/${core.ids.idFor(r.raw)}`);
      });
    },
    createLineStats(),
  );
  return out;
}

/** Counts of valid events per type in `data`. */
export function countsByType(data: Buffer): Record<string, number> {
  const core = createCore({ sensorId: "x" });
  const out: Record<string, number> = {};
  forEachLine(
    data,
    0,
    (line) => {
      parseEveRecords(line, core.parseOptions, (r) => {
        if (r.ok) out[r.eventType] = (out[r.eventType] ?? 0) + 1;
      });
    },
    createLineStats(),
  );
  return out;
}

/** Polls `pred` every 20 ms until true, or throws after `timeoutMs`. */
export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
