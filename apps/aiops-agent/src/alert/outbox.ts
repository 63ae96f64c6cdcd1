/**
 * The persistent outbox: one JSON file per pending notification in `dir` (`n-<seq>.json`, seq zero-padded so
 * names sort in enqueue order), plus `state.json` with the alert and delivery state. Every write is atomic: write a
 * temp file in the same directory, fsync it, rename it over the target, fsync the directory (POSIX rename(2) is
 * atomic within a file system), so a crash leaves either the old or the new file, never a torn one. An entry file
 * is deleted once its receiver accepted it. Leftover `*.tmp` files from a crash are removed on open; unreadable
 * entry files are renamed to `*.corrupt`, counted and logged, never silently lost.
 */
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OutboxCorruptError } from "./errors.js";
import type { AlertRecord } from "./state.js";

/** One pending notification as stored on disk. */
export interface OutboxEntry {
  /** File stem, `n-<seq zero-padded to 16>`. */
  readonly id: string;
  /** Monotonic enqueue order (survives restarts: continues after the largest seq found on open). */
  readonly seq: number;
  /** Receiver name (key of `monitoring.receivers`). */
  readonly receiver: string;
  readonly fingerprint: string;
  readonly kind: "firing" | "resolved";
  /** The alert as it was when the notification was planned. */
  readonly alert: AlertRecord;
  /** Enqueue time, ms since the epoch. */
  readonly enqueuedAt: number;
}

const STATE_FILE = "state.json";
const ENTRY_RE = /^n-(\d{16})\.json$/;

/** Result of {@link Outbox.open}: the store and what it found on disk. */
export interface OpenedOutbox {
  readonly outbox: Outbox;
  /** Entries found, in seq order. */
  readonly entries: OutboxEntry[];
  /** The saved `state.json` content (unparsed shape), if any. */
  readonly state: unknown;
  /** Problems met while loading (corrupt files); already handled (renamed aside). */
  readonly problems: Error[];
}

/** File-system store behind the outbox. All methods reject on IO errors; the sink counts and logs them. */
export class Outbox {
  private nextSeq: number;

  private constructor(
    readonly dir: string,
    firstSeq: number,
  ) {
    this.nextSeq = firstSeq;
  }

  /** Creates `dir` if missing and loads pending entries and the saved state. */
  static async open(dir: string): Promise<OpenedOutbox> {
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).sort();
    const entries: OutboxEntry[] = [];
    const problems: Error[] = [];
    let maxSeq = 0;
    for (const name of names) {
      if (name.endsWith(".tmp")) {
        await rm(join(dir, name), { force: true });
        continue;
      }
      const m = ENTRY_RE.exec(name);
      if (m === null) continue;
      maxSeq = Math.max(maxSeq, Number(m[1]));
      try {
        entries.push(parseEntry(name, await readFile(join(dir, name), "utf8")));
      } catch (err) {
        problems.push(err instanceof OutboxCorruptError ? err : new OutboxCorruptError(name, String(err)));
        await rename(join(dir, name), join(dir, `${name}.corrupt`));
      }
    }
    let state: unknown;
    try {
      state = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8"));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") problems.push(new OutboxCorruptError(STATE_FILE, String(err)));
    }
    return { outbox: new Outbox(dir, maxSeq + 1), entries, state, problems };
  }

  /** Allocates the next seq and id (no IO). */
  allocate(): { seq: number; id: string } {
    const seq = this.nextSeq++;
    return { seq, id: `n-${String(seq).padStart(16, "0")}` };
  }

  /** Writes an entry atomically. */
  async put(entry: OutboxEntry): Promise<void> {
    await atomicWrite(this.dir, `${entry.id}.json`, JSON.stringify(entry));
  }

  /** Deletes a delivered or dropped entry (absent files are fine). */
  async remove(id: string): Promise<void> {
    await rm(join(this.dir, `${id}.json`), { force: true });
  }

  /** Saves the alert/delivery state atomically. */
  async saveState(state: unknown): Promise<void> {
    await atomicWrite(this.dir, STATE_FILE, JSON.stringify(state));
  }
}

/** Writes `dir/name` via temp file + fsync + rename + directory fsync. */
export async function atomicWrite(dir: string, name: string, data: string): Promise<void> {
  const target = join(dir, name);
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, data, { flush: true });
  await rename(tmp, target);
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function parseEntry(file: string, text: string): OutboxEntry {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new OutboxCorruptError(file, `invalid JSON: ${(err as Error).message}`);
  }
  const e = v as Partial<OutboxEntry> | null;
  const ok =
    e !== null && typeof e === "object" && typeof e.id === "string" && typeof e.seq === "number" && typeof e.receiver === "string" &&
    typeof e.fingerprint === "string" && (e.kind === "firing" || e.kind === "resolved") && typeof e.enqueuedAt === "number" &&
    typeof e.alert === "object" && e.alert !== null && typeof e.alert.labels === "object" && typeof e.alert.startsAt === "number";
  if (!ok) throw new OutboxCorruptError(file, "not an outbox entry (missing or mistyped fields)");
  return e as OutboxEntry;
}
