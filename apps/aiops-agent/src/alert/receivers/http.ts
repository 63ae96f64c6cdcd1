/**
 * One HTTP POST with a timeout, classified for retry: success on 2xx; retryable on network errors, timeouts, 408,
 * 429 and 5xx (honouring `Retry-After`); permanent on other statuses, redirects included (they are not followed: a
 * signed body must not be replayed to another host). Error messages carry the status and the
 * start of the response body but never the URL (Slack webhook URLs and PagerDuty keys are secrets).
 */
import { parseRetryAfter } from "../backoff.js";
import { DeliveryError } from "../errors.js";
import type { FetchLike } from "../types.js";

/** A request built by a receiver's pure payload builder. */
export interface HttpRequestSpec {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Serialized JSON body (signatures are computed over exactly these bytes). */
  readonly body: string;
}

/** Settings of {@link postJson}. */
export interface PostOptions {
  readonly fetch: FetchLike;
  /** Per-request timeout, ms. */
  readonly timeoutMs: number;
  /** Aborts the request when the sink closes or a flush deadline passes. */
  readonly signal?: AbortSignal;
  /** Clock for `Retry-After` dates, ms since epoch. */
  readonly now: () => number;
}

/**
 * POSTs `spec`; resolves on 2xx.
 * @throws {DeliveryError} with `retryable` and `status`/`retryAfterMs` set as described in the module comment.
 */
export async function postJson(receiver: string, spec: HttpRequestSpec, options: PostOptions): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  let res: Response;
  try {
    res = await options.fetch(spec.url, { method: "POST", redirect: "manual", headers: { "content-type": "application/json", ...spec.headers }, body: spec.body, signal });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = timeout.aborted ? `timed out after ${options.timeoutMs} ms` : options.signal?.aborted ? "aborted" : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ""}`;
    throw new DeliveryError(receiver, `request failed: ${reason}`, true, undefined, undefined, { cause: err });
  }
  const text = await res.text().catch(() => "");
  if (res.ok) return;
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), options.now());
  throw new DeliveryError(receiver, `HTTP ${res.status}: ${text.slice(0, 200)}`, retryable, res.status, retryAfterMs);
}
