// BufferSink over a real DiskSpool: items are acknowledged only once durable, alerts are admitted while flows wait
// for room, a full buffer holds the batch (one warning per episode) until room is freed, records that can never
// fit are dead-lettered, other buffer errors are retried.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DurableBuffer, DiskSpool } from "../../../src/buffer/index.js";
import type { IngestItem } from "../../../src/pipeline/ingest.js";
import type { DeadLetterEntry } from "../../../src/ship/dead-letter.js";
import { BufferSink } from "../../../src/run/shipping/buffer-sink.js";
import { createRunStats } from "../../../src/run/stats.js";
import { item, items, memoryLog, nsOf } from "./items.js";

let dir: string;
let spool: DiskSpool;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "buffer-sink-"));
  spool = await DiskSpool.open({ dir, maxBytes: 128 * 1024, segmentBytes: 16 * 1024, fsync: false });
});
afterEach(async () => {
  await spool.close();
  await rm(dir, { recursive: true, force: true });
});

function sinkOver(buffer: DurableBuffer, dead: DeadLetterEntry[] = []) {
  const { log, messages } = memoryLog();
  const stats = createRunStats();
  const sink = new BufferSink({ buffer, deadLetter: { write: async (e) => void dead.push(...e), close: async () => undefined }, sensorId: "s", stats, log, retryMs: 5 });
  return { sink, messages, stats };
}

describe("BufferSink", () => {
  it("acknowledges items only once they are durably in the buffer, in priority runs", async () => {
    const { sink } = sinkOver(spool);
    const depthAtAck: number[] = [];
    const batch = [...items(0, 3, 0), ...items(3, 5, 1), ...items(5, 9, 2)];
    expect(sink.appendMark()).toBe(0);
    const p = sink.deliver(batch, (xs) => depthAtAck.push(spool.stats().depthEvents, xs.length), new AbortController().signal);
    expect(sink.appendMark()).toBeUndefined(); // an append in progress
    const res = await p;
    expect(sink.appendMark()).toBe(1);
    expect(res).toEqual({ undelivered: [] });
    expect(depthAtAck).toEqual([3, 3, 5, 2, 9, 4]); // each run acked after it was appended
    expect(nsOf(await spool.read(100))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(sink.appendedEvents).toBe(9);
    expect(sink.inFlight).toBe(0);
  });

  it("admits alerts while flows wait for room; one warning per full episode; appends the flows once room is freed", async () => {
    let n = 1000;
    while (spool.hasRoom(1100, 2)) await spool.append([item(n++, 2, 1000)]); // flows up to their 80 % limit
    const { sink, messages } = sinkOver(spool);
    const acked: number[] = [];
    const p = sink.deliver([...items(0, 5, 0, 1000), ...items(100, 103, 2, 1000)], (xs) => acked.push(...nsOf(xs)), new AbortController().signal);
    await waitUntil(() => sink.full);
    expect(acked).toEqual([0, 1, 2, 3, 4]); // alerts in, flows held
    expect(sink.fullEpisodes).toBe(1);
    expect(messages.filter((m) => m.startsWith("durable buffer full"))).toHaveLength(1);
    // The drainer frees room: read and acknowledge everything, then notify.
    const entries = await spool.read(10_000);
    await spool.ack(entries.map((e) => e.handle));
    sink.notifyRoom();
    expect(await p).toEqual({ undelivered: [] });
    expect(acked).toEqual([0, 1, 2, 3, 4, 100, 101, 102]);
    expect(sink.full).toBe(false);
    expect(messages).toContain("durable buffer has room again: appending resumes");
    expect(nsOf(await spool.read(100))).toEqual([100, 101, 102]);
  });

  it("returns the held rest undelivered when the stop deadline aborts it", async () => {
    let n = 1000;
    while (spool.hasRoom(1100, 0)) await spool.append([item(n++, 0, 1000)]);
    const { sink } = sinkOver(spool);
    const stop = new AbortController();
    const p = sink.deliver(items(0, 3, 0, 1000), () => undefined, stop.signal);
    await waitUntil(() => sink.full);
    stop.abort();
    expect(nsOf((await p).undelivered)).toEqual([0, 1, 2]);
  });

  it("dead-letters a record larger than the whole buffer instead of blocking forever", async () => {
    const dead: DeadLetterEntry[] = [];
    const { sink, stats } = sinkOver(spool, dead);
    const acked: number[] = [];
    const res = await sink.deliver([item(1), item(2, 0, 200 * 1024), item(3)], (xs) => acked.push(...nsOf(xs)), new AbortController().signal);
    expect(res).toEqual({ undelivered: [] });
    expect(acked).toEqual([1, 2, 3]);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ reason: "buffer_record_too_large", id: "id-2", stage: "index", file: "/var/log/suricata/eve.json" });
    expect(stats.deadLetteredByReason.get("buffer_record_too_large")).toBe(1);
    expect(nsOf(await spool.read(10))).toEqual([1, 3]);
  });

  it("retries appends that fail for other reasons (IO, Redis), counting them", async () => {
    let failures = 2;
    const appended: IngestItem[][] = [];
    const flaky = {
      append: async (r: readonly IngestItem[]) => {
        if (failures-- > 0) throw new Error("connection lost");
        appended.push([...r]);
      },
      stats: () => spool.stats(),
    } as unknown as DurableBuffer;
    const { sink, messages } = sinkOver(flaky);
    const res = await sink.deliver(items(0, 2), () => undefined, new AbortController().signal);
    expect(res).toEqual({ undelivered: [] });
    expect(sink.errors).toBe(2);
    expect(appended.map(nsOf)).toEqual([[0, 1]]);
    expect(messages.filter((m) => m.startsWith("durable buffer append failed"))).toHaveLength(1); // logged at most every 10 s
  });
});

async function waitUntil(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}
