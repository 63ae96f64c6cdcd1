/**
 * The agent's own metrics (`soc_aiops_*`): loop health, detector and sink errors, anomaly scores per
 * series and the alert pipeline's counters, all through the naming-checked helpers of `@soc/metrics`.
 * @module
 */
import { type Counter, type Gauge, type Histogram, type MetricsRegistry, counter, gauge, histogram } from "@soc/metrics";
import type { AlertStats } from "../alert/types.js";
import type { Series } from "../collect/types.js";
import type { SeriesScore } from "./detection.js";

/** Label names of `soc_aiops_anomaly_score`: the series name plus every label a host series can carry. */
export const SCORE_LABELS = ["series", "cpu", "device", "fstype", "mountpoint", "mode"] as const;
type ScoreLabel = (typeof SCORE_LABELS)[number];

function scoreLabels(s: Series): Partial<Record<ScoreLabel, string>> {
  const labels: Partial<Record<ScoreLabel, string>> = { series: s.name };
  for (const l of SCORE_LABELS) {
    const v = s.labels[l];
    if (v !== undefined) labels[l] = v;
  }
  return labels;
}

/** The self-metrics, created on one registry. */
export class AgentMetrics {
  /** `soc_aiops_ticks_total`: collection ticks run. */
  readonly ticks: Counter;
  /** `soc_aiops_tick_duration_seconds`: collect + transform + score + hand to the sink. */
  readonly tickDuration: Histogram;
  /** `soc_aiops_tick_overruns_total`: ticks skipped because the previous one ran past its slot. */
  readonly overruns: Counter;
  /** `soc_aiops_collect_errors_total{source}`: sources that failed on a tick. */
  readonly collectErrors: Counter<"source">;
  /** `soc_aiops_detector_errors_total`: detector updates that threw. */
  readonly detectorErrors: Counter;
  /** `soc_aiops_alert_sink_errors_total{operation}`: sink calls that threw or rejected (observe, tick, flush, close). */
  readonly sinkErrors: Counter<"operation">;
  /** `soc_aiops_series`: series produced by the last tick. */
  readonly series: Gauge;
  /** `soc_aiops_anomalous_series`: scored series anomalous on the last tick. */
  readonly anomalous: Gauge;
  /** `soc_aiops_anomaly_score{series,…}`: last raw combined score per scored series, 0–1. */
  readonly score: Gauge<ScoreLabel>;
  /** `soc_aiops_collect_info{proc_root}`: 1, labelled with the procfs root the agent reads. */
  readonly info: Gauge<"proc_root">;
  /** `soc_aiops_alert_receiver_unusable{receiver}`: 1 for a configured receiver left out at start (unresolvable secret). */
  readonly receiverUnusable: Gauge<"receiver">;

  /**
   * @param registry where to register.
   * @param sources live values read at scrape time: the sink's stats and the series builder's reset count.
   * @throws {MetricNameError} never for these names (they are checked by the tests), but would on a bad rename.
   */
  constructor(registry: MetricsRegistry, sources: { alertStats?: () => AlertStats; counterResets?: () => number } = {}) {
    this.ticks = counter(registry, { name: "soc_aiops_ticks_total", help: "Collection ticks run." });
    this.tickDuration = histogram(registry, {
      name: "soc_aiops_tick_duration_seconds",
      help: "Duration of one tick: collect, transform, score, hand observations to the alert sink.",
    });
    this.overruns = counter(registry, { name: "soc_aiops_tick_overruns_total", help: "Tick slots skipped because the previous tick ran past them." });
    this.collectErrors = counter(registry, { name: "soc_aiops_collect_errors_total", help: "Collection sources that failed on a tick.", labelNames: ["source"] });
    this.detectorErrors = counter(registry, { name: "soc_aiops_detector_errors_total", help: "Detector updates that threw (the series skipped that tick)." });
    this.sinkErrors = counter(registry, { name: "soc_aiops_alert_sink_errors_total", help: "Alert sink calls that threw or rejected.", labelNames: ["operation"] });
    this.series = gauge(registry, { name: "soc_aiops_series", help: "Series produced by the last tick (gauges, counters and rates)." });
    this.anomalous = gauge(registry, { name: "soc_aiops_anomalous_series", help: "Scored series anomalous on the last tick." });
    this.score = gauge(registry, {
      name: "soc_aiops_anomaly_score",
      help: "Last raw combined anomaly score (0-1) of each scored series; series is the metric name or rate(<counter>).",
      labelNames: SCORE_LABELS,
    });
    this.info = gauge(registry, { name: "soc_aiops_collect_info", help: "Always 1; proc_root is the procfs the agent reads.", labelNames: ["proc_root"] });
    this.receiverUnusable = gauge(registry, {
      name: "soc_aiops_alert_receiver_unusable",
      help: "1 for a configured alert receiver left out at start because a secret it references cannot be resolved.",
      labelNames: ["receiver"],
    });
    const resets = sources.counterResets;
    if (resets) {
      counter(registry, {
        name: "soc_aiops_rate_resets_total",
        help: "Kernel counter readings that went backwards (reboot, wrap); their rate was left out.",
        collect() {
          this.reset();
          this.inc(resets());
        },
      });
    }
    const stats = sources.alertStats;
    if (stats) this.alertMetrics(registry, stats);
  }

  /** Records one tick's scores and drops the score of series the engine forgot. */
  recordScores(scores: readonly SeriesScore[], evicted: readonly Series[] = []): void {
    for (const s of evicted) this.score.remove(scoreLabels(s));
    let anomalous = 0;
    for (const s of scores) {
      if (s.anomalous) anomalous += 1;
      this.score.set(scoreLabels(s.series), s.score);
    }
    this.anomalous.set(anomalous);
  }

  private alertMetrics(registry: MetricsRegistry, stats: () => AlertStats): void {
    const mirror = (name: string, help: string, pick: (s: AlertStats) => number) =>
      counter(registry, {
        name,
        help,
        collect() {
          this.reset();
          this.inc(pick(stats()));
        },
      });
    gauge(registry, {
      name: "soc_aiops_alerts_firing",
      help: "Alerts currently firing in the alert sink.",
      collect() {
        this.set(stats().firing);
      },
    });
    mirror("soc_aiops_alerts_raised_total", "Alert transitions to firing.", (s) => s.raised);
    mirror("soc_aiops_alerts_resolved_total", "Alert transitions to resolved.", (s) => s.resolved);
    mirror("soc_aiops_alert_outbox_errors_total", "Outbox file-system errors (the sink keeps working in memory).", (s) => s.outboxErrors);
    counter(registry, {
      name: "soc_aiops_alert_notifications_total",
      help: "Notifications per receiver by result: sent, failed (attempts), retried, deduplicated, dropped.",
      labelNames: ["receiver", "result"],
      collect() {
        this.reset();
        for (const [receiver, r] of Object.entries(stats().receivers)) {
          for (const result of ["sent", "failed", "retried", "deduplicated", "dropped"] as const) this.inc({ receiver, result }, r[result]);
        }
      },
    });
    gauge(registry, {
      name: "soc_aiops_alert_outbox_depth",
      help: "Notifications waiting in the outbox, per receiver.",
      labelNames: ["receiver"],
      collect() {
        this.reset();
        for (const [receiver, r] of Object.entries(stats().receivers)) this.set({ receiver }, r.outboxDepth);
      },
    });
  }
}
