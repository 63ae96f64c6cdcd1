import { appendFile, copyFile, mkdtemp, open, rename, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fingerprintHead } from "../../src/input/checkpoint.js";
import { type TailEvent, tailFile } from "../../src/input/tailer.js";
import { TailHarness } from "../support/tail-harness.js";

const line = (i: number): string => `{"timestamp":"2024-01-02T03:04:05.${String(i).padStart(6, "0")}+0000","event_type":"flow","n":${i}}\n`;
const lines = (from: number, to: number): string => Array.from({ length: to - from }, (_, k) => line(from + k)).join("");

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-tail-"));
  path = join(dir, "eve.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(opts: Parameters<typeof tailFile>[0]): Promise<TailEvent[]> {
  const out: TailEvent[] = [];
  for await (const e of tailFile(opts)) out.push(e);
  return out;
}

describe("tailFile without follow (--once)", () => {
  it("emits line-aligned chunks with offsets, then the last line without newline as incomplete", async () => {
    const content = `${lines(0, 2000)}{"partial":true}`;
    await writeFile(path, content);
    const events = await collect({ path, follow: false, readChunkBytes: 4096 });
    expect(events[0]).toMatchObject({ type: "open", offset: 0, reason: "start" });
    expect(events.at(-1)).toMatchObject({ type: "close", reason: "eof", offset: Buffer.byteLength(content) });
    const data = events.filter((e): e is Extract<TailEvent, { type: "data" }> => e.type === "data");
    let expectOffset = 0;
    for (const d of data) {
      expect(d.offset).toBe(expectOffset);
      expectOffset += d.data.length;
      if (d.complete) expect(d.data.at(-1)).toBe(10);
    }
    expect(data.map((d) => d.data.toString()).join("")).toBe(content);
    expect(data.at(-1)).toMatchObject({ complete: false });
    expect(data.at(-1)?.data.toString()).toBe('{"partial":true}');
  });

  it("keeps a line longer than the read chunk whole, and splits one longer than maxLineBytes", async () => {
    const long = `{"p":"${"x".repeat(50_000)}"}\n`;
    await writeFile(path, `${line(1)}${long}${line(2)}`);
    const whole = (await collect({ path, follow: false, readChunkBytes: 1024, maxLineBytes: 100_000 })).filter((e) => e.type === "data");
    expect(whole.every((e) => e.type === "data" && e.complete)).toBe(true);
    expect(whole.some((e) => e.type === "data" && e.data.toString().includes(long))).toBe(true);
    const pieces = (await collect({ path, follow: false, readChunkBytes: 1024, maxLineBytes: 8192 })).filter((e) => e.type === "data");
    expect(pieces.filter((e) => e.type === "data" && !e.complete).length).toBeGreaterThanOrEqual(6);
    expect(pieces.map((e) => (e.type === "data" ? e.data.toString() : "")).join("")).toBe(`${line(1)}${long}${line(2)}`);
  });

  it("resumes the live file from a checkpoint offset", async () => {
    await writeFile(path, lines(0, 10));
    const first = await collect({ path, follow: false });
    const open0 = first[0] as Extract<TailEvent, { type: "open" }>;
    const offset = Buffer.byteLength(lines(0, 4));
    const events = await collect({ path, follow: false, checkpoint: { version: 1, files: [{ ...open0.file, offset }] } });
    expect(events[0]).toMatchObject({ type: "open", reason: "resume", offset });
    expect(events.filter((e) => e.type === "data").map((e) => (e.type === "data" ? e.data.toString() : "")).join("")).toBe(lines(4, 10));
  });

  it("finishes a file rotated while stopped (found by fingerprint) before the new live file", async () => {
    await writeFile(path, lines(0, 10));
    const fh = await open(path, "r");
    const st = await fh.stat({ bigint: true });
    const head = Buffer.alloc(256);
    const { bytesRead } = await fh.read(head, 0, 256, 0);
    await fh.close();
    const offset = Buffer.byteLength(lines(0, 6));
    const saved = { path, dev: st.dev.toString(), ino: st.ino.toString(), offset, ...fingerprintHead(head.subarray(0, bytesRead)) };
    await rename(path, `${path}.1`);
    await writeFile(`${path}.1.gz`, "ignored");
    await writeFile(path, lines(100, 103));
    const events = await collect({ path, follow: false, checkpoint: { version: 1, files: [saved] } });
    const text = (p: string): string =>
      events.filter((e) => e.type === "data" && e.file.path === p).map((e) => (e.type === "data" ? e.data.toString() : "")).join("");
    expect(text(`${path}.1`)).toBe(lines(6, 10));
    expect(text(path)).toBe(lines(100, 103));
    expect(events.filter((e) => e.type === "open").map((e) => e.file.path)).toEqual([`${path}.1`, path]);
  });

  it("reports a missing live file in --once mode instead of waiting", async () => {
    expect(await collect({ path, follow: false })).toEqual([{ type: "missing", path, offset: 0 }]);
  });

  it("reports a checkpointed file that can no longer be found, then reads the live file from 0", async () => {
    await writeFile(path, lines(0, 3));
    const gone = { path: `${path}.old`, dev: "1", ino: "2", fingerprint: "00", fingerprintBytes: 256, offset: 77 };
    const events = await collect({ path, follow: false, checkpoint: { version: 1, files: [gone] } });
    expect(events[0]).toEqual({ type: "missing", path: `${path}.old`, offset: 77 });
    expect(events[1]).toMatchObject({ type: "open", offset: 0, reason: "start" });
  });

  it("starts at the last complete line with startAt: end and no checkpoint", async () => {
    await writeFile(path, `${lines(0, 5)}{"half`);
    const events = await collect({ path, follow: false, startAt: "end" });
    expect(events[0]).toMatchObject({ type: "open", offset: Buffer.byteLength(lines(0, 5)) });
  });
});

describe("tailFile following", () => {
  it("waits for a partial last line to complete", async () => {
    await writeFile(path, line(0));
    const h = new TailHarness({ path });
    await h.waitFor((x) => x.text() === line(0));
    await appendFile(path, '{"timestamp":"2024-01-02T03:04:05');
    await new Promise((r) => setTimeout(r, 150));
    expect(h.text()).toBe(line(0));
    await appendFile(path, '.000000+0000","event_type":"dns"}\n');
    await h.waitFor((x) => x.text().endsWith('"dns"}\n'));
    expect(h.text()).toBe(`${line(0)}{"timestamp":"2024-01-02T03:04:05.000000+0000","event_type":"dns"}\n`);
    await h.stop();
    expect(h.events.at(-1)).toMatchObject({ type: "close", reason: "aborted" });
  });

  it("follows rename rotation: finishes the old file (late writes included), then reads the new one", async () => {
    await writeFile(path, lines(0, 50));
    const h = new TailHarness({ path });
    await h.waitFor((x) => x.text() === lines(0, 50));
    const writer = await open(path, "a"); // Suricata's still-open descriptor
    await rename(path, `${path}.1`);
    await writer.write(lines(50, 60)); // written after the rename, before the HUP reopen
    await writer.write('{"no_newline":1}');
    await writer.close();
    await writeFile(path, lines(60, 70));
    await h.waitFor((x) => x.text(path).includes(line(69)));
    await h.stop();
    const all = h.text();
    expect(all).toBe(`${lines(0, 60)}{"no_newline":1}${lines(60, 70)}`);
    const k = h.kinds();
    expect(k).toContain("close:rotated");
    expect(k.indexOf("close:rotated")).toBeLessThan(k.indexOf("open:rotated"));
  });

  it("detects copytruncate and restarts at offset 0", async () => {
    await writeFile(path, lines(0, 30));
    const h = new TailHarness({ path });
    await h.waitFor((x) => x.text() === lines(0, 30));
    await truncate(path, 0);
    await appendFile(path, lines(200, 203));
    await h.waitFor((x) => x.text().includes(line(202)));
    await h.stop();
    const trunc = h.events.find((e) => e.type === "truncated");
    expect(trunc).toMatchObject({ previousOffset: Buffer.byteLength(lines(0, 30)) });
    const after = h.events.slice(h.events.indexOf(trunc!)).filter((e) => e.type === "data");
    expect(after[0]).toMatchObject({ offset: 0 });
    expect(h.text()).toBe(lines(0, 30) + lines(200, 203));
  });

  it("recovers lines written just before a copytruncate from the copy", async () => {
    await writeFile(path, lines(0, 30));
    const h = new TailHarness({ path, watch: false, pollIntervalMs: 400 });
    await h.waitFor((x) => x.text() === lines(0, 30));
    await appendFile(path, lines(30, 35)); // not read yet…
    await copyFile(path, `${path}.1`); // …logrotate copies…
    await truncate(path, 0); // …and truncates
    await appendFile(path, lines(200, 203));
    await h.waitFor((x) => x.text().includes(line(202)));
    await h.stop();
    expect(h.text()).toBe(lines(0, 35) + lines(200, 203));
    expect(h.events.find((e) => e.type === "open" && e.reason === "truncated-copy")).toMatchObject({
      file: { path: `${path}.1` },
      offset: Buffer.byteLength(lines(0, 30)),
    });
  });

  it("detects copytruncate even when the file regrew past the old offset", async () => {
    await writeFile(path, lines(0, 3));
    const h = new TailHarness({ path, watch: false, pollIntervalMs: 200 });
    await h.waitFor((x) => x.text() === lines(0, 3));
    await writeFile(path, lines(500, 520)); // truncate + rewrite with longer content, same inode
    await h.waitFor((x) => x.text().includes(line(519)));
    await h.stop();
    expect(h.events.some((e) => e.type === "truncated")).toBe(true);
    expect(h.text()).toBe(lines(0, 3) + lines(500, 520));
  });

  it("does not pin a whole read buffer per line when lines trickle in", async () => {
    await writeFile(path, "");
    const h = new TailHarness({ path, readChunkBytes: 256 * 1024 });
    for (let i = 0; i < 5; i++) {
      await appendFile(path, line(i));
      await h.waitFor((x) => x.text().includes(line(i)));
    }
    await h.stop();
    const data = h.events.filter((e) => e.type === "data");
    expect(data).toHaveLength(5);
    for (const d of data) if (d.type === "data") expect(d.data.buffer.byteLength).toBeLessThanOrEqual(Math.max(8192, Buffer.poolSize)); // a pool slab, not 256 KiB
  });

  it("closes its file when the consumer stops early", async () => {
    await writeFile(path, lines(0, 10));
    const gen = tailFile({ path, readChunkBytes: 64 });
    for await (const e of gen) if (e.type === "data") break; // return() runs the generator's finally
    const fds = await import("node:fs/promises").then((m) => m.readdir("/proc/self/fd").catch(() => [] as string[]));
    const targets = await Promise.all(fds.map((fd) => import("node:fs/promises").then((m) => m.readlink(`/proc/self/fd/${fd}`).catch(() => ""))));
    expect(targets).not.toContain(path);
  });

  it("waits for the file to appear", async () => {
    const h = new TailHarness({ path });
    await new Promise((r) => setTimeout(r, 60));
    await writeFile(path, line(7));
    await h.waitFor((x) => x.text() === line(7));
    await h.stop();
  });
});

describe("tailFile under a busy writer", () => {
  it("delivers every line exactly once, in order, across repeated rename rotations", async () => {
    // Grace covers the writer's late writes to a renamed file even on a loaded machine.
    const h = new TailHarness({ path, rotateGraceMs: 400, pollIntervalMs: 10 });
    let n = 0;
    for (let generation = 0; generation < 4; generation++) {
      const fh = await open(path, "a");
      for (let k = 0; k < 30; k++) {
        await fh.write(lines(n, n + 7));
        n += 7;
        if (k % 10 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await rename(path, `${path}.${generation}`);
      await fh.write(lines(n, n + 3)); // late writes to the renamed file
      n += 3;
      await fh.close();
    }
    await writeFile(path, lines(n, n + 5));
    n += 5;
    await h.waitFor((x) => x.text().includes(line(n - 1)), 15_000);
    await h.stop();
    expect(h.text()).toBe(lines(0, n));
    const opens = h.events.filter((e) => e.type === "open");
    // every generation read exactly once: from the live path or, if it was rotated away unread, from its sibling
    expect(new Set(opens.map((e) => (e.type === "open" ? `${e.file.dev}:${e.file.ino}` : ""))).size).toBe(opens.length);
  });
});

describe("tailFile when reading is paused (backpressure) across rotations", () => {
  it("reads a generation that was rotated away before it was ever opened", async () => {
    await writeFile(path, lines(0, 5));
    const gen = tailFile({ path, rotateGraceMs: 50, pollIntervalMs: 10 });
    const events: TailEvent[] = [];
    for (;;) {
      const r = await gen.next();
      if (r.done) throw new Error("ended");
      events.push(r.value);
      if (r.value.type === "data") break;
    }
    // The consumer stops pulling (its buffer is full) while the files rotate twice.
    await appendFile(path, lines(5, 8));
    await rename(path, `${path}.2`);
    await writeFile(path, lines(100, 110));
    await rename(path, `${path}.1`);
    await writeFile(path, lines(200, 203));
    const ac = setTimeout(() => void gen.return(undefined), 5000);
    let text = events.map((e) => (e.type === "data" ? e.data.toString() : "")).join("");
    while (!text.includes(line(202))) {
      const r = await gen.next();
      if (r.done) break;
      events.push(r.value);
      if (r.value.type === "data") text += r.value.data.toString();
    }
    clearTimeout(ac);
    await gen.return(undefined);
    expect(text).toBe(lines(0, 8) + lines(100, 110) + lines(200, 203));
    expect(events.filter((e) => e.type === "open").map((e) => (e.type === "open" ? `${e.reason}:${e.file.path}` : ""))).toEqual([
      `start:${path}`,
      `generation:${path}.1`,
      `rotated:${path}`,
    ]);
  });
});
