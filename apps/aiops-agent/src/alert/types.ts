/**
 * The contract between the AIOps service loop and the alerting pipeline.
 *
 * The service evaluates every series on every collection tick and hands each evaluation to
 * {@link AlertSink.observe}; the sink owns everything after that: fingerprinting, the alert state machine
 * (inactive → firing → resolved), cooldown, deduplication, the persistent outbox and delivery with retries to the
 * configured receivers (Prometheus Alertmanager first, direct webhook/Slack/PagerDuty receivers when there is none).
 *
 * Config sources: `monitoring.receivers` (`Receiver` in packages/config/src/schema/stack.ts) and
 * `apps.aiopsAgent.alerting` (`receivers`, `cooldown`, `resolveAfter`, `outboxDir` in
 * packages/config/src/schema/apps.ts). Secrets arrive here already resolved (see {@link ResolvedReceiver}).
 */

/** Alert severities, the same three `apps.aiopsAgent.detectors.static[].severity` allows. */
export type Severity = "critical" | "warning" | "info";

/** One evaluation of one series by the detectors, every collection tick. */
export interface AnomalyObservation {
  /** Alert name, e.g. `"HostCpuAnomaly"`; becomes the `alertname` label (Prometheus convention). */
  readonly alertname: string;
  /**
   * Identifying labels of the series (e.g. `{ instance: "pi-1", cpu: "total" }`). Together with `alertname` they
   * form the alert's fingerprint, so they must NOT contain values that change every tick.
   * An `alertname` key here is ignored (the field above wins).
   */
  readonly labels: Readonly<Record<string, string>>;
  /** True when the detectors flag this point (combined score at or above the configured threshold, `for` met). */
  readonly anomalous: boolean;
  /** Combined anomaly score in [0, 1]. */
  readonly score: number;
  /** The observed value, in the series' base unit (bytes, seconds, ratio …). */
  readonly value: number;
  /** Severity of the alert this observation would raise. */
  readonly severity: Severity;
  /** One-line human summary; becomes the `summary` annotation / Slack text / PagerDuty `payload.summary`. */
  readonly summary: string;
  /** Optional longer text; becomes the `description` annotation. */
  readonly description?: string;
  /** Time of the observation, milliseconds since the Unix epoch (from the service's clock, not `Date.now()`). */
  readonly at: number;
}

/**
 * A receiver with its secrets resolved to plain strings. Mirrors `Receiver` of `@soc/config`
 * (`{ type: "alertmanager", url }`, `{ type: "webhook", url, hmacSecret? }`, `{ type: "slack", webhookUrl }`,
 * `{ type: "pagerduty", routingKey }`), plus the `name` it has in `monitoring.receivers`.
 */
export type ResolvedReceiver =
  | {
      readonly type: "alertmanager";
      readonly name: string;
      /** Base URL of Alertmanager (e.g. `http://alertmanager:9093`); alerts go to `<url>/api/v2/alerts`. */
      readonly url: string;
    }
  | {
      readonly type: "webhook";
      readonly name: string;
      /** Full URL the JSON body is POSTed to. */
      readonly url: string;
      /** Shared secret for the `X-Soc-Signature` HMAC-SHA256 header; unsigned when absent. */
      readonly hmacSecret?: string;
    }
  | {
      readonly type: "slack";
      readonly name: string;
      /** Slack incoming-webhook URL (`https://hooks.slack.com/services/…`). */
      readonly webhookUrl: string;
    }
  | {
      readonly type: "pagerduty";
      readonly name: string;
      /** Events API v2 integration (routing) key, 32 characters. */
      readonly routingKey: string;
      /** Events API endpoint; default `https://events.pagerduty.com/v2/enqueue` (override for EU or tests). */
      readonly eventsUrl?: string;
    };

/** The receiver kinds, as in `Receiver["type"]`. */
export type ReceiverType = ResolvedReceiver["type"];

/**
 * Logger interface the sink writes to; pino's `Logger` satisfies it (`logger.warn({ receiver }, "message")`).
 * The sink never logs secrets (URLs of Slack webhooks and routing keys are redacted).
 */
export interface AlertLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The subset of the WHATWG `fetch` the senders use; global `fetch` satisfies it. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Retry policy of delivery: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export interface RetryOptions {
  /** Delay before the first retry, ms (default 1000). */
  readonly initialDelayMs?: number;
  /** Cap of the delay between attempts, ms (default 300000 = 5 min). */
  readonly maxDelayMs?: number;
  /** Multiplier per attempt (default 2). */
  readonly factor?: number;
  /** Random source in [0, 1) for the jitter (default `Math.random`; inject for deterministic tests). */
  readonly random?: () => number;
}

/** Options of {@link CreateAlertSink}. Durations are milliseconds (convert config strings with `parseDurationSeconds`). */
export interface AlertSinkOptions {
  /** Where notifications go, in order. An empty list is valid: alerts are tracked and counted but sent nowhere. */
  readonly receivers: readonly ResolvedReceiver[];
  /** `apps.aiopsAgent.alerting.cooldown`: no re-notification of the same fingerprint to a direct receiver within this window. */
  readonly cooldownMs: number;
  /** `apps.aiopsAgent.alerting.resolveAfter`: a firing alert resolves after this long without an anomalous observation. */
  readonly resolveAfterMs: number;
  /** `apps.aiopsAgent.alerting.outboxDir`: directory of the persistent outbox (created if missing). */
  readonly outboxDir: string;
  /** Clock in ms since the epoch (default `Date.now`). Only used for delivery timing; alert times come from observations. */
  readonly clock?: () => number;
  /** Logger (default: silent). */
  readonly logger?: AlertLogger;
  /** HTTP client (default global `fetch`). */
  readonly fetch?: FetchLike;
  /** Per-request timeout, ms (default 10000). */
  readonly requestTimeoutMs?: number;
  /** Retry policy of delivery. */
  readonly retry?: RetryOptions;
  /**
   * How often a still-firing alert is re-sent to Alertmanager, ms (default 60000). Each post carries
   * `endsAt = now + 4 × this`, so Alertmanager keeps the alert active across a few lost re-sends but resolves it on
   * its own if the agent dies (https://prometheus.io/docs/alerting/latest/clients/).
   */
  readonly alertmanagerResendMs?: number;
  /** Maximum pending notifications per receiver in the outbox (default 1000); see {@link ReceiverStats.dropped}. */
  readonly maxOutboxPerReceiver?: number;
  /** `generatorURL` sent to Alertmanager and shown as a link by direct receivers (e.g. the agent's `/metrics`). */
  readonly generatorURL?: string;
  /** Name of the host/agent, PagerDuty `payload.source` and webhook `source` (default `"aiops-agent"`). */
  readonly source?: string;
}

/** Delivery counters of one receiver (monotonic, except `outboxDepth` which is a gauge). */
export interface ReceiverStats {
  /** Notifications the receiver accepted (2xx). */
  readonly sent: number;
  /** Notification delivery attempts that failed (network error, timeout, non-2xx); each alert of a failed Alertmanager batch counts. */
  readonly failed: number;
  /** Notification delivery attempts that were retries of an earlier failed attempt. */
  readonly retried: number;
  /** Notifications not sent because the fingerprint was inside its cooldown (direct receivers). */
  readonly deduplicated: number;
  /** Notifications given up on: rejected permanently (4xx other than 408/429) or dropped to keep the outbox bounded. */
  readonly dropped: number;
  /** Notifications currently waiting in the outbox. */
  readonly outboxDepth: number;
}

/** Counters of the whole sink, for `/metrics` and logs. */
export interface AlertStats {
  /** Observations passed to {@link AlertSink.observe}. */
  readonly observations: number;
  /** Observations that caused no transition (repeated anomalous points of a firing alert, normal points of an inactive one). */
  readonly deduplicated: number;
  /** Alerts currently firing. */
  readonly firing: number;
  /** Transitions to firing since start. */
  readonly raised: number;
  /** Transitions to resolved since start. */
  readonly resolved: number;
  /** Outbox file-system errors (the sink keeps working in memory). */
  readonly outboxErrors: number;
  /** Per-receiver counters, keyed by receiver name. */
  readonly receivers: Readonly<Record<string, ReceiverStats>>;
}

/** The alerting pipeline as the service sees it. No method throws into the caller's loop: failures are counted and logged. */
export interface AlertSink {
  /** Feeds one evaluation; synchronous and cheap (state machine only, IO happens in {@link AlertSink.tick}). */
  observe(o: AnomalyObservation): void;
  /** Resolves alerts quiet for `resolveAfterMs`, schedules Alertmanager re-sends and delivers due outbox entries. `now` in ms since epoch. */
  tick(now: number): Promise<void>;
  /** Tries to deliver everything pending, ignoring backoff, until done or `deadlineMs` (ms of wall time from now) elapses; what is left stays in the outbox. */
  flush(deadlineMs: number): Promise<void>;
  /** Stops delivery, aborts in-flight requests and persists state. Idempotent. */
  close(): Promise<void>;
  /** Current counters (a fresh snapshot on every read). */
  readonly stats: AlertStats;
}

/** Factory of the sink: loads the outbox from `options.outboxDir`. Throws `AlertConfigError` for invalid options only. */
export type CreateAlertSink = (options: AlertSinkOptions) => Promise<AlertSink>;
