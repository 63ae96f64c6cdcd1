import { describe, expect, it } from "vitest";
import { GcPacer, GcPacerOptionsError } from "../../src/run/gc-pacer.js";

/** A fake heap: `grow` allocates, a collection frees everything but `live`; the clock moves 10 ms per collection. */
function rig(options: { everyBytes: number; maxShare?: number; live?: number }) {
  const s = { heap: options.live ?? 100, live: options.live ?? 100, t: 0, collections: 0, took: [] as number[] };
  const pacer = new GcPacer({
    everyBytes: options.everyBytes,
    ...(options.maxShare === undefined ? {} : { maxShare: options.maxShare }),
    heapBytes: () => s.heap,
    collect: () => {
      s.collections++;
      s.heap = s.live;
      s.t += 10;
    },
    onCollected: (sec) => s.took.push(sec),
    now: () => s.t,
    cpuMs: () => s.t, // one thread: CPU time moves with the clock during a collection
  });
  /** Reads a chunk of `input` bytes (default 1) that grows the heap by `n`. */
  const grow = (n: number, input = 1): void => {
    s.heap += n;
    pacer.afterRead(input);
  };
  return { s, grow, pacer };
}

describe("GcPacer", () => {
  it("collects when heap + external memory grew by everyBytes since the last collection, and reports the time", () => {
    const { s, grow } = rig({ everyBytes: 50, maxShare: 1 });
    grow(30);
    expect(s.collections).toBe(0);
    grow(20); // 150: grown by 50
    expect(s.collections).toBe(1);
    expect(s.heap).toBe(100);
    grow(49);
    expect(s.collections).toBe(1);
    grow(1);
    expect(s.collections).toBe(2);
    grow(500); // a big jump: one collection frees everything dead at once
    expect(s.collections).toBe(3);
    expect(s.took).toEqual([0.01, 0.01, 0.01]);
  });

  it("counts a collection V8 ran by itself: growth is measured from the lowest point since", () => {
    const { s, grow } = rig({ everyBytes: 50, maxShare: 1 });
    grow(40);
    s.heap = 90; // V8 collected on its own (and freed some live data too)
    grow(0);
    grow(45); // 135: 45 above the new low of 90, not yet due
    expect(s.collections).toBe(0);
    grow(5);
    expect(s.collections).toBe(1);
  });

  it("collects again when the live data itself grew (e.g. the batcher filled), within the time share", () => {
    const { s, grow } = rig({ everyBytes: 50, maxShare: 0.2 }); // 10 ms per collection → ≥ 40 ms between them
    s.live = 300;
    grow(60); // due; the collection leaves 300 live
    expect([s.collections, s.heap]).toEqual([1, 300]);
    s.t += 20;
    grow(60); // due by growth, but only 20 ms after the previous collection ended
    expect(s.collections).toBe(1);
    s.t += 20;
    grow(0); // 40 ms: allowed
    expect(s.collections).toBe(2);
  });

  it("skips a due collection when input arrives so fast that V8's own 64 MiB allowance would fill within the wait", () => {
    const MiB = 1024 * 1024;
    const { s, grow, pacer } = rig({ everyBytes: 8 * MiB, maxShare: 0.2, live: 10 * MiB }); // wait ≥ 40 ms after a 10 ms collection
    grow(8 * MiB, MiB);
    expect(s.collections).toBe(1); // the first one: nothing to judge the rate by yet
    s.t += 50; // 50 ms later, 100 MiB read: 2 MiB/ms × 40 ms = 80 MiB ≥ 64 MiB
    grow(9 * MiB, 100 * MiB);
    expect([s.collections, pacer.skipped]).toEqual([1, 1]);
    s.t += 50; // the next 50 ms at a sensor's pace: 1 MiB read → 0.8 MiB within the wait
    grow(9 * MiB, MiB);
    expect([s.collections, pacer.skipped]).toEqual([2, 1]);
  });

  it("refuses a non-positive or fractional everyBytes and a share outside (0, 1]", () => {
    const ok = { collect: () => undefined, heapBytes: () => 0, now: () => 0, cpuMs: () => 0 };
    for (const everyBytes of [0, -1, 1.5, Number.NaN]) expect(() => new GcPacer({ ...ok, everyBytes })).toThrow(GcPacerOptionsError);
    for (const maxShare of [0, -0.1, 1.5, Number.NaN]) expect(() => new GcPacer({ ...ok, everyBytes: 1, maxShare })).toThrow(GcPacerOptionsError);
  });
});
