// A stand-in for Suricata writing eve.json, for the kill/restart test: appends a prepared stream in chunks that cut
// lines anywhere (the agent sees partial last lines), and rotates the file the two ways logrotate does — rename
// (the writer keeps its descriptor and writes a little more into the renamed file before it "reopens", as Suricata
// does until its HUP) and copytruncate (copy, then truncate the live file the writer keeps appending to). Rotations
// happen at line boundaries, as with Suricata: a record is never split across two files. Older generations are
// shifted (`eve.json.1` → `eve.json.2` …) and never deleted, so every byte stays readable.
import { copyFile, type FileHandle, open, readdir, rename, truncate } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { createLineStats, forEachLine } from "../../src/eve/lines.js";
import { parseEveRecords } from "../../src/eve/parse.js";
import { createCore } from "../../src/options.js";

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts `"soc_test_seq":n,` after the first `{` (or prefixes `n:` when there is none), so repeats differ. */
function tag(line: Buffer, n: number): Buffer {
  const brace = line.indexOf(0x7b);
  if (brace === -1) return Buffer.concat([Buffer.from(`${n}:`), line]);
  return Buffer.concat([line.subarray(0, brace + 1), Buffer.from(`"soc_test_seq":${n},`), line.subarray(brace + 1)]);
}

/**
 * Builds the test stream: `passes` rounds over the valid fixture lines (each line made unique by a sequence
 * number), with, every ~`damageEvery` lines, one of: a malformed fixture line, a valid line cut short (a truncated
 * record), or a cut record glued to the next one without a newline (Suricata killed mid-write, then restarted).
 *
 * @returns the lines, each ending with `\n`.
 */
export function buildStream(valid: readonly Buffer[], malformed: readonly Buffer[], passes: number, rnd: () => number, damageEvery = 40): Buffer[] {
  const out: Buffer[] = [];
  let n = 0;
  for (let p = 0; p < passes; p++) {
    for (const line of valid) {
      const tagged = tag(line, n++);
      if (rnd() * damageEvery < 1) {
        const kind = Math.floor(rnd() * 3);
        const cut = tagged.subarray(0, 20 + Math.floor(rnd() * (tagged.length - 40)));
        if (kind === 0) out.push(Buffer.concat([tag(malformed[Math.floor(rnd() * malformed.length)] as Buffer, n++), Buffer.from("\n")]));
        else if (kind === 1) out.push(Buffer.concat([cut, Buffer.from("\n")]));
        else {
          out.push(Buffer.concat([cut, tagged, Buffer.from("\n")]));
          continue;
        }
      }
      out.push(Buffer.concat([tagged, Buffer.from("\n")]));
    }
  }
  return out;
}

/** Raw bytes (base64) of every malformed record of `data`, as the agent's parser sees them. */
export function malformedRaws(data: Buffer): Set<string> {
  const core = createCore({ sensorId: "x" });
  const out = new Set<string>();
  forEachLine(
    data,
    0,
    (line) => {
      parseEveRecords(line, core.parseOptions, (r) => {
        if (!r.ok) out.add(r.raw.toString("base64"));
      });
    },
    createLineStats(),
  );
  return out;
}

/** Writes a prepared stream into `path`; see the module comment. */
export class EveWriter {
  readonly #path: string;
  readonly #lines: readonly Buffer[];
  #fh: FileHandle | undefined;
  #line = 0;
  #pos = 0;
  /** Rotations done, by kind. */
  readonly rotations = { rename: 0, copytruncate: 0 };

  /** @param path - the live file; @param lines - from {@link buildStream}. */
  constructor(path: string, lines: readonly Buffer[]) {
    this.#path = path;
    this.#lines = lines;
  }

  /** Every line written. */
  get done(): boolean {
    return this.#line >= this.#lines.length;
  }

  /** Bytes written so far, all generations. */
  get written(): number {
    let n = this.#pos;
    for (let i = 0; i < this.#line; i++) n += (this.#lines[i] as Buffer).length;
    return n;
  }

  async #handle(): Promise<FileHandle> {
    this.#fh ??= await open(this.#path, "a");
    return this.#fh;
  }

  /** Appends up to `bytes` bytes of the stream, cutting lines anywhere. */
  async write(bytes: number): Promise<void> {
    const parts: Buffer[] = [];
    let left = bytes;
    while (left > 0 && !this.done) {
      const line = this.#lines[this.#line] as Buffer;
      const take = Math.min(left, line.length - this.#pos);
      parts.push(line.subarray(this.#pos, this.#pos + take));
      left -= take;
      this.#pos += take;
      if (this.#pos === line.length) {
        this.#line++;
        this.#pos = 0;
      }
    }
    if (parts.length > 0) await (await this.#handle()).write(Buffer.concat(parts));
  }

  /** Completes the line being written (rotations happen between records). */
  async finishLine(): Promise<void> {
    if (this.#pos === 0) return;
    await this.write((this.#lines[this.#line] as Buffer).length - this.#pos);
  }

  /** Writes whole lines: `count` of them (or fewer at the end). */
  async writeLines(count: number): Promise<void> {
    await this.finishLine();
    for (let i = 0; i < count && !this.done; i++) await this.write((this.#lines[this.#line] as Buffer).length);
  }

  /** Writes the rest of the stream. */
  async writeAll(): Promise<void> {
    while (!this.done) await this.write(1 << 20);
  }

  /** `eve.json.N` → `eve.json.N+1`, highest first, so `eve.json.1` is free. */
  async #shift(): Promise<void> {
    const base = basename(this.#path);
    const gens = (await readdir(dirname(this.#path)))
      .map((n) => (n.startsWith(`${base}.`) ? Number(n.slice(base.length + 1)) : Number.NaN))
      .filter((g) => Number.isInteger(g) && g > 0)
      .sort((a, b) => b - a);
    for (const g of gens) await rename(`${this.#path}.${g}`, `${this.#path}.${g + 1}`);
  }

  /**
   * Rename rotation: `eve.json` → `eve.json.1`; `lateLines` more lines go to the renamed file through the open
   * descriptor (Suricata before its HUP), then the writer opens a new `eve.json`.
   */
  async rotateRename(lateLines: number): Promise<void> {
    await this.finishLine();
    await this.#shift();
    await rename(this.#path, `${this.#path}.1`);
    await this.writeLines(lateLines);
    await this.#fh?.close();
    this.#fh = undefined;
    await this.#handle();
    this.rotations.rename++;
  }

  /** copytruncate: copy `eve.json` to `eve.json.1`, truncate `eve.json` to 0; the writer keeps appending (O_APPEND). */
  async rotateCopytruncate(): Promise<void> {
    await this.finishLine();
    await this.#shift();
    await copyFile(this.#path, `${this.#path}.1`);
    await truncate(this.#path, 0);
    this.rotations.copytruncate++;
  }

  /** Closes the descriptor. */
  async close(): Promise<void> {
    await this.#fh?.close();
    this.#fh = undefined;
  }
}

/** Names of the files in `dir` (for failure messages). */
export async function listing(dir: string): Promise<string> {
  return (await readdir(dir)).sort().join(", ");
}
