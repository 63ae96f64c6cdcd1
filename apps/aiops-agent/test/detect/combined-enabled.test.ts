import { describe, expect, it } from "vitest";
import {
  ALL_MODELS_ENABLED,
  CombinedDetector,
  DEFAULT_DETECTOR_PARAMS,
  DetectorParamError,
  type EnabledModels,
  combinedTestCount,
} from "../../src/detect/index.js";
import { PER_DAY, type Series, daily, makeSeries } from "../helpers/synth.js";

const P = DEFAULT_DETECTOR_PARAMS;
/** Anomaly onset, after the seasonal model's warm-up. */
const A = 3 * PER_DAY;
const N = 4 * PER_DAY;

const detector = (enabled: Partial<EnabledModels>) => new CombinedDetector({ ...P, enabled });

interface Trace {
  raw: number[];
  logP: number[];
  decidedBy: string[];
  alert: boolean[];
}

function trace(s: Series, det: CombinedDetector): Trace {
  const t: Trace = { raw: [], logP: [], decidedBy: [], alert: [] };
  for (let i = 0; i < s.x.length; i++) {
    det.update(s.t[i] ?? 0, s.x[i] ?? 0);
    t.raw.push(det.last.raw);
    t.logP.push(det.last.logP);
    t.decidedBy.push(det.last.decidedBy);
    t.alert.push(det.last.alert);
  }
  return t;
}

const alertsIn = (t: Trace, from: number, to: number) => t.alert.slice(from, to).filter(Boolean).length;

describe("CombinedDetector enabled: the Bonferroni count", () => {
  it("counts point + likelihood while a point model is on, plus CUSUM and flatline", () => {
    const cases: [Partial<EnabledModels>, number][] = [
      [{}, 4],
      [{ seasonal: false }, 4],
      [{ adaptive: false }, 4],
      [{ cusum: false }, 3],
      [{ cusum: false, flatline: false }, 2],
      [{ adaptive: false, seasonal: false }, 2],
      [{ adaptive: false, seasonal: false, cusum: false }, 1],
      [{ adaptive: false, seasonal: false, flatline: false }, 1],
    ];
    for (const [enabled, n] of cases) {
      expect(combinedTestCount({ ...ALL_MODELS_ENABLED, ...enabled }), JSON.stringify(enabled)).toBe(n);
      expect(detector(enabled).testCount, JSON.stringify(enabled)).toBe(n);
    }
    expect(new CombinedDetector().enabled).toEqual(ALL_MODELS_ENABLED);
  });

  it("divides only by the enabled tests: the same point p-value loses log10(3/2) with a third test on", () => {
    // the flatline test cannot decide a spike (activity rises), so both detectors see the same point p-value
    const s = makeSeries(N, 3, (i, e) => 10 + e + (i === A ? 7 : 0));
    const two = trace(s, detector({ seasonal: false, cusum: false, flatline: false }));
    const three = trace(s, detector({ seasonal: false, cusum: false }));
    expect(two.decidedBy[A]).toBe("point");
    expect(three.decidedBy[A]).toBe("point");
    expect(three.logP[A]).toBeGreaterThan(0);
    expect((two.logP[A] ?? 0) - (three.logP[A] ?? 0)).toBeCloseTo(Math.log10(3 / 2), 10);
  });
});

describe("CombinedDetector enabled: a disabled model contributes nothing", () => {
  it("flatline off: a frozen noisy series no longer alerts, and the flatline component reads NaN", () => {
    const frozen = makeSeries(N, 6, (i, e) => (i >= A ? 10 : 10 + e));
    const on = trace(frozen, detector({}));
    const offDet = detector({ flatline: false });
    const off = trace(frozen, offDet);
    expect(alertsIn(on, A, A + 80)).toBeGreaterThan(0);
    expect(on.decidedBy.slice(A, A + 80)).toContain("flatline");
    expect(alertsIn(off, A, N)).toBe(0);
    expect(off.decidedBy).not.toContain("flatline");
    expect(offDet.last.flatline).toBeNaN();
  });

  it("CUSUM off: a slow +1.5 sigma level shift that only the CUSUM sees no longer alerts", () => {
    const s = makeSeries(N, 2, (i, e) => 10 + e + (i >= A ? 1.5 : 0));
    const on = trace(s, detector({}));
    const offDet = detector({ cusum: false });
    const off = trace(s, offDet);
    expect(on.decidedBy.slice(A, A + 100)).toContain("cusum");
    expect(alertsIn(on, A, A + 100)).toBeGreaterThan(0);
    expect(alertsIn(off, A, A + 100)).toBe(0);
    expect(off.decidedBy).not.toContain("cusum");
    expect(offDet.last.cusumS).toBeNaN();
  });

  it("seasonal off: a missing daily peak (within the series' overall range) no longer alerts", () => {
    const s = makeSeries(N, 4, (i, e) => (i >= A + 60 && i < A + 84 ? 50 + e : daily(i, e)));
    const on = trace(s, detector({}));
    const offDet = detector({ seasonal: false });
    const off = trace(s, offDet);
    expect(alertsIn(on, A + 60, A + 84)).toBeGreaterThan(0);
    expect(alertsIn(off, A + 60, A + 84)).toBe(0);
    expect(offDet.last.seasonalZ).toBeNaN();
  });

  it("adaptive off: a spike before the seasonal model is ready scores 0 (nothing runs yet); after, the seasonal model catches one", () => {
    const early = PER_DAY;
    const s = makeSeries(N, 4, (i, e) => 10 + e + (i === early ? 8 : i === A ? 20 : 0));
    const on = trace(s, detector({}));
    const offDet = detector({ adaptive: false });
    const off = trace(s, offDet);
    expect(on.alert[early]).toBe(true);
    expect(Math.max(...off.raw.slice(0, P.seasonal.warmupPeriods * PER_DAY))).toBe(0);
    expect(off.alert[A]).toBe(true);
    expect(offDet.last.adaptiveZ).toBeNaN();
  });

  it("CUSUM and flatline alone (no point model): a spike is not flagged, a level shift is", () => {
    const spike = trace(makeSeries(N, 5, (i, e) => 10 + e + (i === A ? 10 : 0)), detector({ adaptive: false, seasonal: false }));
    expect(spike.alert[A]).toBe(false);
    const shift = trace(makeSeries(N, 5, (i, e) => 10 + e + (i >= A ? 3 : 0)), detector({ adaptive: false, seasonal: false }));
    expect(alertsIn(shift, A, A + 60)).toBeGreaterThan(0);
    expect(shift.decidedBy.slice(A, A + 60)).toContain("cusum");
  });

  it("disabled models are not run: smaller state", () => {
    expect(detector({ seasonal: false }).stateSize()).toBeLessThan(new CombinedDetector().stateSize());
    expect(detector({ cusum: false, flatline: false }).stateSize()).toBeLessThan(new CombinedDetector().stateSize());
  });
});

describe("CombinedDetector enabled: validation", () => {
  it("rejects every model off with a typed error naming `enabled`", () => {
    const none = { adaptive: false, seasonal: false, cusum: false, flatline: false };
    expect(() => detector(none)).toThrow(DetectorParamError);
    try {
      detector(none);
    } catch (e) {
      expect((e as DetectorParamError).param).toBe("enabled");
    }
    expect(() => detector({ cusum: "no" as unknown as boolean })).toThrow(/enabled\.cusum/);
  });
});
