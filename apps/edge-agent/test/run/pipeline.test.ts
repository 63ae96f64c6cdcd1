// The run loop without IO: a scripted input source feeding real Ingestors, a fake sink, an in-memory dead-letter.
import { describe, expect, it } from "vitest";
import type { TailedFile } from "../../src/input/tailer.js";
import { createCore, type CoreOptions } from "../../src/options.js";
import { type IngestItem, Ingestor } from "../../src/pipeline/ingest.js";
import type { DeadLetterEntry } from "../../src/ship/dead-letter.js";
import type { DeadLetterSink } from "../../src/run/dead-letter-file.js";
import type { DeliveryResult } from "../../src/run/deliver.js";
import { type BatchSink, Pipeline } from "../../src/run/pipeline.js";
import type { InputSource, SourceFeed } from "../../src/run/source.js";
import { createRunStats } from "../../src/run/stats.js";
import { fixtureBytes, fixtureLines } from "../support/fixtures.js";
import { captureLog } from "./harness.js";

const file: TailedFile = { path: "/virtual/eve.json", dev: "1", ino: "2", fingerprint: "f", fingerprintBytes: 16 };

/** Feeds `chunks` as one file, then (unless `follow`) closes it; with `follow`, waits for the abort. */
class ScriptedSource implements InputSource {
  readonly name = file.path;
  readonly ingestors: Ingestor[] = [];
  saved: number[] = [];
  constructor(
    readonly core: ReturnType<typeof createCore>,
    readonly chunks: Buffer[],
    readonly follow = false,
  ) {}
  async run(feed: SourceFeed, signal: AbortSignal): Promise<void> {
    const ing = new Ingestor(this.core);
    this.ingestors.push(ing);
    await feed(ing, { type: "open", file, offset: 0, reason: "start" });
    let off = 0;
    for (const c of this.chunks) {
      if (signal.aborted) return;
      await feed(ing, { type: "data", file, offset: off, data: c, complete: true });
      off += c.length;
    }
    if (this.follow) await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
    else await feed(ing, { type: "close", file, offset: off, reason: "eof" });
  }
  saveCheckpoint(): Promise<boolean> {
    const off = this.ingestors[0]?.checkpoint().files.at(-1)?.offset;
    if (off === undefined || off === this.saved.at(-1)) return Promise.resolve(false);
    this.saved.push(off);
    return Promise.resolve(true);
  }
  lagBytes(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }
}

class MemoryDeadLetter implements DeadLetterSink {
  entries: DeadLetterEntry[] = [];
  write(e: readonly DeadLetterEntry[]): Promise<void> {
    this.entries.push(...e);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Acks after `delayMs`; records batches; `fatalAfter` batches answers like a 401. */
class FakeSink implements BatchSink {
  batches: IngestItem[][] = [];
  concurrent = 0;
  maxConcurrent = 0;
  constructor(
    readonly delayMs = 0,
    readonly fatalAfter = Infinity,
  ) {}
  async deliver(items: readonly IngestItem[], acked: (i: readonly IngestItem[]) => void, signal: AbortSignal): Promise<DeliveryResult<IngestItem>> {
    this.maxConcurrent = Math.max(this.maxConcurrent, ++this.concurrent);
    try {
      this.batches.push([...items]);
      if (this.batches.length > this.fatalAfter) return { undelivered: [...items], fatal: { status: 401, reason: "unauthorized" } };
      await new Promise<void>((r) => {
        const t = setTimeout(r, this.delayMs);
        signal.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
      });
      if (signal.aborted) return { undelivered: [...items] };
      acked(items);
      return { undelivered: [] };
    } finally {
      this.concurrent--;
    }
  }
}

function setup(opts: Partial<CoreOptions>, chunks: Buffer[], sink: FakeSink, follow = false, concurrency = 2) {
  const core = createCore({ sensorId: "s", flushIntervalMs: 20, ...opts });
  const src = new ScriptedSource(core, chunks, follow);
  const stats = createRunStats();
  const dl = new MemoryDeadLetter();
  const { log, records } = captureLog();
  const p = new Pipeline({ sources: [src], batcher: core.createBatcher(), sink: () => sink, deadLetter: dl, concurrency, stats, sensorId: "s", log, checkpointIntervalMs: 10 });
  return { p, src, stats, dl, records };
}

/** One chunk per line, so a feed holds one line's events. */
const perLine = (name: string): Buffer[] => fixtureLines(name).map((l) => Buffer.concat([l, Buffer.from("\n")]));

describe("Pipeline", () => {
  it("once: delivers everything, acks every line and ends at the file's end", async () => {
    const data = fixtureBytes("rhaist__surevego.slice.json");
    const sink = new FakeSink(2);
    const { p, src, stats } = setup({ batchMaxEvents: 30 }, [data], sink);
    const out = await p.run({ once: true, stop: new AbortController().signal, shutdownTimeoutMs: 1000 });
    expect(out).toEqual({ stopped: false, deadlineHit: false });
    expect(sink.batches.flat()).toHaveLength(200);
    expect(sink.batches.every((b) => b.length <= 30)).toBe(true);
    expect(sink.maxConcurrent).toBe(2);
    expect(src.saved.at(-1)).toBe(data.length);
    expect(src.ingestors[0]?.inFlightLines).toBe(0);
    expect([...stats.readByType.values()].reduce((a, b) => a + b, 0)).toBe(200);
  });

  it("pauses reading when the batcher is full and resumes; nothing is lost (a batch that drains the batcher wakes the reader)", async () => {
    // Capacity below one batch's worth: admission fails while a full batch waits, and the dispatch that the waiting
    // reader triggers takes every queued item at once.
    const chunks = [Buffer.concat(perLine("OISF__suricata-verify.json"))];
    const sink = new FakeSink(3);
    const { p, src, records } = setup({ batchMaxEvents: 4, maxBufferedBytes: 4096, flushIntervalMs: 60_000 }, chunks, sink, false, 1);
    const out = await p.run({ once: true, stop: new AbortController().signal, shutdownTimeoutMs: 1000 });
    expect(out.fatal).toBeUndefined();
    expect(sink.batches.flat()).toHaveLength(234);
    expect(records.filter((r) => r["msg"] === "batcher full: reading paused").length).toBeGreaterThan(0);
    expect(src.saved.at(-1)).toBe(chunks[0]?.length);
  });

  it("sends alerts before flows when both wait", async () => {
    const lines = perLine("sofiafernandezmoreno__tfm_ddos_demo.slice.json");
    const sink = new FakeSink(1);
    const { p } = setup({ batchMaxEvents: 40 }, [Buffer.concat(lines)], sink, false, 1);
    await p.run({ once: true, stop: new AbortController().signal, shutdownTimeoutMs: 1000 });
    const first = sink.batches[0] ?? [];
    expect(first.every((i) => i.priority === 0)).toBe(true);
    expect(first.map((i) => i.eventType)).toContain("alert");
  });

  it("stop: reading ends, in-flight batches get the deadline, then are aborted and stay unacknowledged", async () => {
    const data = fixtureBytes("rhaist__surevego.slice.json");
    const sink = new FakeSink(10_000);
    const { p, src, stats } = setup({ batchMaxEvents: 50, flushIntervalMs: 1 }, [data], sink, true);
    const stop = new AbortController();
    const run = p.run({ once: false, stop: stop.signal, shutdownTimeoutMs: 100 });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    stop.abort();
    const out = await run;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(out).toMatchObject({ stopped: true, deadlineHit: true });
    expect(stats.undelivered).toBeGreaterThan(0);
    expect(src.saved.every((o) => o === 0)).toBe(true); // nothing acknowledged: the checkpoint never moved
  });

  it("a fatal answer stops reading and delivery, and reports it", async () => {
    const lines = perLine("rhaist__surevego.slice.json");
    const sink = new FakeSink(1, 1);
    const { p, stats } = setup({ batchMaxEvents: 10 }, lines, sink, false, 1);
    const out = await p.run({ once: true, stop: new AbortController().signal, shutdownTimeoutMs: 1000 });
    expect(out.fatal).toEqual({ status: 401, reason: "unauthorized" });
    expect(sink.batches).toHaveLength(2);
    expect(stats.undelivered).toBeGreaterThan(0);
  });

  it("dead-letters malformed lines before acknowledging them", async () => {
    const data = Buffer.concat([fixtureBytes("malformed-fixtures.json"), fixtureBytes("rhaist__surevego.slice.json")]);
    const sink = new FakeSink(0);
    const { p, src, dl, stats } = setup({}, [data], sink);
    await p.run({ once: true, stop: new AbortController().signal, shutdownTimeoutMs: 1000 });
    expect(dl.entries.map((e) => e.reason).sort()).toEqual(["invalid_json", "invalid_json", "invalid_json", "invalid_json", "invalid_json", "invalid_json", "invalid_timestamp"]);
    expect(dl.entries.every((e) => e.stage === "parse" && e.file === file.path)).toBe(true);
    expect(Object.fromEntries(stats.deadLetteredByReason)).toEqual({ invalid_json: 6, invalid_timestamp: 1 });
    expect(src.saved.at(-1)).toBe(data.length);
  });
});
