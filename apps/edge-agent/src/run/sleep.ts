/**
 * Timer helpers with an AbortSignal.
 * @module
 */

/**
 * Waits `ms` milliseconds, or less if `signal` aborts (then resolves, never rejects: callers check `signal.aborted`).
 *
 * @param ms - delay in milliseconds (≤ 0 resolves on the next macrotask).
 * @param signal - cuts the wait short.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}
