import { describe, expect, it } from "vitest";
import { GcPacer, GcPacerOptionsError } from "../../src/run/gc-pacer.js";

describe("GcPacer", () => {
  it("collects once each time another everyBytes of input were read, and reports the time taken", () => {
    let collections = 0;
    let t = 0;
    const took: number[] = [];
    const pacer = new GcPacer({
      everyBytes: 100,
      maxShare: 1, // no time bound here (see below)
      collect: () => {
        collections++;
        t += 4; // the clock moves 4 ms during each collection
      },
      onCollected: (s) => took.push(s),
      now: () => t,
    });
    pacer.add(60);
    expect(collections).toBe(0);
    pacer.add(40); // 100: the first threshold
    expect(collections).toBe(1);
    pacer.add(99);
    expect(collections).toBe(1);
    pacer.add(1);
    expect(collections).toBe(2);
    pacer.add(350); // one large chunk: one collection frees everything dead, not three
    expect(collections).toBe(3);
    pacer.add(99);
    expect(collections).toBe(3); // the count restarted after the large chunk
    expect(took).toEqual([0.004, 0.004, 0.004]);
  });

  it("refuses a non-positive or fractional interval", () => {
    for (const everyBytes of [0, -1, 1.5, Number.NaN]) {
      expect(() => new GcPacer({ everyBytes, collect: () => undefined })).toThrow(GcPacerOptionsError);
    }
  });
});

describe("GcPacer time share", () => {
  it("defers a due collection until the time since the previous one keeps collections within maxShare", () => {
    let t = 0;
    let collections = 0;
    // each collection takes 10 ms; at most 20 % of wall time → at least 40 ms between the end of one and the next
    const pacer = new GcPacer({ everyBytes: 10, maxShare: 0.2, now: () => t, collect: () => ((t += 10), collections++) });
    pacer.add(10);
    expect(collections).toBe(1); // t = 10
    t = 30;
    pacer.add(10); // due by bytes, but only 20 ms after the previous one
    expect(collections).toBe(1);
    t = 49;
    pacer.add(1);
    expect(collections).toBe(1);
    t = 50;
    pacer.add(1); // 40 ms after: allowed, and the byte count starts over
    expect(collections).toBe(2);
    t = 200;
    pacer.add(9);
    expect(collections).toBe(2);
    pacer.add(1);
    expect(collections).toBe(3);
  });

  it("refuses a share outside (0, 1]", () => {
    for (const maxShare of [0, -0.1, 1.5, Number.NaN]) {
      expect(() => new GcPacer({ everyBytes: 1, maxShare, collect: () => undefined })).toThrow(GcPacerOptionsError);
    }
  });
});
