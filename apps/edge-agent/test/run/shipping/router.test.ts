// ShippingRouter: mode switches keep the order per lane — direct batches wait for the buffer's stragglers, and an
// outage moves the unacknowledged rest of in-flight direct batches into the buffer.
import { describe, expect, it } from "vitest";
import type { IngestItem } from "../../../src/pipeline/ingest.js";
import type { DeliveryResult } from "../../../src/run/deliver.js";
import type { BatchSink } from "../../../src/run/pipeline.js";
import { ShippingRouter } from "../../../src/run/shipping/router.js";
import { items, memoryLog, nsOf } from "./items.js";

/** A sink recording what it got; `hold` makes deliveries wait for the signal (like a request to a dead host). */
function recordingSink(name: string, log: string[], opts: { ackFirst?: number; hold?: boolean } = {}): BatchSink {
  return {
    async deliver(batch, acked, signal): Promise<DeliveryResult<IngestItem>> {
      log.push(`${name}:${nsOf(batch).join(",")}`);
      const n = opts.ackFirst ?? batch.length;
      if (n > 0) acked(batch.slice(0, n));
      if (opts.hold && n < batch.length) {
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
        return { undelivered: batch.slice(n) };
      }
      return { undelivered: [] };
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("ShippingRouter", () => {
  it("starts buffering; after toDirect, direct batches wait at the barrier until the buffer is drained", async () => {
    const calls: string[] = [];
    const r = new ShippingRouter({ direct: recordingSink("direct", calls), buffer: recordingSink("buffer", calls), log: memoryLog().log });
    const stop = new AbortController();
    expect(r.mode).toBe("buffer");
    await r.sink().deliver(items(0, 2), () => undefined, stop.signal);
    r.toDirect();
    expect(r.mode).toBe("direct");
    expect(r.holding).toBe(true);
    const acked: number[] = [];
    const p = r.sink().deliver(items(2, 4), (xs) => acked.push(...nsOf(xs)), stop.signal);
    await tick();
    expect(calls).toEqual(["buffer:0,1"]); // held
    r.releaseBarrier();
    expect(await p).toEqual({ undelivered: [] });
    expect(calls).toEqual(["buffer:0,1", "direct:2,3"]);
    expect(acked).toEqual([2, 3]);
    expect(r.holding).toBe(false);
    expect(r.switches).toBe(1);
  });

  it("toBuffer diverts the unacknowledged rest of an in-flight direct delivery into the buffer", async () => {
    const calls: string[] = [];
    const { log, messages } = memoryLog();
    const r = new ShippingRouter({ direct: recordingSink("direct", calls, { ackFirst: 1, hold: true }), buffer: recordingSink("buffer", calls), log });
    r.toDirect();
    r.releaseBarrier();
    const acked: number[] = [];
    const p = r.sink().deliver(items(0, 4), (xs) => acked.push(...nsOf(xs)), new AbortController().signal);
    await tick();
    r.toBuffer("3 consecutive failures");
    expect(await p).toEqual({ undelivered: [] });
    expect(calls).toEqual(["direct:0,1,2,3", "buffer:1,2,3"]);
    expect(acked).toEqual([0, 1, 2, 3]); // every item acknowledged once: by OpenSearch or by the buffer
    expect(r.diverted).toBe(3);
    expect(r.mode).toBe("buffer");
    expect(messages).toContain("OpenSearch unreachable: buffering");
  });

  it("a batch held at the barrier goes to the buffer when OpenSearch drops again", async () => {
    const calls: string[] = [];
    const r = new ShippingRouter({ direct: recordingSink("direct", calls), buffer: recordingSink("buffer", calls), log: memoryLog().log });
    r.toDirect();
    const p = r.sink().deliver(items(5, 7), () => undefined, new AbortController().signal);
    await tick();
    r.toBuffer("offline");
    await p;
    expect(calls).toEqual(["buffer:5,6"]);
  });

  it("a shutdown abort is not a diversion: the rest is returned undelivered (re-read after restart)", async () => {
    const calls: string[] = [];
    const r = new ShippingRouter({ direct: recordingSink("direct", calls, { ackFirst: 0, hold: true }), buffer: recordingSink("buffer", calls), log: memoryLog().log });
    r.toDirect();
    r.releaseBarrier();
    const stop = new AbortController();
    const p = r.sink().deliver(items(0, 3), () => undefined, stop.signal);
    await tick();
    stop.abort();
    expect(nsOf((await p).undelivered)).toEqual([0, 1, 2]);
    expect(calls).toEqual(["direct:0,1,2"]);
  });
});
