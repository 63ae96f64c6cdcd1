/**
 * The fallback {@link AlertSink} for when `apps.aiopsAgent.alerting.receivers` is empty: it keeps the
 * firing/resolved state per alert and LOGS each transition — nothing is delivered, persisted or retried.
 * With receivers configured the agent uses the real pipeline (`createAlertSink` of `src/alert`).
 * @module
 */
import type { AlertSink, AlertStats, AnomalyObservation } from "../alert/types.js";

/** Logger the sink writes transitions to (pino's call shape). */
export interface TransitionLog {
  warn(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

interface Active {
  readonly alertname: string;
  readonly labels: Readonly<Record<string, string>>;
  lastAnomalousAt: number;
}

/** Identity of an alert: its name and sorted labels (the alert pipeline fingerprints the same fields). */
function identity(o: Pick<AnomalyObservation, "alertname" | "labels">): string {
  return JSON.stringify([o.alertname, Object.entries(o.labels).filter(([k]) => k !== "alertname").sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

/**
 * Logs `alert firing` (warn) on the first anomalous observation of an alert and `alert resolved` (info)
 * once it has had no anomalous observation for `resolveAfterMs` (checked on {@link tick}). State: one
 * entry per firing alert. Counts observations, raises and resolves in {@link stats}; `receivers` is empty.
 */
export class LoggingAlertSink implements AlertSink {
  private readonly active = new Map<string, Active>();
  private readonly log: TransitionLog;
  private readonly resolveAfterMs: number;
  private observations = 0;
  private deduplicated = 0;
  private raised = 0;
  private resolvedCount = 0;

  /** @throws {RangeError} for a negative `resolveAfterMs`. */
  constructor(options: { log: TransitionLog; resolveAfterMs: number }) {
    if (!(options.resolveAfterMs >= 0)) throw new RangeError(`resolveAfterMs must be >= 0, got ${options.resolveAfterMs}`);
    this.log = options.log;
    this.resolveAfterMs = options.resolveAfterMs;
  }

  /** Raises (and logs) an alert on its first anomalous observation; later ones only keep it firing. */
  observe(o: AnomalyObservation): void {
    this.observations += 1;
    const id = identity(o);
    const a = this.active.get(id);
    if (!o.anomalous) {
      this.deduplicated += 1;
      return;
    }
    if (a) {
      a.lastAnomalousAt = Math.max(a.lastAnomalousAt, o.at);
      this.deduplicated += 1;
      return;
    }
    this.active.set(id, { alertname: o.alertname, labels: o.labels, lastAnomalousAt: o.at });
    this.raised += 1;
    this.log.warn(
      { alert: o.alertname, labels: o.labels, severity: o.severity, score: o.score, value: o.value, at: new Date(o.at).toISOString(), delivery: "log only (no receivers configured)" },
      `alert firing: ${o.summary}`,
    );
  }

  /** Resolves (and logs) alerts quiet for `resolveAfterMs` at `now` (ms since epoch). */
  async tick(now: number): Promise<void> {
    for (const [id, a] of this.active) {
      if (now - a.lastAnomalousAt >= this.resolveAfterMs) {
        this.active.delete(id);
        this.resolvedCount += 1;
        this.log.info({ alert: a.alertname, labels: a.labels, quietMs: now - a.lastAnomalousAt, delivery: "log only (no receivers configured)" }, `alert resolved: ${a.alertname}`);
      }
    }
  }

  /** Nothing is pending: transitions are logged when they happen. */
  async flush(_deadlineMs: number): Promise<void> {}

  /** Nothing to persist. */
  async close(): Promise<void> {}

  /** Counters; `receivers` is empty (nothing is delivered). */
  get stats(): AlertStats {
    return {
      observations: this.observations,
      deduplicated: this.deduplicated,
      firing: this.active.size,
      raised: this.raised,
      resolved: this.resolvedCount,
      outboxErrors: 0,
      receivers: {},
    };
  }
}
