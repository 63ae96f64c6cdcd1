import { describe, expect, it } from "vitest";
import { DetectorParamError, StaticThresholdDetector } from "../../src/detect/index.js";

describe("StaticThresholdDetector (Prometheus `for` semantics)", () => {
  it("goes pending, then fires once the condition held for `forMs`", () => {
    const d = new StaticThresholdDetector({ above: 90, forMs: 60_000 });
    expect(d.update(0, 95)).toBe(0);
    expect(d.state).toBe("pending");
    expect(d.pendingSince).toBe(0);
    expect(d.update(30_000, 96)).toBe(0);
    expect(d.state).toBe("pending");
    expect(d.update(60_000, 97)).toBe(1);
    expect(d.state).toBe("firing");
  });

  it("returns to inactive as soon as the condition does not hold, and restarts the clock", () => {
    const d = new StaticThresholdDetector({ above: 90, forMs: 60_000 });
    d.update(0, 95);
    d.update(50_000, 80);
    expect(d.state).toBe("inactive");
    expect(Number.isNaN(d.pendingSince)).toBe(true);
    d.update(60_000, 95);
    expect(d.update(100_000, 95)).toBe(0);
    expect(d.update(120_000, 95)).toBe(1);
  });

  it("fires immediately with forMs 0 and supports a lower bound", () => {
    const d = new StaticThresholdDetector({ below: 5 });
    expect(d.update(0, 4)).toBe(1);
    expect(d.update(1, 6)).toBe(0);
  });

  it("treats a non-finite value like a missing series (inactive)", () => {
    const d = new StaticThresholdDetector({ above: 1 });
    d.update(0, 2);
    expect(d.update(1, Number.NaN)).toBe(0);
    expect(d.state).toBe("inactive");
  });

  it("rejects a rule without bounds or with a negative duration", () => {
    expect(() => new StaticThresholdDetector({})).toThrow(DetectorParamError);
    expect(() => new StaticThresholdDetector({ above: 1, forMs: -1 })).toThrow(/forMs/);
  });
});
