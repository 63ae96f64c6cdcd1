/** Typed errors of the alerting pipeline. */

/**
 * Thrown by `createAlertSink` / `resolveAlertReceivers` for invalid options: a negative duration, a duplicate
 * receiver name, an unknown receiver name in `apps.aiopsAgent.alerting.receivers`. `field` names the option.
 */
export class AlertConfigError extends Error {
  override readonly name = "AlertConfigError";
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`alerting: invalid ${field}=${JSON.stringify(value)}: ${reason}`);
  }
}

/**
 * One failed delivery attempt to a receiver. Never thrown into the service loop: the sink catches it, counts it
 * (`ReceiverStats.failed`) and logs it. `retryable` is false for permanent rejections (HTTP 4xx other than 408/429),
 * which are dropped instead of retried; `retryAfterMs` carries a server's `Retry-After` when it sent one.
 */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    readonly receiver: string,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(`${receiver}: ${message}`, options);
  }
}

/** Thrown by the outbox when an entry file cannot be read back (corrupt JSON, wrong shape); the file is then skipped and counted. */
export class OutboxCorruptError extends Error {
  override readonly name = "OutboxCorruptError";
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`outbox entry ${file}: ${reason}`);
  }
}
