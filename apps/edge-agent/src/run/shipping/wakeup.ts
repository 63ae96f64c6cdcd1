/**
 * A reusable wake-up for polling loops: `wait(ms, signal)` resolves after `ms`, on the next `wake()`, or when
 * `signal` aborts, whichever comes first. Never rejects; a `wake()` with nobody waiting is not remembered (callers
 * re-check their condition after every wait, so a missed wake-up costs at most one period).
 * @module
 */

/** See the module documentation. */
export class Wakeup {
  #waiters = new Set<() => void>();

  /** Waiters currently sleeping. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Resolves every current waiter. */
  wake(): void {
    const w = [...this.#waiters];
    this.#waiters.clear();
    for (const r of w) r();
  }

  /**
   * Sleeps up to `ms` milliseconds.
   *
   * @param ms - longest wait (≤ 0: next macrotask).
   * @param signal - resolves the wait at once when it aborts.
   */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
