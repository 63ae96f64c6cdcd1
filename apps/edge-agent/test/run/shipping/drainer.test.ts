// Drainer over a real DiskSpool and the _bulk test double: drains in order, removes entries from the buffer only
// after OpenSearch acknowledged them, survives an interruption (rewind, resend), reports a fatal answer, and tells
// the plan when it caught up.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@opensearch-project/opensearch";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BufferEntry, DiskSpool, SpoolIoError } from "../../../src/buffer/index.js";
import { OpenSearchBulkTransport } from "../../../src/opensearch/bulk-transport.js";
import { createOpenSearchClient } from "../../../src/opensearch/client.js";
import { Backoff } from "../../../src/ship/backoff.js";
import { BulkDeliverer } from "../../../src/run/deliver.js";
import { Drainer, type DrainerOptions } from "../../../src/run/shipping/drainer.js";
import { createRunStats } from "../../../src/run/stats.js";
import { range } from "../../buffer/records.js";
import { BulkTestServer } from "../../support/bulk-server.js";
import { memoryLog } from "./items.js";

let dir: string;
let spool: DiskSpool;
let server: BulkTestServer;
let client: Client;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "drainer-"));
  spool = await DiskSpool.open({ dir, maxBytes: 1 << 20, fsync: false });
  server = await BulkTestServer.start();
  client = await createOpenSearchClient({ mode: "endpoint", url: server.url, auth: { type: "none" }, tls: { insecureSkipVerify: false } }, { requestTimeoutMs: 2000, compression: false });
});
afterEach(async () => {
  await client.close();
  await server.close();
  await spool.close();
  await rm(dir, { recursive: true, force: true });
});

function drainer(over: Partial<DrainerOptions> = {}) {
  const stats = createRunStats();
  const deliverer = new BulkDeliverer<BufferEntry>({
    transport: new OpenSearchBulkTransport(client),
    deadLetter: { write: async () => undefined, close: async () => undefined },
    opType: "index",
    sensorId: "s",
    backoff: () => new Backoff({ baseMs: 5, capMs: 20 }),
    maxAttempts: 0,
    onExhausted: "dead-letter",
    stats,
    log: memoryLog().log,
  });
  const events: string[] = [];
  const d = new Drainer({
    buffer: spool,
    deliverer,
    canDrain: () => true,
    appendMark: () => 0,
    onCaughtUp: (quiet) => events.push(`caught-up:${quiet}`),
    onAcked: (n) => events.push(`acked:${n}`),
    onFatal: (f) => events.push(`fatal:${f.status}`),
    batchMaxEvents: 10,
    batchMaxBytes: 1 << 20,
    pollMs: 5,
    log: memoryLog().log,
    ...over,
  });
  return { d, events, stats };
}

const until = async (pred: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("Drainer", () => {
  it("drains in order, batch by batch, and acknowledges entries only after the _bulk succeeded", async () => {
    await spool.append(range(0, 25));
    server.failNextBulkRequests(3, 503);
    const order: string[] = [];
    server.interceptor = (req, body) => {
      if (req.url?.startsWith("/_bulk")) for (const m of body.toString().matchAll(/"_id":"(id-\d+)"/g)) order.push(m[1] ?? "");
      return undefined;
    };
    const { d, events, stats } = drainer();
    const stop = new AbortController();
    const run = d.run(stop.signal);
    await until(() => d.drainedEvents === 25);
    expect(spool.stats().depthEvents).toBe(0);
    expect(server.stats.bulkStatuses[503]).toBe(3);
    // The buffer kept every entry through the three failed attempts of the first batch.
    expect(events.filter((e) => e.startsWith("acked"))).toEqual(["acked:10", "acked:10", "acked:5"]);
    expect(d.drainedEvents).toBe(25);
    expect(server.documentCount()).toBe(25);
    const firsts = [...new Set(order)];
    expect(firsts).toEqual(range(0, 25).map((r) => r.id));
    await until(() => events.includes("caught-up:true"));
    expect(stats.shippedByType.get("alert")).toBe(25);
    stop.abort();
    await run;
  });

  it("does nothing while it may not drain, and an interruption rewinds the batch for a resend", async () => {
    await spool.append(range(0, 10));
    let may = false;
    server.setResponseDelay(300);
    const { d } = drainer({ canDrain: () => may });
    const stop = new AbortController();
    const run = d.run(stop.signal);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.stats.bulkRequests).toBe(0);
    may = true;
    d.wake();
    await until(() => server.stats.bulkRequests === 1);
    may = false;
    d.interrupt(); // OpenSearch went offline mid-request
    expect(d.interrupts).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(spool.stats().depthEvents).toBe(10); // not acknowledged: the response never counted
    server.setResponseDelay(0);
    may = true;
    d.wake();
    await until(() => spool.stats().depthEvents === 0);
    expect(server.stats.overwrites).toBe(10); // the interrupted request was indexed after all: the replay overwrote
    expect(server.documentCount()).toBe(10);
    stop.abort();
    await run;
  });

  it("is caught up quietly only when no append was in progress or started around the empty read", async () => {
    let mark = 0;
    const { d, events } = drainer({ appendMark: () => mark++ }); // a new append started around every read
    const stop = new AbortController();
    const run = d.run(stop.signal);
    await until(() => events.length >= 2);
    expect(events.every((e) => e === "caught-up:false")).toBe(true);
    const { d: busy, events: busyEvents } = drainer({ appendMark: () => undefined }); // an append in progress
    const runBusy = busy.run(stop.signal);
    await until(() => busyEvents.length >= 2);
    expect(busyEvents.every((e) => e === "caught-up:false")).toBe(true);
    const steady = 7;
    const { d: d2, events: events2 } = drainer({ appendMark: () => steady });
    const run2 = d2.run(stop.signal);
    await until(() => events2.includes("caught-up:true"));
    stop.abort();
    await Promise.all([run, runBusy, run2]);
  });

  it("a failed ack while the batch is still being retried (spool directory gone) rejects run with the SpoolIoError, no unhandled rejection", async () => {
    await spool.append(range(0, 10));
    server.failItems({ ids: ["id-9"], status: 429, times: 1 }); // the deliverer is still retrying when the first acks fail
    server.setResponseDelay(100);
    const { d } = drainer();
    const run = d.run(new AbortController().signal);
    await until(() => server.stats.bulkRequests === 1);
    await rm(dir, { recursive: true, force: true }); // acks cannot replace ack.json any more
    await expect(run).rejects.toBeInstanceOf(SpoolIoError);
    expect(d.drainedEvents).toBe(0);
    expect(server.stats.bulkRequests).toBeLessThanOrEqual(2); // the retry of the failed item was cut short at most
    await mkdir(dir); // lets afterEach close the spool (its last ack write)
  });

  it("reports a fatal answer and stops, leaving the entries in the buffer", async () => {
    await spool.append(range(0, 5));
    server.interceptor = (req) => (req.url?.startsWith("/_bulk") ? { status: 403, body: JSON.stringify({ error: { type: "security_exception", reason: "no permissions" }, status: 403 }) } : undefined);
    const { d, events } = drainer();
    await d.run(new AbortController().signal);
    expect(events).toEqual(["fatal:403"]);
    expect(spool.stats().depthEvents).toBe(5);
  });
});
