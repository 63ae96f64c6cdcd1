// AckWindow (pure): out-of-order acknowledgements and skipped ranges, as the disk spool uses them for damaged
// frames and for records whose files vanished.
import { describe, expect, it } from "vitest";
import { AckWindow } from "../../src/buffer/ack-window.js";

describe("AckWindow.skip", () => {
  it("counts only records not acknowledged before, and how many of them were handed out", () => {
    const w = new AckWindow<string>(10);
    for (let s = 10; s < 16; s++) w.deliver(s, `m${s}`);
    expect(w.ack(12)).toBe("m12"); // acknowledged out of order
    expect(w.skip(8, 14)).toEqual({ records: 3, delivered: 3 }); // 10, 11, 13 (below head and 12 not counted)
    expect(w.head).toBe(14);
    expect(w.skip(14, 20)).toEqual({ records: 6, delivered: 2 }); // 14, 15 delivered; 16..19 never handed out
    expect(w.head).toBe(20);
    expect(w.skip(10, 20)).toEqual({ records: 0, delivered: 0 }); // repeated: nothing more lost
  });

  it("a skipped in-flight record's late ack is ignored, and a gap above head stays open", () => {
    const w = new AckWindow<number>(0);
    for (let s = 0; s < 5; s++) w.deliver(s, s);
    expect(w.skip(2, 4)).toEqual({ records: 2, delivered: 2 });
    expect(w.head).toBe(0);
    expect(w.ackedAhead).toBe(2);
    expect(w.ack(3)).toBeUndefined();
    expect(w.aheadRanges()).toEqual([[2, 4]]);
    expect(w.ack(0)).toBe(0);
    expect(w.ack(1)).toBe(1);
    expect(w.head).toBe(4);
    expect(w.inflight).toBe(1); // 4
  });
});
