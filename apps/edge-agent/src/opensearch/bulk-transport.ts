/**
 * Sends one pre-built `_bulk` NDJSON body (from `buildBulkBody`) and returns the outcome as a `BulkAttempt` for
 * `planDelivery`. The body Buffer is handed to the client as `bulkBody`, which the client passes through untouched
 * (it only serialises objects and arrays; a Buffer is written as is) — the events are never parsed or
 * re-serialised on the way out.
 *
 * Two costs of the naive request are avoided (measured by `pnpm --filter edge-agent bench`):
 * - **Response size**: the request asks for `filter_path=errors,items.*.status,items.*.error`
 *   (https://opensearch.org/docs/latest/api-reference/common-parameters/), so each item of the response is
 *   `{"index":{"status":201}}` (plus `error` when it failed) instead of ~180 bytes of `_index`, `_id`, `_version`,
 *   `_shards`, `_seq_no`…: `parseBulkResponse` only reads `errors`, the item count, `status` and `error`.
 * - **Compression**: when the client was built with `compression: "gzip"`, the body is gzipped here at
 *   `gzipLevel` (default 1, the speed end of zlib; Filebeat's default `compression_level` is 1 too) and sent with
 *   `Content-Encoding: gzip` — the client itself would use zlib's default level 6, about 2× the CPU for ~25 %
 *   fewer bytes on EVE JSON (measured on the real samples of /work/shared/data/eve). It runs synchronously on the main thread (~10 ms per 5 MiB body at ~500 MiB/s):
 *   on the libuv thread pool the same work measured ~5 % more CPU and ~90 MB more peak RSS (per-thread malloc
 *   arenas, 16 KiB output chunks), and the agent is sized for one core. SigV4 signs the compressed bytes.
 *   Alternatives measured on 5 MiB bodies of real EVE (one core): `windowBits` 13 or 11 are slower *and* larger
 *   (ratio 9.4 and 5.7 instead of 12.6), the `Z_RLE` and `Z_HUFFMAN_ONLY` strategies ~2× slower with a ratio of
 *   ~1.6; level 1, `memLevel` 9, `windowBits` 15 stays the cheapest per event.
 * - **Response decoding**: the response is taken as a stream (`asStream`) and returned as a Buffer for
 *   `parseBulkResponse` (one `JSON.parse`), instead of the client's string decoding plus secure-json-parse.
 *
 * API: `POST /_bulk` with `Content-Type: application/x-ndjson`
 * (https://opensearch.org/docs/latest/api-reference/document-apis/bulk/).
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { gzipSync, unzipSync } from "node:zlib";
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

/** Options of {@link OpenSearchBulkTransport}. */
export interface BulkTransportOptions {
  /** Monotonic clock in ms. Default `performance.now`. */
  readonly now?: () => number;
  /**
   * gzip the body: `false` (send plain), or a zlib level 1 (fastest) … 9 (smallest). Default: level 1 when the
   * client was created with `compression: "gzip"`, plain otherwise.
   */
  readonly gzipLevel?: number | false;
}

/**
 * zlib output chunk: a 5 MiB body at level 1 compresses to ~0.5 MiB, i.e. two chunks instead of ~30 of 16 KiB.
 * `memLevel: 9` (zlib's maximum, 256 KiB of hash state instead of 128 KiB, freed after each body) measured 3–15 %
 * faster at level 1 on EVE with the same output size.
 */
const GZIP_CHUNK_BYTES = 256 * 1024;

/** The `filter_path` asked of every `_bulk` response: exactly what `parseBulkResponse` reads. */
export const BULK_FILTER_PATH = "errors,items.*.status,items.*.error";

/** Reads a response stream to one Buffer, inflating a gzip/deflate `Content-Encoding`. */
async function readBody(stream: IncomingMessage, headers: IncomingHttpHeaders | null | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const enc = String(headers?.["content-encoding"] ?? "").toLowerCase();
  return enc.includes("gzip") || enc.includes("deflate") ? unzipSync(raw) : raw;
}

/** {@link BulkTransport} over the official OpenSearch client (`client.transport.request`). */
export class OpenSearchBulkTransport implements BulkTransport {
  readonly #client: Client;
  readonly #now: () => number;
  readonly #gzipLevel: number | false;

  /**
   * @param client - from `createOpenSearchClient` (must have `maxRetries: 0`; retries are the shipper's job).
   * @param options - clock and compression, see {@link BulkTransportOptions}; a function is taken as the clock.
   * @throws {RangeError} if `gzipLevel` is not an integer in 1..9.
   */
  constructor(client: Client, options: BulkTransportOptions | (() => number) = {}) {
    const o: BulkTransportOptions = typeof options === "function" ? { now: options } : options;
    this.#client = client;
    this.#now = o.now ?? (() => performance.now());
    const clientGzip = (client.transport as { compression?: unknown }).compression === "gzip";
    const level = o.gzipLevel ?? (clientGzip ? 1 : false);
    if (level !== false && (!Number.isInteger(level) || level < 1 || level > 9)) throw new RangeError(`gzipLevel must be an integer 1..9, got ${level}`);
    this.#gzipLevel = level;
  }

  /** See {@link BulkTransport.send}. */
  async send(body: Buffer, signal?: AbortSignal): Promise<TimedBulkAttempt> {
    const start = this.#now();
    if (signal?.aborted) return { error: new Error("aborted before sending"), durationMs: 0 };
    let payload = body;
    const headers: Record<string, string> = {};
    if (this.#gzipLevel !== false) {
      try {
        payload = gzipSync(body, { level: this.#gzipLevel, memLevel: 9, chunkSize: GZIP_CHUNK_BYTES });
      } catch (err) {
        return { error: err instanceof Error ? err : new Error(String(err)), durationMs: this.#now() - start };
      }
      headers["content-encoding"] = "gzip";
    }
    // compression: false — the client must not gzip again (the option accepts false at runtime; its type only says "gzip").
    // asStream: the response body is read here as bytes; the client would otherwise decode it to a string and run
    // secure-json-parse over it (two prototype-poisoning regex scans of the whole text: ~7 % of the agent's CPU).
    const options = { maxRetries: 0, headers, compression: false as unknown as "gzip", asStream: true };
    const request = this.#client.transport.request({ method: "POST", path: "/_bulk", querystring: { filter_path: BULK_FILTER_PATH }, bulkBody: payload }, options);
    const onAbort = (): void => {
      request.abort();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const res = await request;
      const body = await readBody(res.body as IncomingMessage, res.headers);
      return { status: res.statusCode ?? 0, body, durationMs: this.#now() - start };
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
