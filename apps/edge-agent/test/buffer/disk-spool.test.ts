import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { DiskSpool, type DiskSpoolOptions, type SpoolWarning } from "../../src/buffer/disk-spool.js";
import { BufferClosedError, BufferFullError, BufferOptionsError, SpoolIoError } from "../../src/buffer/errors.js";
import { frameSize } from "../../src/buffer/spool-codec.js";
import { segmentName } from "../../src/buffer/spool-files.js";
import { buildBulkBody } from "../../src/ship/bulk.js";
import type { BufferEntry, BufferRecord } from "../../src/buffer/types.js";
import type { IngestItem } from "../../src/pipeline/ingest.js";
import type { BulkDoc } from "../../src/ship/bulk.js";
import { ns, range, rec } from "./records.js";

let dir: string;
const open_: DiskSpool[] = [];
const warnings: SpoolWarning[] = [];

async function spool(options: Partial<DiskSpoolOptions> = {}): Promise<DiskSpool> {
  const s = await DiskSpool.open({ dir, maxBytes: 1 << 20, onWarning: (w) => warnings.push(w), ...options });
  open_.push(s);
  return s;
}

const segments = async (): Promise<string[]> => (await readdir(dir)).filter((f) => f.endsWith(".spool")).sort();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "spool-test-"));
  warnings.length = 0;
});
afterEach(async () => {
  await Promise.all(open_.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

describe("buffer record type", () => {
  it("accepts pipeline items as records and gives entries the shipper can send as bulk documents", () => {
    expectTypeOf<IngestItem>().toExtend<BufferRecord>();
    expectTypeOf<BufferEntry>().toExtend<BulkDoc>();
  });
});

describe("DiskSpool", () => {
  it("hands entries out in append order, each once, and ready for buildBulkBody", async () => {
    const s = await spool();
    await s.append(range(0, 3));
    await s.append(range(3, 10, 2));
    const a = await s.read(4);
    const b = await s.read(100);
    expect(ns(a)).toEqual([0, 1, 2, 3]);
    expect(ns(b)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(await s.read(10)).toEqual([]);
    expect(b[0]).toMatchObject({ eventType: "flow", priority: 2, index: "logs-flow-2024.05.01", id: "id-4" });
    const body = buildBulkBody(a).toString();
    expect(body.split("\n")[0]).toBe('{"index":{"_index":"logs-alert-2024.05.01","_id":"id-0"}}');
    expect(body.split("\n")[1]).toBe(rec(0).raw.toString());
  });

  it("keeps order across concurrent appends (one group commit) and many segments", async () => {
    const s = await spool({ segmentBytes: 4096 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.append(range(i * 10, i * 10 + 10, 1))));
    const got: number[] = [];
    for (let batch = await s.read(37); batch.length > 0; batch = await s.read(37)) got.push(...ns(batch));
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect((await segments()).length).toBeGreaterThan(5);
  });

  it("caps a read by raw bytes but always returns at least one entry", async () => {
    const s = await spool();
    await s.append(range(0, 5, 0, 100));
    const one = (rec(0, 0, 100).raw.length);
    expect(ns(await s.read(10, one * 2 + 1))).toEqual([0, 1]);
    expect(ns(await s.read(10, 1))).toEqual([2]);
    expect(ns(await s.read(10))).toEqual([3, 4]);
  });

  it("counts depth, accepts acks in any order and reclaims acknowledged segments", async () => {
    const s = await spool({ segmentBytes: 2048 });
    const records = range(0, 60, 0, 50);
    for (let i = 0; i < 60; i += 5) await s.append(records.slice(i, i + 5));
    const bytes = records.reduce((a, r) => a + frameSize(r), 0);
    expect(s.stats()).toMatchObject({ unit: "bytes", depthEvents: 60, depthBytes: bytes, used: bytes, full: false, refusing: null });
    const entries = await s.read(60);
    await s.ack(entries.slice(30).map((e) => e.handle));
    expect(s.stats().depthEvents).toBe(30);
    const before = await segments();
    expect(before.length).toBeGreaterThan(1);
    await s.ack(entries.slice(0, 30).map((e) => e.handle));
    await s.ack(entries.slice(0, 30).map((e) => e.handle)); // repeated: ignored
    expect(s.stats()).toMatchObject({ depthEvents: 0, depthBytes: 0, used: 0 });
    expect(await segments()).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, "ack.json"), "utf8"))).toEqual({ version: 1, head: 60 });
    await s.append([rec(60)]);
    expect(ns(await s.read(5))).toEqual([60]);
  });

  it("rewind hands out every unacknowledged entry again, skipping those acknowledged out of order", async () => {
    const s = await spool();
    await s.append(range(0, 6));
    const e = await s.read(4);
    await s.ack([e[2]!.handle]);
    await s.rewind();
    expect(ns(await s.read(10))).toEqual([0, 1, 3, 4, 5]);
  });

  it("recovers unacknowledged entries after a restart, from the persisted ack position", async () => {
    const s = await spool({ segmentBytes: 1024 });
    await s.append(range(0, 40, 1, 20));
    const e = await s.read(25);
    await s.ack(e.slice(0, 10).map((x) => x.handle));
    await s.ack([e[15]!.handle]); // above the gap: persisted as acknowledged, not re-delivered
    await s.close();
    const again = await spool({ segmentBytes: 1024 });
    expect(again.stats().depthEvents).toBe(29);
    const got = ns(await again.read(100));
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i + 10).filter((n) => n !== 15));
    await again.append([rec(40)]);
    expect(ns(await again.read(5))).toEqual([40]);
    expect(warnings).toEqual([]);
  });

  it("a clean close keeps acks above a gap: the reopened spool hands out only the gap, with its depth in bytes", async () => {
    const s = await spool({ segmentBytes: 1024 });
    await s.append(range(0, 20));
    const e = await s.read(20);
    await s.ack(e.filter((_, i) => i !== 5 && i !== 12).map((x) => x.handle));
    await s.close();
    expect(JSON.parse(await readFile(join(dir, "ack.json"), "utf8"))).toEqual({ version: 1, head: 5, ahead: [[6, 12], [13, 20]] });
    const again = await spool({ segmentBytes: 1024 });
    expect(again.stats().depthEvents).toBe(2);
    const gap = await again.read(100);
    expect(ns(gap)).toEqual([5, 12]);
    await again.ack(gap.map((x) => x.handle));
    expect(again.stats()).toMatchObject({ depthEvents: 0, depthBytes: 0 });
    await again.close();
    const third = await spool({ segmentBytes: 1024 });
    expect(third.stats().depthEvents).toBe(0);
    expect(await third.read(100)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("saves the ack position on close when an ack write failed earlier: nothing acknowledged is re-delivered", async () => {
    const s = await spool();
    await s.append(range(0, 10));
    const e = await s.read(10);
    await mkdir(join(dir, "ack.json.tmp")); // the atomic replace cannot open its temporary file
    await expect(s.ack(e.map((x) => x.handle))).rejects.toBeInstanceOf(SpoolIoError);
    await rm(join(dir, "ack.json.tmp"), { recursive: true });
    await s.close();
    const again = await spool();
    expect(again.stats().depthEvents).toBe(0);
    expect(await again.read(10)).toEqual([]);
  });

  it("takes back a failed append (a new segment file cannot be created): appends succeed again once the cause is gone", async () => {
    const s = await spool({ segmentBytes: 200 });
    await s.append(range(0, 3));
    const obstacle = join(dir, segmentName(3));
    await mkdir(obstacle); // the next segment's name is taken: open(…, "wx") fails
    await expect(s.append(range(3, 5))).rejects.toBeInstanceOf(SpoolIoError);
    await expect(s.append(range(3, 5))).rejects.toBeInstanceOf(SpoolIoError); // still failing: retried, not stuck
    await rm(obstacle, { recursive: true });
    await s.append(range(3, 5));
    expect(s.stats().depthEvents).toBe(5);
    expect(ns(await s.read(10))).toEqual([0, 1, 2, 3, 4]);
    await s.close();
    const again = await spool({ segmentBytes: 200 });
    expect(ns(await again.read(10))).toEqual([0, 1, 2, 3, 4]);
    expect(warnings).toEqual([]);
  });

  it("truncates a torn tail on open, reports it, and keeps every whole record", async () => {
    const s = await spool({ segmentBytes: 1 << 20 });
    await s.append(range(0, 5));
    await s.close();
    const [seg] = await segments();
    const path = join(dir, seg!);
    const size = (await stat(path)).size;
    // A crash in the middle of the sixth frame: only part of it reached the disk.
    const { bytes } = await import("../../src/buffer/spool-codec.js").then((c) => c.encodeFrames(5, [rec(5)]));
    const fh = await open(path, "a");
    await fh.write(bytes.subarray(0, bytes.length - 7));
    await fh.close();

    const again = await spool();
    expect(warnings).toEqual([expect.objectContaining({ kind: "torn_tail", path, bytes: bytes.length - 7 })]);
    expect((await stat(path)).size).toBe(size);
    await again.append([rec(100)]);
    expect(ns(await again.read(10))).toEqual([0, 1, 2, 3, 4, 100]);
  });

  it("truncates a zero-filled or checksum-failing tail too", async () => {
    const s = await spool();
    await s.append(range(0, 3));
    await s.close();
    const path = join(dir, (await segments())[0]!);
    const size = (await stat(path)).size;
    const content = await readFile(path);
    content.writeUInt8(content.readUInt8(size - 3) ^ 0xff, size - 3); // damage the last frame's raw bytes
    await writeFile(path, Buffer.concat([content, Buffer.alloc(512)]));
    const again = await spool();
    expect(warnings[0]).toMatchObject({ kind: "torn_tail", detail: "invalid frame: checksum mismatch" });
    expect(ns(await again.read(10))).toEqual([0, 1]);
    expect(again.stats().depthEvents).toBe(2);
  });

  it("skips a damaged older segment, reports the lost records and reads on", async () => {
    const s = await spool({ segmentBytes: 600 });
    for (let i = 0; i < 12; i++) await s.append([rec(i, 0, 100)]);
    await s.close();
    const files = await segments();
    expect(files.length).toBeGreaterThan(2);
    const firstPath = join(dir, files[0]!);
    const damaged = await readFile(firstPath);
    const perFile = damaged.length / frameSize(rec(0, 0, 100));
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 5) ^ 0xff, damaged.length - 5); // last frame of the first segment
    await writeFile(firstPath, damaged);
    const again = await spool({ segmentBytes: 600 });
    const got = ns(await again.read(100));
    const lostN = perFile - 1;
    expect(got).toEqual(Array.from({ length: 12 }, (_, i) => i).filter((i) => i !== lostN));
    expect(again.lost.records).toBe(1);
    expect(warnings).toEqual([expect.objectContaining({ kind: "corrupt_segment", path: firstPath, records: 1 })]);
    expect(again.stats().depthEvents).toBe(11);
  });

  it("re-delivers everything when the ack file is unreadable, and says so", async () => {
    const s = await spool();
    await s.append(range(0, 3));
    await s.ack((await s.read(1)).map((e) => e.handle));
    await s.close();
    await writeFile(join(dir, "ack.json"), "{not json");
    const again = await spool();
    expect(warnings[0]).toMatchObject({ kind: "invalid_ack_file" });
    expect(ns(await again.read(10))).toEqual([0, 1, 2]);
  });

  it("rejects with BufferFullError when full, writes nothing of the refused call, and resumes after acks", async () => {
    const size = (rs: BufferRecord[]): number => rs.reduce((a, r) => a + frameSize(r), 0);
    const s = await spool({ maxBytes: size(range(0, 10, 0, 200)), segmentBytes: 500, reserveFraction: 0 });
    for (let i = 0; i < 8; i += 2) await s.append(range(i, i + 2, 0, 200));
    const err = await s.append(range(8, 11, 0, 200)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BufferFullError);
    expect(err).toMatchObject({ priority: 0, unit: "bytes", used: size(range(0, 8, 0, 200)), limit: size(range(0, 10, 0, 200)) });
    expect(err).toMatchObject({ requested: size(range(8, 11, 0, 200)) });
    expect(s.stats()).toMatchObject({ depthEvents: 8, full: false });
    await s.append(range(8, 10, 0, 200));
    expect(s.stats()).toMatchObject({ full: true, refusing: 0, fill: 1, highWater: 1 });
    expect(s.hasRoom(10, 0)).toBe(false);
    await expect(s.append([rec(10, 0, 200)])).rejects.toBeInstanceOf(BufferFullError);

    const first = await s.read(4);
    await s.ack(first.map((e) => e.handle));
    expect(s.hasRoom(200, 0)).toBe(true);
    await s.append(range(10, 13, 0, 200));
    const rest = await s.read(100);
    expect(ns(rest)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("refuses flows/stats first and keeps headroom for alerts", async () => {
    const meta = (r: BufferRecord): number => frameSize(r) - 24; // what hasRoom takes: raw + index + id + type
    const s = await spool({ maxBytes: 100_000, segmentBytes: 10_000, reserveFraction: 0.1 });
    let n = 0;
    while (s.hasRoom(meta(rec(n, 2, 100)), 2)) await s.append([rec(n++, 2, 100)]);
    const afterFlows = s.stats();
    expect(afterFlows.used).toBeLessThanOrEqual(80_000);
    expect(afterFlows.used + frameSize(rec(n, 2, 100))).toBeGreaterThan(80_000);
    expect(afterFlows.refusing).toBe(2);
    await expect(s.append([rec(n, 2, 100)])).rejects.toMatchObject({ name: "BufferFullError", priority: 2, limit: 80_000 });
    // A mixed batch is refused as a whole at its flow; the same alert alone is admitted.
    await expect(s.append([rec(10_000, 0, 100), rec(10_001, 2, 100)])).rejects.toBeInstanceOf(BufferFullError);
    let logs = 10_000;
    while (s.hasRoom(meta(rec(logs, 1, 100)), 1)) await s.append([rec(logs++, 1, 100)]);
    expect(s.stats().refusing).toBe(1);
    await expect(s.append([rec(logs, 1, 100)])).rejects.toMatchObject({ priority: 1, limit: 90_000 });
    let alerts = 20_000;
    while (s.hasRoom(meta(rec(alerts, 0, 100)), 0)) await s.append([rec(alerts++, 0, 100)]);
    expect(alerts - 20_000).toBeGreaterThan(40); // the reserved 10 % is there for alerts
    expect(s.stats()).toMatchObject({ full: true, refusing: 0 });
    expect(s.stats().used).toBeLessThanOrEqual(100_000);
    const all = ns(await s.read(10_000));
    expect(all).toEqual([...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: logs - 10_000 }, (_, i) => 10_000 + i), ...Array.from({ length: alerts - 20_000 }, (_, i) => 20_000 + i)]);
  });

  it("rejects records that can never fit and bad arguments with BufferOptionsError", async () => {
    await expect(DiskSpool.open({ dir, maxBytes: 0 })).rejects.toBeInstanceOf(BufferOptionsError);
    const s = await spool({ maxBytes: 4096 });
    await expect(s.append([rec(0, 0, 5000)])).rejects.toBeInstanceOf(BufferOptionsError);
    await expect(s.read(0)).rejects.toBeInstanceOf(BufferOptionsError);
    expect(s.stats().depthEvents).toBe(0);
  });

  it("works without fsync and flushes on close; refuses calls after close", async () => {
    const s = await spool({ fsync: false });
    await s.append(range(0, 3));
    await s.close();
    await s.close();
    await expect(s.append([rec(3)])).rejects.toBeInstanceOf(BufferClosedError);
    await expect(s.read(1)).rejects.toBeInstanceOf(BufferClosedError);
    expect(s.hasRoom(1, 0)).toBe(false);
    const again = await spool({ fsync: false });
    expect(ns(await again.read(10))).toEqual([0, 1, 2]);
  });

  it("removes an empty segment left by a crash right after it was created", async () => {
    const s = await spool();
    await s.append(range(0, 2));
    await s.close();
    await truncate(join(dir, (await segments())[0]!), 0);
    const again = await spool();
    expect(warnings).toEqual([]);
    expect(await segments()).toEqual([]);
    await again.append([rec(7)]);
    expect(ns(await again.read(3))).toEqual([7]);
  });
});
