/**
 * PagerDuty Events API v2 receiver: `POST https://events.pagerduty.com/v2/enqueue`
 * (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/,
 * https://developer.pagerduty.com/docs/events-api-v2/resolve-events/). A trigger carries `routing_key`,
 * `event_action: "trigger"`, `dedup_key` = the alert fingerprint (so re-sends update one incident), and `payload`
 * with `summary` (≤ 1024 chars), `source`, `severity` (critical | error | warning | info), `timestamp`,
 * `class` (alertname), `component` (`instance` label when present) and `custom_details`. A resolve carries only
 * `routing_key`, `event_action: "resolve"` and the same `dedup_key`. PagerDuty answers 202 when it accepted the event.
 */
import { type BuildContext, finite, type PendingNotification, rfc3339 } from "./context.js";
import type { HttpRequestSpec } from "./http.js";

/** Default Events API v2 endpoint (US service region; EU accounts use `https://events.eu.pagerduty.com/v2/enqueue`). */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/** Trigger event body. */
export interface PagerDutyTrigger {
  routing_key: string;
  event_action: "trigger";
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: "critical" | "error" | "warning" | "info";
    timestamp: string;
    class: string;
    component?: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
  client_url?: string;
}

/** Resolve event body. */
export interface PagerDutyResolve {
  routing_key: string;
  event_action: "resolve";
  dedup_key: string;
}

/** The event of one notification. */
export function pagerDutyEvent(routingKey: string, n: PendingNotification, ctx: BuildContext): PagerDutyTrigger | PagerDutyResolve {
  const { alert } = n;
  if (n.kind === "resolved") return { routing_key: routingKey, event_action: "resolve", dedup_key: alert.fingerprint };
  const summary = alert.annotations.summary.length > 1024 ? `${alert.annotations.summary.slice(0, 1023)}…` : alert.annotations.summary;
  const details: Record<string, unknown> = { labels: { ...alert.labels }, startsAt: rfc3339(alert.startsAt) };
  if (alert.annotations.description !== undefined) details.description = alert.annotations.description;
  const score = finite(alert.score);
  const value = finite(alert.value);
  if (score !== undefined) details.score = score;
  if (value !== undefined) details.value = value;
  const event: PagerDutyTrigger = {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: alert.fingerprint,
    payload: { summary, source: ctx.source, severity: alert.severity, timestamp: rfc3339(alert.startsAt), class: alert.labels.alertname ?? "alert", custom_details: details },
    client: "aiops-agent",
  };
  const instance = alert.labels.instance;
  if (instance !== undefined) event.payload.component = instance;
  if (ctx.generatorURL !== undefined) event.client_url = ctx.generatorURL;
  return event;
}

/** The request of one notification (`eventsUrl` defaults to {@link PAGERDUTY_EVENTS_URL}). */
export function pagerDutyRequest(routingKey: string, eventsUrl: string | undefined, n: PendingNotification, ctx: BuildContext): HttpRequestSpec {
  return { url: eventsUrl ?? PAGERDUTY_EVENTS_URL, headers: {}, body: JSON.stringify(pagerDutyEvent(routingKey, n, ctx)) };
}
