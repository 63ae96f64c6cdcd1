/** Deterministic synthetic series for detector tests (seeded PRNG, no Math.random). */

/** mulberry32 PRNG (public domain, Tommy Ettinger): uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal sampler (Box–Muller) on top of {@link rng}. */
export function gauss(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** 5-minute sampling, as most NAB series. */
export const STEP_MS = 5 * 60_000;
/** Samples per day at {@link STEP_MS}. */
export const PER_DAY = 288;
/** 2024-01-01T00:00:00Z. */
export const T0 = Date.UTC(2024, 0, 1);

/** A series as parallel arrays of timestamps (ms) and values. */
export interface Series {
  t: number[];
  x: number[];
}

/** `n` samples of `f(i, noise)` at 5-minute steps starting at {@link T0}. */
export function makeSeries(n: number, seed: number, f: (i: number, noise: number) => number): Series {
  const g = gauss(seed);
  const t: number[] = [];
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(T0 + i * STEP_MS);
    x.push(f(i, g()));
  }
  return { t, x };
}

/** Daily sinusoid with mean 50 and amplitude 20 plus N(0, sigma²) noise. */
export function daily(i: number, noise: number, sigma = 1): number {
  return 50 + 20 * Math.sin((2 * Math.PI * i) / PER_DAY) + sigma * noise;
}

/** Runs `update` over the series and returns all scores. */
export function scoreAll(det: { update(t: number, x: number): number }, s: Series): number[] {
  return s.x.map((v, i) => det.update(s.t[i] ?? 0, v));
}

/** Index of the first score ≥ `thr` at or after `from`, or -1. */
export function firstAtOrAbove(scores: readonly number[], thr: number, from = 0): number {
  for (let i = from; i < scores.length; i++) if ((scores[i] ?? 0) >= thr) return i;
  return -1;
}

/** Largest score in `[from, to)`. */
export function maxIn(scores: readonly number[], from: number, to = scores.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, scores[i] ?? 0);
  return m;
}
