/**
 * Which notifications each receiver gets (pure: a reconciliation of "what is firing" against "what this receiver
 * was told", no IO, time passed in).
 *
 * Alertmanager receivers (state-based, https://prometheus.io/docs/alerting/latest/clients/): a firing alert is sent
 * when it starts and re-sent every `resendMs` while it fires (each send pushes its `endsAt` forward), and the
 * resolve is sent once when it ends. Alertmanager itself groups, deduplicates, silences and repeats.
 *
 * Direct receivers (event-based: webhook, Slack, PagerDuty): one trigger per episode and one resolve after it.
 * Cooldown: a new episode of the same fingerprint within `cooldownMs` of the previous trigger is not notified
 * (counted as deduplicated); if it is still firing when the cooldown ends, the trigger goes out then. A resolve is
 * only sent for an episode whose trigger was sent, so a receiver never sees a resolve without its trigger.
 */
import type { AlertRecord } from "./state.js";

/** How a receiver consumes alerts. */
export type ReceiverMode = "alertmanager" | "direct";

/** What one receiver was told about one fingerprint. Persisted across restarts. */
export interface DeliveryRecord {
  /** A trigger (or Alertmanager firing post) was enqueued and its resolve was not yet. */
  open: boolean;
  /** The alert as last enqueued while open (used to build the resolve). */
  alert?: AlertRecord;
  /** When the last trigger of a new episode was enqueued (cooldown reference), ms. */
  lastTriggerAt?: number;
  /** When the last firing post was enqueued (Alertmanager re-send reference), ms. */
  lastSentAt?: number;
  /** `startsAt` of the episode already counted as suppressed (count each suppressed episode once). */
  suppressedStartsAt?: number;
}

/** A notification to enqueue for one receiver. */
export interface Notification {
  readonly receiver: string;
  readonly kind: "firing" | "resolved";
  readonly alert: AlertRecord;
}

/** Result of {@link NotificationPlanner.plan}. */
export interface Plan {
  readonly notifications: Notification[];
  /** Episodes newly suppressed by cooldown or resolves skipped because their trigger was, per receiver. */
  readonly suppressed: Record<string, number>;
  /** True when the persisted records changed. */
  readonly changed: boolean;
}

/** Serializable planner state: receiver name → fingerprint → record. */
export type PlannerState = Record<string, Record<string, DeliveryRecord>>;

/** Reconciles firing alerts against per-receiver delivery records. Memory is O(receivers × (firing + cooling) alerts). */
export class NotificationPlanner {
  private readonly records = new Map<string, Map<string, DeliveryRecord>>();

  /**
   * @param receivers receiver names and modes, in delivery order.
   * @param cooldownMs minimum time between two triggers of the same fingerprint to a direct receiver.
   * @param resendMs interval of Alertmanager re-sends of a firing alert.
   */
  constructor(
    private readonly receivers: readonly { name: string; mode: ReceiverMode }[],
    private readonly cooldownMs: number,
    private readonly resendMs: number,
  ) {
    for (const r of receivers) this.records.set(r.name, new Map());
  }

  /**
   * Plans notifications at `now` (ms).
   * @param firing the alerts firing now.
   * @param resolvedAt fingerprint → resolve time of alerts that resolved since the last plan (`now` is used for
   *   open records whose alert vanished otherwise, e.g. after a restart that lost the alert state).
   * @param hasPending whether the receiver still has an undelivered entry for the fingerprint (suppresses redundant
   *   Alertmanager re-sends while one is queued).
   */
  plan(now: number, firing: readonly AlertRecord[], resolvedAt: ReadonlyMap<string, number>, hasPending: (receiver: string, fingerprint: string) => boolean): Plan {
    const notifications: Notification[] = [];
    const suppressed: Record<string, number> = {};
    let changed = false;
    const firingByFp = new Map(firing.map((a) => [a.fingerprint, a]));
    for (const { name, mode } of this.receivers) {
      const recs = this.records.get(name) ?? new Map<string, DeliveryRecord>();
      suppressed[name] = 0;
      // Resolves first: an episode that ended (or was replaced by a newer one) is closed before anything new opens.
      for (const [fp, rec] of recs) {
        const current = firingByFp.get(fp);
        if (!rec.open || rec.alert === undefined) continue;
        if (current !== undefined && current.startsAt === rec.alert.startsAt) continue;
        const endsAt = resolvedAt.get(fp) ?? now;
        notifications.push({ receiver: name, kind: "resolved", alert: { ...rec.alert, status: "resolved", endsAt } });
        rec.open = false;
        delete rec.alert;
        changed = true;
      }
      for (const alert of firing) {
        const fp = alert.fingerprint;
        let rec = recs.get(fp);
        if (rec === undefined) {
          rec = { open: false };
          recs.set(fp, rec);
        }
        if (mode === "alertmanager") {
          if (!rec.open || rec.lastSentAt === undefined || (now - rec.lastSentAt >= this.resendMs && !hasPending(name, fp))) {
            notifications.push({ receiver: name, kind: "firing", alert });
            rec.open = true;
            rec.alert = alert;
            rec.lastSentAt = now;
            changed = true;
          }
          continue;
        }
        if (rec.open) continue;
        if (rec.lastTriggerAt === undefined || now - rec.lastTriggerAt >= this.cooldownMs) {
          notifications.push({ receiver: name, kind: "firing", alert });
          Object.assign(rec, { open: true, alert, lastTriggerAt: now, lastSentAt: now });
          delete rec.suppressedStartsAt;
          changed = true;
        } else if (rec.suppressedStartsAt !== alert.startsAt) {
          rec.suppressedStartsAt = alert.startsAt;
          suppressed[name]++;
          changed = true;
        }
      }
      // Forget closed records whose cooldown is over and whose alert is not firing.
      for (const [fp, rec] of recs) {
        if (rec.open || firingByFp.has(fp)) continue;
        if (rec.lastTriggerAt === undefined || now - rec.lastTriggerAt >= this.cooldownMs || mode === "alertmanager") {
          recs.delete(fp);
          changed = true;
        }
      }
      this.records.set(name, recs);
    }
    return { notifications, suppressed, changed };
  }

  /**
   * Marks the receiver's record of `fingerprint` closed without a resolve (its undelivered trigger was dropped from
   * the outbox): if the alert still fires, a new trigger goes out once the cooldown allows.
   */
  forget(receiver: string, fingerprint: string): void {
    const rec = this.records.get(receiver)?.get(fingerprint);
    if (rec === undefined) return;
    rec.open = false;
    delete rec.alert;
    delete rec.lastSentAt;
  }

  /** A deep copy of the records, for persistence. */
  snapshot(): PlannerState {
    const out: PlannerState = {};
    for (const [name, recs] of this.records) out[name] = Object.fromEntries([...recs].map(([fp, r]) => [fp, { ...r }]));
    return out;
  }

  /** Loads records saved by {@link NotificationPlanner.snapshot}; receivers no longer configured are ignored. */
  restore(state: PlannerState): void {
    for (const [name, recs] of Object.entries(state)) {
      const target = this.records.get(name);
      if (target === undefined) continue;
      for (const [fp, r] of Object.entries(recs)) target.set(fp, { ...r });
    }
  }
}
