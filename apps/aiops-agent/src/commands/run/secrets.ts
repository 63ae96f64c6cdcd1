/**
 * Secret references of alert receivers (`{ secretRef: { env | file | name } }`) resolved from the
 * environment the entry point passes down and from files relative to the config file.
 * @module
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { SecretRef } from "@soc/config";

/** Thrown when a secret reference cannot be resolved; names the config path, never the value. */
export class SecretResolutionError extends Error {
  override readonly name = "SecretResolutionError";
  constructor(
    /** Dotted config path of the reference, e.g. `monitoring.receivers.slack.webhookUrl`. */
    readonly where: string,
    reason: string,
    /** What was looked up, e.g. `env SOC_ALERT_WEBHOOK_URL`, `file /run/secrets/x`, `secret slack-url`. */
    readonly source?: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

/** Where secrets come from. */
export interface SecretSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Top-level `secrets` section (`name → { env } | { file }`). */
  readonly secrets: Readonly<Record<string, { env: string } | { file: string }>>;
  /** Directory of the config file (relative `file` references resolve from it). */
  readonly baseDir: string;
}

/**
 * Resolves one reference: `env` from `sources.env` (must be non-empty), `file` read and trimmed of its
 * final newline, `name` through the `secrets` section.
 * @throws {SecretResolutionError} for an unset variable, an unreadable file or an unknown secret name.
 */
export async function resolveSecret(ref: SecretRef, where: string, sources: SecretSources): Promise<string> {
  const r = ref.secretRef;
  if ("name" in r) {
    const entry = sources.secrets[r.name];
    if (!entry) throw new SecretResolutionError(where, `secret ${JSON.stringify(r.name)} is not defined in the secrets section`, `secret ${r.name}`);
    return resolveSecret({ secretRef: "env" in entry ? { env: entry.env } : { file: entry.file } }, where, sources);
  }
  if ("env" in r) {
    const v = sources.env[r.env];
    if (v === undefined || v === "") throw new SecretResolutionError(where, `environment variable ${r.env} is not set`, `env ${r.env}`);
    return v;
  }
  const path = resolve(sources.baseDir, r.file);
  try {
    return (await readFile(path, "utf8")).replace(/\r?\n$/, "");
  } catch (err) {
    throw new SecretResolutionError(where, `cannot read secret file ${path}: ${(err as Error).message}`, `file ${path}`);
  }
}
