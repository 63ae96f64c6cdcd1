/**
 * Benchmark of the run loop (`edge-agent run --once` minus the network): FileSource (tailer) → Ingestor → Batcher →
 * BulkDeliverer (body built from the raw lines into a reused buffer, response planned) → acks → checkpoint, over a
 * large EVE file, with a transport that answers every `_bulk` at once with success. Compare `eventsPerSec` with the
 * core benchmark (`pnpm --filter edge-agent bench`, "full pipeline") to see what the loop itself costs.
 *
 *   bash apps/edge-agent/scripts/bench-run-loop.sh [--file eve.json] [--mb 100] [--runs 3]
 *
 * Output: one JSON object on stdout (best of `--runs`): events, inputBytes, eventsPerSec, mbPerSec, seconds,
 * cpuSeconds, peakRssBytes (whole process), batches, loadavg.
 */
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { once } from "node:events";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import type { BulkTransport, TimedBulkAttempt } from "../src/opensearch/bulk-transport.js";
import { createCore } from "../src/options.js";
import type { IngestItem } from "../src/pipeline/ingest.js";
import type { DeadLetterSink } from "../src/run/dead-letter-file.js";
import { BulkDeliverer } from "../src/run/deliver.js";
import { Pipeline } from "../src/run/pipeline.js";
import { FileSource } from "../src/run/source.js";
import { createRunStats } from "../src/run/stats.js";

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: { file: { type: "string" }, mb: { type: "string", default: "100" }, runs: { type: "string", default: "3" }, "data-dir": { type: "string" } },
});

/** Answers success for every item without parsing the body: the network and the cluster are not measured. */
class NullTransport implements BulkTransport {
  batches = 0;
  readonly #items = new Map<number, unknown[]>();
  send(body: Buffer): Promise<TimedBulkAttempt> {
    this.batches++;
    let n = 0;
    for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, i + 1)) n++;
    n /= 2;
    let items = this.#items.get(n);
    if (!items) this.#items.set(n, (items = new Array<unknown>(n).fill({ index: { status: 201 } })));
    return Promise.resolve({ status: 200, body: { took: 0, errors: false, items }, durationMs: 0 });
  }
}

const noDeadLetter: DeadLetterSink = { write: () => Promise.resolve(), close: () => Promise.resolve() };

async function input(): Promise<{ path: string; tmp: string }> {
  const tmp = await mkdtemp(join(tmpdir(), "edge-bench-run-"));
  if (args.file) return { path: args.file, tmp };
  const dirs = [args["data-dir"], process.env["EVE_DATA_DIR"], "/work/shared/data/eve", new URL("../test/fixtures/", import.meta.url).pathname];
  const dir = dirs.find((d): d is string => d !== undefined && existsSync(d)) as string;
  const data = Buffer.concat(readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("malformed")).sort().map((f) => readFileSync(join(dir, f))));
  const path = join(tmp, "eve.json");
  const out = createWriteStream(path);
  for (let written = 0; written < Number(args.mb) * 1048576; written += data.length) if (!out.write(data)) await once(out, "drain");
  out.end();
  await once(out, "finish");
  return { path, tmp };
}

async function pass(path: string, tmp: string, n: number) {
  const core = createCore({ sensorId: "bench", evePath: path, checkpointPath: join(tmp, `cp-${n}.json`), flushIntervalMs: 1000 });
  const stats = createRunStats();
  const log = pino({ level: "silent" });
  const transport = new NullTransport();
  const deliverer = new BulkDeliverer<IngestItem>({ transport, deadLetter: noDeadLetter, opType: "index", sensorId: "bench", backoff: () => core.createBackoff(), maxAttempts: 0, onExhausted: "hold", stats, log });
  const src = await FileSource.open(core, false);
  const pipeline = new Pipeline({ sources: [src], batcher: core.createBatcher(), sink: () => deliverer, deadLetter: noDeadLetter, concurrency: 2, stats, sensorId: "bench", log });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pipeline.run({ once: true, stop: new AbortController().signal, shutdownTimeoutMs: 10_000 });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const events = [...stats.shippedByType.values()].reduce((a, b) => a + b, 0);
  return { events, inputBytes: stats.bytesRead, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, batches: transport.batches };
}

const { path, tmp } = await input();
try {
  let best: Awaited<ReturnType<typeof pass>> | undefined;
  for (let i = 0; i < Number(args.runs); i++) {
    const r = await pass(path, tmp, i);
    if (!best || r.seconds < best.seconds) best = r;
  }
  const b = best as Awaited<ReturnType<typeof pass>>;
  process.stdout.write(
    `${JSON.stringify({
      benchmark: "run-loop",
      events: b.events,
      inputBytes: b.inputBytes,
      eventsPerSec: Math.round(b.events / b.seconds),
      mbPerSec: Math.round((b.inputBytes / 1048576 / b.seconds) * 10) / 10,
      seconds: Math.round(b.seconds * 1000) / 1000,
      cpuSeconds: Math.round(b.cpuSeconds * 1000) / 1000,
      batches: b.batches,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    })}\n`,
  );
} finally {
  await rm(tmp, { recursive: true, force: true });
}
