/**
 * Slack incoming-webhook receiver: `POST <webhookUrl>` with `{ text, blocks }`
 * (https://api.slack.com/messaging/webhooks). `text` is the notification fallback; `blocks` use Block Kit
 * (https://api.slack.com/reference/block-kit/blocks): a `header` (plain_text, ≤ 150 chars), a `section` with the
 * summary (mrkdwn, ≤ 3000 chars), a `section` with up to 10 `fields` (≤ 2000 chars each) and a `context` block
 * (≤ 10 elements) with labels and the link. mrkdwn text escapes `&`, `<`, `>` as Slack requires
 * (https://api.slack.com/reference/surfaces/formatting#escaping). Times use Slack's `<!date^…>` token so each
 * reader sees their own time zone (https://api.slack.com/reference/surfaces/formatting#date-formatting).
 */
import { type BuildContext, finite, type PendingNotification } from "./context.js";
import type { HttpRequestSpec } from "./http.js";

/** A Block Kit text object. */
export interface SlackText {
  type: "plain_text" | "mrkdwn";
  text: string;
  emoji?: boolean;
}

/** The Block Kit blocks this receiver emits. */
export type SlackBlock =
  | { type: "header"; text: SlackText }
  | { type: "section"; text?: SlackText; fields?: SlackText[] }
  | { type: "context"; elements: SlackText[] };

/** Body of an incoming-webhook post. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Escapes `&`, `<`, `>` for mrkdwn. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function slackDate(ms: number): string {
  const sec = Math.floor(ms / 1000);
  return `<!date^${sec}^{date_short_pretty} {time_secs}|${new Date(ms).toISOString()}>`;
}

/** The message of one notification. */
export function slackMessage(n: PendingNotification, ctx: BuildContext): SlackMessage {
  const { alert } = n;
  const name = alert.labels.alertname ?? "alert";
  const status = n.kind === "firing" ? "FIRING" : "RESOLVED";
  const icon = n.kind === "firing" ? (alert.severity === "critical" ? ":rotating_light:" : ":warning:") : ":white_check_mark:";
  const summary = alert.annotations.summary;
  const text = clip(`[${status}] ${name} (${alert.severity}): ${summary}`, 3000);
  let body = `*${slackEscape(summary)}*`;
  if (alert.annotations.description !== undefined) body += `\n${slackEscape(alert.annotations.description)}`;
  const fields: SlackText[] = [
    { type: "mrkdwn", text: `*Severity*\n${alert.severity}` },
    { type: "mrkdwn", text: `*Started*\n${slackDate(alert.startsAt)}` },
  ];
  if (n.kind === "resolved") fields.push({ type: "mrkdwn", text: `*Resolved*\n${slackDate(alert.endsAt ?? ctx.now)}` });
  const score = finite(alert.score);
  const value = finite(alert.value);
  if (score !== undefined) fields.push({ type: "mrkdwn", text: `*Score*\n${score.toFixed(3)}` });
  if (value !== undefined) fields.push({ type: "mrkdwn", text: `*Value*\n${value}` });
  const labels = Object.entries(alert.labels)
    .filter(([k]) => k !== "alertname" && k !== "severity")
    .map(([k, v]) => `\`${slackEscape(k)}=${slackEscape(v)}\``)
    .join(" ");
  const context: SlackText[] = [{ type: "mrkdwn", text: clip(`${labels === "" ? "" : `${labels} · `}${slackEscape(ctx.source)} · fingerprint ${alert.fingerprint}`, 2000) }];
  if (ctx.generatorURL !== undefined) context.push({ type: "mrkdwn", text: `<${ctx.generatorURL}|source>` });
  return {
    text,
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(`${n.kind === "firing" ? "🔥" : "✅"} ${status}: ${name}`, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: clip(`${icon} ${body}`, 3000) } },
      { type: "section", fields: fields.slice(0, 10).map((f) => ({ ...f, text: clip(f.text, 2000) })) },
      { type: "context", elements: context.slice(0, 10) },
    ],
  };
}

/** The request of one notification. */
export function slackRequest(webhookUrl: string, n: PendingNotification, ctx: BuildContext): HttpRequestSpec {
  return { url: webhookUrl, headers: {}, body: JSON.stringify(slackMessage(n, ctx)) };
}
