/**
 * Typed errors of the durable buffer. Every error carries the context needed to act on it (priority and sizes for
 * a full buffer, path and operation for IO, stream and command for Redis); the underlying error is in `cause`.
 * @module
 */
import type { EventPriority } from "../eve/event-types.js";

/** Base class of every buffer error (`instanceof BufferError` catches them all). */
export class BufferError extends Error {
  override readonly name: string = "BufferError";
}

/**
 * Rejection of `append` when a record does not fit under its priority's admission limit. Nothing of the rejected
 * call was appended. The caller keeps the records, pauses its input and retries after acknowledgements free room.
 */
export class BufferFullError extends BufferError {
  override readonly name = "BufferFullError";
  constructor(
    /** Priority of the first record that did not fit. */
    readonly priority: EventPriority,
    /** Space the whole call needed, in `unit`. */
    readonly requested: number,
    /** Space in use (plus writes queued ahead of this call), in `unit`. */
    readonly used: number,
    /** Admission limit of `priority`, in `unit`. */
    readonly limit: number,
    /** Unit of the three numbers above. */
    readonly unit: "bytes" | "events",
  ) {
    super(`buffer full for priority ${priority}: ${used} + ${requested} ${unit} would exceed its limit ${limit}`);
  }
}

/** A call on a buffer after `close()`. */
export class BufferClosedError extends BufferError {
  override readonly name = "BufferClosedError";
  constructor(operation: string) {
    super(`buffer is closed (${operation})`);
  }
}

/** Invalid options or arguments (bad sizes, a record larger than the buffer can ever hold). */
export class BufferOptionsError extends BufferError {
  override readonly name: string = "BufferOptionsError";
}

/**
 * A file-system operation of the disk spool failed. A failed append is taken back (see `DiskSpool`) and may be
 * retried. If that cannot be done either, or a path of the spool vanished, the next `append`, `read` or `rewind`
 * first re-establishes the spool's files (operation `recover` when that fails; it is tried again on the next call):
 * no reopen is needed.
 */
export class SpoolIoError extends BufferError {
  override readonly name = "SpoolIoError";
  constructor(
    /** What the spool was doing: `open`, `append`, `fsync`, `read`, `ack`, `unlink`, `recover`, `close`. */
    readonly operation: string,
    /** The file or directory involved. */
    readonly path: string,
    cause: unknown,
  ) {
    super(`spool ${operation} failed on ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A Redis command of the stream buffer failed (connection refused/lost, retries exhausted, server error). */
export class RedisBufferError extends BufferError {
  override readonly name = "RedisBufferError";
  constructor(
    /** What the buffer was doing: `connect`, `group`, `append`, `read`, `claim`, `ack`, `close`. */
    readonly operation: string,
    /** The stream key. */
    readonly stream: string,
    cause: unknown,
  ) {
    super(`redis buffer ${operation} on stream ${stream} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}
