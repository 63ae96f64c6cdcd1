import { describe, expect, it } from "vitest";
import {
  AdaptiveDetector,
  CusumDetector,
  DAY_MS,
  DetectorParamError,
  FlatlineDetector,
  RarityCalibrator,
  RobustEwStats,
  SeasonalDetector,
  SurpriseLikelihood,
  gaussianTwoSidedTail,
  surpriseToScore,
} from "../../src/detect/index.js";
import { PER_DAY, STEP_MS, T0, daily, makeSeries } from "../helpers/synth.js";

describe("RobustEwStats", () => {
  it("is not dragged by a single outlier (Huber clip)", () => {
    const s = new RobustEwStats(0.05, 3);
    for (let i = 0; i < 200; i++) s.update(10 + (i % 2 === 0 ? 1 : -1), 1e-9);
    const before = s.mean;
    s.update(1e6, 1e-9);
    expect(Math.abs(s.mean - before)).toBeLessThan(1);
  });
});

describe("surpriseToScore", () => {
  it("is 0 at 0, 0.5 at zHalf, below 1 and monotone", () => {
    expect(surpriseToScore(0, 4)).toBe(0);
    expect(surpriseToScore(4, 4)).toBeCloseTo(0.5, 12);
    expect(surpriseToScore(8, 4)).toBeGreaterThan(surpriseToScore(5, 4));
    expect(surpriseToScore(Infinity, 4)).toBe(1);
    expect(surpriseToScore(Number.NaN, 4)).toBe(0);
  });
});

describe("AdaptiveDetector", () => {
  it("scores 0 during warm-up, flags a 10-sigma spike, ignores NaN", () => {
    const s = makeSeries(500, 7, (i, e) => 100 + 2 * e + (i === 400 ? 20 : 0));
    const d = new AdaptiveDetector({ warmup: 30 });
    const scores = s.x.map((x, i) => d.update(s.t[i] ?? 0, x));
    expect(scores.slice(0, 30).every((v) => v === 0)).toBe(true);
    expect(d.ready).toBe(true);
    expect(scores[400]).toBeGreaterThan(0.7);
    expect(Math.max(...scores.slice(100, 400))).toBeLessThan(0.5);
    expect(d.update(0, Number.NaN)).toBe(0);
    expect(d.invalidPoints).toBe(1);
  });

  it("rejects out-of-range options", () => {
    expect(() => new AdaptiveDetector({ alpha: 0 })).toThrow(DetectorParamError);
    expect(() => new AdaptiveDetector({ warmup: 1.5 })).toThrow(/warmup/);
  });
});

describe("SeasonalDetector", () => {
  it("maps timestamps to time-of-day buckets", () => {
    const d = new SeasonalDetector({ buckets: 24 });
    expect(d.bucketOf(T0)).toBe(0);
    expect(d.bucketOf(T0 + 90 * 60_000)).toBe(1);
    expect(d.bucketOf(T0 - 1)).toBe(23);
    const shifted = new SeasonalDetector({ buckets: 24, offsetMs: 3_600_000 });
    expect(shifted.bucketOf(T0)).toBe(1);
  });

  it("learns a daily cycle: normal peaks are not surprising, a peak at night is", () => {
    const s = makeSeries(4 * PER_DAY, 3, (i, e) => daily(i, e, 1));
    const d = new SeasonalDetector();
    for (let i = 0; i < s.x.length; i++) d.update(s.t[i] ?? 0, s.x[i] ?? 0);
    const t = T0 + 4 * PER_DAY * STEP_MS;
    expect(d.readyAt(t)).toBe(true);
    // 6 h into the day the cycle peaks at 70: expected there, wildly unexpected at 18 h (trough, 30)
    expect(Math.abs(d.forecast(t + DAY_MS / 4) - 70)).toBeLessThan(3);
    d.update(t + DAY_MS / 4, 70);
    expect(d.z).toBeLessThan(3);
    d.update(t + (3 * DAY_MS) / 4, 70);
    expect(d.z).toBeGreaterThan(10);
  });

  it("stays silent until warmupPeriods seasons have passed", () => {
    const d = new SeasonalDetector({ warmupPeriods: 2 });
    const s = makeSeries(2 * PER_DAY - 1, 1, (i, e) => daily(i, e) + (i === PER_DAY ? 100 : 0));
    const scores = s.x.map((x, i) => d.update(s.t[i] ?? 0, x));
    expect(Math.max(...scores)).toBe(0);
  });
});

describe("CusumDetector", () => {
  it("signals a 1-sigma level shift within 60 samples and re-centres (one alarm per shift)", () => {
    const s = makeSeries(1500, 11, (i, e) => 5 + e + (i >= 1000 ? 1 : 0));
    const d = new CusumDetector({ h: 8 });
    let first = -1;
    for (let i = 0; i < s.x.length; i++) {
      d.update(s.t[i] ?? 0, s.x[i] ?? 0);
      if (i >= 1000 && first < 0 && d.changePoints > 0) first = i;
    }
    expect(first).toBeGreaterThanOrEqual(1000);
    expect(first - 1000).toBeLessThan(60);
    expect(d.changePoints).toBeLessThanOrEqual(3);
  });

  it("accumulates standardised residuals directly", () => {
    const d = new CusumDetector({ k: 0.5, h: 10 });
    for (let i = 0; i < 5; i++) d.updateStandardized(i, 2);
    expect(d.statistic).toBeCloseTo(7.5, 12);
    d.updateStandardized(5, 2);
    d.updateStandardized(6, 2);
    expect(d.changePoints).toBe(1);
    expect(d.lastChangeAt).toBe(6);
  });
});

describe("FlatlineDetector", () => {
  it("rises when a noisy series freezes and never scores an always-flat one", () => {
    const s = makeSeries(600, 5, (i, e) => (i >= 500 ? 3 : 3 + e));
    const d = new FlatlineDetector();
    let before = 0;
    for (let i = 0; i < s.x.length; i++) {
      d.update(s.t[i] ?? 0, s.x[i] ?? 0);
      if (i < 500) before = Math.max(before, d.statistic);
    }
    expect(before).toBeLessThan(2);
    expect(d.statistic).toBeGreaterThan(8);
    const flat = new FlatlineDetector();
    for (let i = 0; i < 500; i++) flat.update(i, 42);
    expect(flat.statistic).toBe(0);
  });
});

describe("FlatlineDetector robust baseline", () => {
  it("does not take the quiet spell after a burst for a flatline (Huber-clipped long-run activity)", () => {
    // ordinary noise with a few isolated 200-sigma spikes (a bursty exporter), then ordinary noise again
    const s = makeSeries(1500, 8, (i, e) => 5 + e + (i >= 600 && i < 800 && i % 40 === 0 ? 200 : 0));
    const clipped = new FlatlineDetector();
    const unclipped = new FlatlineDetector({ clip: Infinity });
    let maxClipped = 0;
    let maxUnclipped = 0;
    for (let i = 0; i < s.x.length; i++) {
      clipped.update(s.t[i] ?? 0, s.x[i] ?? 0);
      unclipped.update(s.t[i] ?? 0, s.x[i] ?? 0);
      if (i >= 800) {
        maxClipped = Math.max(maxClipped, clipped.statistic);
        maxUnclipped = Math.max(maxUnclipped, unclipped.statistic);
      }
    }
    expect(maxUnclipped).toBeGreaterThan(2); // the spikes inflated "usual activity"
    expect(maxClipped).toBeLessThan(1.5);
    expect(() => new FlatlineDetector({ clip: 0.5 })).toThrow(DetectorParamError);
  });
});

describe("SurpriseLikelihood", () => {
  it("reports p = 1 during warm-up and ignores (and counts) non-finite input", () => {
    const l = new SurpriseLikelihood({ warmup: 50 });
    for (let i = 0; i < 50; i++) expect(l.update(i % 7 === 0 ? 9 : 0.5)).toBe(1);
    expect(l.update(Number.NaN)).toBe(1);
    expect(l.invalidPoints).toBe(1);
    expect(() => new SurpriseLikelihood({ alpha: 0 })).toThrow(DetectorParamError);
    expect(() => new SurpriseLikelihood({ warmup: 1.5 })).toThrow(DetectorParamError);
  });

  it("shrugs off an isolated spike in a spiky history but flags a burst of moderate surprises", () => {
    const g = makeSeries(3000, 4, (_i, e) => Math.abs(e));
    const l = new SurpriseLikelihood();
    for (let i = 0; i < 2500; i++) l.update(i % 100 === 0 ? 8 : (g.x[i] ?? 0));
    // one more spike of the usual kind: the short-term average moves, but not beyond its history
    expect(l.update(8)).toBeGreaterThan(1e-3);
    for (let i = 0; i < 30; i++) l.update(g.x[2500 + i] ?? 0);
    // ten samples of 3 sigma in a row: none is extreme, together they are
    let p = 1;
    for (let i = 0; i < 10; i++) p = l.update(3);
    expect(p).toBeLessThan(1e-6);
    expect(l.z).toBeGreaterThan(5);
  });

  it("is one-sided: a quieter than usual stretch is not anomalous", () => {
    const g = makeSeries(1000, 6, (_i, e) => Math.abs(e));
    const l = new SurpriseLikelihood();
    for (const z of g.x) l.update(z);
    for (let i = 0; i < 100; i++) expect(l.update(0)).toBe(1);
  });

  it("keeps a fixed state size however long the stream", () => {
    const l = new SurpriseLikelihood();
    const before = l.stateSize();
    for (let i = 0; i < 100_000; i++) l.update((i * 7919) % 13 === 0 ? 5 : 0.3);
    expect(l.stateSize()).toBe(before);
    expect(Number.isFinite(l.average)).toBe(true);
  });
});

describe("RarityCalibrator", () => {
  it("falls back to the Gaussian tail with no history", () => {
    const r = new RarityCalibrator({ priorWeight: 10 });
    expect(r.tail(3)).toBeCloseTo(gaussianTwoSidedTail(3), 6);
    expect(gaussianTwoSidedTail(1.959964)).toBeCloseTo(0.05, 4);
  });

  it("learns that a recurring surprise is common, while a new extreme stays rare", () => {
    const r = new RarityCalibrator({ horizon: 1000, priorWeight: 10 });
    for (let i = 0; i < 2000; i++) r.add(i % 50 === 0 ? 6 : 0.5);
    // one sample in 50 reaches 6: a surprise of 5 is a ~2 % event here, not the Gaussian 6e-7
    expect(r.tail(5)).toBeGreaterThan(0.01);
    expect(r.tail(5)).toBeLessThan(0.05);
    expect(r.tail(30)).toBeLessThan(1e-6);
    // monotone in z
    let prev = 1;
    for (let z = 0.5; z < 2000; z *= 1.01) {
      const p = r.tail(z);
      expect(p).toBeLessThanOrEqual(prev + 1e-15);
      prev = p;
    }
  });

  it("learns recurring surprises beyond the last bin edge too (open-ended last bin)", () => {
    const r = new RarityCalibrator({ horizon: 1000, priorWeight: 10, bins: 10, growth: 2 });
    // edges 1, 2, ..., 512: 5000 is off the scale, yet one sample in 20 is that extreme
    for (let i = 0; i < 2000; i++) r.add(i % 20 === 0 ? 5000 : 0.5);
    expect(r.tail(5000)).toBeGreaterThan(0.03);
    expect(r.tail(1e6)).toBeCloseTo(r.tail(5000), 12);
  });

  it("keeps -log10 p finite for extreme statistics", () => {
    const r = new RarityCalibrator({ prior: "exponential", priorRate: 1 });
    expect(Number.isFinite(-Math.log10(r.tail(1e9)))).toBe(true);
  });
});
