/**
 * Small numeric building blocks shared by the detectors. All O(1) memory and allocation-free per update.
 */

/**
 * sqrt(pi/2): for a normal distribution, sigma = sqrt(pi/2) * E|X - mu|. Used to turn a mean absolute
 * deviation into a standard-deviation-equivalent scale (Geary 1935, "The ratio of the mean deviation to
 * the standard deviation as a test of normality", Biometrika 27).
 */
export const MEAN_ABS_DEV_TO_SIGMA = Math.sqrt(Math.PI / 2);

/**
 * Exponentially weighted location and scale with Huber-clipped updates: a residual larger than `clip`
 * scale units moves the estimates as if it were exactly `clip` units, so a single outlier cannot drag the
 * baseline (Huber 1964, "Robust estimation of a location parameter", Ann. Math. Statist. 35; the EWMA
 * itself is Roberts 1959 / Hunter 1986, "The exponentially weighted moving average", J. Quality Technology 18).
 *
 * Warm-up: while fewer than `1/alpha` samples were seen the smoothing factor is `1/n`, i.e. the plain
 * running mean, which removes the start-up bias of an EWMA seeded with the first value.
 *
 * State: four numbers; `update` is O(1) and does not allocate.
 */
export class RobustEwStats {
  /** Number of samples folded in so far. */
  n = 0;
  /** Location estimate (same unit as the samples). */
  mean = 0;
  /** Mean absolute deviation around {@link mean} (same unit as the samples). */
  absDev = 0;

  /**
   * @param alpha smoothing factor in (0, 1]; the effective memory is about `1/alpha` samples.
   * @param clip  Huber clip in scale units (`Infinity` disables clipping).
   */
  constructor(
    readonly alpha: number,
    readonly clip: number,
  ) {}

  /** Standard-deviation-equivalent scale: `absDev * sqrt(pi/2)`. */
  get sigma(): number {
    return this.absDev * MEAN_ABS_DEV_TO_SIGMA;
  }

  /**
   * Folds `x` in. `floor` is the smallest scale used for clipping (avoids a zero scale freezing the mean
   * on a flat series).
   */
  update(x: number, floor: number): void {
    this.n += 1;
    if (this.n === 1) {
      this.mean = x;
      this.absDev = 0;
      return;
    }
    const a = Math.max(this.alpha, 1 / this.n);
    const s = Math.max(this.sigma, floor);
    let r = x - this.mean;
    const lim = this.clip * s;
    if (r > lim) r = lim;
    else if (r < -lim) r = -lim;
    this.mean += a * r;
    this.absDev += a * (Math.abs(r) - this.absDev);
  }

  /** Forgets everything (as if freshly constructed). */
  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.absDev = 0;
  }
}

/**
 * Maps a non-negative surprise `z` (in standard-deviation units) to [0, 1) with `z = zHalf` mapping to
 * 0.5: `z^2 / (z^2 + zHalf^2)`. Monotone, so a threshold on the score is a threshold on `z`.
 */
export function surpriseToScore(z: number, zHalf: number): number {
  if (!(z > 0)) return 0;
  if (z === Infinity) return 1;
  const q = z * z;
  return q / (q + zHalf * zHalf);
}
