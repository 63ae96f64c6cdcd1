/**
 * Retry of one AWS call on throttling (`ThrottlingException`, HTTP 429) and transient server errors (HTTP 5xx),
 * with exponential backoff and full jitter (see ../ship/backoff.ts). Any other error becomes an {@link AwsApiError}
 * at once. The OpenSearch client is built with `maxAttempts: 1` (see client.ts) so this loop is the only retry
 * layer and attempts do not multiply. Throttling is described in
 * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/CommonErrors.html.
 * @module
 */
import { fullJitterDelay } from "../ship/backoff.js";
import { isThrottlingError, isTransientServerError, toAwsApiError, type AwsApiError, type DomainOperation } from "./errors.js";

/** Waits `ms` milliseconds; rejects when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Options of {@link callWithRetry}. */
export interface RetryOptions {
  /** Total calls at most, ≥ 1 (default 6). */
  readonly maxAttempts?: number;
  /** Backoff scale of the first retry, in ms (default 500). */
  readonly baseMs?: number;
  /** Largest delay between attempts, in ms (default 20 000). */
  readonly capMs?: number;
  /** Waits between attempts (tests inject an instant one). */
  readonly sleep: Sleep;
  /** Uniform random source in [0, 1) for jitter (default `Math.random`). */
  readonly random?: () => number;
  /** Stops retrying (the sleep rejects). */
  readonly signal?: AbortSignal;
  /** Called before each retry with the error and the delay chosen, in ms. */
  readonly onRetry?: (info: { operation: DomainOperation; attempt: number; delayMs: number; error: AwsApiError }) => void;
}

/**
 * Calls `fn`, retrying throttling and transient server errors.
 * @param operation - API operation name, for errors and `onRetry`.
 * @param fn - the call.
 * @param opts - attempts, backoff, sleep, jitter source.
 * @returns what `fn` resolves to.
 * @throws {AwsApiError} on a non-retryable error, or the last error after `maxAttempts` calls (with the count).
 */
export async function callWithRetry<T>(operation: DomainOperation, fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(opts.maxAttempts ?? 6));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = isThrottlingError(err) || isTransientServerError(err);
      const error = toAwsApiError(err, operation, attempt);
      if (!retryable || attempt >= maxAttempts) throw error;
      const delayMs = fullJitterDelay(attempt - 1, { baseMs: opts.baseMs ?? 500, capMs: opts.capMs ?? 20_000, ...(opts.random ? { random: opts.random } : {}) });
      opts.onRetry?.({ operation, attempt, delayMs, error });
      await opts.sleep(delayMs, opts.signal);
    }
  }
}
