/**
 * Re-establishes a running disk spool's files after an IO failure left them uncertain (IO: creates the directory,
 * scans, truncates and deletes segment files), on behalf of `DiskSpool`, which counts and reports the outcome.
 *
 * When it is needed: the take-back of a failed append failed, a segment file was found deleted while open or the
 * directory replaced (`SpoolFilesReplaced`), or a path of the spool vanished (`ENOENT`/`ENOTDIR`: the directory was
 * removed or its mount went away).
 *
 * What it does, against what the running spool knows (its live segments with their durable lengths, and `endSeq`,
 * the first sequence number not durably appended):
 * - creates the directory when it is missing (and fsyncs its parent, so the creation survives a power cut);
 * - for each live segment, keeps the longest prefix of valid frames (checksums and consecutive sequence numbers,
 *   `spool-codec.ts`) below the next segment's first record (below `endSeq` for the newest), and truncates the
 *   file there: frames at or above `endSeq` belong to appends that were rejected (their callers still hold them);
 * - reports the records of a live segment not found on disk as `missing`: they were durably appended, so the
 *   input's checkpoint has moved past them, and unless already acknowledged they are lost from the buffer;
 * - deletes segment files the spool does not know (older than its oldest live segment, i.e. already acknowledged,
 *   or left by a failed append): adopting them would duplicate acknowledged data or re-use sequence numbers.
 * It never reads the ack file: the running spool's acknowledgement state is the authority and is written back by
 * the caller. {@link resyncSpool} then applies the outcome to the spool's state (missing records skipped in its
 * acknowledgement window, segments, sizes, reader cursor) and describes it as one warning.
 * @module
 */
import { mkdir, rm, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { SpoolIoError } from "./errors.js";
import { ACK_FILE, dirIdentity, fsyncDir, listSegments, scanSegmentFile, truncateFile } from "./spool-files.js";
import type { SpoolCursor, SpoolReader } from "./spool-reader.js";
import type { SpoolSegment, SpoolWarning } from "./spool-recovery.js";
import type { SpoolState, SpoolWriter } from "./spool-writer.js";

/** What the running spool expects on disk. */
export interface ResyncExpectation {
  readonly dir: string;
  readonly maxPayload: number;
  readonly fsync: boolean;
  /** Live segments, oldest first, with their durable lengths in bytes. */
  readonly segments: readonly SpoolSegment[];
  /** First sequence number not durably appended. */
  readonly endSeq: number;
  /** Sequence number of the next record the reader hands out (its cursor is moved to the first present one). */
  readonly cursorSeq: number;
  /** Whether a record is acknowledged (its frame bytes then do not count in `unackedBytes`). */
  readonly isAcked: (seq: number) => boolean;
}

/** Outcome of {@link resyncSpoolFiles}. */
export interface ResyncedFiles {
  /** `true` when the directory was missing and has been created (everything in it was gone). */
  readonly recreated: boolean;
  /** Live segments kept, oldest first; each file on disk now holds exactly `bytes` bytes of valid frames. */
  readonly segments: SpoolSegment[];
  /** Half-open ranges `[from, to)` of expected records not found on disk. */
  readonly missing: [number, number][];
  /** Segment files deleted because the spool did not know them. */
  readonly removed: string[];
  /** Frame bytes of the present, unacknowledged records. */
  readonly unackedBytes: number;
  /** Read position of the first present record at or after `cursorSeq` (or `endSeq` when there is none). */
  readonly cursor: SpoolCursor;
  /** Identity of the directory the result describes (`dirIdentity`). */
  readonly dirId: string;
}

/**
 * See the module documentation.
 *
 * @throws {SpoolIoError} (`recover`, `open`, `unlink`) when the directory cannot be created or read, or a file
 *   cannot be scanned, truncated or deleted. Nothing has been applied then; the caller retries later.
 */
export async function resyncSpoolFiles(x: ResyncExpectation): Promise<ResyncedFiles> {
  let recreated: boolean;
  try {
    recreated = (await mkdir(x.dir, { recursive: true })) !== undefined;
    await rm(join(x.dir, `${ACK_FILE}.tmp`), { force: true });
  } catch (err) {
    throw new SpoolIoError("recover", x.dir, err);
  }
  if (recreated && x.fsync) await fsyncDir(dirname(x.dir));
  const dirId = await dirIdentity(x.dir, "recover");
  const onDisk = new Map((await listSegments(x.dir)).map((f) => [f.firstSeq, f]));
  const segments: SpoolSegment[] = [];
  const missing: [number, number][] = [];
  let unackedBytes = 0;
  let cursor: SpoolCursor | undefined;
  for (let i = 0; i < x.segments.length; i++) {
    const want = x.segments[i] as SpoolSegment;
    const end = x.segments[i + 1]?.firstSeq ?? x.endSeq;
    const file = onDisk.get(want.firstSeq);
    onDisk.delete(want.firstSeq);
    let next = want.firstSeq;
    let cut = 0;
    if (file) {
      await scanSegmentFile(file.path, want.firstSeq, x.maxPayload, (offset, size, seq) => {
        if (seq >= end) return;
        next = seq + 1;
        cut = offset + size;
        if (!x.isAcked(seq)) unackedBytes += size;
        if (cursor === undefined && seq >= x.cursorSeq) cursor = { seg: want.firstSeq, offset, seq };
      });
    }
    if (next < end) missing.push([next, end]);
    if (!file) continue;
    if (cut === 0) await remove(file.path);
    else {
      if (file.bytes !== cut) await truncateFile(file.path, cut);
      segments.push({ firstSeq: want.firstSeq, path: file.path, bytes: cut });
    }
  }
  const removed: string[] = [];
  for (const f of onDisk.values()) {
    await remove(f.path);
    removed.push(f.path);
  }
  if (x.fsync) await fsyncDir(x.dir);
  return { recreated, segments, missing, removed, unackedBytes, cursor: cursor ?? { seg: x.endSeq, offset: 0, seq: x.endSeq }, dirId };
}

async function remove(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new SpoolIoError("unlink", path, err);
  }
}

/** What {@link resyncSpool} changed: records lost from the buffer, their frame bytes, and the warning to report. */
export interface SpoolResync {
  readonly records: number;
  readonly bytes: number;
  readonly warning: SpoolWarning;
}

/**
 * Re-establishes the files of a running spool (after its writes and reads have stopped) and applies the outcome to
 * `state`: closes the writable and read handles, runs {@link resyncSpoolFiles}, marks the missing records as skipped
 * in the acknowledgement window (a later ack of one is ignored), replaces the live segments, recounts `used` and
 * `depthBytes`, and moves the reader to the first present record at or after its cursor. Handle-close errors do not
 * stop it; they are part of the warning's detail.
 *
 * @param cause - the failure that made it necessary (named in the warning).
 * @throws {SpoolIoError} from {@link resyncSpoolFiles}; `state` is then unchanged.
 */
export async function resyncSpool(state: SpoolState, writer: SpoolWriter, reader: SpoolReader, cause: SpoolIoError): Promise<SpoolResync> {
  const s = state;
  const notes: string[] = [];
  const note = (what: string) => (err: unknown) => void notes.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  await writer.closeActive().catch(note("closing the writable segment"));
  await reader.close().catch(note("closing the read handle"));
  const depthBefore = s.depthBytes;
  const r = await resyncSpoolFiles({
    dir: s.dir,
    maxPayload: s.maxPayload,
    fsync: s.fsync,
    segments: [...s.segments],
    endSeq: s.durableSeq,
    cursorSeq: reader.nextSeq,
    isAcked: (seq) => s.window.isAcked(seq),
  });
  let records = 0;
  let delivered = 0;
  for (const [from, to] of r.missing) {
    const k = s.window.skip(from, to);
    records += k.records;
    delivered += k.delivered;
  }
  s.segments.splice(0, s.segments.length, ...r.segments);
  s.used = r.segments.reduce((a, seg) => a + seg.bytes, 0);
  s.depthBytes = r.unackedBytes;
  s.dirId = r.dirId;
  const bytes = Math.max(0, depthBefore - r.unackedBytes);
  await reader.moveTo(r.cursor).catch(note("closing the read handle"));
  const what = [
    r.recreated ? "the directory was gone and has been created again" : "the files were re-scanned",
    `${records} durably appended, unacknowledged records are no longer on disk (lost from the buffer; the input's checkpoint is past them)`,
    ...(delivered > 0 ? [`${delivered} of them were in a delivery in progress and may still reach OpenSearch`] : []),
    ...(r.removed.length > 0 ? [`deleted segment files this spool did not know: ${r.removed.join(", ")}`] : []),
    ...notes,
  ];
  const warning: SpoolWarning = { kind: records > 0 ? "lost_from_buffer" : "resynced", path: s.dir, detail: `after ${cause.message}: ${what.join("; ")}`, bytes, records };
  return { records, bytes, warning };
}
