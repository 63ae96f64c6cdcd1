/**
 * `edge-agent run` as a function: from {@link RunSettings} to a {@link RunSummary}. Wires the IO around the
 * {@link Pipeline}: the OpenSearch client (endpoint, or an AWS domain resolved once), the idempotent index setup
 * (retried while transient; fatal on 401/403/400), the metrics server (/metrics, /healthz, /readyz = index setup
 * done and no fatal error), the dead-letter file, one {@link FileSource} per EVE path (+ the unix_stream socket in
 * daemon mode), and the {@link BulkDeliverer}. Settings and IO come in as parameters; nothing here reads the
 * environment.
 *
 * With a `shipping` plug (the durable buffer, `./shipping/plan.ts`) in daemon mode, the index setup runs in the
 * background while reading starts: the plug buffers until `ctx.indexSetup.ready` and ships directly only after it.
 * @module
 */
import { mkdir } from "node:fs/promises";
import { getHeapStatistics } from "node:v8";
import type { Client } from "@opensearch-project/opensearch";
import { createMetricsRegistry, type MetricsRegistry, type MetricsServer, startMetricsServer } from "@soc/metrics";
import type { Logger } from "pino";
import { checkpointPathFor, type RunSettings } from "../config-map.js";
import { resolveAwsDomainEndpoint } from "../opensearch/aws-endpoint.js";
import { type BulkTransport, OpenSearchBulkTransport } from "../opensearch/bulk-transport.js";
import { type AwsCredentialProvider, createOpenSearchClient } from "../opensearch/client.js";
import { ensureIndexSetup, IndexSetupError } from "../opensearch/index-setup.js";
import type { EndpointTarget } from "../opensearch/target.js";
import { createCore } from "../options.js";
import type { IngestItem } from "../pipeline/ingest.js";
import type { HttpProbeRequest } from "../supervise/connectivity-probe.js";
import { healthRequest } from "./shipping/health-request.js";
import { registerEdgeMetrics } from "../telemetry/metrics.js";
import { DeadLetterFile, type DeadLetterSink } from "./dead-letter-file.js";
import { BulkDeliverer, type ShipDoc } from "./deliver.js";
import { GcPacer } from "./gc-pacer.js";
import { type BatchSink, Pipeline } from "./pipeline.js";
import { abortableSleep } from "./sleep.js";
import { SocketSource } from "./socket-source.js";
import { FileSource, type InputSource } from "./source.js";
import { createRunStats, type RunStats, type RunStatus, type RunSummary, summarize } from "./stats.js";

/** What a {@link AgentOptions.shipping} plug receives. */
export interface ShippingContext {
  /** The ship-directly sink: concurrent `_bulk` with per-item retry and dead-letter. */
  readonly direct: BatchSink;
  /** The `_bulk` transport, for a drainer's own `BulkDeliverer` over buffered entries. */
  readonly transport: BulkTransport;
  /** The dead-letter file shared by every stage. */
  readonly deadLetter: DeadLetterSink;
  readonly stats: RunStats;
  readonly log: Logger;
  /** Aborted on SIGTERM/SIGINT. */
  readonly stop: AbortSignal;
  /** The run's settings (buffer, connectivity, throttle, shipper, batch sizes). */
  readonly settings: RunSettings;
  /** The run's metrics registry: the plug registers its own metrics on it. */
  readonly registry: MetricsRegistry;
  /** `/_cluster/health` GET through the run's OpenSearch client (same auth, TLS, SigV4), for connectivity probes. */
  readonly healthRequest: HttpProbeRequest;
  /** Base URL of the OpenSearch endpoint (resolved for AWS domains). */
  readonly url: string;
  /**
   * A new deliverer with the run's settings (op type, backoff, `retry.maxAttempts`, dead-letter on exhaustion,
   * request metrics) over `transport`, e.g. an observed transport, or for draining buffered entries.
   */
  deliverer<T extends ShipDoc>(transport: BulkTransport): BulkDeliverer<T>;
  /**
   * Index template/ISM setup: `done()` once installed (or when setup is disabled); `ready` resolves then, and never
   * rejects (a fatal setup error ends the run instead). Nothing may be shipped directly before it.
   */
  readonly indexSetup: { readonly done: () => boolean; readonly ready: Promise<void> };
  /** Ends the run as `fatal` with `reason` (e.g. a drain refused with 401/403); reading stops gracefully. */
  fail(reason: string): void;
  /** Time the whole shutdown may take after `stop`, ms (`AgentOptions.shutdownTimeoutMs`): `close` should fit in it. */
  readonly shutdownTimeoutMs: number;
}

/** How batches leave the pipeline; the default is `{ sink: () => ctx.direct }`. */
export interface ShippingPlan {
  /** Consulted for every batch: return `ctx.direct` (online) or a durable-buffer sink (offline). */
  readonly sink: () => BatchSink;
  /** Read throttle (token bucket): resolves when `bytes` more may be processed. */
  readonly gate?: (bytes: number, signal: AbortSignal) => Promise<void>;
  /** Receives the pipeline once built (e.g. for `setConcurrency` from the resource controller). */
  readonly attach?: (pipeline: Pipeline) => void;
  /** Called after the pipeline stopped and before the client closes (drain/close the buffer). */
  readonly close?: () => Promise<void>;
}

/** Options of {@link runAgent}. */
export interface AgentOptions {
  readonly settings: RunSettings;
  /** `--once`: read every file to its end, ship, wait for all acknowledgements, stop. */
  readonly once: boolean;
  /** Graceful stop (SIGTERM/SIGINT). */
  readonly stop: AbortSignal;
  /** Time in-flight batches get after a stop, ms (default 10 000). */
  readonly shutdownTimeoutMs?: number;
  /** Metrics server address, or `false` for none. */
  readonly metrics: { readonly host: string; readonly port: number } | false;
  /** Install the index template and ISM policy first (default true). */
  readonly indexSetup?: boolean;
  readonly log: Logger;
  /** Called once the metrics server listens (tests read the bound port). */
  readonly onMetricsListening?: (url: string) => void;
  /** SigV4 credentials (default: the AWS SDK's Node provider chain). */
  readonly credentials?: AwsCredentialProvider;
  /** Checkpoint save period, ms (default 1000). */
  readonly checkpointIntervalMs?: number;
  /**
   * The seam for the durable buffer and the supervisor: builds the {@link ShippingPlan} (which sink each batch goes
   * to, read throttle, concurrency control). Default: ship directly.
   */
  readonly shipping?: (ctx: ShippingContext) => ShippingPlan | Promise<ShippingPlan>;
  /**
   * One full, synchronous garbage collection (V8's `gc()`, present with `--expose-gc`), for `settings.gcPacing`.
   * Absent: collection is left to V8 (logged when `gcPacing` is set).
   */
  readonly collectGarbage?: () => void;
}

/** The {@link GcPacer} for `settings.gcPacing`, when set and a collector is given (else logs why not). */
function gcPacerFor(o: AgentOptions, stats: RunStats): GcPacer | undefined {
  const pacing = o.settings.gcPacing;
  if (pacing === undefined) return undefined;
  if (o.collectGarbage === undefined) {
    o.log.info({ collectEvery: pacing.everyBytes }, "memory.collectEvery is set but the process runs without --expose-gc (SOC_LAUNCH_TUNING=off?): V8 alone decides when to collect");
    return undefined;
  }
  return new GcPacer({
    ...pacing,
    heapBytes: () => {
      const h = getHeapStatistics();
      return h.used_heap_size + h.external_memory;
    },
    now: () => performance.now(),
    cpuMs: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    },
    collect: o.collectGarbage,
    onCollected: (seconds) => {
      stats.forcedGcs++;
      stats.forcedGcSeconds += seconds;
    },
  });
}

async function endpointOf(o: AgentOptions): Promise<EndpointTarget> {
  const t = o.settings.opensearch;
  if (t.mode === "endpoint") return t;
  const url = await resolveAwsDomainEndpoint(t, o.credentials ? { credentials: o.credentials } : {});
  o.log.info({ domain: t.domainName, url }, "resolved the OpenSearch Service domain endpoint");
  return { mode: "endpoint", url, auth: { type: "sigv4", region: t.region, service: "es" }, tls: { insecureSkipVerify: false } };
}

/** Runs the index setup, retrying transient failures with backoff until it succeeds, fails for good, or `stop`. */
async function setupIndices(client: Client, o: AgentOptions, onIsm: (ok: boolean) => void): Promise<string | undefined> {
  const { indexPrefix, retentionDays } = o.settings.indexSetup;
  for (let attempt = 0; !o.stop.aborted; attempt++) {
    try {
      const r = await ensureIndexSetup(client, { indexPrefix, retentionDays });
      onIsm(r.ism !== "unavailable");
      if (r.ism === "unavailable") o.log.warn({ policy: r.policyId, reason: r.ismReason }, "ISM is not available on this cluster: indices are not deleted after retentionDays");
      o.log.info({ template: r.templateName, policy: r.policyId, ism: r.ism }, "index setup done");
      return undefined;
    } catch (err) {
      if (!(err instanceof IndexSetupError) || !err.retryable) return `index setup: ${(err as Error).message}`;
      const max = o.settings.shipper.maxAttempts;
      if (max > 0 && attempt + 1 >= max) return `index setup: ${err.message} (after ${max} attempts)`;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2);
      o.log.warn({ err: err.message, attempt, delayMs: Math.round(delay) }, "index setup failed, retrying");
      await abortableSleep(delay, o.stop);
    }
  }
  return undefined;
}

/**
 * Runs the agent until the inputs end (`once`), `stop`, or a fatal error.
 *
 * @returns the summary; `exitCode` is 0 for ok/stopped, 1 for fatal/incomplete, 2 for a missing input file.
 * @throws setup errors before anything is read: `CheckpointFormatError` (corrupt checkpoint), fs errors creating the
 *   state directories, `DomainEndpointError`, `OpenSearchClientSetupError`, the metrics server's bind error.
 */
export async function runAgent(o: AgentOptions): Promise<RunSummary> {
  const started = performance.now();
  const failed = new AbortController();
  const stop = AbortSignal.any([o.stop, failed.signal]);
  const s = o.settings;
  const stats = createRunStats();
  let pipeline: Pipeline | undefined;
  let setupDone = false;
  let fatalReason: string | undefined;
  const sources: InputSource[] = [];
  const registry = createMetricsRegistry({ defaultLabels: { app: "edge-agent" } });
  const metrics = registerEdgeMetrics(registry, {
    stats,
    gauges: () => ({
      bufferedBytes: pipeline?.bufferedBytes ?? 0,
      inFlightBytes: pipeline?.inFlightBytes ?? 0,
      inputPaused: pipeline?.inputPaused ?? false,
      fatal: fatalReason !== undefined || pipeline?.fatal !== undefined,
    }),
    lag: async () => {
      const out = new Map<string, number>();
      for (const src of sources) {
        const lag = await src.lagBytes();
        if (lag !== undefined) out.set(src.name, lag);
      }
      return out;
    },
  });
  let server: MetricsServer | undefined;
  let client: Client | undefined;
  let deadLetter: DeadLetterFile | undefined;
  let plan: ShippingPlan | undefined;
  const finish = (status: RunStatus, reason?: string): RunSummary => summarize(stats, status, (performance.now() - started) / 1000, reason);
  try {
    if (o.metrics) {
      server = await startMetricsServer({ registry, host: o.metrics.host, port: o.metrics.port, logger: o.log });
      server.registerReadinessCheck("shipping", () => {
        const fatal = fatalReason ?? pipeline?.fatal?.reason;
        if (fatal) return { ok: false, reason: fatal };
        return setupDone ? true : { ok: false, reason: "index setup not done" };
      });
      o.onMetricsListening?.(server.url);
      o.log.info({ url: server.url }, "metrics server listening");
    }
    const target = await endpointOf(o);
    client = await createOpenSearchClient(target, { requestTimeoutMs: s.shipper.requestTimeoutMs, compression: s.shipper.compression }, o.credentials ? { credentials: o.credentials } : {});
    const osClient = client;
    // With a shipping plug in daemon mode, reading starts at once and the plug buffers while the setup retries.
    const background = o.shipping !== undefined && !o.once;
    let setupReady!: () => void;
    const ready = new Promise<void>((resolve) => (setupReady = resolve));
    const runSetup = async (): Promise<string | undefined> => {
      if (o.indexSetup ?? true) {
        const reason = await setupIndices(osClient, { ...o, stop }, (ok) => metrics.setIsmAvailable(ok));
        if (reason) return reason;
        if (stop.aborted) return undefined;
      }
      setupDone = true;
      setupReady();
      return undefined;
    };
    const fail = (reason: string): void => {
      if (fatalReason !== undefined) return;
      fatalReason = reason;
      o.log.error({ reason }, "shipping stops");
      failed.abort();
    };
    let setup: Promise<void> | undefined;
    if (!background) {
      fatalReason = await runSetup();
      if (fatalReason) {
        o.log.error({ reason: fatalReason }, "index setup failed: nothing shipped");
        return finish("fatal", fatalReason);
      }
      if (o.stop.aborted) return finish("stopped");
    }

    await mkdir(s.checkpointDir, { recursive: true });
    deadLetter = await DeadLetterFile.open(s.deadLetterPath);
    const cores = s.evePaths.map((p) => createCore({ ...s.core, evePath: p, checkpointPath: checkpointPathFor(s.checkpointDir, p) }));
    const core = createCore({ ...s.core });
    for (const c of cores) sources.push(await FileSource.open(c, !o.once));
    if (s.socketPath !== undefined && !o.once) sources.push(new SocketSource(s.socketPath, core, o.log));
    const transport = new OpenSearchBulkTransport(client);
    const shared = {
      deadLetter,
      opType: core.options.opType,
      sensorId: core.options.sensorId,
      backoff: () => core.createBackoff(),
      maxAttempts: s.shipper.maxAttempts,
      onExhausted: o.once ? "hold" : "dead-letter",
      stats,
      log: o.log,
      observeRequest: (status: string, seconds: number) => metrics.observeRequest(status, seconds),
    } as const;
    const deliverer = new BulkDeliverer<IngestItem>({ ...shared, transport, describe: (it) => ({ file: it.progress.file.path }) });
    // The ship-directly ↔ durable-buffer switch: `plan.sink` is asked for every batch (see ShippingPlan).
    const ctx: ShippingContext = {
      direct: deliverer,
      transport,
      deadLetter,
      stats,
      log: o.log,
      stop,
      settings: s,
      registry,
      url: target.url,
      healthRequest: healthRequest(osClient),
      deliverer: <T extends ShipDoc>(t: BulkTransport) => new BulkDeliverer<T>({ ...shared, transport: t }),
      indexSetup: { done: () => setupDone, ready },
      fail,
      shutdownTimeoutMs: o.shutdownTimeoutMs ?? 10_000,
    };
    plan = o.shipping ? await o.shipping(ctx) : { sink: () => deliverer };
    if (background) {
      setup = runSetup().then((reason) => {
        if (reason) fail(`${reason}; nothing shipped directly`);
      });
    }
    const pacer = gcPacerFor(o, stats);
    pipeline = new Pipeline({
      sources,
      batcher: core.createBatcher<IngestItem>(),
      sink: plan.sink,
      deadLetter,
      concurrency: s.shipper.concurrency,
      stats,
      sensorId: core.options.sensorId,
      log: o.log,
      ...(plan.gate ? { gate: plan.gate } : {}),
      ...(pacer ? { pacer } : {}),
      ...(o.checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs: o.checkpointIntervalMs }),
    });
    plan.attach?.(pipeline);
    o.log.info({ inputs: sources.map((x) => x.name), once: o.once, concurrency: s.shipper.concurrency }, "shipping");
    const out = await pipeline.run({ once: o.once, stop, shutdownTimeoutMs: o.shutdownTimeoutMs ?? 10_000 });
    await setup;
    if (fatalReason !== undefined) return finish("fatal", fatalReason);
    if (out.fatal) return finish("fatal", out.fatal.status ? `HTTP ${out.fatal.status}: ${out.fatal.reason}` : out.fatal.reason);
    if (out.stopped) {
      if (stats.undelivered > 0) o.log.warn({ undelivered: stats.undelivered }, "stopped with events unacknowledged: they are re-read on restart");
      return finish("stopped");
    }
    if (o.once && stats.missingFiles.some((p) => s.evePaths.includes(p))) return finish("missing_input", `not found: ${stats.missingFiles.join(", ")}`);
    if (stats.undelivered > 0) return finish("incomplete", `${stats.undelivered} events not delivered (retry.maxAttempts = ${s.shipper.maxAttempts}); they stay behind the checkpoint`);
    return finish("ok");
  } finally {
    await plan?.close?.().catch((err: unknown) => o.log.error({ err }, "closing the shipping plan failed"));
    await deadLetter?.close().catch((err: unknown) => o.log.error({ err }, "closing the dead-letter file failed"));
    await client?.close().catch((err: unknown) => o.log.error({ err }, "closing the OpenSearch client failed"));
    await server?.close();
  }
}
