/**
 * Disk spool: the {@link DurableBuffer} used when Redis is not configured (`buffer: { type: "disk", dir, maxBytes }`).
 *
 * - Append-only segment files of checksummed, length-prefixed frames (`spool-codec.ts`), rolled at
 *   `segmentBytes`. Concurrent `append` calls are written together and fsynced once (group commit); each call
 *   resolves after the `fdatasync(2)` covering it. `fsync: false` skips the syncs (benchmarks, tmpfs).
 * - A failed write (disk full, EIO, EACCES) rejects every queued append with `SpoolIoError` and is taken back
 *   (segments it created deleted, the segment truncated to its durable length), so a later append can succeed once
 *   the cause is gone; only if that repair fails too does the spool refuse appends until it is reopened.
 * - The first unacknowledged sequence number, and the ranges acknowledged out of order above it, are kept in
 *   `ack.json`, replaced atomically (`spool-files.ts`) after every acknowledgement and once more on `close` (so a
 *   clean stop never re-delivers an acknowledged entry, even after a failed ack write or with acks above a gap).
 *   Segments whose records are all acknowledged are deleted.
 * - Bounded by `maxBytes` of live segment files (acknowledged records count until their segment is deleted), with
 *   the priority headroom of `admission.ts`; `BufferFullError` when a record does not fit.
 * - On open, state is recovered from disk (`spool-recovery.ts`); a torn tail is truncated and reported through
 *   `onWarning`, never fatal.
 * One process per directory: the spool takes no lock, the agent's single instance owns it.
 * @module
 */
import { open, truncate, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { EventPriority } from "../eve/event-types.js";
import { Admission } from "./admission.js";
import { AckWindow } from "./ack-window.js";
import { BufferClosedError, BufferFullError, BufferOptionsError, SpoolIoError } from "./errors.js";
import { encodeFrames, FRAME_HEADER_BYTES, PAYLOAD_FIXED_BYTES } from "./spool-codec.js";
import { fsyncDir, segmentName, writeAckFile } from "./spool-files.js";
import { SpoolReader, type InFlight } from "./spool-reader.js";
import { recoverSpool, type SpoolSegment, type SpoolWarning } from "./spool-recovery.js";
import type { DiskSpoolOptions, SpoolLoss } from "./spool-options.js";
import type { BufferEntry, BufferHandle, BufferRecord, BufferStats, DurableBuffer } from "./types.js";

export type { SpoolWarning } from "./spool-recovery.js";
export type { DiskSpoolOptions, SpoolLoss } from "./spool-options.js";

interface Pending {
  readonly firstSeq: number;
  readonly bytes: Buffer;
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

const RECORD_OVERHEAD = FRAME_HEADER_BYTES + PAYLOAD_FIXED_BYTES;

/** See the module documentation. Create with {@link DiskSpool.open}. */
export class DiskSpool implements DurableBuffer {
  readonly #dir: string;
  readonly #fsync: boolean;
  readonly #segmentBytes: number;
  readonly #maxPayload: number;
  readonly #admission: Admission;
  readonly #warn: (w: SpoolWarning) => void;
  readonly #segments: SpoolSegment[];
  readonly #window: AckWindow<InFlight>;
  #active: { seg: SpoolSegment; fh: FileHandle } | undefined;
  readonly #reader: SpoolReader;
  #nextSeq: number;
  #durableSeq: number;
  #used: number;
  #pendingBytes = 0;
  #depthBytes: number;
  #highWater = 0;
  #queue: Pending[] = [];
  #writing: Promise<void> | undefined;
  #failed: unknown;
  #forceRoll = false;
  #persistedHead: number;
  /** Incremented whenever the acknowledgement state changes; `#persistedGen` is the value last written. */
  #ackGen = 0;
  #persistedGen = 0;
  #ackChain: Promise<void> = Promise.resolve();
  #readChain: Promise<unknown> = Promise.resolve();
  #closed: Promise<void> | undefined;
  #lost = { records: 0, bytes: 0 };
  readonly #appended = { records: 0, bytes: 0 };

  private constructor(options: DiskSpoolOptions, maxPayload: number, state: Awaited<ReturnType<typeof recoverSpool>>) {
    this.#dir = options.dir;
    this.#fsync = options.fsync ?? true;
    this.#segmentBytes = options.segmentBytes ?? Math.min(64 << 20, Math.max(64 << 10, Math.floor(options.maxBytes / 16)));
    this.#maxPayload = maxPayload;
    this.#admission = new Admission(options.maxBytes, options.reserveFraction ?? 0.1);
    this.#warn = options.onWarning ?? (() => undefined);
    this.#segments = state.segments;
    this.#window = new AckWindow(state.head);
    this.#window.restoreAhead(state.ahead);
    this.#persistedHead = state.head;
    this.#nextSeq = this.#durableSeq = state.endSeq;
    this.#used = this.#segments.reduce((a, s) => a + s.bytes, 0);
    this.#depthBytes = this.#used - state.headOffset - state.aheadBytes;
    const segments = this.#segments;
    this.#reader = new SpoolReader(
      {
        segments,
        durableSeq: () => this.#durableSeq,
        window: this.#window,
        maxPayload,
        chunkBytes: options.readChunkBytes ?? 1 << 20,
        lose: (from, to, bytes, path, detail, tail) => this.#lose(from, to, bytes, path, detail, tail),
      },
      { seg: segments[0]?.firstSeq ?? state.endSeq, offset: state.headOffset, seq: state.head },
    );
    this.#noteFill();
  }

  /**
   * Opens (creating or recovering) the spool in `options.dir`.
   *
   * @throws {BufferOptionsError} on invalid sizes.
   * @throws {SpoolIoError} when the directory or its files cannot be read or repaired.
   */
  static async open(options: DiskSpoolOptions): Promise<DiskSpool> {
    const maxPayload = options.maxRecordBytes ?? 16 << 20;
    for (const [k, v] of Object.entries({ maxBytes: options.maxBytes, maxRecordBytes: maxPayload, segmentBytes: options.segmentBytes ?? 1 })) {
      if (!(Number.isSafeInteger(v) && v > 0)) throw new BufferOptionsError(`${k} must be a positive integer, got ${v}`);
    }
    const warn = options.onWarning ?? (() => undefined);
    const state = await recoverSpool(options.dir, maxPayload, options.fsync ?? true, warn);
    return new DiskSpool(options, maxPayload, state);
  }

  /** Data the spool could not deliver since open (damaged frames), also reported through `onWarning`. */
  get lost(): SpoolLoss {
    return { ...this.#lost };
  }

  /** @inheritdoc */
  async append(records: readonly BufferRecord[]): Promise<void> {
    if (this.#closed) throw new BufferClosedError("append");
    if (this.#failed !== undefined) throw this.#failed;
    if (records.length === 0) return;
    const { bytes, sizes } = encodeFrames(this.#nextSeq, records);
    for (const s of sizes) {
      if (s - FRAME_HEADER_BYTES > this.#maxPayload) {
        throw new BufferOptionsError(`record of ${s} bytes exceeds maxRecordBytes ${this.#maxPayload}`);
      }
    }
    const used = this.#used + this.#pendingBytes;
    const refusal = this.#admission.check(used, sizes, records.map((r) => r.priority));
    if (refusal?.never) {
      throw new BufferOptionsError(`record of ${sizes[refusal.position]} bytes can never fit under limit ${refusal.limit}`);
    }
    if (refusal) throw new BufferFullError(refusal.priority, bytes.length, used, refusal.limit, "bytes");
    const firstSeq = this.#nextSeq;
    this.#nextSeq += records.length;
    this.#pendingBytes += bytes.length;
    this.#appended.records += records.length;
    this.#appended.bytes += bytes.length;
    this.#noteFill();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ firstSeq, bytes, count: records.length, resolve, reject });
      this.#kick();
    });
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
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      const before = { seg: this.#active?.seg, bytes: this.#active?.seg.bytes ?? 0, segments: this.#segments.length };
      try {
        await this.#write(batch);
      } catch (err) {
        // Every queued append fails with it; their sequence numbers are handed out again.
        for (const p of [...batch, ...this.#queue.splice(0)]) p.reject(err);
        this.#nextSeq = this.#durableSeq;
        this.#pendingBytes = 0;
        try {
          await this.#undo(before);
        } catch {
          this.#failed = err; // the tail stays uncertain: refuse appends until a reopen repairs it
          for (const p of this.#queue.splice(0)) p.reject(err);
          return;
        }
        continue;
      }
      for (const p of batch) p.resolve();
    }
  }

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
    if (this.#fsync && dirty) {
      try {
        await dirty.fh.datasync();
      } catch (err) {
        throw new SpoolIoError("fsync", dirty.seg.path, err);
      }
    }
    for (const p of batch) {
      this.#pendingBytes -= p.bytes.length;
      this.#used += p.bytes.length;
      this.#depthBytes += p.bytes.length;
      this.#durableSeq = p.firstSeq + p.count;
    }
  }

  /**
   * Takes back the non-durable part of a failed write batch (e.g. ENOSPC, EIO, EACCES): deletes segments it created
   * and truncates the segment it started in to its durable length, so the next append can try again.
   *
   * @throws the file-system error when that is not possible.
   */
  async #undo(before: { seg: SpoolSegment | undefined; bytes: number; segments: number }): Promise<void> {
    for (const seg of this.#segments.splice(before.segments)) {
      if (this.#active?.seg === seg) {
        const fh = this.#active.fh;
        this.#active = undefined;
        await fh.close();
      }
      await this.#reader.release(seg);
      await unlink(seg.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
    }
    const seg = before.seg;
    if (!seg || !this.#segments.includes(seg)) return; // none, or reclaimed meanwhile (all acknowledged)
    await this.#reader.release(seg);
    if (this.#active?.seg === seg) await this.#active.fh.truncate(before.bytes);
    else await truncate(seg.path, before.bytes);
    seg.bytes = before.bytes;
    if (this.#active === undefined && seg.bytes === 0) {
      // Empty and closed: a new segment would take its name. Remove it.
      this.#segments.splice(this.#segments.indexOf(seg), 1);
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
        if (this.#fsync) await cur.fh.datasync();
        await cur.fh.close();
      } catch (err) {
        throw new SpoolIoError("fsync", cur.seg.path, err);
      }
    }
    const seg: SpoolSegment = { firstSeq, path: join(this.#dir, segmentName(firstSeq)), bytes: 0 };
    let fh: FileHandle;
    try {
      fh = await open(seg.path, "wx");
    } catch (err) {
      throw new SpoolIoError("append", seg.path, err);
    }
    const active = { seg, fh };
    this.#segments.push(seg);
    this.#active = active;
    if (this.#fsync) await fsyncDir(this.#dir);
    return active;
  }

  /** @inheritdoc */
  hasRoom(bytes: number, priority: EventPriority): boolean {
    return !this.#closed && this.#admission.admits(this.#used + this.#pendingBytes, bytes + RECORD_OVERHEAD, priority);
  }

  /** @inheritdoc */
  async read(max: number, maxBytes?: number): Promise<BufferEntry[]> {
    if (this.#closed) throw new BufferClosedError("read");
    if (!(max >= 1)) throw new BufferOptionsError(`read max must be ≥ 1, got ${max}`);
    const run = this.#readChain.then(() => this.#reader.read(max, maxBytes ?? Infinity));
    this.#readChain = run.catch(() => undefined);
    return run;
  }

  #lose(from: number, to: number, bytes: number, path: string, detail: string, tail: boolean): void {
    // New appends must not follow damaged data in the same file: start a new segment.
    if (tail) this.#forceRoll = true;
    const records = Math.max(0, to - Math.max(from, this.#window.head));
    this.#window.skip(from, to);
    this.#ackGen++;
    this.#lost.records += records;
    this.#lost.bytes += bytes;
    this.#depthBytes = Math.max(0, this.#depthBytes - bytes);
    this.#warn({ kind: "corrupt_segment", path, detail, bytes, records });
  }

  /** @inheritdoc */
  async ack(handles: readonly BufferHandle[]): Promise<void> {
    if (this.#closed) throw new BufferClosedError("ack");
    for (const h of handles) {
      const m = this.#window.ack(h as unknown as number);
      if (m) {
        this.#depthBytes -= m.size;
        this.#ackGen++;
      }
    }
    const run = this.#ackChain.then(() => this.#persistAck());
    this.#ackChain = run.catch(() => undefined);
    return run;
  }

  async #persistAck(): Promise<void> {
    const gen = this.#ackGen;
    if (gen === this.#persistedGen) return;
    const head = this.#window.head;
    await writeAckFile(this.#dir, head, this.#fsync, this.#window.aheadRanges());
    this.#persistedGen = gen;
    if (head === this.#persistedHead) return;
    this.#persistedHead = head;
    // Reclaim segments entirely below the persisted head. The writable one only while no write is in progress.
    while (this.#segments.length > 0) {
      const seg = this.#segments[0] as SpoolSegment;
      const isActive = this.#active?.seg === seg;
      const end = this.#segments[1]?.firstSeq ?? this.#durableSeq;
      if (end > head || (isActive && (this.#writing !== undefined || seg.bytes === 0))) break;
      this.#segments.shift();
      this.#used -= seg.bytes;
      try {
        if (isActive) {
          const fh = (this.#active as { fh: FileHandle }).fh;
          this.#active = undefined;
          await fh.close();
        }
        await this.#reader.release(seg);
        await unlink(seg.path);
      } catch (err) {
        throw new SpoolIoError("unlink", seg.path, err);
      }
    }
  }

  /** @inheritdoc */
  async rewind(): Promise<void> {
    if (this.#closed) throw new BufferClosedError("rewind");
    const run = this.#readChain.then(() => this.#reader.rewind());
    this.#readChain = run.catch(() => undefined);
    return run;
  }

  /** @inheritdoc */
  stats(): BufferStats {
    const used = this.#used + this.#pendingBytes;
    // "Refusing" is judged for a record of the average size appended so far (512 bytes before the first).
    const probe = this.#appended.records > 0 ? Math.ceil(this.#appended.bytes / this.#appended.records) : 512;
    const refusing = this.#admission.refusing(used, probe);
    return {
      unit: "bytes",
      depthEvents: this.#durableSeq - this.#window.head - this.#window.ackedAhead,
      depthBytes: this.#depthBytes,
      capacity: this.#admission.capacity,
      used,
      fill: Math.min(1, used / this.#admission.capacity),
      highWater: this.#highWater,
      refusing,
      full: refusing === 0,
    };
  }

  #noteFill(): void {
    this.#highWater = Math.max(this.#highWater, Math.min(1, (this.#used + this.#pendingBytes) / this.#admission.capacity));
  }

  /** @inheritdoc */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#writing;
      await this.#ackChain;
      await this.#readChain;
      const active = this.#active;
      this.#active = undefined;
      try {
        await this.#reader.close();
        // Without per-append fsync, flush once on a clean close.
        if (active && !this.#fsync && this.#failed === undefined) await active.fh.datasync();
        await active?.fh.close();
      } catch (err) {
        throw new SpoolIoError("close", active?.seg.path ?? this.#dir, err);
      }
      // The last word on the ack position: covers an ack write that failed and acks that did not move the head.
      if (this.#ackGen !== this.#persistedGen) {
        await writeAckFile(this.#dir, this.#window.head, this.#fsync, this.#window.aheadRanges());
        this.#persistedGen = this.#ackGen;
      }
    })();
    return this.#closed;
  }
}
