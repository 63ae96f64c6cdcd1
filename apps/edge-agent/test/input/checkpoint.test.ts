import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AckTracker,
  AckTrackerError,
  type Checkpoint,
  CheckpointFormatError,
  type FileCheckpoint,
  FINGERPRINT_BYTES,
  fingerprintHead,
  matchFile,
} from "../../src/input/checkpoint.js";
import { CheckpointStore, writeFileAtomic } from "../../src/input/checkpoint-store.js";

describe("AckTracker", () => {
  it("advances only over the contiguous acknowledged prefix, whatever the ack order", () => {
    const t = new AckTracker(0);
    const a = t.track(100);
    const b = t.track(250);
    const c = t.track(400);
    t.ack(c);
    expect(t.committedOffset).toBe(0);
    t.ack(a);
    expect(t.committedOffset).toBe(100);
    t.ack(b);
    expect(t.committedOffset).toBe(400);
    expect(t.inFlight).toBe(0);
  });

  it("needs every event of a line (glued records) and passes lines needing none", () => {
    const t = new AckTracker(50);
    const glued = t.track(300, 2);
    t.track(310, 0); // blank/NUL-only line
    t.ack(glued);
    expect(t.committedOffset).toBe(50);
    t.ack(glued);
    expect(t.committedOffset).toBe(310);
  });

  it("rejects double acks, unknown tickets and offsets going backwards", () => {
    const t = new AckTracker();
    const a = t.track(10);
    t.ack(a);
    expect(() => t.ack(a)).toThrow(AckTrackerError);
    expect(() => t.ack(99)).toThrow(AckTrackerError);
    const b = t.track(20, 1);
    expect(() => t.track(15)).toThrow(/endOffset/);
    t.ack(b);
    expect(() => t.ack(b)).toThrow(AckTrackerError);
  });

  it("grows past its initial capacity with random-order acks (property check)", () => {
    const t = new AckTracker();
    const n = 10_000;
    const tickets = Array.from({ length: n }, (_, i) => t.track((i + 1) * 10));
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const order = [...tickets].sort(() => rnd() - 0.5);
    const acked = new Set<number>();
    for (const tk of order) {
      t.ack(tk);
      acked.add(tk);
      let prefix = 0;
      while (acked.has(prefix)) prefix++;
      if (t.committedOffset !== prefix * 10) throw new Error(`after ${acked.size} acks: ${t.committedOffset} != ${prefix * 10}`);
    }
    expect(t.committedOffset).toBe(n * 10);
  });
});

describe("matchFile", () => {
  const head = Buffer.from('{"timestamp":"2024-01-02T03:04:05.123456+0000","event_type":"alert"}\n'.repeat(10));
  const saved: FileCheckpoint = { path: "/x/eve.json", dev: "1", ino: "42", offset: 500, ...fingerprintHead(head) };

  it("fingerprints at most FINGERPRINT_BYTES", () => {
    expect(saved.fingerprintBytes).toBe(FINGERPRINT_BYTES);
    expect(fingerprintHead(head.subarray(0, 10)).fingerprintBytes).toBe(10);
  });

  it("resumes the same inode with the same head", () => {
    expect(matchFile(saved, { dev: "1", ino: "42", size: 900, head })).toEqual({ kind: "same", offset: 500 });
  });

  it("detects copytruncate/inode reuse: same inode, shrunk or new head", () => {
    expect(matchFile(saved, { dev: "1", ino: "42", size: 100, head })).toEqual({ kind: "rewritten" });
    const other = Buffer.from(head.toString().replace("03:04:05", "09:09:09"));
    expect(matchFile(saved, { dev: "1", ino: "42", size: 900, head: other })).toEqual({ kind: "rewritten" });
    expect(matchFile(saved, { dev: "1", ino: "42", size: 900, head: head.subarray(0, 20) })).toEqual({ kind: "rewritten" });
  });

  it("finds the renamed or copied file by its head", () => {
    expect(matchFile(saved, { dev: "1", ino: "77", size: 600, head })).toEqual({ kind: "same", offset: 500 });
    expect(matchFile(saved, { dev: "1", ino: "77", size: 600, head: Buffer.from("x".repeat(300)) })).toEqual({ kind: "different" });
  });

  it("matches a file that was shorter than FINGERPRINT_BYTES when saved, after it grew", () => {
    const small: FileCheckpoint = { ...saved, offset: 20, ...fingerprintHead(head.subarray(0, 20)) };
    expect(matchFile(small, { dev: "1", ino: "42", size: 900, head })).toEqual({ kind: "same", offset: 20 });
  });
});

describe("CheckpointStore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "edge-cp-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("returns undefined before the first save, then round-trips atomically without temp files left", async () => {
    const store = new CheckpointStore(join(dir, "cp.json"));
    expect(await store.load()).toBeUndefined();
    const cp: Checkpoint = {
      version: 1,
      files: [{ path: "/var/log/suricata/eve.json", dev: "2049", ino: "18446744073709551557", fingerprint: "ab", fingerprintBytes: 256, offset: 123 }],
    };
    await store.save(cp);
    await store.save({ ...cp, files: [{ ...cp.files[0]!, offset: 456 }] });
    expect((await store.load())?.files[0]?.offset).toBe(456);
    expect(await readdir(dir)).toEqual(["cp.json"]);
  });

  it("refuses a corrupt checkpoint with a typed error instead of resetting", async () => {
    const path = join(dir, "cp.json");
    await writeFile(path, "{not json");
    await expect(new CheckpointStore(path).load()).rejects.toBeInstanceOf(CheckpointFormatError);
    await writeFile(path, JSON.stringify({ version: 1, files: [{ path: "p", dev: "1", ino: "2", fingerprint: "f", fingerprintBytes: 1, offset: -1 }] }));
    await expect(new CheckpointStore(path).load()).rejects.toThrow(/offset/);
    await writeFile(path, JSON.stringify({ version: 2, files: [] }));
    await expect(new CheckpointStore(path).load()).rejects.toThrow(/version/);
  });

  it("writeFileAtomic replaces content and reports errors without leaving temp files", async () => {
    const path = join(dir, "f");
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, Buffer.from("two"));
    expect(await readFile(path, "utf8")).toBe("two");
    await expect(writeFileAtomic(join(dir, "missing", "f"), "x")).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readdir(dir)).toEqual(["f"]);
  });
});
