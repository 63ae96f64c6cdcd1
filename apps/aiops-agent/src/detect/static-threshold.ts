import { DetectorParamError, checkRange } from "./errors.js";

/** Options of {@link StaticThresholdDetector}. At least one of `above` / `below` must be set. */
export interface StaticThresholdOptions {
  /** The condition holds while `value > above` (same unit as the series). */
  above?: number;
  /** The condition holds while `value < below` (same unit as the series). */
  below?: number;
  /** How long (ms) the condition must hold continuously before the alert fires. Default 0 (fire at once). */
  forMs?: number;
}

/** Alert state, named as in Prometheus: `inactive` → `pending` → `firing`. */
export type ThresholdState = "inactive" | "pending" | "firing";

/**
 * Static threshold with a `for` duration, with the semantics of a Prometheus alerting rule
 * (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/): when the condition first
 * holds the alert becomes `pending` with `activeAt = t`; it becomes `firing` once it has held on every
 * sample up to a sample with `t - activeAt >= forMs`; any sample where it does not hold (or a non-finite
 * value, like a missing series) returns it to `inactive`.
 *
 * Timestamps are passed in (ms, any epoch, non-decreasing); no clock is read. State: O(1).
 *
 * @throws {DetectorParamError} if neither `above` nor `below` is given, or `forMs` is negative / not finite.
 */
export class StaticThresholdDetector {
  private readonly above: number;
  private readonly below: number;
  private readonly forMs: number;
  private activeAt = Number.NaN;
  private current: ThresholdState = "inactive";

  constructor(options: StaticThresholdOptions) {
    if (options.above === undefined && options.below === undefined) {
      throw new DetectorParamError("StaticThresholdDetector", "above/below", undefined, "set at least one");
    }
    this.above = options.above ?? Infinity;
    this.below = options.below ?? -Infinity;
    this.forMs = options.forMs ?? 0;
    checkRange("StaticThresholdDetector", "forMs", this.forMs, 0, Number.MAX_SAFE_INTEGER);
  }

  /** State after the last {@link update}. */
  get state(): ThresholdState {
    return this.current;
  }

  /** Timestamp (ms) at which the condition started holding, or `NaN` when inactive. */
  get pendingSince(): number {
    return this.activeAt;
  }

  /**
   * Feeds one sample and returns the anomaly score: 1 while `firing`, otherwise 0.
   * @param t sample time in ms.
   * @param x sample value.
   */
  update(t: number, x: number): number {
    const holds = Number.isFinite(x) && (x > this.above || x < this.below);
    if (!holds) {
      this.current = "inactive";
      this.activeAt = Number.NaN;
      return 0;
    }
    if (this.current === "inactive") {
      this.activeAt = t;
      this.current = "pending";
    }
    if (this.current === "pending" && t - this.activeAt >= this.forMs) this.current = "firing";
    return this.current === "firing" ? 1 : 0;
  }

  /** Number of numeric state slots (constant; for memory-bound checks). */
  stateSize(): number {
    return 5;
  }
}
