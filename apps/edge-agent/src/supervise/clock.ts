/**
 * Time source of the supervision adapters. Every loop in `src/supervise/` reads time and waits only through a
 * {@link Clock}, so tests drive them with a manual clock instead of sleeping, and the pure cores receive time as a
 * plain number of milliseconds.
 * @module
 */

/** A monotonic millisecond clock with an abortable sleep. */
export interface Clock {
  /** Current time in milliseconds. Only differences are meaningful (monotonic, not wall-clock). */
  now(): number;
  /**
   * Resolves after `ms` milliseconds (immediately for `ms <= 0`).
   * @throws the signal's `reason` (rejects) when `signal` aborts first, or is already aborted.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Rejects with `signal.reason` if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** The signal's `reason`, or a `DOMException("AbortError")`-like Error when no reason was given. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error("aborted"), { name: "AbortError" });
}

/** True when `error` is the abort reason of `signal` (the expected way a loop ends on shutdown). */
export function isAbortOf(signal: AbortSignal, error: unknown): boolean {
  return signal.aborted && (error === signal.reason || (error instanceof Error && error.name === "AbortError"));
}

/** Longest single `setTimeout` Node honours (2^31 − 1 ms ≈ 24.8 days); longer delays would fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The process clock: `performance.now()` (monotonic, unaffected by NTP steps) and `setTimeout`.
 * Sleeps longer than {@link MAX_TIMER_MS} are clamped to it (callers re-plan in a loop).
 * Sources: https://nodejs.org/api/perf_hooks.html#performancenow, https://nodejs.org/api/timers.html#settimeoutcallback-delay-args
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};
