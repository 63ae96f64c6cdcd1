/**
 * The ship-directly ↔ durable-buffer switch behind the pipeline's `sink()` seam.
 *
 * Modes:
 * - `buffer` (the starting mode): every batch goes to the {@link BufferSink}; the drainer empties the buffer into
 *   OpenSearch in order when it is reachable.
 * - `direct`: batches go to the direct deliverer.
 *
 * Order per lane is kept across switches:
 * - **buffer → direct** ({@link ShippingRouter.toDirect}, called by the drainer once it caught up): new batches are
 *   routed directly but held at a *barrier* until the drainer has shipped the last appends that were still in
 *   progress ({@link ShippingRouter.releaseBarrier}), so no new event overtakes a buffered one.
 * - **direct → buffer** ({@link ShippingRouter.toBuffer}, on `offline` or shutdown): new batches are appended to the
 *   buffer, and in-flight direct deliveries are cut short (their request and backoff aborted): the items OpenSearch
 *   had not acknowledged are appended to the buffer, and the rest is acknowledged as before. A request aborted
 *   after OpenSearch indexed it is replayed from the buffer later with the same deterministic `_id`, so the replay
 *   overwrites the same document (exactly once by `_id`).
 * @module
 */
import type { Logger } from "pino";
import type { IngestItem } from "../../pipeline/ingest.js";
import type { DeliveryResult } from "../deliver.js";
import type { BatchSink } from "../pipeline.js";

/** Where new batches go. */
export type ShippingMode = "direct" | "buffer";

/** Options of {@link ShippingRouter}. */
export interface ShippingRouterOptions {
  /** The direct deliverer (per-item retry, dead-letter). */
  readonly direct: BatchSink;
  /** The durable buffer sink. */
  readonly buffer: BatchSink;
  readonly log: Pick<Logger, "info" | "warn">;
}

/** See the module documentation. */
export class ShippingRouter {
  readonly #o: ShippingRouterOptions;
  readonly #directSink: BatchSink;
  readonly #diverts = new Set<AbortController>();
  #mode: ShippingMode = "buffer";
  #barrier: { promise: Promise<void>; release: () => void } | undefined;
  #diverted = 0;
  #switches = 0;

  /** @param options - see {@link ShippingRouterOptions}. */
  constructor(options: ShippingRouterOptions) {
    this.#o = options;
    this.#directSink = { deliver: (items, acked, signal) => this.#deliverDirect(items, acked, signal) };
  }

  /** Current mode. */
  get mode(): ShippingMode {
    return this.#mode;
  }

  /** `true` while direct batches wait for the buffer's last entries to be drained. */
  get holding(): boolean {
    return this.#barrier !== undefined;
  }

  /** Items moved from cut-short direct deliveries into the buffer. */
  get diverted(): number {
    return this.#diverted;
  }

  /** Mode switches so far. */
  get switches(): number {
    return this.#switches;
  }

  /** The sink for the next batch (the pipeline's `sink` option). */
  sink(): BatchSink {
    return this.#mode === "direct" ? this.#directSink : this.#o.buffer;
  }

  /**
   * Routes new batches to the buffer and diverts the unacknowledged rest of every in-flight direct delivery into it.
   *
   * @param reason - for the log line.
   */
  toBuffer(reason: string): void {
    const wasDirect = this.#mode === "direct";
    this.#mode = "buffer";
    this.#barrier = undefined; // held batches are diverted below (their controllers are in #diverts)
    for (const c of this.#diverts) c.abort();
    if (wasDirect) {
      this.#switches++;
      this.#o.log.warn({ reason, diverting: this.#diverts.size }, "OpenSearch unreachable: buffering");
    }
  }

  /** Routes new batches directly, held until {@link ShippingRouter.releaseBarrier}. No-op in `direct` mode. */
  toDirect(): void {
    if (this.#mode === "direct") return;
    this.#mode = "direct";
    this.#switches++;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.#barrier = { promise, release };
    this.#o.log.info("durable buffer drained: shipping directly");
  }

  /** Lets held direct batches go (the buffer is empty and no append is in progress). */
  releaseBarrier(): void {
    const b = this.#barrier;
    this.#barrier = undefined;
    b?.release();
  }

  async #deliverDirect(items: readonly IngestItem[], acked: (items: readonly IngestItem[]) => void, signal: AbortSignal): Promise<DeliveryResult<IngestItem>> {
    const divert = new AbortController();
    const onAbort = (): void => divert.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    this.#diverts.add(divert);
    let res: DeliveryResult<IngestItem>;
    try {
      const barrier = this.#barrier?.promise;
      if (barrier) await raceAbort(barrier, divert.signal);
      res = divert.signal.aborted ? { undelivered: [...items] } : await this.#o.direct.deliver(items, acked, divert.signal);
    } finally {
      this.#diverts.delete(divert);
      signal.removeEventListener("abort", onAbort);
    }
    if (!divert.signal.aborted || signal.aborted || res.fatal || res.undelivered.length === 0) return res;
    this.#diverted += res.undelivered.length;
    return this.#o.buffer.deliver(res.undelivered, acked, signal);
  }
}

/** Resolves when `p` resolves or `signal` aborts. */
function raceAbort(p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    void p.then(done);
  });
}
