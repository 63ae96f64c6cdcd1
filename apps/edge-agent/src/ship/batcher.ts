/**
 * Batches events for `_bulk` by count, bytes and age, with three priority lanes.
 *
 * - A batch is ready when the queued events reach `batchMaxEvents` or `batchMaxBytes`, or when the oldest queued
 *   event has waited `flushIntervalMs` (time comes from the `now` argument: no clock inside).
 * - Batches are filled from lane 0 (alerts) first, then 1 (protocol logs), then 2 (flow/stats), so when the
 *   sink is slow, alerts never wait behind flows.
 * - Admission is bounded by `maxBufferedBytes`. Lane 2 is refused above `1 − 2·reserveFraction` of it, lane 1
 *   above `1 − reserveFraction`, lane 0 only when completely full: the headroom is kept for alerts, so lower
 *   priorities are pushed back (to the file or the durable buffer) before alerts ever are. An item is always
 *   accepted into an empty batcher, so one oversized event cannot deadlock the pipeline.
 * - Under a sustained alert flood lower lanes wait; that is the intended trade-off.
 * @module
 */
import type { EventPriority } from "../eve/event-types.js";

/** Options for {@link Batcher}. Defaults suit a Raspberry Pi shipping to one OpenSearch domain. */
export interface BatcherOptions {
  /** Max events per batch. Default 5000. */
  readonly batchMaxEvents?: number;
  /** Max bytes per batch (sum of item sizes; use body bytes). Default 5 MiB. */
  readonly batchMaxBytes?: number;
  /** Max age of the oldest queued event before a partial batch is released, in ms. Default 1000. */
  readonly flushIntervalMs?: number;
  /** Max bytes queued across all lanes. Default 16 MiB. */
  readonly maxBufferedBytes?: number;
  /** Fraction of `maxBufferedBytes` reserved per priority step (see module doc). Default 0.1, range [0, 0.5). */
  readonly reserveFraction?: number;
}

/** Why a batch was released. */
export type BatchReason = "events" | "bytes" | "age" | "forced";

/** A batch of items in send order (lane 0 first), with its byte total. */
export interface Batch<T> {
  readonly items: T[];
  readonly bytes: number;
  readonly reason: BatchReason;
}

/** Thrown on invalid batcher options or arguments. */
export class BatcherOptionsError extends Error {
  override readonly name = "BatcherOptionsError";
}

class Lane<T> {
  items: T[] = [];
  sizes: number[] = [];
  times: number[] = [];
  head = 0;
  bytes = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T, size: number, now: number): void {
    this.items.push(item);
    this.sizes.push(size);
    this.times.push(now);
    this.bytes += size;
  }

  compact(): void {
    if (this.head === this.items.length) {
      // Drained: start over without copying.
      this.items = [];
      this.sizes = [];
      this.times = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

/** Priority batcher; see the module documentation. Not thread-safe (single event loop). */
export class Batcher<T> {
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #interval: number;
  readonly #capacity: number;
  readonly #limits: readonly [number, number, number];
  readonly #lanes: [Lane<T>, Lane<T>, Lane<T>] = [new Lane(), new Lane(), new Lane()];
  #count = 0;
  #bytes = 0;

  /** @throws {BatcherOptionsError} if a limit is not a positive number or `reserveFraction` is outside [0, 0.5). */
  constructor(options: BatcherOptions = {}) {
    this.#maxEvents = options.batchMaxEvents ?? 5000;
    this.#maxBytes = options.batchMaxBytes ?? 5 * 1024 * 1024;
    this.#interval = options.flushIntervalMs ?? 1000;
    this.#capacity = options.maxBufferedBytes ?? 16 * 1024 * 1024;
    const reserve = options.reserveFraction ?? 0.1;
    for (const [k, v] of Object.entries({
      batchMaxEvents: this.#maxEvents,
      batchMaxBytes: this.#maxBytes,
      maxBufferedBytes: this.#capacity,
    })) {
      if (!(v > 0)) throw new BatcherOptionsError(`${k} must be > 0, got ${v}`);
    }
    if (!(this.#interval >= 0)) throw new BatcherOptionsError(`flushIntervalMs must be ≥ 0, got ${this.#interval}`);
    if (!(reserve >= 0 && reserve < 0.5)) throw new BatcherOptionsError(`reserveFraction must be in [0, 0.5), got ${reserve}`);
    this.#limits = [this.#capacity, this.#capacity * (1 - reserve), this.#capacity * (1 - 2 * reserve)];
  }

  /** Events queued. */
  get size(): number {
    return this.#count;
  }

  /** Bytes queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Events queued in one lane. */
  laneSize(priority: EventPriority): number {
    return this.#lanes[priority].length;
  }

  /**
   * Offers one item.
   *
   * @param item - the payload (e.g. `{ index, id, raw, ticket }`).
   * @param bytes - its contribution to the batch body (raw length + action line + newline).
   * @param priority - 0 high (alerts) … 2 low (flow/stats).
   * @param now - current time in ms (any monotonic clock; only differences are used).
   * @returns `true` if queued; `false` if the lane's admission limit is reached — the caller must hold the item and
   *   pause input (backpressure), or divert it to the durable buffer.
   */
  offer(item: T, bytes: number, priority: EventPriority, now: number): boolean {
    if (this.#count > 0 && this.#bytes + bytes > this.#limits[priority]) return false;
    this.#lanes[priority].push(item, bytes, now);
    this.#count++;
    this.#bytes += bytes;
    return true;
  }

  /**
   * Time (same clock as `now`) at which the oldest queued event reaches `flushIntervalMs`, for arming a timer;
   * `undefined` when empty.
   */
  nextFlushAt(): number | undefined {
    let oldest = Infinity;
    for (const lane of this.#lanes) if (lane.length > 0) oldest = Math.min(oldest, lane.times[lane.head] ?? Infinity);
    return oldest === Infinity ? undefined : oldest + this.#interval;
  }

  /**
   * Removes and returns the next batch if one is ready.
   *
   * @param now - current time in ms.
   * @param force - release a partial batch regardless of age (shutdown, `--once` end of input).
   * @returns a batch of at most `batchMaxEvents` items and, unless a single item is larger, at most
   *   `batchMaxBytes`; `undefined` when nothing is ready.
   */
  take(now: number, force = false): Batch<T> | undefined {
    if (this.#count === 0) return undefined;
    let reason: BatchReason;
    if (this.#count >= this.#maxEvents) reason = "events";
    else if (this.#bytes >= this.#maxBytes) reason = "bytes";
    else if (now >= (this.nextFlushAt() ?? Infinity)) reason = "age";
    else if (force) reason = "forced";
    else return undefined;

    const items: T[] = [];
    let bytes = 0;
    for (const lane of this.#lanes) {
      while (lane.length > 0 && items.length < this.#maxEvents) {
        const size = lane.sizes[lane.head] ?? 0;
        if (items.length > 0 && bytes + size > this.#maxBytes) break;
        items.push(lane.items[lane.head] as T);
        lane.items[lane.head] = undefined as T; // release for GC
        lane.head++;
        lane.bytes -= size;
        bytes += size;
      }
      lane.compact();
      if (lane.length > 0) break; // stopped by a limit, not by an empty lane
    }
    this.#count -= items.length;
    this.#bytes -= bytes;
    return { items, bytes, reason };
  }

  /**
   * Removes up to `maxBytes` of the newest items from the lowest non-empty priority lanes (2, then 1; never 0), for
   * diverting to a durable buffer when the sink is down.
   *
   * @returns the removed items, oldest first.
   */
  shedLowPriority(maxBytes: number): T[] {
    const out: T[] = [];
    let shed = 0;
    for (const p of [2, 1] as const) {
      const lane = this.#lanes[p];
      const start = out.length;
      while (lane.length > 0 && shed < maxBytes) {
        const size = lane.sizes.pop() ?? 0;
        lane.times.pop();
        out.push(lane.items.pop() as T);
        lane.bytes -= size;
        shed += size;
        this.#count--;
        this.#bytes -= size;
      }
      out.splice(start, out.length - start, ...out.slice(start).reverse());
      if (shed >= maxBytes) break;
    }
    return out;
  }
}
