/**
 * Benchmark: file → tailer → Ingestor (line framing, parse + validate, filter, deterministic id, index name,
 * ack tickets) → priority batcher → `_bulk` body → acks, on one core, versus raw forwarding (same tailer and framing, no JSON validation, no ids: the
 * Vector file→TCP style baseline). Network is excluded: `bench/run.ts` (the package's `bench` script) measures the
 * real binary end to end and runs this file as its `core` section.
 *
 * Input: `--file <eve.json>`, or (default) every `*.json` in `--data-dir` (default `$EVE_DATA_DIR` or
 * /work/shared/data/eve, falling back to test/fixtures) concatenated and repeated into a temp file of `--mb`
 * MiB (default 100). Data is streamed from disk (page cache) so peak RSS reflects the pipeline, not the input.
 *
 * Output (stdout, one JSON object): eventsPerSec, mbPerSec, rawForwardEventsPerSec, rawForwardMbPerSec,
 * validationCostRatio (full time / raw time), cpuSecondsFull, events, malformed, inputBytes, peakRssBytes (whole
 * process, includes the input-file generation), memoryAtEnd, plus calibrationByteLoopMbPerSec and the load average
 * so that numbers from a shared or throttled machine can be judged; figures are the best of `--runs` passes.
 * jsonParseValidatorEventsPerSec is the same pipeline with `validator: "json-parse"` (what the scanner saves).
 * Flags: --file, --data-dir, --mb, --runs, --no-warmup, --skip-raw, --skip-json-parse. `bench/run.ts` runs it with
 * `--max-semi-space-size=1` (a small young generation keeps this process's RSS down at a small throughput cost).
 */
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  buildBulkBody,
  createCore,
  createLineStats,
  forEachLine,
  type IngestItem,
  Ingestor,
  type MalformedRecord,
  tailFile,
} from "../src/index.js";

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"), // `pnpm … bench -- --file x` passes the separator through
  options: {
    file: { type: "string" },
    "data-dir": { type: "string" },
    mb: { type: "string", default: "100" },
    "no-warmup": { type: "boolean", default: false },
    "skip-raw": { type: "boolean", default: false },
    "skip-json-parse": { type: "boolean", default: false },
    runs: { type: "string", default: "3" },
  },
});

async function prepareInput(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  if (args.file) return { path: args.file, cleanup: async () => undefined };
  const fixtures = fileURLToPath(new URL("../test/fixtures/", import.meta.url));
  const candidates = [args["data-dir"], process.env["EVE_DATA_DIR"], "/work/shared/data/eve", fixtures];
  const dir = candidates.find((d): d is string => d !== undefined && existsSync(d)) ?? fixtures;
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
  const tmp = await mkdtemp(join(tmpdir(), "edge-bench-"));
  const path = join(tmp, "eve.json");
  const target = Number(args.mb) * 1024 * 1024;
  const out = createWriteStream(path);
  let written = 0;
  while (written < target) {
    for (const s of sources) {
      if (!out.write(s)) await once(out, "drain");
      written += s.length;
    }
  }
  out.end();
  await once(out, "finish");
  return { path, cleanup: () => rm(tmp, { recursive: true, force: true }) };
}

interface RunResult {
  events: number;
  malformed: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
}

async function runFull(path: string, validator: "scan" | "json-parse" = "scan"): Promise<RunResult> {
  // The production core: tailer → Ingestor (framing, parse, filter, id, index, priority, ack tickets) → Batcher →
  // _bulk body; every item is acknowledged after its body is built, as if the cluster had answered 201.
  const core = createCore({ sensorId: "bench-sensor", validator });
  const ingestor = new Ingestor(core);
  const batcher = core.createBatcher<IngestItem>();
  const scratch = Buffer.allocUnsafe(6 * 1024 * 1024); // one in-flight request's body, reused
  let bodyBytes = 0;
  const flush = (force: boolean): void => {
    for (let b = batcher.take(0, force); b; b = batcher.take(0, force)) {
      bodyBytes += buildBulkBody(b.items, "index", scratch).length;
      for (const item of b.items) ingestor.ack(item);
    }
  };
  const sink = {
    item: (item: IngestItem): void => {
      if (!batcher.offer(item, item.bytes, item.priority, 0)) {
        flush(true);
        batcher.offer(item, item.bytes, item.priority, 0);
      }
    },
    malformed: (record: MalformedRecord): void => ingestor.ackMalformed(record), // the agent dead-letters these
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for await (const ev of tailFile({ path, follow: false, readChunkBytes: 256 * 1024 })) {
    ingestor.handle(ev, sink);
    flush(false);
  }
  flush(true);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const s = ingestor.stats;
  if (ingestor.inFlightLines !== 0) throw new Error(`${ingestor.inFlightLines} lines never acknowledged: bench is broken`);
  if (bodyBytes < s.bytes * 0.9) throw new Error(`bulk bodies (${bodyBytes} B) smaller than input (${s.bytes} B): bench is broken`);
  return { events: s.events, malformed: s.malformed, bytes: s.bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function runRawForward(path: string): Promise<RunResult> {
  const stats = createLineStats();
  const action = Buffer.from('{"index":{"_index":"suricata-raw"}}\n');
  const nl = Buffer.from("\n");
  let events = 0;
  let bytes = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for await (const ev of tailFile({ path, follow: false, readChunkBytes: 256 * 1024 })) {
    if (ev.type !== "data") continue;
    bytes += ev.data.length;
    forEachLine(ev.data, ev.offset, (line) => {
      events++;
      parts.push(action, line, nl);
      partBytes += action.length + line.length + 1;
      if (parts.length >= 15_000 || partBytes >= 5 * 1024 * 1024) {
        Buffer.concat(parts, partBytes);
        parts = [];
        partBytes = 0;
      }
    }, stats);
  }
  Buffer.concat(parts, partBytes);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { events, malformed: 0, bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** MB/s of a plain JS loop summing bytes: a yardstick for how fast (or how contended) this machine is. */
function calibrate(): number {
  const buf = Buffer.alloc(32 * 1024 * 1024, 7);
  let sum = 0;
  const t0 = performance.now();
  for (let i = 0; i < buf.length; i++) sum += buf[i] as number;
  const s = (performance.now() - t0) / 1000;
  if (sum !== 7 * buf.length) throw new Error("calibration broken");
  return +(buf.length / 1024 / 1024 / s).toFixed(0);
}

const loadBefore = loadavg()[0];
const calibrationByteLoopMbPerSec = calibrate();
const input = await prepareInput();
try {
  if (!args["no-warmup"]) await runFull(input.path); // warm-up pass (JIT), result discarded
  // Best of `--runs` passes each (default 3): on a shared machine the fastest pass is the least disturbed one.
  const runs = Math.max(1, Number(args.runs));
  const best = (a: RunResult, b: RunResult): RunResult => (b.seconds < a.seconds ? b : a);
  let raw: RunResult = { events: 0, malformed: 0, bytes: 0, seconds: Infinity, cpuSeconds: 0 };
  let full: RunResult = { ...raw };
  let viaJsonParse: RunResult = { ...raw };
  for (let r = 0; r < runs; r++) {
    if (!args["skip-raw"]) raw = best(raw, await runRawForward(input.path));
    full = best(full, await runFull(input.path));
    if (!args["skip-json-parse"]) viaJsonParse = best(viaJsonParse, await runFull(input.path, "json-parse"));
  }
  if (args["skip-raw"]) raw = { ...raw, seconds: 1 };
  const MiB = 1024 * 1024;
  console.log(
    JSON.stringify({
      eventsPerSec: Math.round(full.events / full.seconds),
      mbPerSec: +(full.bytes / MiB / full.seconds).toFixed(1),
      rawForwardEventsPerSec: Math.round(raw.events / raw.seconds),
      rawForwardMbPerSec: +(raw.bytes / MiB / raw.seconds).toFixed(1),
      validationCostRatio: +((full.seconds / raw.seconds)).toFixed(2),
      jsonParseValidatorEventsPerSec: Number.isFinite(viaJsonParse.seconds) ? Math.round(viaJsonParse.events / viaJsonParse.seconds) : null,
      cpuSecondsFull: +full.cpuSeconds.toFixed(2),
      eventsPerCpuSecond: Math.round(full.events / full.cpuSeconds),
      runs,
      events: full.events,
      malformed: full.malformed,
      inputBytes: full.bytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      memoryAtEnd: process.memoryUsage(),
      nodeFlags: process.execArgv,
      calibrationByteLoopMbPerSec,
      loadAverage1m: [loadBefore, loadavg()[0]],
      cpus: cpus().length,
      node: process.version,
    }),
  );
} finally {
  await input.cleanup();
}
