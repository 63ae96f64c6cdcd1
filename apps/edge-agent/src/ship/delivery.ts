/**
 * What to do with a batch after one `_bulk` attempt: which items are done (ack their lines), which to send again
 * after backoff, which to dead-letter, whether to split the batch, and whether to stop shipping.
 *
 * Rules (OpenSearch `_bulk` semantics, https://opensearch.org/docs/latest/api-reference/document-apis/bulk/):
 * - transport error (connection refused/reset, timeout) or HTTP 408/429/5xx → every item is retried: nothing can
 *   be assumed indexed, and re-sending is safe because ids are deterministic;
 * - HTTP 413 → split the batch in halves (a single item that is still too large is dead-lettered);
 * - other HTTP 4xx (401/403/400/404) → `fatal`: items are kept for retry and the caller should stop and alert
 *   (a wrong password must never turn into data loss);
 * - HTTP 2xx → per item via `parseBulkResponse`; a response that does not match the request (`BulkResponseError`)
 *   is treated like a transport error.
 * @module
 */
import { BulkResponseError, type BulkOpType, classifyBulkHttpStatus, parseBulkResponse } from "./bulk.js";

/** Outcome of one HTTP attempt, as the transport saw it. */
export type BulkAttempt =
  | { readonly status: number; readonly body: string | Buffer | object }
  | { readonly error: Error };

/** An item that will not be retried, with the cluster's reason. */
export interface DeadLetteredItem<T> {
  readonly item: T;
  readonly status: number;
  readonly type: string;
  readonly reason: string;
}

/** Plan for a batch after one attempt. Every input item appears in exactly one of acked/retry/deadLetter/split. */
export interface DeliveryPlan<T> {
  /** Indexed now or by an earlier attempt: acknowledge. */
  readonly acked: T[];
  /** Send again after backoff. */
  readonly retry: T[];
  /** Permanent per-item failures: write to the dead-letter file, then acknowledge. */
  readonly deadLetter: DeadLetteredItem<T>[];
  /** 413: send these halves as separate batches (no backoff needed). */
  readonly split: T[][];
  /** Set when shipping should stop (auth/config/protocol fault); `retry` holds the items. */
  readonly fatal?: { readonly status: number; readonly reason: string };
  /** Why items are in `retry` (for metrics and logs), if any. */
  readonly retryReason?: string;
}

function reasonOf(body: string | Buffer | object): string {
  try {
    const v = (typeof body === "string" || Buffer.isBuffer(body) ? JSON.parse(body.toString()) : body) as {
      error?: { type?: string; reason?: string } | string;
    };
    if (typeof v.error === "string") return v.error;
    if (v.error) return `${v.error.type ?? "error"}: ${v.error.reason ?? ""}`.trim();
  } catch {
    // not JSON (proxy error page): fall through to the raw text
  }
  return (typeof body === "string" || Buffer.isBuffer(body) ? body.toString() : JSON.stringify(body)).slice(0, 200);
}

/**
 * Plans the next step for `items` after one `_bulk` attempt.
 *
 * @param items - the batch, in the order its body was built.
 * @param attempt - the transport result.
 * @param opType - operation used in the body.
 */
export function planDelivery<T>(items: readonly T[], attempt: BulkAttempt, opType: BulkOpType = "index"): DeliveryPlan<T> {
  const plan = (p: Partial<DeliveryPlan<T>>): DeliveryPlan<T> => ({ acked: [], retry: [], deadLetter: [], split: [], ...p });
  if ("error" in attempt) return plan({ retry: [...items], retryReason: `transport: ${attempt.error.message}` });
  const verdict = classifyBulkHttpStatus(attempt.status);
  if (verdict === "retry_all") return plan({ retry: [...items], retryReason: `HTTP ${attempt.status} ${reasonOf(attempt.body)}` });
  if (verdict === "fatal") {
    return plan({ retry: [...items], fatal: { status: attempt.status, reason: reasonOf(attempt.body) }, retryReason: `HTTP ${attempt.status}` });
  }
  if (verdict === "split") {
    if (items.length === 1) {
      return plan({ deadLetter: [{ item: items[0] as T, status: 413, type: "request_entity_too_large", reason: "document larger than the cluster's http.max_content_length" }] });
    }
    const mid = Math.ceil(items.length / 2);
    return plan({ split: [items.slice(0, mid), items.slice(mid)] });
  }
  let summary;
  try {
    summary = parseBulkResponse(attempt.body, items.length, opType);
  } catch (err) {
    if (err instanceof BulkResponseError) return plan({ retry: [...items], retryReason: `bad response: ${err.message}` });
    throw err;
  }
  if (!summary.errors) return plan({ acked: [...items] });
  const retry: T[] = [];
  const deadLetter: DeadLetteredItem<T>[] = [];
  const failed = new Set<number>();
  for (const f of summary.retryable) {
    failed.add(f.position);
    retry.push(items[f.position] as T);
  }
  for (const f of summary.permanent) {
    failed.add(f.position);
    deadLetter.push({ item: items[f.position] as T, status: f.status, type: f.type, reason: f.reason });
  }
  const acked = items.filter((_, i) => !failed.has(i));
  const first = summary.retryable[0];
  return plan({ acked, retry, deadLetter, retryReason: first ? `item ${first.status} ${first.type}` : undefined });
}
