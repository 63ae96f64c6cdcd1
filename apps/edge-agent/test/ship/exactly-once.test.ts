// The core pieces driven against the _bulk test double under faults: every valid input event must end up in the
// sink exactly once by _id, permanent failures in the dead-letter list, and the checkpoint at the end of the file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLineStats, forEachLine } from "../../src/eve/lines.js";
import { type EveParseOk, parseEveRecords } from "../../src/eve/parse.js";
import { AckTracker } from "../../src/input/checkpoint.js";
import { createCore } from "../../src/options.js";
import { buildBulkBody, bulkActionBytes, type BulkDoc } from "../../src/ship/bulk.js";
import { type BulkAttempt, type DeadLetteredItem, planDelivery } from "../../src/ship/delivery.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureBytes } from "../support/fixtures.js";

type Item = BulkDoc & { ticket: number };

let server: BulkTestServer;
beforeEach(async () => {
  server = await BulkTestServer.start({ seed: 3 });
});
afterEach(async () => {
  await server.close();
});

async function send(body: Buffer): Promise<BulkAttempt> {
  try {
    const res = await fetch(`${server.url}/_bulk`, { method: "POST", body, headers: { "content-type": "application/x-ndjson" } });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { error: err as Error };
  }
}

/** Reads `data` through the core and ships it until every item is acked or dead-lettered. */
async function shipAll(data: Buffer): Promise<{ tracker: AckTracker; expected: Map<string, string>; dead: DeadLetteredItem<Item>[]; attempts: number }> {
  const core = createCore({ sensorId: "sensor-a", batchMaxEvents: 200, retryBaseMs: 1, retryCapMs: 5 });
  const tracker = new AckTracker(0);
  const batcher = core.createBatcher<Item>();
  const expected = new Map<string, string>();
  const pending: EveParseOk[] = [];
  forEachLine(data, 0, (line, end) => {
    pending.length = 0;
    parseEveRecords(line, core.parseOptions, (r) => {
      if (r.ok) pending.push(r);
    });
    const ticket = tracker.track(end, pending.length);
    for (const r of pending) {
      const index = core.indexNamer.indexFor(r.eventType, r.timestampMs);
      const id = core.ids.idFor(r.raw);
      expected.set(`${index}/${id}`, r.raw.toString());
      if (!batcher.offer({ index, id, raw: r.raw, ticket }, bulkActionBytes("index", index, id) + r.raw.length + 1, core.priorityOf(r.eventType), 0)) {
        throw new Error("batcher full in test");
      }
    }
  }, createLineStats());
  const queue: Item[][] = [];
  for (let b = batcher.take(0, true); b; b = batcher.take(0, true)) queue.push(b.items);
  const dead: DeadLetteredItem<Item>[] = [];
  const backoff = core.createBackoff(() => 0.5);
  let attempts = 0;
  while (queue.length > 0) {
    const batch = queue.shift()!;
    attempts++;
    if (attempts > 500) throw new Error("not converging");
    const plan = planDelivery(batch, await send(buildBulkBody(batch)));
    if (plan.fatal) throw new Error(`fatal ${plan.fatal.reason}`);
    for (const d of plan.acked) tracker.ack(d.ticket);
    for (const d of plan.deadLetter) {
      dead.push(d);
      tracker.ack(d.item.ticket); // written to the dead-letter file
    }
    queue.unshift(...plan.split);
    if (plan.retry.length > 0) {
      await new Promise((r) => setTimeout(r, backoff.next()));
      queue.push(plan.retry);
    } else backoff.reset();
  }
  return { tracker, expected, dead, attempts };
}

describe("shipping through the core against the _bulk test double", () => {
  const data = Buffer.concat([fixtureBytes("sofiafernandezmoreno__tfm_ddos_demo.slice.json"), fixtureBytes("malformed-fixtures.json")]);

  it("delivers every valid event exactly once under a 429 storm, 5xx, item rejections and lost responses", async () => {
    server.failNextBulkRequests(4, 429);
    server.failNextBulkRequests(1, 503);
    server.dropNextBulkConnections(1, "after-indexing"); // indexed, but the client never hears back
    server.dropNextBulkConnections(1, "mid-request");
    server.failItems({ fraction: 0.2, status: 429, times: 2 });
    const { tracker, expected, dead, attempts } = await shipAll(data);
    expect(dead).toEqual([]);
    expect(attempts).toBeGreaterThan(8);
    expect(server.documentCount()).toBe(expected.size);
    expect(new Set(server.allKeys())).toEqual(new Set(expected.keys()));
    for (const [key, raw] of expected) {
      const [index, id] = key.split("/") as [string, string];
      expect(server.getDocument(index, id)).toEqual(JSON.parse(raw));
    }
    expect(server.stats.overwrites).toBeGreaterThan(0); // the lost response was replayed onto the same ids
    expect(tracker.committedOffset).toBe(data.length);
  });

  it("dead-letters mapping errors with the cluster's reason and still advances the checkpoint", async () => {
    const firstAlert = data.toString().split("\n").find((l) => l.includes('"event_type":"alert"'))!;
    const core = createCore({ sensorId: "sensor-a" });
    const r = parseEveRecords(firstAlert, undefined, () => undefined);
    expect(r).toBe(1);
    const badId = core.ids.idFor(Buffer.from(firstAlert));
    server.failItems({ ids: [badId], status: 400, reason: "failed to parse field [alert.signature_id] of type [long]" });
    const { tracker, expected, dead } = await shipAll(data);
    expect(dead.map((d) => [d.item.id, d.status, d.type])).toEqual([[badId, 400, "mapper_parsing_exception"]]);
    expect(dead[0]?.reason).toMatch(/signature_id/);
    expect(server.documentCount()).toBe(expected.size - 1);
    expect(tracker.committedOffset).toBe(data.length);
  });
});
