/**
 * Exponential backoff with "full jitter".
 *
 * `delay(attempt) = random() · min(capMs, baseMs · 2^attempt)` — Marc Brooker, "Exponential Backoff And Jitter",
 * AWS Architecture Blog, 2015 (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/): full
 * jitter spreads retries of many clients evenly and does the least total work among the variants compared there.
 * The random source is injected so tests (and simulations) are deterministic.
 * @module
 */

/** Options for {@link Backoff} and {@link fullJitterDelay}. */
export interface BackoffOptions {
  /** Delay scale of attempt 0, in milliseconds. Default 100. */
  readonly baseMs?: number;
  /** Upper bound of any delay, in milliseconds. Default 30 000. */
  readonly capMs?: number;
  /** Uniform random source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/** Thrown when backoff options are out of range. */
export class InvalidBackoffOptionsError extends Error {
  override readonly name = "InvalidBackoffOptionsError";
}

function check(baseMs: number, capMs: number): void {
  if (!(baseMs > 0) || !Number.isFinite(baseMs)) throw new InvalidBackoffOptionsError(`baseMs must be > 0, got ${baseMs}`);
  if (!(capMs >= baseMs) || !Number.isFinite(capMs)) {
    throw new InvalidBackoffOptionsError(`capMs must be finite and ≥ baseMs (${baseMs}), got ${capMs}`);
  }
}

/**
 * Full-jitter delay for one attempt.
 *
 * @param attempt - 0 for the first retry; negative values are treated as 0.
 * @param options - see {@link BackoffOptions}.
 * @returns milliseconds in `[0, min(capMs, baseMs · 2^attempt))`.
 * @throws {InvalidBackoffOptionsError} on non-positive `baseMs` or `capMs < baseMs`.
 */
export function fullJitterDelay(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? 100;
  const capMs = options.capMs ?? 30_000;
  check(baseMs, capMs);
  const exp = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(0, Math.floor(attempt)), 52));
  return (options.random ?? Math.random)() * exp;
}

/** Stateful backoff for one retry loop: `next()` after each failure, `reset()` after a success. */
export class Backoff {
  readonly #options: Required<BackoffOptions>;
  #attempt = 0;

  /** @throws {InvalidBackoffOptionsError} on invalid options. */
  constructor(options: BackoffOptions = {}) {
    this.#options = { baseMs: options.baseMs ?? 100, capMs: options.capMs ?? 30_000, random: options.random ?? Math.random };
    check(this.#options.baseMs, this.#options.capMs);
  }

  /** Failures since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** Delay before the next retry, in milliseconds; increments the attempt counter. */
  next(): number {
    return fullJitterDelay(this.#attempt++, this.#options);
  }

  /** Call after a success: the next failure starts again at attempt 0. */
  reset(): void {
    this.#attempt = 0;
  }
}
