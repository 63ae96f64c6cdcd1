/**
 * The tailer's side of read-buffer reuse (./read-buffers.ts): which buffers go back to the pool, and the wait while
 * too many bytes are handed over and unacknowledged.
 * @module
 */
import type { HandoverWindow, ReadBufferPool, ReadBufferPoolStats } from "./read-buffers.js";
import { identityKey, sleepOrWake, type TailedFile } from "./tailer-fs.js";

/**
 * Read-buffer reuse (see ./read-buffers.ts). The consumer must hold no view of a file's bytes before the offset
 * `ackedOffset` reports for it (its acknowledged checkpoint offset): buffers entirely before it are overwritten by
 * later reads.
 */
export interface TailerReuseOptions {
  /**
   * Offset of `file` before which every byte is acknowledged and no longer referenced, or `undefined` when the
   * consumer has not acknowledged anything of it. Called before each read while buffers of `file` are held.
   */
  readonly ackedOffset: (file: TailedFile) => number | undefined;
  /** Most free buffers kept for reuse. Default 64 (16 MiB at the default `readChunkBytes`). */
  readonly maxIdleBuffers?: number;
  /**
   * Reading waits while the read buffers handed over and not yet acknowledged exceed this many bytes (checked every
   * {@link HELD_POLL_MS} ms or on a file-system wake-up). Default: no bound beyond the consumer's own backpressure.
   */
  readonly maxHeldBytes?: number;
  /** Receives the pool's counters when the tailer ends (for a log line or a metric). */
  readonly onEnd?: (stats: ReadBufferPoolStats & { readonly heldBytes: number }) => void;
}

/** How often a reader above `reuse.maxHeldBytes` checks the acknowledged offsets again, ms. */
export const HELD_POLL_MS = 5;

/** The tailer's reuse state. */
export interface Reuse {
  readonly options: TailerReuseOptions;
  readonly pool: ReadBufferPool;
  readonly window: HandoverWindow;
  /** The file of each key held in `window`. */
  readonly files: Map<string, TailedFile>;
}

/** Returns the buffers the consumer has acknowledged past to the pool. */
export function recycle(r: Reuse): void {
  for (const key of r.window.keys()) {
    const file = r.files.get(key);
    const acked = file === undefined ? undefined : r.options.ackedOffset(file);
    if (acked !== undefined) for (const b of r.window.release(key, acked)) r.pool.release(b);
    if (!r.window.holds(key)) r.files.delete(key);
  }
}

/** Stops holding the buffers of `file` (closed, truncated or re-identified): they are left to the garbage collector. */
export function forgetFile(r: Reuse | undefined, file: TailedFile): void {
  if (r === undefined) return;
  const key = identityKey(file);
  recycle(r);
  r.window.forget(key);
  r.files.delete(key);
}

/** Waits while more than `maxHeldBytes` are handed over and unacknowledged (backpressure from the acks). */
export async function waitForAcks(r: Reuse, signal: AbortSignal | undefined, wakers: Set<() => void>): Promise<void> {
  recycle(r);
  const max = r.options.maxHeldBytes;
  if (max === undefined) return;
  while (r.window.bytes > max && !signal?.aborted) {
    await sleepOrWake(HELD_POLL_MS, signal, wakers);
    recycle(r);
  }
}

