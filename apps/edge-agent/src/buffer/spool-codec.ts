/**
 * Record framing of the disk spool (pure: encoding, decoding and validation of bytes; no IO).
 *
 * A segment file is a sequence of frames, each:
 *
 * ```text
 * u32 LE  payload length (bytes after this 8-byte header)
 * u32 LE  CRC-32 of the payload (ISO-HDLC polynomial, as zlib/PNG/gzip: node:zlib `crc32`)
 * payload:
 *   u32 LE  sequence number, low 32 bits      (sequence numbers grow by 1 per record, never reused)
 *   u32 LE  sequence number, high bits        (< 2^21, i.e. sequence < 2^53)
 *   u8      format version (1)
 *   u8      priority (0..2)
 *   u16 LE  byte length of `index`, u16 LE of `id`, u16 LE of `eventType`
 *   bytes   index, id, eventType (UTF-8), then the raw EVE line (the rest of the payload)
 * ```
 *
 * A crash can leave a torn tail: a partial header, a length running past the end of the file, zero-filled blocks,
 * or a payload whose checksum does not match. {@link decodeFrame} reports each as `incomplete` or `corrupt`, so
 * recovery truncates the segment at the first bad frame instead of failing. Sources: CRC-32 as specified for
 * zlib (RFC 1952 §8, https://www.rfc-editor.org/rfc/rfc1952) and exposed by Node
 * (https://nodejs.org/api/zlib.html#zlibcrc32data-value); length-prefixed, checksummed records follow the
 * write-ahead-log design of LevelDB (https://github.com/google/leveldb/blob/main/doc/log_format.md).
 * @module
 */
import { crc32 } from "node:zlib";
import type { EventPriority } from "../eve/event-types.js";
import { BufferOptionsError } from "./errors.js";
import type { BufferRecord } from "./types.js";

/** Bytes of the frame header (length + CRC). */
export const FRAME_HEADER_BYTES = 8;
/** Bytes of the fixed part of the payload (sequence, version, priority, three string lengths). */
export const PAYLOAD_FIXED_BYTES = 16;
/** Format version written in every frame. */
export const FRAME_VERSION = 1;
/** Largest `index`, `id` or `eventType`, in UTF-8 bytes (u16 length field). */
export const MAX_FIELD_BYTES = 0xffff;

/** A decoded record with its position in the sequence. */
export interface DecodedRecord {
  readonly seq: number;
  /** The record; `raw` is a view into the decoded buffer (no copy). */
  readonly record: BufferRecord;
}

/** Result of {@link decodeFrame}. */
export type DecodeResult =
  /** A valid frame of `size` bytes (header included). */
  | { readonly kind: "frame"; readonly size: number; readonly seq: number; readonly record: BufferRecord }
  /** The bytes end inside the frame; `size` is the full frame size when the header is complete, else 0. */
  | { readonly kind: "incomplete"; readonly size: number }
  /** The frame is invalid (torn or damaged): `reason` says why. */
  | { readonly kind: "corrupt"; readonly reason: string };

/** Thrown by {@link encodeFrames} for a record that cannot be framed (field too long, bad sequence). */
export class FrameEncodeError extends BufferOptionsError {
  override readonly name = "FrameEncodeError";
}

/** Encoded size of one record's frame, header included. */
export function frameSize(record: BufferRecord): number {
  return (
    FRAME_HEADER_BYTES +
    PAYLOAD_FIXED_BYTES +
    Buffer.byteLength(record.index, "utf8") +
    Buffer.byteLength(record.id, "utf8") +
    Buffer.byteLength(record.eventType, "utf8") +
    record.raw.length
  );
}

/**
 * Encodes records as consecutive frames in one buffer.
 *
 * @param firstSeq - sequence number of `records[0]`; the next records get `firstSeq + 1`, … (integer ≥ 0, < 2^53).
 * @param records - records to frame.
 * @returns the bytes and the size of each frame (for accounting and positions).
 * @throws {FrameEncodeError} if a field exceeds {@link MAX_FIELD_BYTES} or the sequence is out of range.
 */
export function encodeFrames(firstSeq: number, records: readonly BufferRecord[]): { bytes: Buffer; sizes: number[] } {
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 0 || !Number.isSafeInteger(firstSeq + records.length)) {
    throw new FrameEncodeError(`sequence out of range: ${firstSeq}`);
  }
  const sizes = records.map(frameSize);
  const bytes = Buffer.allocUnsafe(sizes.reduce((a, b) => a + b, 0));
  let o = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as BufferRecord;
    const seq = firstSeq + i;
    const start = o;
    const p = start + FRAME_HEADER_BYTES;
    bytes.writeUInt32LE(seq % 0x1_0000_0000, p);
    bytes.writeUInt32LE(Math.floor(seq / 0x1_0000_0000), p + 4);
    bytes[p + 8] = FRAME_VERSION;
    bytes[p + 9] = r.priority;
    o = p + PAYLOAD_FIXED_BYTES;
    const lengths: number[] = [];
    for (const field of [r.index, r.id, r.eventType]) {
      const n = bytes.write(field, o, "utf8");
      if (n !== Buffer.byteLength(field, "utf8") || n > MAX_FIELD_BYTES) {
        throw new FrameEncodeError(`field of ${Buffer.byteLength(field, "utf8")} bytes exceeds ${MAX_FIELD_BYTES}`);
      }
      lengths.push(n);
      o += n;
    }
    bytes.writeUInt16LE(lengths[0] ?? 0, p + 10);
    bytes.writeUInt16LE(lengths[1] ?? 0, p + 12);
    bytes.writeUInt16LE(lengths[2] ?? 0, p + 14);
    o += r.raw.copy(bytes, o);
    bytes.writeUInt32LE(o - p, start);
    bytes.writeUInt32LE(crc32(bytes.subarray(p, o)), start + 4);
  }
  return { bytes, sizes };
}

/**
 * Decodes the frame starting at `offset`.
 *
 * @param buf - bytes holding zero or more frames.
 * @param offset - start of the frame in `buf`.
 * @param maxPayload - largest payload accepted; a bigger length field is treated as corruption (garbage length).
 */
export function decodeFrame(buf: Buffer, offset: number, maxPayload: number): DecodeResult {
  const avail = buf.length - offset;
  if (avail < FRAME_HEADER_BYTES) return { kind: "incomplete", size: 0 };
  const len = buf.readUInt32LE(offset);
  if (len < PAYLOAD_FIXED_BYTES) return { kind: "corrupt", reason: `payload length ${len} below minimum` };
  if (len > maxPayload) return { kind: "corrupt", reason: `payload length ${len} above maximum ${maxPayload}` };
  const size = FRAME_HEADER_BYTES + len;
  if (avail < size) return { kind: "incomplete", size };
  const p = offset + FRAME_HEADER_BYTES;
  const payload = buf.subarray(p, p + len);
  if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return { kind: "corrupt", reason: "checksum mismatch" };
  if (payload[8] !== FRAME_VERSION) return { kind: "corrupt", reason: `unknown frame version ${payload[8]}` };
  const priority = payload[9] ?? 255;
  if (priority > 2) return { kind: "corrupt", reason: `invalid priority ${priority}` };
  const li = payload.readUInt16LE(10);
  const ld = payload.readUInt16LE(12);
  const lt = payload.readUInt16LE(14);
  const s = PAYLOAD_FIXED_BYTES;
  if (s + li + ld + lt > len) return { kind: "corrupt", reason: "field lengths exceed payload" };
  const seq = payload.readUInt32LE(0) + payload.readUInt32LE(4) * 0x1_0000_0000;
  const record: BufferRecord = {
    index: payload.toString("utf8", s, s + li),
    id: payload.toString("utf8", s + li, s + li + ld),
    eventType: payload.toString("utf8", s + li + ld, s + li + ld + lt),
    priority: priority as EventPriority,
    raw: payload.subarray(s + li + ld + lt),
  };
  return { kind: "frame", size, seq, record };
}

/** Outcome of {@link scanFrames}. */
export interface ScanResult {
  /** Valid, in-sequence frames found from the start. */
  readonly frames: number;
  /** Byte offset just past the last valid frame (where a torn tail begins). */
  readonly validEnd: number;
  /** Sequence number the next frame should carry. */
  readonly nextSeq: number;
  /** Why the scan stopped: the bytes ended on a frame boundary, inside a frame, or at an invalid frame. */
  readonly stop: "end" | "incomplete" | "corrupt";
  /** Detail for `corrupt` (checksum mismatch, sequence gap, …). */
  readonly reason?: string;
}

/**
 * Validates consecutive frames from the start of `buf` (recovery of a segment, or a chunk of one).
 *
 * @param buf - the bytes to scan.
 * @param expectedSeq - sequence number the first frame must carry; every next frame must add 1.
 * @param maxPayload - see {@link decodeFrame}.
 * @param onFrame - optional callback per valid frame (offset of the frame in `buf`, its size and sequence).
 */
export function scanFrames(
  buf: Buffer,
  expectedSeq: number,
  maxPayload: number,
  onFrame?: (offset: number, size: number, seq: number) => void,
): ScanResult {
  let offset = 0;
  let seq = expectedSeq;
  let frames = 0;
  while (offset < buf.length) {
    const d = decodeFrame(buf, offset, maxPayload);
    if (d.kind === "incomplete") return { frames, validEnd: offset, nextSeq: seq, stop: "incomplete" };
    if (d.kind === "corrupt") return { frames, validEnd: offset, nextSeq: seq, stop: "corrupt", reason: d.reason };
    if (d.seq !== seq) {
      return { frames, validEnd: offset, nextSeq: seq, stop: "corrupt", reason: `sequence ${d.seq}, expected ${seq}` };
    }
    onFrame?.(offset, d.size, seq);
    offset += d.size;
    seq++;
    frames++;
  }
  return { frames, validEnd: offset, nextSeq: seq, stop: "end" };
}
