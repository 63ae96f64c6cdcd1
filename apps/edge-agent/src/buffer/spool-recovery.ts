/**
 * Rebuilds the disk spool's state from its directory on open (IO: reads, truncates and deletes files).
 *
 * Steps: list segments; read the ack position; scan the last segment and truncate a torn tail (a crash during an
 * append leaves a partial or unchecksummed frame, see `spool-codec.ts`); drop an empty last segment; clamp the
 * head between the oldest data and the end (the ack file can be older than a deletion, or newer than data lost
 * without fsync); delete segments entirely below the head; find the head's byte offset in the oldest segment.
 * Nothing here throws on damaged data: each repair is reported as a {@link SpoolWarning}.
 * @module
 */
import { mkdir, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SpoolIoError } from "./errors.js";
import { ACK_FILE, listSegments, readAckFile, scanSegmentFile, truncateFile, writeAckFile } from "./spool-files.js";

/** A repair made by recovery or while running, or a damaged frame met while reading; nothing is repaired silently. */
export interface SpoolWarning {
  /**
   * `torn_tail`: an incomplete or invalid tail was truncated (expected after a crash during an append).
   * `corrupt_segment`: an invalid frame before the end of the data; the rest of that segment is lost.
   * `invalid_ack_file`: the ack position was unreadable; everything on disk is re-delivered.
   * `head_clamped`: the ack position pointed outside the data on disk and was moved to its edge.
   * `take_back_failed`: a failed append could not be taken back either; the files are re-established before the
   *   next append (`DiskSpool`).
   * `lost_from_buffer`: while running, the spool re-established its files after an IO failure (e.g. its directory
   *   vanished) and `records` durably appended, unacknowledged records were no longer on disk: the input's checkpoint
   *   is past them, so they will not be shipped (unless they were in a delivery in progress, said in `detail`).
   * `resynced`: the same re-establishment found every unacknowledged record still on disk; nothing lost.
   */
  readonly kind: "torn_tail" | "corrupt_segment" | "invalid_ack_file" | "head_clamped" | "take_back_failed" | "lost_from_buffer" | "resynced";
  readonly path: string;
  readonly detail: string;
  /** Bytes removed or skipped, when known. */
  readonly bytes?: number;
  /** Records lost (never delivered), when known. */
  readonly records?: number;
}

/** One live segment. `bytes` is its valid, durable length. */
export interface SpoolSegment {
  readonly firstSeq: number;
  readonly path: string;
  bytes: number;
}

/** State recovered from disk. */
export interface RecoveredSpool {
  /** Live segments, oldest first. */
  readonly segments: SpoolSegment[];
  /** First unacknowledged sequence number. */
  readonly head: number;
  /** Byte offset of `head` in `segments[0]` (0 when not found: the reader then skips older frames). */
  readonly headOffset: number;
  /** Sequence number of the next record to append. */
  readonly endSeq: number;
  /** Ranges `[from, to)` above `head` acknowledged before the last close (persisted out-of-order acks). */
  readonly ahead: readonly (readonly [number, number])[];
  /** Frame bytes of the records in `ahead` (not part of the unacknowledged depth). */
  readonly aheadBytes: number;
}

/**
 * Recovers the spool in `dir` (created if missing).
 *
 * @param dir - spool directory.
 * @param maxPayload - largest valid frame payload.
 * @param fsync - fsync repairs and the ack file.
 * @param warn - receives every repair.
 * @throws {SpoolIoError} on file-system errors (permissions, IO), never on damaged content.
 */
export async function recoverSpool(
  dir: string,
  maxPayload: number,
  fsync: boolean,
  warn: (w: SpoolWarning) => void,
): Promise<RecoveredSpool> {
  try {
    await mkdir(dir, { recursive: true });
    await rm(join(dir, `${ACK_FILE}.tmp`), { force: true });
  } catch (err) {
    throw new SpoolIoError("open", dir, err);
  }
  const segments: SpoolSegment[] = await listSegments(dir);
  const ack = await readAckFile(dir);
  let head: number | undefined;
  if (ack !== undefined && "invalid" in ack) warn({ kind: "invalid_ack_file", path: join(dir, ACK_FILE), detail: ack.invalid });
  else head = ack?.head;

  let endSeq = head ?? 0;
  const last = segments.at(-1);
  if (last) {
    const r = await scanSegmentFile(last.path, last.firstSeq, maxPayload);
    if (r.validEnd < last.bytes) {
      await truncateFile(last.path, r.validEnd);
      warn({
        kind: "torn_tail",
        path: last.path,
        detail: r.stop === "corrupt" ? `invalid frame: ${r.reason ?? "?"}` : "incomplete frame",
        bytes: last.bytes - r.validEnd,
      });
      last.bytes = r.validEnd;
    }
    endSeq = r.nextSeq;
    if (last.bytes === 0) {
      await remove(last.path);
      segments.pop();
    }
  }

  const oldest = segments[0]?.firstSeq ?? endSeq;
  const wanted = head ?? oldest;
  head = Math.min(Math.max(wanted, oldest), endSeq);
  if (ack !== undefined && !("invalid" in ack) && head !== wanted) {
    warn({ kind: "head_clamped", path: join(dir, ACK_FILE), detail: `ack position ${wanted} moved to ${head} (data on disk: ${oldest}..${endSeq})` });
  }
  while (segments.length > 0) {
    const end = segments[1]?.firstSeq ?? endSeq;
    if (end > head) break;
    await remove((segments.shift() as SpoolSegment).path);
  }

  let headOffset = 0;
  const first = segments[0];
  if (first && head > first.firstSeq) {
    await scanSegmentFile(first.path, first.firstSeq, maxPayload, (offset, _size, seq) => {
      if (seq === head) headOffset = offset;
    });
  }
  const h = head;
  const ahead = ack !== undefined && !("invalid" in ack) ? clip(ack.ahead, h + 1, endSeq) : [];
  const aheadBytes = await sizeOf(segments, ahead, maxPayload);
  if (ack === undefined || "invalid" in ack || ack.head !== head || ahead.length !== ack.ahead.length) await writeAckFile(dir, head, fsync, ahead);
  return { segments, head, headOffset, endSeq, ahead, aheadBytes };
}

/** `ranges` cut to `[lo, hi)`, empty ones dropped. */
function clip(ranges: readonly (readonly [number, number])[], lo: number, hi: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of ranges) {
    const from = Math.max(a, lo);
    const to = Math.min(b, hi);
    if (from < to) out.push([from, to]);
  }
  return out;
}

/** Sum of the frame sizes of the records in `ranges` (scans only the segments that can hold them). */
async function sizeOf(segments: readonly SpoolSegment[], ranges: readonly (readonly [number, number])[], maxPayload: number): Promise<number> {
  if (ranges.length === 0) return 0;
  const lo = (ranges[0] as readonly [number, number])[0];
  const hi = (ranges.at(-1) as readonly [number, number])[1];
  const inRange = (seq: number): boolean => ranges.some(([a, b]) => seq >= a && seq < b);
  let bytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as SpoolSegment;
    const end = segments[i + 1]?.firstSeq ?? Infinity;
    if (end <= lo) continue;
    if (seg.firstSeq >= hi) break;
    await scanSegmentFile(seg.path, seg.firstSeq, maxPayload, (_offset, size, seq) => {
      if (inRange(seq)) bytes += size;
    });
  }
  return bytes;
}

async function remove(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    throw new SpoolIoError("unlink", path, err);
  }
}
