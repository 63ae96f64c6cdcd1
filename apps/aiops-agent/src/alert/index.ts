/**
 * Alerting for the AIOps agent: anomaly observations in, notifications out — to Prometheus Alertmanager
 * (`/api/v2/alerts`) or directly to a signed JSON webhook, Slack or PagerDuty — with fingerprint deduplication,
 * cooldown, resolve-after hold-down, retries with backoff and a crash-safe outbox. Entry point: {@link createAlertSink}.
 */
export type * from "./types.js";
export { createAlertSink, AlertPipeline, ALERT_SINK_DEFAULTS } from "./sink.js";
export { AlertConfigError, DeliveryError, OutboxCorruptError } from "./errors.js";
export { labelSetFingerprint, alertLabelSet, sanitizeLabelName } from "./fingerprint.js";
export { AlertStateMachine, type AlertRecord, type AlertTransition, type StateCounters } from "./state.js";
export { NotificationPlanner, type DeliveryRecord, type Notification, type Plan, type PlannerState, type ReceiverMode } from "./policy.js";
export { backoffDelay, parseRetryAfter, retryPolicy, type RetryPolicy } from "./backoff.js";
export { chooseEvictions, type EvictableEntry } from "./eviction.js";
export { Outbox, atomicWrite, type OutboxEntry, type OpenedOutbox } from "./outbox.js";
export { alertSinkOptionsFromConfig, resolveAlertReceivers, type AlertingConfig, type ConfiguredReceiver, type SecretResolver } from "./config.js";
export { alertmanagerAlert, alertmanagerAlertsUrl, alertmanagerRequest, type PostableAlert } from "./receivers/alertmanager.js";
export { webhookBody, webhookRequest, signWebhookBody, verifyWebhookSignature, type WebhookBody } from "./receivers/webhook.js";
export { slackMessage, slackRequest, slackEscape, type SlackMessage, type SlackBlock, type SlackText } from "./receivers/slack.js";
export { pagerDutyEvent, pagerDutyRequest, PAGERDUTY_EVENTS_URL, type PagerDutyTrigger, type PagerDutyResolve } from "./receivers/pagerduty.js";
export { postJson, type HttpRequestSpec, type PostOptions } from "./receivers/http.js";
export { deliveryKey, rfc3339, type BuildContext, type PendingNotification } from "./receivers/context.js";
export { receiverAdapter, ALERTMANAGER_BATCH, type ReceiverAdapter } from "./receivers/index.js";
