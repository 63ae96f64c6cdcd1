/**
 * The alert sink of `aiops-agent run`: the pipeline of `src/alert/` for the configured receivers that can be
 * set up, or the logging fallback. A receiver whose secret cannot be resolved (an unset environment variable,
 * an unreadable file) is left out with ONE warning line naming the setting, the secret reference and what
 * happens instead — never a stack trace, never a crash: the loop runs either way.
 * @module
 */
import type { SecretRef } from "@soc/config";
import { type AlertingConfig, type ConfiguredReceiver, resolveAlertReceivers } from "../../alert/config.js";
import { AlertConfigError } from "../../alert/errors.js";
import type { AlertSink, AlertSinkOptions, CreateAlertSink, ResolvedReceiver } from "../../alert/types.js";
import { LoggingAlertSink } from "../../service/logging-sink.js";
import { type LoopLog, errorFields } from "../../service/loop.js";
import { SecretResolutionError } from "./secrets.js";

/** A configured receiver that is not used, and why. */
export interface UnusableReceiver {
  /** Name in `monitoring.receivers`. */
  readonly receiver: string;
  /** One line per problem, e.g. `monitoring.receivers.soc-webhook.url: environment variable SOC_ALERT_WEBHOOK_URL is not set`. */
  readonly problems: readonly string[];
  /** The secret references that could not be resolved, e.g. `env SOC_ALERT_WEBHOOK_URL`. */
  readonly secrets: readonly string[];
}

/** What {@link setUpAlertSink} built. */
export interface SinkSetup {
  /** The sink the loop feeds: the `src/alert/` pipeline or a {@link LoggingAlertSink}. */
  readonly sink: AlertSink;
  /** `pipeline`: notifications go to {@link usable}; `logging`: alerts are only logged ({@link LoggingAlertSink}). */
  readonly kind: "pipeline" | "logging";
  /** Receivers in use. */
  readonly usable: readonly string[];
  /** Configured receivers left out. */
  readonly unusable: readonly UnusableReceiver[];
}

/** Inputs of {@link setUpAlertSink}: config sections, the secret resolver and the runtime parts of the sink. */
export interface SinkSetupInput {
  /** `apps.aiopsAgent.alerting`. */
  readonly alerting: AlertingConfig;
  /** `monitoring.receivers`. */
  readonly receivers: Readonly<Record<string, ConfiguredReceiver>>;
  /** Resolves one secret reference (throws {@link SecretResolutionError} when it cannot). */
  readonly resolveSecret: (ref: SecretRef, where: string) => string | Promise<string>;
  /** Where the setup warnings go (and the logging fallback's lines). */
  readonly log: LoopLog;
  /** Builds the pipeline (`createAlertSink`). */
  readonly create: CreateAlertSink;
  /** Runtime options passed through to the pipeline (generatorURL, source, fetch, tuning). */
  readonly extra?: Omit<AlertSinkOptions, "receivers" | "cooldownMs" | "resolveAfterMs" | "outboxDir">;
  /** `resolveAfter` in ms (the logging fallback uses it too). */
  readonly resolveAfterMs: number;
  /** `cooldown` in ms. */
  readonly cooldownMs: number;
}

/**
 * Resolves each configured receiver on its own; a receiver with any unresolvable secret is left out (all its
 * problems reported together). With no usable receiver the {@link LoggingAlertSink} is used.
 * Log lines: one `warn` when no receiver is configured or none is usable (naming every missing secret and the
 * fallback), one `warn` per receiver left out otherwise, one `warn` when the pipeline rejects its options, and
 * an `error` (with the error's fields) only for failures that are not configuration problems.
 * Never throws.
 */
export async function setUpAlertSink(input: SinkSetupInput): Promise<SinkSetup> {
  const { alerting, log } = input;
  const logging = (): AlertSink => new LoggingAlertSink({ log, resolveAfterMs: input.resolveAfterMs });
  if (alerting.receivers.length === 0) {
    log.warn({ receivers: [], fallback: "log" }, "no alert receivers configured (apps.aiopsAgent.alerting.receivers): alerts are only logged");
    return { sink: logging(), kind: "logging", usable: [], unusable: [] };
  }
  const resolved: ResolvedReceiver[] = [];
  const unusable: UnusableReceiver[] = [];
  for (const name of alerting.receivers) {
    const problems: string[] = [];
    const secrets: string[] = [];
    const collect = async (ref: SecretRef, where: string): Promise<string> => {
      try {
        return await input.resolveSecret(ref, where);
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
        if (err instanceof SecretResolutionError && err.source !== undefined) secrets.push(err.source);
        return "";
      }
    };
    try {
      const [r] = await resolveAlertReceivers([name], input.receivers, collect);
      if (problems.length === 0 && r !== undefined) resolved.push(r);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
    if (problems.length > 0) unusable.push({ receiver: name, problems, secrets });
  }
  const usable = resolved.map((r) => r.name);
  if (resolved.length === 0) {
    log.warn(
      { receivers: alerting.receivers, missing: unusable.flatMap((u) => u.secrets), fallback: "log" },
      `alert receiver${unusable.length > 1 ? "s" : ""} ${unusable.map((u) => u.receiver).join(", ")} not usable (${unusable.flatMap((u) => u.problems).join("; ")}): alerts are only logged until ${unusable.some((u) => u.secrets.length > 0) ? "the secret is provided" : "the config is fixed"}`,
    );
    return { sink: logging(), kind: "logging", usable, unusable };
  }
  for (const u of unusable) {
    log.warn({ receiver: u.receiver, missing: u.secrets, using: usable }, `alert receiver ${u.receiver} not usable (${u.problems.join("; ")}): alerts go to ${usable.join(", ")} only`);
  }
  try {
    const sink = await input.create({ ...input.extra, receivers: resolved, cooldownMs: input.cooldownMs, resolveAfterMs: input.resolveAfterMs, outboxDir: alerting.outboxDir });
    return { sink, kind: "pipeline", usable, unusable };
  } catch (err) {
    if (err instanceof AlertConfigError) log.warn({ field: err.field, fallback: "log" }, `${err.message}: alerts are only logged until the config is fixed`);
    else log.error({ err: errorFields(err), fallback: "log" }, "alert pipeline cannot be set up: alerts are only logged");
    return { sink: logging(), kind: "logging", usable: [], unusable };
  }
}
