/**
 * From `@soc/config` to {@link AlertSinkOptions}: picks the receivers named in `apps.aiopsAgent.alerting.receivers`
 * out of `monitoring.receivers`, resolves their secret references through a caller-supplied resolver (the app's
 * entry point owns env/file access) and converts the duration strings to ms.
 */
import { parseDurationSeconds, type SecretRef } from "@soc/config";
import { AlertConfigError } from "./errors.js";
import type { AlertSinkOptions, ResolvedReceiver } from "./types.js";

/** A receiver as written in `monitoring.receivers` (`Receiver` in packages/config/src/schema/stack.ts). */
export type ConfiguredReceiver =
  | { readonly type: "alertmanager"; readonly url: string }
  | { readonly type: "webhook"; readonly url: string | SecretRef; readonly hmacSecret?: SecretRef | undefined }
  | { readonly type: "slack"; readonly webhookUrl: SecretRef }
  | { readonly type: "pagerduty"; readonly routingKey: SecretRef };

/** `apps.aiopsAgent.alerting` as parsed by `@soc/config` (durations in Go notation). */
export interface AlertingConfig {
  readonly receivers: readonly string[];
  readonly cooldown: string;
  readonly resolveAfter: string;
  readonly outboxDir: string;
}

/** Resolves a secret reference to its value; `where` is the dotted config path, for error messages. May throw. */
export type SecretResolver = (ref: SecretRef, where: string) => string | Promise<string>;

/**
 * The receivers named in `names`, in that order, with secrets resolved.
 * @throws {AlertConfigError} when a name is not in `receivers`; whatever `resolveSecret` throws for a bad secret.
 */
export async function resolveAlertReceivers(names: readonly string[], receivers: Readonly<Record<string, ConfiguredReceiver>>, resolveSecret: SecretResolver): Promise<ResolvedReceiver[]> {
  const out: ResolvedReceiver[] = [];
  for (const name of names) {
    const r = receivers[name];
    const where = `monitoring.receivers.${name}`;
    if (r === undefined) throw new AlertConfigError("apps.aiopsAgent.alerting.receivers", name, `no receiver named "${name}" in monitoring.receivers (known: ${Object.keys(receivers).join(", ") || "none"})`);
    switch (r.type) {
      case "alertmanager":
        out.push({ type: "alertmanager", name, url: r.url });
        break;
      case "webhook": {
        const url = typeof r.url === "string" ? r.url : await resolveSecret(r.url, `${where}.url`);
        const hmacSecret = r.hmacSecret === undefined ? undefined : await resolveSecret(r.hmacSecret, `${where}.hmacSecret`);
        out.push(hmacSecret === undefined ? { type: "webhook", name, url } : { type: "webhook", name, url, hmacSecret });
        break;
      }
      case "slack":
        out.push({ type: "slack", name, webhookUrl: await resolveSecret(r.webhookUrl, `${where}.webhookUrl`) });
        break;
      case "pagerduty":
        out.push({ type: "pagerduty", name, routingKey: await resolveSecret(r.routingKey, `${where}.routingKey`) });
        break;
    }
  }
  return out;
}

/**
 * {@link AlertSinkOptions} from the config sections; `extra` supplies the runtime parts (clock, logger, fetch,
 * generatorURL, source, tuning).
 * @throws {AlertConfigError} for an unknown receiver name; `RangeError` for a malformed duration (the schema
 *   already rejects those); whatever `resolveSecret` throws.
 */
export async function alertSinkOptionsFromConfig(
  alerting: AlertingConfig,
  receivers: Readonly<Record<string, ConfiguredReceiver>>,
  resolveSecret: SecretResolver,
  extra: Omit<AlertSinkOptions, "receivers" | "cooldownMs" | "resolveAfterMs" | "outboxDir"> = {},
): Promise<AlertSinkOptions> {
  return {
    ...extra,
    receivers: await resolveAlertReceivers(alerting.receivers, receivers, resolveSecret),
    cooldownMs: parseDurationSeconds(alerting.cooldown) * 1000,
    resolveAfterMs: parseDurationSeconds(alerting.resolveAfter) * 1000,
    outboxDir: alerting.outboxDir,
  };
}
