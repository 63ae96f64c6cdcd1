import { checkInt, checkRange } from "./errors.js";
import { MEAN_ABS_DEV_TO_SIGMA, surpriseToScore } from "./stats.js";

/** One day in ms. */
export const DAY_MS = 86_400_000;
/** One week in ms. */
export const WEEK_MS = 7 * DAY_MS;

/** Options of {@link SeasonalDetector}; every field has a default. */
export interface SeasonalOptions {
  /** Season length in ms (a day or a week). Default {@link DAY_MS}. */
  periodMs?: number;
  /** Number of time-of-season buckets (the state size). Default 96 (15-minute buckets over a day). */
  buckets?: number;
  /** Offset added to timestamps before bucketing, e.g. the local UTC offset in ms. Default 0 (UTC). */
  offsetMs?: number;
  /** Level smoothing factor per sample (Holt-Winters alpha). Default 0.05. */
  levelAlpha?: number;
  /** Seasonal smoothing factor per visit of a bucket (Holt-Winters gamma). Default 0.15. */
  seasonAlpha?: number;
  /** Smoothing factor of each bucket's residual scale per visit. Default 0.1. */
  scaleAlpha?: number;
  /** Huber clip of updates, in scale units. Default 3. */
  clip?: number;
  /** Whole seasons to observe before scoring. Default 2. */
  warmupPeriods?: number;
  /** Surprise (scale units) that maps to score 0.5. Default 4. */
  zHalf?: number;
  /** Smallest scale as a fraction of the overall residual scale. Default 0.25. */
  /**
   * Pseudo-visits of the overall residual scale blended into each bucket's scale (empirical-Bayes
   * shrinkage, so a bucket seen a few times does not get an over-confident scale). Default 5.
   */
  scalePrior?: number;
  /** Neighbouring buckets on each side also accepted as the sample's phase (the surprise is the minimum). Default 0. */
  phaseTolerance?: number;
  bucketFloor?: number;
}

/** Defaults of {@link SeasonalOptions}. */
export const DEFAULT_SEASONAL_OPTIONS: Required<SeasonalOptions> = {
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
};

/**
 * Seasonal baseline in the style of additive Holt-Winters (Winters 1960, "Forecasting sales by
 * exponentially weighted moving averages", Management Science 6; Hyndman & Athanasopoulos, FPP3 §8.3,
 * https://otexts.com/fpp3/holt-winters.html) with the season indexed by *time of season* rather than by
 * sample count: the timestamp picks one of `buckets` equal slices of the period, so irregular sampling
 * and gaps are handled. Forecast = level + season[bucket]; each bucket also keeps the mean absolute
 * deviation of its own residuals, so "noisy at noon, quiet at night" is learned too (the per-bucket
 * baseline idea of Twitter's seasonal ESD, Hochenbaum et al. 2017, arXiv:1704.07706).
 *
 * `z = |x - forecast| / scale[bucket]`, `score = z²/(z²+zHalf²)`, 0 until `warmupPeriods` seasons have
 * passed and the bucket has been seen. Updates are Huber-clipped. Non-finite values are ignored and
 * counted. State: `3 * buckets + O(1)` numbers, fixed at construction.
 *
 * @throws {DetectorParamError} for options out of range.
 */
export class SeasonalDetector {
  private readonly o: Required<SeasonalOptions>;
  private readonly season: Float64Array;
  private readonly scale: Float64Array;
  private readonly visits: Float64Array;
  private readonly bucketMs: number;
  private level = 0;
  private globalAbsDev = 0;
  private n = 0;
  private fitted = 0;
  private firstT = Number.NaN;
  /** Surprise of the last sample in scale units (0 during warm-up). */
  z = 0;
  /** Signed residual of the last sample in scale units (0 during warm-up); `z = |residual|` unless phase tolerance lowered it. */
  residual = 0;
  /** Deviation of the last sample from its own bucket's forecast, series units (0 during warm-up). */
  deviation = 0;
  /** Non-finite samples seen (ignored). */
  invalidPoints = 0;

  constructor(options: SeasonalOptions = {}) {
    this.o = { ...DEFAULT_SEASONAL_OPTIONS, ...options };
    const name = "SeasonalDetector";
    checkRange(name, "periodMs", this.o.periodMs, 1, Number.MAX_SAFE_INTEGER);
    checkInt(name, "buckets", this.o.buckets, 1, 100_000);
    checkRange(name, "offsetMs", this.o.offsetMs, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    checkRange(name, "levelAlpha", this.o.levelAlpha, 1e-6, 1);
    checkRange(name, "seasonAlpha", this.o.seasonAlpha, 1e-6, 1);
    checkRange(name, "scaleAlpha", this.o.scaleAlpha, 1e-6, 1);
    checkRange(name, "clip", this.o.clip, 0.1, Infinity);
    checkRange(name, "warmupPeriods", this.o.warmupPeriods, 0, 1e6);
    checkRange(name, "zHalf", this.o.zHalf, 1e-6, 1e6);
    checkRange(name, "bucketFloor", this.o.bucketFloor, 0, 1);
    checkRange(name, "scalePrior", this.o.scalePrior, 0, 1e6);
    checkInt(name, "phaseTolerance", this.o.phaseTolerance, 0, this.o.buckets);
    this.season = new Float64Array(this.o.buckets);
    this.scale = new Float64Array(this.o.buckets);
    this.visits = new Float64Array(this.o.buckets);
    this.bucketMs = this.o.periodMs / this.o.buckets;
  }

  /** Bucket index of timestamp `t` (ms). */
  bucketOf(t: number): number {
    const p = this.o.periodMs;
    const u = t + this.o.offsetMs;
    const phase = u - Math.floor(u / p) * p; // in [0, p) also for negative u; avoids the slow float `%`
    return Math.max(0, Math.min(this.o.buckets - 1, Math.floor(phase / this.bucketMs)));
  }

  /** Whether `warmupPeriods` seasons have been observed. */
  readyAt(t: number): boolean {
    return this.n > 0 && t - this.firstT >= this.o.warmupPeriods * this.o.periodMs;
  }

  /** Overall residual scale (series units, standard-deviation equivalent) across buckets. */
  get residualScale(): number {
    return this.globalAbsDev * MEAN_ABS_DEV_TO_SIGMA;
  }

  /** Forecast for time `t` (series units) from the current state. */
  forecast(t: number): number {
    return this.level + (this.season[this.bucketOf(t)] ?? 0);
  }

  /** Bucket scale shrunk towards the overall scale by `scalePrior` pseudo-visits, then floored. */
  private bucketSigma(b: number, globalSigma: number): number {
    const n = Math.min(Math.max(0, (this.visits[b] ?? 0) - 1), 1 / this.o.scaleAlpha);
    const own = (this.scale[b] ?? 0) * MEAN_ABS_DEV_TO_SIGMA;
    const k = this.o.scalePrior;
    const shrunk = n + k > 0 ? (n * own + k * globalSigma) / (n + k) : globalSigma;
    return Math.max(shrunk, this.o.bucketFloor * globalSigma, 1e-12);
  }

  private neighbourZ(x: number, nb: number, globalSigma: number): number {
    if ((this.visits[nb] ?? 0) === 0) return Infinity;
    const sigma = this.bucketSigma(nb, globalSigma);
    return Math.abs(x - this.level - (this.season[nb] ?? 0)) / sigma;
  }

  /** Scores `x` observed at `t` ms against the forecast, then updates the model. Returns a score in [0, 1]. */
  update(t: number, x: number): number {
    if (!Number.isFinite(x) || !Number.isFinite(t)) {
      this.invalidPoints += 1;
      this.z = 0;
      this.residual = 0;
      this.deviation = 0;
      return 0;
    }
    const b = this.bucketOf(t);
    this.n += 1;
    if (this.n === 1) {
      this.firstT = t;
      this.level = x;
    }
    const seen = this.visits[b] ?? 0;
    const s = this.season[b] ?? 0;
    const globalSigma = this.globalAbsDev * MEAN_ABS_DEV_TO_SIGMA;
    const sigma = this.bucketSigma(b, globalSigma);
    const r = x - this.level - s;
    this.residual = seen > 0 && this.readyAt(t) ? r / sigma : 0;
    this.deviation = this.residual === 0 ? 0 : r;
    this.z = Math.abs(this.residual);
    // phase tolerance: the sample may belong to a neighbouring slice (jittery or drifting schedules)
    for (let d = 1; d <= this.o.phaseTolerance && this.z > 0; d++) {
      this.z = Math.min(this.z, this.neighbourZ(x, (b + d) % this.o.buckets, globalSigma));
      this.z = Math.min(this.z, this.neighbourZ(x, (b - d + this.o.buckets) % this.o.buckets, globalSigma));
    }

    // Huber-clipped Holt-Winters updates (first visit of a bucket initialises it without clipping).
    const lim = this.o.clip * sigma;
    const rc = seen === 0 || globalSigma === 0 ? r : Math.max(-lim, Math.min(lim, r));
    const ga = Math.max(this.o.seasonAlpha, 1 / (seen + 1));
    const la = Math.max(this.o.levelAlpha, 1 / this.n);
    // level follows the deseasonalised value, the season follows the level-free value
    this.level += la * rc * (seen === 0 ? 0 : 1);
    this.season[b] = s + ga * (rc - (seen === 0 ? 0 : la * rc));
    if (seen > 0) {
      const sa = Math.max(this.o.scaleAlpha, 1 / seen);
      this.scale[b] = (this.scale[b] ?? 0) + sa * (Math.abs(rc) - (this.scale[b] ?? 0));
      this.fitted += 1;
      const gA = Math.max(this.o.scaleAlpha / this.o.buckets, 1 / this.fitted);
      this.globalAbsDev += gA * (Math.abs(rc) - this.globalAbsDev);
    }
    this.visits[b] = seen + 1;
    return surpriseToScore(this.z, this.o.zHalf);
  }

  /** Number of numeric state slots (constant for a given `buckets`; for memory-bound checks). */
  stateSize(): number {
    return this.season.length + this.scale.length + this.visits.length + 8;
  }
}
