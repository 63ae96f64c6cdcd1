/**
 * Delivers one batch to `_bulk` until every item is acknowledged, dead-lettered, or given up on: builds the NDJSON
 * body from the raw lines (`buildBulkBody`, into a reused scratch buffer), sends it, lets `planDelivery` sort the
 * items, acknowledges the indexed ones at once, writes refused ones (4xx mapping errors, single documents too large)
 * to the dead-letter file and then acknowledges them, splits on 413, and re-sends only the failed items after a
 * full-jitter backoff (`Backoff`). A fatal answer (401/403/400/404) stops the batch with its items unacknowledged.
 *
 * Generic over the item type so the same loop serves direct shipping (items from the file) and, later, draining a
 * durable buffer (items read back from Redis/the spool).
 * @module
 */
import type { Logger } from "pino";
import type { BulkTransport } from "../opensearch/bulk-transport.js";
import type { Backoff } from "../ship/backoff.js";
import { type BulkDoc, type BulkOpType, buildBulkBody } from "../ship/bulk.js";
import type { DeadLetterEntry } from "../ship/dead-letter.js";
import { planDelivery } from "../ship/delivery.js";
import type { DeadLetterSink } from "./dead-letter-file.js";
import { abortableSleep } from "./sleep.js";
import { bump, type RunStats } from "./stats.js";

/** What the deliverer needs to know about an item. */
export interface ShipDoc extends BulkDoc {
  readonly eventType: string;
}

/** What to do with items whose `retry.maxAttempts` are used up. */
export type ExhaustedPolicy =
  /** Leave them unacknowledged (the checkpoint stays before them) and report them undelivered (`--once`). */
  | "hold"
  /** Write them to the dead-letter file with reason `retries_exhausted`, then acknowledge them (daemon). */
  | "dead-letter";

/** Options of {@link BulkDeliverer}. */
export interface DelivererOptions<T extends ShipDoc> {
  readonly transport: BulkTransport;
  readonly deadLetter: DeadLetterSink;
  readonly opType: BulkOpType;
  /** For dead-letter entries. */
  readonly sensorId: string;
  /** A fresh backoff per batch (from `Core.createBackoff`). */
  readonly backoff: () => Backoff;
  /** Attempts per item before giving up; 0 = forever. */
  readonly maxAttempts: number;
  readonly onExhausted: ExhaustedPolicy;
  /** Counters: shipped/dead-lettered by type, bulk requests by status, retries. */
  readonly stats: RunStats;
  readonly log: Pick<Logger, "warn" | "error" | "debug">;
  /** Called once per `_bulk` request: status label (`"200"`, `"429"`, `"error"`) and duration in seconds. */
  readonly observeRequest?: (status: string, seconds: number) => void;
  /** Wall clock for dead-letter timestamps. Default `() => new Date()`. */
  readonly clock?: () => Date;
  /** Sleep used for backoff. Default {@link abortableSleep}. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Source file and offset of an item, for dead-letter entries. */
  readonly describe?: (item: T) => { readonly file?: string; readonly offset?: number };
}

/** How a batch ended. */
export interface DeliveryResult<T> {
  /** Items neither acknowledged nor dead-lettered (fatal error, `hold` after exhaustion, aborted). */
  readonly undelivered: T[];
  /** Set when shipping must stop: the cluster's status and reason, or status 0 for a dead-letter write failure. */
  readonly fatal?: { readonly status: number; readonly reason: string };
}

/** See the module documentation. One instance is shared by all concurrent senders. */
export class BulkDeliverer<T extends ShipDoc> {
  readonly #o: DelivererOptions<T>;
  readonly #scratch: Buffer[] = [];
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #clock: () => Date;

  /** @param options - see {@link DelivererOptions}. */
  constructor(options: DelivererOptions<T>) {
    this.#o = options;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#clock = options.clock ?? (() => new Date());
  }

  /**
   * Delivers `items`.
   *
   * @param items - the batch; not modified.
   * @param acked - called with every group of items that is done (indexed, duplicate, or dead-lettered and written),
   *   as soon as it is; the caller acknowledges their lines.
   * @param signal - abort (shutdown deadline): in-flight request and backoff stop, remaining items are undelivered.
   * @returns never rejects for delivery failures.
   */
  async deliver(items: readonly T[], acked: (items: readonly T[]) => void, signal: AbortSignal): Promise<DeliveryResult<T>> {
    const o = this.#o;
    const queue: { items: T[]; attempts: number }[] = [{ items: [...items], attempts: 0 }];
    const undelivered: T[] = [];
    const backoff = o.backoff();
    let scratch = this.#scratch.pop() ?? Buffer.alloc(0);
    const rest = (): T[] => queue.flatMap((g) => g.items);
    try {
      while (queue.length > 0) {
        if (signal.aborted) {
          undelivered.push(...rest());
          break;
        }
        const group = queue.shift() as { items: T[]; attempts: number };
        const body = buildBulkBody(group.items, o.opType, scratch);
        if (body.length > scratch.length) scratch = body;
        const attempt = await o.transport.send(body, signal);
        const label = "error" in attempt ? "error" : String(attempt.status);
        bump(o.stats.bulkRequests, label);
        o.observeRequest?.(label, attempt.durationMs / 1000);
        const plan = planDelivery(group.items, attempt, o.opType);
        if (plan.acked.length > 0) {
          for (const it of plan.acked) bump(o.stats.shippedByType, it.eventType);
          acked(plan.acked);
        }
        // Partial progress under a 429 storm is no reason to hammer again at the base delay: only a clean attempt resets.
        if (plan.retry.length === 0) backoff.reset();
        if (plan.deadLetter.length > 0) {
          const entries = plan.deadLetter.map((d) => this.#entry(d.item, d.type, d.reason, d.status));
          const failed = await this.#deadLetter(entries, plan.deadLetter.map((d) => d.item), acked);
          if (failed) return { undelivered: [...undelivered, ...plan.deadLetter.map((d) => d.item), ...plan.retry, ...rest()], fatal: failed };
        }
        if (plan.split.length > 0) queue.unshift(...plan.split.map((s) => ({ items: s, attempts: group.attempts })));
        if (plan.fatal) {
          o.log.error({ status: plan.fatal.status, reason: plan.fatal.reason }, "OpenSearch refused the _bulk request: shipping stops");
          return { undelivered: [...undelivered, ...plan.retry, ...rest()], fatal: plan.fatal };
        }
        if (plan.retry.length === 0) continue;
        const attempts = group.attempts + 1;
        if (o.maxAttempts > 0 && attempts >= o.maxAttempts) {
          o.log.error({ items: plan.retry.length, attempts, reason: plan.retryReason }, "retries exhausted");
          if (o.onExhausted === "hold") {
            undelivered.push(...plan.retry);
            continue;
          }
          const entries = plan.retry.map((it) => this.#entry(it, "retries_exhausted", plan.retryReason ?? "", undefined));
          const failed = await this.#deadLetter(entries, plan.retry, acked);
          if (failed) return { undelivered: [...undelivered, ...plan.retry, ...rest()], fatal: failed };
          continue;
        }
        o.stats.retriedItems += plan.retry.length;
        const delay = backoff.next();
        o.log.warn({ items: plan.retry.length, of: group.items.length, attempt: attempts, delayMs: Math.round(delay), reason: plan.retryReason }, "retrying _bulk items");
        queue.push({ items: plan.retry, attempts });
        await this.#sleep(delay, signal);
      }
      return { undelivered };
    } finally {
      this.#scratch.push(scratch);
    }
  }

  #entry(item: T, reason: string, detail: string, status: number | undefined): DeadLetterEntry {
    const where = this.#o.describe?.(item) ?? {};
    return {
      time: this.#clock().toISOString(),
      sensorId: this.#o.sensorId,
      stage: "index",
      reason,
      detail,
      ...(where.file === undefined ? {} : { file: where.file }),
      ...(where.offset === undefined ? {} : { offset: where.offset }),
      index: item.index,
      id: item.id,
      ...(status === undefined ? {} : { status }),
      raw: item.raw,
    };
  }

  /** Writes and acknowledges; returns a fatal description if the file cannot be written. */
  async #deadLetter(entries: DeadLetterEntry[], items: T[], acked: (items: readonly T[]) => void): Promise<{ status: number; reason: string } | undefined> {
    try {
      await this.#o.deadLetter.write(entries);
    } catch (err) {
      this.#o.log.error({ err }, "cannot write the dead-letter file: shipping stops");
      return { status: 0, reason: `dead-letter file: ${(err as Error).message}` };
    }
    for (const e of entries) {
      bump(this.#o.stats.deadLetteredByReason, e.reason);
    }
    for (const it of items) bump(this.#o.stats.deadLetteredByType, it.eventType);
    acked(items);
    return undefined;
  }
}
