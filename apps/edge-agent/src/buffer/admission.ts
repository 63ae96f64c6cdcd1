/**
 * Priority-aware admission for the durable buffer (pure: no IO, no clock).
 *
 * Same rule as the `Batcher`'s `reserveFraction` (src/ship/batcher.ts): with capacity `C` and reserve `r`,
 * priority 2 (flow/stats) is admitted while the space in use stays ≤ `C·(1 − 2r)`, priority 1 ≤ `C·(1 − r)`,
 * priority 0 (alerts) ≤ `C`. The top `2r` of the buffer is therefore kept for more important events: as the buffer
 * fills, flows/stats are refused first, then protocol logs, and alerts only when nothing at all fits.
 * @module
 */
import type { EventPriority } from "../eve/event-types.js";
import { BufferOptionsError } from "./errors.js";

/** Why a batch was refused by {@link Admission.check}. */
export interface AdmissionRefusal {
  /** Index in the batch of the first record that did not fit. */
  readonly position: number;
  readonly priority: EventPriority;
  /** Admission limit of that priority (same unit as the sizes). */
  readonly limit: number;
  /** The record alone exceeds its limit even in an empty buffer: it can never be admitted. */
  readonly never: boolean;
}

/** Admission limits for one buffer; see the module documentation. Immutable. */
export class Admission {
  /** Capacity in the buffer's unit (bytes or events). */
  readonly capacity: number;
  readonly #limits: readonly [number, number, number];

  /**
   * @param capacity - total space, > 0 (bytes for the disk spool, entries for Redis).
   * @param reserveFraction - share of capacity reserved per priority step, in [0, 0.5). Default 0.1.
   * @throws {BufferOptionsError} on a non-positive capacity or a reserve outside [0, 0.5).
   */
  constructor(capacity: number, reserveFraction = 0.1) {
    if (!(capacity > 0) || !Number.isFinite(capacity)) throw new BufferOptionsError(`capacity must be > 0, got ${capacity}`);
    if (!(reserveFraction >= 0 && reserveFraction < 0.5)) {
      throw new BufferOptionsError(`reserveFraction must be in [0, 0.5), got ${reserveFraction}`);
    }
    this.capacity = capacity;
    this.#limits = [capacity, Math.floor(capacity * (1 - reserveFraction)), Math.floor(capacity * (1 - 2 * reserveFraction))];
  }

  /** Highest space in use after admitting a record of `priority`. */
  limit(priority: EventPriority): number {
    return this.#limits[priority];
  }

  /**
   * Checks a whole batch in order: record `i` fits when `used + sizes[0..i]` ≤ `limit(priorities[i])`.
   *
   * @param used - space in use before the batch.
   * @param sizes - size of each record, in the capacity's unit.
   * @param priorities - priority of each record (same length as `sizes`).
   * @returns `undefined` when every record fits, else the first refusal.
   */
  check(used: number, sizes: ArrayLike<number>, priorities: ArrayLike<EventPriority>): AdmissionRefusal | undefined {
    let total = used;
    for (let i = 0; i < sizes.length; i++) {
      const size = sizes[i] ?? 0;
      const priority = priorities[i] ?? 0;
      total += size;
      const limit = this.#limits[priority];
      if (total > limit) return { position: i, priority, limit, never: size > limit };
    }
    return undefined;
  }

  /** `true` when a record of `size` at `priority` fits on top of `used`. */
  admits(used: number, size: number, priority: EventPriority): boolean {
    return used + size <= this.#limits[priority];
  }

  /**
   * Most important priority refused for a record of `probe` size, or `null` when all are admitted.
   *
   * @param used - space in use.
   * @param probe - size of the smallest record worth considering (1 for entries; a frame header for bytes).
   */
  refusing(used: number, probe: number): EventPriority | null {
    if (!this.admits(used, probe, 2)) {
      if (!this.admits(used, probe, 1)) return this.admits(used, probe, 0) ? 1 : 0;
      return 2;
    }
    return null;
  }
}
