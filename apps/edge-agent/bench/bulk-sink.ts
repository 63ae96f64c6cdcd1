/**
 * BENCHMARK SINK — a lean stand-in for OpenSearch's `_bulk` endpoint, run as its own process (pinned to another
 * core than the agent by `bench/run.ts`). It does NOT store documents (the test double `test/support/bulk-server.ts`
 * parses and keeps every source in memory, which at 150k events/s would make the sink, not the agent, the thing
 * measured). Per request it reads the body, gunzips it when `Content-Encoding: gzip`, walks the NDJSON pairs, checks
 * each action names `_index` and each source line is a JSON object (`{…}`), and answers with a response shaped like
 * OpenSearch 2.x (https://opensearch.org/docs/latest/api-reference/document-apis/bulk/): one item per action with
 * `_index`, `_id`, `_version`, `result`, `_shards`, `_seq_no`, `_primary_term`, `status: 201` — so the agent parses
 * a response of realistic size; `filter_path` (`took`, `errors`, `items`, `items.*.<field>`) is honoured like
 * OpenSearch does. A malformed pair gets a per-item 400 `mapper_parsing_exception`.
 *
 * Latency: with `--latency`, every source's `"timestamp":"…"` (written by the bench appender as the wall-clock
 * time the line was appended) is compared with the time the response is sent: line-appended → acknowledged, ms.
 *
 * Protocol with the parent: prints `{"url": …}` on stdout once listening; on SIGTERM prints one JSON line of stats
 * (`requests`, `docs`, `badItems`, `wireBytes`, `bodyBytes`, `firstRequestAt`/`lastResponseAt` epoch ms,
 * `latencyMs` {count, p50, p90, p99, p999, max}) and exits.
 *
 * Run: `node out/bench/bulk-sink.js [--latency]`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzip } from "node:zlib";
import { promisify } from "node:util";

const gunzipAsync = promisify(gunzip);
const measureLatency = process.argv.includes("--latency");

const stats = { requests: 0, bulkRequests: 0, docs: 0, badItems: 0, wireBytes: 0, bodyBytes: 0, firstRequestAt: 0, lastResponseAt: 0 };
const latencies: number[] = [];
let seqNo = 0;

const INDEX_KEY = Buffer.from('"_index":"');
const ID_KEY = Buffer.from('"_id":"');
const TS_KEY = Buffer.from('"timestamp":"');

/** The string value after `key` in `buf[from, to)`, or undefined. Values written by the agent need no unescaping. */
function valueAfter(buf: Buffer, key: Buffer, from: number, to: number): string | undefined {
  const at = buf.subarray(from, to).indexOf(key); // bounded to the line: never scan the rest of the body
  if (at === -1) return undefined;
  const k = from + at;
  const start = k + key.length;
  const end = buf.indexOf(34, start);
  if (end === -1 || end > to) return undefined;
  return buf.toString("latin1", start, end);
}

/** `filter_path` of the request (https://opensearch.org/docs/latest/api-reference/common-parameters/), as far as `_bulk` needs it. */
interface Filter {
  readonly took: boolean;
  readonly errors: boolean;
  /** Item fields to keep (`items.*.<field>`); undefined = all. */
  readonly itemFields?: ReadonlySet<string>;
}

function filterOf(query: string | undefined): Filter {
  const fp = new URLSearchParams(query ?? "").get("filter_path");
  if (fp === null) return { took: true, errors: true };
  const paths = fp.split(",");
  const itemFields = new Set(paths.filter((p) => p.startsWith("items.*.")).map((p) => p.slice(8)));
  return { took: paths.includes("took"), errors: paths.includes("errors"), itemFields: paths.includes("items") ? undefined : itemFields };
}

function item(op: string, fields: [string, string][], f: Filter): string {
  const kept = f.itemFields ? fields.filter(([k]) => f.itemFields?.has(k)) : fields;
  return `{"${op}":{${kept.map(([k, v]) => `"${k}":${v}`).join(",")}}}`;
}

function bulk(body: Buffer, sentAt: number[], f: Filter): { status: number; out: string } {
  if (body.length === 0 || body[body.length - 1] !== 10) {
    return { status: 400, out: '{"error":{"type":"illegal_argument_exception","reason":"The bulk request must be terminated by a newline [\\n]"},"status":400}' };
  }
  const parts: string[] = [];
  let errors = false;
  let pos = 0;
  while (pos < body.length) {
    const aEnd = body.indexOf(10, pos);
    const sEnd = body.indexOf(10, aEnd + 1);
    if (aEnd === -1 || sEnd === -1) return { status: 400, out: '{"error":{"type":"illegal_argument_exception","reason":"odd number of lines"},"status":400}' };
    const index = valueAfter(body, INDEX_KEY, pos, aEnd);
    const id = valueAfter(body, ID_KEY, pos, aEnd) ?? `auto-${seqNo}`;
    const op = body.toString("latin1", pos + 2, body.indexOf(34, pos + 2));
    const okSource = body[aEnd + 1] === 123 && body[sEnd - 1] === 125;
    if (index === undefined || !okSource) {
      errors = true;
      stats.badItems++;
      const error = '{"type":"mapper_parsing_exception","reason":"failed to parse"}';
      parts.push(item(op, [["_index", `"${index ?? ""}"`], ["_id", `"${id}"`], ["status", "400"], ["error", error]], f));
    } else {
      const shards = '{"total":2,"successful":1,"failed":0}';
      const fields: [string, string][] = [["_index", `"${index}"`], ["_id", `"${id}"`], ["_version", "1"], ["result", '"created"'], ["_shards", shards], ["_seq_no", String(seqNo++)], ["_primary_term", "1"], ["status", "201"]];
      parts.push(item(op, fields, f));
      stats.docs++;
      if (measureLatency) {
        const ts = valueAfter(body, TS_KEY, aEnd + 1, sEnd);
        if (ts !== undefined) sentAt.push(Date.parse(ts.replace(/(\d\d)(\d\d)$/, "$1:$2")));
      }
    }
    pos = sEnd + 1;
  }
  const head = [...(f.took ? ['"took":1'] : []), ...(f.errors ? [`"errors":${errors}`] : [])];
  return { status: 200, out: `{${[...head, `"items":[${parts.join(",")}]`].join(",")}}` };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  stats.requests++;
  if (stats.firstRequestAt === 0) stats.firstRequestAt = Date.now();
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const wire = Buffer.concat(chunks);
  stats.wireBytes += wire.length;
  const [path = "/", query] = (req.url ?? "/").split("?");
  let status = 200;
  let out = '{"name":"bench-sink","cluster_name":"bench","version":{"distribution":"opensearch","number":"2.19.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}';
  const sentAt: number[] = [];
  if (req.method === "POST" && path.endsWith("/_bulk")) {
    stats.bulkRequests++;
    const body = req.headers["content-encoding"] === "gzip" ? await gunzipAsync(wire) : wire;
    stats.bodyBytes += body.length;
    ({ status, out } = bulk(body, sentAt, filterOf(query)));
  }
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(out, () => {
    const now = Date.now();
    stats.lastResponseAt = now;
    for (const t of sentAt) latencies.push(now - t);
  });
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    process.stderr.write(`bench sink: ${(err as Error).message}\n`);
    if (!res.headersSent) res.writeHead(500);
    res.end('{"error":"sink"}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.once("SIGTERM", () => {
  const sorted = Float64Array.from(latencies).sort();
  const arr = Array.from(sorted);
  const latencyMs = measureLatency
    ? { count: arr.length, p50: quantile(arr, 0.5), p90: quantile(arr, 0.9), p99: quantile(arr, 0.99), p999: quantile(arr, 0.999), max: arr.at(-1) ?? null }
    : null;
  process.stdout.write(`${JSON.stringify({ ...stats, latencyMs })}\n`);
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
