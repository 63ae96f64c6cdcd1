/**
 * The tailer with read-buffer reuse: data stays intact while the consumer holds views until it acknowledges them,
 * buffers are reused once acknowledged, and reading waits above `maxHeldBytes` until acknowledgements come.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TailEvent, tailFile } from "../../src/input/tailer.js";

const line = (i: number): string => `{"timestamp":"2024-01-02T03:04:05.${String(i).padStart(6, "0")}+0000","event_type":"flow","n":${i}}\n`;
const content = Array.from({ length: 4000 }, (_, i) => line(i)).join("");
const CHUNK = 4096;

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-tail-reuse-"));
  path = join(dir, "eve.json");
  await writeFile(path, content);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Data = Extract<TailEvent, { type: "data" }>;

describe("tailFile with reuse", () => {
  it("hands each read buffer back only after the consumer acknowledged past it; views held until then stay intact", async () => {
    let acked: number | undefined;
    let stats: { allocated: number; reused: number; heldBytes: number } | undefined;
    const held: Data[] = []; // views kept, like events waiting in a batch
    const seen: string[] = [];
    const check = (d: Data): void => {
      expect(d.data.toString()).toBe(content.slice(d.offset, d.offset + d.data.length)); // ASCII: bytes = chars
    };
    for await (const ev of tailFile({ path, follow: false, readChunkBytes: CHUNK, reuse: { ackedOffset: () => acked, onEnd: (s) => (stats = s) } })) {
      if (ev.type !== "data") continue;
      held.push(ev);
      // Acknowledge with a lag of three chunks; before acknowledging, every view must still hold the file's bytes.
      while (held.length > 3) {
        const d = held.shift()!;
        check(d);
        seen.push(d.data.toString());
        acked = d.offset + d.data.length;
      }
    }
    for (const d of held) {
      check(d);
      seen.push(d.data.toString());
    }
    expect(seen.join("")).toBe(content);
    expect(stats).toBeDefined();
    expect(stats!.reused).toBeGreaterThan(50); // ≈ 120 reads of 4 KiB over about 4 buffers
    expect(stats!.allocated).toBeLessThanOrEqual(6);
    expect(stats!.heldBytes).toBe(0); // closed at EOF: nothing counted any more
  });

  it("without acknowledgements it allocates per read (nothing is reused)", async () => {
    let stats: { allocated: number; reused: number } | undefined;
    let bytes = 0;
    for await (const ev of tailFile({ path, follow: false, readChunkBytes: CHUNK, reuse: { ackedOffset: () => undefined, onEnd: (s) => (stats = s) } })) {
      if (ev.type === "data") bytes += ev.data.length;
    }
    expect(bytes).toBe(content.length);
    expect(stats!.reused).toBe(0);
    expect(stats!.allocated).toBeGreaterThan(50);
  });

  it("waits above maxHeldBytes until acknowledgements release buffers", async () => {
    let acked: number | undefined = undefined;
    const ac = new AbortController();
    const tail = tailFile({ path, follow: false, readChunkBytes: CHUNK, signal: ac.signal, reuse: { ackedOffset: () => acked, maxHeldBytes: 2 * CHUNK } });
    const it = tail[Symbol.asyncIterator]();
    const data: Data[] = [];
    const next = async (): Promise<TailEvent | undefined> => {
      const r = await it.next();
      return r.done ? undefined : r.value;
    };
    expect((await next())?.type).toBe("open");
    for (let i = 0; i < 3; i++) data.push((await next()) as Data); // 3 buffers held: above the bound of 2
    const pending = next();
    const raced = await Promise.race([pending.then(() => "read"), new Promise((r) => setTimeout(r, 100, "waiting"))]);
    expect(raced).toBe("waiting");
    acked = data[1]!.offset + data[1]!.data.length; // two buffers acknowledged: one held, below the bound
    const ev = (await pending) as Data;
    expect(ev.type).toBe("data");
    expect(ev.offset).toBe(data[2]!.offset + data[2]!.data.length);
    ac.abort();
    while ((await next()) !== undefined);
  });
});
