/**
 * Options and loss counters of the disk spool (`disk-spool.ts`), in their own module to keep the spool small.
 * @module
 */
import type { SpoolWarning } from "./spool-recovery.js";

/** Options of `DiskSpool.open`. Sizes in bytes. */
export interface DiskSpoolOptions {
  /** Spool directory (created if missing). Config: `buffer.dir`. */
  readonly dir: string;
  /** Bound on live segment bytes. Config: `buffer.maxBytes`. */
  readonly maxBytes: number;
  /** fdatasync segments after each append batch and the ack file after each update. Default `true`. */
  readonly fsync?: boolean;
  /** Segment size at which a new file is started. Default `maxBytes / 16`, clamped to [64 KiB, 64 MiB]. */
  readonly segmentBytes?: number;
  /** Headroom per priority step, as the Batcher's (`admission.ts`). Default 0.1. */
  readonly reserveFraction?: number;
  /** Largest record payload (raw line + metadata); bigger length fields read back are treated as damage. Default 16 MiB. */
  readonly maxRecordBytes?: number;
  /** Bytes read from a segment per read call. Default 1 MiB. */
  readonly readChunkBytes?: number;
  /** Receives repairs on open and damaged frames met while reading (log them, count them). */
  readonly onWarning?: (warning: SpoolWarning) => void;
}

/** Counters of data the spool could not deliver, for metrics (monotonic since open). */
export interface SpoolLoss {
  /**
   * Records lost from the buffer: skipped because their frames were damaged (`corrupt_segment`), or durably appended
   * and unacknowledged when their files vanished (`lost_from_buffer`); each case reported through `onWarning`.
   */
  readonly records: number;
  /** Frame bytes of those records (truncated, skipped or vanished). */
  readonly bytes: number;
  /** Times the spool re-established its files after an IO failure left them uncertain (see `DiskSpool`). */
  readonly resyncs: number;
}
