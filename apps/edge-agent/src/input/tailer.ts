/**
 * Tails Suricata's `eve.json` (IO adapter) as an async generator of line-aligned byte chunks with file offsets.
 *
 * - Rename rotation (logrotate default, `suricata` HUP): when the path points to another inode (or vanishes), the
 *   old file descriptor is read until it has not grown for `rotateGraceMs`, its last partial line is flushed, then
 *   the new file is read from offset 0.
 * - copytruncate: the inode's size drops below the read position, or its head fingerprint changes → restart at 0.
 *   Lines appended between the last read and the truncation exist only in the copy; on restart from a checkpoint
 *   the copy is found by fingerprint among the siblings (`eve.json.1`, `eve.json-2024…`) and finished first.
 * - A partial last line is never emitted while following: the read position stays at the line start and the bytes
 *   are re-read when more data arrives. With `follow: false` (or at the end of a rotated file) it is emitted with
 *   `complete: false`.
 * - Memory is bounded: one read buffer of `readChunkBytes`, grown up to `maxLineBytes` for a long line; a line
 *   longer than that is emitted in `maxLineBytes` pieces with `complete: false`. A read that fills less than a
 *   quarter of the buffer is copied out and the buffer reused, so data held downstream (waiting for acks) costs at
 *   most 4× its size even when lines trickle in one per read.
 * - Change detection: `fs.watch` on the directory as a wake-up hint, and polling every `pollIntervalMs` as the
 *   ground truth (fs.watch is unreliable on network/overlay file systems).
 * - Shutdown: abort `signal`; the generator returns after closing its descriptors.
 *
 * No npm tailer was used: the maintained ones decode to strings and track neither inode+fingerprint nor byte
 * offsets across both rotation styles.
 * @module
 */
import { watch, type FSWatcher } from "node:fs";
import { open, readdir, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type Checkpoint, type FileIdentity, FINGERPRINT_BYTES, fingerprintHead, matchFile } from "./checkpoint.js";

/** Options for {@link tailFile}. */
export interface TailerOptions {
  /** The live file, e.g. `/var/log/suricata/eve.json`. */
  readonly path: string;
  /** Resume state; its files are located by identity (the live path first, then siblings). */
  readonly checkpoint?: Checkpoint;
  /** Where to start the live file when there is no checkpoint. Default `"beginning"` (no loss). */
  readonly startAt?: "beginning" | "end";
  /** Keep following after EOF. `false` = read every file to its end, flush, return (`--once`). Default `true`. */
  readonly follow?: boolean;
  /** Bytes per read. Default 256 KiB. */
  readonly readChunkBytes?: number;
  /** Longest line kept whole. Default 1 MiB. */
  readonly maxLineBytes?: number;
  /** Poll interval while idle, ms. Default 250. */
  readonly pollIntervalMs?: number;
  /** After a rename rotation, keep reading the old file until it is idle this long, ms. Default 1000. */
  readonly rotateGraceMs?: number;
  /** Use `fs.watch` wake-ups in addition to polling. Default `true`. */
  readonly watch?: boolean;
  /** Stops the tailer. */
  readonly signal?: AbortSignal;
}

/** Identity plus the path it was read from. */
export interface TailedFile extends FileIdentity {
  readonly path: string;
}

/** What the tailer reports. `offset`s are absolute byte offsets in `file`. */
export type TailEvent =
  | { readonly type: "open"; readonly file: TailedFile; readonly offset: number; readonly reason: TailOpenReason }
  | {
      readonly type: "data";
      readonly file: TailedFile;
      /** Offset of `data[0]`. */
      readonly offset: number;
      /** Fresh buffer owned by the consumer. */
      readonly data: Buffer;
      /** `true`: ends with `\n`. `false`: a final partial line or a piece of an over-long line. */
      readonly complete: boolean;
    }
  | { readonly type: "truncated"; readonly file: TailedFile; readonly previousOffset: number }
  /** A file to read (checkpointed rotated file, or the live path with `follow: false`) did not exist. */
  | { readonly type: "missing"; readonly path: string; readonly offset: number }
  | { readonly type: "close"; readonly file: TailedFile; readonly offset: number; readonly reason: TailCloseReason };

/** Why a file was opened. */
export type TailOpenReason = "start" | "resume" | "rotated";
/** Why a file was closed. */
export type TailCloseReason = "rotated" | "eof" | "aborted";

const sleepOrWake = (ms: number, signal: AbortSignal | undefined, wakers: Set<() => void>): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      wakers.delete(done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakers.add(done);
    signal?.addEventListener("abort", done, { once: true });
  });

async function readHead(fh: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(FINGERPRINT_BYTES);
  const { bytesRead } = await fh.read(buf, 0, FINGERPRINT_BYTES, 0);
  return buf.subarray(0, bytesRead);
}

async function identify(fh: FileHandle, path: string): Promise<TailedFile> {
  const st = await fh.stat({ bigint: true });
  return { path, dev: st.dev.toString(), ino: st.ino.toString(), ...fingerprintHead(await readHead(fh)) };
}

async function statOrUndefined(path: string): Promise<{ dev: string; ino: string } | undefined> {
  try {
    const st = await stat(path, { bigint: true });
    return { dev: st.dev.toString(), ino: st.ino.toString() };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function openOrUndefined(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Rotated siblings of `path` in its directory (uncompressed only). */
async function siblings(path: string): Promise<string[]> {
  const base = basename(path);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  return names
    .filter((n) => n !== base && (n.startsWith(`${base}.`) || n.startsWith(`${base}-`)) && !/\.(gz|xz|zst|bz2|tmp)$/.test(n))
    .sort()
    .map((n) => join(dirname(path), n));
}

interface Plan {
  readonly path: string;
  readonly offset: number;
  readonly live: boolean;
}

/** Resolves checkpointed files to paths: rotated files to finish first, then the live file. */
async function plan(options: TailerOptions): Promise<Plan[]> {
  const out: Plan[] = [];
  const saved = options.checkpoint?.files ?? [];
  let liveOffset: number | undefined;
  const candidates = [options.path, ...(await siblings(options.path))];
  for (const s of saved) {
    for (const p of candidates) {
      const fh = await openOrUndefined(p);
      if (!fh) continue;
      try {
        const st = await fh.stat({ bigint: true });
        const head = await readHead(fh);
        const m = matchFile(s, { dev: st.dev.toString(), ino: st.ino.toString(), size: Number(st.size), head });
        if (m.kind === "same") {
          if (p === options.path) liveOffset = m.offset;
          else out.push({ path: p, offset: m.offset, live: false });
          break;
        }
      } finally {
        await fh.close();
      }
    }
  }
  if (liveOffset === undefined && saved.length === 0 && options.startAt === "end") {
    liveOffset = await alignedEnd(options.path, options.maxLineBytes ?? 1024 * 1024);
  }
  out.push({ path: options.path, offset: liveOffset ?? 0, live: true });
  return out;
}

async function alignedEnd(path: string, maxBack: number): Promise<number> {
  const fh = await openOrUndefined(path);
  if (!fh) return 0;
  try {
    const size = Number((await fh.stat()).size);
    const back = Math.min(size, maxBack);
    const buf = Buffer.alloc(back);
    await fh.read(buf, 0, back, size - back);
    const nl = buf.lastIndexOf(10);
    return nl === -1 ? size - back : size - back + nl + 1;
  } finally {
    await fh.close();
  }
}

/**
 * Tails `options.path`; see the module documentation for the rotation and offset rules.
 *
 * @yields {@link TailEvent}s: `open`, then `data`… (and `truncated`), then `close` per file.
 * @throws fs errors other than ENOENT on the live path (EACCES, EIO…); the caller's supervisor restarts it.
 */
export async function* tailFile(options: TailerOptions): AsyncGenerator<TailEvent, void, undefined> {
  const follow = options.follow ?? true;
  const chunk = options.readChunkBytes ?? 256 * 1024;
  const maxLine = Math.max(options.maxLineBytes ?? 1024 * 1024, chunk);
  const pollMs = options.pollIntervalMs ?? 250;
  const graceMs = options.rotateGraceMs ?? 1000;
  const signal = options.signal;
  const wakers = new Set<() => void>();
  let watcher: FSWatcher | undefined;
  let current: FileHandle | undefined; // closed in `finally`, also when the consumer stops iterating early
  let buf: Buffer | undefined;
  if (follow && options.watch !== false) {
    try {
      watcher = watch(dirname(options.path), { persistent: false }, () => {
        for (const w of [...wakers]) w();
      });
      watcher.on("error", () => watcher?.close()); // polling continues
    } catch {
      watcher = undefined; // unsupported here: polling only
    }
  }
  try {
    for (const step of await plan(options)) {
      if (signal?.aborted) return;
      let fh = await openOrUndefined(step.path);
      while (!fh && step.live && follow && !signal?.aborted) {
        await sleepOrWake(pollMs, signal, wakers);
        fh = await openOrUndefined(step.path);
      }
      if (!fh) {
        if (!step.live || !follow) yield { type: "missing", path: step.path, offset: step.offset };
        continue;
      }
      current = fh;
      let file = await identify(fh, step.path);
      let pos = step.offset;
      let reason: TailOpenReason = step.offset > 0 ? "resume" : "start";
      let readSize = chunk;
      let rotatedSince: number | undefined;
      let idle = false;
      for (;;) {
        yield { type: "open", file, offset: pos, reason };
        let closeReason: TailCloseReason = "eof";
        for (;;) {
          if (signal?.aborted) {
            closeReason = "aborted";
            break;
          }
          if (idle) {
            // Idle on the live path: before reading on, check for copytruncate (shrunk, or head rewritten).
            idle = false;
            if (await wasTruncated(fh, file, pos)) {
              yield { type: "truncated", file, previousOffset: pos };
              pos = 0;
              file = await identify(fh, step.path);
              readSize = chunk;
              continue;
            }
          }
          if (buf === undefined || buf.length !== readSize) buf = Buffer.allocUnsafe(readSize);
          const { bytesRead: n } = await fh.read(buf, 0, readSize, pos);
          if (n > 0 && file.fingerprintBytes < FINGERPRINT_BYTES) file = await identify(fh, step.path);
          const nl = n > 0 ? buf.lastIndexOf(10, n - 1) : -1;
          if (nl !== -1) {
            // Hand the read buffer over when it is mostly full; copy small reads out and reuse it, so a slow
            // trickle of lines cannot pin one whole read buffer per line while batches wait for acks.
            let data: Buffer;
            if ((nl + 1) * 4 >= buf.length) {
              data = buf.subarray(0, nl + 1);
              buf = undefined;
            } else {
              data = Buffer.from(buf.subarray(0, nl + 1));
            }
            yield { type: "data", file, offset: pos, data, complete: true };
            pos += nl + 1;
            readSize = chunk;
            rotatedSince = undefined;
            continue;
          }
          if (n === readSize) {
            if (readSize < maxLine) {
              readSize = Math.min(readSize * 2, maxLine);
              continue;
            }
            yield { type: "data", file, offset: pos, data: buf, complete: false };
            buf = undefined;
            pos += n;
            continue;
          }
          // EOF, possibly with a partial line of n bytes.
          if (!follow || !step.live || (await isReplaced(step.path, file))) {
            if (follow && step.live) {
              // Renamed away: Suricata may still write to it until it reopens; wait until it is idle.
              rotatedSince ??= performance.now();
              if (performance.now() - rotatedSince < graceMs) {
                await sleepOrWake(Math.min(pollMs, graceMs), signal, wakers);
                continue;
              }
              closeReason = "rotated";
            }
            if (n > 0) {
              yield { type: "data", file, offset: pos, data: Buffer.from(buf.subarray(0, n)), complete: false };
              pos += n;
            }
            break;
          }
          idle = true;
          await sleepOrWake(pollMs, signal, wakers);
        }
        yield { type: "close", file, offset: pos, reason: closeReason };
        current = undefined;
        await fh.close();
        if (closeReason !== "rotated" || !step.live || signal?.aborted) break;
        // Live file was renamed away: follow the new one at the same path.
        let next = await openOrUndefined(step.path);
        while (!next && !signal?.aborted) {
          await sleepOrWake(pollMs, signal, wakers);
          next = await openOrUndefined(step.path);
        }
        if (!next) return;
        fh = next;
        current = fh;
        file = await identify(fh, step.path);
        pos = 0;
        readSize = chunk;
        rotatedSince = undefined;
        reason = "rotated";
      }
      if (signal?.aborted) return;
    }
  } finally {
    watcher?.close();
    await current?.close();
  }
}

/** Whether `path` now names a different inode than `file` (or nothing): a rename rotation happened. */
async function isReplaced(path: string, file: TailedFile): Promise<boolean> {
  const st = await statOrUndefined(path);
  return st === undefined || st.dev !== file.dev || st.ino !== file.ino;
}

/** Whether the open file shrank below `pos` or its head no longer matches `file`'s fingerprint. */
async function wasTruncated(fh: FileHandle, file: TailedFile, pos: number): Promise<boolean> {
  if (Number((await fh.stat()).size) < pos) return true;
  if (file.fingerprintBytes === 0) return false;
  const head = await readHead(fh);
  return fingerprintHead(head.subarray(0, file.fingerprintBytes)).fingerprint !== file.fingerprint || head.length < file.fingerprintBytes;
}
