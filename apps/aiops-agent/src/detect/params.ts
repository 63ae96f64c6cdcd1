import type { AdaptiveOptions } from "./adaptive.js";
import type { CusumOptions } from "./cusum.js";
import type { RarityOptions } from "./rarity.js";
import type { SeasonalOptions } from "./seasonal.js";
import { DAY_MS } from "./seasonal.js";

/** Parameters of the production {@link CombinedDetector} (one set for every series; NAB uses the same). */
export interface DetectorParams {
  /** Robust EWMA/MAD baseline. */
  adaptive: Required<AdaptiveOptions>;
  /** Daily time-of-day baseline (Holt-Winters-like). */
  seasonal: Required<SeasonalOptions>;
  /** Two-sided CUSUM change-point detector. */
  cusum: Required<CusumOptions>;
  /**
   * The seasonal model is trusted (its surprise replaces the adaptive one) when its residual scale is
   * below this fraction of the adaptive model's scale, i.e. when it explains the series clearly better.
   */
  seasonalSelectRatio: number;
  /** How point surprises of the two models combine otherwise: `min` (consensus) or `adaptive`. */
  pointMode: "min" | "adaptive";
  /** Run the CUSUM on the standardised residuals of the model in use (true) or on the raw values (false). */
  residualCusum: boolean;
  /** Surprise (sigma units) a CUSUM alarm (`S = h`) is worth; `zCusum = S/h * cusumAlarmZ`. */
  cusumAlarmZ: number;
  /** Calibration of the surprise into a tail probability under the series' own history. */
  rarity: Required<RarityOptions>;
  /** `rarity`: score from `-log10 p`; `gaussian`: score from the raw surprise with {@link zHalf}. */
  calibration: "rarity" | "gaussian";
  /** Flatline test: log2 of long-run over short-run mean absolute first difference. */
  flat: { shortAlpha: number; longAlpha: number; warmup: number; weight: number; priorRate: number };
  /** `-log10 p` at which the score is 0.5 (`score = L/(L+halfLog10)`). */
  halfLog10: number;
  /** Surprise (sigma units) at which the point score is 0.5. */
  zHalf: number;
  /** Combined score at or above which a sample opens an anomaly *event* (and the hold-down starts). */
  eventThreshold: number;
  /**
   * Raw score (`CombinedDetector.last.raw`, before hold-down) at or above which the agent should alert.
   * Stricter than what NAB's threshold optimiser picks: NAB charges a false positive only 0.11 of a
   * detection, an on-call engineer much more. On clean synthetic noise the raw score stays below it after
   * warm-up (see test/detect/combined.test.ts).
   */
  alertThreshold: number;
  /** Samples after an event during which further scores are damped (alert hold-down). */
  holdDownSamples: number;
  /** Factor (0..1) applied to scores during the hold-down. */
  holdDownFactor: number;
}

/**
 * The single production parameter set, shared by the agent and `aiops-agent nab`.
 * How it was chosen (and held-out scores) is documented in the package README, "Detection quality on NAB".
 */
export const DEFAULT_DETECTOR_PARAMS: DetectorParams = Object.freeze({
  adaptive: Object.freeze({
    alpha: 0.02,
    clip: 3,
    warmup: 30,
    zHalf: 4,
    relativeFloor: 1e-3,
    absoluteFloor: 1e-9,
  }),
  seasonal: Object.freeze({
    periodMs: DAY_MS,
    buckets: 96,
    offsetMs: 0,
    levelAlpha: 0.05,
    seasonAlpha: 0.15,
    scaleAlpha: 0.1,
    clip: 3,
    warmupPeriods: 2,
    zHalf: 4,
    bucketFloor: 0.25,
    phaseTolerance: 0,
    scalePrior: 5,
  }),
  cusum: Object.freeze({
    alpha: 0.01,
    k: 0.5,
    h: 50,
    clip: 8,
    warmup: 50,
    relativeFloor: 1e-3,
  }),
  seasonalSelectRatio: 0.7,
  pointMode: "min",
  cusumAlarmZ: 6,
  residualCusum: true,
  rarity: Object.freeze({ zMin: 1, growth: 1.15, bins: 48, horizon: 3000, priorWeight: 200, prior: "gaussian", priorRate: 1 }),
  calibration: "rarity",
  flat: Object.freeze({ shortAlpha: 0.1, longAlpha: 0.005, warmup: 100, weight: 1, priorRate: 2 }),
  halfLog10: 4,
  zHalf: 4,
  eventThreshold: 0.4,
  alertThreshold: 0.65,
  holdDownSamples: 60,
  holdDownFactor: 0.3,
}) as DetectorParams;
