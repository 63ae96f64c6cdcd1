/**
 * Delivery of outbox entries to receivers: per receiver, a FIFO per fingerprint whose head is the only entry that
 * may be in flight, so a resolve never overtakes its trigger; due heads are batched (Alertmanager) or sent one per
 * request, a few requests at a time; failures are retried with {@link backoffDelay}, permanent rejections dropped.
 * Nothing here throws: outcomes are counted in {@link MutableReceiverStats} and logged.
 */
import { backoffDelay, type RetryPolicy } from "./backoff.js";
import { DeliveryError } from "./errors.js";
import type { OutboxEntry } from "./outbox.js";
import type { ReceiverAdapter } from "./receivers/index.js";
import type { BuildContext } from "./receivers/context.js";
import { postJson } from "./receivers/http.js";
import type { AlertLogger, FetchLike } from "./types.js";

/** Mutable counterpart of `ReceiverStats` (without the depth gauge). */
export interface MutableReceiverStats {
  sent: number;
  failed: number;
  retried: number;
  deduplicated: number;
  dropped: number;
}

/** Settings of a {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly adapters: readonly ReceiverAdapter[];
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly clock: () => number;
  readonly logger: AlertLogger;
  /** Context of the payload builders without the send time. */
  readonly context: Omit<BuildContext, "now">;
  /** Removes a finished entry from persistent storage (errors are the caller's to count). */
  readonly remove: (entry: OutboxEntry) => Promise<void>;
  /** Called for entries given up on (permanent rejection); the sink updates its planner. */
  readonly onDropped: (entry: OutboxEntry) => void;
}

/** Maximum concurrent requests per receiver in one round. */
export const CONCURRENCY_PER_RECEIVER = 4;

interface Retry {
  failures: number;
  nextAttemptAt: number;
}

/** Queues and sends outbox entries. */
export class Dispatcher {
  private readonly queues = new Map<string, OutboxEntry[]>();
  private readonly retries = new Map<string, Retry>();
  private readonly inFlight = new Set<string>();
  readonly stats = new Map<string, MutableReceiverStats>();

  constructor(private readonly options: DispatcherOptions) {
    for (const a of options.adapters) {
      this.queues.set(a.name, []);
      this.stats.set(a.name, { sent: 0, failed: 0, retried: 0, deduplicated: 0, dropped: 0 });
    }
  }

  /** Whether `receiver` is configured. */
  has(receiver: string): boolean {
    return this.queues.has(receiver);
  }

  /** Appends an entry (kept in seq order). */
  enqueue(entry: OutboxEntry): void {
    const q = this.queues.get(entry.receiver);
    if (q === undefined) return;
    q.push(entry);
    if (q.length > 1 && (q[q.length - 2]?.seq ?? 0) > entry.seq) q.sort((a, b) => a.seq - b.seq);
  }

  /** Whether `receiver` has an undelivered entry for `fingerprint`. */
  hasPending(receiver: string, fingerprint: string): boolean {
    return this.queues.get(receiver)?.some((e) => e.fingerprint === fingerprint) ?? false;
  }

  /** Pending entries of a receiver, in seq order (a copy). */
  pending(receiver: string): OutboxEntry[] {
    return [...(this.queues.get(receiver) ?? [])];
  }

  /** Number of pending entries of a receiver. */
  depth(receiver: string): number {
    return this.queues.get(receiver)?.length ?? 0;
  }

  /** Total pending entries. */
  totalDepth(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Ids currently being sent. */
  inFlightIds(): ReadonlySet<string> {
    return this.inFlight;
  }

  /** Removes entries from the queues (eviction); does not touch storage. */
  discard(entries: readonly OutboxEntry[]): void {
    const ids = new Set(entries.map((e) => e.id));
    for (const [name, q] of this.queues) this.queues.set(name, q.filter((e) => !ids.has(e.id)));
    for (const id of ids) this.retries.delete(id);
  }

  /**
   * Sends rounds of due queue heads until a round delivers nothing new (at most `maxRounds`).
   * `ignoreBackoff` sends heads that are still waiting for their retry time (used by flush).
   * Returns the number of entries delivered.
   */
  async deliver(ignoreBackoff: boolean, signal: AbortSignal | undefined, maxRounds = 100): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds && !(signal?.aborted ?? false); round++) {
      const work = this.options.adapters.map((a) => this.deliverReceiver(a, ignoreBackoff, signal));
      const delivered = (await Promise.all(work)).reduce((s, n) => s + n, 0);
      total += delivered;
      if (delivered === 0) break;
    }
    return total;
  }

  private dueHeads(adapter: ReceiverAdapter, ignoreBackoff: boolean): OutboxEntry[] {
    const now = this.options.clock();
    const seen = new Set<string>();
    const heads: OutboxEntry[] = [];
    for (const e of this.queues.get(adapter.name) ?? []) {
      if (seen.has(e.fingerprint)) continue;
      seen.add(e.fingerprint);
      if (this.inFlight.has(e.id)) continue;
      const r = this.retries.get(e.id);
      if (!ignoreBackoff && r !== undefined && r.nextAttemptAt > now) continue;
      heads.push(e);
    }
    return heads;
  }

  private async deliverReceiver(adapter: ReceiverAdapter, ignoreBackoff: boolean, signal: AbortSignal | undefined): Promise<number> {
    const heads = this.dueHeads(adapter, ignoreBackoff);
    const batches: OutboxEntry[][] = [];
    for (let i = 0; i < heads.length; i += adapter.maxBatch) batches.push(heads.slice(i, i + adapter.maxBatch));
    let delivered = 0;
    for (let i = 0; i < batches.length && !(signal?.aborted ?? false); i += CONCURRENCY_PER_RECEIVER) {
      const results = await Promise.all(batches.slice(i, i + CONCURRENCY_PER_RECEIVER).map((b) => this.sendBatch(adapter, b, signal)));
      delivered += results.reduce((s, n) => s + n, 0);
    }
    return delivered;
  }

  private async sendBatch(adapter: ReceiverAdapter, batch: OutboxEntry[], signal: AbortSignal | undefined): Promise<number> {
    const stats = this.stats.get(adapter.name);
    if (stats === undefined) return 0;
    for (const e of batch) {
      this.inFlight.add(e.id);
      if (this.retries.has(e.id)) stats.retried++;
    }
    try {
      const spec = adapter.build(batch, { ...this.options.context, now: this.options.clock() });
      await postJson(adapter.name, spec, { fetch: this.options.fetch, timeoutMs: this.options.timeoutMs, signal, now: this.options.clock });
      stats.sent += batch.length;
      await this.finish(batch);
      return batch.length;
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError(adapter.name, `unexpected: ${String(err)}`, true, undefined, undefined, { cause: err });
      stats.failed += batch.length;
      if (!e.retryable) {
        stats.dropped += batch.length;
        this.options.logger.error({ receiver: adapter.name, type: adapter.type, status: e.status, notifications: batch.length, err: e.message }, "alert notification rejected permanently; dropped");
        await this.finish(batch);
        for (const entry of batch) this.options.onDropped(entry);
        return 0;
      }
      for (const entry of batch) {
        const failures = (this.retries.get(entry.id)?.failures ?? 0) + 1;
        const delay = backoffDelay(this.options.retry, failures, e.retryAfterMs);
        this.retries.set(entry.id, { failures, nextAttemptAt: this.options.clock() + delay });
        if (failures === 1 || failures % 10 === 0) {
          this.options.logger.warn({ receiver: adapter.name, type: adapter.type, fingerprint: entry.fingerprint, kind: entry.kind, failures, retryInMs: Math.round(delay), err: e.message }, "alert delivery failed; will retry");
        }
      }
      return 0;
    } finally {
      for (const e of batch) this.inFlight.delete(e.id);
    }
  }

  private async finish(batch: readonly OutboxEntry[]): Promise<void> {
    this.discard(batch);
    for (const e of batch) {
      try {
        await this.options.remove(e);
      } catch (err) {
        this.options.logger.error({ receiver: e.receiver, id: e.id, err: String(err) }, "could not delete delivered outbox entry; it may be re-sent after a restart");
      }
    }
  }
}
