/**
 * Sends one pre-built `_bulk` NDJSON body (from `buildBulkBody`) and returns the outcome as a `BulkAttempt` for
 * `planDelivery`. The body Buffer is handed to the client as `bulkBody`, which the client passes through untouched
 * (it only serialises objects and arrays; a Buffer is written as is, or gzip-compressed when compression is on) —
 * the events are never parsed or re-serialised on the way out.
 *
 * API: `POST /_bulk` with `Content-Type: application/x-ndjson`
 * (https://opensearch.org/docs/latest/api-reference/document-apis/bulk/).
 * @module
 */
import { type Client, errors } from "@opensearch-project/opensearch";
import type { BulkAttempt } from "../ship/delivery.js";

/** A `_bulk` attempt with its wall time. */
export type TimedBulkAttempt = BulkAttempt & {
  /** Time from sending to the parsed response (or the error), in milliseconds. */
  readonly durationMs: number;
};

/** Sends `_bulk` bodies. The seam between the shipper and the HTTP client (tests substitute it). */
export interface BulkTransport {
  /**
   * Sends one body. Never rejects: HTTP errors come back as `{ status, body }`, transport failures (refused,
   * reset, timeout, abort) as `{ error }`.
   *
   * @param body - complete NDJSON body ending with `\n`; not modified, and not retained after the promise settles.
   * @param signal - aborts the request (the attempt then resolves with `{ error }`).
   */
  send(body: Buffer, signal?: AbortSignal): Promise<TimedBulkAttempt>;
}

/** {@link BulkTransport} over the official OpenSearch client (`client.transport.request`). */
export class OpenSearchBulkTransport implements BulkTransport {
  readonly #client: Client;
  readonly #now: () => number;

  /**
   * @param client - from `createOpenSearchClient` (must have `maxRetries: 0`; retries are the shipper's job).
   * @param now - monotonic clock in ms, default `performance.now`.
   */
  constructor(client: Client, now: () => number = () => performance.now()) {
    this.#client = client;
    this.#now = now;
  }

  /** See {@link BulkTransport.send}. */
  async send(body: Buffer, signal?: AbortSignal): Promise<TimedBulkAttempt> {
    const start = this.#now();
    if (signal?.aborted) return { error: new Error("aborted before sending"), durationMs: 0 };
    const request = this.#client.transport.request({ method: "POST", path: "/_bulk", bulkBody: body }, { maxRetries: 0 });
    const onAbort = (): void => {
      request.abort();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const res = await request;
      return { status: res.statusCode ?? 0, body: res.body as string | object, durationMs: this.#now() - start };
    } catch (err) {
      if (err instanceof errors.ResponseError) {
        const meta = err.meta as { statusCode?: number | null; body?: unknown };
        const b = meta.body;
        return {
          status: meta.statusCode ?? 0,
          body: typeof b === "string" || (typeof b === "object" && b !== null) ? (b as string | object) : "",
          durationMs: this.#now() - start,
        };
      }
      return { error: err instanceof Error ? err : new Error(String(err)), durationMs: this.#now() - start };
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
