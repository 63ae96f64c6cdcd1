/**
 * Append side of the disk spool (IO: writes, syncs, truncates and deletes segment files): group commit, segment
 * rolling and the take-back of a failed write. The bookkeeping it updates ({@link SpoolState}) is the spool's.
 *
 * - Appends queued while a write is in progress are written together and synced once (group commit); each resolves
 *   after the `fdatasync(2)` covering it (`fsync: false` skips the syncs).
 * - After the sync the segment written last is checked with `fstat(2)`: a link count of 0 means its file was
 *   deleted (the directory removed or replaced) while open, so the "durable" bytes are in an orphaned inode that
 *   vanishes on close. The batch is then rejected like a failed write (the caller keeps the records) and the spool
 *   is told to re-establish its state (`spool-resync.ts`). Likewise before a new segment file is created, when the
 *   directory's identity (`dev:ino`) is no longer the one the state was built from (removed and created again, or
 *   another directory moved or mounted in its place).
 * - A failed batch rejects every queued append with {@link SpoolIoError}; their sequence numbers are handed out
 *   again and the non-durable part is taken back (segments it created deleted, the segment it started in truncated
 *   to its durable length). The spool learns of each failure through `onFailure`, with whether its state on disk is
 *   now uncertain (take-back failed, file deleted, directory missing).
 * @module
 */
import { fstatSync } from "node:fs";
import { open, truncate, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { AckWindow } from "./ack-window.js";
import { SpoolIoError } from "./errors.js";
import { dirIdentity, fsyncDir, segmentName } from "./spool-files.js";
import type { InFlight, SpoolReader } from "./spool-reader.js";
import type { SpoolSegment } from "./spool-recovery.js";

/** Bookkeeping of one open disk spool, shared by its writer, its acknowledgement side and its resync. */
export interface SpoolState {
  readonly dir: string;
  readonly fsync: boolean;
  readonly maxPayload: number;
  /** Live segments, oldest first; mutated in place (the reader holds the same array). */
  readonly segments: SpoolSegment[];
  readonly window: AckWindow<InFlight>;
  /** Sequence number the next appended record gets. */
  nextSeq: number;
  /** Records below this sequence number are durable. */
  durableSeq: number;
  /** Bytes of live segment files. */
  used: number;
  /** Bytes queued for writing, not yet durable. */
  pendingBytes: number;
  /** Frame bytes of durable, unacknowledged records. */
  depthBytes: number;
  /** Identity of `dir` when its files were last known to match this state (`dirIdentity`). */
  dirId: string;
}

/** Cause of a `SpoolIoError` when the spool's files were changed under it (a segment deleted, the directory replaced). */
export class SpoolFilesReplaced extends Error {
  override readonly name = "SpoolFilesReplaced";
}

/** Why a write batch failed, for the spool to decide whether its state must be re-established. */
export interface WriteFailure {
  /** The error every append of the batch was rejected with. */
  readonly error: SpoolIoError;
  /** `true` when what is on disk no longer matches the bookkeeping (see `spool-resync.ts`). */
  readonly uncertain: boolean;
  /** Why the take-back of the batch failed, when it did (then `uncertain`). */
  readonly takeBackError?: unknown;
}

interface Pending {
  readonly firstSeq: number;
  readonly bytes: Buffer;
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * `true` for errors meaning the spool's files are not where its state says: a path no longer exists (`ENOENT`,
 * `ENOTDIR`: the directory went away) or they were replaced ({@link SpoolFilesReplaced}).
 */
export function isVanished(err: unknown): boolean {
  if (!(err instanceof SpoolIoError)) return false;
  if (err.cause instanceof SpoolFilesReplaced) return true;
  const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** See the module documentation. */
export class SpoolWriter {
  readonly #s: SpoolState;
  readonly #segmentBytes: number;
  readonly #reader: SpoolReader;
  readonly #onFailure: (f: WriteFailure) => void;
  #active: { seg: SpoolSegment; fh: FileHandle } | undefined;
  #queue: Pending[] = [];
  #writing: Promise<void> | undefined;
  #forceRoll = false;

  /**
   * @param segmentBytes - size at which a new segment file is started.
   * @param reader - released before a segment it may hold open is truncated or deleted.
   * @param onFailure - told about every failed batch (after its appends were rejected and the take-back tried).
   */
  constructor(state: SpoolState, segmentBytes: number, reader: SpoolReader, onFailure: (f: WriteFailure) => void) {
    this.#s = state;
    this.#segmentBytes = segmentBytes;
    this.#reader = reader;
    this.#onFailure = onFailure;
  }

  /** The write in progress, if any (resolves when the queue is empty; never rejects). */
  get writing(): Promise<void> | undefined {
    return this.#writing;
  }

  /** The segment appends currently go to (open for writing), if any. */
  get activeSegment(): SpoolSegment | undefined {
    return this.#active?.seg;
  }

  /** Starts a new segment with the next write (new appends must not follow damaged data in the same file). */
  forceRoll(): void {
    this.#forceRoll = true;
  }

  /** Queues encoded frames `bytes` (`count` records from `firstSeq`); resolves once durable. */
  enqueue(firstSeq: number, bytes: Buffer, count: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ firstSeq, bytes, count, resolve, reject });
      this.#kick();
    });
  }

  /**
   * Closes the writable segment's handle (after syncing it when `sync`); the next write opens a new segment.
   *
   * @throws {SpoolIoError} (`close`) when the sync or close fails.
   */
  async closeActive(sync = false): Promise<void> {
    const active = this.#active;
    if (!active) return;
    this.#active = undefined;
    try {
      if (sync) await active.fh.datasync();
    } catch (err) {
      await active.fh.close().catch(() => undefined); // the sync error is the one reported
      throw new SpoolIoError("close", active.seg.path, err);
    }
    try {
      await active.fh.close();
    } catch (err) {
      throw new SpoolIoError("close", active.seg.path, err);
    }
  }

  #kick(): void {
    if (this.#writing) return;
    this.#writing = this.#drain().finally(() => {
      this.#writing = undefined;
      // An append made while the drain was finishing (e.g. by a continuation of a resolved append).
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    const s = this.#s;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      const before = { seg: this.#active?.seg, bytes: this.#active?.seg.bytes ?? 0, segments: s.segments.length };
      let error: SpoolIoError | undefined;
      try {
        await this.#write(batch);
      } catch (err) {
        error = err instanceof SpoolIoError ? err : new SpoolIoError("append", s.dir, err);
      }
      if (!error) {
        for (const p of batch) p.resolve();
        continue;
      }
      // Every queued append fails with it; their sequence numbers are handed out again. They are rejected after the
      // take-back and after the spool has been told, so that a retry finds the spool's decision already made.
      const failed = [...batch, ...this.#queue.splice(0)];
      s.nextSeq = s.durableSeq;
      s.pendingBytes = 0;
      let uncertain = isVanished(error);
      let takeBackError: unknown;
      try {
        await this.#undo(before);
      } catch (err) {
        uncertain = true; // the tail stays uncertain: the spool re-establishes its state before the next append
        takeBackError = err;
      }
      this.#onFailure({ error, uncertain, takeBackError });
      for (const p of failed) p.reject(error);
      if (uncertain) {
        // Appended during the take-back: they would follow an uncertain tail.
        for (const p of this.#queue.splice(0)) p.reject(error);
        s.nextSeq = s.durableSeq;
        s.pendingBytes = 0;
        return;
      }
    }
  }

  /**
   * Writes and syncs a batch, then counts it as durable.
   *
   * @throws {SpoolIoError} on a write or sync error, or (cause {@link SpoolFilesReplaced}) when the segment written
   *   last was found deleted after the sync: its bytes are in an orphaned inode, not durable.
   */
  async #write(batch: Pending[]): Promise<void> {
    // Rolling fsyncs the segment it leaves, so only the segment written last needs a sync here.
    let dirty: { seg: SpoolSegment; fh: FileHandle } | undefined;
    for (const p of batch) {
      const active = await this.#segmentFor(p.firstSeq);
      let o = 0;
      while (o < p.bytes.length) {
        try {
          o += (await active.fh.write(p.bytes, o, p.bytes.length - o, active.seg.bytes + o)).bytesWritten;
        } catch (err) {
          throw new SpoolIoError("append", active.seg.path, err);
        }
      }
      dirty = active;
      active.seg.bytes += p.bytes.length;
    }
    if (dirty) {
      let links: number;
      try {
        if (this.#s.fsync) await dirty.fh.datasync();
        // fstat(2) of an open file reads its in-memory inode: synchronous is cheaper than a thread-pool round trip.
        links = fstatSync(dirty.fh.fd).nlink;
      } catch (err) {
        throw new SpoolIoError("fsync", dirty.seg.path, err);
      }
      if (links === 0) {
        throw new SpoolIoError("append", dirty.seg.path, new SpoolFilesReplaced("segment file was deleted while open (link count 0): the spool directory was removed or replaced"));
      }
    }
    const s = this.#s;
    for (const p of batch) {
      s.pendingBytes -= p.bytes.length;
      s.used += p.bytes.length;
      s.depthBytes += p.bytes.length;
      s.durableSeq = p.firstSeq + p.count;
    }
  }

  /**
   * Takes back the non-durable part of a failed write batch (e.g. ENOSPC, EIO, EACCES): deletes segments it created
   * and truncates the segment it started in to its durable length, so the next append can try again.
   *
   * @throws the file-system error when that is not possible.
   */
  async #undo(before: { seg: SpoolSegment | undefined; bytes: number; segments: number }): Promise<void> {
    const s = this.#s;
    for (const seg of s.segments.splice(before.segments)) {
      if (this.#active?.seg === seg) await this.closeActive();
      await this.#reader.release(seg);
      await unlink(seg.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
    }
    const seg = before.seg;
    if (!seg || !s.segments.includes(seg)) return; // none, or reclaimed meanwhile (all acknowledged)
    await this.#reader.release(seg);
    if (this.#active?.seg === seg) await this.#active.fh.truncate(before.bytes);
    else await truncate(seg.path, before.bytes);
    seg.bytes = before.bytes;
    if (this.#active === undefined && seg.bytes === 0) {
      // Empty and closed: a new segment would take its name. Remove it.
      s.segments.splice(s.segments.indexOf(seg), 1);
      await unlink(seg.path);
    }
  }

  /** The writable segment for a record starting at `firstSeq`, rolling to a new file when due. */
  async #segmentFor(firstSeq: number): Promise<{ seg: SpoolSegment; fh: FileHandle }> {
    const cur = this.#active;
    if (cur && cur.seg.bytes < this.#segmentBytes && !this.#forceRoll) return cur;
    this.#forceRoll = false;
    if (cur) {
      this.#active = undefined;
      try {
        if (this.#s.fsync) await cur.fh.datasync();
        await cur.fh.close();
      } catch (err) {
        throw new SpoolIoError("fsync", cur.seg.path, err);
      }
    }
    // A new file in a directory that was replaced would be out of sight of the spool's state: check it first.
    if ((await dirIdentity(this.#s.dir, "append")) !== this.#s.dirId) {
      throw new SpoolIoError("append", this.#s.dir, new SpoolFilesReplaced("the spool directory was replaced (another inode at its path)"));
    }
    const seg: SpoolSegment = { firstSeq, path: join(this.#s.dir, segmentName(firstSeq)), bytes: 0 };
    let fh: FileHandle;
    try {
      fh = await open(seg.path, "wx");
    } catch (err) {
      throw new SpoolIoError("append", seg.path, err);
    }
    const active = { seg, fh };
    this.#s.segments.push(seg);
    this.#active = active;
    if (this.#s.fsync) await fsyncDir(this.#s.dir);
    return active;
  }
}
