import { describe, expect, it } from "vitest";
import {
  InvalidThrottleOptionsError,
  type ResourceSample,
  ThrottleController,
  type ThrottleThresholds,
  zoneOf,
} from "../../src/supervise/throttle-controller.js";

// The config defaults of apps.edgeAgent.throttle.
const thresholds: ThrottleThresholds = {
  cpuPercent: { high: 85, low: 60 },
  memoryPercent: { high: 85, low: 70 },
  temperatureC: { high: 75, low: 65 },
};
const MiB = 1024 * 1024;

let t = 0;
const sample = (cpu: number | null, mem: number | null = 50, temp: number | null = 50): ResourceSample => ({
  at: (t += 5000),
  cpuPercent: cpu,
  memoryPercent: mem,
  temperatureC: temp,
});

describe("zoneOf", () => {
  it("classifies against high/low, unknown for null and NaN", () => {
    const th = { high: 85, low: 60 };
    expect([zoneOf(90, th), zoneOf(85, th), zoneOf(60, th), zoneOf(59.9, th), zoneOf(null, th), zoneOf(Number.NaN, th)]).toEqual([
      "above-high",
      "between",
      "between",
      "below-low",
      "unknown",
      "unknown",
    ]);
  });
});

describe("ThrottleController", () => {
  it("maps levels to halving rates and concurrency, never reaching zero", () => {
    const c = new ThrottleController({ thresholds, concurrency: 4 });
    expect([0, 1, 2, 3, 4, 9].map((l) => c.stepAt(l))).toEqual([
      { level: 0, readBytesPerSecond: Infinity, concurrency: 4 },
      { level: 1, readBytesPerSecond: 16 * MiB, concurrency: 2 },
      { level: 2, readBytesPerSecond: 8 * MiB, concurrency: 1 },
      { level: 3, readBytesPerSecond: 4 * MiB, concurrency: 1 },
      { level: 4, readBytesPerSecond: 2 * MiB, concurrency: 1 },
      { level: 4, readBytesPerSecond: 2 * MiB, concurrency: 1 },
    ]);
  });

  it("steps down one level per interval above high, holds in the band, steps up below low", () => {
    const c = new ThrottleController({ thresholds, concurrency: 2, maxLevel: 3 });
    const levels = [95, 95, 95, 95, 70, 70, 50, 50, 50, 50].map((cpu) => {
      c.observe(sample(cpu));
      return c.level;
    });
    expect(levels).toEqual([1, 2, 3, 3, 3, 3, 2, 1, 0, 0]);
  });

  it("does not oscillate for values moving inside the hysteresis band", () => {
    const c = new ThrottleController({ thresholds, concurrency: 2 });
    c.observe(sample(90));
    const changes = [84, 61, 80, 62, 85, 60].map((cpu) => c.observe(sample(cpu)));
    expect(changes.every((ch) => ch === undefined)).toBe(true);
    expect(c.level).toBe(1);
  });

  it("any hot signal throttles; recovery needs every known signal below low", () => {
    const c = new ThrottleController({ thresholds, concurrency: 2 });
    const ch = c.observe(sample(10, 90, 80));
    expect(ch?.signals).toEqual(["memoryPercent", "temperatureC"]);
    expect(ch?.to.level).toBe(1);
    c.observe(sample(10, 60, 70)); // temperature in band: hold
    expect(c.level).toBe(1);
    const up = c.observe(sample(10, 60, 60));
    expect(up).toMatchObject({ from: { level: 1 }, to: { level: 0 }, signals: ["cpuPercent", "memoryPercent", "temperatureC"] });
  });

  it("treats a null temperature as unknown: it neither throttles nor blocks recovery", () => {
    const c = new ThrottleController({ thresholds, concurrency: 2 });
    c.observe(sample(90, 50, null));
    expect(c.level).toBe(1);
    const up = c.observe(sample(30, 50, null));
    expect(up?.to.level).toBe(0);
    expect(up?.signals).toEqual(["cpuPercent", "memoryPercent"]);
    // Were null read as 0 °C, a reading of null would count as "below low" — it must not be listed as a cause.
    expect(up?.signals).not.toContain("temperatureC");
  });

  it("holds the level when nothing is known", () => {
    const c = new ThrottleController({ thresholds, concurrency: 2 });
    c.observe(sample(99));
    expect(c.observe(sample(null, null, null))).toBeUndefined();
    expect(c.level).toBe(1);
    expect(c.lastSample?.cpuPercent).toBeNull();
  });

  it("emits changes to listeners and the async iterator", async () => {
    const c = new ThrottleController({ thresholds, concurrency: 2 });
    const seen: number[] = [];
    c.onChange((ch) => seen.push(ch.to.level));
    const ac = new AbortController();
    const it = c.changes(ac.signal);
    c.observe(sample(99));
    c.observe(sample(99));
    c.observe(sample(1));
    expect(seen).toEqual([1, 2, 1]);
    expect((await it.next()).value?.to.level).toBe(1);
    ac.abort();
    expect((await it.next()).value?.to.level).toBe(2); // queued values are still delivered after abort
  });

  it("rejects invalid options", () => {
    expect(() => new ThrottleController({ thresholds: { ...thresholds, cpuPercent: { high: 60, low: 60 } }, concurrency: 2 })).toThrow(InvalidThrottleOptionsError);
    expect(() => new ThrottleController({ thresholds, concurrency: 0 })).toThrow(InvalidThrottleOptionsError);
    expect(() => new ThrottleController({ thresholds, concurrency: 1, maxLevel: 0 })).toThrow(InvalidThrottleOptionsError);
    expect(() => new ThrottleController({ thresholds, concurrency: 1, factor: 1 })).toThrow(InvalidThrottleOptionsError);
    expect(() => new ThrottleController({ thresholds, concurrency: 1, level1BytesPerSecond: Infinity })).toThrow(InvalidThrottleOptionsError);
  });
});
