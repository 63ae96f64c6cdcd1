/**
 * Sequential reader of the disk spool's segments (IO: reads files; state lives in the spool).
 *
 * Keeps a cursor (segment, byte offset, next sequence number), reads a chunk at a time and keeps the undecoded
 * rest for the next call, decodes frames (`spool-codec.ts`), skips records already acknowledged, and reports
 * damaged frames to the spool, which counts them and skips the rest of that segment.
 * @module
 */
import { open, type FileHandle } from "node:fs/promises";
import type { AckWindow } from "./ack-window.js";
import { SpoolIoError } from "./errors.js";
import { decodeFrame } from "./spool-codec.js";
import type { SpoolSegment } from "./spool-recovery.js";
import type { BufferEntry, BufferHandle } from "./types.js";

/** Read position. */
export interface SpoolCursor {
  /** `firstSeq` of the segment being read. */
  seg: number;
  /** Byte offset of the next frame in it. */
  offset: number;
  /** Sequence number of the next record to hand out. */
  seq: number;
}

/** Where a delivered record lives (for rewind) and its frame size (for depth accounting). */
export interface InFlight {
  readonly seg: number;
  readonly offset: number;
  readonly size: number;
}

/** What the reader needs from the spool. */
export interface SpoolReaderSource {
  /** Live segments, oldest first (shared, mutated by the spool). */
  readonly segments: readonly SpoolSegment[];
  /** Records below this sequence number are durable and may be handed out. */
  durableSeq(): number;
  readonly window: AckWindow<InFlight>;
  readonly maxPayload: number;
  readonly chunkBytes: number;
  /** Records `[from, to)` are unreadable (`bytes` skipped in `path`); `tail` when `path` is the newest segment. */
  lose(from: number, to: number, bytes: number, path: string, detail: string, tail: boolean): void;
}

/** Handle of a spool record: its sequence number. */
export const spoolHandle = (seq: number): BufferHandle => seq as unknown as BufferHandle;

/** See the module documentation. */
export class SpoolReader {
  readonly #src: SpoolReaderSource;
  #rd: SpoolCursor;
  #fh: { path: string; fh: FileHandle } | undefined;
  #carry: { seg: number; offset: number; buf: Buffer } | undefined;

  /** @param start - initial cursor (recovered head). */
  constructor(src: SpoolReaderSource, start: SpoolCursor) {
    this.#src = src;
    this.#rd = start;
  }

  /**
   * Hands out up to `max` entries from the cursor (see `DurableBuffer.read`); skips acknowledged records.
   * Callers serialise calls (one read at a time).
   *
   * @throws {SpoolIoError} on a read error.
   */
  async read(max: number, maxBytes: number): Promise<BufferEntry[]> {
    const out: BufferEntry[] = [];
    let bytes = 0;
    const rd = this.#rd;
    outer: while (out.length < max && rd.seq < this.#src.durableSeq()) {
      let i = this.#src.segments.findIndex((s) => s.firstSeq === rd.seg);
      if (i < 0) {
        // The cursor's segment is gone (reclaimed): continue at the oldest live one, skipping older frames.
        i = 0;
        rd.seg = this.#src.segments[0]?.firstSeq ?? rd.seq;
        rd.offset = 0;
      }
      const seg = this.#src.segments[i];
      if (!seg) break;
      const next = this.#src.segments[i + 1];
      if (rd.offset >= seg.bytes) {
        if (!next) break;
        if (rd.seq < next.firstSeq) this.#src.lose(rd.seq, next.firstSeq, 0, seg.path, "segment ends before its successor's first record", false);
        Object.assign(rd, { seg: next.firstSeq, offset: 0, seq: Math.max(rd.seq, next.firstSeq) });
        continue;
      }
      const buf = await this.#chunkAt(seg, rd.offset);
      this.#carry = undefined;
      let o = 0;
      while (out.length < max && rd.seq < this.#src.durableSeq()) {
        const d = decodeFrame(buf, o, this.#src.maxPayload);
        if (d.kind === "incomplete" && d.size > 0 && rd.offset + d.size <= seg.bytes) {
          // The frame continues past this chunk: read it whole (or the next chunk) on the next turn.
          if (o > 0) continue outer;
          const whole = await this.#readAt(seg.path, rd.offset, d.size);
          if (whole.length === d.size) {
            this.#carry = { seg: rd.seg, offset: rd.offset, buf: whole };
            continue outer;
          }
        }
        if (d.kind !== "frame") {
          // Damaged data inside the durable part of a segment (not a torn tail: recovery removed those).
          const to = next ? next.firstSeq : this.#src.durableSeq();
          const why = d.kind === "corrupt" ? d.reason : "frame incomplete on disk";
          this.#src.lose(rd.seq, to, seg.bytes - rd.offset, seg.path, `invalid frame at offset ${rd.offset}: ${why}`, !next);
          Object.assign(rd, { offset: seg.bytes, seq: Math.max(rd.seq, to) });
          continue outer;
        }
        if (d.seq >= rd.seq && !this.#src.window.isAcked(d.seq)) {
          if (out.length > 0 && bytes + d.record.raw.length > maxBytes) {
            this.#carry = { seg: rd.seg, offset: rd.offset, buf: buf.subarray(o) };
            break outer;
          }
          out.push({ ...d.record, handle: spoolHandle(d.seq) });
          this.#src.window.deliver(d.seq, { seg: rd.seg, offset: rd.offset, size: d.size });
          bytes += d.record.raw.length;
        }
        if (d.seq > rd.seq) this.#src.lose(rd.seq, d.seq, 0, seg.path, `sequence gap before ${d.seq} at offset ${rd.offset}`, false);
        rd.seq = Math.max(rd.seq, d.seq + 1);
        rd.offset += d.size;
        o += d.size;
        if (o >= buf.length) continue outer;
      }
      // Stopped by a limit: keep the rest of the chunk for the next read.
      this.#carry = { seg: rd.seg, offset: rd.offset, buf: buf.subarray(o) };
    }
    return out;
  }

  async #chunkAt(seg: SpoolSegment, offset: number): Promise<Buffer> {
    const c = this.#carry;
    if (c && c.seg === seg.firstSeq && c.offset === offset && c.buf.length > 0) return c.buf;
    return this.#readAt(seg.path, offset, Math.min(this.#src.chunkBytes, seg.bytes - offset));
  }

  async #readAt(path: string, offset: number, length: number): Promise<Buffer> {
    try {
      if (this.#fh?.path !== path) {
        await this.#fh?.fh.close();
        this.#fh = undefined;
        this.#fh = { path, fh: await open(path, "r") };
      }
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await this.#fh.fh.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    } catch (err) {
      throw new SpoolIoError("read", path, err);
    }
  }

  /** Moves the cursor back to the first unacknowledged record, if it was handed out. */
  rewind(): void {
    const head = this.#src.window.head;
    const m = this.#src.window.meta(head);
    if (m) this.#rd = { seg: m.seg, offset: m.offset, seq: head };
  }

  /** Sequence number of the next record to hand out. */
  get nextSeq(): number {
    return this.#rd.seq;
  }

  /**
   * Closes the read handle and continues at `cursor` (after the spool re-established its files, `spool-resync.ts`).
   *
   * @throws {SpoolIoError} (`close`) when the read handle cannot be closed; the cursor is moved anyway.
   */
  async moveTo(cursor: SpoolCursor): Promise<void> {
    const path = this.#fh?.path;
    this.#rd = { ...cursor };
    try {
      await this.close();
    } catch (err) {
      throw new SpoolIoError("close", path ?? "", err);
    }
  }

  /** Forgets a segment about to be deleted (closes its read handle). */
  async release(seg: SpoolSegment): Promise<void> {
    if (this.#carry?.seg === seg.firstSeq) this.#carry = undefined;
    if (this.#fh?.path === seg.path) {
      const fh = this.#fh.fh;
      this.#fh = undefined;
      await fh.close();
    }
  }

  /** Closes the read handle. */
  async close(): Promise<void> {
    const fh = this.#fh?.fh;
    this.#fh = undefined;
    this.#carry = undefined;
    await fh?.close();
  }
}
