/**
 * Generic JSON webhook receiver. The body is {@link WebhookBody}; headers:
 * - `X-Soc-Delivery`: the notification's idempotency key ({@link deliveryKey}); a redelivery after a crash repeats it.
 * - `X-Soc-Timestamp`: send time in Unix seconds (also inside the signed body as `sentAt`).
 * - `X-Soc-Signature`: `sha256=<lowercase hex HMAC-SHA256(secret, raw body bytes)>` when a secret is configured.
 *
 * The signature scheme is GitHub's `X-Hub-Signature-256` (HMAC of the exact body, hex, `sha256=` prefix,
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries), so existing verifiers work.
 * Replay protection in the spirit of Stripe's signed timestamp (https://docs.stripe.com/webhooks#verify-manually)
 * comes from `sentAt` being inside the signed body: verify the signature, then reject old `sentAt` values
 * ({@link verifyWebhookSignature} does both). Compare signatures in constant time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { type BuildContext, deliveryKey, finite, type PendingNotification, rfc3339 } from "./context.js";
import type { HttpRequestSpec } from "./http.js";

/** JSON body of a webhook notification (`version` "1"). Times are RFC 3339 except `sentAt` (Unix seconds). */
export interface WebhookBody {
  version: "1";
  /** Idempotency key, same as the `X-Soc-Delivery` header. */
  id: string;
  status: "firing" | "resolved";
  fingerprint: string;
  alertname: string;
  severity: string;
  labels: Record<string, string>;
  annotations: { summary: string; description?: string };
  startsAt: string;
  /** Present when resolved. */
  endsAt?: string;
  score?: number;
  value?: number;
  source: string;
  generatorURL?: string;
  /** Send time, Unix seconds (signed replay guard). */
  sentAt: number;
}

/** The body of one notification. */
export function webhookBody(n: PendingNotification, ctx: BuildContext): WebhookBody {
  const { alert } = n;
  const body: WebhookBody = {
    version: "1",
    id: deliveryKey(n),
    status: n.kind,
    fingerprint: alert.fingerprint,
    alertname: alert.labels.alertname ?? "",
    severity: alert.severity,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: rfc3339(alert.startsAt),
    source: ctx.source,
    sentAt: Math.floor(ctx.now / 1000),
  };
  if (n.kind === "resolved") body.endsAt = rfc3339(alert.endsAt ?? ctx.now);
  const score = finite(alert.score);
  const value = finite(alert.value);
  if (score !== undefined) body.score = score;
  if (value !== undefined) body.value = value;
  if (ctx.generatorURL !== undefined) body.generatorURL = ctx.generatorURL;
  return body;
}

/** `sha256=<hex HMAC-SHA256(secret, body)>`, the `X-Soc-Signature` value. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/**
 * Receiver-side check of a delivery: constant-time comparison of `signatureHeader` with the HMAC of the raw `body`,
 * then (when `now` is given) `sentAt` inside the body within `toleranceMs` (default 5 min) of `now`.
 * Returns false on any mismatch, a malformed header or an unparsable body; never throws.
 */
export function verifyWebhookSignature(body: string, signatureHeader: string | undefined, secret: string, options: { now?: number; toleranceMs?: number } = {}): boolean {
  if (signatureHeader === undefined || !/^sha256=[0-9a-f]{64}$/.test(signatureHeader)) return false;
  const expected = Buffer.from(signWebhookBody(body, secret));
  const given = Buffer.from(signatureHeader);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
  if (options.now === undefined) return true;
  try {
    const sentAt = (JSON.parse(body) as { sentAt?: unknown }).sentAt;
    return typeof sentAt === "number" && Math.abs(options.now - sentAt * 1000) <= (options.toleranceMs ?? 300_000);
  } catch {
    return false;
  }
}

/** The signed request of one notification. */
export function webhookRequest(url: string, hmacSecret: string | undefined, n: PendingNotification, ctx: BuildContext): HttpRequestSpec {
  const body = JSON.stringify(webhookBody(n, ctx));
  const headers: Record<string, string> = { "x-soc-delivery": deliveryKey(n), "x-soc-timestamp": String(Math.floor(ctx.now / 1000)) };
  if (hmacSecret !== undefined) headers["x-soc-signature"] = signWebhookBody(body, hmacSecret);
  return { url, headers, body };
}
