// `run --once` after a daemon left events in its durable buffer (stopped while OpenSearch was unreachable): those
// events are behind the file checkpoints, so --once must deliver them from the buffer — first, in order — count
// them in its summary, and empty the buffer; or fail with a summary (exit 1) and leave them there.
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { DiskSpool } from "../../src/buffer/index.js";
import type { RunSettings } from "../../src/config-map.js";
import { runAgent } from "../../src/run/agent.js";
import { onceShipping } from "../../src/run/shipping/once-drain.js";
import { SKIP_REDIS, startRedis, type TestRedis } from "../buffer/redis-server.js";
import { fixtureBytes } from "../support/fixtures.js";
import { captureLog, testSettings, waitFor } from "../run/harness.js";
import { keysInOrder, laneOrderViolations, outageRig, recordArrivals, sample, scrape, startBuffered } from "./buffered-daemon.js";

let redis: TestRedis | undefined;
const rig = outageRig("edge-once-drain-", async () => {
  await redis?.stop();
  redis = undefined;
});

const once = (settings: RunSettings) => {
  const { log, records } = captureLog();
  return { records, done: runAgent({ settings, once: true, stop: new AbortController().signal, metrics: false, log, shipping: onceShipping() }) };
};

/** Runs the daemon with OpenSearch unreachable until `data` is in its buffer, then stops it (the buffer keeps it). */
async function leaveInBuffer(settings: RunSettings, path: string, data: Buffer): Promise<void> {
  await writeFile(path, data);
  const d = startBuffered(settings, {}, 1000);
  await waitFor(() => d.metrics() !== "", 10_000, "metrics server");
  await waitFor(async () => sample(await scrape(d), "soc_edge_buffer_depth_events") === keysInOrder(data).length, 20_000, "everything buffered");
  d.stop.abort();
  expect(await d.done).toMatchObject({ status: "stopped", exitCode: 0 });
}

describe("run --once with a durable buffer left by the daemon", { timeout: 60_000 }, () => {
  it("disk spool: delivers the buffered events first, in order, counts them, empties the spool, then ships the files", async () => {
    const { dir, server, gate } = rig;
    await gate.down();
    const path = join(dir, "eve.json");
    const buffered = Buffer.concat([fixtureBytes("rhaist__surevego.slice.json"), fixtureBytes("cisagov__Malcolm.slice.json")]);
    const later = fixtureBytes("OISF__suricata-verify.json");
    const spool = join(dir, "spool");
    const settings = testSettings(dir, gate.url, {
      shipper: { concurrency: 1, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      bufferOptions: { type: "disk", dir: spool, maxBytes: 64 << 20 },
    });
    await leaveInBuffer(settings, path, buffered);
    expect(server.documentCount()).toBe(0);
    await appendFile(path, later);

    await gate.up();
    const arrivals = recordArrivals(server);
    const s = await once(settings).done;
    const fromBuffer = keysInOrder(buffered);
    const fromFile = keysInOrder(later);
    expect(s).toMatchObject({ status: "ok", exitCode: 0, events: { read: fromFile.length, fromBuffer: fromBuffer.length, shipped: fromBuffer.length + fromFile.length } });
    expect(server.documentCount()).toBe(fromBuffer.length + fromFile.length);
    // Buffered events first, in file order per lane (as the daemon appended them); the files after them.
    expect(laneOrderViolations(fromBuffer, arrivals)).toEqual([]);
    const at = (k: { key: string }): number => arrivals.get(k.key) ?? -1;
    expect(Math.max(...fromBuffer.map(at))).toBe(fromBuffer.length - 1);
    expect(Math.min(...fromFile.map(at))).toBe(fromBuffer.length);
    const reopened = await DiskSpool.open({ dir: spool, maxBytes: 64 << 20 });
    expect(reopened.stats().depthEvents).toBe(0);
    await reopened.close();
    // A second --once finds nothing left anywhere.
    const again = await once(settings).done;
    expect(again).toMatchObject({ status: "ok", events: { read: 0, fromBuffer: 0, shipped: 0 } });
  });

  it("disk spool: OpenSearch refuses the drain → fatal summary, exit 1, files not read, the events stay in the spool", async () => {
    const { dir, server, gate } = rig;
    await gate.down();
    const path = join(dir, "eve.json");
    const buffered = fixtureBytes("rhaist__surevego.slice.json");
    const spool = join(dir, "spool");
    const settings = testSettings(dir, gate.url, { bufferOptions: { type: "disk", dir: spool, maxBytes: 64 << 20 } });
    await leaveInBuffer(settings, path, buffered);
    await appendFile(path, fixtureBytes("OISF__suricata-verify.json"));
    await gate.up();
    server.interceptor = (req) =>
      req.url?.startsWith("/_bulk") ? { status: 403, body: JSON.stringify({ error: { type: "security_exception", reason: "no permissions" }, status: 403 }) } : undefined;
    const s = await once(settings).done;
    expect(s).toMatchObject({ status: "fatal", exitCode: 1, events: { read: 0, fromBuffer: 0 } });
    expect(s.reason).toMatch(/draining the durable buffer: HTTP 403/);
    expect(server.documentCount()).toBe(0);
    const reopened = await DiskSpool.open({ dir: spool, maxBytes: 64 << 20 });
    expect(reopened.stats().depthEvents).toBe(keysInOrder(buffered).length);
    await reopened.close();
  });

  it("Redis unreachable: fatal summary naming the buffer, exit 1, nothing read", async () => {
    const { dir, server } = rig;
    await writeFile(join(dir, "eve.json"), fixtureBytes("rhaist__surevego.slice.json"));
    const settings = testSettings(dir, server.url, { bufferOptions: { type: "redis", url: `unix://${join(dir, "none.sock")}`, stream: "s", maxLen: 10_000, consumerGroup: "g" } });
    const s = await once(settings).done;
    expect(s).toMatchObject({ status: "fatal", exitCode: 1, events: { read: 0 } });
    expect(s.reason).toMatch(/durable buffer s cannot be drained/);
    expect(server.documentCount()).toBe(0);
  });

  it.skipIf(SKIP_REDIS)("Redis stream (real redis-server): delivers the buffered entries, counts them, XLEN back to 0", async () => {
    const { dir, server, gate } = rig;
    redis = await startRedis();
    await gate.down();
    const path = join(dir, "eve.json");
    const buffered = fixtureBytes("rhaist__surevego.slice.json");
    const settings = testSettings(dir, gate.url, {
      shipper: { concurrency: 1, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      bufferOptions: { type: "redis", url: redis.url, stream: "soc:eve:once", maxLen: 100_000, consumerGroup: "edge-agent" },
    });
    await leaveInBuffer(settings, path, buffered);
    await gate.up();
    const s = await once(settings).done;
    expect(s).toMatchObject({ status: "ok", exitCode: 0, events: { read: 0, fromBuffer: keysInOrder(buffered).length } });
    expect(server.documentCount()).toBe(keysInOrder(buffered).length);
    const client = new Redis({ path: redis.socket, protocol: 2 });
    try {
      expect(await client.xlen("soc:eve:once")).toBe(0);
    } finally {
      client.disconnect();
    }
  });
});
