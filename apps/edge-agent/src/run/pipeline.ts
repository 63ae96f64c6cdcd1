/**
 * The run loop: inputs → `Ingestor` → `Batcher` → N concurrent batch deliveries → acknowledgements → checkpoints.
 *
 * - **Backpressure**: `feed` admits each item to the batcher; when a lane is full it waits for a batch to be taken,
 *   so the input stops reading (alerts keep their headroom: see `Batcher`). `inputPaused` says so.
 * - **Dispatch**: a batch is taken when it is ready (count, bytes or age) and fewer than `concurrency` deliveries run.
 * - **Acknowledgement**: the sink calls back with done items; their lines are acked in their `Ingestor`, and a timer
 *   persists each input's checkpoint (only acknowledged prefixes: `Ingestor.checkpoint`).
 * - **Malformed lines** go to the dead-letter file before their lines are acked.
 * - **Shutdown**: `stop` aborts reading, the batcher is flushed, in-flight deliveries get `shutdownTimeoutMs`; then
 *   they are aborted (their items stay behind the checkpoint and are re-read on restart), checkpoints are written.
 *   With `once`, the run ends by itself when every input reached its end and every batch settled.
 * - **Fatal** (401/403, dead-letter write failure, input error): reading and delivery stop, checkpoints are written.
 *
 * Seams for the durable buffer and the supervisor: `sink` is consulted per batch (ship directly, or append to a
 * buffer and ack once durable), `gate` throttles reads, `setConcurrency` changes the number of senders.
 * @module
 */
import type { Logger } from "pino";
import type { TailEvent } from "../input/tailer.js";
import type { FileProgress, IngestItem, Ingestor, MalformedRecord } from "../pipeline/ingest.js";
import type { Batch, Batcher } from "../ship/batcher.js";
import type { DeadLetterEntry } from "../ship/dead-letter.js";
import type { DeadLetterSink } from "./dead-letter-file.js";
import type { DeliveryResult } from "./deliver.js";
import type { InputSource } from "./source.js";
import { bump, type RunStats } from "./stats.js";

/** Where batches go. `BulkDeliverer` ships directly; a durable-buffer sink appends and acks once durable. */
export interface BatchSink {
  /**
   * Delivers one batch; calls `acked` with items as they are done; never rejects for delivery failures.
   *
   * @param signal - aborted at the shutdown deadline or on a fatal error.
   */
  deliver(items: readonly IngestItem[], acked: (items: readonly IngestItem[]) => void, signal: AbortSignal): Promise<DeliveryResult<IngestItem>>;
}

/** Options of {@link Pipeline}. */
export interface PipelineOptions {
  readonly sources: readonly InputSource[];
  /** From `Core.createBatcher()`. */
  readonly batcher: Batcher<IngestItem>;
  /** Chooses the sink for the next batch (the ship-directly ↔ buffer switch). */
  readonly sink: () => BatchSink;
  /** Dead-letter file for malformed lines. */
  readonly deadLetter: DeadLetterSink;
  /** Concurrent deliveries (≥ 1). */
  readonly concurrency: number;
  readonly stats: RunStats;
  readonly sensorId: string;
  readonly log: Pick<Logger, "info" | "warn" | "error" | "debug">;
  /** Checkpoint save period, ms. Default 1000. */
  readonly checkpointIntervalMs?: number;
  /** Optional read throttle (token bucket of the resource controller): resolves when `bytes` may be processed. */
  readonly gate?: (bytes: number, signal: AbortSignal) => Promise<void>;
  /** Told after every chunk read (the `GcPacer` of `memory.collectEvery`). */
  readonly pacer?: { afterRead(bytes: number): void };
  /** Monotonic clock, ms. Default `performance.now`. */
  readonly now?: () => number;
  /** Wall clock for dead-letter entries. Default `() => new Date()`. */
  readonly clock?: () => Date;
}

/** How {@link Pipeline.run} should behave. */
export interface PipelineRunOptions {
  /** Inputs end at EOF; the run ends when all is delivered. */
  readonly once: boolean;
  /** Graceful stop (SIGTERM/SIGINT). */
  readonly stop: AbortSignal;
  /** How long in-flight batches may take to settle after a stop, ms. */
  readonly shutdownTimeoutMs: number;
}

/** How the run ended (the caller turns it into a `RunSummary`). */
export interface PipelineOutcome {
  /** A stop was requested before the inputs ended. */
  readonly stopped: boolean;
  /** The first fatal error, if any. */
  readonly fatal?: { readonly status: number; readonly reason: string };
  /** The stop deadline passed with deliveries still running. */
  readonly deadlineHit: boolean;
}

/** See the module documentation. One run per instance. */
export class Pipeline {
  readonly #o: PipelineOptions;
  readonly #now: () => number;
  readonly #readAbort = new AbortController();
  readonly #deliverAbort = new AbortController();
  readonly #owners = new WeakMap<FileProgress, Ingestor>();
  #concurrency: number;
  #inFlight = 0;
  #inFlightBytes = 0;
  #flushing = false;
  #paused = 0;
  #fatal: { status: number; reason: string } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #spaceWaiters: (() => void)[] = [];
  /** Incremented whenever batcher space is freed (a batch taken), so a waiter never misses a wake-up. */
  #spaceGen = 0;
  #idleWaiters: (() => void)[] = [];

  /** @param options - see {@link PipelineOptions}. */
  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
    this.#concurrency = Math.max(1, Math.floor(options.concurrency));
  }

  /** Whether an input is waiting for batcher space right now. */
  get inputPaused(): boolean {
    return this.#paused > 0;
  }

  /** Bytes queued in the batcher. */
  get bufferedBytes(): number {
    return this.#o.batcher.bytes;
  }

  /** Bytes of batches being delivered. */
  get inFlightBytes(): number {
    return this.#inFlightBytes;
  }

  /** The first fatal error, once there is one. */
  get fatal(): { readonly status: number; readonly reason: string } | undefined {
    return this.#fatal;
  }

  /** Changes the number of concurrent deliveries (resource controller); takes effect at the next dispatch. */
  setConcurrency(n: number): void {
    this.#concurrency = Math.max(1, Math.floor(n));
    this.#dispatch();
  }

  /**
   * Runs until the inputs end (`once`) or `stop` aborts, or a fatal error; then drains and writes checkpoints.
   * Never rejects for input, delivery or checkpoint errors (they are logged, counted, and reported as `fatal`).
   */
  async run(opts: PipelineRunOptions): Promise<PipelineOutcome> {
    const o = this.#o;
    let stopped = false;
    let deadline: NodeJS.Timeout | undefined;
    let deadlineHit = false;
    const armDeadline = (): void => {
      deadline ??= setTimeout(() => {
        deadlineHit = true;
        o.log.warn({ inFlight: this.#inFlight, timeoutMs: opts.shutdownTimeoutMs }, "shutdown deadline reached: aborting deliveries");
        this.#deliverAbort.abort();
        this.#wakeAll();
      }, opts.shutdownTimeoutMs);
    };
    const onStop = (): void => {
      stopped = true;
      this.#readAbort.abort();
      this.#wakeAll();
      armDeadline();
    };
    if (opts.stop.aborted) onStop();
    else opts.stop.addEventListener("abort", onStop, { once: true });
    const cpTimer = setInterval(() => void this.#saveAll(), o.checkpointIntervalMs ?? 1000);
    try {
      await Promise.all(
        o.sources.map(async (src) => {
          try {
            await src.run((ing, ev) => this.#feed(src, ing, ev), this.#readAbort.signal);
          } catch (err) {
            o.log.error({ err, input: src.name }, "input failed");
            this.#setFatal({ status: 0, reason: `input ${src.name}: ${(err as Error).message}` });
          }
        }),
      );
      this.#flushing = true;
      this.#dispatch();
      await this.#idle();
    } finally {
      opts.stop.removeEventListener("abort", onStop);
      clearInterval(cpTimer);
      clearTimeout(deadline);
      clearTimeout(this.#timer);
    }
    const left = this.#o.batcher.size;
    if (left > 0) this.#o.stats.undelivered += left;
    await this.#saveAll();
    return { stopped, deadlineHit, ...(this.#fatal ? { fatal: this.#fatal } : {}) };
  }

  readonly #ack = (items: readonly IngestItem[]): void => {
    let lastProgress: FileProgress | undefined;
    let ing: Ingestor | undefined;
    for (const it of items) {
      if (it.progress !== lastProgress) {
        lastProgress = it.progress;
        ing = this.#owners.get(it.progress);
      }
      if (ing) ing.ack(it);
      else it.progress.tracker.ack(it.ticket); // owner unknown (cannot happen): keep the line's accounting right
    }
  };

  async #feed(src: InputSource, ing: Ingestor, ev: TailEvent): Promise<void> {
    const o = this.#o;
    if (this.#readAbort.signal.aborted) return;
    if (ev.type === "data") {
      o.stats.bytesRead += ev.data.length;
      o.pacer?.afterRead(ev.data.length);
      if (o.gate) await o.gate(ev.data.length, this.#readAbort.signal);
    } else if (ev.type === "missing") {
      o.stats.missingFiles.push(ev.path);
      o.log.warn({ input: src.name, path: ev.path, offset: ev.offset }, ev.path === src.name ? "input file not found" : "checkpointed file not found: its unread tail is lost");
    }
    const items: IngestItem[] = [];
    const bad: MalformedRecord[] = [];
    const filtered = ing.stats.filtered;
    ing.handle(ev, { item: (i) => items.push(i), malformed: (m) => bad.push(m) });
    o.stats.filtered += ing.stats.filtered - filtered;
    if (bad.length > 0) await this.#deadLetterMalformed(ing, bad);
    let last: FileProgress | undefined;
    const now = this.#now();
    for (const it of items) {
      bump(o.stats.readByType, it.eventType);
      if (it.progress !== last) {
        last = it.progress;
        this.#owners.set(it.progress, ing);
      }
      if (!o.batcher.offer(it, it.bytes, it.priority, now)) await this.#admitSlow(src, it);
      if (this.#readAbort.signal.aborted) return;
    }
    this.#dispatch();
  }

  async #admitSlow(src: InputSource, it: IngestItem): Promise<void> {
    const o = this.#o;
    if (this.#paused++ === 0) o.log.info({ input: src.name, bufferedBytes: o.batcher.bytes }, "batcher full: reading paused");
    try {
      while (!o.batcher.offer(it, it.bytes, it.priority, this.#now())) {
        if (this.#readAbort.signal.aborted) return; // the line stays unacknowledged: re-read after restart
        const gen = this.#spaceGen;
        this.#dispatch(true); // a full batcher is a ready batch, whatever its count, bytes or age
        if (this.#spaceGen !== gen) continue; // the dispatch itself took a batch: try again before waiting
        await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
      }
    } finally {
      if (--this.#paused === 0) o.log.info({ input: src.name }, "reading resumed");
    }
  }

  async #deadLetterMalformed(ing: Ingestor, bad: MalformedRecord[]): Promise<void> {
    const o = this.#o;
    const time = (o.clock ?? (() => new Date()))().toISOString();
    const entries: DeadLetterEntry[] = bad.map((m) => ({
      time,
      sensorId: o.sensorId,
      stage: "parse",
      reason: m.reason,
      detail: m.detail,
      file: m.path,
      offset: m.lineEndOffset,
      raw: m.raw,
    }));
    try {
      await o.deadLetter.write(entries);
    } catch (err) {
      o.log.error({ err }, "cannot write the dead-letter file");
      this.#setFatal({ status: 0, reason: `dead-letter file: ${(err as Error).message}` });
      return;
    }
    for (const m of bad) {
      bump(o.stats.deadLetteredByReason, m.reason);
      bump(o.stats.deadLetteredByType, "(malformed)");
      ing.ackMalformed(m);
    }
  }

  /** Starts deliveries of ready batches while senders are free; `force` takes a partial batch (batcher full). */
  #dispatch(force = false): void {
    if (this.#fatal || this.#deliverAbort.signal.aborted) return;
    const now = this.#now();
    while (this.#inFlight < this.#concurrency) {
      // A reader waiting for space means the batcher is full: send what it holds instead of waiting for its age.
      const b = this.#o.batcher.take(now, this.#flushing || force || this.#spaceWaiters.length > 0);
      force = false;
      if (!b) break;
      this.#launch(b);
    }
    if (this.#o.batcher.size > 0 && this.#timer === undefined) {
      const at = this.#o.batcher.nextFlushAt() ?? now;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#dispatch();
      }, Math.max(1, Math.ceil(at - now)));
    }
    this.#checkIdle();
  }

  #launch(b: Batch<IngestItem>): void {
    this.#inFlight++;
    this.#inFlightBytes += b.bytes;
    this.#wakeSpace();
    void this.#o
      .sink()
      .deliver(b.items, this.#ack, this.#deliverAbort.signal)
      .then(
        (res) => this.#settled(res),
        (err: unknown) => this.#settled({ undelivered: b.items, fatal: { status: 0, reason: `delivery failed: ${(err as Error).message}` } }),
      )
      .finally(() => {
        this.#inFlight--;
        this.#inFlightBytes -= b.bytes;
        this.#dispatch();
        this.#checkIdle();
      });
  }

  #settled(res: DeliveryResult<IngestItem>): void {
    if (res.undelivered.length > 0) this.#o.stats.undelivered += res.undelivered.length;
    if (res.fatal) this.#setFatal(res.fatal);
  }

  #setFatal(f: { status: number; reason: string }): void {
    if (this.#fatal) return;
    this.#fatal = f;
    this.#readAbort.abort();
    this.#deliverAbort.abort();
    this.#wakeAll();
  }

  #wakeSpace(): void {
    this.#spaceGen++;
    const w = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const r of w) r();
  }

  #wakeAll(): void {
    this.#wakeSpace();
    this.#checkIdle();
  }

  #isIdle(): boolean {
    if (this.#inFlight > 0) return false;
    return this.#o.batcher.size === 0 || this.#fatal !== undefined || this.#deliverAbort.signal.aborted;
  }

  #checkIdle(): void {
    if (!this.#flushing || !this.#isIdle()) return;
    const w = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const r of w) r();
  }

  #idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #saveAll(): Promise<void> {
    const o = this.#o;
    await Promise.all(
      o.sources.map(async (s) => {
        try {
          if (await s.saveCheckpoint()) o.stats.checkpointWrites++;
        } catch (err) {
          o.stats.checkpointErrors++;
          o.log.error({ err, input: s.name }, "checkpoint write failed");
        }
      }),
    );
  }
}
