// Payload shapes against the documented formats:
// Alertmanager postableAlerts (api/v2/openapi.yaml), Slack incoming webhooks + Block Kit limits,
// PagerDuty Events API v2 trigger/resolve, and the signed generic webhook.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { alertmanagerAlert, alertmanagerAlertsUrl, alertmanagerRequest } from "../../src/alert/receivers/alertmanager.js";
import type { BuildContext, PendingNotification } from "../../src/alert/receivers/context.js";
import { receiverAdapter } from "../../src/alert/receivers/index.js";
import { PAGERDUTY_EVENTS_URL, pagerDutyEvent, pagerDutyRequest } from "../../src/alert/receivers/pagerduty.js";
import { slackEscape, slackMessage } from "../../src/alert/receivers/slack.js";
import { signWebhookBody, verifyWebhookSignature, webhookBody, webhookRequest } from "../../src/alert/receivers/webhook.js";
import { AlertStateMachine } from "../../src/alert/state.js";
import { obs } from "./helpers.js";

const T0 = Date.parse("2026-03-01T12:00:00Z");
const ctx: BuildContext = { now: T0 + 120_000, source: "pi-1", resendMs: 60_000, generatorURL: "http://pi-1:9101/metrics" };
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function notifications(over = {}): { firing: PendingNotification; resolved: PendingNotification } {
  const m = new AlertStateMachine(60_000);
  const fired = m.observe(obs({ at: T0, description: "5σ above the seasonal baseline", ...over }));
  const resolved = m.observe(obs({ at: T0 + 90_000, anomalous: false, ...over }));
  if (fired === undefined || resolved === undefined) throw new Error("expected transitions");
  return { firing: { kind: "firing", alert: fired.alert }, resolved: { kind: "resolved", alert: resolved.alert } };
}

describe("Alertmanager postable alerts", () => {
  const { firing, resolved } = notifications();

  it("carries labels, annotations, startsAt, an endsAt 4 re-send intervals ahead, and generatorURL", () => {
    const a = alertmanagerAlert(firing, ctx);
    expect(Object.keys(a).sort()).toEqual(["annotations", "endsAt", "generatorURL", "labels", "startsAt"]);
    expect(a.labels).toEqual({ alertname: "HostCpuAnomaly", severity: "warning", instance: "pi-1", cpu: "total" });
    expect(a.annotations).toEqual({ summary: "CPU usage 93% is anomalous", description: "5σ above the seasonal baseline", score: "0.970", value: "0.93" });
    expect(a.startsAt).toBe("2026-03-01T12:00:00.000Z");
    expect(Date.parse(a.endsAt)).toBe(ctx.now + 240_000);
    expect(a.generatorURL).toBe(ctx.generatorURL);
  });

  it("sends the resolve with endsAt at the resolve time, never after the send time", () => {
    const a = alertmanagerAlert(resolved, ctx);
    expect(a.endsAt).toBe("2026-03-01T12:01:30.000Z");
    expect(Date.parse(a.endsAt)).toBeLessThanOrEqual(ctx.now);
    expect(Date.parse(alertmanagerAlert(resolved, { ...ctx, now: T0 + 10_000 }).endsAt)).toBe(T0 + 10_000);
  });

  it("posts a JSON array to /api/v2/alerts", () => {
    expect(alertmanagerAlertsUrl("http://am:9093")).toBe("http://am:9093/api/v2/alerts");
    expect(alertmanagerAlertsUrl("http://am:9093/")).toBe("http://am:9093/api/v2/alerts");
    expect(alertmanagerAlertsUrl("http://am:9093/api/v2/alerts")).toBe("http://am:9093/api/v2/alerts");
    const req = alertmanagerRequest("http://am:9093", [firing, resolved], ctx);
    expect(JSON.parse(req.body)).toHaveLength(2);
  });

  it("omits non-finite score/value instead of sending null", () => {
    const { firing: f } = notifications({ score: Number.NaN, value: Number.POSITIVE_INFINITY });
    expect(alertmanagerAlert(f, ctx).annotations).not.toHaveProperty("score");
    expect(alertmanagerAlert(f, ctx).annotations).not.toHaveProperty("value");
  });
});

describe("signed JSON webhook", () => {
  const { firing, resolved } = notifications();
  const secret = "s3cret-shared-key";

  it("body has status, identity, times and the signed sentAt", () => {
    const b = webhookBody(resolved, ctx);
    expect(b).toMatchObject({ version: "1", status: "resolved", alertname: "HostCpuAnomaly", severity: "warning", fingerprint: resolved.alert.fingerprint, source: "pi-1", sentAt: Math.floor(ctx.now / 1000) });
    expect(b.startsAt).toMatch(RFC3339);
    expect(b.endsAt).toBe("2026-03-01T12:01:30.000Z");
    expect(webhookBody(firing, ctx)).not.toHaveProperty("endsAt");
    expect(b.id).toBe(`${resolved.alert.fingerprint}-${T0}-resolved`);
  });

  it("X-Soc-Signature is sha256=<hex HMAC-SHA256(secret, body)> and verifies", () => {
    const req = webhookRequest("http://hook", secret, firing, ctx);
    const expected = `sha256=${createHmac("sha256", secret).update(req.body).digest("hex")}`;
    expect(req.headers["x-soc-signature"]).toBe(expected);
    expect(req.headers["x-soc-timestamp"]).toBe(String(Math.floor(ctx.now / 1000)));
    expect(req.headers["x-soc-delivery"]).toBe(`${firing.alert.fingerprint}-${T0}-firing`);
    expect(verifyWebhookSignature(req.body, req.headers["x-soc-signature"], secret)).toBe(true);
    expect(verifyWebhookSignature(req.body, req.headers["x-soc-signature"], secret, { now: ctx.now + 60_000 })).toBe(true);
  });

  it("rejects a tampered body, a wrong secret, a malformed header and a stale sentAt", () => {
    const req = webhookRequest("http://hook", secret, firing, ctx);
    const sig = req.headers["x-soc-signature"];
    expect(verifyWebhookSignature(req.body.replace("pi-1", "pi-9"), sig, secret)).toBe(false);
    expect(verifyWebhookSignature(req.body, sig, "other")).toBe(false);
    expect(verifyWebhookSignature(req.body, "sha1=abc", secret)).toBe(false);
    expect(verifyWebhookSignature(req.body, undefined, secret)).toBe(false);
    expect(verifyWebhookSignature(req.body, sig, secret, { now: ctx.now + 600_000 })).toBe(false);
    expect(signWebhookBody("{}", secret)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("is unsigned without a secret", () => {
    expect(webhookRequest("http://hook", undefined, firing, ctx).headers).not.toHaveProperty("x-soc-signature");
  });
});

describe("Slack incoming webhook", () => {
  it("has fallback text and Block Kit blocks within Slack's limits", () => {
    const { firing } = notifications({ summary: `<script> & ${"x".repeat(4000)}`, labels: { instance: "pi-1", mount: "/var/<log>" } });
    const msg = slackMessage(firing, ctx);
    expect(Object.keys(msg).sort()).toEqual(["blocks", "text"]);
    expect(msg.text.startsWith("[FIRING] HostCpuAnomaly (warning): ")).toBe(true);
    expect(msg.text.length).toBeLessThanOrEqual(3000);
    expect(msg.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "context"]);
    const [header, summary, fields, context] = msg.blocks;
    if (header?.type !== "header" || summary?.type !== "section" || fields?.type !== "section" || context?.type !== "context") throw new Error("block order");
    expect(header.text.type).toBe("plain_text");
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(summary.text?.type).toBe("mrkdwn");
    expect(summary.text?.text.length).toBeLessThanOrEqual(3000);
    expect(summary.text?.text).toContain("&lt;script&gt; &amp; ");
    expect(fields.fields?.length).toBeLessThanOrEqual(10);
    for (const f of fields.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect(fields.fields?.map((f) => f.text.split("\n")[0])).toEqual(["*Severity*", "*Started*", "*Score*", "*Value*"]);
    expect(context.elements.length).toBeLessThanOrEqual(10);
    expect(context.elements[0]?.text).toContain("`mount=/var/&lt;log&gt;`");
    expect(context.elements[1]?.text).toBe("<http://pi-1:9101/metrics|source>");
  });

  it("marks resolves and shows the resolve time", () => {
    const { resolved } = notifications();
    const msg = slackMessage(resolved, ctx);
    expect(msg.text.startsWith("[RESOLVED] HostCpuAnomaly")).toBe(true);
    const fields = msg.blocks[2];
    expect(fields?.type === "section" ? fields.fields?.map((f) => f.text.split("\n")[0]) : []).toContain("*Resolved*");
    expect(JSON.stringify(msg)).toContain(`<!date^${Math.floor((T0 + 90_000) / 1000)}^`);
  });

  it("escapes exactly &, < and >", () => {
    expect(slackEscape("a & <b> \"c\"")).toBe("a &amp; &lt;b&gt; \"c\"");
  });
});

describe("PagerDuty Events API v2", () => {
  const key = "R0UTINGKEY0123456789abcdefABCDEF";

  it("trigger has routing_key, event_action, dedup_key = fingerprint and the required payload fields", () => {
    const { firing } = notifications();
    const ev = pagerDutyEvent(key, firing, ctx);
    if (ev.event_action !== "trigger") throw new Error("expected a trigger");
    expect(ev.routing_key).toBe(key);
    expect(ev.dedup_key).toBe(firing.alert.fingerprint);
    expect(ev.payload.summary).toBe("CPU usage 93% is anomalous");
    expect(ev.payload.source).toBe("pi-1");
    expect(["critical", "error", "warning", "info"]).toContain(ev.payload.severity);
    expect(ev.payload.timestamp).toMatch(RFC3339);
    expect(ev.payload).toMatchObject({ class: "HostCpuAnomaly", component: "pi-1", custom_details: { score: 0.97, value: 0.93, labels: { instance: "pi-1" } } });
    expect(ev.client_url).toBe(ctx.generatorURL);
  });

  it("resolve carries only routing_key, event_action and the same dedup_key", () => {
    const { firing, resolved } = notifications();
    expect(pagerDutyEvent(key, resolved, ctx)).toEqual({ routing_key: key, event_action: "resolve", dedup_key: firing.alert.fingerprint });
  });

  it("truncates the summary to 1024 characters and posts to the enqueue endpoint", () => {
    const { firing } = notifications({ summary: "y".repeat(2000) });
    const ev = pagerDutyEvent(key, firing, ctx);
    expect(ev.event_action === "trigger" ? ev.payload.summary.length : 0).toBe(1024);
    expect(pagerDutyRequest(key, undefined, firing, ctx).url).toBe(PAGERDUTY_EVENTS_URL);
    expect(PAGERDUTY_EVENTS_URL).toBe("https://events.pagerduty.com/v2/enqueue");
  });
});

describe("receiverAdapter", () => {
  it("batches for Alertmanager only", () => {
    expect(receiverAdapter({ type: "alertmanager", name: "am", url: "http://am" }).maxBatch).toBeGreaterThan(1);
    const slack = receiverAdapter({ type: "slack", name: "s", webhookUrl: "http://s" });
    expect(slack.maxBatch).toBe(1);
    const { firing, resolved } = notifications();
    expect(() => slack.build([firing, resolved], ctx)).toThrow(RangeError);
  });
});
