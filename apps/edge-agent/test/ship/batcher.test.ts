import { describe, expect, it } from "vitest";
import { Batcher, BatcherOptionsError } from "../../src/ship/batcher.js";

describe("Batcher", () => {
  it("releases a batch at maxEvents", () => {
    const b = new Batcher<string>({ batchMaxEvents: 3, flushIntervalMs: 1000 });
    b.offer("a", 10, 1, 0);
    b.offer("b", 10, 1, 0);
    expect(b.take(0)).toBeUndefined();
    b.offer("c", 10, 1, 0);
    b.offer("d", 10, 1, 0);
    expect(b.take(0)).toEqual({ items: ["a", "b", "c"], bytes: 30, reason: "events" });
    expect(b.size).toBe(1);
    expect(b.bytes).toBe(10);
  });

  it("releases at maxBytes without exceeding it, except for a single oversized item", () => {
    const b = new Batcher<string>({ batchMaxBytes: 100 });
    b.offer("a", 60, 1, 0);
    b.offer("b", 60, 1, 0);
    expect(b.take(0)).toEqual({ items: ["a"], bytes: 60, reason: "bytes" });
    const big = new Batcher<string>({ batchMaxBytes: 100 });
    big.offer("huge", 500, 1, 0);
    expect(big.take(0)).toEqual({ items: ["huge"], bytes: 500, reason: "bytes" });
  });

  it("releases a partial batch when the oldest item reaches flushIntervalMs, using the injected clock", () => {
    const b = new Batcher<string>({ flushIntervalMs: 1000 });
    b.offer("a", 1, 2, 5000);
    b.offer("b", 1, 0, 5600);
    expect(b.nextFlushAt()).toBe(6000);
    expect(b.take(5999)).toBeUndefined();
    expect(b.take(6000)).toEqual({ items: ["b", "a"], bytes: 2, reason: "age" });
    expect(b.nextFlushAt()).toBeUndefined();
  });

  it("forces out a partial batch on demand, and nothing when empty", () => {
    const b = new Batcher<string>();
    expect(b.take(0, true)).toBeUndefined();
    b.offer("x", 1, 1, 0);
    expect(b.take(0, true)?.reason).toBe("forced");
  });

  it("fills batches alerts first, then protocol logs, then flows, FIFO within a lane", () => {
    const b = new Batcher<string>({ batchMaxEvents: 4 });
    b.offer("flow1", 1, 2, 0);
    b.offer("dns1", 1, 1, 0);
    b.offer("alert1", 1, 0, 1);
    b.offer("flow2", 1, 2, 1);
    b.offer("alert2", 1, 0, 2);
    expect(b.take(2)?.items).toEqual(["alert1", "alert2", "dns1", "flow1"]);
    expect(b.take(2, true)?.items).toEqual(["flow2"]);
  });

  it("keeps headroom for alerts: flows are refused first, alerts last", () => {
    const b = new Batcher<string>({ maxBufferedBytes: 100, reserveFraction: 0.1, batchMaxBytes: 1000 });
    expect(b.offer("f1", 75, 2, 0)).toBe(true);
    expect(b.offer("f2", 10, 2, 0)).toBe(false); // 85 > 80
    expect(b.offer("d1", 10, 1, 0)).toBe(true); // 85 ≤ 90
    expect(b.offer("d2", 10, 1, 0)).toBe(false); // 95 > 90
    expect(b.offer("a1", 15, 0, 0)).toBe(true); // 100 ≤ 100
    expect(b.offer("a2", 1, 0, 0)).toBe(false);
    expect(b.laneSize(0)).toBe(1);
  });

  it("always admits into an empty batcher", () => {
    const b = new Batcher<string>({ maxBufferedBytes: 10 });
    expect(b.offer("huge", 1000, 2, 0)).toBe(true);
  });

  it("sheds the newest low-priority items, never alerts", () => {
    const b = new Batcher<string>();
    for (const [item, p] of [["a1", 0], ["f1", 2], ["d1", 1], ["f2", 2], ["f3", 2]] as const) b.offer(item, 10, p, 0);
    expect(b.shedLowPriority(25)).toEqual(["f1", "f2", "f3"]);
    expect(b.shedLowPriority(1000)).toEqual(["d1"]);
    expect(b.shedLowPriority(1000)).toEqual([]);
    expect([b.size, b.bytes]).toEqual([1, 10]);
  });

  it("handles many items across compaction without losing order", () => {
    const b = new Batcher<number>({ batchMaxEvents: 700, maxBufferedBytes: 1e9 });
    for (let i = 0; i < 5000; i++) b.offer(i, 1, 1, 0);
    const seen: number[] = [];
    for (let batch = b.take(0); batch; batch = b.take(0, true)) seen.push(...batch.items);
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it("validates options", () => {
    expect(() => new Batcher({ batchMaxEvents: 0 })).toThrow(BatcherOptionsError);
    expect(() => new Batcher({ reserveFraction: 0.5 })).toThrow(BatcherOptionsError);
    expect(() => new Batcher({ flushIntervalMs: -1 })).toThrow(BatcherOptionsError);
  });
});
