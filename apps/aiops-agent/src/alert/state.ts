/**
 * The alert state machine (pure: no IO, no clock; time comes from the observations and from `expire(now)`).
 *
 * Per fingerprint: inactive → firing on the first anomalous observation; firing stays firing while anomalous
 * observations keep coming (repeats are deduplicated: they refresh score, value and annotations only); firing →
 * resolved once `resolveAfterMs` has passed since the last anomalous observation — noticed either by a normal
 * observation or by {@link AlertStateMachine.expire} when the series stopped reporting. A resolved alert is
 * forgotten (inactive again); a later anomaly starts a new episode with a new `startsAt`. The hold-down is the same
 * idea as Prometheus' `keep_firing_for` (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/).
 */
import { AlertConfigError } from "./errors.js";
import { alertLabelSet, labelSetFingerprint } from "./fingerprint.js";
import type { AnomalyObservation, Severity } from "./types.js";

/** One alert episode as the receivers see it. Times in ms since the epoch. */
export interface AlertRecord {
  /** {@link labelSetFingerprint} of `labels`. */
  readonly fingerprint: string;
  /** Full identifying label set (observation labels + `alertname` + `severity`). */
  readonly labels: Readonly<Record<string, string>>;
  /** `summary` and optional `description` of the latest anomalous observation. */
  readonly annotations: Readonly<{ summary: string; description?: string }>;
  readonly severity: Severity;
  /** Time of the first anomalous observation of this episode. */
  readonly startsAt: number;
  /** Time of the latest anomalous observation. */
  readonly lastAnomalyAt: number;
  /** Score and value of the latest anomalous observation. */
  readonly score: number;
  readonly value: number;
  readonly status: "firing" | "resolved";
  /** When the alert resolved (set once `status` is `"resolved"`). */
  readonly endsAt?: number;
}

/** A state change the pipeline must notify about. */
export interface AlertTransition {
  readonly kind: "firing" | "resolved";
  readonly alert: AlertRecord;
}

/** Counters of the state machine (monotonic). Every observation either raises, resolves or is counted in `deduplicated`. */
export interface StateCounters {
  observations: number;
  deduplicated: number;
  raised: number;
  resolved: number;
}

/**
 * Tracks firing alerts by fingerprint. Memory is O(firing alerts).
 * @throws {AlertConfigError} when `resolveAfterMs` is negative or not finite.
 */
export class AlertStateMachine {
  private readonly alerts = new Map<string, AlertRecord>();
  readonly counters: StateCounters = { observations: 0, deduplicated: 0, raised: 0, resolved: 0 };

  constructor(private readonly resolveAfterMs: number) {
    if (!Number.isFinite(resolveAfterMs) || resolveAfterMs < 0) throw new AlertConfigError("resolveAfterMs", resolveAfterMs, "expected a finite number >= 0");
  }

  /** Applies one observation; returns the transition it caused, if any. */
  observe(o: AnomalyObservation): AlertTransition | undefined {
    this.counters.observations++;
    const labels = alertLabelSet(o.alertname, o.severity, o.labels);
    const fingerprint = labelSetFingerprint(labels);
    const current = this.alerts.get(fingerprint);
    if (o.anomalous) {
      const annotations = o.description === undefined ? { summary: o.summary } : { summary: o.summary, description: o.description };
      if (current === undefined) {
        const alert: AlertRecord = { fingerprint, labels, annotations, severity: o.severity, startsAt: o.at, lastAnomalyAt: o.at, score: o.score, value: o.value, status: "firing" };
        this.alerts.set(fingerprint, alert);
        this.counters.raised++;
        return { kind: "firing", alert };
      }
      this.alerts.set(fingerprint, { ...current, annotations, score: o.score, value: o.value, lastAnomalyAt: Math.max(current.lastAnomalyAt, o.at) });
      this.counters.deduplicated++;
      return undefined;
    }
    if (current !== undefined && o.at - current.lastAnomalyAt >= this.resolveAfterMs) return this.resolve(current, o.at);
    this.counters.deduplicated++;
    return undefined;
  }

  /** Resolves every firing alert whose last anomaly is at least `resolveAfterMs` before `now` (series that went quiet). */
  expire(now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const alert of [...this.alerts.values()]) {
      if (now - alert.lastAnomalyAt >= this.resolveAfterMs) out.push(this.resolve(alert, now));
    }
    return out;
  }

  /** The firing alerts, in insertion order. */
  firing(): AlertRecord[] {
    return [...this.alerts.values()];
  }

  /** The firing alert with this fingerprint, if any. */
  get(fingerprint: string): AlertRecord | undefined {
    return this.alerts.get(fingerprint);
  }

  /** Re-inserts firing alerts persisted before a restart (their episode continues; no new transition is emitted). */
  restore(alerts: readonly AlertRecord[]): void {
    for (const a of alerts) if (a.status === "firing") this.alerts.set(a.fingerprint, a);
  }

  private resolve(alert: AlertRecord, at: number): AlertTransition {
    this.alerts.delete(alert.fingerprint);
    this.counters.resolved++;
    return { kind: "resolved", alert: { ...alert, status: "resolved", endsAt: at } };
  }
}
