/**
 * `aiops-agent run`: builds the service from the config (collector, series exporter, detection engine,
 * alert sink, metrics server) and runs the loop until the signal aborts or the tick budget is spent.
 * @module
 */
import { stat } from "node:fs/promises";
import { hostname } from "node:os";
import { type SocConfig, loadConfig, parseDurationSeconds } from "@soc/config";
import { createMetricsRegistry, startMetricsServer } from "@soc/metrics";
import type { ConfiguredReceiver } from "../../alert/config.js";
import { createAlertSink } from "../../alert/sink.js";
import type { AlertSink } from "../../alert/types.js";
import { HostCollector } from "../../collect/host-collector.js";
import { SeriesBuilder } from "../../collect/series.js";
import { AgentMetrics } from "../../service/agent-metrics.js";
import { DetectionEngine } from "../../service/detection.js";
import { modelSwitchWarnings } from "../../service/detector-params.js";
import { HostMetricsExporter } from "../../service/host-metrics.js";
import { AgentLoop, type Collector, type LoopLog, type TickReport } from "../../service/loop.js";
import { formatTickLine } from "../../service/report.js";
import { rulesFromConfig } from "../../service/rules.js";
import { resolveSecret } from "./secrets.js";
import { type SinkSetup, setUpAlertSink } from "./sink-setup.js";

/** Options of {@link runAgent}, from the command line. */
export interface RunOptions {
  /** Config file (YAML or JSON). */
  readonly configFile: string;
  /** Environment for config overrides (`SOC__…`) and secret references. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Overrides `collect.interval` (Go duration, at least `1s`). */
  readonly interval?: string;
  /** Stop after this many ticks (`--once` is 1). */
  readonly ticks?: number;
  /** Overrides `metricsPort` (0 = a free port). */
  readonly metricsPort?: number;
  /** Address of the metrics server (default `0.0.0.0`). */
  readonly metricsHost?: string;
  /** Overrides `collect.hostProc`. */
  readonly procRoot?: string;
  /** Samples before a series may alert. */
  readonly warmupSamples?: number;
  /** Print one line per tick on stdout. */
  readonly printTicks?: boolean;
  /** Deadline of the alert flush at shutdown, ms (default 5000). */
  readonly flushDeadlineMs?: number;
  /** Log level, overriding the config's. */
  readonly logLevel?: string;
}

/** What the entry point supplies. */
export interface RunIo {
  /** The logger at a level: `--log-level`, else `apps.aiopsAgent.logLevel`, else `logging.level`. */
  readonly logFor: (level: string) => LoopLog;
  /** Writes one line of command output (the per-tick lines). */
  readonly stdout: (line: string) => void;
  /** Aborted on SIGTERM/SIGINT. */
  readonly signal: AbortSignal;
  /** Use this sink instead of building one from the config (tests, embedding). */
  readonly sink?: AlertSink;
  /** Use this collector instead of the host collector (tests, benchmarks). */
  readonly collector?: Collector;
  /** Called once the metrics server listens (tests learn the port). */
  readonly onListening?: (url: string) => void;
  /** Called after every tick. */
  readonly onTick?: (report: TickReport) => void;
}

/** Thrown for command-line values the config schema would also refuse (e.g. `--interval 500ms`). */
export class RunOptionError extends Error {
  override readonly name = "RunOptionError";
}

/** Minimum collection interval: 1 s (issue 6: "default 10 s, down to 1 s"). */
export const MIN_INTERVAL_MS = 1000;

/**
 * Runs the agent; resolves with the exit code (0 after a clean stop).
 * @throws {ConfigError} for an unreadable or invalid config; {@link RunOptionError} for a bad flag;
 *   whatever `startMetricsServer` throws when the port is taken.
 */
export async function runAgent(opts: RunOptions, io: RunIo): Promise<number> {
  const { config, baseDir } = await loadConfig(opts.configFile, { env: { ...opts.env } });
  const a = config.apps.aiopsAgent;
  const log = io.logFor(opts.logLevel ?? a.logLevel ?? config.logging.level);
  const intervalMs = parseDurationSeconds(opts.interval ?? a.collect.interval) * 1000;
  if (!(intervalMs >= MIN_INTERVAL_MS)) throw new RunOptionError(`interval ${opts.interval ?? a.collect.interval} is below the 1s minimum`);
  const procRoot = await chooseProcRoot(opts.procRoot ?? a.collect.hostProc, opts.procRoot !== undefined, log);
  const host = config.host.name ?? hostname();
  const port = opts.metricsPort ?? a.metricsPort;

  const registry = createMetricsRegistry();
  const builder = new SeriesBuilder();
  const setup: SinkSetup | undefined = io.sink ? undefined : await buildSink(config, baseDir, opts.env, log, `http://${host}:${port}/metrics`, host);
  const sink = io.sink ?? setup!.sink;
  const metrics = new AgentMetrics(registry, { alertStats: () => sink.stats, counterResets: () => builder.resets });
  metrics.info.set({ proc_root: procRoot }, 1);
  for (const u of setup?.unusable ?? []) metrics.receiverUnusable.set({ receiver: u.receiver }, 1);
  const d = a.detectors;
  const models = { adaptive: d.adaptive, seasonal: d.seasonal, changePoint: d.changePoint };
  for (const w of modelSwitchWarnings(models)) log.warn({ ...models }, w);
  const engine = new DetectionEngine({
    scoreThreshold: d.scoreThreshold,
    models,
    rules: rulesFromConfig(d.static, parseDurationSeconds),
    baseLabels: { host },
    ...(opts.warmupSamples !== undefined ? { warmupSamples: opts.warmupSamples } : {}),
  });
  const collector = io.collector ?? new HostCollector({ procRoot, interfaces: a.collect.interfaces, mounts: a.collect.mounts });
  const loop = new AgentLoop({
    collector,
    engine,
    sink,
    log,
    intervalMs,
    builder,
    exporter: new HostMetricsExporter(registry),
    metrics,
    ...(opts.ticks !== undefined ? { maxTicks: opts.ticks } : {}),
    ...(opts.flushDeadlineMs !== undefined ? { flushDeadlineMs: opts.flushDeadlineMs } : {}),
    onTick: (r) => {
      if (opts.printTicks) io.stdout(formatTickLine(r));
      io.onTick?.(r);
    },
  });

  const server = await startMetricsServer({ registry, host: opts.metricsHost ?? "0.0.0.0", port, logger: log });
  server.registerReadinessCheck("collection", () => (loop.ready ? { ok: true } : { ok: false, reason: "first collection pending" }));
  log.info(
    { url: server.url, procRoot, intervalMs, scoreThreshold: d.scoreThreshold, models, scoring: engine.scoresSeries, rules: d.static.length, receivers: setup?.usable ?? a.alerting.receivers, alertSink: setup?.kind ?? "custom" },
    "aiops-agent running",
  );
  io.onListening?.(server.url);
  const result = await loop.run(io.signal);
  const closed = await server.close();
  log.info({ ticks: result.ticks, reason: result.reason, forcedConnections: closed.forcedConnections }, "aiops-agent stopped");
  return 0;
}

/**
 * The configured proc root when it exists; otherwise `/proc` with a warning — running outside a container
 * the default `/host/proc` does not exist, and the agent's own `/proc` *is* the host's. An explicit
 * `--proc-root` that does not exist is an error.
 */
async function chooseProcRoot(wanted: string, explicit: boolean, log: LoopLog): Promise<string> {
  try {
    await stat(`${wanted}/stat`);
    return wanted;
  } catch (err) {
    if (explicit || wanted === "/proc") throw new RunOptionError(`proc root ${wanted} is not a procfs (no ${wanted}/stat): ${(err as Error).message}`);
    log.warn({ hostProc: wanted, using: "/proc" }, "collect.hostProc not found: reading /proc (right outside a container; inside one it shows the container's network and processes, mount the host's /proc there)");
    return "/proc";
  }
}

/** The alert pipeline for the configured receivers that can be set up, or the logging fallback (see {@link setUpAlertSink}). */
async function buildSink(
  config: SocConfig,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
  log: LoopLog,
  generatorURL: string,
  source: string,
): Promise<SinkSetup> {
  const alerting = config.apps.aiopsAgent.alerting;
  return setUpAlertSink({
    alerting,
    receivers: config.monitoring.receivers as Readonly<Record<string, ConfiguredReceiver>>,
    resolveSecret: (ref, where) => resolveSecret(ref, where, { env, secrets: config.secrets, baseDir }),
    log,
    create: createAlertSink,
    extra: { logger: log, generatorURL, source },
    resolveAfterMs: parseDurationSeconds(alerting.resolveAfter) * 1000,
    cooldownMs: parseDurationSeconds(alerting.cooldown) * 1000,
  });
}
