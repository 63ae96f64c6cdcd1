/**
 * BENCHMARK BASELINE — raw forwarding through the agent's own IO: the same tailer, line splitter, `_bulk` transport
 * (gzip level 1 when `--gzip`, filter_path, streamed response) and two requests in flight, but no JSON validation,
 * no deterministic `_id`, no index per event type, no acknowledgement tracking or checkpoints: every line is sent
 * as is under one `{"index":{"_index":"suricata-raw"}}` action (the file → HTTP forwarding the Vector / Fluent Bit
 * figures measure). `bench/run.ts` runs it pinned like the agent; the difference is the price of validation + ids.
 *
 *   node out/bench/raw-forward.js --file eve.json --url http://127.0.0.1:PORT [--gzip]
 *
 * Prints `{"events": n, "bytes": n, "requests": n}` once every request was answered 2xx with `errors: false`.
 */
import { parseArgs } from "node:util";
import { createLineStats, forEachLine } from "../src/eve/lines.js";
import { tailFile } from "../src/input/tailer.js";
import { OpenSearchBulkTransport } from "../src/opensearch/bulk-transport.js";
import { createOpenSearchClient } from "../src/opensearch/client.js";
import { parseBulkResponse } from "../src/ship/bulk.js";

const { values: args } = parseArgs({
  options: { file: { type: "string" }, url: { type: "string" }, gzip: { type: "boolean", default: false } },
});
if (!args.file || !args.url) throw new Error("usage: raw-forward --file <eve.json> --url <http://host:port> [--gzip]");

const client = await createOpenSearchClient({ mode: "endpoint", url: args.url, auth: { type: "none" }, tls: { insecureSkipVerify: false } }, { requestTimeoutMs: 60_000, compression: args.gzip });
const transport = new OpenSearchBulkTransport(client);
const action = Buffer.from('{"index":{"_index":"suricata-raw"}}\n');
const NL = Buffer.from("\n");
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_EVENTS = 5000;
const stats = createLineStats();
let parts: Buffer[] = [];
let partBytes = 0;
let docs = 0;
let events = 0;
let bytes = 0;
let requests = 0;
const inFlight = new Set<Promise<void>>();

async function send(body: Buffer, n: number): Promise<void> {
  const a = await transport.send(body);
  if ("error" in a) throw a.error;
  if (a.status < 200 || a.status > 299) throw new Error(`HTTP ${a.status}`);
  const s = parseBulkResponse(a.body, n);
  if (s.errors) throw new Error("item errors");
  requests++;
}

async function flush(): Promise<void> {
  if (docs === 0) return;
  const body = Buffer.concat(parts, partBytes);
  const p = send(body, docs).finally(() => inFlight.delete(p));
  inFlight.add(p);
  parts = [];
  partBytes = 0;
  docs = 0;
  if (inFlight.size >= 2) await Promise.race(inFlight);
}

for await (const ev of tailFile({ path: args.file, follow: false, readChunkBytes: 256 * 1024 })) {
  if (ev.type !== "data") continue;
  bytes += ev.data.length;
  let full = false;
  forEachLine(ev.data, ev.offset, (line) => {
    events++;
    docs++;
    parts.push(action, line, NL);
    partBytes += action.length + line.length + 1;
    if (docs >= MAX_EVENTS || partBytes >= MAX_BYTES) full = true;
  }, stats);
  if (full) await flush(); // whole chunks: a body may pass 5 MiB by less than one 256 KiB read
}
await flush();
await Promise.all(inFlight);
await client.close();
process.stdout.write(`${JSON.stringify({ events, bytes, requests })}\n`);
