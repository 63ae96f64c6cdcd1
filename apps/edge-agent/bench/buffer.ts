/**
 * Benchmark of the durable buffers: append then drain (read + ack) of N records, for the disk spool with and
 * without fsync and, when `redis-server` is installed, the Redis Streams buffer on a unix socket (no persistence).
 *
 * Records are synthetic EVE-sized lines (`--bytes`, default 600 B raw; index, id and type like the shipper's),
 * appended in batches of `--batch` (default 500, one `append` call each, i.e. one fsync per batch) and drained
 * in reads of `--batch` followed by one `ack` each. The disk spool runs in a temp dir (`--dir` to pick the disk).
 *
 * Part of `pnpm --filter edge-agent bench` (the `buffer` section of `bench/run.ts`, 100,000 records). Alone:
 *   npx tsup bench/buffer.ts --no-config --format esm --platform node --target node22 --out-dir out/bench --silent \
 *     && node out/bench/buffer.js [--records 200000] [--batch 500] [--bytes 600] [--dir /var/tmp]
 * Output (stdout, one JSON object): per buffer, appendRecordsPerSec, appendMbPerSec, drainRecordsPerSec,
 * drainMbPerSec, plus the machine's CPU model and load average.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DiskSpool } from "../src/buffer/disk-spool.js";
import { RedisStreamBuffer } from "../src/buffer/redis-stream.js";
import type { BufferRecord, DurableBuffer } from "../src/buffer/types.js";

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    records: { type: "string", default: "200000" },
    batch: { type: "string", default: "500" },
    bytes: { type: "string", default: "600" },
    dir: { type: "string" },
  },
});
const N = Number(args.records);
const BATCH = Number(args.batch);
const RAW = Number(args.bytes);

function makeRecords(): BufferRecord[] {
  const out: BufferRecord[] = [];
  for (let i = 0; i < N; i++) {
    const head = `{"timestamp":"2024-05-01T10:00:00.000000+0000","flow_id":${i},"event_type":"flow","src_ip":"10.0.0.1","pad":"`;
    const raw = Buffer.from(`${head}${"x".repeat(Math.max(0, RAW - head.length - 2))}"}`);
    out.push({ index: "logs-flow-2024.05.01", id: `AAAAAAAAAAAAAAAAAAAA${String(i).padStart(12, "0")}`, eventType: "flow", priority: 2, raw });
  }
  return out;
}

async function run(name: string, buffer: DurableBuffer, records: BufferRecord[]): Promise<Record<string, number | string>> {
  const mb = records.reduce((a, r) => a + r.raw.length, 0) / (1 << 20);
  let t = process.hrtime.bigint();
  for (let i = 0; i < records.length; i += BATCH) await buffer.append(records.slice(i, i + BATCH));
  const appendS = Number(process.hrtime.bigint() - t) / 1e9;
  t = process.hrtime.bigint();
  let drained = 0;
  for (let batch = await buffer.read(BATCH); batch.length > 0; batch = await buffer.read(BATCH)) {
    drained += batch.length;
    await buffer.ack(batch.map((e) => e.handle));
  }
  const drainS = Number(process.hrtime.bigint() - t) / 1e9;
  if (drained !== records.length) throw new Error(`${name}: drained ${drained} of ${records.length}`);
  await buffer.close();
  return {
    buffer: name,
    appendRecordsPerSec: Math.round(records.length / appendS),
    appendMbPerSec: Number((mb / appendS).toFixed(1)),
    drainRecordsPerSec: Math.round(records.length / drainS),
    drainMbPerSec: Number((mb / drainS).toFixed(1)),
  };
}

async function withRedis<T>(fn: (socket: string) => Promise<T>): Promise<T | undefined> {
  const bin = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p));
  if (!bin) return undefined;
  const dir = await mkdtemp(join(tmpdir(), "bench-redis-"));
  const socket = join(dir, "redis.sock");
  const child = spawn(bin, ["--port", "0", "--unixsocket", socket, "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "ignore"] });
  const exited = new Promise((r) => child.once("exit", r));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (/ready to accept connections/i.test(out)) resolve();
      });
      child.once("exit", () => reject(new Error(`redis-server exited:\n${out}`)));
    });
    return await fn(socket);
  } finally {
    child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  }
}

const records = makeRecords();
const results: Record<string, number | string>[] = [];
for (const fsync of [true, false]) {
  const dir = await mkdtemp(join(args.dir ?? tmpdir(), "bench-spool-"));
  try {
    const spool = await DiskSpool.open({ dir, maxBytes: 4 * 2 ** 30, fsync });
    results.push(await run(`disk-spool fsync=${fsync}`, spool, records));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const redis = await withRedis(async (socket) => {
  const b = await RedisStreamBuffer.open({ url: `unix://${socket}`, stream: "bench", maxLen: N, consumerGroup: "g", reserveFraction: 0 });
  return run("redis-stream (unix socket, no persistence)", b, records);
});
if (redis) results.push(redis);
console.log(
  JSON.stringify({ records: N, batch: BATCH, rawBytes: RAW, results, cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg() }, null, 1),
);
