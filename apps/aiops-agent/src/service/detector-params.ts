/**
 * The detector parameters the service runs with: the production set ({@link DEFAULT_DETECTOR_PARAMS}, the one
 * `aiops-agent nab` measures) with the config's alert threshold and model switches applied
 * (`apps.aiopsAgent.detectors.scoreThreshold`, `adaptive`, `seasonal`, `changePoint`). Pure.
 *
 * The switches map onto `CombinedDetector`'s `enabled` option ({@link EnabledModels}); a switched-off model is
 * not constructed, not run, and its tests leave the Bonferroni count:
 *
 * | config switch | `enabled` | effect |
 * |---|---|---|
 * | `seasonal` | `seasonal` (daily and weekly baselines) | the point surprise and the CUSUM residual come from the adaptive baseline alone (`last.seasonalZ` is `NaN`) |
 * | `adaptive` | `adaptive` | the seasonal model alone gives the point surprise; until it is ready (`seasonal.warmupPeriods` days) the point, likelihood and CUSUM tests do not run (`last.adaptiveZ` is `NaN`); the value-level recurrence check (`params.recurrence`, whose unit is the adaptive long-run level) is off too |
 * | `changePoint` | `cusum` and `flatline` | only the point and likelihood tests score (Bonferroni count 2); a frozen series or a slow level shift is no longer flagged |
 *
 * With `changePoint` alone the CUSUM tests the raw series against its own slow reference and the flatline
 * test runs; spikes are not flagged (see {@link modelSwitchWarnings}). All off: the engine scores nothing
 * (static rules only) and never builds a detector — `CombinedDetector` rejects an all-off `enabled`.
 * @module
 */
import { DEFAULT_DETECTOR_PARAMS, type DetectorParams, type EnabledModels } from "../detect/params.js";

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

/** Warnings about switch combinations that leave whole anomaly kinds undetected; empty for sensible combinations. */
export function modelSwitchWarnings(m: ModelSwitches): string[] {
  if (m.changePoint && !m.adaptive && !m.seasonal) {
    return ["detectors.changePoint without adaptive or seasonal: only level shifts (CUSUM on the raw series) and flatlines are scored, single spikes are not"];
  }
  return [];
}

/** The `CombinedDetector` models for the config switches (`changePoint` covers CUSUM and flatline). */
export function enabledModels(m: ModelSwitches): EnabledModels {
  return { adaptive: m.adaptive, seasonal: m.seasonal, cusum: m.changePoint, flatline: m.changePoint };
}

/**
 * The parameters for `alertThreshold` (the config's `scoreThreshold`, authoritative) and the model
 * switches, derived from `base`. With every model on, the result equals `base` except for
 * `alertThreshold`; otherwise `enabled` is {@link enabledModels} AND `base.enabled` (nothing else changes).
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
  if (!(models.adaptive && models.seasonal && models.changePoint)) {
    // a model stays off if `base` already disables it
    const on = enabledModels(models);
    const b = base.enabled ?? {};
    p.enabled = {
      adaptive: on.adaptive && b.adaptive !== false,
      seasonal: on.seasonal && b.seasonal !== false,
      cusum: on.cusum && b.cusum !== false,
      flatline: on.flatline && b.flatline !== false,
    };
  }
  return Object.freeze(p);
}
