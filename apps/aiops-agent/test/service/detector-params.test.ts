import { AIOPS_ALERT_SCORE_THRESHOLD, parseConfig } from "@soc/config";
import { describe, expect, it } from "vitest";
import type { Series as HostSeries } from "../../src/collect/types.js";
import { CombinedDetector } from "../../src/detect/combined.js";
import { DEFAULT_DETECTOR_PARAMS } from "../../src/detect/params.js";
import { DetectionEngine } from "../../src/service/detection.js";
import { ALL_MODELS, type ModelSwitches, modelSwitchWarnings, serviceDetectorParams } from "../../src/service/detector-params.js";
import { PER_DAY, type Series, makeSeries } from "../helpers/synth.js";

const OFF = (k: keyof ModelSwitches): ModelSwitches => ({ ...ALL_MODELS, [k]: false });
/** Anomaly onset, after the seasonal model's two-day warm-up. */
const A = 3 * PER_DAY;
const N = 4 * PER_DAY;

interface Trace {
  raw: number[];
  adaptiveZ: number[];
  seasonalZ: number[];
  cusumS: number[];
  flatline: number[];
  alert: boolean[];
}

function trace(s: Series, det: CombinedDetector): Trace {
  const t: Trace = { raw: [], adaptiveZ: [], seasonalZ: [], cusumS: [], flatline: [], alert: [] };
  for (let i = 0; i < s.x.length; i++) {
    det.update(s.t[i] ?? 0, s.x[i] ?? 0);
    t.raw.push(det.last.raw);
    t.adaptiveZ.push(det.last.adaptiveZ);
    t.seasonalZ.push(det.last.seasonalZ);
    t.cusumS.push(det.last.cusumS);
    t.flatline.push(det.last.flatline);
    t.alert.push(det.last.alert);
  }
  return t;
}

const max = (xs: readonly number[], from = 0, to = xs.length) => Math.max(...xs.slice(from, to));
const detector = (models: ModelSwitches) => new CombinedDetector(serviceDetectorParams(DEFAULT_DETECTOR_PARAMS.alertThreshold, models));

describe("one alert threshold", () => {
  it("the config default is the production detector's alertThreshold (change both together)", () => {
    expect(AIOPS_ALERT_SCORE_THRESHOLD).toBe(DEFAULT_DETECTOR_PARAMS.alertThreshold);
    expect(parseConfig({ version: 1, project: { name: "x" } }).apps.aiopsAgent.detectors.scoreThreshold).toBe(DEFAULT_DETECTOR_PARAMS.alertThreshold);
  });

  it("the configured threshold replaces the detector's alertThreshold and nothing else when every model is on", () => {
    const p = serviceDetectorParams(0.8);
    expect(p).toEqual({ ...DEFAULT_DETECTOR_PARAMS, alertThreshold: 0.8 });
    expect(() => serviceDetectorParams(1.2)).toThrow(RangeError);
  });

  it("CombinedDetector.last.alert follows the configured threshold", () => {
    const s = makeSeries(N, 5, (i, e) => 10 + e + (i === A ? 6 : 0));
    for (const thr of [0.3, 0.65, 0.95]) {
      const t = trace(s, new CombinedDetector(serviceDetectorParams(thr)));
      t.raw.forEach((r, i) => expect(t.alert[i], `threshold ${thr}, sample ${i}`).toBe(r >= thr));
    }
  });

  it("DetectionEngine flags a series exactly when its raw score reaches scoreThreshold (after warm-up)", () => {
    const s = makeSeries(N, 9, (i, e) => 10 + e + (i === A ? 5 : 0));
    const hostSeries = (value: number): HostSeries => ({ name: "soc_node_load1", labels: {}, value, kind: "gauge", scored: true, source: "load" });
    for (const thr of [0.5, 0.65, 0.9]) {
      const engine = new DetectionEngine({ scoreThreshold: thr, warmupSamples: 0, holdDownSamples: 0 });
      expect(engine.detectorParams.alertThreshold).toBe(thr);
      s.x.forEach((x, i) => {
        const { scores } = engine.evaluate([hostSeries(x)], s.t[i] ?? 0);
        expect(scores[0]!.anomalous, `threshold ${thr}, sample ${i}`).toBe(scores[0]!.score >= thr);
      });
    }
  });
});

describe("detectors.adaptive / seasonal / changePoint, each on its own", () => {
  it("maps the switches onto CombinedDetector's enabled models (changePoint = CUSUM + flatline) and changes nothing else", () => {
    const p = serviceDetectorParams(0.65, OFF("changePoint"));
    expect(p.enabled).toEqual({ adaptive: true, seasonal: true, cusum: false, flatline: false });
    expect({ ...p, enabled: undefined }).toEqual({ ...DEFAULT_DETECTOR_PARAMS, alertThreshold: 0.65, enabled: undefined });
    expect(new CombinedDetector(p).testCount).toBe(2);
    // a model the base set already disables stays off
    const base = { ...DEFAULT_DETECTOR_PARAMS, enabled: { flatline: false } };
    expect(serviceDetectorParams(0.65, OFF("seasonal"), base).enabled).toEqual({ adaptive: true, seasonal: false, cusum: true, flatline: false });
  });

  it("seasonal off: the seasonal model never decides (seasonalZ stays NaN) while the adaptive point test still catches a spike", () => {
    const s = makeSeries(N, 2, (i, e) => 10 + e + (i === A ? 8 : 0));
    const on = trace(s, detector(ALL_MODELS));
    const off = trace(s, detector(OFF("seasonal")));
    expect(on.seasonalZ.slice(A).every(Number.isFinite)).toBe(true);
    expect(off.seasonalZ.every(Number.isNaN)).toBe(true);
    expect(off.alert[A]).toBe(true);
    expect(serviceDetectorParams(0.65, OFF("seasonal")).enabled).toEqual({ adaptive: true, seasonal: false, cusum: true, flatline: true });
  });

  it("adaptive off: nothing scores until the seasonal model has learnt two days; then the seasonal model alone catches a spike", () => {
    const early = PER_DAY; // before the seasonal warm-up ends
    // the seasonal model's per-bucket scales are wide after only a few days, so the late spike is larger
    const s = makeSeries(N, 4, (i, e) => 10 + e + (i === early ? 8 : i === A ? 20 : 0));
    const on = trace(s, detector(ALL_MODELS));
    const off = trace(s, detector(OFF("adaptive")));
    expect(on.alert[early]).toBe(true);
    expect(off.adaptiveZ.every(Number.isNaN)).toBe(true);
    expect(max(off.raw, 0, 2 * PER_DAY)).toBe(0);
    expect(off.alert[A]).toBe(true);
  });

  it("changePoint off: CUSUM and flatline stay silent, so a frozen series no longer alerts; a spike still does", () => {
    const frozen = makeSeries(N, 6, (i, e) => (i >= A ? 10 : 10 + e));
    const on = trace(frozen, detector(ALL_MODELS));
    const off = trace(frozen, detector(OFF("changePoint")));
    expect(on.alert.slice(A, A + 80)).toContain(true);
    expect(max(on.flatline, A)).toBeGreaterThan(0);
    expect(off.cusumS.every(Number.isNaN)).toBe(true);
    expect(off.flatline.every(Number.isNaN)).toBe(true);
    expect(off.alert.slice(A)).not.toContain(true);
    const spike = trace(makeSeries(N, 6, (i, e) => 10 + e + (i === A ? 8 : 0)), detector(OFF("changePoint")));
    expect(spike.alert[A]).toBe(true);
  });

  it("DetectionEngine: all off scores nothing (static rules only); any one on scores; changePoint alone is warned about", () => {
    const none = { adaptive: false, seasonal: false, changePoint: false };
    expect(new DetectionEngine({ scoreThreshold: 0.65, models: none }).scoresSeries).toBe(false);
    for (const k of ["adaptive", "seasonal", "changePoint"] as const) {
      const engine = new DetectionEngine({ scoreThreshold: 0.65, models: { ...none, [k]: true } });
      expect(engine.scoresSeries).toBe(true);
      expect(engine.detectorParams).toEqual(serviceDetectorParams(0.65, { ...none, [k]: true }));
    }
    expect(modelSwitchWarnings({ ...none, changePoint: true })).toHaveLength(1);
    expect(modelSwitchWarnings(ALL_MODELS)).toEqual([]);
    expect(modelSwitchWarnings(OFF("adaptive"))).toEqual([]);
  });
});
