import { checkInt, checkRange } from "./errors.js";
import { RobustEwStats, surpriseToScore } from "./stats.js";

/** Options of {@link CusumDetector}; every field has a default. */
export interface CusumOptions {
  /** Smoothing factor of the in-control reference (mean and scale). Default 0.01. */
  alpha?: number;
  /** Allowance `k` in reference-sigma units (half the shift to detect). Default 0.5. */
  k?: number;
  /** Decision interval `h` in reference-sigma units; the score is 0.5 at `h`. Default 8. */
  h?: number;
  /** Each standardised sample is clipped to ±`clip` before accumulation, so one spike cannot alarm. Default 4. */
  clip?: number;
  /** Samples before scores are non-zero. Default 50. */
  warmup?: number;
  /** Smallest reference scale as a fraction of the long-run mean absolute level. Default 1e-3. */
  relativeFloor?: number;
}

/** Defaults of {@link CusumOptions}. */
export const DEFAULT_CUSUM_OPTIONS: Required<CusumOptions> = {
  alpha: 0.01,
  k: 0.5,
  h: 8,
  clip: 4,
  warmup: 50,
  relativeFloor: 1e-3,
};

/**
 * Two-sided tabular CUSUM change-point detector (Page 1954, "Continuous inspection schemes",
 * Biometrika 41; NIST/SEMATECH e-Handbook §6.3.2.3, https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc323.htm):
 * `S⁺ = max(0, S⁺ + u − k)`, `S⁻ = max(0, S⁻ − u − k)` with `u = (x − μ₀)/σ₀` against a slowly
 * adapting, Huber-robust in-control reference. When `max(S⁺, S⁻) ≥ h` a change point is recorded, the
 * reference is re-centred on the new level and both sums restart — so a level shift or a trend change
 * raises one alarm rather than a stream of them.
 *
 * `score = S²/(S²+h²)` with `S = max(S⁺, S⁻)` (0.5 at the alarm boundary), 0 during warm-up.
 * Non-finite values are ignored and counted. State: O(1).
 *
 * @throws {DetectorParamError} for options out of range.
 */
export class CusumDetector {
  private readonly o: Required<CusumOptions>;
  private readonly ref: RobustEwStats;
  private readonly level: RobustEwStats;
  private sPos = 0;
  private sNeg = 0;
  /** Number of change points signalled so far. */
  changePoints = 0;
  /** Timestamp (ms) of the last change point, `NaN` if none. */
  lastChangeAt = Number.NaN;
  /** `max(S⁺, S⁻)` after the last sample, in sigma units. */
  statistic = 0;
  /** Non-finite samples seen (ignored). */
  invalidPoints = 0;

  constructor(options: CusumOptions = {}) {
    this.o = { ...DEFAULT_CUSUM_OPTIONS, ...options };
    checkRange("CusumDetector", "alpha", this.o.alpha, 1e-6, 1);
    checkRange("CusumDetector", "k", this.o.k, 0, 1e3);
    checkRange("CusumDetector", "h", this.o.h, 1e-3, 1e6);
    checkRange("CusumDetector", "clip", this.o.clip, 0.1, Infinity);
    checkInt("CusumDetector", "warmup", this.o.warmup, 1, 1e9);
    checkRange("CusumDetector", "relativeFloor", this.o.relativeFloor, 0, 1);
    this.ref = new RobustEwStats(this.o.alpha, 3);
    this.level = new RobustEwStats(this.o.alpha / 4, Infinity);
  }

  /** Feeds `x` observed at `t` ms; returns the score in [0, 1]. */
  update(t: number, x: number): number {
    if (!Number.isFinite(x)) {
      this.invalidPoints += 1;
      return surpriseToScore(this.statistic, this.o.h);
    }
    const floor = Math.max(1e-12, this.o.relativeFloor * this.level.mean);
    const sigma = Math.max(this.ref.sigma, floor);
    const warm = this.ref.n >= this.o.warmup;
    const score = this.accumulate(t, warm ? (x - this.ref.mean) / sigma : 0, warm);
    if (this.statistic >= this.o.h) this.ref.mean = x; // re-centre on the new regime, keep the scale
    this.ref.update(x, floor);
    this.level.update(Math.abs(x), 0);
    return score;
  }

  /**
   * Feeds an already standardised residual `u` (in-control mean 0, sd 1), e.g. the one-step-ahead
   * forecast error of another model divided by its scale — the residual CUSUM used for autocorrelated
   * or seasonal data (Montgomery, "Introduction to Statistical Quality Control", 8th ed., §9.1 and §12.4).
   * The internal reference is not used. Returns the score in [0, 1].
   */
  updateStandardized(t: number, u: number): number {
    if (!Number.isFinite(u)) {
      this.invalidPoints += 1;
      return surpriseToScore(this.statistic, this.o.h);
    }
    return this.accumulate(t, u, true);
  }

  private accumulate(t: number, u: number, active: boolean): number {
    if (active) {
      const c = Math.max(-this.o.clip, Math.min(this.o.clip, u));
      this.sPos = Math.max(0, this.sPos + c - this.o.k);
      this.sNeg = Math.max(0, this.sNeg - c - this.o.k);
    }
    this.statistic = Math.max(this.sPos, this.sNeg);
    const score = surpriseToScore(this.statistic, this.o.h);
    if (this.statistic >= this.o.h) {
      this.changePoints += 1;
      this.lastChangeAt = t;
      this.sPos = 0;
      this.sNeg = 0;
    }
    return score;
  }

  /** Number of numeric state slots (constant; for memory-bound checks). */
  stateSize(): number {
    return 14;
  }
}
