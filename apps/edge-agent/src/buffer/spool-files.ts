/**
 * File layout of the disk spool (IO helpers; the framing itself is in `spool-codec.ts`).
 *
 * A spool directory holds:
 * - `segment-<first sequence, 16 digits>.spool`: append-only files of frames; the name gives the sequence number
 *   of the first frame, so a segment's last sequence is the next segment's first minus one.
 * - `ack.json`: `{"version":1,"head":N,"ahead":[[from,to],...]}`, the first unacknowledged sequence and the ranges
 *   `[from, to)` acknowledged above it (out-of-order acks; `ahead` omitted when empty), replaced atomically (write a
 *   temporary file, fsync it, rename over the old one, fsync the directory: the POSIX `rename(2)` atomicity that
 *   https://www.man7.org/linux/man-pages/man2/rename.2.html describes, and the directory fsync that makes it
 *   durable, see https://www.man7.org/linux/man-pages/man2/fsync.2.html).
 * @module
 */
import { open, readdir, readFile, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { scanFrames, type ScanResult } from "./spool-codec.js";
import { SpoolIoError } from "./errors.js";

const SEGMENT_RE = /^segment-(\d{16})\.spool$/;
/** Name of the acknowledgement position file. */
export const ACK_FILE = "ack.json";

/** One segment file found on disk. */
export interface SegmentFile {
  readonly firstSeq: number;
  readonly path: string;
  readonly bytes: number;
}

/** File name of the segment whose first frame has sequence `firstSeq`. */
export function segmentName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(16, "0")}.spool`;
}

/**
 * Lists segment files in sequence order.
 *
 * @throws {SpoolIoError} if the directory cannot be read.
 */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new SpoolIoError("open", dir, err);
  }
  const out: SegmentFile[] = [];
  for (const name of names) {
    const m = SEGMENT_RE.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    try {
      out.push({ firstSeq: Number(m[1]), path, bytes: (await stat(path)).size });
    } catch (err) {
      throw new SpoolIoError("open", path, err);
    }
  }
  return out.sort((a, b) => a.firstSeq - b.firstSeq);
}

/** The persisted acknowledgement state of a spool. */
export interface AckPosition {
  /** First unacknowledged sequence number. */
  readonly head: number;
  /** Half-open ranges `[from, to)` above `head` already acknowledged, sorted. */
  readonly ahead: readonly (readonly [number, number])[];
}

const isRange = (r: unknown): r is [number, number] =>
  Array.isArray(r) && r.length === 2 && Number.isSafeInteger(r[0]) && Number.isSafeInteger(r[1]) && (r[0] as number) < (r[1] as number);

/**
 * Reads the persisted ack position.
 *
 * @returns the position; `undefined` if the file does not exist; `{ invalid }` with the reason if it is unreadable
 *   (the caller then re-delivers from the oldest segment: safe under at-least-once).
 * @throws {SpoolIoError} when the file exists but cannot be read.
 */
export async function readAckFile(dir: string): Promise<AckPosition | undefined | { invalid: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, ACK_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SpoolIoError("open", join(dir, ACK_FILE), err);
  }
  try {
    const v = JSON.parse(text) as { version?: unknown; head?: unknown; ahead?: unknown };
    const ahead = v.ahead ?? [];
    if (v.version === 1 && Number.isSafeInteger(v.head) && (v.head as number) >= 0 && Array.isArray(ahead) && ahead.every(isRange)) {
      return { head: v.head as number, ahead: ahead as [number, number][] };
    }
    return { invalid: `unexpected content ${JSON.stringify(text.slice(0, 80))}` };
  } catch (err) {
    return { invalid: (err as Error).message };
  }
}

/**
 * Atomically replaces the ack file with `head` and the `ahead` ranges.
 *
 * @param ahead - ranges `[from, to)` acknowledged above `head` (default none).
 * @param fsync - fsync the file and directory (durable); without it the rename is still atomic but may be lost.
 * @throws {SpoolIoError} on any file-system error.
 */
export async function writeAckFile(dir: string, head: number, fsync: boolean, ahead: readonly (readonly [number, number])[] = []): Promise<void> {
  const tmp = join(dir, `${ACK_FILE}.tmp`);
  const path = join(dir, ACK_FILE);
  try {
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(`${JSON.stringify(ahead.length > 0 ? { version: 1, head, ahead } : { version: 1, head })}\n`);
      if (fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    if (fsync) await fsyncDir(dir);
  } catch (err) {
    if (err instanceof SpoolIoError) throw err;
    throw new SpoolIoError("ack", path, err);
  }
}

/**
 * Fsyncs a directory so that file creations, renames and deletions in it survive a power loss.
 *
 * @throws {SpoolIoError} on failure.
 */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new SpoolIoError("fsync", dir, err);
  }
}

/**
 * Scans a segment file frame by frame, in chunks, validating checksums and sequence numbers.
 *
 * @param path - the segment file.
 * @param firstSeq - sequence number of its first frame.
 * @param maxPayload - largest valid payload (see `decodeFrame`).
 * @param onFrame - optional callback per valid frame with its file offset, size and sequence.
 * @returns where the valid frames end and why the scan stopped (`incomplete`/`corrupt` = torn or damaged tail).
 * @throws {SpoolIoError} on a read error.
 */
export async function scanSegmentFile(
  path: string,
  firstSeq: number,
  maxPayload: number,
  onFrame?: (offset: number, size: number, seq: number) => void,
): Promise<ScanResult> {
  const chunk = 1 << 20;
  let fh;
  try {
    fh = await open(path, "r");
  } catch (err) {
    throw new SpoolIoError("recover", path, err);
  }
  try {
    let base = 0;
    let seq = firstSeq;
    let frames = 0;
    let buf = Buffer.allocUnsafe(chunk);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, base);
      const r = scanFrames(buf.subarray(0, bytesRead), seq, maxPayload, onFrame && ((o, s, q) => onFrame(base + o, s, q)));
      frames += r.frames;
      seq = r.nextSeq;
      const end = base + r.validEnd;
      if (r.stop === "corrupt") return { ...r, frames, validEnd: end };
      if (r.stop === "end" && bytesRead < buf.length) return { frames, validEnd: end, nextSeq: seq, stop: "end" };
      if (bytesRead === 0 || (r.stop === "incomplete" && bytesRead < buf.length)) {
        return { frames, validEnd: end, nextSeq: seq, stop: bytesRead === 0 ? "end" : "incomplete" };
      }
      // Chunk ended mid-frame or exactly on a boundary: continue from the last valid frame, growing for big frames.
      if (r.validEnd === 0) buf = Buffer.allocUnsafe(buf.length * 2);
      base = end;
    }
  } catch (err) {
    throw new SpoolIoError("recover", path, err);
  } finally {
    await fh.close();
  }
}

/**
 * Truncates a file to `length` and fsyncs it (removal of a torn tail).
 *
 * @throws {SpoolIoError} on failure.
 */
export async function truncateFile(path: string, length: number): Promise<void> {
  try {
    const fh = await open(path, "r+");
    try {
      await fh.truncate(length);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new SpoolIoError("recover", path, err);
  }
}

/**
 * Identity of a directory (`dev:ino` from `stat(2)`): it changes when the directory is removed and created again,
 * or another one is put (renamed, mounted) in its place.
 *
 * @param operation - the `SpoolIoError` operation to report a failure as.
 * @throws {SpoolIoError} when the directory cannot be stat'ed (`cause` carries the errno, e.g. `ENOENT`).
 */
export async function dirIdentity(dir: string, operation: string): Promise<string> {
  try {
    const st = await stat(dir, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch (err) {
    throw new SpoolIoError(operation, dir, err);
  }
}
