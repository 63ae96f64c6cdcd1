/**
 * Exposes {@link AlertStats} on `/metrics` through `@soc/metrics`. Values are read from the sink when Prometheus
 * scrapes (prom-client `collect` callbacks), so the sink stays free of metric objects. Counters are monotonic within
 * one process, as Prometheus expects (https://prometheus.io/docs/concepts/metric_types/#counter); names follow the
 * Prometheus naming guide (https://prometheus.io/docs/practices/naming/): `soc_` namespace, `_total` on counters.
 */
import { counter, gauge, type MetricsRegistry } from "@soc/metrics";
import type { AlertStats } from "./types.js";

/** The metric names registered by {@link registerAlertMetrics}. */
export const ALERT_METRIC_NAMES = {
  firing: "soc_aiops_alerts_firing",
  observations: "soc_aiops_alert_observations_total",
  transitions: "soc_aiops_alert_transitions_total",
  notifications: "soc_aiops_alert_notifications_total",
  outbox: "soc_aiops_alert_outbox_notifications",
  outboxErrors: "soc_aiops_alert_outbox_errors_total",
} as const;

const OUTCOMES = ["sent", "failed", "retried", "deduplicated", "dropped"] as const;

/**
 * Registers the alerting metrics on `registry`, reading `stats()` at every scrape:
 * - `soc_aiops_alerts_firing` (gauge): alerts firing now;
 * - `soc_aiops_alert_observations_total`: observations fed to the sink;
 * - `soc_aiops_alert_transitions_total{transition="raised"|"resolved"}`;
 * - `soc_aiops_alert_notifications_total{receiver, outcome="sent"|"failed"|"retried"|"deduplicated"|"dropped"}`;
 * - `soc_aiops_alert_outbox_notifications{receiver}` (gauge): notifications waiting in the outbox;
 * - `soc_aiops_alert_outbox_errors_total`: outbox file-system errors.
 * @throws {MetricNameError} (from `@soc/metrics`) if the names clash with the registry's default labels.
 */
export function registerAlertMetrics(registry: MetricsRegistry, stats: () => AlertStats): void {
  gauge(registry, {
    name: ALERT_METRIC_NAMES.firing,
    help: "Alerts currently firing in the AIOps agent.",
    collect() {
      this.set(stats().firing);
    },
  });
  counter(registry, {
    name: ALERT_METRIC_NAMES.observations,
    help: "Detector observations fed to the alerting pipeline.",
    collect() {
      this.reset();
      this.inc(stats().observations);
    },
  });
  counter(registry, {
    name: ALERT_METRIC_NAMES.transitions,
    help: "Alert state transitions: raised (inactive to firing) and resolved (firing to resolved).",
    labelNames: ["transition"],
    collect() {
      const s = stats();
      this.reset();
      this.inc({ transition: "raised" }, s.raised);
      this.inc({ transition: "resolved" }, s.resolved);
    },
  });
  counter(registry, {
    name: ALERT_METRIC_NAMES.notifications,
    help: "Alert notifications per receiver and outcome (sent, failed attempt, retried attempt, deduplicated by cooldown, dropped).",
    labelNames: ["receiver", "outcome"],
    collect() {
      this.reset();
      for (const [receiver, r] of Object.entries(stats().receivers)) for (const outcome of OUTCOMES) this.inc({ receiver, outcome }, r[outcome]);
    },
  });
  gauge(registry, {
    name: ALERT_METRIC_NAMES.outbox,
    help: "Alert notifications waiting in the persistent outbox, per receiver.",
    labelNames: ["receiver"],
    collect() {
      this.reset();
      for (const [receiver, r] of Object.entries(stats().receivers)) this.set({ receiver }, r.outboxDepth);
    },
  });
  counter(registry, {
    name: ALERT_METRIC_NAMES.outboxErrors,
    help: "File-system errors of the alert outbox (the pipeline then keeps notifications in memory).",
    collect() {
      this.reset();
      this.inc(stats().outboxErrors);
    },
  });
}
