/**
 * Notifications of autoheal actions (what autoheal users ask for besides logs): a JSON POST per action to a
 * webhook (Slack-compatible `text` field included), with a timeout. Failures are reported to the caller,
 * which logs and counts them; they never block or undo the action.
 */

/** One autoheal action. */
export interface AutohealNotice {
  /** `restarted`, `restart-failed`, `would-restart` (dry run) or `circuit-open`. */
  action: "restarted" | "restart-failed" | "would-restart" | "circuit-open";
  container: string;
  id: string;
  attempt?: number;
  /** Failure message for `restart-failed`. */
  error?: string;
  /** ISO 8601 time of the action. */
  time: string;
}

/** Sends notices somewhere. */
export interface Notifier {
  notify(n: AutohealNotice): Promise<void>;
}

/** Thrown when the webhook did not accept a notice. */
export class NotifyError extends Error {
  override readonly name = "NotifyError";
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`webhook ${url}: ${message}`, options);
  }
}

/** The one-line human text of a notice (the webhook's `text`). */
export function noticeText(n: AutohealNotice): string {
  switch (n.action) {
    case "restarted":
      return `autoheal restarted unhealthy container ${n.container} (attempt ${n.attempt ?? "?"})`;
    case "restart-failed":
      return `autoheal could not restart ${n.container}: ${n.error ?? "unknown error"}`;
    case "would-restart":
      return `autoheal (dry run) would restart unhealthy container ${n.container}`;
    case "circuit-open":
      return `autoheal gave up on ${n.container}: too many restarts in the window (circuit breaker open)`;
  }
}

/**
 * A notifier that POSTs `{ text, ...notice }` as JSON to `url`.
 * @param timeoutMs per request (default 5000).
 * @throws {NotifyError} from `notify` on a network error, timeout or non-2xx answer.
 */
export function webhookNotifier(url: string, timeoutMs = 5000): Notifier {
  return {
    async notify(n) {
      let res: Response;
      try {
        res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: noticeText(n), ...n }), signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw new NotifyError(url, undefined, (err as Error).message, { cause: err });
      }
      // Drain the body so the connection is released; its content is irrelevant and a read error changes nothing.
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new NotifyError(url, res.status, `HTTP ${res.status}`);
    },
  };
}
