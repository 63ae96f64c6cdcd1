/**
 * Reuse of the tailer's read buffers (pure: no IO). A `data` chunk the tailer hands over is a view of a whole read
 * buffer, and the events parsed from it are views of that chunk (`IngestItem.raw`), so the buffer stays alive
 * until the last of its events is acknowledged and a garbage collection finds it unreachable. At full speed a fresh
 * 256 KiB buffer per read is garbage at 60 MiB/s; V8 collects array buffers' memory only after about 64 MiB of it
 * has accumulated (`kExternalAllocationSoftLimit`, https://source.chromium.org/chromium/chromium/src/+/main:v8/src/heap/heap.h),
 * which is a large part of the agent's peak RSS.
 *
 * - {@link ReadBufferPool}: a free list of equal-sized buffers, bounded (`maxIdle`); anything else is left to the GC.
 * - {@link HandoverWindow}: the buffers handed over per file, in offset order, with the byte offset their last line
 *   ends at. Once the consumer's acknowledged offset of that file passes it, no event still refers to the buffer and
 *   it goes back to the pool. Its `bytes` is what is held between read and acknowledgement, so a reader can wait
 *   when it exceeds a bound (backpressure from the acknowledgements to the reads).
 *
 * Correctness rests on one contract of the consumer: once it reports offset `n` of a file as acknowledged, nothing
 * refers to the bytes before `n` any more (no retry queue, log line or cache keeps an event's `raw`).
 * @module
 */

/** Counters of a {@link ReadBufferPool}. */
export interface ReadBufferPoolStats {
  /** Buffers allocated because the free list was empty. */
  readonly allocated: number;
  /** Acquisitions served from the free list. */
  readonly reused: number;
  /** Releases refused: wrong size, or the free list was full (left to the garbage collector). */
  readonly dropped: number;
  /** Buffers on the free list now. */
  readonly idle: number;
}

/** A bounded free list of buffers of one size. Not thread-safe (one event loop). */
export class ReadBufferPool {
  /** Size of every buffer, bytes. */
  readonly size: number;
  readonly #maxIdle: number;
  readonly #free: Buffer[] = [];
  #allocated = 0;
  #reused = 0;
  #dropped = 0;

  /**
   * @param size - bytes per buffer (the tailer's `readChunkBytes`), ≥ 1.
   * @param maxIdle - most buffers kept on the free list (≥ 0); more released buffers are dropped.
   * @throws {RangeError} on a size < 1 or a negative/non-integer `maxIdle`.
   */
  constructor(size: number, maxIdle: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`buffer size must be a positive integer, got ${size}`);
    if (!Number.isInteger(maxIdle) || maxIdle < 0) throw new RangeError(`maxIdle must be a non-negative integer, got ${maxIdle}`);
    this.size = size;
    this.#maxIdle = maxIdle;
  }

  /** A buffer of {@link size} bytes with arbitrary content: reused when one is free, else newly allocated. */
  acquire(): Buffer {
    const b = this.#free.pop();
    if (b !== undefined) {
      this.#reused++;
      return b;
    }
    this.#allocated++;
    return Buffer.allocUnsafeSlow(this.size); // not from Node's shared 8 KiB pool: the whole ArrayBuffer is ours
  }

  /**
   * Returns a buffer for reuse. The caller must hold no view of it any more.
   *
   * @returns whether it was kept (`false`: not a whole buffer of this size, or the free list is full).
   */
  release(buf: Buffer): boolean {
    if (buf.length !== this.size || buf.byteOffset !== 0 || buf.buffer.byteLength !== this.size || this.#free.length >= this.#maxIdle) {
      this.#dropped++;
      return false;
    }
    this.#free.push(buf);
    return true;
  }

  /** See {@link ReadBufferPoolStats}. */
  get stats(): ReadBufferPoolStats {
    return { allocated: this.#allocated, reused: this.#reused, dropped: this.#dropped, idle: this.#free.length };
  }
}

interface Held {
  readonly end: number;
  readonly buf: Buffer;
}

/** Buffers handed over per file until the consumer acknowledges past them. See the module documentation. */
export class HandoverWindow {
  readonly #files = new Map<string, Held[]>();
  #bytes = 0;

  /** Bytes of the buffers held (whole buffers, not only their used part). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Buffers held. */
  get count(): number {
    let n = 0;
    for (const q of this.#files.values()) n += q.length;
    return n;
  }

  /**
   * Records that `buf` was handed over for bytes of file `key` ending at offset `end` (exclusive).
   *
   * @param key - the file's identity (`identityKey`).
   * @param end - offset just past the last byte of the file in `buf`; not below the previous `end` of `key`.
   * @throws {RangeError} if `end` goes backwards for `key` (offsets of one file identity only grow).
   */
  add(key: string, end: number, buf: Buffer): void {
    let q = this.#files.get(key);
    if (q === undefined) this.#files.set(key, (q = []));
    const last = q.at(-1);
    if (last !== undefined && end < last.end) throw new RangeError(`offset ${end} of ${key} is before ${last.end}`);
    q.push({ end, buf });
    this.#bytes += buf.length;
  }

  /**
   * Takes the buffers of `key` whose bytes all lie before `acked` (the consumer's acknowledged offset).
   *
   * @returns them, oldest first (possibly none); the caller may reuse them.
   */
  release(key: string, acked: number): Buffer[] {
    const q = this.#files.get(key);
    if (q === undefined) return [];
    let i = 0;
    while (i < q.length && q[i]!.end <= acked) i++;
    const out = q.splice(0, i).map((h) => h.buf);
    for (const b of out) this.#bytes -= b.length;
    if (q.length === 0) this.#files.delete(key);
    return out;
  }

  /**
   * Stops tracking `key` (the file was closed, truncated or rotated away and will not be acknowledged further
   * through this key). Its buffers are NOT returned for reuse: events may still refer to them; the garbage
   * collector frees them.
   *
   * @returns the bytes no longer counted.
   */
  forget(key: string): number {
    const q = this.#files.get(key);
    if (q === undefined) return 0;
    this.#files.delete(key);
    let n = 0;
    for (const h of q) n += h.buf.length;
    this.#bytes -= n;
    return n;
  }

  /** Whether buffers of `key` are held. */
  holds(key: string): boolean {
    return this.#files.has(key);
  }

  /** The file keys with buffers held. */
  keys(): string[] {
    return [...this.#files.keys()];
  }
}
