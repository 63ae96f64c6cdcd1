import { checkInt, checkRange } from "./errors.js";
import { gaussianTwoSidedTail } from "./rarity.js";

/** Options of {@link SurpriseLikelihood}; every field has a default. */
export interface SurpriseLikelihoodOptions {
  /**
   * Smoothing factor of the short-term average of the surprises, in (0, 1]. Default 0.1 (an EWMA whose
   * mean age matches a ~19-sample moving average; Numenta averages the last 10 raw scores).
   */
  alpha?: number;
  /** Each surprise is capped at this many sigma before averaging, so one huge spike cannot dominate. Default 6. */
  cap?: number;
  /** Effective memory (samples) of the long-run mean and variance of the average (exponential forgetting). Default 3000. */
  horizon?: number;
  /** Samples before a tail probability below 1 is reported. Default 100. */
  warmup?: number;
  /** Smallest standard deviation of the average, in sigma units (guards a constant history). Default 1e-3. */
  minSd?: number;
}

/** Defaults of {@link SurpriseLikelihoodOptions}. */
export const DEFAULT_SURPRISE_LIKELIHOOD_OPTIONS: Required<SurpriseLikelihoodOptions> = {
  alpha: 0.1,
  cap: 6,
  horizon: 3000,
  warmup: 100,
  minSd: 1e-3,
};

/**
 * Anomaly likelihood of a stream of surprises, after Numenta's post-processing of HTM scores (Ahmad,
 * Lavin, Purdy & Agha 2017, "Unsupervised real-time anomaly detection for streaming data",
 * Neurocomputing 262, §4.3; reference code `nupic/algorithms/anomaly_likelihood.py`): the *short-term
 * average* of recent surprises is compared with a normal distribution fitted to its own long-run history,
 * and the anomaly likelihood is the Gaussian tail `p = Q((avg − μ)/σ)`. A single noisy spike in a spiky
 * series barely moves the average, while a burst of moderately surprising samples — spikes coming closer
 * together, a noisy regime, a pattern break that no single sample makes extreme — lifts it far above its
 * history. That is the case value-level tests miss and why this post-processing lifts HTM (and CAD OSE)
 * scores on the Numenta Anomaly Benchmark.
 *
 * Differences from the reference, all to keep O(1) state and no wall clock: the input is a model surprise
 * in sigma units capped at `cap` (instead of HTM's raw score in [0, 1]); the short-term average is an EWMA
 * (instead of a 10-sample window); the long-run mean and variance are exponentially forgotten with memory
 * `horizon` (instead of a sliding 8640-sample window re-estimated every 100 samples). The returned value
 * is the one-sided upper tail (a *drop* of surprise is not anomalous).
 *
 * `update` is causal: the average includes the current sample, the distribution it is compared with does
 * not. Non-finite inputs are ignored (p = 1) and counted. State: 6 numbers.
 *
 * @throws {DetectorParamError} for options out of range.
 */
export class SurpriseLikelihood {
  private readonly o: Required<SurpriseLikelihoodOptions>;
  private n = 0;
  private mean = 0;
  private variance = 0;
  /** Short-term average of the capped surprises after the last update (sigma units). */
  average = 0;
  /** Standardised average `(avg − μ)/σ` of the last update (0 during warm-up). */
  z = 0;
  /** Tail probability of the last update, in [1e-300, 1] (1 during warm-up). */
  p = 1;
  /** Non-finite inputs seen (ignored). */
  invalidPoints = 0;

  constructor(options: SurpriseLikelihoodOptions = {}) {
    this.o = { ...DEFAULT_SURPRISE_LIKELIHOOD_OPTIONS, ...options };
    const name = "SurpriseLikelihood";
    checkRange(name, "alpha", this.o.alpha, 1e-6, 1);
    checkRange(name, "cap", this.o.cap, 1e-6, 1e6);
    checkRange(name, "horizon", this.o.horizon, 1, 1e12);
    checkInt(name, "warmup", this.o.warmup, 0, 1e9);
    checkRange(name, "minSd", this.o.minSd, 1e-12, 1e6);
  }

  /** The resolved options. */
  get options(): Readonly<Required<SurpriseLikelihoodOptions>> {
    return this.o;
  }

  /**
   * Folds surprise `z` (≥ 0, sigma units) into the short-term average and returns the tail probability of
   * that average under the history before it (then adds it to the history).
   */
  update(z: number): number {
    if (!Number.isFinite(z)) {
      this.invalidPoints += 1;
      this.p = 1;
      this.z = 0;
      return 1;
    }
    const capped = z > this.o.cap ? this.o.cap : z < 0 ? 0 : z;
    this.average += this.o.alpha * (capped - this.average);
    const avg = this.average;
    if (this.n >= this.o.warmup) {
      const sd = Math.max(Math.sqrt(this.variance), this.o.minSd);
      this.z = (avg - this.mean) / sd;
      this.p = this.z > 0 ? Math.max(1e-300, gaussianTwoSidedTail(this.z) / 2) : 1;
    } else {
      this.z = 0;
      this.p = 1;
    }
    // exponentially forgotten mean and variance (West 1979, "Updating mean and variance estimates", CACM 22(9))
    this.n += 1;
    const a = Math.max(1 / this.o.horizon, 1 / this.n);
    const d = avg - this.mean;
    this.mean += a * d;
    this.variance = (1 - a) * (this.variance + a * d * d);
    return this.p;
  }

  /** Number of numeric state slots (constant; for memory-bound checks). */
  stateSize(): number {
    return 7;
  }
}
