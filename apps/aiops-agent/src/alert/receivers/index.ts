/** Receiver adapters: one pure request builder per configured receiver. */
import type { ReceiverMode } from "../policy.js";
import type { ResolvedReceiver } from "../types.js";
import { alertmanagerRequest } from "./alertmanager.js";
import type { BuildContext, PendingNotification } from "./context.js";
import type { HttpRequestSpec } from "./http.js";
import { pagerDutyRequest } from "./pagerduty.js";
import { slackRequest } from "./slack.js";
import { webhookRequest } from "./webhook.js";

/** A configured receiver as the dispatcher uses it. */
export interface ReceiverAdapter {
  readonly name: string;
  readonly type: ResolvedReceiver["type"];
  readonly mode: ReceiverMode;
  /** Notifications per request: Alertmanager takes a list (up to 64 here), the others one event per request. */
  readonly maxBatch: number;
  /** Builds the request of a batch (length ≤ `maxBatch`). Pure. */
  build(batch: readonly PendingNotification[], ctx: BuildContext): HttpRequestSpec;
}

/** Alertmanager batch size: one POST of many alerts instead of many POSTs (Prometheus batches too). */
export const ALERTMANAGER_BATCH = 64;

function only(batch: readonly PendingNotification[]): PendingNotification {
  const first = batch[0];
  if (first === undefined || batch.length !== 1) throw new RangeError(`expected exactly one notification, got ${batch.length}`);
  return first;
}

/** The adapter of a receiver. */
export function receiverAdapter(r: ResolvedReceiver): ReceiverAdapter {
  switch (r.type) {
    case "alertmanager":
      return { name: r.name, type: r.type, mode: "alertmanager", maxBatch: ALERTMANAGER_BATCH, build: (b, ctx) => alertmanagerRequest(r.url, b, ctx) };
    case "webhook":
      return { name: r.name, type: r.type, mode: "direct", maxBatch: 1, build: (b, ctx) => webhookRequest(r.url, r.hmacSecret, only(b), ctx) };
    case "slack":
      return { name: r.name, type: r.type, mode: "direct", maxBatch: 1, build: (b, ctx) => slackRequest(r.webhookUrl, only(b), ctx) };
    case "pagerduty":
      return { name: r.name, type: r.type, mode: "direct", maxBatch: 1, build: (b, ctx) => pagerDutyRequest(r.routingKey, r.eventsUrl, only(b), ctx) };
  }
}
