/**
 * Token bucket rate limiter (pure: time is passed in as milliseconds).
 *
 * Tokens (here: bytes) accrue at `ratePerSecond` up to `capacity` (the burst size). A request for `n` tokens may
 * proceed when the bucket holds at least `min(n, capacity)`; it then removes all `n`, possibly leaving a negative
 * balance (debt) that later requests wait out. So chunks larger than the burst are still admitted, and the
 * long-run rate stays `ratePerSecond`. This is the single-rate bucket of RFC 2697 (the "C" bucket with CIR and CBS,
 * https://www.rfc-editor.org/rfc/rfc2697) and of https://en.wikipedia.org/wiki/Token_bucket, with debt instead of
 * marking packets red.
 * @module
 */

/** Thrown for an invalid rate, capacity or request size. */
export class InvalidTokenBucketError extends Error {
  override readonly name = "InvalidTokenBucketError";
}

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Refill rate, tokens (bytes) per second; `Infinity` = unlimited. Must be > 0. */
  readonly ratePerSecond: number;
  /** Burst size, tokens (bytes); must be finite and > 0. */
  readonly capacity: number;
  /** Creation time, ms. The bucket starts full. Default 0. */
  readonly now?: number;
}

function checkRate(rate: number): void {
  if (!(rate > 0)) throw new InvalidTokenBucketError(`ratePerSecond must be > 0 (Infinity = unlimited), got ${rate}`);
}

/** The bucket. All methods take the current time `now` in ms; time going backwards is treated as no time passing. */
export class TokenBucket {
  readonly #capacity: number;
  #rate: number;
  #tokens: number;
  #updatedAt: number;

  /** @throws {InvalidTokenBucketError} when `ratePerSecond ≤ 0` or `capacity` is not finite and > 0. */
  constructor(options: TokenBucketOptions) {
    checkRate(options.ratePerSecond);
    if (!(options.capacity > 0) || !Number.isFinite(options.capacity)) {
      throw new InvalidTokenBucketError(`capacity must be finite and > 0, got ${options.capacity}`);
    }
    this.#rate = options.ratePerSecond;
    this.#capacity = options.capacity;
    this.#tokens = options.capacity;
    this.#updatedAt = options.now ?? 0;
  }

  /** Refill rate, tokens per second. */
  get ratePerSecond(): number {
    return this.#rate;
  }

  /** Burst size, tokens. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Tokens available at `now` (negative while in debt). */
  tokens(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /**
   * Changes the rate from `now` on; tokens accrued so far at the old rate are kept. With `Infinity` the bucket
   * refills to capacity and clears any debt.
   * @throws {InvalidTokenBucketError} when `ratePerSecond ≤ 0`.
   */
  setRate(ratePerSecond: number, now: number): void {
    checkRate(ratePerSecond);
    this.#refill(now);
    this.#rate = ratePerSecond;
    if (ratePerSecond === Infinity) this.#tokens = this.#capacity;
  }

  /**
   * Milliseconds from `now` until a request for `n` tokens may proceed (0 = now).
   * @throws {InvalidTokenBucketError} when `n` is negative or not finite.
   */
  delayFor(n: number, now: number): number {
    checkRequest(n);
    this.#refill(now);
    const need = Math.min(n, this.#capacity) - this.#tokens;
    if (need <= 0 || this.#rate === Infinity) return 0;
    return (need / this.#rate) * 1000;
  }

  /**
   * Takes `n` tokens if the request may proceed at `now` (see the module description).
   * @returns `true` when taken, `false` when the caller must wait {@link TokenBucket.delayFor} ms.
   * @throws {InvalidTokenBucketError} when `n` is negative or not finite.
   */
  tryTake(n: number, now: number): boolean {
    if (this.delayFor(n, now) > 0) return false;
    if (this.#rate !== Infinity) this.#tokens -= n;
    return true;
  }

  #refill(now: number): void {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = this.#rate === Infinity ? this.#capacity : Math.min(this.#capacity, this.#tokens + (elapsed / 1000) * this.#rate);
      this.#updatedAt = now;
    }
  }
}

function checkRequest(n: number): void {
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidTokenBucketError(`token request must be finite and ≥ 0, got ${n}`);
}
