/**
 * Full garbage collections paced by memory growth (`apps.edgeAgent.memory.collectEvery`, `collectMaxShare`).
 *
 * Why: the agent allocates a steady stream of short-lived Buffers (256 KiB read chunks, `_bulk` bodies, gzip
 * output). A chunk stays referenced until its events are acknowledged, so it is old by the time it dies and only a
 * full (mark-compact) collection frees it. V8 starts one for external memory only after it grew by about 64 MiB
 * since the last one, and for the old generation only after it grew by a factor of up to 4, so on its own the peak
 * RSS sits ~60–80 MiB above the live data (`pnpm --filter edge-agent bench --mem-breakdown`).
 *
 * What: after each chunk read, the pacer compares the V8 heap in use plus external (Buffer) memory with its lowest
 * value since the last full collection; when it grew by `everyBytes`, it runs one. Each one marks the whole live
 * heap (~25 MiB, mostly the loaded modules): a ~20 ms pause and ~40–60 ms of CPU with V8's parallel marking
 * threads on the benchmark VM, so `maxShare` bounds the CPU they use, as a share of one core (a due collection
 * waits until the wall time since the previous one is at least its CPU time × (1 / maxShare − 1)). And it only
 * collects when that helps: if the input arriving since the previous collection, at its rate, would fill V8's own
 * ~64 MiB external-memory allowance within that wait, V8 collects by itself about as often as the pacer may, so a
 * forced collection would only add cost: it is skipped (counted in `skipped`). At a
 * sensor's usual rates the growth rule binds and RSS stays near the live data; at full speed (a backfill) the pacer
 * stays out of the way. The share counts the collections' own CPU time only: V8 re-growing its heap afterwards costs
 * about twice that again (measured at 10,000 events/s: 7 collections, 0.28 CPU-s in them, ~1 CPU-s in total), which
 * is why `collectEvery` is off by default. Measured in the README ("Memory").
 *
 * The collection itself is V8's `gc()` (exposed by `--expose-gc`, which `edge-agent run` passes through its start-up
 * tuning) and the memory figure comes from `v8.getHeapStatistics()`; the caller (`run/agent.ts`) hands both in,
 * with the clocks, so this module reads no globals.
 * @module
 */

/** Options of {@link GcPacer}. */
export interface GcPacerOptions {
  /** Growth of heap + external memory, in bytes, that makes a collection due; a positive integer. */
  readonly everyBytes: number;
  /** Largest share of one core these collections may use (their CPU time / wall time), in (0, 1]; 1 = no bound. Default 0.02. */
  readonly maxShare?: number;
  /** Runs one full, synchronous collection (V8's `gc()`). */
  readonly collect: () => void;
  /**
   * Bytes the V8 heap uses plus external memory (Buffers): `used_heap_size + external_memory` of
   * `v8.getHeapStatistics()` (https://nodejs.org/api/v8.html#v8getheapstatistics), ~0.4 µs a call.
   */
  readonly heapBytes: () => number;
  /** Called after each collection with the CPU time it took (all threads of the process), in seconds. */
  readonly onCollected?: (cpuSeconds: number) => void;
  /** Monotonic clock in ms (`performance.now`). */
  readonly now: () => number;
  /** CPU time of the process in ms, user + system (`process.cpuUsage()`). */
  readonly cpuMs: () => number;
}

/** Thrown for a non-positive or non-integer `everyBytes`, or a `maxShare` outside (0, 1]. */
export class GcPacerOptionsError extends Error {
  override readonly name = "GcPacerOptionsError";
}

/**
 * V8's external-memory allowance: a full collection starts by itself once external memory (Buffers) grew by this
 * much since the last one (`kExternalAllocationSoftLimit`, v8/src/heap/heap.h).
 */
const V8_EXTERNAL_ALLOWANCE_BYTES = 64 * 1024 * 1024;

/** Runs a full collection when heap + external memory grew by `everyBytes`, within a share of one core. */
export class GcPacer {
  readonly #every: number;
  readonly #collect: () => void;
  readonly #heapBytes: () => number;
  readonly #onCollected: ((seconds: number) => void) | undefined;
  readonly #now: () => number;
  readonly #cpuMs: () => number;
  /** Wall time a collection of 1 CPU-ms needs before the next one: 1 / maxShare − 1. */
  readonly #spacing: number;
  /** Lowest heap + external bytes seen since the last collection. */
  #low: number;
  /** When the previous collection ended (wall clock) and the CPU time it took, ms. */
  #lastEnd = Number.NEGATIVE_INFINITY;
  #lastCpuMs = 0;
  /** Input bytes since the last collection (or skip). */
  #input = 0;
  #skipped = 0;

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
    this.#heapBytes = options.heapBytes;
    this.#onCollected = options.onCollected;
    this.#now = options.now;
    this.#cpuMs = options.cpuMs;
    this.#low = this.#heapBytes();
  }

  /** Due collections skipped because V8 collects about as often by itself at the current input rate. */
  get skipped(): number {
    return this.#skipped;
  }

  /**
   * Checks, after a chunk of `bytes` was read, whether a collection is due (growth reached `everyBytes`, the time
   * share allows it, and it helps: see the module documentation) and runs it. A collection V8 ran by itself lowers
   * the reference point, so it counts too.
   */
  afterRead(bytes: number): void {
    this.#input += bytes;
    const used = this.#heapBytes();
    if (used < this.#low) this.#low = used;
    if (used - this.#low < this.#every) return;
    const t0 = this.#now();
    const since = t0 - this.#lastEnd;
    const wait = this.#lastCpuMs * this.#spacing;
    if (since < wait) return;
    if (since < Number.POSITIVE_INFINITY && (this.#input / since) * wait >= V8_EXTERNAL_ALLOWANCE_BYTES) {
      // Input this fast: V8's own collections come about as often as ours could. Start a new window instead.
      this.#skipped++;
      this.#low = used;
      this.#lastEnd = t0;
      this.#input = 0;
      return;
    }
    this.#input = 0;
    const c0 = this.#cpuMs();
    this.#collect();
    this.#lastCpuMs = this.#cpuMs() - c0;
    this.#lastEnd = this.#now();
    this.#low = this.#heapBytes();
    this.#onCollected?.(this.#lastCpuMs / 1000);
  }
}
