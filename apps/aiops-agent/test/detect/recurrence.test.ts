import { describe, expect, it } from "vitest";
import {
  AdaptiveDetector,
  CombinedDetector,
  DEFAULT_DETECTOR_PARAMS,
  DEFAULT_SEASONAL_OPTIONS,
  RarityCalibrator,
  SeasonalDetector,
} from "../../src/detect/index.js";
import { PER_DAY, STEP_MS, T0, daily, makeSeries } from "../helpers/synth.js";

const P = DEFAULT_DETECTOR_PARAMS;
const N = 4000;
/**
 * A cron-like job on an idle disk: 20 MB written twice every 100 samples, nothing in between — the
 * scale collapses between bursts, so each routine burst is a new record in sigma units (the shape of NAB's
 * `art_increase_spike_density` before its anomaly).
 */
const cron = (i: number, _e: number) => (i % 100 === 0 || i % 100 === 6 ? 20 : 0);

function alertsAt(det: CombinedDetector, f: (i: number, e: number) => number): number[] {
  const s = makeSeries(N, 7, f);
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    det.update(s.t[i] ?? 0, s.x[i] ?? 0);
    if (det.last.alert) out.push(i);
  }
  return out;
}

describe("value-level recurrence of the point test (params.recurrence)", () => {
  it("a burst of the same size every 100 samples stops alerting once it is routine; without the check it alerts forever", () => {
    const withCheck = alertsAt(new CombinedDetector(), cron);
    const without = alertsAt(new CombinedDetector({ ...P, recurrence: undefined }), cron);
    expect(without.filter((i) => i >= 1000).length).toBeGreaterThan(5);
    expect(withCheck.filter((i) => i >= 1000)).toEqual([]);
  });

  it("the likelihood test sees the recalibrated surprise: routine burst pairs rarely reach even the event level", () => {
    const events = (p: typeof P) => {
      const s = makeSeries(N, 7, cron);
      const det = new CombinedDetector(p);
      let n = 0;
      for (let i = 0; i < N; i++) {
        det.update(s.t[i] ?? 0, s.x[i] ?? 0);
        if (i >= 1000 && det.last.raw >= P.eventThreshold) n += 1;
      }
      return n;
    };
    const on = events(P);
    // likelihoodRecalibrateBelow 0: the likelihood averages the raw, ever-growing surprise of each pair
    const off = events({ ...P, likelihoodRecalibrateBelow: 0 });
    expect(off).toBeGreaterThan(25);
    expect(on).toBeLessThan(off / 2);
    expect(() => new CombinedDetector({ ...P, likelihoodRecalibrateBelow: 2 })).toThrow(/likelihoodRecalibrateBelow/);
  });

  it("a burst larger than every earlier one still alerts on its first sample", () => {
    const big = (i: number, e: number) => cron(i, e) + (i === 3050 ? 60 : 0);
    expect(alertsAt(new CombinedDetector(), big).filter((i) => i >= 1000)).toEqual([3050]);
  });
});

describe("RarityCalibrator prior none", () => {
  it("gives p = 0 (floored) to a value never seen and the forgotten fraction of the history at or above it after", () => {
    const r = new RarityCalibrator({ zMin: 1, growth: 1.15, bins: 48, horizon: 1e9, priorWeight: 10, prior: "none" });
    expect(r.tail(5)).toBe(1e-300);
    for (let i = 0; i < 90; i++) r.add(0.5);
    for (let i = 0; i < 10; i++) r.add(5);
    // 10 of 100 samples at 5, shrunk by 10 pseudo-samples: 10 / 110
    expect(r.tail(2)).toBeCloseTo(10 / 110, 6);
    expect(r.tail(50)).toBe(1e-300);
    expect(r.tail(0)).toBe(1);
  });
});

describe("AdaptiveDetector deviation and level", () => {
  it("reports the deviation from the baseline before the sample (series units) and the long-run mean |x|", () => {
    const a = new AdaptiveDetector({ warmup: 10 });
    for (let i = 0; i < 500; i++) a.update(i, 10);
    expect(a.meanAbsLevel).toBeGreaterThan(9);
    a.update(500, 15);
    expect(a.deviation).toBeCloseTo(5, 6);
    a.update(501, Number.NaN);
    expect(a.deviation).toBe(0);
  });
});

describe("SeasonalDetector deviation", () => {
  it("is 0 during warm-up, then the deviation from the bucket forecast before the sample (series units)", () => {
    const d = new SeasonalDetector();
    const n = (DEFAULT_SEASONAL_OPTIONS.warmupPeriods + 1) * PER_DAY;
    let sawZeroEarly = true;
    for (let i = 0; i < n; i++) {
      const t = T0 + i * STEP_MS;
      d.update(t, daily(i, 0));
      if (i < PER_DAY && d.deviation !== 0) sawZeroEarly = false;
    }
    expect(sawZeroEarly).toBe(true);
    const t = T0 + n * STEP_MS;
    const f = d.forecast(t);
    d.update(t, f + 7);
    expect(d.deviation).toBeCloseTo(7, 6);
    d.update(t + STEP_MS, Number.NaN);
    expect(d.deviation).toBe(0);
  });
});

describe("recurrence check resolution", () => {
  it("leaves excursions below recurrence.zMin of the level to the point test: a 50-sigma step of 0.5 % of the level still alerts", () => {
    // level 1000, noise 0.1: +5 is 0.5 % of the level (below zMin 1 %) but 50 sigma
    const s = makeSeries(2000, 4, (i, e) => 1000 + 0.1 * e + (i === 1500 ? 5 : 0));
    const det = new CombinedDetector();
    const alerts: number[] = [];
    for (let i = 0; i < 2000; i++) {
      det.update(s.t[i] ?? 0, s.x[i] ?? 0);
      if (det.last.alert) alerts.push(i);
    }
    expect(P.recurrence?.zMin).toBeGreaterThan(5 / 1000);
    expect(alerts).toContain(1500);
  });
});
