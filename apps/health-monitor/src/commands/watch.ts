/**
 * `health-monitor watch`: runs the {@link Monitor} with a `/metrics`, `/healthz`, `/readyz` server until
 * `signal` aborts (SIGTERM/SIGINT in the CLI), then shuts down gracefully: loops stop, in-flight engine
 * calls finish, the HTTP server drains.
 */
import type { AuditWaiver } from "@soc/config/security";
import { createMetricsRegistry, type MetricsServer, startMetricsServer } from "@soc/metrics";
import { AutohealMachine, type AutohealPolicy, type SelfMatcher } from "../autoheal/machine.js";
import { webhookNotifier } from "../autoheal/notify.js";
import type { Engine } from "../docker/engine.js";
import type { Log } from "../log.js";
import type { LabelSelector } from "../state/labels.js";
import { createMonitorMetrics } from "../watch/metrics.js";
import { Monitor } from "../watch/monitor.js";

/** Options of {@link runWatch}. */
export interface WatchOptions {
  labels: readonly LabelSelector[];
  reconcileIntervalMs: number;
  auditIntervalMs: number;
  /** Autoheal policy, or undefined to leave containers alone. */
  autoheal?: AutohealPolicy;
  isSelf: SelfMatcher;
  metricsHost: string;
  metricsPort: number;
  stats: boolean;
  /** Webhook URL notified of every autoheal action (JSON POST). */
  notifyUrl?: string;
  /** Audit waivers by Compose service or container name. */
  waivers?: Readonly<Record<string, readonly AuditWaiver[]>>;
  /** Seconds a container gets to stop on an autoheal restart before SIGKILL (default 10). */
  restartTimeoutSeconds?: number;
  /** Called once the server listens (the CLI logs the URL; tests learn the port). */
  onListening?: (server: MetricsServer, monitor: Monitor) => void;
}

/** Runs until `signal` aborts; resolves with exit code 0 after a clean shutdown. */
export async function runWatch(engine: Engine, opts: WatchOptions, log: Log, signal: AbortSignal): Promise<number> {
  const registry = createMetricsRegistry();
  const metrics = createMonitorMetrics(registry);
  const monitor = new Monitor({
    engine,
    log,
    metrics,
    labels: opts.labels,
    reconcileIntervalMs: opts.reconcileIntervalMs,
    auditIntervalMs: opts.auditIntervalMs,
    stats: opts.stats,
    ...(opts.waivers ? { waivers: opts.waivers } : {}),
    ...(opts.autoheal ? { autoheal: { machine: new AutohealMachine(opts.autoheal, opts.isSelf), restartTimeoutSeconds: opts.restartTimeoutSeconds ?? 10, tickMs: 1000, ...(opts.notifyUrl ? { notifier: webhookNotifier(opts.notifyUrl) } : {}) } } : {}),
  });
  const server = await startMetricsServer({ registry, host: opts.metricsHost, port: opts.metricsPort, logger: log });
  server.registerReadinessCheck("docker-engine", () =>
    monitor.connected && monitor.reconciled > 0 ? { ok: true } : { ok: false, reason: monitor.connected ? "first reconcile pending" : `event stream to ${engine.endpoint} not connected` },
  );
  log.info({ url: server.url, endpoint: engine.endpoint, autoheal: opts.autoheal ? { ...opts.autoheal } : false }, "health-monitor watching");
  monitor.start();
  opts.onListening?.(server, monitor);
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  log.info({}, "shutting down");
  await monitor.close();
  const closed = await server.close();
  log.info({ forcedConnections: closed.forcedConnections }, "stopped");
  return 0;
}
