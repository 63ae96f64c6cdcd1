/**
 * The daemon's buffered shipping plan: plugs the durable buffer and the supervision parts into `runAgent` through
 * its `shipping` seam ({@link ShippingPlan}). Wiring (see also src/supervise/README.md):
 *
 * - **Buffer**: `openBuffer(settings.bufferOptions)` — a Redis Stream when `apps.edgeAgent.buffer.type` is `redis`,
 *   else the disk spool. An unreachable Redis, or a spool directory that cannot be opened (`SpoolIoError`), is
 *   waited for at start (backoff up to 30 s, logged, nothing read meanwhile). Spool IO errors later are caught where
 *   they arise: an append is retried by the `BufferSink` (counted in `soc_edge_buffer_errors_total`, reading pauses);
 *   a read/ack fails the drainer, which the supervisor logs, counts and restarts.
 * - **Connectivity**: `createConnectivity` probes `GET /_cluster/health` with the run's client every
 *   `connectivity.interval`; every `_bulk` attempt (direct or drain) is evidence too (`observedTransport`).
 * - **Switch** (`ShippingRouter`): batches are appended to the buffer (`BufferSink`) until the index setup is done,
 *   OpenSearch is reachable and the `Drainer` has emptied the buffer in order; then they are shipped directly.
 *   On `offline` the router diverts in-flight direct batches into the buffer and the drainer stops.
 * - **Checkpoints** advance only over events acknowledged by OpenSearch or durably appended to the buffer (both
 *   sinks acknowledge only then); replays after a crash re-send the same deterministic `_id`s (overwrites).
 * - **Throttle**: `ResourceSampler` (systeminformation) → `ThrottleController` → the `RateLimiter` gate before each
 *   read and `pipeline.setConcurrency` on level changes.
 * - **Supervision**: `Supervisor` runs `drainer` (phase 1, restarted with backoff without limit: it fails while
 *   Redis/the spool fails), `connectivity` and `resources` (phase 2, up to 5 restarts a minute, non-essential).
 * - **Shutdown** (`close`, after the pipeline stopped reading and flushed): while OpenSearch is reachable the
 *   drainer empties the buffer, then components stop by phase, all within `closeDeadlineMs`; the rate limiter and
 *   the buffer close (what is still buffered is drained after the next start).
 * - **Metrics**: `registerShippingMetrics` (buffer depth/bytes/fill/full, mode, connectivity, probes, throttle,
 *   resources, components).
 * @module
 */
import { join } from "node:path";
import type { Logger } from "pino";
import { type BufferEntry, type BufferOptions, type DurableBuffer, openBuffer, RedisBufferError, SpoolIoError } from "../../buffer/index.js";
import type { IngestItem } from "../../pipeline/ingest.js";
import type { ConnectivitySettings } from "../../supervise/connectivity-checker.js";
import { createConnectivity } from "../../supervise/connectivity-checker.js";
import { RateLimiter } from "../../supervise/rate-limiter.js";
import { type ResourceReader, ResourceSampler } from "../../supervise/resource-sampler.js";
import type { RestartPolicyOptions } from "../../supervise/restart-policy.js";
import { Supervisor } from "../../supervise/supervisor.js";
import { ThrottleController, type ThrottleThresholds } from "../../supervise/throttle-controller.js";
import { registerShippingMetrics } from "../../telemetry/shipping-metrics.js";
import type { RunSettings } from "../../config-map.js";
import type { ShippingContext, ShippingPlan } from "../agent.js";
import { abortableSleep } from "../sleep.js";
import { BufferSink } from "./buffer-sink.js";
import { Drainer } from "./drainer.js";
import { observedTransport } from "./observed-transport.js";
import { ShippingRouter } from "./router.js";

/** Options of {@link bufferedShipping}; every field has a default from the run settings. */
export interface BufferedShippingOptions {
  /** Overrides `settings.bufferOptions` (default: a 1 GiB disk spool in `<checkpointDir>/spool`). */
  readonly buffer?: BufferOptions;
  /** Overrides `settings.connectivity` (default: the config defaults, 10 s interval, 3 s timeout, 3 / 2). */
  readonly connectivity?: ConnectivitySettings;
  /** Overrides `settings.throttle` (default: the config defaults, CPU 85/60 %, memory 85/70 %, 75/65 °C, 5 s). */
  readonly throttle?: { readonly thresholds: ThrottleThresholds; readonly intervalMs: number };
  /** Host reader of the resource sampler (default systeminformation). */
  readonly resourceReader?: ResourceReader;
  /** Read rate at throttle level 1, bytes/s (default 16 MiB/s, halved per further level). */
  readonly level1BytesPerSecond?: number;
  /** Burst of the read rate limiter, bytes (default 1 MiB, about four tailer chunks). */
  readonly readBurstBytes?: number;
  /** Drainer/full-buffer poll period, ms. Default 200. */
  readonly pollMs?: number;
  /** Restart backoff of the supervised components. Default base 500 ms, cap 30 s. */
  readonly restartBackoff?: RestartPolicyOptions["backoff"];
  /**
   * At close (after the pipeline stopped): time to drain what the buffer still holds while OpenSearch is reachable,
   * and for the components to stop, ms. Default 5000; after a stop signal also bounded by what is left of
   * `ctx.shutdownTimeoutMs` (at least 1 s). What is left in the buffer is drained after the next start.
   */
  readonly closeDeadlineMs?: number;
}

const DEFAULT_CONNECTIVITY: ConnectivitySettings = { intervalMs: 10_000, timeoutMs: 3000, failuresToOffline: 3, successesToOnline: 2, dnsNames: [] };
const DEFAULT_THROTTLE = {
  thresholds: { cpuPercent: { high: 85, low: 60 }, memoryPercent: { high: 85, low: 70 }, temperatureC: { high: 75, low: 65 } },
  intervalMs: 5000,
};

/**
 * The durable buffer of a run: `settings.bufferOptions`, or for hand-built settings without it a 1 GiB disk spool
 * in `<checkpointDir>/spool` (the config default, see `bufferOptionsFrom`).
 */
export function bufferOptionsOf(settings: RunSettings): BufferOptions {
  return settings.bufferOptions ?? { type: "disk", dir: join(settings.checkpointDir, "spool"), maxBytes: 1 << 30 };
}

/** Events the durable buffer reported lost (appended, never delivered), for `soc_edge_buffer_lost_events_total`. */
export interface BufferLoss {
  lostEvents: number;
}

/**
 * Opens the configured buffer (`openBuffer`) with its warnings (disk spool repairs) and connection errors (Redis)
 * logged: a repair that lost undelivered records (`lost_from_buffer`, `corrupt_segment` with a record count) at
 * error level and added to `loss`, every other repair at warn level. Used by the daemon's plan and by `--once`
 * (`once-drain.ts`).
 *
 * @param loss - optional counter the lost records are added to.
 * @throws what `openBuffer` throws (`BufferOptionsError`, `SpoolIoError`, `RedisBufferError`).
 */
export async function openLoggedBuffer(options: BufferOptions, log: Pick<Logger, "warn" | "error">, loss?: BufferLoss): Promise<DurableBuffer> {
  if (options.type === "disk") {
    return openBuffer({
      ...options,
      onWarning: (warning) => {
        const lost = warning.kind === "lost_from_buffer" || warning.kind === "corrupt_segment" ? (warning.records ?? 0) : 0;
        if (lost === 0) return log.warn({ warning }, "disk spool repaired or skipped damaged data");
        if (loss) loss.lostEvents += lost;
        log.error({ warning, lostEvents: lost }, "disk spool lost buffered events that were never delivered: they will not be shipped");
      },
    });
  }
  return openBuffer({ ...options, onError: (err) => log.warn({ err: err.message }, "redis buffer connection error (ioredis reconnects)") });
}

/**
 * Opens the buffer, waiting with capped exponential backoff for an unreachable Redis or a spool directory that
 * cannot be used (`SpoolIoError`: missing permissions, disk full, a read-only or vanished mount): nothing is read
 * meanwhile, the tailed file is the buffer. Each failed attempt is logged. Other errors (invalid options) are thrown.
 *
 * @returns the buffer, or `undefined` when `stop` aborted first.
 */
async function openWaiting(options: BufferOptions, log: Pick<Logger, "warn" | "error">, stop: AbortSignal, firstDelayMs: number, loss: BufferLoss): Promise<DurableBuffer | undefined> {
  for (let delay = firstDelayMs; !stop.aborted; delay = Math.min(delay * 2, 30_000)) {
    try {
      return await openLoggedBuffer(options, log, loss);
    } catch (err) {
      if (err instanceof RedisBufferError) log.warn({ err: err.message, retryInMs: delay }, "redis buffer unreachable: waiting for it before reading");
      else if (err instanceof SpoolIoError) log.error({ err: err.message, operation: err.operation, path: err.path, retryInMs: delay }, "disk spool unusable: retrying before reading");
      else throw err;
      await abortableSleep(delay, stop);
    }
  }
  return undefined;
}

/**
 * Builds the `shipping` plug of `runAgent` for the daemon (`--once` uses `onceShipping` of `once-drain.ts`).
 *
 * @param options - overrides and tuning; see {@link BufferedShippingOptions}.
 * @returns the plug; it waits for an unreachable Redis or an unusable spool directory (until `ctx.stop`), and throws (rejects) when the buffer
 *   cannot be opened otherwise (`BufferOptionsError`, a Redis server error) or a setting is invalid (`InvalidConnectivityOptionsError`, `InvalidThrottleOptionsError`).
 */
export function bufferedShipping(options: BufferedShippingOptions = {}): (ctx: ShippingContext) => Promise<ShippingPlan> {
  return async (ctx) => {
    const s = ctx.settings;
    const bufferOptions = options.buffer ?? bufferOptionsOf(s);
    const loss: BufferLoss = { lostEvents: 0 };
    const buffer = await openWaiting(bufferOptions, ctx.log, ctx.stop, options.pollMs ?? 500, loss);
    if (!buffer) return { sink: () => ctx.direct }; // stopped while waiting: nothing was read, nothing to ship
    try {
      return wire(ctx, buffer, bufferOptions.type, options, loss);
    } catch (err) {
      await buffer.close(); // invalid connectivity/throttle settings: do not leak the file handles or the connection
      throw err;
    }
  };
}

/** Builds the plan around an open buffer (synchronous: nothing is started before every part is constructed). */
function wire(ctx: ShippingContext, buffer: DurableBuffer, bufferType: BufferOptions["type"], options: BufferedShippingOptions, loss: BufferLoss): ShippingPlan {
  const s = ctx.settings;
  const closeDeadlineMs = options.closeDeadlineMs ?? 5000;
  const log = ctx.log;
  const { machine, checker } = createConnectivity({
    url: `${ctx.url.replace(/\/+$/, "")}/_cluster/health`,
    settings: options.connectivity ?? s.connectivity ?? DEFAULT_CONNECTIVITY,
    request: ctx.healthRequest,
  });
  const transport = observedTransport(ctx.transport, machine, (err) => log.error({ err }, "connectivity listener failed"));
  const bufferSink = new BufferSink({
    buffer,
    deadLetter: ctx.deadLetter,
    sensorId: s.core.sensorId,
    stats: ctx.stats,
    log,
    retryMs: options.pollMs ?? 200,
    onAppended: () => drainer.wake(),
  });
  const router = new ShippingRouter({ direct: ctx.deliverer<IngestItem>(transport), buffer: bufferSink, log });
  const canShipDirect = (): boolean => ctx.indexSetup.done() && machine.reachable;
  const drainer: Drainer = new Drainer({
    buffer,
    deliverer: ctx.deliverer<BufferEntry>(transport),
    canDrain: canShipDirect,
    appendMark: () => bufferSink.appendMark(),
    onCaughtUp: (quiet) => {
      if (router.mode === "buffer" && canShipDirect()) router.toDirect();
      if (router.holding && quiet) router.releaseBarrier();
    },
    onAcked: () => bufferSink.notifyRoom(),
    onFatal: (f) => ctx.fail(`draining the buffer: HTTP ${f.status}: ${f.reason}`),
    batchMaxEvents: s.core.batchMaxEvents ?? 5000,
    batchMaxBytes: s.core.batchMaxBytes ?? 5 * 1024 * 1024,
    idle: () => router.mode === "direct" && !router.holding,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    log,
  });
  const transitions = new Map<string, number>();
  machine.onTransition((t) => {
    transitions.set(`${t.from}→${t.to}`, (transitions.get(`${t.from}→${t.to}`) ?? 0) + 1);
    log.warn({ from: t.from, to: t.to, source: t.source, reason: t.reason }, "OpenSearch connectivity changed");
    if (t.to === "offline") {
      router.toBuffer(t.reason);
      drainer.interrupt();
    } else drainer.wake();
  });
  void ctx.indexSetup.ready.then(() => drainer.wake());

  const throttle = options.throttle ?? s.throttle ?? DEFAULT_THROTTLE;
  const controller = new ThrottleController({
    thresholds: throttle.thresholds,
    concurrency: s.shipper.concurrency,
    ...(options.level1BytesPerSecond === undefined ? {} : { level1BytesPerSecond: options.level1BytesPerSecond }),
  });
  const limiter = new RateLimiter(options.readBurstBytes === undefined ? {} : { burstBytes: options.readBurstBytes });
  const sampler = new ResourceSampler({ controller, limiter, intervalMs: throttle.intervalMs, ...(options.resourceReader ? { reader: options.resourceReader } : {}) });
  controller.onChange((c) => log.warn({ from: c.from.level, to: c.to.level, signals: c.signals, readBytesPerSecond: c.to.readBytesPerSecond, concurrency: c.to.concurrency }, "resource throttle level changed"));

  const backoff = options.restartBackoff ?? { baseMs: 500, capMs: 30_000 };
  const supervisor = new Supervisor({ defaults: { backoff } });
  supervisor.add({ name: "drainer", stopPhase: 1, run: (signal) => drainer.run(signal) });
  supervisor.add({ name: "connectivity", stopPhase: 2, essential: false, maxRestarts: 5, windowMs: 60_000, run: (signal) => checker.run(signal) });
  supervisor.add({ name: "resources", stopPhase: 2, essential: false, maxRestarts: 5, windowMs: 60_000, run: (signal) => sampler.run(signal) });
  supervisor.onEvent((e) => {
    if (e.type === "failed") log.error({ component: e.name, err: e.error }, "component failed");
    else if (e.type === "restart-scheduled") log.warn({ component: e.name, delayMs: Math.round(e.delayMs), restarts: e.restarts }, "component restarting");
    else if (e.type === "gave-up") log.error({ component: e.name, reason: e.reason }, "component given up on");
  });

  const metrics = registerShippingMetrics(ctx.registry, {
    buffer: () => buffer.stats(),
    bufferFull: () => bufferSink.full,
    bufferFullEpisodes: () => bufferSink.fullEpisodes,
    appendedEvents: () => bufferSink.appendedEvents,
    drainedEvents: () => drainer.drainedEvents,
    bufferErrors: () => bufferSink.errors,
    lostEvents: () => loss.lostEvents,
    mode: () => router.mode,
    connectivity: () => machine.state,
    transitions: () => transitions,
    throttleLevel: () => controller.level,
    readRateLimit: () => limiter.bytesPerSecond,
    throttledMs: () => limiter.waitedMs,
    lastSample: () => controller.lastSample,
    resourceReadErrors: () => {
      const e = sampler.readErrors;
      return { cpuPercent: e.cpuPercent, memoryPercent: e.memoryPercent, temperatureC: e.temperatureC };
    },
    components: () => supervisor.status(),
  });
  checker.onRound((r) => metrics.observeRound(r.results));
  // Stopping while OpenSearch is not healthy: move retrying deliveries into the buffer instead of waiting out the deadline.
  let stoppedAt: number | undefined;
  const onStop = (): void => {
    stoppedAt = performance.now();
    if (machine.state !== "online") router.toBuffer("stopping while OpenSearch is not healthy");
  };
  ctx.stop.addEventListener("abort", onStop, { once: true });
  supervisor.start();
  const st = buffer.stats();
  log.info({ buffer: bufferType, depthEvents: st.depthEvents, capacity: st.capacity, unit: st.unit }, "durable buffer open");

  return {
    sink: () => router.sink(),
    gate: async (bytes, signal) => {
      try {
        await limiter.take(bytes, signal);
      } catch (err) {
        if (!signal.aborted) throw err; // stopping: the pipeline checks its own signal
      }
    },
    attach: (pipeline) => {
      controller.onChange((c) => pipeline.setConcurrency(c.to.concurrency));
    },
    close: async () => {
      ctx.stop.removeEventListener("abort", onStop);
      // Within the run's shutdown timeout counted from the stop signal (the pipeline's flush used part of it),
      // but at least one second to stop the components and close the buffer cleanly.
      const now = performance.now();
      const deadline = Math.max(now + 1000, stoppedAt === undefined ? now + closeDeadlineMs : Math.min(now + closeDeadlineMs, stoppedAt + ctx.shutdownTimeoutMs));
      // While OpenSearch takes them, ship what the buffer still holds (e.g. the batches flushed at the stop).
      while (canShipDirect() && buffer.stats().depthEvents > 0 && supervisor.status().some((c) => c.name === "drainer" && c.state === "running") && performance.now() < deadline) {
        drainer.wake();
        await abortableSleep(Math.min(50, deadline - performance.now()));
      }
      const report = await supervisor.shutdown({ deadlineMs: Math.max(1000, deadline - performance.now()) });
      if (report.timedOut.length > 0) log.warn({ timedOut: report.timedOut }, "components still running at the close deadline");
      limiter.close();
      const left = buffer.stats();
      await buffer.close();
      log.info({ depthEvents: left.depthEvents, drained: drainer.drainedEvents, appended: bufferSink.appendedEvents }, "durable buffer closed");
    },
  };
}
