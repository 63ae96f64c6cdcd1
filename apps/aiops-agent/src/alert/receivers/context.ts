/** What every payload builder gets besides the notification itself. */
import type { AlertRecord } from "../state.js";

/** Send-time context of a payload builder. */
export interface BuildContext {
  /** Send time, ms since the epoch. */
  readonly now: number;
  /** Agent/host name (PagerDuty `payload.source`, webhook `source`). */
  readonly source: string;
  /** Link back to the agent (Alertmanager `generatorURL`, Slack/PagerDuty link), if configured. */
  readonly generatorURL?: string;
  /** Alertmanager re-send interval, ms (the `endsAt` horizon of firing alerts is 4× this). */
  readonly resendMs: number;
}

/** A notification as the builders consume it (an outbox entry's payload-relevant fields). */
export interface PendingNotification {
  readonly kind: "firing" | "resolved";
  readonly alert: AlertRecord;
}

/** RFC 3339 timestamp (UTC, ms precision) of ms since the epoch. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Stable idempotency key of a notification: `<fingerprint>-<startsAt ms>-<kind>`. The same notification re-sent
 * after a crash (delivered but not yet removed from the outbox) carries the same key, so receivers can drop it.
 */
export function deliveryKey(n: PendingNotification): string {
  return `${n.alert.fingerprint}-${n.alert.startsAt}-${n.kind}`;
}

/** A finite number for JSON (NaN/±Infinity would serialize as null or be rejected); undefined otherwise. */
export function finite(x: number): number | undefined {
  return Number.isFinite(x) ? x : undefined;
}
