import { describe, expect, it } from "vitest";
import { Admission } from "../../src/buffer/admission.js";
import { AckWindow } from "../../src/buffer/ack-window.js";
import { BufferOptionsError } from "../../src/buffer/errors.js";

describe("Admission (priority headroom)", () => {
  const a = new Admission(1000, 0.1);

  it("refuses flows/stats above 80 %, protocol logs above 90 %, alerts only when full", () => {
    expect([a.limit(0), a.limit(1), a.limit(2)]).toEqual([1000, 900, 800]);
    expect(a.admits(790, 10, 2)).toBe(true);
    expect(a.admits(791, 10, 2)).toBe(false);
    expect(a.admits(891, 10, 1)).toBe(false);
    expect(a.admits(891, 10, 0)).toBe(true);
    expect(a.admits(991, 10, 0)).toBe(false);
    expect(a.refusing(0, 1)).toBeNull();
    expect(a.refusing(800, 1)).toBe(2);
    expect(a.refusing(900, 1)).toBe(1);
    expect(a.refusing(1000, 1)).toBe(0);
  });

  it("checks a batch cumulatively and names the first record that does not fit", () => {
    expect(a.check(700, [50, 50, 50], [2, 2, 0])).toBeUndefined();
    expect(a.check(700, [60, 60, 10], [2, 2, 0])).toEqual({ position: 1, priority: 2, limit: 800, never: false });
    expect(a.check(0, [801], [2])).toEqual({ position: 0, priority: 2, limit: 800, never: true });
  });

  it("validates its options", () => {
    expect(() => new Admission(0)).toThrow(BufferOptionsError);
    expect(() => new Admission(10, 0.5)).toThrow(BufferOptionsError);
    expect(new Admission(10, 0).limit(2)).toBe(10);
  });
});

describe("AckWindow", () => {
  it("advances the head only over contiguous acknowledgements, in any ack order", () => {
    const w = new AckWindow<string>(10);
    for (let s = 10; s < 15; s++) w.deliver(s, `m${s}`);
    expect(w.ack(12)).toBe("m12");
    expect(w.ack(11)).toBe("m11");
    expect(w.head).toBe(10);
    expect(w.ackedAhead).toBe(2);
    expect(w.ack(10)).toBe("m10");
    expect(w.head).toBe(13);
    expect(w.meta(13)).toBe("m13");
    expect(w.meta(12)).toBeUndefined();
    expect(w.inflight).toBe(2);
  });

  it("ignores repeated and never-delivered acknowledgements", () => {
    const w = new AckWindow<number>(0);
    w.deliver(0, 1);
    expect(w.ack(0)).toBe(1);
    expect(w.ack(0)).toBeUndefined();
    expect(w.ack(5)).toBeUndefined();
    expect(w.head).toBe(1);
  });

  it("skips lost ranges as if acknowledged", () => {
    const w = new AckWindow<number>(0);
    w.deliver(0, 0);
    w.skip(1, 4);
    expect(w.head).toBe(0);
    w.ack(0);
    expect(w.head).toBe(4);
    expect(w.isAcked(3)).toBe(true);
    expect(w.isAcked(4)).toBe(false);
  });

  it("lists acknowledgements above the head as ranges, and a new window restores them", () => {
    const w = new AckWindow<number>(0);
    for (let s = 0; s < 10; s++) w.deliver(s, s);
    for (const s of [1, 2, 3, 5, 9]) w.ack(s);
    expect(w.aheadRanges()).toEqual([[1, 4], [5, 6], [9, 10]]);
    const r = new AckWindow<number>(0);
    r.restoreAhead(w.aheadRanges());
    expect(r.ackedAhead).toBe(5);
    expect(r.isAcked(2)).toBe(true);
    expect(r.isAcked(4)).toBe(false);
    r.deliver(0, 0);
    r.ack(0);
    expect(r.head).toBe(4);
  });
});
