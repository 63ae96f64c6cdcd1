/**
 * The durable bounded buffer that holds events while OpenSearch is unreachable, and its contract.
 *
 * Implementations: `DiskSpool` (`disk-spool.ts`: checksummed segment files, no dependency) and
 * `RedisStreamBuffer` (`redis-stream.ts`: a Redis Stream read through a consumer group, see
 * https://redis.io/docs/latest/develop/data-types/streams/).
 *
 * Contract shared by every implementation:
 * - **Durable append.** `append(records)` resolves only once every record is durable (fsynced spool segment, or
 *   accepted by the Redis server, whose own persistence settings then apply). It is all-or-nothing for admission:
 *   either every record is admitted or it rejects with `BufferFullError` and nothing is written.
 * - **Bounded, never silently lossy.** When a record does not fit, `append` rejects with `BufferFullError`; the
 *   caller must hold the records and stop reading its input (the tailed file is the last buffer). Nothing already
 *   admitted is ever dropped to make room (Redis `MAXLEN` is only a safety net that the buffer never reaches).
 * - **Priority headroom.** Admission mirrors the `Batcher`'s `reserveFraction`: priority 2 (flow, netflow, stats)
 *   is refused above `1 − 2·reserveFraction` of capacity, priority 1 above `1 − reserveFraction`, priority 0
 *   (alert, drop, anomaly) only when completely full. Alerts are therefore never refused while flows/stats are
 *   still admitted. Append one priority per call (e.g. per Batcher lane) to let alerts through when flows are full.
 * - **Order.** `read` hands out entries in append order. Each entry is handed out once per instance (a delivery
 *   cursor, so several batches can be in flight) until `rewind()` or a reopen.
 * - **At-least-once.** An entry stays in the buffer until `ack` names its handle; acks may arrive in any order.
 *   A crash between a successful `_bulk` and `ack` re-delivers the entry after restart: harmless because the
 *   document `_id` is deterministic (`DocumentIdGenerator`), so the replay overwrites the same document.
 * @module
 */
import type { EventPriority } from "../eve/event-types.js";
import type { BulkDoc } from "../ship/bulk.js";

/**
 * One buffered event: everything the shipper needs to rebuild its `_bulk` lines without re-parsing.
 *
 * It is a {@link BulkDoc} (`index`, `id`, `raw`), so entries can be passed straight to `buildBulkBody`, plus the
 * event type and priority. An `IngestItem` from the pipeline is assignable to it.
 */
export interface BufferRecord extends BulkDoc {
  /** Suricata `event_type` (for per-type metrics after draining). */
  readonly eventType: string;
  /** Shipping priority (`EventPriority`: 0 alerts … 2 flow/stats); decides admission headroom. */
  readonly priority: EventPriority;
}

declare const handleBrand: unique symbol;

/**
 * Opaque identifier of one buffered entry, valid for `ack` on the instance that returned it (and, for the Redis
 * implementation, on any instance of the same stream and group). Do not construct or inspect it.
 */
export type BufferHandle = { readonly [handleBrand]: true };

/** A record read back from the buffer, with the handle to acknowledge it. */
export interface BufferEntry extends BufferRecord {
  readonly handle: BufferHandle;
}

/** A point-in-time view of the buffer for metrics and logs. Sizes in bytes, counts in events. */
export interface BufferStats {
  /** Unit in which `capacity`, `fill` and admission limits are measured. Disk: bytes; Redis: entries. */
  readonly unit: "bytes" | "events";
  /** Entries appended and not yet acknowledged. */
  readonly depthEvents: number;
  /**
   * Bytes of unacknowledged entries: encoded frame bytes for the disk spool, `raw` + metadata bytes for Redis
   * (not Redis memory use, which has per-entry overhead).
   */
  readonly depthBytes: number;
  /** Capacity in `unit` (disk: `maxBytes`; Redis: `maxLen`). */
  readonly capacity: number;
  /**
   * Space in use in `unit` that counts against `capacity`. Disk: bytes of live segment files, which includes
   * acknowledged entries not yet reclaimed (reclaimed a whole segment at a time); Redis: stream length.
   */
  readonly used: number;
  /** `used / capacity`, in [0, 1]. */
  readonly fill: number;
  /** Highest `fill` seen since the buffer was opened (for a gauge and for sizing). */
  readonly highWater: number;
  /**
   * Most important priority currently refused for a typical record (1 entry; for bytes, the average record size
   * appended so far), or `null` when every priority is admitted: 2 means flows/stats are refused, 1 means protocol
   * logs too, 0 means the buffer is full (`full`).
   */
  readonly refusing: EventPriority | null;
  /** `true` when even priority 0 is refused (no room for one more typical event). */
  readonly full: boolean;
}

/** The durable bounded buffer. Not safe for use by two processes on the same storage at once. */
export interface DurableBuffer {
  /**
   * Appends records in order; resolves once all of them are durable.
   *
   * @param records - records to append (may mix priorities; see `BufferFullError` for admission).
   * @throws {BufferFullError} (rejection) when a record does not fit under its priority's limit; nothing was
   *   appended. Retry after `ack` frees room.
   * @throws {BufferClosedError} after `close()`.
   * @throws an implementation IO error (`SpoolIoError`, `RedisBufferError`) carrying the path/stream and operation.
   */
  append(records: readonly BufferRecord[]): Promise<void>;

  /**
   * `true` if a record of `bytes` (UTF-8 bytes of `raw` + `index` + `id` + `eventType`) at `priority` would be
   * admitted now. Synchronous and advisory: lets the caller stop reading before building records.
   */
  hasRoom(bytes: number, priority: EventPriority): boolean;

  /**
   * Hands out the oldest entries not yet handed out by this instance, in append order.
   *
   * @param max - maximum number of entries (≥ 1).
   * @param maxBytes - optional cap on the sum of `raw` lengths; at least one entry is returned if any is available.
   * @returns up to `max` entries; empty when everything durable has been handed out. Never blocks for new data.
   */
  read(max: number, maxBytes?: number): Promise<BufferEntry[]>;

  /**
   * Acknowledges entries after their `_bulk` items succeeded (or were dead-lettered). Any order; unknown or
   * repeated handles are ignored. Frees room once the acknowledgement is durable.
   */
  ack(handles: readonly BufferHandle[]): Promise<void>;

  /** Makes every unacknowledged entry available to `read` again, oldest first (e.g. after dropping in-flight batches). */
  rewind(): Promise<void>;

  /** Current depth, capacity and fill; see {@link BufferStats}. */
  stats(): BufferStats;

  /** Waits for pending writes, releases files/connections. Further calls reject with `BufferClosedError`. Idempotent. */
  close(): Promise<void>;
}
