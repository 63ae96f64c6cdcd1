/**
 * Disk spool: the {@link DurableBuffer} used when Redis is not configured (`buffer: { type: "disk", dir, maxBytes }`).
 *
 * - Append-only segment files of checksummed, length-prefixed frames (`spool-codec.ts`), rolled at
 *   `segmentBytes`, written by `spool-writer.ts`: concurrent `append` calls are written together and fsynced once
 *   (group commit); each call resolves after the `fdatasync(2)` covering it. `fsync: false` skips the syncs
 *   (benchmarks, tmpfs).
 * - A failed write (disk full, EIO, EACCES) rejects every queued append with `SpoolIoError` and is taken back
 *   (segments it created deleted, the segment truncated to its durable length), so a later append can succeed once
 *   the cause is gone.
 * - **Self-repair without a restart.** When that take-back fails too, a segment file is found deleted while open,
 *   or a file or the directory of the spool vanished (`ENOENT`/`ENOTDIR` from an append, read or acknowledgement),
 *   the next `append`, `read` or `rewind` first re-establishes the files (`spool-resync.ts`): the directory is
 *   created again if it is gone, whatever segment files are there are re-scanned and cut to what this instance
 *   knows to be durable, unknown ones deleted, and `ack.json` rewritten from the in-memory acknowledgement state.
 *   What is lost and what is not:
 *   - **Lost from the buffer**: records durably appended (so the input's checkpoint has moved past them) and not
 *     yet acknowledged whose frames are no longer on disk, i.e. what was in the vanished directory. They are
 *     counted in {@link DiskSpool.lost} and reported through `onWarning` as `lost_from_buffer` (with how many of
 *     them were handed out to a delivery in progress, which may still reach OpenSearch). Never silently.
 *   - **Not lost**: appends rejected with `SpoolIoError` (including the one that found its file deleted: a
 *     deleted segment is detected by `fstat` before an append resolves) — their caller keeps the records, the
 *     checkpoint has not passed them — and everything not yet read from the input.
 *   - **Not duplicated**: acknowledged records are never handed out again (the in-memory state is the authority,
 *     segment files older than the oldest live one are deleted, not adopted); sequence numbers continue.
 *   If the directory comes back with its files (a mount that returns), the records in them are kept and nothing is
 *   lost. If the repair itself fails (e.g. the parent directory is read-only), the call rejects with `SpoolIoError`
 *   and the next call tries again.
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
import type { EventPriority } from "../eve/event-types.js";
import { Admission } from "./admission.js";
import { AckWindow } from "./ack-window.js";
import { BufferClosedError, BufferFullError, BufferOptionsError, SpoolIoError } from "./errors.js";
import { encodeFrames, FRAME_HEADER_BYTES, PAYLOAD_FIXED_BYTES } from "./spool-codec.js";
import { dirIdentity, writeAckFile } from "./spool-files.js";
import { SpoolReader, type InFlight } from "./spool-reader.js";
import { recoverSpool, type SpoolWarning } from "./spool-recovery.js";
import { resyncSpool } from "./spool-resync.js";
import { isVanished, SpoolWriter, type SpoolState, type WriteFailure } from "./spool-writer.js";
import { reclaimSegments } from "./spool-reclaim.js";
import type { DiskSpoolOptions, SpoolLoss } from "./spool-options.js";
import type { BufferEntry, BufferHandle, BufferRecord, BufferStats, DurableBuffer } from "./types.js";

export type { SpoolWarning } from "./spool-recovery.js";
export type { DiskSpoolOptions, SpoolLoss } from "./spool-options.js";

const RECORD_OVERHEAD = FRAME_HEADER_BYTES + PAYLOAD_FIXED_BYTES;

/** See the module documentation. Create with {@link DiskSpool.open}. */
export class DiskSpool implements DurableBuffer {
  readonly #s: SpoolState;
  readonly #admission: Admission;
  readonly #warn: (w: SpoolWarning) => void;
  readonly #reader: SpoolReader;
  readonly #writer: SpoolWriter;
  #highWater = 0;
  #persistedHead: number;
  /** Incremented whenever the acknowledgement state changes; `#persistedGen` is the value last written. */
  #ackGen = 0;
  #persistedGen = 0;
  #ackChain: Promise<void> = Promise.resolve();
  #readChain: Promise<unknown> = Promise.resolve();
  #closed: Promise<void> | undefined;
  /** The failure that left the files uncertain; set until a resync succeeds. */
  #uncertain: SpoolIoError | undefined;
  #resyncing: Promise<void> | undefined;
  #lost = { records: 0, bytes: 0, resyncs: 0 };
  readonly #appended = { records: 0, bytes: 0 };

  private constructor(options: DiskSpoolOptions, maxPayload: number, state: Awaited<ReturnType<typeof recoverSpool>>, dirId: string) {
    const segmentBytes = options.segmentBytes ?? Math.min(64 << 20, Math.max(64 << 10, Math.floor(options.maxBytes / 16)));
    this.#admission = new Admission(options.maxBytes, options.reserveFraction ?? 0.1);
    this.#warn = options.onWarning ?? (() => undefined);
    const window = new AckWindow<InFlight>(state.head);
    window.restoreAhead(state.ahead);
    this.#persistedHead = state.head;
    const used = state.segments.reduce((a, seg) => a + seg.bytes, 0);
    this.#s = {
      dir: options.dir,
      fsync: options.fsync ?? true,
      maxPayload,
      segments: state.segments,
      window,
      nextSeq: state.endSeq,
      durableSeq: state.endSeq,
      used,
      pendingBytes: 0,
      depthBytes: used - state.headOffset - state.aheadBytes,
      dirId,
    };
    this.#reader = new SpoolReader(
      {
        segments: state.segments,
        durableSeq: () => this.#s.durableSeq,
        window,
        maxPayload,
        chunkBytes: options.readChunkBytes ?? 1 << 20,
        lose: (from, to, bytes, path, detail, tail) => this.#lose(from, to, bytes, path, detail, tail),
      },
      { seg: state.segments[0]?.firstSeq ?? state.endSeq, offset: state.headOffset, seq: state.head },
    );
    this.#writer = new SpoolWriter(this.#s, segmentBytes, this.#reader, (f) => this.#writeFailed(f));
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
    return new DiskSpool(options, maxPayload, state, await dirIdentity(options.dir, "open"));
  }

  /**
   * Data the spool could not deliver since open (damaged frames, records whose files vanished), each case also
   * reported through `onWarning`; and how often it re-established its files after an IO failure.
   */
  get lost(): SpoolLoss {
    return { ...this.#lost };
  }

  /**
   * @inheritdoc
   * @throws {SpoolIoError} (`recover`, …) when the files must be re-established first (see the module
   *   documentation) and that fails; the next call tries again.
   */
  async append(records: readonly BufferRecord[]): Promise<void> {
    if (this.#closed) throw new BufferClosedError("append");
    if (this.#uncertain) await this.#resync();
    if (this.#closed) throw new BufferClosedError("append");
    if (records.length === 0) return;
    const s = this.#s;
    const { bytes, sizes } = encodeFrames(s.nextSeq, records);
    for (const size of sizes) {
      if (size - FRAME_HEADER_BYTES > s.maxPayload) {
        throw new BufferOptionsError(`record of ${size} bytes exceeds maxRecordBytes ${s.maxPayload}`);
      }
    }
    const used = s.used + s.pendingBytes;
    const refusal = this.#admission.check(used, sizes, records.map((r) => r.priority));
    if (refusal?.never) {
      throw new BufferOptionsError(`record of ${sizes[refusal.position]} bytes can never fit under limit ${refusal.limit}`);
    }
    if (refusal) throw new BufferFullError(refusal.priority, bytes.length, used, refusal.limit, "bytes");
    const firstSeq = s.nextSeq;
    s.nextSeq += records.length;
    s.pendingBytes += bytes.length;
    this.#appended.records += records.length;
    this.#appended.bytes += bytes.length;
    this.#noteFill();
    return this.#writer.enqueue(firstSeq, bytes, records.length);
  }

  #writeFailed(f: WriteFailure): void {
    if (f.uncertain) this.#markUncertain(f.error);
    if (f.takeBackError !== undefined) {
      const path = f.error.path;
      const why = f.takeBackError instanceof Error ? f.takeBackError.message : String(f.takeBackError);
      this.#warn({ kind: "take_back_failed", path, detail: `after ${f.error.message}: ${why}; files re-established before the next append` });
    }
  }

  #markUncertain(err: unknown): void {
    if (err instanceof SpoolIoError) this.#uncertain ??= err;
  }

  /** @inheritdoc */
  hasRoom(bytes: number, priority: EventPriority): boolean {
    return !this.#closed && this.#admission.admits(this.#s.used + this.#s.pendingBytes, bytes + RECORD_OVERHEAD, priority);
  }

  /**
   * @inheritdoc
   * @throws {SpoolIoError} (`read`, `recover`, …) on a read error, or when re-establishing the files first fails.
   */
  async read(max: number, maxBytes?: number): Promise<BufferEntry[]> {
    if (this.#closed) throw new BufferClosedError("read");
    if (!(max >= 1)) throw new BufferOptionsError(`read max must be ≥ 1, got ${max}`);
    return this.#onReadChain(() => this.#reader.read(max, maxBytes ?? Infinity));
  }

  /** @inheritdoc */
  async rewind(): Promise<void> {
    if (this.#closed) throw new BufferClosedError("rewind");
    return this.#onReadChain(async () => this.#reader.rewind());
  }

  /** Runs `fn` after the reads before it, re-establishing the files first when needed. */
  #onReadChain<T>(fn: () => Promise<T>): Promise<T> {
    const resync = this.#uncertain ? this.#resync() : undefined;
    const run = this.#readChain.then(async () => {
      await resync;
      try {
        return await fn();
      } catch (err) {
        if (isVanished(err)) this.#markUncertain(err);
        throw err;
      }
    });
    this.#readChain = run.catch(() => undefined);
    return run;
  }

  #lose(from: number, to: number, bytes: number, path: string, detail: string, tail: boolean): void {
    // New appends must not follow damaged data in the same file: start a new segment.
    if (tail) this.#writer.forceRoll();
    const { records } = this.#s.window.skip(from, to);
    if (records === 0 && bytes === 0) return; // already counted (a range skipped by a resync)
    this.#ackGen++;
    this.#lost.records += records;
    this.#lost.bytes += bytes;
    this.#s.depthBytes = Math.max(0, this.#s.depthBytes - bytes);
    this.#warn({ kind: "corrupt_segment", path, detail, bytes, records });
  }

  /** @inheritdoc */
  async ack(handles: readonly BufferHandle[]): Promise<void> {
    if (this.#closed) throw new BufferClosedError("ack");
    // A resync recounts the unacknowledged bytes: acknowledgements wait for it, so none is counted twice.
    if (this.#resyncing) await this.#resyncing.catch(() => undefined);
    for (const h of handles) {
      const m = this.#s.window.ack(h as unknown as number);
      if (m) {
        this.#s.depthBytes -= m.size;
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
    const s = this.#s;
    const head = s.window.head;
    try {
      await writeAckFile(s.dir, head, s.fsync, s.window.aheadRanges());
      this.#persistedGen = gen;
      if (head === this.#persistedHead) return;
      this.#persistedHead = head;
      await reclaimSegments(s, head, this.#writer, this.#reader);
    } catch (err) {
      if (isVanished(err)) this.#markUncertain(err);
      throw err;
    }
  }

  /** Re-establishes the files once (on the read chain: no read runs meanwhile); see the module documentation. */
  #resync(): Promise<void> {
    if (this.#resyncing) return this.#resyncing;
    const acks = this.#ackChain; // acknowledgements made later wait for the resync (see `ack`)
    const run = this.#readChain.then(async () => {
      await acks;
      await this.#writer.writing;
      if (this.#uncertain) await this.#resyncNow(this.#uncertain);
    });
    this.#readChain = run.catch(() => undefined);
    const done = run.finally(() => {
      this.#resyncing = undefined;
    });
    this.#resyncing = done;
    return done;
  }

  async #resyncNow(cause: SpoolIoError): Promise<void> {
    const s = this.#s;
    const r = await resyncSpool(s, this.#writer, this.#reader, cause);
    // Counted and reported before anything else can fail: a repeated resync finds nothing more missing.
    this.#lost.records += r.records;
    this.#lost.bytes += r.bytes;
    this.#lost.resyncs++;
    this.#ackGen++;
    this.#warn(r.warning);
    const head = s.window.head;
    await writeAckFile(s.dir, head, s.fsync, s.window.aheadRanges());
    this.#persistedGen = this.#ackGen;
    this.#persistedHead = head;
    await reclaimSegments(s, head, this.#writer, this.#reader);
    this.#uncertain = undefined;
  }

  /** @inheritdoc */
  stats(): BufferStats {
    const s = this.#s;
    const used = s.used + s.pendingBytes;
    // "Refusing" is judged for a record of the average size appended so far (512 bytes before the first).
    const probe = this.#appended.records > 0 ? Math.ceil(this.#appended.bytes / this.#appended.records) : 512;
    const refusing = this.#admission.refusing(used, probe);
    return {
      unit: "bytes",
      depthEvents: s.durableSeq - s.window.head - s.window.ackedAhead,
      depthBytes: s.depthBytes,
      capacity: this.#admission.capacity,
      used,
      fill: Math.min(1, used / this.#admission.capacity),
      highWater: this.#highWater,
      refusing,
      full: refusing === 0,
    };
  }

  #noteFill(): void {
    this.#highWater = Math.max(this.#highWater, Math.min(1, (this.#s.used + this.#s.pendingBytes) / this.#admission.capacity));
  }

  /**
   * @inheritdoc
   * @throws {SpoolIoError} when syncing or closing a file, writing the ack position, or a pending re-establishment
   *   of the files (which counts and reports what was lost) fails; every step is still tried, the first error thrown.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const s = this.#s;
      await this.#writer.writing;
      await this.#ackChain;
      await this.#readChain;
      // Every step is tried; the first failure is thrown at the end.
      let failure: unknown;
      const fail = (err: unknown): void => void (failure ??= err);
      if (this.#uncertain) await this.#resyncNow(this.#uncertain).catch(fail);
      await this.#reader.close().catch((err: unknown) => fail(new SpoolIoError("close", s.dir, err)));
      // Without per-append fsync, flush once on a clean close.
      await this.#writer.closeActive(!s.fsync).catch(fail);
      // The last word on the ack position: covers an ack write that failed and acks that did not move the head.
      if (this.#ackGen !== this.#persistedGen) {
        await writeAckFile(s.dir, s.window.head, s.fsync, s.window.aheadRanges()).then(() => (this.#persistedGen = this.#ackGen), fail);
      }
      if (failure !== undefined) throw failure;
    })();
    return this.#closed;
  }
}
