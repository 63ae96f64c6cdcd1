/**
 * Retry delays: capped exponential backoff with "full jitter", `delay = random() × min(cap, base × factor^(n−1))`,
 * from M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog (2015),
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/ — full jitter spreads the retries of many
 * agents hitting one recovering receiver. A server's `Retry-After` (RFC 9110 §10.2.3) is a floor.
 */
import { AlertConfigError } from "./errors.js";
import type { RetryOptions } from "./types.js";

/** {@link RetryOptions} with defaults applied. */
export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly random: () => number;
}

/**
 * Applies defaults (1 s initial, 5 min cap, factor 2, `Math.random`).
 * @throws {AlertConfigError} for a non-positive delay, a cap below the initial delay or a factor below 1.
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const p = { initialDelayMs: options.initialDelayMs ?? 1000, maxDelayMs: options.maxDelayMs ?? 300_000, factor: options.factor ?? 2, random: options.random ?? Math.random };
  if (!(p.initialDelayMs > 0)) throw new AlertConfigError("retry.initialDelayMs", p.initialDelayMs, "expected a positive number of ms");
  if (!(p.maxDelayMs >= p.initialDelayMs)) throw new AlertConfigError("retry.maxDelayMs", p.maxDelayMs, "expected at least retry.initialDelayMs");
  if (!(p.factor >= 1)) throw new AlertConfigError("retry.factor", p.factor, "expected a number >= 1");
  return p;
}

/**
 * Delay in ms before attempt `failures + 1`, after `failures` (≥ 1) consecutive failures.
 * `retryAfterMs` (from the receiver) raises the delay to at least that, still capped at `maxDelayMs`.
 */
export function backoffDelay(policy: RetryPolicy, failures: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, failures - 1));
  const jittered = policy.random() * exp;
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** Parses an HTTP `Retry-After` header (delay-seconds or an HTTP-date) into ms from `now`; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
