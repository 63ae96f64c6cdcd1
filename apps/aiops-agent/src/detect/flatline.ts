import { checkInt, checkRange } from "./errors.js";

/** Options of {@link FlatlineDetector}; every field has a default. */
export interface FlatlineOptions {
  /** Smoothing factor of the short-run mean absolute first difference. Default 0.1 (≈ 10 samples). */
  shortAlpha?: number;
  /** Smoothing factor of the long-run mean absolute first difference. Default 0.005 (≈ 200 samples). */
  longAlpha?: number;
  /** Samples before the statistic is non-zero. Default 100. */
  warmup?: number;
  /**
   * Each first difference enters the *long-run* mean clipped at `clip` × that mean (Huber-style), so the
   * bursts of a spiky series do not inflate "usual activity" and make every quiet spell after them look
   * like a flatline. `Infinity` disables the clip. Default 4.
   */
  clip?: number;
  /**
   * Rate `λ` of the exponential null tail `P(stat ≥ s) ≈ exp(-λ s)` used as the calibration prior by
   * {@link CombinedDetector}. Default 2 (a halving of the activity is then a `p ≈ 0.14` event).
   */
  nullTailRate?: number;
}

/** Defaults of {@link FlatlineOptions}. */
export const DEFAULT_FLATLINE_OPTIONS: Required<FlatlineOptions> = {
  shortAlpha: 0.1,
  longAlpha: 0.005,
  warmup: 100,
  clip: 4,
  nullTailRate: 2,
};

/**
 * Flatline / stuck-value detector: compares the short-run and long-run exponentially weighted mean of
 * `|x_t − x_{t−1}|` and reports `statistic = log2(long / short)` (≥ 0), i.e. how many halvings of the
 * series' usual activity just happened. A stuck sensor, a frozen exporter or a saturated counter drives it
 * up by ~0.15 per sample (for `shortAlpha` 0.1) while the value itself stays perfectly "normal" — the case
 * level-based detectors cannot see. The ratio of two mean-absolute-difference estimates is the streaming
 * analogue of the von Neumann successive-difference dispersion estimate (von Neumann et al. 1941,
 * Ann. Math. Statist. 12(2)) tested for a variance drop.
 *
 * The long-run mean is Huber-clipped (`clip`, Huber 1964, Ann. Math. Statist. 35) so that rare bursts do not
 * count as usual activity. A series that has always been flat (long-run activity 0) never scores. Non-finite values are ignored
 * and counted. State: O(1).
 *
 * @throws {DetectorParamError} for options out of range.
 */
export class FlatlineDetector {
  private readonly o: Required<FlatlineOptions>;
  private n = 0;
  private prev = 0;
  private short = 0;
  private long = 0;
  /** `log2(long/short)` after the last sample (0 during warm-up or when activity is not lower than usual). */
  statistic = 0;
  /** Non-finite samples seen (ignored). */
  invalidPoints = 0;

  constructor(options: FlatlineOptions = {}) {
    this.o = { ...DEFAULT_FLATLINE_OPTIONS, ...options };
    checkRange("FlatlineDetector", "shortAlpha", this.o.shortAlpha, 1e-6, 1);
    checkRange("FlatlineDetector", "longAlpha", this.o.longAlpha, 1e-6, 1);
    checkInt("FlatlineDetector", "warmup", this.o.warmup, 1, 1e9);
    if (this.o.clip !== Infinity) checkRange("FlatlineDetector", "clip", this.o.clip, 1, 1e12);
    checkRange("FlatlineDetector", "nullTailRate", this.o.nullTailRate, 1e-6, 1e6);
  }

  /** The resolved options. */
  get options(): Readonly<Required<FlatlineOptions>> {
    return this.o;
  }

  /** Feeds `x` (observed at `t` ms, unused) and returns the statistic (≥ 0, up to ~20). */
  update(_t: number, x: number): number {
    if (!Number.isFinite(x)) {
      this.invalidPoints += 1;
      return this.statistic;
    }
    if (this.n > 0) {
      const d = Math.abs(x - this.prev);
      this.short += this.o.shortAlpha * (d - this.short);
      // the clip starts once the long-run mean has a few samples behind it
      const lim = this.o.clip * this.long;
      const dl = this.n > 10 && d > lim ? lim : d;
      this.long += Math.max(this.o.longAlpha, 1 / this.n) * (dl - this.long);
    }
    this.prev = x;
    this.n += 1;
    this.statistic =
      this.n > this.o.warmup && this.long > 0 ? Math.max(0, Math.log2(this.long / Math.max(this.short, this.long * 1e-6))) : 0;
    return this.statistic;
  }

  /** Number of numeric state slots (constant; for memory-bound checks). */
  stateSize(): number {
    return 6;
  }
}
