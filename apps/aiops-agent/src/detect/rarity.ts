import { checkInt, checkRange } from "./errors.js";

/** Options of {@link RarityCalibrator}; every field has a default. */
export interface RarityOptions {
  /** Smallest surprise tracked; smaller ones only count towards the total. Default 1. */
  zMin?: number;
  /** Ratio between consecutive bin edges (> 1). Default 1.15. */
  growth?: number;
  /** Number of log-spaced bins (the state size); the last one is open-ended. Default 48. */
  bins?: number;
  /** Effective memory in samples (exponential forgetting, `decay = 1 - 1/horizon`). Default 3000. */
  horizon?: number;
  /** Weight (pseudo-samples) of the prior tail blended into the empirical tail. Default 30. */
  priorWeight?: number;
  /**
   * Null-hypothesis tail used as the prior: `gaussian` = two-sided normal tail of `z` (surprises in sigma
   * units); `exponential` = `exp(-priorRate·z)` (e.g. a CUSUM statistic, whose stationary tail under the
   * null is ≈ `exp(-2k·s)`, Siegmund 1985 "Sequential Analysis" ch. 2); `none` = tail 0 (the prior
   * weight then only shrinks the empirical tail: a value never seen before has `p` ≈ 0). Default `gaussian`.
   */
  prior?: "gaussian" | "exponential" | "none";
  /** Rate of the exponential prior. Default 1. */
  priorRate?: number;
}

/** Defaults of {@link RarityOptions}. */
export const DEFAULT_RARITY_OPTIONS: Required<RarityOptions> = {
  zMin: 1,
  growth: 1.15,
  bins: 48,
  horizon: 3000,
  priorWeight: 30,
  prior: "gaussian",
  priorRate: 1,
};

/** Two-sided standard normal tail `P(|N(0,1)| >= z)` (Abramowitz & Stegun 7.1.26 erfc approximation). */
export function gaussianTwoSidedTail(z: number): number {
  if (!(z > 0)) return 1;
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.max(poly * Math.exp(-x * x), Number.MIN_VALUE);
}

/**
 * Turns a stream of surprises (`z`, sigma units) into *tail probabilities under the series' own recent
 * history*: `p = (W(z' >= z) + w₀·Q(z)) / (W + w₀)` where `W(·)` are exponentially-forgotten counts of
 * past surprises kept in a fixed log-spaced histogram and `Q` is the Gaussian two-sided tail acting as a
 * prior of weight `w₀`. A spike that this series produces every hundred samples is therefore not rare,
 * while a first-ever excursion keeps a tiny `p`. This is the empirical-distribution counterpart of
 * Numenta's *anomaly likelihood* (Ahmad, Lavin, Purdy & Agha 2017, "Unsupervised real-time anomaly
 * detection for streaming data", Neurocomputing 262, §3.3) and of conformal p-values (Vovk, Gammerman &
 * Shafer 2005, "Algorithmic Learning in a Random World", ch. 2).
 *
 * `p` is computed *before* the current sample is added (causal). Forgetting uses a growing weight with
 * periodic renormalisation; counts sit in a Fenwick tree (Fenwick 1994, Software: Practice and Experience
 * 24(3)), so an update and a query cost O(log bins). State: `2·bins + 4` numbers.
 *
 * @throws {DetectorParamError} for options out of range.
 */
export class RarityCalibrator {
  private readonly o: Required<RarityOptions>;
  /** Per-bin forgotten counts, in units of {@link weight}. */
  private readonly counts: Float64Array;
  /** Fenwick tree over bins in reverse order (index 1..bins), so suffix sums cost O(log bins). */
  private readonly tree: Float64Array;
  private readonly logGrowth: number;
  private readonly decay: number;
  private weight = 1;
  private total = 0;

  constructor(options: RarityOptions = {}) {
    this.o = { ...DEFAULT_RARITY_OPTIONS, ...options };
    checkRange("RarityCalibrator", "zMin", this.o.zMin, 1e-6, 1e6);
    checkRange("RarityCalibrator", "growth", this.o.growth, 1.0001, 100);
    checkInt("RarityCalibrator", "bins", this.o.bins, 1, 10_000);
    checkRange("RarityCalibrator", "horizon", this.o.horizon, 1, 1e12);
    checkRange("RarityCalibrator", "priorWeight", this.o.priorWeight, 1e-9, 1e12);
    checkRange("RarityCalibrator", "priorRate", this.o.priorRate, 1e-9, 1e6);
    this.counts = new Float64Array(this.o.bins);
    this.tree = new Float64Array(this.o.bins + 1);
    this.logGrowth = Math.log(this.o.growth);
    this.decay = 1 - 1 / this.o.horizon;
  }

  /** Fractional bin position of `z` (−Infinity at 0, negative below `zMin`). */
  private position(z: number): number {
    return Math.log(z / this.o.zMin) / this.logGrowth;
  }

  /** Tail probability of a surprise of `z` given the history so far (does not update). In [1e-300, 1]. */
  tail(z: number): number {
    return this.tailAt(z, z >= this.o.zMin ? this.position(z) : -1);
  }

  /** {@link tail} of `z`, then {@link add} of `z` — one logarithm instead of two. */
  observe(z: number): number {
    if (z === 0) {
      // both priors have tail 1 at 0 and every past sample is ≥ 0: p is exactly 1
      this.addAt(z, -1);
      return 1;
    }
    const pos = z >= this.o.zMin ? this.position(z) : -1;
    const p = this.tailAt(z, pos);
    this.addAt(z, pos);
    return p;
  }

  /** Adds surprise `z` to the history. `NaN` is ignored. */
  add(z: number): void {
    this.addAt(z, z >= this.o.zMin ? this.position(z) : -1);
  }

  private tailAt(z: number, pos: number): number {
    const prior = this.o.priorWeight;
    const q =
      this.o.prior === "gaussian"
        ? gaussianTwoSidedTail(z)
        : this.o.prior === "none"
          ? z > 0 ? 0 : 1
          : z > 0 ? Math.exp(-this.o.priorRate * z) : 1;
    // floor at 1e-300 so -log10(p) stays finite (≤ 300) however extreme z is
    return Math.min(1, Math.max(1e-300, (this.totalAbove(z, pos) + prior * q) / (this.total + prior)));
  }

  private totalAbove(z: number, pos: number): number {
    if (this.total <= 0) return 0;
    if (!(z >= this.o.zMin)) return this.total;
    const bins = this.o.bins;
    const b = Math.floor(pos);
    // the last bin is open-ended [edge, ∞): a surprise in it or beyond is compared with everything there
    if (b >= bins - 1) return (this.counts[bins - 1] ?? 0) / this.weight;
    // bins b+1 .. bins-1 are reversed indices 0 .. bins-b-2: a prefix of length bins-1-b
    let sum = 0;
    for (let k = bins - 1 - b; k > 0; k -= k & -k) sum += this.tree[k] ?? 0;
    // linear interpolation inside the bin keeps p continuous and monotone in z
    sum += (this.counts[b] ?? 0) * (1 - (pos - b));
    return sum / this.weight;
  }

  private addAt(z: number, pos: number): void {
    if (Number.isNaN(z)) return;
    this.weight /= this.decay;
    if (this.weight > 1e100) this.renormalise();
    this.total = this.total * this.decay + 1;
    if (z >= this.o.zMin) {
      const bins = this.o.bins;
      const b = Math.min(bins - 1, Math.floor(pos));
      this.counts[b] = (this.counts[b] ?? 0) + this.weight;
      for (let k = bins - b; k <= bins; k += k & -k) this.tree[k] = (this.tree[k] ?? 0) + this.weight;
    }
  }

  private renormalise(): void {
    const w = this.weight;
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] ?? 0) / w;
    for (let i = 0; i < this.tree.length; i++) this.tree[i] = (this.tree[i] ?? 0) / w;
    this.weight = 1;
  }

  /** Number of numeric state slots (constant for a given `bins`). */
  stateSize(): number {
    return this.counts.length + this.tree.length + 3;
  }
}
