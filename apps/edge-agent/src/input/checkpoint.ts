/**
 * Checkpoint model: which file, and how far into it every event has been acknowledged.
 *
 * File identity = device + inode + a fingerprint of the first bytes (SHA-256 of up to
 * {@link FINGERPRINT_BYTES} bytes, like Vector's `checksum` fingerprint). Inodes are reused after a delete, and a
 * copytruncate rotation keeps the inode while replacing the content, so dev+inode alone is not enough; the
 * fingerprint alone is not enough either, because the live file and its copy share it.
 *
 * The committed offset only advances over a contiguous prefix of acknowledged lines ({@link AckTracker}): acks
 * arrive out of order (retries, priority lanes), and a checkpoint past an unacknowledged line would lose it on a
 * crash. Replays after a crash are harmless because document ids are deterministic.
 * @module
 */
import { createHash } from "node:crypto";

/** Bytes of the file head hashed into the fingerprint. */
export const FINGERPRINT_BYTES = 256;

/** Identity of one file generation. */
export interface FileIdentity {
  /** `stat.dev` as a decimal string (64-bit safe). */
  readonly dev: string;
  /** `stat.ino` as a decimal string (64-bit safe). */
  readonly ino: string;
  /** Hex SHA-256 (first 16 bytes) of the first `fingerprintBytes` bytes of the file. */
  readonly fingerprint: string;
  /** How many head bytes were hashed: `min(size, FINGERPRINT_BYTES)` when it was computed. */
  readonly fingerprintBytes: number;
}

/** Persisted position in one file. */
export interface FileCheckpoint extends FileIdentity {
  /** Path the file had when last read (informational; rotation renames it). */
  readonly path: string;
  /** Byte offset up to which every line is acknowledged. */
  readonly offset: number;
}

/** The checkpoint document: every file still being read (a rotated file being finished, then the live one). */
export interface Checkpoint {
  readonly version: 1;
  readonly files: readonly FileCheckpoint[];
}

/**
 * Fingerprint of a file head.
 *
 * @param head - the first bytes of the file; only the first {@link FINGERPRINT_BYTES} are used.
 * @returns `{ fingerprint, fingerprintBytes }`.
 */
export function fingerprintHead(head: Buffer): Pick<FileIdentity, "fingerprint" | "fingerprintBytes"> {
  const used = head.subarray(0, FINGERPRINT_BYTES);
  return {
    fingerprint: createHash("sha256").update(used).digest().subarray(0, 16).toString("hex"),
    fingerprintBytes: used.length,
  };
}

/** What a candidate file is relative to a saved checkpoint. */
export type FileMatch =
  /** Same content (same inode, or a copy/renamed file with the same head): resume at `offset`. */
  | { readonly kind: "same"; readonly offset: number }
  /** Same inode but the head changed or the file shrank below the offset (copytruncate, inode reuse): start at 0. */
  | { readonly kind: "rewritten" }
  /** Unrelated file. */
  | { readonly kind: "different" };

/** A file found on disk, as seen by the tailer. */
export interface FileCandidate {
  readonly dev: string;
  readonly ino: string;
  readonly size: number;
  /** At least the first `saved.fingerprintBytes` bytes of the file (fewer only if the file is shorter). */
  readonly head: Buffer;
}

/**
 * Decides whether `candidate` is the file a checkpoint refers to.
 *
 * Rules: head bytes must hash to the saved fingerprint over the saved length and the file must be at least
 * `offset` long → `same` (even with another inode: the rotated copy of a copytruncate, or a restored file).
 * Otherwise, same dev+inode → `rewritten`; else `different`. A fingerprint over 0 bytes (the file was empty when it
 * was checkpointed) identifies no content — every file starts with nothing — so it is `same` only for the same
 * dev+inode: otherwise a checkpoint taken before Suricata's first write would match the new live file after a
 * rename rotation, and the renamed file would never be read.
 *
 * @param saved - the checkpointed file.
 * @param candidate - a file on disk.
 */
export function matchFile(saved: FileCheckpoint, candidate: FileCandidate): FileMatch {
  const sameInode = saved.dev === candidate.dev && saved.ino === candidate.ino;
  if (saved.fingerprintBytes === 0) return sameInode && candidate.size >= saved.offset ? { kind: "same", offset: saved.offset } : sameInode ? { kind: "rewritten" } : { kind: "different" };
  const headOk =
    candidate.head.length >= saved.fingerprintBytes &&
    fingerprintHead(candidate.head.subarray(0, saved.fingerprintBytes)).fingerprint === saved.fingerprint;
  if (headOk && candidate.size >= saved.offset) return { kind: "same", offset: saved.offset };
  return sameInode ? { kind: "rewritten" } : { kind: "different" };
}

/** Thrown by {@link AckTracker} on misuse (unknown or double-acked ticket, offsets going backwards). */
export class AckTrackerError extends Error {
  override readonly name = "AckTrackerError";
}

/**
 * Tracks acknowledgements of lines in one file and yields the highest offset below which all are acknowledged.
 *
 * Each line (or NUL-separated record) gets a ticket from {@link AckTracker.track} with its end offset and the
 * number of acks it needs (one per event parsed from it; 0 for lines needing none). Memory is proportional to
 * the number of lines in flight; storage is two growable ring arrays, no per-line objects.
 */
export class AckTracker {
  #ends: Float64Array;
  #pending: Int32Array;
  #head = 0; // ticket number at ring start
  #next = 0; // next ticket number
  #committed: number;

  /** @param startOffset - offset already committed (the resume point). */
  constructor(startOffset = 0) {
    this.#committed = startOffset;
    this.#ends = new Float64Array(1024);
    this.#pending = new Int32Array(1024);
  }

  /** Offset up to which every tracked line is acknowledged (the value to persist). */
  get committedOffset(): number {
    return this.#committed;
  }

  /** Lines tracked but not yet fully acknowledged, plus acknowledged lines waiting behind them. */
  get inFlight(): number {
    return this.#next - this.#head;
  }

  /**
   * Registers the next line.
   *
   * @param endOffset - offset just past the line (non-decreasing across calls).
   * @param acksNeeded - acknowledgements required before it counts as done (0 = done now).
   * @returns the ticket to pass to {@link AckTracker.ack}.
   * @throws {AckTrackerError} if `endOffset` is below the previous line's, or `acksNeeded` < 0.
   */
  track(endOffset: number, acksNeeded = 1): number {
    const cap = this.#ends.length;
    const prevEnd = this.#next > this.#head ? (this.#ends[(this.#next - 1) % cap] ?? 0) : this.#committed;
    if (endOffset < prevEnd) throw new AckTrackerError(`endOffset ${endOffset} < previous ${prevEnd}`);
    if (!(acksNeeded >= 0)) throw new AckTrackerError(`acksNeeded must be ≥ 0, got ${acksNeeded}`);
    if (this.#next - this.#head === cap) this.#grow();
    const ticket = this.#next++;
    const slot = ticket % this.#ends.length;
    this.#ends[slot] = endOffset;
    this.#pending[slot] = acksNeeded;
    if (acksNeeded === 0) this.#advance();
    return ticket;
  }

  /**
   * Acknowledges one event of a ticket's line.
   *
   * @throws {AckTrackerError} if the ticket is unknown, already committed, or acked more times than needed.
   */
  ack(ticket: number): void {
    if (!Number.isInteger(ticket) || ticket < this.#head || ticket >= this.#next) {
      throw new AckTrackerError(`unknown or already committed ticket ${ticket}`);
    }
    const slot = ticket % this.#ends.length;
    const left = this.#pending[slot] ?? 0;
    if (left <= 0) throw new AckTrackerError(`ticket ${ticket} acknowledged more often than tracked`);
    this.#pending[slot] = left - 1;
    if (left === 1 && ticket === this.#head) this.#advance();
  }

  #advance(): void {
    const cap = this.#ends.length;
    while (this.#head < this.#next && this.#pending[this.#head % cap] === 0) {
      this.#committed = this.#ends[this.#head % cap] ?? this.#committed;
      this.#head++;
    }
  }

  #grow(): void {
    const cap = this.#ends.length;
    const ends = new Float64Array(cap * 2);
    const pending = new Int32Array(cap * 2);
    for (let t = this.#head; t < this.#next; t++) {
      ends[t % (cap * 2)] = this.#ends[t % cap] ?? 0;
      pending[t % (cap * 2)] = this.#pending[t % cap] ?? 0;
    }
    this.#ends = ends;
    this.#pending = pending;
  }
}

/** Thrown when a persisted checkpoint cannot be read as a {@link Checkpoint}. */
export class CheckpointFormatError extends Error {
  override readonly name = "CheckpointFormatError";
  constructor(
    message: string,
    /** File the checkpoint was read from. */
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * Validates a parsed checkpoint document.
 *
 * @param value - `JSON.parse` output.
 * @param path - for error messages.
 * @throws {CheckpointFormatError} if the shape or any field is wrong.
 */
export function validateCheckpoint(value: unknown, path: string): Checkpoint {
  const v = value as { version?: unknown; files?: unknown };
  if (typeof v !== "object" || v === null || v.version !== 1 || !Array.isArray(v.files)) {
    throw new CheckpointFormatError("expected { version: 1, files: [...] }", path);
  }
  v.files.forEach((f: Record<string, unknown>, i: number) => {
    for (const k of ["path", "dev", "ino", "fingerprint"]) {
      if (typeof f?.[k] !== "string") throw new CheckpointFormatError(`files[${i}].${k} must be a string`, path);
    }
    for (const k of ["offset", "fingerprintBytes"]) {
      const n = f[k];
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
        throw new CheckpointFormatError(`files[${i}].${k} must be a non-negative integer`, path);
      }
    }
  });
  return v as Checkpoint;
}
