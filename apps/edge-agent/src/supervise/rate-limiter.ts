/**
 * Async adapter of the {@link TokenBucket}: the tailer awaits `take(bytes, signal)` before reading a chunk.
 * Waiters are served first come, first served; a rate change (from the throttle controller) wakes the waiter so it
 * recomputes its delay at the new rate.
 *
 * Intended metrics (wired by the daemon): `soc_edge_read_throttled_seconds_total` from
 * {@link RateLimiter.waitedMs} (counter, converted to seconds).
 * @module
 */
import { type Clock, systemClock, throwIfAborted } from "./clock.js";
import { TokenBucket } from "./token-bucket.js";

/** Thrown (rejects) by {@link RateLimiter.take} after {@link RateLimiter.close}. */
export class RateLimiterClosedError extends Error {
  override readonly name = "RateLimiterClosedError";
  constructor() {
    super("rate limiter closed");
  }
}

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Initial rate, bytes/s; `Infinity` = unlimited. Default `Infinity`. */
  readonly bytesPerSecond?: number;
  /** Burst size, bytes. Default 1 MiB (about four 256 KiB tailer chunks). */
  readonly burstBytes?: number;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
}

/** Read-rate limiter shared by every reader of the agent. */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #bucket: TokenBucket;
  #tail: Promise<void> = Promise.resolve();
  #wake = new AbortController();
  #closed = false;
  #waiting = 0;
  #waitedMs = 0;
  #takenBytes = 0;

  /** @throws {InvalidTokenBucketError} on an invalid rate or burst. */
  constructor(options: RateLimiterOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#bucket = new TokenBucket({
      ratePerSecond: options.bytesPerSecond ?? Infinity,
      capacity: options.burstBytes ?? 1024 * 1024,
      now: this.#clock.now(),
    });
  }

  /** Current rate, bytes/s (`Infinity` = unlimited). */
  get bytesPerSecond(): number {
    return this.#bucket.ratePerSecond;
  }

  /** Callers currently waiting in {@link RateLimiter.take}. */
  get waiting(): number {
    return this.#waiting;
  }

  /** Total time callers spent waiting for tokens, ms (summed over callers). */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /** Total bytes admitted. */
  get takenBytes(): number {
    return this.#takenBytes;
  }

  /**
   * Changes the rate (e.g. to `ThrottleStep.readBytesPerSecond`) and wakes a waiting caller to re-plan.
   * @throws {InvalidTokenBucketError} when `bytesPerSecond ≤ 0`.
   */
  setRate(bytesPerSecond: number): void {
    this.#bucket.setRate(bytesPerSecond, this.#clock.now());
    this.#wakeWaiter();
  }

  /**
   * Waits until `bytes` may be read, then accounts for them. Requests larger than the burst are admitted when the
   * bucket is full, leaving a debt (see {@link TokenBucket}). With tokens available (always, when unlimited) it
   * resolves within microtasks, so a caller must do real IO between takes, as a reader does.
   * @throws the signal's reason (rejects) when `signal` aborts while waiting; {@link RateLimiterClosedError} after
   *   {@link RateLimiter.close}; {@link InvalidTokenBucketError} for a negative or non-finite `bytes`.
   */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed) throw new RateLimiterClosedError();
    throwIfAborted(signal);
    this.#bucket.delayFor(bytes, this.#clock.now()); // validates `bytes` before queueing
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    const started = this.#clock.now();
    this.#waiting++;
    try {
      await raceAbort(previous, signal);
      for (;;) {
        if (this.#closed) throw new RateLimiterClosedError();
        throwIfAborted(signal);
        const now = this.#clock.now();
        if (this.#bucket.tryTake(bytes, now)) break;
        const wake = this.#wake.signal;
        const sleepSignal = signal ? AbortSignal.any([signal, wake]) : wake;
        try {
          await this.#clock.sleep(this.#bucket.delayFor(bytes, now), sleepSignal);
        } catch (error) {
          if (!wake.aborted || signal?.aborted) throw error; // a wake-up re-plans; anything else propagates
        }
      }
      this.#takenBytes += bytes;
    } finally {
      this.#waiting--;
      this.#waitedMs += this.#clock.now() - started;
      // Keep FIFO order even if this caller gave up early: the next one starts after the previous finished.
      void previous.then(release);
    }
  }

  /** Rejects current and future `take` calls with {@link RateLimiterClosedError}. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#wakeWaiter();
  }

  #wakeWaiter(): void {
    this.#wake.abort();
    this.#wake = new AbortController();
  }
}

/** Awaits `promise` (which never rejects) unless `signal` aborts first; then rejects with its reason. */
function raceAbort(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
