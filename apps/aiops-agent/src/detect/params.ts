import type { AdaptiveOptions } from "./adaptive.js";
import type { CusumOptions } from "./cusum.js";
import type { FlatlineOptions } from "./flatline.js";
import type { SurpriseLikelihoodOptions } from "./likelihood.js";
import type { RarityOptions } from "./rarity.js";
import type { SeasonalOptions } from "./seasonal.js";
import { DEFAULT_SURPRISE_LIKELIHOOD_OPTIONS } from "./likelihood.js";
import { DEFAULT_SEASONAL_OPTIONS } from "./seasonal.js";

/**
 * Which models a {@link CombinedDetector} runs. A disabled model is not constructed or run and its tests
 * leave the Bonferroni combination: `adaptive` and `seasonal` are the point baselines (the point and
 * likelihood tests exist while either is on), `cusum` is the level-shift test, `flatline` the
 * activity-drop test. At least one must be on.
 */
export interface EnabledModels {
  /** Robust EWMA/MAD baseline. */
  adaptive: boolean;
  /** Daily (and, if configured, weekly) time-of-day baseline. */
  seasonal: boolean;
  /** Two-sided CUSUM on the point model's residual (on the raw series when no point model is on). */
  cusum: boolean;
  /** Flatline (activity drop) test. */
  flatline: boolean;
}

/** Every model on: the configuration `aiops-agent nab` measures. */
export const ALL_MODELS_ENABLED: Readonly<EnabledModels> = Object.freeze({
  adaptive: true,
  seasonal: true,
  cusum: true,
  flatline: true,
});

/** Parameters of the production {@link CombinedDetector} (one set for every series; NAB uses the same). */
export interface DetectorParams {
  /**
   * Model switches; a missing key (or a missing object) means enabled. See {@link EnabledModels}.
   * @throws {DetectorParamError} from the `CombinedDetector` constructor when every model is off.
   */
  enabled?: Readonly<Partial<EnabledModels>> | undefined;
  /** Robust EWMA/MAD baseline. */
  adaptive: Required<AdaptiveOptions>;
  /** Daily time-of-day baseline (Holt-Winters-like). */
  seasonal: Required<SeasonalOptions>;
  /** Optional weekly time-of-week baseline (used instead of the daily one when it fits better). */
  weekly?: Required<SeasonalOptions> | undefined;
  /** Two-sided CUSUM on the standardised residuals of the model in use. */
  cusum: Required<CusumOptions>;
  /** Flatline (activity drop) test. */
  flatline: Required<FlatlineOptions>;
  /** Anomaly-likelihood test on the point surprise (short-term average vs. its long-run normal fit). */
  likelihood: Required<SurpriseLikelihoodOptions>;
  /**
   * Value-level recurrence check of the point test (off when absent): the adaptive deviation `|x − baseline|`
   * relative to the long-run mean absolute level is calibrated by its own history, and while the adaptive
   * model takes part in the point test its p-value is `max(p_z, p_recurrence)` — an excursion as large, in
   * series units, as ones this series has made before is not rare however small the scale has become.
   * When the seasonal model decides alone, its deviation from the bucket forecast (same normalisation, own
   * history) is checked the same way. When the check raises a surprising point's p-value (`p_z <`
   * {@link likelihoodRecalibrateBelow}) the likelihood test averages the Gaussian surprise of the raised
   * p-value instead of the raw surprise.
   * Needs the adaptive model (its long-run level is the unit).
   */
  recurrence?: Required<RarityOptions> | undefined;
  /**
   * Point p-value below which a recurrence-raised p-value also replaces the likelihood test's input (0 = never).
   * Sensitive on NAB (0.001 / 0.01 / 0.05 / 1: standard 77.12 / 78.81 / 76.62 / 76.88): see the README.
   */
  likelihoodRecalibrateBelow: number;
  /** Calibration of each test statistic into a tail probability under the series' own history. */
  rarity: Required<RarityOptions>;
  /**
   * The seasonal model alone decides the point surprise when its residual scale is below this fraction of
   * the adaptive model's scale (it explains the series clearly better); otherwise both must agree (min).
   */
  seasonalSelectRatio: number;
  /** `-log10 p` at which the score is 0.5: `score = L / (L + halfLog10)`. */
  halfLog10: number;
  /** Score at or above which a sample opens an anomaly *event* (and the hold-down starts). */
  eventThreshold: number;
  /**
   * Raw score (`CombinedDetector.last.raw`, before hold-down) at or above which the agent should alert.
   * Stricter than what NAB's threshold optimiser picks: NAB charges a false positive only 0.11 of a
   * detection, an on-call engineer much more. On clean synthetic noise the raw score stays below it after
   * warm-up (see test/detect/combined.test.ts).
   */
  alertThreshold: number;
  /** Samples after an event during which scores are damped (alert hold-down); prolonged while the raw score stays ≥ `eventThreshold`. */
  holdDownSamples: number;
  /** Factor (0..1) applied to scores during the hold-down. */
  holdDownFactor: number;
}

/**
 * The single production parameter set, shared by the agent and `aiops-agent nab`.
 * How it was chosen (and held-out scores) is documented in the package README, "Detection quality on NAB".
 */
export const DEFAULT_DETECTOR_PARAMS: Readonly<DetectorParams> = Object.freeze({
  adaptive: Object.freeze({ alpha: 0.01, clip: 3, warmup: 30, zHalf: 4, relativeFloor: 1e-3, absoluteFloor: 1e-9 }),
  // The seasonal model runs with its documented defaults (the NAB tuning kept them).
  seasonal: Object.freeze({ ...DEFAULT_SEASONAL_OPTIONS }),
  cusum: Object.freeze({ alpha: 0.01, k: 0.5, h: 50, clip: 8, warmup: 50, relativeFloor: 1e-3 }),
  flatline: Object.freeze({ shortAlpha: 0.1, longAlpha: 0.005, warmup: 100, clip: 4, nullTailRate: 2 }),
  // Numenta's averaging window and no NAB tuning beyond choosing the EWMA form (see README)
  likelihood: Object.freeze({ ...DEFAULT_SURPRISE_LIKELIHOOD_OPTIONS }),
  // value-level recurrence of the point test: |x − baseline| / E|x| from 1 % to ~2300× the level, no prior
  // (an excursion never seen before keeps p ≈ 0, so only the point test's own p-value decides it)
  recurrence: Object.freeze({ zMin: 0.01, growth: 1.3, bins: 48, horizon: 3000, priorWeight: 50, prior: "none", priorRate: 1 }),
  likelihoodRecalibrateBelow: 0.01,
  rarity: Object.freeze({ zMin: 1, growth: 1.15, bins: 48, horizon: 3000, priorWeight: 50, prior: "gaussian", priorRate: 1 }),
  seasonalSelectRatio: 0.7,
  halfLog10: 4,
  eventThreshold: 0.35,
  alertThreshold: 0.65,
  holdDownSamples: 30,
  holdDownFactor: 0.3,
}) as Readonly<DetectorParams>;
