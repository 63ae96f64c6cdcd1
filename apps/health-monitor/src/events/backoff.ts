/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random) so a fleet of monitors does
 * not reconnect in lockstep after an engine restart. Pure (the random source is passed in).
 * Source: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */

/**
 * Delay before reconnect attempt `attempt` (0-based), in ms: `d/2 + rand()·d/2` with
 * `d = min(maxMs, initialMs · 2^attempt)`.
 */
export function reconnectDelayMs(attempt: number, initialMs: number, maxMs: number, rand: () => number = Math.random): number {
  const d = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt));
  return Math.round(d / 2 + rand() * (d / 2));
}

/**
 * Resolves after `ms`, or at once when `signal` aborts (never rejects), so loops can check the signal and exit.
 * @returns true when the full delay elapsed, false when aborted.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
