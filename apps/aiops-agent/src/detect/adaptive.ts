import { checkInt, checkRange } from "./errors.js";
import { RobustEwStats, surpriseToScore } from "./stats.js";

/** Options of {@link AdaptiveDetector}; every field has a default. */
export interface AdaptiveOptions {
  /** EWMA smoothing factor in (0, 1]; memory ≈ `1/alpha` samples. Default 0.02. */
  alpha?: number;
  /** Huber clip of baseline updates, in scale units. Default 3. */
  clip?: number;
  /** Samples before scores are non-zero. Default 30. */
  warmup?: number;
  /** Surprise (scale units) that maps to score 0.5. Default 4. */
  zHalf?: number;
  /** Smallest scale, as a fraction of the long-run mean absolute level `E|x|`. Default 1e-3. */
  relativeFloor?: number;
  /** Smallest scale in series units (guards all-zero series). Default 1e-9. */
  absoluteFloor?: number;
}

/** Defaults of {@link AdaptiveOptions}. */
export const DEFAULT_ADAPTIVE_OPTIONS: Required<AdaptiveOptions> = {
  alpha: 0.02,
  clip: 3,
  warmup: 30,
  zHalf: 4,
  relativeFloor: 1e-3,
  absoluteFloor: 1e-9,
};

/**
 * Robust adaptive baseline: an EWMA of the level and of the mean absolute deviation with Huber-clipped
 * updates (so spikes do not pollute the baseline), scoring each sample by its distance from the baseline
 * *before* it is folded in — a one-step-ahead, causal test in the style of an EWMA control chart
 * (Hunter 1986, J. Quality Technology 18(4); Huber 1964 for the clipping; Netdata's per-dimension
 * k-means "anomaly bit" plays the same role: https://learn.netdata.cloud/docs/machine-learning-and-anomaly-detection).
 *
 * `z = |x - mean| / max(sigma, floor)` where `sigma = sqrt(pi/2) * meanAbsDev`; `score = z²/(z²+zHalf²)`.
 * Scores are 0 during the first `warmup` samples. Non-finite values are ignored (score 0, state unchanged)
 * and counted in {@link invalidPoints}. State: O(1) (a handful of numbers).
 *
 * @throws {DetectorParamError} for options out of range.
 */
export class AdaptiveDetector {
  private readonly o: Required<AdaptiveOptions>;
  private readonly stats: RobustEwStats;
  private readonly absLevel: RobustEwStats;
  /** Surprise of the last sample in scale units (0 during warm-up). */
  z = 0;
  /** Signed residual of the last sample in scale units (0 during warm-up); `z = |residual|`. */
  residual = 0;
  /** Deviation of the last sample from the baseline before it, series units (0 during warm-up and for non-finite samples). */
  deviation = 0;
  /** Non-finite samples seen (ignored). */
  invalidPoints = 0;

  constructor(options: AdaptiveOptions = {}) {
    this.o = { ...DEFAULT_ADAPTIVE_OPTIONS, ...options };
    checkRange("AdaptiveDetector", "alpha", this.o.alpha, 1e-6, 1);
    checkRange("AdaptiveDetector", "clip", this.o.clip, 0.1, Infinity);
    checkInt("AdaptiveDetector", "warmup", this.o.warmup, 0, 1e9);
    checkRange("AdaptiveDetector", "zHalf", this.o.zHalf, 1e-6, 1e6);
    checkRange("AdaptiveDetector", "relativeFloor", this.o.relativeFloor, 0, 1);
    checkRange("AdaptiveDetector", "absoluteFloor", this.o.absoluteFloor, 0, Infinity);
    this.stats = new RobustEwStats(this.o.alpha, this.o.clip);
    this.absLevel = new RobustEwStats(this.o.alpha / 4, Infinity);
  }

  /** Current baseline (series units). */
  get baseline(): number {
    return this.stats.mean;
  }

  /** Long-run mean absolute level of the series (series units; slow EWMA of `|x|`). */
  get meanAbsLevel(): number {
    return this.absLevel.mean;
  }

  /** Current scale (series units, standard-deviation equivalent, floored). */
  get scale(): number {
    return Math.max(this.stats.sigma, this.floor());
  }

  /** Whether the warm-up is over. */
  get ready(): boolean {
    return this.stats.n >= this.o.warmup;
  }

  private floor(): number {
    return Math.max(this.o.absoluteFloor, this.o.relativeFloor * this.absLevel.mean);
  }

  /**
   * Scores `x` (observed at `t` ms, unused here but part of the common detector signature) and then
   * folds it into the baseline. Returns the score in [0, 1].
   */
  update(_t: number, x: number): number {
    if (!Number.isFinite(x)) {
      this.invalidPoints += 1;
      this.z = 0;
      this.residual = 0;
      this.deviation = 0;
      return 0;
    }
    const floor = this.floor();
    this.deviation = this.ready ? x - this.stats.mean : 0;
    this.residual = this.deviation / Math.max(this.stats.sigma, floor);
    this.z = Math.abs(this.residual);
    this.stats.update(x, floor);
    this.absLevel.update(Math.abs(x), 0);
    return surpriseToScore(this.z, this.o.zHalf);
  }

  /** Number of numeric state slots (constant; for memory-bound checks). */
  stateSize(): number {
    return 9;
  }
}
