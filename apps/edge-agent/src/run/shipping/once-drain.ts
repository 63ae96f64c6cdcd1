/**
 * `edge-agent run --once` and a durable buffer left behind by a daemon run (OpenSearch was unreachable when the
 * daemon stopped, or it was killed): the events in it are behind the file checkpoints already, so reading the files
 * again would never ship them. {@link onceShipping} is the `shipping` plug of `runAgent` for `--once`: before any
 * file is read, it delivers every entry of the configured buffer (disk spool or Redis Stream), oldest first, one
 * `_bulk` batch at a time ({@link drainAll}), acknowledges each entry after OpenSearch took it (or it was
 * dead-lettered), and then lets the pipeline ship the files directly. The entries are counted in the summary
 * (`events.fromBuffer`; their per-type counts are in `shippedByType`).
 *
 * When the buffer cannot be drained — it cannot be opened (Redis unreachable, spool IO error), OpenSearch refuses
 * the requests (401/403/400/404), or retries run out (`retry.maxAttempts`) — the run ends as `fatal` (exit 1)
 * before reading the files, so no newer event overtakes a buffered one; what was not delivered stays in the buffer.
 * A disk spool directory that does not exist means nothing was ever buffered there: nothing is created.
 * Like the daemon, it must not run while another agent uses the same buffer.
 * @module
 */
import { stat } from "node:fs/promises";
import { BufferError, type BufferEntry, type BufferOptions, type DurableBuffer } from "../../buffer/index.js";
import type { ShippingContext, ShippingPlan } from "../agent.js";
import type { BulkDeliverer } from "../deliver.js";
import { AckChain } from "./ack-chain.js";
import { bufferOptionsOf, openLoggedBuffer } from "./plan.js";

/** Outcome of {@link drainAll}. */
export interface DrainAllResult {
  /** Entries acknowledged (shipped, or dead-lettered) and removed from the buffer. */
  readonly drained: number;
  /** Entries still in the buffer when draining ended (0 when it emptied it). */
  readonly remaining: number;
  /** A fatal `_bulk` answer (401/403/400/404) or dead-letter write failure that ended draining. */
  readonly fatal?: { readonly status: number; readonly reason: string };
  /** `signal` aborted before the buffer was empty. */
  readonly stopped: boolean;
}

/** Options of {@link drainAll}. */
export interface DrainAllOptions {
  /** Entries per `_bulk` request. */
  readonly batchMaxEvents: number;
  /** Cap on the raw bytes per request. */
  readonly batchMaxBytes: number;
  /** Stops draining (between and within batches). */
  readonly signal: AbortSignal;
}

/**
 * Delivers every entry of `buffer` in order, one batch at a time, acknowledging what OpenSearch took; stops at the
 * first batch that leaves entries undelivered (retries exhausted with `onExhausted: "hold"`, a fatal answer, or
 * `signal`), so the buffer's order is kept for the next attempt.
 *
 * @returns counts and the fatal answer, if any.
 * @throws the buffer's errors (`SpoolIoError`, `RedisBufferError`) from read/ack: entries whose ack failed are
 *   delivered again by the next drain (same `_id`: an overwrite).
 */
export async function drainAll(buffer: DurableBuffer, deliverer: BulkDeliverer<BufferEntry>, options: DrainAllOptions): Promise<DrainAllResult> {
  let drained = 0;
  const remaining = (): number => buffer.stats().depthEvents;
  while (!options.signal.aborted) {
    const entries = await buffer.read(options.batchMaxEvents, options.batchMaxBytes);
    if (entries.length === 0) return { drained, remaining: remaining(), stopped: false };
    const acks = new AckChain(buffer);
    const res = await deliverer.deliver(
      entries,
      (done) => {
        drained += done.length;
        acks.push(done);
      },
      options.signal,
    );
    await acks.settled();
    if (res.fatal) return { drained, remaining: remaining(), fatal: res.fatal, stopped: false };
    if (res.undelivered.length > 0) return { drained, remaining: remaining(), stopped: options.signal.aborted };
  }
  return { drained, remaining: remaining(), stopped: true };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/**
 * Builds the `shipping` plug of `runAgent` for `--once` (see the module documentation).
 *
 * @param options - `buffer` overrides `settings.bufferOptions` (default: the disk spool in `<checkpointDir>/spool`).
 * @returns the plug: it drains the buffer, then ships the files directly. Buffer failures end the run as `fatal`
 *   through `ctx.fail` (summary and exit 1); invalid buffer options (`BufferOptionsError`) too.
 */
export function onceShipping(options: { readonly buffer?: BufferOptions } = {}): (ctx: ShippingContext) => Promise<ShippingPlan> {
  return async (ctx) => {
    const plan: ShippingPlan = { sink: () => ctx.direct };
    const bufferOptions = options.buffer ?? bufferOptionsOf(ctx.settings);
    if (bufferOptions.type === "disk" && !(await isDirectory(bufferOptions.dir))) return plan;
    const where = bufferOptions.type === "disk" ? bufferOptions.dir : bufferOptions.stream;
    let buffer: DurableBuffer;
    try {
      buffer = await openLoggedBuffer(bufferOptions, ctx.log);
    } catch (err) {
      if (!(err instanceof BufferError)) throw err;
      ctx.fail(`durable buffer ${where} cannot be drained: ${err.message}`);
      return plan;
    }
    try {
      const before = buffer.stats().depthEvents;
      if (before > 0) ctx.log.info({ buffer: bufferOptions.type, where, depthEvents: before }, "draining the durable buffer left by a previous run before reading");
      const s = ctx.settings;
      const r = await drainAll(buffer, ctx.deliverer<BufferEntry>(ctx.transport), {
        batchMaxEvents: s.core.batchMaxEvents ?? 5000,
        batchMaxBytes: s.core.batchMaxBytes ?? 5 * 1024 * 1024,
        signal: ctx.stop,
      });
      ctx.stats.drainedFromBuffer += r.drained;
      if (before > 0) ctx.log.info({ drained: r.drained, remaining: r.remaining }, "durable buffer drained");
      if (r.fatal) ctx.fail(`draining the durable buffer: HTTP ${r.fatal.status}: ${r.fatal.reason}; ${r.remaining} events stay in it`);
      else if (r.remaining > 0 && !r.stopped) {
        ctx.fail(`${r.remaining} buffered events not delivered (retry.maxAttempts = ${s.shipper.maxAttempts}); they stay in the durable buffer`);
      }
    } catch (err) {
      if (!(err instanceof BufferError)) throw err;
      ctx.fail(`durable buffer ${where}: ${err.message}`);
    } finally {
      await buffer.close().catch((err: unknown) => ctx.log.error({ err }, "closing the durable buffer failed"));
    }
    return plan;
  };
}
