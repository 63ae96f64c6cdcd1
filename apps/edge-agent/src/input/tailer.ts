/**
 * Tails Suricata's `eve.json` (IO adapter) as an async generator of line-aligned byte chunks with file offsets.
 *
 * - Rename rotation (logrotate default, `suricata` HUP): when the path points to another inode (or vanishes), the
 *   old file descriptor is read until it has not grown for `rotateGraceMs`, its last partial line is flushed; then
 *   any generation rotated away since without being read (reading can pause for hours under backpressure) is read
 *   from its uncompressed sibling (`eve.json.1`, `eve.json-2024…`), oldest first; then the live file from 0.
 * - copytruncate: the inode's size drops below the read position, or its head fingerprint changes. The lines
 *   written between the last read and the truncation are read from the copy (the sibling with the same head),
 *   then the live file restarts at 0. On restart from a checkpoint, rotated files are found the same way.
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
import type { FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { type Checkpoint, FINGERPRINT_BYTES } from "./checkpoint.js";
import {
  findTruncatedCopy,
  identify,
  identityKey,
  isReplaced,
  openOrUndefined,
  openPlanned,
  plan,
  sleepOrWake,
  type TailedFile,
  unreadGenerations,
  wasTruncated,
} from "./tailer-fs.js";

export type { TailedFile } from "./tailer-fs.js";

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
  /**
   * After a rename rotation, keep reading the old file until it is idle this long, ms. Default 2000. Lines Suricata
   * writes to the renamed file later than this (it should reopen within milliseconds of its HUP) are not read.
   */
  readonly rotateGraceMs?: number;
  /** Use `fs.watch` wake-ups in addition to polling. Default `true`. */
  readonly watch?: boolean;
  /** Stops the tailer. */
  readonly signal?: AbortSignal;
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
  /**
   * A file to read did not exist: a checkpointed file not found under the live path or any uncompressed sibling
   * (its unread tail is lost: log it), or the live path with `follow: false`. `offset` is the checkpointed offset.
   */
  | { readonly type: "missing"; readonly path: string; readonly offset: number }
  | { readonly type: "close"; readonly file: TailedFile; readonly offset: number; readonly reason: TailCloseReason };

/**
 * Why a file was opened: first file, resume from a checkpoint, new live file after a rotation, an unread rotated
 * generation, or the copy left by a copytruncate.
 */
export type TailOpenReason = "start" | "resume" | "rotated" | "generation" | "truncated-copy";
/** Why a file was closed. */
export type TailCloseReason = "rotated" | "eof" | "aborted";

interface Ctx {
  readonly options: TailerOptions;
  readonly follow: boolean;
  readonly chunk: number;
  readonly maxLine: number;
  readonly pollMs: number;
  readonly graceMs: number;
  readonly signal: AbortSignal | undefined;
  readonly wakers: Set<() => void>;
  /** Files read in this process, by `identityKey`. */
  readonly seen: Set<string>;
  /** Handles to close if the consumer stops early. */
  readonly open: Set<FileHandle>;
}

/** Records a file as read; bounded (oldest forgotten first) so a long-running agent does not grow. */
function remember(ctx: Ctx, file: TailedFile): void {
  ctx.seen.add(identityKey(file));
  if (ctx.seen.size > 4096) ctx.seen.delete(ctx.seen.values().next().value as string);
}

type ReadEnd = { readonly reason: TailCloseReason; readonly pos: number; readonly file: TailedFile };

/**
 * Reads one open file from `pos`. `live`: follow the path (rotation, truncation, partial lines wait); otherwise
 * read to EOF and flush a final partial line. Always yields `open` first and `close` last.
 */
async function* readFile(
  ctx: Ctx,
  fh: FileHandle,
  path: string,
  pos: number,
  reason: TailOpenReason,
  live: boolean,
): AsyncGenerator<TailEvent, ReadEnd, undefined> {
  const { signal, chunk, maxLine } = ctx;
  let file = await identify(fh, path);
  remember(ctx, file);
  yield { type: "open", file, offset: pos, reason };
  let buf: Buffer | undefined;
  let readSize = chunk;
  let rotatedSince: number | undefined;
  let idle = false;
  let closeReason: TailCloseReason = "eof";
  for (;;) {
    if (signal?.aborted) {
      closeReason = "aborted";
      break;
    }
    // copytruncate checks on the followed live file: while idle (the file shrank, or its head was rewritten), and
    // after every read — a truncate + rewrite between our check and our read would otherwise hand us bytes of the
    // new content at the old offset. Whatever was read then is dropped and re-read from the right file.
    const checking = live && ctx.follow;
    let truncatedNow = idle && checking && (await wasTruncated(fh, file, pos));
    idle = false;
    let n = 0;
    if (!truncatedNow) {
      if (buf === undefined || buf.length !== readSize) buf = Buffer.allocUnsafe(readSize);
      n = (await fh.read(buf, 0, readSize, pos)).bytesRead;
      if (n > 0 && checking && file.fingerprintBytes > 0) truncatedNow = await wasTruncated(fh, file, pos);
    }
    if (truncatedNow || buf === undefined /* only unset when truncatedNow */) {
      yield { type: "truncated", file, previousOffset: pos };
      const copy = await findTruncatedCopy(path, file, pos);
      const cfh = copy === undefined ? undefined : await openOrUndefined(copy);
      if (copy !== undefined && cfh !== undefined) {
        ctx.open.add(cfh);
        yield* readFile(ctx, cfh, copy, pos, "truncated-copy", false);
        ctx.open.delete(cfh);
        await cfh.close();
      }
      pos = 0;
      file = await identify(fh, path);
      remember(ctx, file);
      readSize = chunk;
      continue;
    }
    if (n > 0 && file.fingerprintBytes < FINGERPRINT_BYTES) {
      file = await identify(fh, path);
      remember(ctx, file);
    }
    const nl = n > 0 ? buf.lastIndexOf(10, n - 1) : -1;
    if (nl !== -1) {
      // Hand the read buffer over when it is mostly full; copy small reads out and reuse it, so a slow trickle of
      // lines cannot pin one whole read buffer per line while batches wait for acks.
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
    const following = live && ctx.follow;
    if (!following || (await isReplaced(path, file))) {
      if (following) {
        // Renamed away: Suricata may still write to it until it reopens; wait until it is idle.
        rotatedSince ??= performance.now();
        if (performance.now() - rotatedSince < ctx.graceMs) {
          await sleepOrWake(Math.min(ctx.pollMs, ctx.graceMs), signal, ctx.wakers);
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
    await sleepOrWake(ctx.pollMs, signal, ctx.wakers);
  }
  yield { type: "close", file, offset: pos, reason: closeReason };
  return { reason: closeReason, pos, file };
}

/** Opens `path`, waiting for it to appear while following; `undefined` if absent (not following) or aborted. */
async function openLive(ctx: Ctx, path: string): Promise<FileHandle | undefined> {
  let fh = await openOrUndefined(path);
  while (!fh && ctx.follow && !ctx.signal?.aborted) {
    await sleepOrWake(ctx.pollMs, ctx.signal, ctx.wakers);
    fh = await openOrUndefined(path);
  }
  if (fh) ctx.open.add(fh);
  return fh;
}

async function closeHandle(ctx: Ctx, fh: FileHandle): Promise<void> {
  ctx.open.delete(fh);
  await fh.close();
}

/** Opens `path` read-only as an `openPlanned` result, or `undefined` if it does not exist. */
async function openAt(path: string): Promise<{ fh: FileHandle; path: string } | undefined> {
  const fh = await openOrUndefined(path);
  return fh ? { fh, path } : undefined;
}

/** Reads, whole and oldest first, the generations of `path` rotated after `afterMtimeMs` and not read yet. */
async function* readGenerations(ctx: Ctx, path: string, afterMtimeMs: number): AsyncGenerator<TailEvent, void, undefined> {
  for (const gen of await unreadGenerations(path, afterMtimeMs, ctx.seen)) {
    const gfh = await openOrUndefined(gen);
    if (!gfh) continue;
    ctx.open.add(gfh);
    yield* readFile(ctx, gfh, gen, 0, "generation", false);
    await closeHandle(ctx, gfh);
    if (ctx.signal?.aborted) return;
  }
}

/**
 * Tails `options.path`; see the module documentation for the rotation and offset rules.
 *
 * @yields {@link TailEvent}s: per file `open`, then `data`… (and `truncated`), then `close`; `missing` for files
 *   that cannot be found.
 * @throws fs errors other than ENOENT (EACCES, EIO…); the caller's supervisor restarts it.
 */
export async function* tailFile(options: TailerOptions): AsyncGenerator<TailEvent, void, undefined> {
  const chunk = options.readChunkBytes ?? 256 * 1024;
  const ctx: Ctx = {
    options,
    follow: options.follow ?? true,
    chunk,
    maxLine: Math.max(options.maxLineBytes ?? 1024 * 1024, chunk),
    pollMs: options.pollIntervalMs ?? 250,
    graceMs: options.rotateGraceMs ?? 2000,
    signal: options.signal,
    wakers: new Set(),
    seen: new Set(),
    open: new Set(),
  };
  let watcher: FSWatcher | undefined;
  if (ctx.follow && options.watch !== false) {
    try {
      watcher = watch(dirname(options.path), { persistent: false }, () => {
        for (const w of [...ctx.wakers]) w();
      });
      watcher.on("error", () => watcher?.close()); // polling continues
    } catch {
      watcher = undefined; // unsupported here: polling only
    }
  }
  try {
    for (const step of await plan(options)) {
      if (ctx.signal?.aborted) return;
      if (step.missing) {
        yield { type: "missing", path: step.path, offset: step.offset };
        continue;
      }
      if (!step.live) {
        // Opened by identity: an earlier step can take long (backpressure), and a rotation meanwhile renames files.
        const at = step.want ? await openPlanned(options.path, step.path, step.want) : await openAt(step.path);
        if (!at) {
          yield { type: "missing", path: step.path, offset: step.offset };
          continue;
        }
        ctx.open.add(at.fh);
        yield* readFile(ctx, at.fh, at.path, step.offset, step.reason ?? "resume", false);
        await closeHandle(ctx, at.fh);
        continue;
      }
      let pos = step.offset;
      let reason: TailOpenReason = pos > 0 ? "resume" : "start";
      let first: FileHandle | undefined;
      if (step.want) {
        // The checkpointed live file: still at the live path, or rotated away while the earlier steps were read —
        // then it is finished like after a rename, followed by the generations after it and the new live file from 0.
        const at = await openPlanned(options.path, options.path, step.want);
        if (!at) {
          // Gone (deleted or compressed): a checkpointed file's unread tail is lost, say so; then the live file from 0.
          if (step.checkpointed) yield { type: "missing", path: step.want.path, offset: pos };
          pos = 0;
          reason = "start";
        } else if (at.path === options.path) {
          first = at.fh;
          ctx.open.add(first);
        } else {
          // Read as the live file it was until just now: Suricata may still write to it until it reopens, so it is
          // followed until idle for the rotation grace (`isReplaced` is already true), as after any rename.
          ctx.open.add(at.fh);
          const end = yield* readFile(ctx, at.fh, options.path, pos, reason, true);
          if (end.reason === "aborted") return;
          const mtimeMs = (await at.fh.stat()).mtimeMs;
          await closeHandle(ctx, at.fh);
          if (ctx.signal?.aborted) return;
          yield* readGenerations(ctx, options.path, mtimeMs);
          pos = 0;
          reason = "rotated";
        }
      }
      for (;;) {
        const fh = first ?? (await openLive(ctx, options.path));
        first = undefined;
        if (!fh) {
          if (!ctx.follow) yield { type: "missing", path: options.path, offset: pos };
          return;
        }
        const end = yield* readFile(ctx, fh, options.path, pos, reason, true);
        const mtimeMs = end.reason === "rotated" ? (await fh.stat()).mtimeMs : 0;
        await closeHandle(ctx, fh);
        if (end.reason !== "rotated" || ctx.signal?.aborted) return;
        yield* readGenerations(ctx, options.path, mtimeMs);
        if (ctx.signal?.aborted) return;
        pos = 0;
        reason = "rotated";
      }
    }
  } finally {
    watcher?.close();
    for (const fh of ctx.open) await fh.close().catch(() => undefined); // already failing or closing: nothing to add
  }
}
