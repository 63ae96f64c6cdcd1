/**
 * The detector parameters the service runs with: the production set ({@link DEFAULT_DETECTOR_PARAMS}, the one
 * `aiops-agent nab` measures) with the config's alert threshold and model switches applied
 * (`apps.aiopsAgent.detectors.scoreThreshold`, `adaptive`, `seasonal`, `changePoint`). Pure.
 *
 * `CombinedDetector` has no option to leave a model out, so a switched-off model is *neutralised* through its
 * public parameters instead (it still runs, it just never contributes):
 *
 * | switch off | parameters changed | effect |
 * |---|---|---|
 * | `seasonal` | `seasonal.warmupPeriods` → 1e6, `weekly` → none | the seasonal model never becomes ready: the point surprise and the CUSUM residual come from the adaptive baseline alone (`last.seasonalZ` stays `NaN`) |
 * | `adaptive` | `adaptive.warmup` → 1e9, `seasonalSelectRatio` → 1e6 | the adaptive residual stays 0; once the seasonal model is ready it always decides alone (`last.adaptiveZ` stays 0); before that nothing scores |
 * | `changePoint` | `cusum.k` → 1e3 (with `cusum.clip` ≤ 100), `flatline.warmup` → 1e9 | the CUSUM and flatline statistics stay 0, so their tail probability is 1 and only the point and likelihood tests can decide (the likelihood test is built on the point surprise) |
 *
 * Limits, until the detector grows a real switch: the neutralised models still cost their CPU, and the
 * Bonferroni correction still counts all four tests (point, CUSUM, flatline, likelihood; slightly conservative with fewer
 * enabled).
 * @module
 */
import { DEFAULT_DETECTOR_PARAMS, type DetectorParams } from "../detect/params.js";

/** `apps.aiopsAgent.detectors` model switches. */
export interface ModelSwitches {
  /** Robust EWMA/MAD baseline. */
  readonly adaptive: boolean;
  /** Time-of-day (and, when configured, time-of-week) baseline. */
  readonly seasonal: boolean;
  /** Residual CUSUM (level shift) and flatline (activity drop) tests. */
  readonly changePoint: boolean;
}

/** Every model on (the configuration NAB measures). */
export const ALL_MODELS: ModelSwitches = Object.freeze({ adaptive: true, seasonal: true, changePoint: true });

/** Whether any model is on, i.e. whether the combined detector scores at all (otherwise: static rules only). */
export function anyModel(m: ModelSwitches): boolean {
  return m.adaptive || m.seasonal || m.changePoint;
}

/** Warnings about switch combinations that leave a model without input; empty for sensible combinations. */
export function modelSwitchWarnings(m: ModelSwitches): string[] {
  if (m.changePoint && !m.adaptive && !m.seasonal) {
    return ["detectors.changePoint without adaptive or seasonal: the CUSUM has no model residuals to test, only the flatline test scores"];
  }
  return [];
}

/**
 * The parameters for `alertThreshold` (the config's `scoreThreshold`, authoritative) and the model
 * switches, derived from `base`. With every model on, the result equals `base` except for
 * `alertThreshold`.
 * @param base the production set (default {@link DEFAULT_DETECTOR_PARAMS}).
 * @throws {RangeError} when `alertThreshold` is outside [0, 1].
 */
export function serviceDetectorParams(
  alertThreshold: number,
  models: ModelSwitches = ALL_MODELS,
  base: Readonly<DetectorParams> = DEFAULT_DETECTOR_PARAMS,
): Readonly<DetectorParams> {
  if (!(alertThreshold >= 0 && alertThreshold <= 1)) throw new RangeError(`alert threshold must be in [0, 1], got ${alertThreshold}`);
  const p: DetectorParams = { ...base, alertThreshold };
  if (!models.seasonal) {
    p.seasonal = { ...base.seasonal, warmupPeriods: 1e6 };
    p.weekly = undefined;
  }
  if (!models.adaptive) {
    p.adaptive = { ...base.adaptive, warmup: 1e9 };
    p.seasonalSelectRatio = 1e6;
  }
  if (!models.changePoint) {
    p.cusum = { ...base.cusum, k: 1e3, clip: Math.min(base.cusum.clip, 100) };
    p.flatline = { ...base.flatline, warmup: 1e9 };
  }
  return Object.freeze(p);
}
