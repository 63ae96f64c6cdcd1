import { AdaptiveDetector } from "./adaptive.js";
import { CusumDetector } from "./cusum.js";
import { checkInt, checkRange } from "./errors.js";
import { FlatlineDetector } from "./flatline.js";
import { SurpriseLikelihood } from "./likelihood.js";
import type { DetectorParams } from "./params.js";
import { DEFAULT_DETECTOR_PARAMS } from "./params.js";
import { RarityCalibrator } from "./rarity.js";
import { SeasonalDetector } from "./seasonal.js";

/** The tests {@link CombinedDetector} combines; `none` for a non-finite sample. */
export type CombinedTest = "point" | "cusum" | "flatline" | "likelihood" | "none";

/** Per-component view of the last sample, mutated in place by every update (copy it to keep it). */
export interface CombinedComponents {
  /** Adaptive (EWMA/MAD) surprise, sigma units. */
  adaptiveZ: number;
  /** Seasonal surprise, sigma units (`NaN` while the seasonal model warms up). */
  seasonalZ: number;
  /** Point surprise actually used (seasonal, adaptive, or their minimum), sigma units. */
  pointZ: number;
  /** CUSUM statistic, sigma units. */
  cusumS: number;
  /** Flatline statistic (halvings of activity). */
  flatline: number;
  /** Standardised short-term average of the point surprise (the likelihood test's statistic; 0 while it warms up). */
  likelihoodZ: number;
  /** The test with the smallest tail probability, i.e. the one that decided {@link logP}. */
  decidedBy: CombinedTest;
  /** `-log10` of the Bonferroni-combined tail probability. */
  logP: number;
  /** Score before hold-down, [0, 1]. */
  raw: number;
  /** Whether this sample opened a new anomaly event. */
  event: boolean;
  /** Whether `raw >= params.alertThreshold` (the agent's alert condition). */
  alert: boolean;
}

/** log10 of the number of tests combined (point, CUSUM, flatline, likelihood) — the Bonferroni correction. */
const LOG10_TESTS = Math.log10(4);

/**
 * The production per-series anomaly scorer.
 *
 * 1. **Point test** — the {@link AdaptiveDetector} and, once warm, the {@link SeasonalDetector} score the
 *    one-step-ahead residual. If the seasonal model explains the series clearly better (residual scale <
 *    `seasonalSelectRatio` × adaptive scale) it decides alone; otherwise a point is surprising only if it
 *    surprises both (minimum) — the consensus Netdata uses ("anomaly bit" set only when all models agree,
 *    https://learn.netdata.cloud/docs/machine-learning-and-anomaly-detection).
 * 2. **Shift test** — a {@link CusumDetector} on the standardised residual of the model in use.
 * 3. **Flatline test** — a {@link FlatlineDetector}.
 * 4. **Likelihood test** — a {@link SurpriseLikelihood} on the point surprise: the short-term average of
 *    the surprises against its own long-run normal fit (Numenta's anomaly likelihood, Ahmad et al. 2017),
 *    which catches bursts of moderately surprising samples (spikes coming closer together, a noisy regime)
 *    that no single sample makes extreme.
 * 5. **Calibration** — the point, CUSUM and flatline statistics are turned into tail probabilities under
 *    *this series' own history* by a {@link RarityCalibrator} each (with its null tail as prior); the
 *    likelihood test yields its own tail probability. The four are combined with a Bonferroni bound
 *    `p = 4·min(pᵢ)`, and `score = L/(L+halfLog10)` with `L = -log10 p`. Thresholds on the score are
 *    therefore comparable across series of any unit or noise level.
 * 6. **Hold-down** — the first score ≥ `eventThreshold` opens an event and the next `holdDownSamples`
 *    scores are multiplied by `holdDownFactor`; the hold-down is prolonged while the raw score stays ≥
 *    `eventThreshold` (the incident is still going on). One early report per incident, which is what the
 *    Numenta Anomaly Benchmark rewards (Lavin & Ahmad 2015, arXiv:1510.03336) and what on-call people want.
 *
 * Streaming and causal, no clock read (timestamps in ms are passed in), O(1) memory per series
 * ({@link stateSize} is fixed at construction). Non-finite values are ignored by every model and counted.
 *
 * @throws {DetectorParamError} for out-of-range parameters.
 */
export class CombinedDetector {
  private readonly p: DetectorParams;
  private readonly adaptive: AdaptiveDetector;
  private readonly seasonal: SeasonalDetector;
  private readonly cusum: CusumDetector;
  private readonly flat: FlatlineDetector;
  private readonly pointRarity: RarityCalibrator;
  private readonly cusumRarity: RarityCalibrator;
  private readonly flatRarity: RarityCalibrator;
  private readonly likelihood: SurpriseLikelihood;
  private readonly weekly: SeasonalDetector | undefined;
  private holdLeft = 0;
  /** Samples seen so far (finite or not). */
  samples = 0;
  /** Number of anomaly events opened. */
  events = 0;
  /** Components of the last sample (mutated in place). */
  readonly last: CombinedComponents = {
    adaptiveZ: 0,
    seasonalZ: Number.NaN,
    pointZ: 0,
    cusumS: 0,
    flatline: 0,
    likelihoodZ: 0,
    decidedBy: "none",
    logP: 0,
    raw: 0,
    event: false,
    alert: false,
  };

  constructor(params: Readonly<DetectorParams> = DEFAULT_DETECTOR_PARAMS) {
    this.p = params;
    const name = "CombinedDetector";
    checkRange(name, "seasonalSelectRatio", params.seasonalSelectRatio, 0, 1e6);
    checkRange(name, "halfLog10", params.halfLog10, 1e-6, 1e6);
    checkRange(name, "eventThreshold", params.eventThreshold, 0, 1);
    checkRange(name, "alertThreshold", params.alertThreshold, 0, 1);
    checkInt(name, "holdDownSamples", params.holdDownSamples, 0, 1e9);
    checkRange(name, "holdDownFactor", params.holdDownFactor, 0, 1);
    this.adaptive = new AdaptiveDetector(params.adaptive);
    this.seasonal = new SeasonalDetector(params.seasonal);
    this.cusum = new CusumDetector(params.cusum);
    this.weekly = params.weekly ? new SeasonalDetector(params.weekly) : undefined;
    this.flat = new FlatlineDetector(params.flatline);
    this.pointRarity = new RarityCalibrator({ ...params.rarity, prior: "gaussian" });
    // stationary CUSUM tail under the null is ≈ exp(-2k·s) (Siegmund 1985)
    this.cusumRarity = new RarityCalibrator({ ...params.rarity, prior: "exponential", priorRate: 2 * params.cusum.k });
    this.likelihood = new SurpriseLikelihood(params.likelihood);
    this.flatRarity = new RarityCalibrator({
      ...params.rarity,
      prior: "exponential",
      priorRate: params.flatline.nullTailRate,
    });
  }

  /** Non-finite samples seen (ignored by every component). */
  get invalidPoints(): number {
    return this.adaptive.invalidPoints;
  }

  /**
   * Scores `x` observed at `t` ms (non-decreasing) and returns the anomaly score in [0, 1] (after
   * hold-down). Details of the sample are in {@link last}.
   */
  update(t: number, x: number): number {
    this.samples += 1;
    const finite = Number.isFinite(x);
    this.adaptive.update(t, x);
    this.seasonal.update(t, x);
    let seasonalReady = this.seasonal.readyAt(t);
    let best = this.seasonal;
    if (this.weekly) {
      this.weekly.update(t, x);
      if (this.weekly.readyAt(t) && (!seasonalReady || this.weekly.residualScale < this.seasonal.residualScale)) {
        best = this.weekly;
        seasonalReady = true;
      }
    }
    let pointZ = this.adaptive.z;
    let residual = this.adaptive.residual;
    if (seasonalReady) {
      if (best.residualScale < this.p.seasonalSelectRatio * this.adaptive.scale) {
        pointZ = best.z;
        residual = best.residual;
      } else {
        pointZ = Math.min(pointZ, best.z);
      }
    }
    this.cusum.updateStandardized(t, finite ? residual : Number.NaN);
    this.flat.update(t, x);

    let logP = 0;
    let decidedBy: CombinedTest = "none";
    if (finite) {
      const s = this.cusum.statistic;
      const f = this.flat.statistic;
      // p-values before the sample joins the history (causal), then the history is updated
      let pMin = this.pointRarity.observe(pointZ);
      decidedBy = "point";
      const pCusum = this.cusumRarity.observe(s);
      if (pCusum < pMin) {
        pMin = pCusum;
        decidedBy = "cusum";
      }
      const pFlat = this.flatRarity.observe(f);
      if (pFlat < pMin) {
        pMin = pFlat;
        decidedBy = "flatline";
      }
      const pLikelihood = this.likelihood.update(pointZ);
      if (pLikelihood < pMin) {
        pMin = pLikelihood;
        decidedBy = "likelihood";
      }
      logP = Math.max(0, -Math.log10(pMin) - LOG10_TESTS);
    }
    const raw = logP / (logP + this.p.halfLog10);

    const l = this.last;
    l.adaptiveZ = this.adaptive.z;
    l.seasonalZ = seasonalReady ? this.seasonal.z : Number.NaN;
    l.pointZ = pointZ;
    l.cusumS = this.cusum.statistic;
    l.flatline = this.flat.statistic;
    l.likelihoodZ = this.likelihood.z;
    l.decidedBy = decidedBy;
    l.logP = logP;
    l.raw = raw;
    l.event = false;
    l.alert = raw >= this.p.alertThreshold;
    if (this.holdLeft > 0) {
      this.holdLeft -= 1;
      // the incident lasts while the score stays at the event level: the hold-down cannot end inside it
      if (this.holdLeft === 0 && raw >= this.p.eventThreshold) this.holdLeft = 1;
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
    return (
      this.adaptive.stateSize() +
      this.seasonal.stateSize() +
      this.cusum.stateSize() +
      this.flat.stateSize() +
      this.pointRarity.stateSize() +
      this.cusumRarity.stateSize() +
      this.flatRarity.stateSize() +
      this.likelihood.stateSize() +
      4
    );
  }
}
