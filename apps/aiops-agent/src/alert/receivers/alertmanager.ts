/**
 * Prometheus Alertmanager receiver: `POST <url>/api/v2/alerts` with a JSON array of postable alerts
 * (`labels`, `annotations`, `startsAt`, `endsAt`, `generatorURL`), as specified by the Alertmanager OpenAPI
 * (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml, `postableAlerts`) and the client
 * contract at https://prometheus.io/docs/alerting/latest/clients/: a firing alert is re-sent while it fires, each
 * time with `endsAt` = now + 4 × the re-send interval (the horizon Prometheus itself uses, `4 * resendDelay` in
 * rules/alerting.go), so Alertmanager resolves it on its own if the agent dies; the resolve is the same label set
 * with `endsAt` at the resolve time, which is in the past when it arrives. Alertmanager does the grouping,
 * inhibition, silencing and repeat notifications.
 */
import type { HttpRequestSpec } from "./http.js";
import { type BuildContext, finite, type PendingNotification, rfc3339 } from "./context.js";

/** One element of the `POST /api/v2/alerts` body (`postableAlert`). Times are RFC 3339. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/**
 * The postable alert of one notification. Annotations: `summary`, `description` (if any), `score` and `value`
 * (latest anomalous point, as strings). A resolve's `endsAt` is its resolve time, clamped to `ctx.now` at most.
 */
export function alertmanagerAlert(n: PendingNotification, ctx: BuildContext): PostableAlert {
  const { alert } = n;
  const annotations: Record<string, string> = { summary: alert.annotations.summary };
  if (alert.annotations.description !== undefined) annotations.description = alert.annotations.description;
  const score = finite(alert.score);
  const value = finite(alert.value);
  if (score !== undefined) annotations.score = score.toFixed(3);
  if (value !== undefined) annotations.value = String(value);
  const endsAt = n.kind === "firing" ? ctx.now + 4 * ctx.resendMs : Math.min(alert.endsAt ?? ctx.now, ctx.now);
  const out: PostableAlert = { labels: { ...alert.labels }, annotations, startsAt: rfc3339(alert.startsAt), endsAt: rfc3339(Math.max(endsAt, alert.startsAt)) };
  if (ctx.generatorURL !== undefined) out.generatorURL = ctx.generatorURL;
  return out;
}

/** `<base>/api/v2/alerts` (a base that already ends with it is kept; trailing slashes are trimmed). */
export function alertmanagerAlertsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, "");
  return trimmed.endsWith("/api/v2/alerts") ? trimmed : `${trimmed}/api/v2/alerts`;
}

/** The request posting a batch of notifications (one alert per notification, in order). */
export function alertmanagerRequest(baseUrl: string, batch: readonly PendingNotification[], ctx: BuildContext): HttpRequestSpec {
  return { url: alertmanagerAlertsUrl(baseUrl), headers: {}, body: JSON.stringify(batch.map((n) => alertmanagerAlert(n, ctx))) };
}
