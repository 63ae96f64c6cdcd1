/**
 * Deletion of disk spool segments whose records are all acknowledged (IO: closes and unlinks files).
 * @module
 */
import { unlink } from "node:fs/promises";
import { SpoolIoError } from "./errors.js";
import type { SpoolReader } from "./spool-reader.js";
import type { SpoolState, SpoolWriter } from "./spool-writer.js";

/**
 * Deletes the segments entirely below `head` (the persisted first unacknowledged sequence number), oldest first,
 * and takes their bytes off `state.used`. The writable segment only while no write is in progress.
 *
 * @throws {SpoolIoError} (`unlink`, `close`) when a file cannot be closed or deleted; it is already off the list.
 */
export async function reclaimSegments(state: SpoolState, head: number, writer: SpoolWriter, reader: SpoolReader): Promise<void> {
  const segments = state.segments;
  for (let seg = segments[0]; seg !== undefined; seg = segments[0]) {
    const isActive = writer.activeSegment === seg;
    const end = segments[1]?.firstSeq ?? state.durableSeq;
    if (end > head || (isActive && (writer.writing !== undefined || seg.bytes === 0))) break;
    segments.shift();
    state.used -= seg.bytes;
    try {
      if (isActive) await writer.closeActive();
      await reader.release(seg);
      await unlink(seg.path);
    } catch (err) {
      throw err instanceof SpoolIoError ? err : new SpoolIoError("unlink", seg.path, err);
    }
  }
}
