/**
 * The buffering side of the ship-directly ↔ buffer switch: a {@link BatchSink} that appends each batch to the
 * {@link DurableBuffer} and acknowledges its items once the append is durable. The pipeline then lets the input's
 * checkpoint move past them: every event behind a checkpoint is either acknowledged by OpenSearch or durably in the
 * buffer, never only in memory.
 *
 * - **Priority runs.** A batch holds lane 0 (alerts) first, then 1, then 2 (flows/stats). It is appended as runs of
 *   one priority (the buffer's admission headroom is per record priority), at most `chunkRecords` per call, so the
 *   alerts of a batch are admitted even when its flows are refused above 80 % fill.
 * - **Full buffer.** A `BufferFullError` halves the chunk (append what fits); a single record that does not fit waits
 *   for room ({@link BufferSink.notifyRoom} after drainer acknowledgements, or every `retryMs`). While it waits, the
 *   batch stays in flight, the batcher fills and the input stops reading: the tailed file is the last buffer and
 *   nothing is dropped. The full state is logged once per transition and exposed as {@link BufferSink.full}.
 * - **A record larger than the whole buffer** (its size above its priority's limit in an empty buffer, or above the
 *   spool's `maxRecordBytes`: `BufferOptionsError` from `append`) can never be admitted: it is dead-lettered with
 *   reason `buffer_record_too_large` rather than blocking the input forever.
 * - **Other buffer errors** (`SpoolIoError`, `RedisBufferError`) are logged and counted, and the append is retried
 *   with capped exponential backoff; the input pauses meanwhile (nothing is acknowledged that is not durable).
 * - **Shutdown.** When `signal` aborts (the pipeline's stop deadline) the rest of the batch is returned undelivered:
 *   unacknowledged, it is re-read from the file after a restart.
 * @module
 */
import type { Logger } from "pino";
import { BufferFullError, BufferOptionsError, type DurableBuffer } from "../../buffer/index.js";
import type { IngestItem } from "../../pipeline/ingest.js";
import type { DeadLetterSink } from "../dead-letter-file.js";
import type { DeliveryResult } from "../deliver.js";
import type { BatchSink } from "../pipeline.js";
import { bump, type RunStats } from "../stats.js";
import { Wakeup } from "./wakeup.js";

/** Options of {@link BufferSink}. */
export interface BufferSinkOptions {
  readonly buffer: DurableBuffer;
  /** For records that can never fit (`buffer_record_too_large`). */
  readonly deadLetter: DeadLetterSink;
  /** For dead-letter entries. */
  readonly sensorId: string;
  /** Dead-letter counters. */
  readonly stats: RunStats;
  readonly log: Pick<Logger, "info" | "warn" | "error">;
  /** Most records per `append` call. Default 1000. */
  readonly chunkRecords?: number;
  /** Re-check period while waiting for room, and the first retry delay after a buffer error, ms. Default 250. */
  readonly retryMs?: number;
  /** Called after every durable append with the number of records (wakes the drainer). */
  readonly onAppended?: (records: number) => void;
  /** Wall clock for dead-letter entries. Default `() => new Date()`. */
  readonly clock?: () => Date;
}

/** UTF-8 size the buffer's `hasRoom` expects: raw + index + id + event type. */
const recordSize = (it: IngestItem): number => it.raw.length + Buffer.byteLength(it.index) + Buffer.byteLength(it.id) + Buffer.byteLength(it.eventType);

/** See the module documentation. One instance shared by every concurrent delivery of the pipeline. */
export class BufferSink implements BatchSink {
  readonly #o: BufferSinkOptions;
  readonly #room = new Wakeup();
  readonly #chunk: number;
  readonly #retryMs: number;
  #inFlight = 0;
  #started = 0;
  #waiting = 0;
  #fullEpisodes = 0;
  #appended = 0;
  #errors = 0;
  #lastErrorLog = -Infinity;

  /** @param options - see {@link BufferSinkOptions}. */
  constructor(options: BufferSinkOptions) {
    this.#o = options;
    this.#chunk = Math.max(1, Math.floor(options.chunkRecords ?? 1000));
    this.#retryMs = Math.max(1, options.retryMs ?? 250);
  }

  /** Deliveries in progress (appending, or waiting for room). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Deliveries started so far, or `undefined` while one is in progress (see `DrainerOptions.appendMark`). */
  appendMark(): number | undefined {
    return this.#inFlight > 0 ? undefined : this.#started;
  }

  /** `true` while at least one batch waits for room (the buffer refuses its next record). */
  get full(): boolean {
    return this.#waiting > 0;
  }

  /** Times the sink went from having room to waiting for room (one per full episode). */
  get fullEpisodes(): number {
    return this.#fullEpisodes;
  }

  /** Records appended durably so far. */
  get appendedEvents(): number {
    return this.#appended;
  }

  /** Append errors other than "full" (IO, Redis), each followed by a retry. */
  get errors(): number {
    return this.#errors;
  }

  /** Wakes deliveries waiting for room (call after the drainer acknowledged entries). */
  notifyRoom(): void {
    this.#room.wake();
  }

  /** Appends `items` (see the module documentation); never rejects. */
  async deliver(items: readonly IngestItem[], acked: (items: readonly IngestItem[]) => void, signal: AbortSignal): Promise<DeliveryResult<IngestItem>> {
    this.#inFlight++;
    this.#started++;
    try {
      let i = 0;
      let chunk = this.#chunk;
      let errorDelay = this.#retryMs;
      while (i < items.length) {
        if (signal.aborted) return { undelivered: items.slice(i) };
        const first = items[i] as IngestItem;
        let j = i + 1;
        while (j < items.length && j - i < chunk && (items[j] as IngestItem).priority === first.priority) j++;
        const run = items.slice(i, j);
        try {
          await this.#o.buffer.append(run);
        } catch (err) {
          const full = err instanceof BufferFullError;
          // BufferOptionsError from append: a record can never fit (above its limit in an empty buffer, or too large).
          if (!full && !(err instanceof BufferOptionsError)) {
            this.#error(err, run.length);
            await this.#room.wait(errorDelay, signal);
            errorDelay = Math.min(errorDelay * 2, 5000);
            continue;
          }
          if (run.length > 1) {
            chunk = Math.max(1, Math.floor(run.length / 2)); // append what fits before waiting; isolate a misfit
            continue;
          }
          if (!full || err.requested > err.limit) {
            const fatal = await this.#tooLarge(first, err, acked);
            if (fatal) return { undelivered: items.slice(i), fatal };
            i++;
            continue;
          }
          await this.#waitForRoom(first, signal);
          continue;
        }
        errorDelay = this.#retryMs;
        chunk = this.#chunk;
        this.#appended += run.length;
        acked(run);
        this.#o.onAppended?.(run.length);
        i = j;
      }
      return { undelivered: [] };
    } finally {
      this.#inFlight--;
    }
  }

  async #waitForRoom(item: IngestItem, signal: AbortSignal): Promise<void> {
    const o = this.#o;
    if (this.#waiting++ === 0) {
      this.#fullEpisodes++;
      const st = o.buffer.stats();
      o.log.warn({ priority: item.priority, fill: st.fill, depthEvents: st.depthEvents, capacity: st.capacity, unit: st.unit }, "durable buffer full: holding batches, reading pauses until it drains");
    }
    try {
      const size = recordSize(item);
      while (!signal.aborted && !o.buffer.hasRoom(size, item.priority)) await this.#room.wait(this.#retryMs, signal);
    } finally {
      if (--this.#waiting === 0) o.log.info({ fill: o.buffer.stats().fill }, "durable buffer has room again: appending resumes");
    }
  }

  #error(err: unknown, records: number): void {
    this.#errors++;
    const now = performance.now();
    if (now - this.#lastErrorLog < 10_000) return; // counted every time, logged at most every 10 s
    this.#lastErrorLog = now;
    this.#o.log.error({ err, records, errors: this.#errors }, "durable buffer append failed: retrying, reading pauses meanwhile");
  }

  /** Dead-letters a record that can never be admitted; returns a fatal description if the file cannot be written. */
  async #tooLarge(item: IngestItem, err: Error, acked: (items: readonly IngestItem[]) => void): Promise<{ status: number; reason: string } | undefined> {
    const o = this.#o;
    try {
      await o.deadLetter.write([
        {
          time: (o.clock ?? (() => new Date()))().toISOString(),
          sensorId: o.sensorId,
          stage: "index",
          reason: "buffer_record_too_large",
          detail: err.message,
          file: item.progress.file.path,
          index: item.index,
          id: item.id,
          raw: item.raw,
        },
      ]);
    } catch (e) {
      o.log.error({ err: e }, "cannot write the dead-letter file: shipping stops");
      return { status: 0, reason: `dead-letter file: ${(e as Error).message}` };
    }
    o.log.error({ id: item.id, bytes: recordSize(item), err: err.message }, "event larger than the whole durable buffer: dead-lettered");
    bump(o.stats.deadLetteredByReason, "buffer_record_too_large");
    bump(o.stats.deadLetteredByType, item.eventType);
    acked([item]);
    return undefined;
  }
}
