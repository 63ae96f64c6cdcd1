/**
 * Drains the durable buffer into OpenSearch, in order, one `_bulk` batch at a time:
 * `read` → `BulkDeliverer.deliver` (builds the body with `buildBulkBody`, per-item retry with backoff, dead-letter
 * of refused items) → `ack` of exactly the entries that were acknowledged by OpenSearch or dead-lettered. For the
 * Redis buffer the ack is `XACK`+`XDEL`, sent only after the `_bulk` response said those items succeeded.
 *
 * - Runs only while `canDrain()` (index setup done and OpenSearch reachable); otherwise it waits, polling every
 *   `pollMs` or until {@link Drainer.wake}.
 * - {@link Drainer.interrupt} (OpenSearch went offline) aborts the delivery in progress; its unacknowledged entries
 *   are made readable again with `rewind()` and sent first when draining resumes. A replay of entries that were in
 *   fact indexed before the abort overwrites the same documents (deterministic `_id`).
 * - Sequential on purpose: one batch in flight keeps the buffer's order in OpenSearch.
 * - When a read finds nothing new it calls `onCaughtUp(quiet)`, `quiet` being whether no append was in progress or
 *   started around that read (so everything appended was read and acknowledged): the plan uses it to switch back
 *   to shipping directly.
 * - `run` rejects on buffer errors (Redis or spool IO), so a supervisor restarts it; each run starts with a
 *   `rewind()`. A fatal `_bulk` answer (401/403/400/404) is reported through `onFatal` and ends the run.
 * @module
 */
import type { Logger } from "pino";
import type { BufferEntry, DurableBuffer } from "../../buffer/index.js";
import type { BulkDeliverer } from "../deliver.js";
import { AckChain } from "./ack-chain.js";
import { Wakeup } from "./wakeup.js";

/** Options of {@link Drainer}. */
export interface DrainerOptions {
  readonly buffer: DurableBuffer;
  /** Over the (observed) `_bulk` transport, `onExhausted: "dead-letter"` in daemon mode. */
  readonly deliverer: BulkDeliverer<BufferEntry>;
  /** Whether draining may run now (index setup done, OpenSearch reachable). */
  readonly canDrain: () => boolean;
  /**
   * Appends started so far, or `undefined` while one is in progress (`BufferSink.appendMark`). The same number
   * before and after a read means no append happened around it.
   */
  readonly appendMark: () => number | undefined;
  /** Called when a read found nothing new; `quiet`: no append was in progress or started around that read. */
  readonly onCaughtUp?: (quiet: boolean) => void;
  /** Called after entries were acknowledged (frees room: wake appenders waiting for it). */
  readonly onAcked?: (entries: number) => void;
  /** Called with a fatal `_bulk` answer; the run then ends. */
  readonly onFatal: (fatal: { readonly status: number; readonly reason: string }) => void;
  /** Entries per `_bulk` request (config `shipper.batchMaxEvents`). */
  readonly batchMaxEvents: number;
  /** Cap on the raw bytes per request (config `shipper.batchMaxBytes`). */
  readonly batchMaxBytes: number;
  /** Wait between checks while draining cannot run or the buffer is empty, ms. Default 200. */
  readonly pollMs?: number;
  /** Wait between checks while nothing is expected (shipping directly), ms. Default 5000. */
  readonly idlePollMs?: number;
  /** Whether the plan ships directly with nothing held (the long idle poll applies). */
  readonly idle?: () => boolean;
  readonly log: Pick<Logger, "info" | "warn" | "debug">;
}

/** See the module documentation. */
export class Drainer {
  readonly #o: DrainerOptions;
  readonly #wake = new Wakeup();
  #current: AbortController | undefined;
  #drained = 0;
  #batches = 0;
  #interrupts = 0;

  /** @param options - see {@link DrainerOptions}. */
  constructor(options: DrainerOptions) {
    this.#o = options;
  }

  /** Entries acknowledged (shipped or dead-lettered) and removed from the buffer so far. */
  get drainedEvents(): number {
    return this.#drained;
  }

  /** `_bulk` batches drained so far. */
  get batches(): number {
    return this.#batches;
  }

  /** Deliveries cut short by {@link Drainer.interrupt}. */
  get interrupts(): number {
    return this.#interrupts;
  }

  /** Re-checks at once (data appended, index setup done, OpenSearch reachable again). */
  wake(): void {
    this.#wake.wake();
  }

  /** Aborts the delivery in progress (OpenSearch went offline); its entries are rewound and sent again later. */
  interrupt(): void {
    if (this.#current && !this.#current.signal.aborted) {
      this.#interrupts++;
      this.#current.abort();
    }
    this.#wake.wake();
  }

  /**
   * Drains until `signal` aborts (resolves) or a fatal answer (resolves after `onFatal`).
   *
   * @throws the buffer's errors (`RedisBufferError`, `SpoolIoError`, `BufferClosedError`) from read/ack/rewind.
   */
  async run(signal: AbortSignal): Promise<void> {
    const o = this.#o;
    const poll = o.pollMs ?? 200;
    await o.buffer.rewind();
    while (!signal.aborted) {
      if (!o.canDrain()) {
        await this.#wake.wait(poll, signal);
        continue;
      }
      const mark = o.appendMark();
      const entries = await o.buffer.read(o.batchMaxEvents, o.batchMaxBytes);
      if (entries.length === 0) {
        o.onCaughtUp?.(mark !== undefined && mark === o.appendMark());
        await this.#wake.wait(o.idle?.() ? (o.idlePollMs ?? 5000) : poll, signal);
        continue;
      }
      const fatal = await this.#drain(entries, signal);
      if (fatal) {
        o.onFatal(fatal);
        return;
      }
    }
  }

  /** Delivers one batch and acknowledges what was done; rewinds when some entries remain. */
  async #drain(entries: BufferEntry[], signal: AbortSignal): Promise<{ status: number; reason: string } | undefined> {
    const o = this.#o;
    const current = new AbortController();
    const onAbort = (): void => current.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    this.#current = current;
    // A failed ack cuts the rest of the batch short; settled() rethrows it below.
    const acks = new AckChain(o.buffer, () => current.abort());
    let acked = 0;
    let res;
    try {
      res = await o.deliverer.deliver(
        entries,
        (done) => {
          acked += done.length;
          acks.push(done);
        },
        current.signal,
      );
    } finally {
      this.#current = undefined;
      signal.removeEventListener("abort", onAbort);
    }
    // A failed ack: the supervisor logs it, counts the restart and restarts the drainer, which rewinds (replay = overwrite).
    await acks.settled();
    this.#batches++;
    if (acked > 0) {
      this.#drained += acked;
      o.onAcked?.(acked);
    }
    if (res.undelivered.length > 0) {
      o.log.debug({ undelivered: res.undelivered.length, interrupted: current.signal.aborted }, "drain batch cut short: entries rewound");
      await o.buffer.rewind();
    }
    return res.fatal;
  }
}
