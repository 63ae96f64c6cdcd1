/**
 * OpenSearch `_bulk` request bodies and response classification.
 *
 * Body format (https://opensearch.org/docs/latest/api-reference/document-apis/bulk/): NDJSON, one action line
 * `{"index":{"_index":"…","_id":"…"}}` followed by the document source line, each terminated by `\n`, including
 * the last. The source line is the raw EVE line as read (no re-serialisation), so the body is built with one
 * allocation and one copy per line.
 *
 * Responses: HTTP 200 with `errors` and one `items[i]` per action, in request order, each
 * `{ "<op>": { status, error?: { type, reason } } }`. Items are classified as success (2xx; 409 on `create` =
 * already indexed by an earlier attempt), retryable (429, 5xx, thread-pool rejections, index blocks such as the
 * disk flood-stage read-only block) or permanent (other 4xx: mapping/parse errors → dead-letter with the reason).
 * @module
 */

/** One document to send. `index` and `id` must be JSON-safe (no `"`, `\` or control characters). */
export interface BulkDoc {
  /** Target index (from `IndexNamer`). */
  readonly index: string;
  /** Document id (from `DocumentIdGenerator`). */
  readonly id: string;
  /** The raw EVE JSON line, without newline. */
  readonly raw: Buffer;
  /**
   * Optional: the document's bytes in the body, `bulkActionBytes(opType, index, id) + raw.length + 1` for the
   * `opType` the body is built with, when the caller already computed it (the ingestor does, for batch sizing):
   * {@link buildBulkBody} then skips computing it again.
   */
  readonly bytes?: number;
}

/**
 * Bulk operation: `"index"` overwrites a replayed document (same `_id`); `"create"` refuses it with 409, which is
 * counted as a duplicate success and avoids rewriting the document.
 */
export type BulkOpType = "index" | "create";

/** Action-line heads cached per op type: `{"<op>":{"_index":"<index>","_id":"`. */
const ACTION_HEADS: Record<BulkOpType, Map<string, Buffer>> = { index: new Map(), create: new Map() };
/** Bound on cached heads per op type (index names change daily, so a long-running agent would otherwise grow). */
const ACTION_HEAD_CACHE_MAX = 4096;
/** `"}}` + `\n`, closing the action line after the id. */
const ACTION_TAIL_BYTES = 4;

/**
 * The action line up to the id, as bytes, from a small per-op cache: one `Map` lookup per document instead of
 * three string encodings (the hot path of {@link buildBulkBody} and {@link bulkActionBytes}).
 */
function actionHead(opType: BulkOpType, index: string): Buffer {
  const cache = ACTION_HEADS[opType];
  let head = cache.get(index);
  if (head === undefined) {
    if (cache.size >= ACTION_HEAD_CACHE_MAX) cache.clear();
    head = Buffer.from(`{"${opType}":{"_index":"${index}","_id":"`, "utf8");
    cache.set(index, head);
  }
  return head;
}

/** Length of `s` when it is pure ASCII (then also its UTF-8 byte length), else -1. Ids are base64url: ASCII. */
function asciiLength(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return -1;
  return s.length;
}

/** Writes `id` at `o` as UTF-8 and returns the bytes written; ASCII (every generated id) by a plain loop. */
function writeId(body: Buffer, id: string, o: number): number {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c > 0x7f) return body.write(id, o, "utf8"); // rewrites from the start: same offset, same bytes before
    body[o + i] = c;
  }
  return id.length;
}

/** Bytes the action line adds for a document in {@link buildBulkBody} (for batch size accounting). */
export function bulkActionBytes(opType: BulkOpType, index: string, id: string): number {
  // {"<op>":{"_index":"<index>","_id":"<id>"}}\n
  const idBytes = asciiLength(id);
  return actionHead(opType, index).length + (idBytes >= 0 ? idBytes : Buffer.byteLength(id, "utf8")) + ACTION_TAIL_BYTES;
}

/**
 * Builds a `_bulk` NDJSON body with at most one allocation.
 *
 * Each action line is copied from a cached head per (op type, index) (see `actionHead`), the id written byte by
 * byte, and the raw line copied with `TypedArray.set` (no intermediate view, unlike `Buffer.copy` of a slice):
 * about half the CPU of encoding the three strings per document. The bytes are identical (golden-tested).
 *
 * @param docs - documents in order; response item `i` will refer to `docs[i]`.
 * @param opType - `"index"` (default) or `"create"`.
 * @param scratch - optional buffer to write into when large enough (the result is then a view of it: keep one
 *   scratch per in-flight request and reuse it only after that request completed). Reusing bodies keeps the
 *   agent's resident memory flat: a fresh 5 MiB body per request churns the allocator.
 * @returns the body, ending with `\n`; an empty Buffer for no documents.
 * @throws {RangeError} if a document's `bytes` does not match its action line and source for `opType`.
 */
export function buildBulkBody(docs: readonly BulkDoc[], opType: BulkOpType = "index", scratch?: Buffer): Buffer {
  let total = 0;
  for (const d of docs) total += d.bytes ?? bulkActionBytes(opType, d.index, d.id) + d.raw.length + 1;
  const body = scratch !== undefined && scratch.length >= total ? scratch.subarray(0, total) : Buffer.allocUnsafe(total);
  let o = 0;
  for (const d of docs) {
    const head = actionHead(opType, d.index);
    body.set(head, o);
    o += head.length;
    o += writeId(body, d.id, o);
    body[o] = 34; // "
    body[o + 1] = 125; // }
    body[o + 2] = 125; // }
    body[o + 3] = 10; // \n
    o += ACTION_TAIL_BYTES;
    const raw = d.raw;
    body.set(raw, o);
    o += raw.length;
    body[o++] = 10;
  }
  if (o !== total) throw new RangeError(`_bulk body: ${o} bytes written, ${total} expected (a document's 'bytes' is not for op '${opType}')`);
  return body;
}

/** What to do with a whole `_bulk` HTTP response, by status code. */
export type BulkHttpVerdict =
  /** 2xx: read the per-item results. */
  | "items"
  /** 408, 429, 5xx: nothing was (reliably) indexed; retry the whole request after backoff. */
  | "retry_all"
  /** 413: body too large for the cluster; split the batch and retry the halves. */
  | "split"
  /** Other 4xx (401/403 auth, 400 bad request, 404): a configuration or protocol fault; keep the data, stop and alert. */
  | "fatal";

/**
 * Classifies the HTTP status of a `_bulk` response.
 *
 * @param status - HTTP status code.
 */
export function classifyBulkHttpStatus(status: number): BulkHttpVerdict {
  if (status >= 200 && status < 300) return "items";
  if (status === 413) return "split";
  if (status === 408 || status === 429 || status >= 500) return "retry_all";
  return "fatal";
}

/** Classification of one bulk item. */
export type BulkItemOutcome = "success" | "duplicate" | "retryable" | "permanent";

/** Error types that are retryable whatever their status (rejections under load, transient blocks). */
export const RETRYABLE_ERROR_TYPES: ReadonlySet<string> = new Set([
  "es_rejected_execution_exception",
  "rejected_execution_exception",
  "opensearch_rejected_execution_exception",
  "open_search_rejected_execution_exception",
  "circuit_breaking_exception",
  "cluster_block_exception",
  "unavailable_shards_exception",
  "process_cluster_event_timeout_exception",
  "node_not_connected_exception",
  "no_shard_available_action_exception",
]);

/**
 * Classifies one bulk item.
 *
 * @param status - the item's `status`.
 * @param errorType - `error.type`, if any.
 * @param opType - the operation sent (a 409 on `create` is a duplicate, i.e. success).
 */
export function classifyBulkItem(status: number, errorType: string | undefined, opType: BulkOpType): BulkItemOutcome {
  if (status >= 200 && status < 300 && errorType === undefined) return "success";
  if (status === 409 && opType === "create") return "duplicate";
  if (status === 429 || status >= 500) return "retryable";
  if (errorType !== undefined && RETRYABLE_ERROR_TYPES.has(errorType)) return "retryable";
  return "permanent";
}

/** A failed item, with its position in the request. */
export interface BulkItemFailure {
  /** Index into the `docs` array sent. */
  readonly position: number;
  readonly status: number;
  /** `error.type` (e.g. `mapper_parsing_exception`), or `"unknown"`. */
  readonly type: string;
  /** `error.reason` plus `caused_by.reason` when present. */
  readonly reason: string;
}

/** Per-request summary of a `_bulk` response. */
export interface BulkResponseSummary {
  /** `took` in milliseconds as reported by the cluster. */
  readonly took: number;
  /** The response's `errors` flag. */
  readonly errors: boolean;
  /** Items indexed now or earlier (includes {@link BulkResponseSummary.duplicates}). */
  readonly succeeded: number;
  /** `create` items refused with 409 because an earlier attempt already indexed them. */
  readonly duplicates: number;
  /** Items to retry after backoff. */
  readonly retryable: readonly BulkItemFailure[];
  /** Items to dead-letter. */
  readonly permanent: readonly BulkItemFailure[];
}

/** Thrown when a `_bulk` response body is not what the API promises (not JSON, wrong item count, bad item). */
export class BulkResponseError extends Error {
  override readonly name = "BulkResponseError";
  constructor(
    message: string,
    /** Items sent. */
    readonly expectedItems: number,
  ) {
    super(message);
  }
}

interface RawItemBody {
  status?: unknown;
  error?: { type?: unknown; reason?: unknown; caused_by?: { type?: unknown; reason?: unknown } } | string;
}

function describeError(err: RawItemBody["error"]): { type: string; reason: string } {
  if (err === undefined) return { type: "unknown", reason: "" };
  if (typeof err === "string") return { type: "unknown", reason: err };
  const type = typeof err.type === "string" ? err.type : "unknown";
  let reason = typeof err.reason === "string" ? err.reason : "";
  const cb = err.caused_by;
  if (cb && typeof cb.reason === "string") reason += `${reason ? ": " : ""}${String(cb.type ?? "")} ${cb.reason}`.trim();
  return { type, reason };
}

const CLEAN_HEAD = Buffer.from('{"errors":false,"items":[', "latin1");
const ITEM_OPS = [Buffer.from('{"index":{"status":2', "latin1"), Buffer.from('{"create":{"status":2', "latin1")];

/**
 * Counts the items of a clean response in the exact form OpenSearch writes for
 * `filter_path=errors,items.*.status,items.*.error` when nothing failed:
 * `{"errors":false,"items":[{"index":{"status":201}},…]}` (`index` or `create`, 2xx statuses, no whitespace).
 * Returns `undefined` for anything else, which then goes through `JSON.parse`: this is a shortcut for the common
 * case (~1 ms of parsing per 5 000-item response saved), never a second parser with its own opinions.
 */
function countCleanItems(body: Buffer): number | undefined {
  if (body.length < CLEAN_HEAD.length + 2 || body.compare(CLEAN_HEAD, 0, CLEAN_HEAD.length, 0, CLEAN_HEAD.length) !== 0) return undefined;
  let i = CLEAN_HEAD.length;
  let n = 0;
  if (body[i] === 93) return body[i + 1] === 125 && i + 2 === body.length ? 0 : undefined; // "]}"
  for (;;) {
    const op = ITEM_OPS.find((o) => body.compare(o, 0, o.length, i, i + o.length) === 0);
    if (!op) return undefined;
    i += op.length;
    for (let d = 0; d < 2; d++, i++) if (!((body[i] as number) >= 48 && (body[i] as number) <= 57)) return undefined; // two more digits
    if (body[i] !== 125 || body[i + 1] !== 125) return undefined; // "}}"
    i += 2;
    n++;
    if (body[i] === 44) i++; // ","
    else if (body[i] === 93 && body[i + 1] === 125 && i + 2 === body.length) return n; // "]}" at the very end
    else return undefined;
  }
}

/**
 * Parses and classifies a 2xx `_bulk` response body.
 *
 * @param body - the response body (JSON text, Buffer, or an already-parsed object).
 * @param expectedItems - number of documents sent; the response must have exactly this many items.
 * @param opType - operation sent, see {@link classifyBulkItem}.
 * @throws {BulkResponseError} if the body is not JSON, has no `items` array, has the wrong item count, or an item
 *   has no numeric status. Callers should treat that like `retry_all`.
 */
export function parseBulkResponse(
  body: string | Buffer | object,
  expectedItems: number,
  opType: BulkOpType = "index",
): BulkResponseSummary {
  if (Buffer.isBuffer(body)) {
    const clean = countCleanItems(body);
    if (clean !== undefined) {
      if (clean !== expectedItems) throw new BulkResponseError(`bulk response has ${clean} items, sent ${expectedItems}`, expectedItems);
      return { took: 0, errors: false, succeeded: expectedItems, duplicates: 0, retryable: [], permanent: [] };
    }
  }
  let parsed: unknown = body;
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    try {
      parsed = JSON.parse(body.toString());
    } catch (err) {
      throw new BulkResponseError(`bulk response is not JSON: ${(err as Error).message}`, expectedItems);
    }
  }
  const r = parsed as { took?: unknown; errors?: unknown; items?: unknown };
  if (typeof r !== "object" || r === null || !Array.isArray(r.items)) {
    throw new BulkResponseError("bulk response has no items array", expectedItems);
  }
  const items = r.items as unknown[];
  if (items.length !== expectedItems) {
    throw new BulkResponseError(`bulk response has ${items.length} items, sent ${expectedItems}`, expectedItems);
  }
  const took = typeof r.took === "number" ? r.took : 0;
  const errors = r.errors === true;
  if (!errors) {
    return { took, errors, succeeded: expectedItems, duplicates: 0, retryable: [], permanent: [] };
  }
  let succeeded = 0;
  let duplicates = 0;
  const retryable: BulkItemFailure[] = [];
  const permanent: BulkItemFailure[] = [];
  for (let i = 0; i < items.length; i++) {
    const wrapper = items[i] as Record<string, RawItemBody> | null;
    const inner = wrapper && typeof wrapper === "object" ? Object.values(wrapper)[0] : undefined;
    if (!inner || typeof inner.status !== "number") {
      throw new BulkResponseError(`bulk response item ${i} has no status`, expectedItems);
    }
    const { type, reason } = describeError(inner.error);
    const outcome = classifyBulkItem(inner.status, inner.error === undefined ? undefined : type, opType);
    if (outcome === "success") succeeded++;
    else if (outcome === "duplicate") {
      succeeded++;
      duplicates++;
    } else (outcome === "retryable" ? retryable : permanent).push({ position: i, status: inner.status, type, reason });
  }
  return { took, errors, succeeded, duplicates, retryable, permanent };
}
