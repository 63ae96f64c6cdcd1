// DiskSpool re-establishes its files by itself when its directory vanishes, is replaced, or comes back while it
// runs: appends and reads resume without a reopen, what is lost is counted and reported, nothing acknowledged is
// handed out again. Real files in a temporary directory.
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DiskSpool, type DiskSpoolOptions, type SpoolWarning } from "../../src/buffer/disk-spool.js";
import { SpoolIoError } from "../../src/buffer/errors.js";
import { frameSize } from "../../src/buffer/spool-codec.js";
import type { BufferRecord } from "../../src/buffer/types.js";
import { ns, range, rec } from "./records.js";

let base: string;
let dir: string;
const opened: DiskSpool[] = [];
const warnings: SpoolWarning[] = [];

async function spool(options: Partial<DiskSpoolOptions> = {}): Promise<DiskSpool> {
  const s = await DiskSpool.open({ dir, maxBytes: 1 << 20, onWarning: (w) => warnings.push(w), ...options });
  opened.push(s);
  return s;
}

const frames = (rs: readonly BufferRecord[]): number => rs.reduce((a, r) => a + frameSize(r), 0);
const segments = async (): Promise<string[]> => (await readdir(dir)).filter((f) => f.endsWith(".spool")).sort();
const ackFile = async (): Promise<unknown> => JSON.parse(await readFile(join(dir, "ack.json"), "utf8"));

/** Appends like the BufferSink does: retries a failed append (same records) until it is durable. */
async function appendRetrying(s: DiskSpool, records: BufferRecord[]): Promise<SpoolIoError[]> {
  const errors: SpoolIoError[] = [];
  for (;;) {
    try {
      await s.append(records);
      return errors;
    } catch (err) {
      if (!(err instanceof SpoolIoError) || errors.length > 5) throw err;
      errors.push(err);
    }
  }
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "spool-resync-"));
  dir = join(base, "spool");
  warnings.length = 0;
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  await rm(base, { recursive: true, force: true });
});

describe("DiskSpool when its directory vanishes while it runs", () => {
  it("rejects the append that finds its segment deleted, then recreates the directory, reports the loss and resumes", async () => {
    const s = await spool();
    await s.append(range(0, 5));
    const inFlight = await s.read(2);
    await s.ack([inFlight[0]!.handle]); // record 0 acknowledged; record 1 in a delivery in progress
    await rm(dir, { recursive: true });

    const err = await s.append(range(5, 8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpoolIoError);
    expect((err as SpoolIoError).message).toMatch(/deleted while open/);
    expect(s.lost).toEqual({ records: 0, bytes: 0, resyncs: 0 }); // not yet looked at
    await s.append(range(5, 8)); // the caller's retry: same records, appended after the repair

    const lost = warnings.filter((w) => w.kind === "lost_from_buffer");
    expect(lost).toEqual([expect.objectContaining({ path: dir, records: 4, bytes: frames(range(1, 5)) })]);
    expect(lost[0]!.detail).toMatch(/directory was gone and has been created again/);
    expect(lost[0]!.detail).toMatch(/1 of them were in a delivery in progress/);
    expect(s.lost).toEqual({ records: 4, bytes: frames(range(1, 5)), resyncs: 1 });
    expect(s.stats()).toMatchObject({ depthEvents: 3, depthBytes: frames(range(5, 8)), used: frames(range(5, 8)) });

    // The reader goes on with what is there; the late ack of the lost in-flight record changes nothing.
    const rest = await s.read(10);
    expect(ns(rest)).toEqual([5, 6, 7]);
    await s.ack([inFlight[1]!.handle]);
    expect(s.stats().depthEvents).toBe(3);
    await s.ack(rest.map((e) => e.handle));
    expect(s.stats()).toMatchObject({ depthEvents: 0, depthBytes: 0, used: 0 });
    expect(await s.read(10)).toEqual([]);
    await s.append([rec(8)]);
    await s.close();

    // The files on disk agree: a reopen hands out exactly the unacknowledged record, and reports nothing.
    warnings.length = 0;
    const again = await spool();
    expect(ns(await again.read(10))).toEqual([8]);
    expect(warnings).toEqual([]);
  });

  it("concurrent appends around the removal: every resolved append is either read back or counted lost, none twice", async () => {
    const s = await spool({ segmentBytes: 600 });
    const resolved: number[] = [];
    const attempt = async (n: number): Promise<void> => {
      await appendRetrying(s, [rec(n, 0, 40)]);
      resolved.push(n);
    };
    for (let n = 0; n < 10; n++) await attempt(n); // durable before the removal: certainly lost with it
    const racing = Array.from({ length: 20 }, (_, i) => attempt(10 + i));
    await Promise.resolve();
    // Moved away at once, then deleted (a plain recursive rm could race with the spool creating the directory again).
    const removal = rename(dir, join(base, "gone")).then(() => rm(join(base, "gone"), { recursive: true }));
    await Promise.all([...racing, removal]);
    await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(30 + i))); // after the removal: all kept

    const read: number[] = [];
    for (let b = await s.read(7); b.length > 0; b = await s.read(7)) {
      read.push(...ns(b));
      await s.ack(b.map((e) => e.handle));
    }
    expect(new Set(read).size).toBe(read.length); // no duplicates
    expect(read.every((n) => resolved.includes(n))).toBe(true);
    expect(read).toEqual(expect.arrayContaining(Array.from({ length: 10 }, (_, i) => 30 + i)));
    expect(read.length + s.lost.records).toBe(resolved.length);
    expect(resolved.length).toBe(40);
    expect(s.lost.resyncs).toBeGreaterThanOrEqual(1);
    expect(read.filter((n) => n < 10)).toEqual([]);
    expect(s.lost.records).toBeGreaterThanOrEqual(10);
    expect(s.lost.records).toBeLessThanOrEqual(30);
    expect(warnings.filter((w) => w.kind === "lost_from_buffer").reduce((a, w) => a + (w.records ?? 0), 0)).toBe(s.lost.records);
    expect(s.stats()).toMatchObject({ depthEvents: 0, depthBytes: 0, used: 0 });
  });

  it("with rolled segments the take-back fails too: that is reported, and the next append still resumes", async () => {
    const s = await spool({ segmentBytes: 150 });
    for (let i = 0; i < 4; i++) await s.append([rec(i, 0, 60)]); // one record per segment: each append rolls
    expect((await segments()).length).toBe(4);
    await rm(dir, { recursive: true });
    await expect(s.append([rec(4, 0, 60)])).rejects.toBeInstanceOf(SpoolIoError);
    expect(warnings.map((w) => w.kind)).toEqual(["take_back_failed"]);
    await s.append([rec(4, 0, 60)]);
    expect(warnings.map((w) => w.kind)).toEqual(["take_back_failed", "lost_from_buffer"]);
    expect(s.lost.records).toBe(4);
    expect(ns(await s.read(10))).toEqual([4]);
    expect(await segments()).toHaveLength(1);
  });

  it("a read that finds the files gone fails once; the next read repairs, reports the loss, and appending goes on", async () => {
    const s = await spool();
    await s.append(range(0, 5));
    await rm(dir, { recursive: true });
    await expect(s.read(10)).rejects.toMatchObject({ name: "SpoolIoError", operation: "read" });
    expect(await s.read(10)).toEqual([]);
    expect(s.lost).toMatchObject({ records: 5, resyncs: 1 });
    expect(s.stats()).toMatchObject({ depthEvents: 0, depthBytes: 0, used: 0 });
    await s.append(range(5, 7));
    expect(ns(await s.read(10))).toEqual([5, 6]);
    expect(await ackFile()).toEqual({ version: 1, head: 5 });
  });

  it("an acknowledgement that cannot be written (directory gone) is not lost: the drainer's rewind repairs, nothing is re-delivered", async () => {
    const s = await spool();
    await s.append(range(0, 6));
    const batch = await s.read(4); // 0..3 delivered to OpenSearch
    await rm(dir, { recursive: true });
    await expect(s.ack(batch.map((e) => e.handle))).rejects.toMatchObject({ name: "SpoolIoError", operation: "ack" });
    await s.rewind(); // what a restarted drainer does first
    expect(warnings).toEqual([expect.objectContaining({ kind: "lost_from_buffer", records: 2, bytes: frames(range(4, 6)) })]);
    expect(warnings[0]!.detail).not.toMatch(/delivery in progress/);
    expect(s.stats()).toMatchObject({ depthEvents: 0, depthBytes: 0 });
    expect(await s.read(10)).toEqual([]);
    expect(await ackFile()).toEqual({ version: 1, head: 6 });
  });

  it("a vanished directory with nothing buffered: nothing is lost, and that is said too", async () => {
    const s = await spool();
    await s.append(range(0, 3));
    await s.ack((await s.read(3)).map((e) => e.handle));
    expect(await segments()).toEqual([]); // all acknowledged, reclaimed
    await rm(dir, { recursive: true });
    await expect(s.append([rec(3)])).rejects.toMatchObject({ name: "SpoolIoError", operation: "append" });
    await s.append([rec(3)]);
    expect(warnings).toEqual([expect.objectContaining({ kind: "resynced", records: 0, bytes: 0 })]);
    expect(s.lost).toEqual({ records: 0, bytes: 0, resyncs: 1 });
    expect(ns(await s.read(5))).toEqual([3]);
  });

  it("when the repair itself fails it rejects with SpoolIoError, and the next call tries again", async () => {
    const s = await spool();
    await s.append(range(0, 2));
    await rm(dir, { recursive: true });
    await writeFile(dir, "a file where the directory was"); // mkdir cannot create the directory
    await expect(s.append([rec(2)])).rejects.toBeInstanceOf(SpoolIoError);
    await expect(s.append([rec(2)])).rejects.toMatchObject({ name: "SpoolIoError", operation: "recover", path: dir });
    await expect(s.read(5)).rejects.toMatchObject({ operation: "recover" });
    expect(s.lost.resyncs).toBe(0);
    await rm(dir);
    await s.append([rec(2)]);
    expect(s.lost).toMatchObject({ records: 2, resyncs: 1 });
    expect(ns(await s.read(5))).toEqual([2]);
  });

  it("close after an unrepaired failure still counts and reports the loss, and leaves consistent files", async () => {
    const s = await spool();
    await s.append(range(0, 4));
    await rm(dir, { recursive: true });
    await expect(s.append([rec(4)])).rejects.toBeInstanceOf(SpoolIoError);
    await s.close();
    expect(warnings).toEqual([expect.objectContaining({ kind: "lost_from_buffer", records: 4 })]);
    expect(await ackFile()).toEqual({ version: 1, head: 4 });
    warnings.length = 0;
    const again = await spool();
    expect(await again.read(5)).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe("DiskSpool when its directory is replaced or comes back", () => {
  it("an empty directory put in its place: the records that were there are reported lost, appends resume", async () => {
    const s = await spool();
    await s.append(range(0, 3));
    await rm(dir, { recursive: true });
    await mkdir(dir);
    await expect(s.append([rec(3)])).rejects.toBeInstanceOf(SpoolIoError);
    await s.append([rec(3)]);
    const [w] = warnings;
    expect(w).toMatchObject({ kind: "lost_from_buffer", records: 3 });
    expect(w!.detail).toMatch(/re-scanned/);
    expect(ns(await s.read(5))).toEqual([3]);
  });

  it("the directory comes back with its files: nothing is lost, acknowledged records are not handed out again, stale files go", async () => {
    const s = await spool({ segmentBytes: 200 });
    for (let i = 0; i < 12; i++) await s.append([rec(i, 0, 40)]);
    const snapshot = join(base, "snapshot");
    await cp(dir, snapshot, { recursive: true }); // e.g. a mount that goes away and comes back
    const handed = await s.read(6);
    await s.ack(handed.map((e) => e.handle)); // 0..5 acknowledged, their segments reclaimed
    const live = await segments();
    expect(live.length).toBeLessThan((await readdir(snapshot)).filter((f) => f.endsWith(".spool")).length);
    const depth = s.stats();

    await rm(dir, { recursive: true });
    await cp(snapshot, dir, { recursive: true }); // back, with the older ack.json and the reclaimed segments
    await expect(s.append([rec(12, 0, 40)])).rejects.toBeInstanceOf(SpoolIoError); // its open file was replaced
    await s.append([rec(12, 0, 40)]);

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: "resynced", records: 0, bytes: 0 });
    expect(warnings[0]!.detail).toMatch(/deleted segment files this spool did not know/);
    expect(s.lost).toEqual({ records: 0, bytes: 0, resyncs: 1 });
    expect(s.stats()).toMatchObject({ depthEvents: depth.depthEvents + 1, depthBytes: depth.depthBytes + frameSize(rec(12, 0, 40)) });
    expect(ns(await s.read(100))).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(await ackFile()).toEqual({ version: 1, head: 6 });
    expect(await segments()).toEqual(expect.arrayContaining(live));
  });

  it("an in-flight batch survives a replaced directory: acks after the repair free its records", async () => {
    const s = await spool();
    await s.append(range(0, 6));
    const batch = await s.read(3);
    const snapshot = join(base, "snapshot");
    await cp(dir, snapshot, { recursive: true });
    await rm(dir, { recursive: true });
    await cp(snapshot, dir, { recursive: true });
    await expect(s.append([rec(6)])).rejects.toBeInstanceOf(SpoolIoError);
    await s.append([rec(6)]);
    expect(warnings.map((w) => w.kind)).toEqual(["resynced"]);
    expect(ns(await s.read(10))).toEqual([3, 4, 5, 6]); // the reader continues where it was
    await s.ack(batch.map((e) => e.handle));
    expect(s.stats()).toMatchObject({ depthEvents: 4, depthBytes: frames([...range(3, 6), rec(6)]) });
    await s.rewind();
    expect(ns(await s.read(10))).toEqual([3, 4, 5, 6]);
  });
});
