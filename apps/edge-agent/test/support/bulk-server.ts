/**
 * TEST DOUBLE — an in-process, OpenSearch-compatible `_bulk` endpoint for tests and benchmarks. Not a database.
 *
 * Listens on 127.0.0.1 with an ephemeral port, records documents by `_index` + `_id`, and answers like OpenSearch
 * 2.x (https://opensearch.org/docs/latest/api-reference/document-apis/bulk/): `errors` flag, one item per action
 * in order, `201 created` / `200 updated`, `409 version_conflict_engine_exception` for `create` on an existing id,
 * `400 mapper_parsing_exception` for a source that is not a JSON object, and a request-level 400 when the body
 * does not end with a newline. Faults can be injected: whole-request 429/5xx, per-item failures for chosen ids or
 * a random fraction, slow responses, and dropped connections (before or after the documents were indexed).
 * Also serves `GET /`, `GET /_cluster/health`, `_index_template/<name>` and `_plugins/_ism/policies/<id>`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { type AdminState, errorBody, handleAdmin } from "./bulk-server-admin.js";

/** A stored document. */
export interface StoredDoc {
  readonly source: Record<string, unknown>;
  readonly version: number;
}

/** Per-item failure rule; the first matching rule wins. */
export interface ItemFailureRule {
  /** Fail these ids… */
  readonly ids?: Iterable<string>;
  /** …or this random fraction of items (0..1). */
  readonly fraction?: number;
  /** Item status, e.g. 429, 400, 503. */
  readonly status: number;
  /** `error.type`; default by status (429 → es_rejected_execution_exception, 400 → mapper_parsing_exception). */
  readonly type?: string;
  readonly reason?: string;
  /** How many times each matching id fails before succeeding (default: always). */
  readonly times?: number;
}

/** Counters kept by the server. */
export interface BulkServerStats {
  requests: number;
  bulkRequests: number;
  itemsReceived: number;
  itemsIndexed: number;
  itemsFailed: number;
  /** Items that re-indexed an existing `_id` (replays). */
  overwrites: number;
  droppedConnections: number;
  /** Whole-request statuses of `_bulk` responses sent. */
  bulkStatuses: Record<number, number>;
}

const DEFAULT_TYPE: Record<number, string> = {
  400: "mapper_parsing_exception",
  429: "es_rejected_execution_exception",
  500: "internal_server_error",
  502: "bad_gateway",
  503: "unavailable_shards_exception",
  504: "gateway_timeout",
};

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The test double. Create with {@link BulkTestServer.start}; always `close()`. */
export class BulkTestServer {
  /** `index → id → document`. */
  readonly indices = new Map<string, Map<string, StoredDoc>>();
  readonly templates = new Map<string, unknown>();
  readonly policies = new Map<string, { policy: unknown; seqNo: number; version: number }>();
  /**
   * Optional hook run for every request after its body was read (gunzipped): return a response to answer with it
   * instead of the normal routing (e.g. 401, or 404 for a cluster without ISM), or `undefined` to continue. Tests
   * also use it to look at request headers (`authorization`, `content-encoding`).
   */
  interceptor: ((req: IncomingMessage, body: Buffer) => { status: number; body: string } | undefined) | undefined;
  readonly stats: BulkServerStats = {
    requests: 0,
    bulkRequests: 0,
    itemsReceived: 0,
    itemsIndexed: 0,
    itemsFailed: 0,
    overwrites: 0,
    droppedConnections: 0,
    bulkStatuses: {},
  };
  #failRequests: { count: number; status: number }[] = [];
  #itemRules: { rule: ItemFailureRule; ids?: Set<string>; failures: Map<string, number> }[] = [];
  #delayMs = 0;
  #dropsMid: { count: number }[] = [];
  #dropsAfter: { count: number }[] = [];
  #seqNo = 0;
  readonly #adminState: AdminState = {
    templates: this.templates,
    policies: this.policies,
    nextSeqNo: () => this.#seqNo++,
  };
  readonly #random: () => number;
  readonly #server: Server;
  readonly #timers = new Set<NodeJS.Timeout>();
  #url = "";

  private constructor(random: () => number) {
    this.#random = random;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /**
   * Starts a server on 127.0.0.1 with an ephemeral port.
   *
   * @param options.seed - seed of the PRNG used for `fraction` failures (default 1), for reproducible runs.
   */
  static async start(options: { seed?: number } = {}): Promise<BulkTestServer> {
    const s = new BulkTestServer(mulberry32(options.seed ?? 1));
    await new Promise<void>((resolve, reject) => {
      s.#server.once("error", reject);
      s.#server.listen(0, "127.0.0.1", () => resolve());
    });
    s.#url = `http://127.0.0.1:${(s.#server.address() as AddressInfo).port}`;
    return s;
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return this.#url;
  }

  /** Answer the next `count` `_bulk` requests with `status` (429 or 5xx) and index nothing. */
  failNextBulkRequests(count: number, status: number): void {
    this.#failRequests.push({ count, status });
  }

  /** Add a per-item failure rule. */
  failItems(rule: ItemFailureRule): void {
    this.#itemRules.push({ rule, ids: rule.ids ? new Set(rule.ids) : undefined, failures: new Map() });
  }

  /** Delay every response by `ms` (0 = off). */
  setResponseDelay(ms: number): void {
    this.#delayMs = ms;
  }

  /**
   * Destroy the socket of the next `count` `_bulk` requests: `"mid-request"` while the body is arriving (nothing
   * indexed), `"after-indexing"` once the documents of a request that got HTTP 200 are stored but before any
   * response is sent (the client cannot know they were indexed).
   */
  dropNextBulkConnections(count: number, when: "mid-request" | "after-indexing" = "mid-request"): void {
    (when === "mid-request" ? this.#dropsMid : this.#dropsAfter).push({ count });
  }

  /** Remove every injected fault. */
  clearFaults(): void {
    this.#failRequests = [];
    this.#itemRules = [];
    this.#delayMs = 0;
    this.#dropsMid = [];
    this.#dropsAfter = [];
  }

  /** Number of stored documents, in one index or all. */
  documentCount(index?: string): number {
    if (index !== undefined) return this.indices.get(index)?.size ?? 0;
    let n = 0;
    for (const m of this.indices.values()) n += m.size;
    return n;
  }

  /** A stored document's source. */
  getDocument(index: string, id: string): Record<string, unknown> | undefined {
    return this.indices.get(index)?.get(id)?.source;
  }

  /** Every stored `index/id`. */
  allKeys(): string[] {
    const out: string[] = [];
    for (const [index, docs] of this.indices) for (const id of docs.keys()) out.push(`${index}/${id}`);
    return out;
  }

  /** Stop listening and destroy open connections. */
  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #take<T extends { count: number }>(queue: T[]): T | undefined {
    const head = queue[0];
    if (!head) return undefined;
    if (--head.count <= 0) queue.shift();
    return head;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++;
    const url = new URL(req.url ?? "/", this.#url);
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const isBulk = req.method === "POST" || req.method === "PUT" ? parts.at(-1) === "_bulk" && parts.length <= 2 : false;
    if (isBulk && this.#take(this.#dropsMid)) {
      this.stats.droppedConnections++;
      req.once("data", () => req.socket.destroy());
      req.once("end", () => req.socket.destroy());
      return;
    }
    let body: Buffer;
    try {
      body = await this.#readBody(req);
    } catch {
      return; // client went away
    }
    const intercepted = this.interceptor?.(req, body);
    if (intercepted) {
      res.writeHead(intercepted.status, { "content-type": "application/json; charset=UTF-8" });
      res.end(intercepted.body);
      return;
    }
    let status = 200;
    let out: string;
    if (isBulk) {
      this.stats.bulkRequests++;
      ({ status, out } = this.#bulk(body, parts.length === 2 ? parts[0] : undefined));
      this.stats.bulkStatuses[status] = (this.stats.bulkStatuses[status] ?? 0) + 1;
      if (status === 200 && this.#take(this.#dropsAfter)) {
        this.stats.droppedConnections++;
        req.socket.destroy();
        return;
      }
    } else {
      ({ status, out } = handleAdmin(this.#adminState, req.method ?? "GET", parts, body, url.searchParams));
    }
    const send = (): void => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
      res.end(req.method === "HEAD" ? undefined : out);
    };
    if (this.#delayMs > 0) {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        send();
      }, this.#delayMs);
      this.#timers.add(t);
    } else send();
  }

  #readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("error", reject);
      req.on("aborted", () => reject(new Error("aborted")));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        try {
          resolve(req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }

  #bulk(body: Buffer, defaultIndex: string | undefined): { status: number; out: string } {
    const fault = this.#take(this.#failRequests);
    if (fault) {
      const type = DEFAULT_TYPE[fault.status] ?? "internal_server_error";
      return { status: fault.status, out: errorBody(fault.status, type, `injected ${fault.status}`) };
    }
    if (body.length === 0 || body[body.length - 1] !== 10) {
      return { status: 400, out: errorBody(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]") };
    }
    const lines = body.toString("utf8").split("\n");
    lines.pop();
    const items: unknown[] = [];
    let errors = false;
    const started = Date.now();
    for (let i = 0; i < lines.length; i++) {
      let action: Record<string, { _index?: string; _id?: string }>;
      try {
        action = JSON.parse(lines[i] ?? "") as typeof action;
      } catch {
        return { status: 400, out: errorBody(400, "illegal_argument_exception", `Malformed action/metadata line [${i + 1}]`) };
      }
      const op = Object.keys(action)[0] ?? "";
      const meta = action[op] ?? {};
      if (!["index", "create", "delete", "update"].includes(op)) {
        return { status: 400, out: errorBody(400, "illegal_argument_exception", `Unknown action [${op}] at line [${i + 1}]`) };
      }
      const index = meta._index ?? defaultIndex;
      if (!index) return { status: 400, out: errorBody(400, "action_request_validation_exception", "Validation Failed: 1: index is missing;") };
      const id = meta._id ?? `auto-${++this.#seqNo}`;
      const sourceLine = op === "delete" ? undefined : lines[++i];
      this.stats.itemsReceived++;
      const item = this.#item(op, index, id, sourceLine);
      if ("error" in item) {
        errors = true;
        this.stats.itemsFailed++;
      }
      items.push({ [op]: item });
    }
    return { status: 200, out: JSON.stringify({ took: Date.now() - started, errors, items }) };
  }

  #item(op: string, index: string, id: string, sourceLine: string | undefined): Record<string, unknown> {
    const base = { _index: index, _id: id };
    const fail = (status: number, type: string, reason: string): Record<string, unknown> => ({
      ...base,
      status,
      error: { type, reason, index, index_uuid: "test-double" },
    });
    for (const r of this.#itemRules) {
      const hit = r.ids ? r.ids.has(id) : r.rule.fraction !== undefined && this.#random() < r.rule.fraction;
      if (!hit) continue;
      const n = r.failures.get(id) ?? 0;
      if (r.rule.times !== undefined && n >= r.rule.times) continue;
      r.failures.set(id, n + 1);
      return fail(r.rule.status, r.rule.type ?? DEFAULT_TYPE[r.rule.status] ?? "exception", r.rule.reason ?? `injected ${r.rule.status}`);
    }
    let docs = this.indices.get(index);
    const existing = docs?.get(id);
    if (op === "delete") {
      if (!existing) return { ...base, result: "not_found", status: 404 };
      docs?.delete(id);
      return { ...base, result: "deleted", status: 200, _version: existing.version + 1 };
    }
    if (op === "create" && existing) {
      return fail(409, "version_conflict_engine_exception", `[${id}]: version conflict, document already exists (current version [${existing.version}])`);
    }
    let source: unknown;
    try {
      source = JSON.parse(sourceLine ?? "");
    } catch (err) {
      return fail(400, "mapper_parsing_exception", `failed to parse: ${(err as Error).message}`);
    }
    if (op === "update") source = (source as { doc?: unknown }).doc;
    if (typeof source !== "object" || source === null || Array.isArray(source)) {
      return fail(400, "mapper_parsing_exception", "failed to parse, document is empty or not an object");
    }
    if (!docs) {
      docs = new Map();
      this.indices.set(index, docs);
    }
    const version = (existing?.version ?? 0) + 1;
    docs.set(id, { source: source as Record<string, unknown>, version });
    this.stats.itemsIndexed++;
    if (existing) this.stats.overwrites++;
    return {
      ...base,
      _version: version,
      result: existing ? "updated" : "created",
      _shards: { total: 2, successful: 1, failed: 0 },
      _seq_no: this.#seqNo++,
      _primary_term: 1,
      status: existing ? 200 : 201,
    };
  }
}
