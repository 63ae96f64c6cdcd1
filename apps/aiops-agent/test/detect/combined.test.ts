import { describe, expect, it } from "vitest";
import { CombinedDetector, DEFAULT_DETECTOR_PARAMS, DetectorParamError } from "../../src/detect/index.js";
import type { Series } from "../helpers/synth.js";
import { PER_DAY, daily, makeSeries } from "../helpers/synth.js";
import { numericSlots } from "../helpers/state.js";

const P = DEFAULT_DETECTOR_PARAMS;
/** Warm-up for alerting: the seasonal model needs `warmupPeriods` days. */
const WARMUP = P.seasonal.warmupPeriods * PER_DAY;
/** Anomaly onset. */
const A = 6 * PER_DAY;
const N = 8 * PER_DAY;
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

interface Run {
  scores: number[];
  raw: number[];
  alerts: number[];
}

function run(s: Series, det = new CombinedDetector()): Run {
  const out: Run = { scores: [], raw: [], alerts: [] };
  for (let i = 0; i < s.x.length; i++) {
    out.scores.push(det.update(s.t[i] ?? 0, s.x[i] ?? 0));
    out.raw.push(det.last.raw);
    if (det.last.alert) out.alerts.push(i);
  }
  return out;
}

/** Alerts raised in [from, to). */
const alertsIn = (r: Run, from: number, to: number) => r.alerts.filter((i) => i >= from && i < to);

const anomalies: { name: string; within: number; f: (i: number, e: number) => number }[] = [
  { name: "spike (8 sigma, one sample)", within: 1, f: (i, e) => 10 + e + (i === A ? 8 : 0) },
  { name: "level shift (+4 sigma)", within: 10, f: (i, e) => 10 + e + (i >= A ? 4 : 0) },
  { name: "trend change (+0.05 sigma/sample)", within: 80, f: (i, e) => 10 + e + (i >= A ? 0.05 * (i - A) : 0) },
  { name: "seasonal break (daily peak missing)", within: 40, f: (i, e) => (i >= A && i < A + 48 ? 50 : daily(i, e)) },
  { name: "flatline (noisy series freezes)", within: 80, f: (i, e) => (i >= A ? 10 : 10 + e) },
  // no single sample is extreme at first: the likelihood test sees the burst of moderate surprises
  // (without it the first alert comes 50-90 samples late on some seeds)
  { name: "noisy regime (noise sigma x3)", within: 20, f: (i, e) => 10 + e * (i >= A ? 3 : 1) },
];

describe("CombinedDetector on synthetic anomalies", () => {
  for (const a of anomalies) {
    it(`alerts on a ${a.name} within ${a.within} samples, and not before it`, () => {
      for (const seed of SEEDS) {
        const r = run(makeSeries(N, seed, a.f));
        const after = alertsIn(r, A, A + a.within);
        expect(after.length, `seed ${seed}`).toBeGreaterThan(0);
        expect(alertsIn(r, WARMUP, A), `seed ${seed}: false alert before the anomaly`).toEqual([]);
      }
    });
  }

  it("raises no alert on clean noisy series (flat and daily-seasonal) after warm-up", () => {
    for (const seed of SEEDS) {
      for (const f of [(_i: number, e: number) => 10 + e, (i: number, e: number) => daily(i, e, 2)]) {
        const r = run(makeSeries(N, seed, f));
        expect(alertsIn(r, WARMUP, N), `seed ${seed}`).toEqual([]);
      }
    }
  });

  it("reports one event per incident: the hold-down damps the scores after it", () => {
    const r = run(makeSeries(N, 3, (i, e) => 10 + e + (i >= A ? 6 : 0)));
    const det = new CombinedDetector();
    const s = makeSeries(N, 3, (i, e) => 10 + e + (i >= A ? 6 : 0));
    let eventsAfter = 0;
    for (let i = 0; i < s.x.length; i++) {
      det.update(s.t[i] ?? 0, s.x[i] ?? 0);
      if (i >= A && i < A + P.holdDownSamples && det.last.event) eventsAfter += 1;
    }
    expect(eventsAfter).toBe(1);
    const firstEvent = r.scores.findIndex((v, i) => i >= A && v >= P.eventThreshold);
    for (let i = firstEvent + 1; i <= firstEvent + P.holdDownSamples; i++) {
      expect(r.scores[i]).toBeCloseTo((r.raw[i] ?? 0) * P.holdDownFactor, 12);
    }
  });
});

describe("CombinedDetector likelihood test and event semantics", () => {
  it("decides a noisy regime by the likelihood test on some seeds, and says which test decided", () => {
    const deciders = new Set<string>();
    for (const seed of SEEDS) {
      const det = new CombinedDetector();
      const s = makeSeries(N, seed, (i, e) => 10 + e * (i >= A ? 3 : 1));
      for (let i = 0; i < N; i++) {
        det.update(s.t[i] ?? 0, s.x[i] ?? 0);
        if (i >= A && det.last.alert) {
          deciders.add(det.last.decidedBy);
          break;
        }
      }
    }
    expect(deciders.has("likelihood")).toBe(true);
    const det = new CombinedDetector();
    det.update(0, Number.NaN);
    expect(det.last.decidedBy).toBe("none");
  });

  it("keeps an incident open while its raw score stays at the event level (no second event inside it)", () => {
    // a +6 sigma shift that keeps the raw score high for longer than the hold-down
    const s = makeSeries(N, 5, (i, e) => 10 + e + (i >= A ? 6 + 0.2 * (i - A) : 0));
    const det = new CombinedDetector();
    const events: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < N; i++) {
      det.update(s.t[i] ?? 0, s.x[i] ?? 0);
      raw.push(det.last.raw);
      if (i >= A && det.last.event) events.push(i);
    }
    const first = events[0] ?? -1;
    expect(first).toBeGreaterThanOrEqual(A);
    // the raw score stays at the event level well past the hold-down …
    let end = first;
    while (end + 1 < N && (raw[end + 1] ?? 0) >= P.eventThreshold) end += 1;
    expect(end - first).toBeGreaterThan(P.holdDownSamples);
    // … and no second event is opened before it has dropped and the hold-down has run out after that
    expect(events.filter((i) => i > first && i <= end + 1)).toEqual([]);
  });
});

describe("CombinedDetector invariants", () => {
  it("always scores in [0, 1], including NaN, ±Infinity, huge and constant inputs", () => {
    const det = new CombinedDetector();
    const weird = [0, 0, 0, Number.NaN, 1e300, -1e300, Infinity, -Infinity, 5, 5, 5, 1e-300, 42];
    for (let i = 0; i < 5000; i++) {
      const v = i % 97 === 0 ? (weird[(i / 97) % weird.length] ?? 0) : Math.sin(i / 10) * 100;
      const s = det.update(i * 60_000, v);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
      expect(Number.isNaN(s)).toBe(false);
    }
    expect(det.invalidPoints).toBeGreaterThan(0);
  });

  it("is deterministic: same input, same scores, bit for bit", () => {
    const s = makeSeries(3 * PER_DAY, 9, (i, e) => daily(i, e) + (i === 700 ? 30 : 0));
    expect(run(s).scores).toEqual(run(s).scores);
  });

  it("keeps O(1) state: the same numeric slot count after 1k and 50k samples", () => {
    const det = new CombinedDetector();
    const s = makeSeries(50_000, 4, (i, e) => daily(i, e) + (i % 5000 === 0 ? 40 : 0));
    let at1k = 0;
    let size1k = 0;
    for (let i = 0; i < s.x.length; i++) {
      det.update(s.t[i] ?? 0, s.x[i] ?? 0);
      if (i === 999) {
        at1k = numericSlots(det);
        size1k = det.stateSize();
      }
    }
    expect(at1k).toBeGreaterThan(0);
    expect(numericSlots(det)).toBe(at1k);
    expect(det.stateSize()).toBe(size1k);
  });

  it("rejects invalid parameters with a typed error", () => {
    expect(() => new CombinedDetector({ ...P, eventThreshold: 2 })).toThrow(DetectorParamError);
    expect(() => new CombinedDetector({ ...P, holdDownSamples: -1 })).toThrow(/holdDownSamples/);
  });

  it("exposes one frozen production parameter set", () => {
    expect(Object.isFrozen(DEFAULT_DETECTOR_PARAMS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_DETECTOR_PARAMS.seasonal)).toBe(true);
  });
});
