/**
 * Full garbage collections paced by input volume (`apps.edgeAgent.memory.collectEvery`).
 *
 * Why: at full speed the agent allocates ~90 MiB/s of short-lived Buffers (256 KiB read chunks, `_bulk` bodies,
 * gzip output). A chunk stays referenced until its events are acknowledged, so it is old by the time it dies and
 * only a full (mark-compact) collection frees it. V8 starts one for external memory only after it grew by about
 * 64 MiB since the last one, and for the old generation only after it grew by a factor of up to 4, so on its own
 * the peak RSS sits ~60–80 MiB above the live data (`pnpm --filter edge-agent bench --mem-breakdown`). A full
 * collection every few MiB of input keeps it near the live data. Each one marks the whole live heap
 * (~25 MiB, mostly the loaded modules), ~30 ms on the benchmark VM, so at full speed it is not free:
 * `maxShare` bounds the wall time spent in them (a due collection waits until the time since the previous one is
 * at least its duration × (1 / maxShare − 1)). At a sensor's usual rates (a few MiB/s) the byte interval binds: a
 * collection every few seconds, ~1 % of a core. Faster, the share binds: a backfill at ~90 MiB/s pays at most
 * `maxShare` and gets less of the benefit. Measured, with the numbers, in the README ("Memory").
 *
 * The collection itself is V8's `gc()` (exposed by `--expose-gc`, which `edge-agent run` passes through its start-up
 * tuning); the entry point hands it in, so this module reads no globals.
 * @module
 */

/** Options of {@link GcPacer}. */
export interface GcPacerOptions {
  /** Input bytes between two collections; a positive integer. */
  readonly everyBytes: number;
  /**
   * Largest fraction of wall time to spend in these collections, in (0, 1]; 1 = no bound. Default 0.02.
   */
  readonly maxShare?: number;
  /** Runs one full, synchronous collection (V8's `gc()`). */
  readonly collect: () => void;
  /** Called after each collection with the time it took, in seconds. */
  readonly onCollected?: (seconds: number) => void;
  /** Monotonic clock in ms. Default `performance.now`. */
  readonly now?: () => number;
}

/** Thrown for a non-positive or non-integer `everyBytes`, or a `maxShare` outside (0, 1]. */
export class GcPacerOptionsError extends Error {
  override readonly name = "GcPacerOptionsError";
}

/** Counts input bytes and runs a full collection each time another `everyBytes` have been read. */
export class GcPacer {
  readonly #every: number;
  readonly #collect: () => void;
  readonly #onCollected: ((seconds: number) => void) | undefined;
  readonly #now: () => number;
  /** Idle time a collection of 1 ms needs before the next one: 1 / maxShare − 1. */
  readonly #spacing: number;
  #since = 0;
  /** When the previous collection ended and how long it took, ms. */
  #lastEnd = Number.NEGATIVE_INFINITY;
  #lastMs = 0;

  /** @throws {GcPacerOptionsError} if `everyBytes` is not a positive integer or `maxShare` is outside (0, 1]. */
  constructor(options: GcPacerOptions) {
    if (!Number.isSafeInteger(options.everyBytes) || options.everyBytes <= 0) {
      throw new GcPacerOptionsError(`everyBytes must be a positive integer, got ${options.everyBytes}`);
    }
    const share = options.maxShare ?? 0.02;
    if (!(share > 0 && share <= 1)) throw new GcPacerOptionsError(`maxShare must be in (0, 1], got ${share}`);
    this.#spacing = 1 / share - 1;
    this.#every = options.everyBytes;
    this.#collect = options.collect;
    this.#onCollected = options.onCollected;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Records `bytes` of input; collects when the running total reached `everyBytes` and the time share allows it
   * (else the next call checks again). At most one collection per call, however large `bytes` is: a collection
   * frees everything dead at once.
   */
  add(bytes: number): void {
    this.#since += bytes;
    if (this.#since < this.#every) return;
    const t0 = this.#now();
    if (t0 - this.#lastEnd < this.#lastMs * this.#spacing) return;
    this.#since = 0;
    this.#collect();
    this.#lastEnd = this.#now();
    this.#lastMs = this.#lastEnd - t0;
    this.#onCollected?.(this.#lastMs / 1000);
  }
}
