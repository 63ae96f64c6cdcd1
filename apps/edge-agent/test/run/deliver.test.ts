// BulkDeliverer without IO: a scripted transport answers each attempt; backoff sleeps are recorded, not waited.
import { describe, expect, it } from "vitest";
import type { BulkTransport, TimedBulkAttempt } from "../../src/opensearch/bulk-transport.js";
import { Backoff } from "../../src/ship/backoff.js";
import type { DeadLetterEntry } from "../../src/ship/dead-letter.js";
import type { DeadLetterSink } from "../../src/run/dead-letter-file.js";
import { BulkDeliverer, type ExhaustedPolicy, type ShipDoc } from "../../src/run/deliver.js";
import { createRunStats } from "../../src/run/stats.js";
import { captureLog } from "./harness.js";

const doc = (i: number, eventType = "flow"): ShipDoc => ({ index: `suricata-${eventType}-2024.01.02`, id: `id${i}`, raw: Buffer.from(`{"n":${i}}`), eventType });

/** Answers with `script[i]` for attempt i (the last entry repeats); records bodies. */
class ScriptedTransport implements BulkTransport {
  bodies: string[] = [];
  constructor(readonly script: ((ids: string[]) => TimedBulkAttempt)[]) {}
  send(body: Buffer): Promise<TimedBulkAttempt> {
    const text = body.toString();
    this.bodies.push(text);
    const ids = [...text.matchAll(/"_id":"([^"]+)"/g)].map((m) => m[1] as string);
    const f = this.script[Math.min(this.bodies.length - 1, this.script.length - 1)] as (ids: string[]) => TimedBulkAttempt;
    return Promise.resolve(f(ids));
  }
}

const ok = (ids: string[]): TimedBulkAttempt => ({ status: 200, durationMs: 1, body: { took: 1, errors: false, items: ids.map(() => ({ index: { status: 201 } })) } });
const itemFail = (failing: Record<string, [number, string]>) => (ids: string[]): TimedBulkAttempt => ({
  status: 200,
  durationMs: 1,
  body: { took: 1, errors: true, items: ids.map((id) => (failing[id] ? { index: { status: failing[id][0], error: { type: failing[id][1], reason: `r-${id}` } } } : { index: { status: 201 } })) },
});
const status = (s: number) => (): TimedBulkAttempt => ({ status: s, durationMs: 1, body: { error: { type: "x", reason: `status ${s}` }, status: s } });

class MemoryDeadLetter implements DeadLetterSink {
  entries: DeadLetterEntry[] = [];
  fail = false;
  write(e: readonly DeadLetterEntry[]): Promise<void> {
    if (this.fail) return Promise.reject(new Error("ENOSPC: no space left on device"));
    this.entries.push(...e);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function make(transport: BulkTransport, over: { maxAttempts?: number; onExhausted?: ExhaustedPolicy; dl?: MemoryDeadLetter } = {}) {
  const stats = createRunStats();
  const sleeps: number[] = [];
  const dl = over.dl ?? new MemoryDeadLetter();
  const d = new BulkDeliverer<ShipDoc>({
    transport,
    deadLetter: dl,
    opType: "index",
    sensorId: "s1",
    backoff: () => new Backoff({ baseMs: 100, capMs: 1000, random: () => 0.5 }),
    maxAttempts: over.maxAttempts ?? 0,
    onExhausted: over.onExhausted ?? "hold",
    stats,
    log: captureLog().log,
    clock: () => new Date("2024-01-02T03:04:05Z"),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  const acked: string[] = [];
  const deliver = (docs: ShipDoc[], signal = new AbortController().signal) => d.deliver(docs, (items) => acked.push(...items.map((i) => i.id)), signal);
  return { deliver, stats, sleeps, acked, dl };
}

describe("BulkDeliverer", () => {
  it("re-sends only the items that failed with 429, after growing backoff delays", async () => {
    const t = new ScriptedTransport([itemFail({ id1: [429, "es_rejected_execution_exception"], id3: [503, "unavailable_shards_exception"] }), itemFail({ id3: [429, "x"] }), ok]);
    const { deliver, stats, sleeps, acked } = make(t);
    const r = await deliver([0, 1, 2, 3].map((i) => doc(i)));
    expect(r).toEqual({ undelivered: [] });
    expect(t.bodies).toHaveLength(3);
    expect(t.bodies[1]?.match(/_id/g)).toHaveLength(2);
    expect(t.bodies[2]).toContain('"_id":"id3"');
    expect(t.bodies[2]?.match(/_id/g)).toHaveLength(1);
    expect(sleeps).toEqual([50, 100]); // 0.5 × 100 · 2^0, 0.5 × 100 · 2^1
    expect(acked.sort()).toEqual(["id0", "id1", "id2", "id3"]);
    expect(stats.retriedItems).toBe(3);
    expect(Object.fromEntries(stats.bulkRequests)).toEqual({ "200": 3 });
  });

  it("dead-letters permanent item failures with the cluster's reason before acknowledging them", async () => {
    const t = new ScriptedTransport([itemFail({ id2: [400, "mapper_parsing_exception"] })]);
    const { deliver, dl, acked, stats } = make(t);
    await deliver([doc(1), doc(2, "alert")]);
    expect(dl.entries).toEqual([
      { time: "2024-01-02T03:04:05.000Z", sensorId: "s1", stage: "index", reason: "mapper_parsing_exception", detail: "r-id2", index: "suricata-alert-2024.01.02", id: "id2", status: 400, raw: Buffer.from('{"n":2}') },
    ]);
    expect(acked.sort()).toEqual(["id1", "id2"]);
    expect(Object.fromEntries(stats.deadLetteredByType)).toEqual({ alert: 1 });
    expect(Object.fromEntries(stats.shippedByType)).toEqual({ flow: 1 });
  });

  it("splits on 413 and sends the halves without backoff", async () => {
    const t = new ScriptedTransport([status(413), ok, ok]);
    const { deliver, sleeps, acked } = make(t);
    await deliver([0, 1, 2].map((i) => doc(i)));
    expect(t.bodies.map((b) => b.match(/_id/g)?.length)).toEqual([3, 2, 1]);
    expect(sleeps).toEqual([]);
    expect(acked).toHaveLength(3);
  });

  it("stops on 401 with every item unacknowledged", async () => {
    const { deliver, acked } = make(new ScriptedTransport([status(401)]));
    const r = await deliver([doc(1), doc(2)]);
    expect(r.fatal).toEqual({ status: 401, reason: "x: status 401" });
    expect(r.undelivered.map((d) => d.id)).toEqual(["id1", "id2"]);
    expect(acked).toEqual([]);
  });

  it("after retry.maxAttempts, holds the items (--once) or dead-letters them as retries_exhausted (daemon)", async () => {
    const hold = make(new ScriptedTransport([itemFail({ id1: [429, "x"] })]), { maxAttempts: 3, onExhausted: "hold" });
    const h = await hold.deliver([doc(0), doc(1)]);
    expect(h.undelivered.map((d) => d.id)).toEqual(["id1"]);
    expect(hold.acked).toEqual(["id0"]);
    expect(hold.sleeps).toHaveLength(2); // 3 attempts = 2 retries

    const dead = make(new ScriptedTransport([status(503)]), { maxAttempts: 2, onExhausted: "dead-letter" });
    const d = await dead.deliver([doc(0)]);
    expect(d).toEqual({ undelivered: [] });
    expect(dead.dl.entries[0]).toMatchObject({ reason: "retries_exhausted", id: "id0" });
    expect(dead.dl.entries[0]?.detail).toMatch(/HTTP 503/);
    expect(dead.acked).toEqual(["id0"]);
  });

  it("a transport error retries everything; an abort leaves the rest undelivered", async () => {
    const ac = new AbortController();
    const t = new ScriptedTransport([
      () => {
        ac.abort();
        return { error: new Error("socket hang up"), durationMs: 3 };
      },
    ]);
    const { deliver, stats } = make(t);
    const r = await deliver([doc(0), doc(1)], ac.signal);
    expect(r.undelivered.map((d) => d.id)).toEqual(["id0", "id1"]);
    expect(Object.fromEntries(stats.bulkRequests)).toEqual({ error: 1 });
  });

  it("a dead-letter write failure is fatal and acknowledges nothing it could not write", async () => {
    const dl = new MemoryDeadLetter();
    dl.fail = true;
    const { deliver, acked } = make(new ScriptedTransport([itemFail({ id1: [400, "mapper_parsing_exception"] })]), { dl });
    const r = await deliver([doc(0), doc(1)]);
    expect(r.fatal?.reason).toMatch(/dead-letter file: ENOSPC/);
    expect(r.undelivered.map((d) => d.id)).toEqual(["id1"]);
    expect(acked).toEqual(["id0"]);
  });
});
