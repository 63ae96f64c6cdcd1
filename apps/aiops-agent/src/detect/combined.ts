import { AdaptiveDetector } from "./adaptive.js";
import { CusumDetector } from "./cusum.js";
import { DetectorParamError, checkInt, checkRange } from "./errors.js";
import { FlatlineDetector } from "./flatline.js";
import { SurpriseLikelihood } from "./likelihood.js";
import type { DetectorParams, EnabledModels } from "./params.js";
import { ALL_MODELS_ENABLED, DEFAULT_DETECTOR_PARAMS } from "./params.js";
import { RarityCalibrator, gaussianTwoSidedTail } from "./rarity.js";
import { SeasonalDetector } from "./seasonal.js";

/** `z` with `gaussianTwoSidedTail(z) = p` (bisection, 50 steps; only on the rare samples that need it). */
function gaussianTwoSidedTailInverse(p: number): number {
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (gaussianTwoSidedTail(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The tests {@link CombinedDetector} combines; `none` for a non-finite sample. */
export type CombinedTest = "point" | "cusum" | "flatline" | "likelihood" | "none";

/**
 * Per-component view of the last sample, mutated in place by every update (copy it to keep it).
 * A component whose model is disabled ({@link DetectorParams.enabled}) reads `NaN`.
 */
export interface CombinedComponents {
  /** Adaptive (EWMA/MAD) surprise, sigma units (`NaN` when the adaptive model is disabled). */
  adaptiveZ: number;
  /** Seasonal surprise, sigma units (`NaN` while the seasonal model warms up or when it is disabled). */
  seasonalZ: number;
  /** Point surprise actually used (seasonal, adaptive, or their minimum), sigma units (`NaN` while no point model is ready). */
  pointZ: number;
  /** CUSUM statistic, sigma units (`NaN` when disabled). */
  cusumS: number;
  /** Flatline statistic (halvings of activity; `NaN` when disabled). */
  flatline: number;
  /** Standardised short-term average of the point surprise (the likelihood test's statistic; 0 while it warms up, `NaN` without a point model). */
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

/**
 * Number of statistical tests {@link CombinedDetector} combines for a set of enabled models — the
 * Bonferroni count: point + likelihood when the adaptive or the seasonal model is on (the likelihood test
 * is built on the point surprise), plus one each for CUSUM and flatline. 4 with everything on.
 */
export function combinedTestCount(enabled: Readonly<EnabledModels>): number {
  return (enabled.adaptive || enabled.seasonal ? 2 : 0) + (enabled.cusum ? 1 : 0) + (enabled.flatline ? 1 : 0);
}

/**
 * The production per-series anomaly scorer.
 *
 * 1. **Point test** — the {@link AdaptiveDetector} and, once warm, the {@link SeasonalDetector} score the
 *    one-step-ahead residual. If the seasonal model explains the series clearly better (residual scale <
 *    `seasonalSelectRatio` × adaptive scale) it decides alone; otherwise a point is surprising only if it
 *    surprises both (minimum) — the consensus Netdata uses ("anomaly bit" set only when all models agree,
 *    https://learn.netdata.cloud/docs/machine-learning-and-anomaly-detection).
 * 2. **Shift test** — a {@link CusumDetector} on the standardised residual of the model in use (on the raw
 *    series against the CUSUM's own slow reference when neither point model is enabled).
 * 3. **Flatline test** — a {@link FlatlineDetector}.
 * 4. **Likelihood test** — a {@link SurpriseLikelihood} on the point surprise: the short-term average of
 *    the surprises against its own long-run normal fit (Numenta's anomaly likelihood, Ahmad et al. 2017),
 *    which catches bursts of moderately surprising samples (spikes coming closer together, a noisy regime)
 *    that no single sample makes extreme.
 * 5. **Calibration** — the point, CUSUM and flatline statistics are turned into tail probabilities under
 *    *this series' own history* by a {@link RarityCalibrator} each (with its null tail as prior); the
 *    likelihood test yields its own tail probability. **Recurrence** (`params.recurrence`, on in the
 *    production set): while the adaptive model takes part in the point test, the deviation `|x − baseline|`
 *    relative to the long-run mean `|x|` is calibrated by its own history too, and the point p-value is the
 *    larger of the two — a burst as large *in series units* as ones the series has made before (a cron job
 *    on an idle disk) is not rare, however far the scale has collapsed between bursts. When the seasonal
 *    model decides alone, its own deviation from the bucket forecast gets the same check (a second
 *    calibrator, same options; needs the adaptive model for the level). When the recurrence check raises a
 *    surprising point's p-value (`p_z < likelihoodRecalibrateBelow`), the likelihood test is fed the Gaussian surprise of the
 *    raised p-value instead of the raw one, so a routine burst does not lift the burst test either. The `m` enabled tests (4 with every model on, see
 *    {@link combinedTestCount}) are combined with a Bonferroni bound `p = m·min(pᵢ)`, and
 *    `score = L/(L+halfLog10)` with `L = max(0, -log10 p)`. Thresholds on the score are therefore
 *    comparable across series of any unit or noise level.
 * 6. **Hold-down** — the first score ≥ `eventThreshold` opens an event and the next `holdDownSamples`
 *    scores are multiplied by `holdDownFactor`; the hold-down is prolonged while the raw score stays ≥
 *    `eventThreshold` (the incident is still going on). One early report per incident, which is what the
 *    Numenta Anomaly Benchmark rewards (Lavin & Ahmad 2015, arXiv:1510.03336) and what on-call people want.
 *
 * **Model switches** — `params.enabled` (`adaptive`, `seasonal`, `cusum`, `flatline`; each default `true`):
 * a disabled model is not constructed and not run, its tests do not join the Bonferroni count, and its
 * components in {@link last} read `NaN`. With the adaptive model off, the point and likelihood tests (and
 * the CUSUM) wait until the seasonal model is ready; samples before that score 0.
 *
 * Streaming and causal, no clock read (timestamps in ms are passed in), O(1) memory per series
 * ({@link stateSize} is fixed at construction). Non-finite values are ignored by every model and counted.
 *
 * @throws {DetectorParamError} for out-of-range parameters, and (`param: "enabled"`) when every model is
 *   disabled — there would be nothing to score.
 */
export class CombinedDetector {
  private readonly p: DetectorParams;
  private readonly adaptive: AdaptiveDetector | undefined;
  private readonly seasonal: SeasonalDetector | undefined;
  private readonly cusum: CusumDetector | undefined;
  private readonly flat: FlatlineDetector | undefined;
  private readonly pointRarity: RarityCalibrator | undefined;
  private readonly cusumRarity: RarityCalibrator | undefined;
  private readonly flatRarity: RarityCalibrator | undefined;
  private readonly recurrence: RarityCalibrator | undefined;
  private readonly seasonalRecurrence: RarityCalibrator | undefined;
  private readonly recurrenceMin: number;
  private readonly likelihood: SurpriseLikelihood | undefined;
  private readonly weekly: SeasonalDetector | undefined;
  private readonly log10Tests: number;
  private holdLeft = 0;
  private invalid = 0;
  /** The models this detector runs (`params.enabled` with defaults filled in). */
  readonly enabled: Readonly<EnabledModels>;
  /** Number of tests in the Bonferroni combination ({@link combinedTestCount} of {@link enabled}), 1..4. */
  readonly testCount: number;
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
    checkRange(name, "likelihoodRecalibrateBelow", params.likelihoodRecalibrateBelow, 0, 1);
    const e: EnabledModels = { ...ALL_MODELS_ENABLED, ...params.enabled };
    for (const k of Object.keys(ALL_MODELS_ENABLED) as (keyof EnabledModels)[]) {
      if (typeof e[k] !== "boolean") throw new DetectorParamError(name, `enabled.${k}`, e[k], "expected a boolean");
    }
    this.enabled = Object.freeze(e);
    this.testCount = combinedTestCount(e);
    if (this.testCount === 0) throw new DetectorParamError(name, "enabled", JSON.stringify(e), "at least one model must be enabled");
    this.log10Tests = Math.log10(this.testCount);
    const point = e.adaptive || e.seasonal;
    this.adaptive = e.adaptive ? new AdaptiveDetector(params.adaptive) : undefined;
    this.seasonal = e.seasonal ? new SeasonalDetector(params.seasonal) : undefined;
    this.weekly = e.seasonal && params.weekly ? new SeasonalDetector(params.weekly) : undefined;
    this.cusum = e.cusum ? new CusumDetector(params.cusum) : undefined;
    this.flat = e.flatline ? new FlatlineDetector(params.flatline) : undefined;
    this.pointRarity = point ? new RarityCalibrator({ ...params.rarity, prior: "gaussian" }) : undefined;
    // stationary CUSUM tail under the null is ≈ exp(-2k·s) (Siegmund 1985)
    this.cusumRarity = e.cusum
      ? new RarityCalibrator({ ...params.rarity, prior: "exponential", priorRate: 2 * params.cusum.k })
      : undefined;
    this.recurrence = e.adaptive && params.recurrence ? new RarityCalibrator(params.recurrence) : undefined;
    this.recurrenceMin = params.recurrence?.zMin ?? Infinity;
    // the seasonal deviation is normalised by the adaptive model's long-run level, so it needs both models
    this.seasonalRecurrence =
      e.adaptive && e.seasonal && params.recurrence ? new RarityCalibrator(params.recurrence) : undefined;
    this.likelihood = point ? new SurpriseLikelihood(params.likelihood) : undefined;
    this.flatRarity = e.flatline
      ? new RarityCalibrator({ ...params.rarity, prior: "exponential", priorRate: params.flatline.nullTailRate })
      : undefined;
  }

  /** Non-finite samples seen (ignored by every component). */
  get invalidPoints(): number {
    return this.invalid;
  }

  /**
   * Scores `x` observed at `t` ms (non-decreasing) and returns the anomaly score in [0, 1] (after
   * hold-down). Details of the sample are in {@link last}.
   */
  update(t: number, x: number): number {
    this.samples += 1;
    const finite = Number.isFinite(x);
    if (!finite) this.invalid += 1;
    const adaptive = this.adaptive;
    adaptive?.update(t, x);
    let best = this.seasonal;
    let seasonalReady = false;
    if (best) {
      best.update(t, x);
      seasonalReady = best.readyAt(t);
      if (this.weekly) {
        this.weekly.update(t, x);
        if (this.weekly.readyAt(t) && (!seasonalReady || this.weekly.residualScale < best.residualScale)) {
          best = this.weekly;
          seasonalReady = true;
        }
      }
    }
    // the point surprise and the residual the CUSUM tests; NaN while no point model is ready
    let pointZ = Number.NaN;
    let residual = Number.NaN;
    let adaptiveDecides = adaptive !== undefined;
    if (adaptive) {
      pointZ = adaptive.z;
      residual = adaptive.residual;
    }
    if (seasonalReady && best) {
      if (!adaptive || best.residualScale < this.p.seasonalSelectRatio * adaptive.scale) {
        adaptiveDecides = false;
        pointZ = best.z;
        residual = best.residual;
      } else {
        pointZ = Math.min(pointZ, best.z);
      }
    }
    const pointReady = !Number.isNaN(pointZ);
    const cusum = this.cusum;
    if (cusum) {
      if (this.pointRarity === undefined) cusum.update(t, x);
      else if (pointReady) cusum.updateStandardized(t, finite ? residual : Number.NaN);
    }
    this.flat?.update(t, x);

    let logP = 0;
    let decidedBy: CombinedTest = "none";
    if (finite) {
      // p-values before the sample joins the history (causal), then the history is updated
      let pMin = 1;
      let likelihoodInput = pointZ;
      if (pointReady && this.pointRarity && this.likelihood) {
        pMin = this.pointRarity.observe(pointZ);
        const pZ = pMin;
        decidedBy = "point";
        if (this.recurrence && adaptive) {
          const u = Math.abs(adaptive.deviation) / Math.max(adaptive.meanAbsLevel, 1e-12);
          const pU = this.recurrence.observe(u);
          // below zMin the calibrator has no resolution (it would answer p = 1): the point test decides alone
          if (adaptiveDecides && u >= this.recurrenceMin && pU > pMin) pMin = pU;
          if (this.seasonalRecurrence && seasonalReady && best) {
            const v = Math.abs(best.deviation) / Math.max(adaptive.meanAbsLevel, 1e-12);
            const pV = this.seasonalRecurrence.observe(v);
            if (!adaptiveDecides && v >= this.recurrenceMin && pV > pMin) pMin = pV;
          }
          // the likelihood test averages the calibrated surprise: a routine burst is no surprise there either
          if (pMin > pZ && pZ < this.p.likelihoodRecalibrateBelow) likelihoodInput = Math.min(pointZ, gaussianTwoSidedTailInverse(pMin));
        }
      }
      if (cusum && this.cusumRarity && (pointReady || this.pointRarity === undefined)) {
        const pCusum = this.cusumRarity.observe(cusum.statistic);
        if (decidedBy === "none" || pCusum < pMin) {
          pMin = pCusum;
          decidedBy = "cusum";
        }
      }
      if (this.flat && this.flatRarity) {
        const pFlat = this.flatRarity.observe(this.flat.statistic);
        if (decidedBy === "none" || pFlat < pMin) {
          pMin = pFlat;
          decidedBy = "flatline";
        }
      }
      if (pointReady && this.likelihood) {
        const pLikelihood = this.likelihood.update(likelihoodInput);
        if (pLikelihood < pMin) {
          pMin = pLikelihood;
          decidedBy = "likelihood";
        }
      }
      logP = Math.max(0, -Math.log10(pMin) - this.log10Tests);
    }
    const raw = logP / (logP + this.p.halfLog10);

    const l = this.last;
    l.adaptiveZ = adaptive ? adaptive.z : Number.NaN;
    l.seasonalZ = seasonalReady && this.seasonal ? this.seasonal.z : Number.NaN;
    l.pointZ = pointZ;
    l.cusumS = cusum ? cusum.statistic : Number.NaN;
    l.flatline = this.flat ? this.flat.statistic : Number.NaN;
    l.likelihoodZ = this.likelihood ? this.likelihood.z : Number.NaN;
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
      (this.adaptive?.stateSize() ?? 0) +
      (this.seasonal?.stateSize() ?? 0) +
      (this.weekly?.stateSize() ?? 0) +
      (this.cusum?.stateSize() ?? 0) +
      (this.flat?.stateSize() ?? 0) +
      (this.pointRarity?.stateSize() ?? 0) +
      (this.cusumRarity?.stateSize() ?? 0) +
      (this.flatRarity?.stateSize() ?? 0) +
      (this.recurrence?.stateSize() ?? 0) +
      (this.seasonalRecurrence?.stateSize() ?? 0) +
      (this.likelihood?.stateSize() ?? 0) +
      5
    );
  }
}
