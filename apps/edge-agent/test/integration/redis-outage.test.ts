// Issue #3 acceptance: a 60-second outage with a REAL redis-server as the durable buffer. OpenSearch first answers
// 503 to everything (30 s: the direct _bulk requests fail until the connectivity machine says offline), then is
// unreachable (connections refused, 30 s), while events keep being appended
// to eve.json. The daemon buffers them in the Redis Stream, drains them in order when OpenSearch is back (XACK
// only after the _bulk succeeded), empties the stream and ships directly again. Every valid event ends in the sink
// exactly once by _id, in file order per lane. redis-server missing: skipped locally, a failure under CI=true.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkpointPathFor } from "../../src/config-map.js";
import { SKIP_REDIS, startRedis, type TestRedis } from "../buffer/redis-server.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureBytes } from "../support/fixtures.js";
import { testSettings, waitFor } from "../run/harness.js";
import { keysInOrder, laneOrderViolations, messages, recordArrivals, sample, scrape, startBuffered, stopAll, syntheticEve, writeGradually } from "./buffered-daemon.js";
import { TcpGate } from "./tcp-gate.js";

const OUTAGE_MS = 60_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

let dir: string;
let server: BulkTestServer;
let gate: TcpGate;
let redis: TestRedis | undefined;
let client: Redis | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-redis-outage-"));
  server = await BulkTestServer.start();
  gate = await TcpGate.start(server.url);
});
afterEach(async () => {
  await stopAll();
  client?.disconnect();
  await redis?.stop();
  await gate.down();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(SKIP_REDIS)("buffered shipping with a Redis Stream (real redis-server)", () => {
  it("buffers through a 60 s outage (503, then refused), drains in order, XLEN back to 0", { timeout: 240_000 }, async () => {
    redis = await startRedis();
    client = new Redis({ path: redis.socket, protocol: 2, lazyConnect: true });
    await client.connect();
    const stream = "soc:eve:test";
    const path = join(dir, "eve.json");
    const before = fixtureBytes("rhaist__surevego.slice.json");
    const during = Buffer.concat([fixtureBytes("cisagov__Malcolm.slice.json"), syntheticEve(3000, "redis-outage"), fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json")]);
    const after = fixtureBytes("OISF__suricata-verify.json");
    const all = Buffer.concat([before, during, after]);
    const expected = keysInOrder(all);
    const arrivals = recordArrivals(server);
    const record = server.interceptor;
    let failing = false; // phase 1 of the outage: every request answered 503 (nothing indexed, nothing recorded)
    server.interceptor = (req, body) => (failing ? { status: 503, body: JSON.stringify({ error: { type: "unavailable", reason: "test outage" }, status: 503 }) } : record?.(req, body));
    await writeFile(path, before);
    const settings = testSettings(dir, gate.url, {
      shipper: { concurrency: 1, requestTimeoutMs: 2000, compression: false, maxAttempts: 0 },
      bufferOptions: { type: "redis", url: redis.url, stream, maxLen: 100_000, consumerGroup: "edge-agent" },
    });
    const d = startBuffered(settings);
    await waitFor(() => server.documentCount() === keysInOrder(before).length, 30_000, "events before the outage");
    await waitFor(async () => sample(await scrape(d), "soc_edge_shipping_mode", 'mode="direct"') === 1, 10_000, "direct shipping");

    failing = true; // phase 1: reachable but failing
    const downAt = Date.now();
    const shippedBefore = server.documentCount();
    const writing = writeGradually(path, during, 10, 160); // ~3 700 lines over the outage
    await waitFor(async () => sample(await scrape(d), "soc_edge_connectivity_state", 'state="offline"') === 1, 10_000, "offline");
    await waitFor(async () => ((await client?.xlen(stream)) ?? 0) > 100, 20_000, "events in the Redis Stream");
    await sleep(downAt + OUTAGE_MS / 2 - Date.now());
    await gate.down(); // phase 2: unreachable
    failing = false;
    await sleep(downAt + OUTAGE_MS - Date.now());
    expect(server.documentCount()).toBe(shippedBefore); // nothing got through for 60 s
    const m1 = await scrape(d);
    expect(sample(m1, "soc_edge_shipping_mode", 'mode="buffer"')).toBe(1);
    const buffered = sample(m1, "soc_edge_buffer_depth_events") ?? 0;
    expect(buffered).toBeGreaterThan(2000);
    expect(await client.xlen(stream)).toBe(buffered);
    // Unacknowledged: nothing pending was XACKed while every _bulk failed.
    const pending = (await client.xpending(stream, "edge-agent")) as [number, ...unknown[]];
    expect(Number(pending[0])).toBeLessThanOrEqual(settings.core.batchMaxEvents ?? 50);
    // Everything read so far is acknowledged to the file: in Redis, though not in OpenSearch.
    const cp = JSON.parse(await readFile(checkpointPathFor(settings.checkpointDir, path), "utf8")) as { files: { offset: number }[] };
    expect(cp.files.at(-1)?.offset ?? 0).toBeGreaterThan(before.length);

    await gate.up(); // restored
    const restoredAt = Date.now();
    expect(restoredAt - downAt).toBeGreaterThanOrEqual(OUTAGE_MS);
    await writing;
    await writeGradually(path, after, 20, 20);
    await waitFor(() => server.documentCount() === expected.length, 90_000, "every event after the outage");
    await waitFor(async () => {
      const m = await scrape(d);
      return sample(m, "soc_edge_buffer_depth_events") === 0 && sample(m, "soc_edge_shipping_mode", 'mode="direct"') === 1;
    }, 30_000, "stream drained and direct shipping");
    expect(await client.xlen(stream)).toBe(0);

    expect(new Set(server.allKeys())).toEqual(new Set(expected.map((e) => e.key)));
    expect(laneOrderViolations(expected, arrivals)).toEqual([]);
    const m = await scrape(d);
    expect(sample(m, "soc_edge_buffer_drained_events_total")).toBe(sample(m, "soc_edge_buffer_appended_events_total"));
    expect(sample(m, "soc_edge_connectivity_transitions_total", 'to="offline"')).toBeGreaterThanOrEqual(1);
    expect(sample(m, "soc_edge_bulk_requests_total", 'status="503"')).toBeGreaterThan(0); // failed direct _bulk: evidence
    expect(sample(m, "soc_edge_probe_failures_total", 'probe="opensearch"')).toBeGreaterThan(0);
    expect(messages(d).filter((x) => x === "OpenSearch unreachable: buffering").length).toBeGreaterThanOrEqual(1);

    d.stop.abort();
    const s = await d.done;
    expect(s).toMatchObject({ status: "stopped", exitCode: 0 });
    expect(s.events.deadLettered).toBe(0);
    const last = JSON.parse(await readFile(checkpointPathFor(settings.checkpointDir, path), "utf8")) as { files: { offset: number }[] };
    expect(last.files.at(-1)?.offset).toBe(all.length);
  });
});
