import { AdaptiveDetector } from "./adaptive.js";
import { CusumDetector } from "./cusum.js";
import { checkInt, checkRange } from "./errors.js";
import type { DetectorParams } from "./params.js";
import { DEFAULT_DETECTOR_PARAMS } from "./params.js";
import { RarityCalibrator } from "./rarity.js";
import { SeasonalDetector } from "./seasonal.js";
import { surpriseToScore } from "./stats.js";

/** Per-component view of the last sample, reused between calls (do not keep a reference). */
export interface CombinedComponents {
  /** Adaptive (EWMA/MAD) surprise, sigma units. */
  adaptiveZ: number;
  /** Seasonal surprise, sigma units (`NaN` while the seasonal model warms up). */
  seasonalZ: number;
  /** CUSUM statistic, sigma units. */
  cusumS: number;
  /** Score before hold-down, [0, 1]. */
  raw: number;
  /** Whether this sample opened a new anomaly event. */
  event: boolean;
  /** Whether `raw >= params.alertThreshold` (the agent's alert condition). */
  alert: boolean;
}

/**
 * The production per-series anomaly scorer: a consensus of the {@link AdaptiveDetector} and the
 * {@link SeasonalDetector} for point anomalies (a sample is surprising only if it is surprising to
 * both — once the seasonal model is warm — as Netdata flags a point only when all its models agree,
 * https://learn.netdata.cloud/docs/machine-learning-and-anomaly-detection), or-ed with the
 * {@link CusumDetector} for sustained shifts, followed by an alert hold-down: the first sample at or above
 * `eventThreshold` opens an event and the next `holdDownSamples` scores are multiplied by
 * `holdDownFactor`. This rewards the early first detection and punishes repeated alarms, which is what the
 * Numenta Anomaly Benchmark scores (Lavin & Ahmad 2015, "Evaluating Real-time Anomaly Detection
 * Algorithms — the Numenta Anomaly Benchmark", arXiv:1510.03336) and what on-call people want.
 *
 * Streaming and causal, no clock read (timestamps in ms are passed in), O(1) memory per series.
 *
 * @throws {DetectorParamError} for out-of-range parameters.
 */
export class CombinedDetector {
  private readonly p: DetectorParams;
  private readonly adaptive: AdaptiveDetector;
  private readonly seasonal: SeasonalDetector;
  private readonly cusum: CusumDetector;
  private readonly rarity: RarityCalibrator;
  private readonly cusumRarity: RarityCalibrator;
  private readonly flatRarity: RarityCalibrator;
  private flatN = 0;
  private flatPrev = 0;
  private flatShort = 0;
  private flatLong = 0;
  private holdLeft = 0;
  /** Samples scored so far (finite or not). */
  samples = 0;
  /** Components of the last sample (mutated in place). */
  readonly last: CombinedComponents = { adaptiveZ: 0, seasonalZ: Number.NaN, cusumS: 0, raw: 0, event: false, alert: false };
  /** Number of anomaly events opened. */
  events = 0;

  constructor(params: DetectorParams = DEFAULT_DETECTOR_PARAMS) {
    this.p = params;
    checkRange("CombinedDetector", "zHalf", params.zHalf, 1e-6, 1e6);
    checkRange("CombinedDetector", "eventThreshold", params.eventThreshold, 0, 1);
    checkRange("CombinedDetector", "alertThreshold", params.alertThreshold, 0, 1);
    checkInt("CombinedDetector", "holdDownSamples", params.holdDownSamples, 0, 1e9);
    checkRange("CombinedDetector", "holdDownFactor", params.holdDownFactor, 0, 1);
    this.adaptive = new AdaptiveDetector(params.adaptive);
    this.seasonal = new SeasonalDetector(params.seasonal);
    this.cusum = new CusumDetector(params.cusum);
    this.rarity = new RarityCalibrator(params.rarity);
    this.cusumRarity = new RarityCalibrator({ ...params.rarity, prior: "exponential", priorRate: 2 * params.cusum.k });
    this.flatRarity = new RarityCalibrator({ ...params.rarity, prior: "exponential", priorRate: params.flat.priorRate });
  }

  /** Non-finite samples seen (ignored by every component). */
  get invalidPoints(): number {
    return this.adaptive.invalidPoints;
  }

  /** Scores `x` observed at `t` ms; returns the combined anomaly score in [0, 1]. */
  update(t: number, x: number): number {
    this.samples += 1;
    this.adaptive.update(t, x);
    this.seasonal.update(t, x);
    const za = this.adaptive.z;
    const seasonalReady = this.seasonal.readyAt(t);
    const zs = seasonalReady ? this.seasonal.z : Number.NaN;
    let zPoint = za;
    let residual = this.adaptive.residual;
    if (seasonalReady) {
      if (this.seasonal.residualScale < this.p.seasonalSelectRatio * this.adaptive.scale) {
        zPoint = zs;
        residual = this.seasonal.residual;
      } else if (this.p.pointMode === "min") zPoint = Math.min(za, zs);
    }
    // CUSUM runs on the standardised one-step-ahead residual of the model in use
    if (this.p.residualCusum) this.cusum.updateStandardized(t, Number.isFinite(x) ? residual : Number.NaN);
    else this.cusum.update(t, x);
    let raw: number;
    if (this.p.calibration === "rarity") {
      // each test is calibrated against its own history, then Bonferroni-combined (2 tests)
      const logPPoint = -Math.log10(this.rarity.tail(zPoint));
      this.rarity.add(zPoint);
      const s = this.cusum.statistic;
      const logPCusum = this.p.cusumAlarmZ > 0 ? -Math.log10(this.cusumRarity.tail(s)) : 0;
      this.cusumRarity.add(s);
      let logPFlat = 0;
      const fl = this.p.flat;
      if (fl.weight > 0 && Number.isFinite(x)) {
        if (this.flatN > 0) {
          const dlt = Math.abs(x - this.flatPrev);
          this.flatShort += fl.shortAlpha * (dlt - this.flatShort);
          this.flatLong += Math.max(fl.longAlpha, 1 / this.flatN) * (dlt - this.flatLong);
        }
        this.flatPrev = x;
        this.flatN += 1;
        const stat = this.flatN > fl.warmup && this.flatLong > 0 ? Math.log2(this.flatLong / Math.max(this.flatShort, this.flatLong * 1e-6)) : 0;
        const st = Math.max(0, stat);
        logPFlat = fl.weight * -Math.log10(this.flatRarity.tail(st));
        this.flatRarity.add(st);
      }
      const logP = Math.max(0, Math.max(logPPoint, logPCusum, logPFlat) - Math.log10(3));
      raw = logP / (logP + this.p.halfLog10);
    } else {
      const zCusum = (this.cusum.statistic / this.p.cusum.h) * this.p.cusumAlarmZ;
      raw = surpriseToScore(Math.max(zPoint, zCusum), this.p.zHalf);
    }
    const l = this.last;
    l.adaptiveZ = za;
    l.seasonalZ = zs;
    l.cusumS = this.cusum.statistic;
    l.raw = raw;
    l.event = false;
    l.alert = raw >= this.p.alertThreshold;
    if (this.holdLeft > 0) {
      this.holdLeft -= 1;
      return raw * this.p.holdDownFactor;
    }
    if (raw >= this.p.eventThreshold) {
      l.event = true;
      this.events += 1;
      this.holdLeft = this.p.holdDownSamples;
    }
    return raw;
  }

  /** Number of numeric state slots (constant for given params; for memory-bound checks). */
  stateSize(): number {
    return this.adaptive.stateSize() + this.seasonal.stateSize() + this.cusum.stateSize() + this.rarity.stateSize() + this.cusumRarity.stateSize() + 10;
  }
}
