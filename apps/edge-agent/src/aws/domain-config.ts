/**
 * Loads the `opensearch` section (mode `aws`) of a config file for `create-domain`, and resolves the master user's
 * password reference. Values come in as parameters (the environment is passed by the entry point).
 * @module
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { describeSecretRef, loadConfig, type SecretRef, type SocConfig } from "@soc/config";
import { DomainConfigError } from "./errors.js";

/** The validated `opensearch` section in mode `aws` (every default resolved), as defined by `@soc/config`. */
export type AwsDomainConfig = Extract<SocConfig["opensearch"], { mode: "aws" }>;

/** A loaded domain config and what is needed to resolve its secrets. */
export interface LoadedDomainConfig {
  /** The `opensearch` section (mode `aws`). */
  readonly domain: AwsDomainConfig;
  /** The top-level `secrets` section (for `{ secretRef: { name } }`). */
  readonly secrets: SocConfig["secrets"];
  /** Directory of the config file: `{ secretRef: { file } }` paths are relative to it. */
  readonly baseDir: string;
}

/**
 * Reads a config file with `loadConfig` from `@soc/config` and returns its `opensearch` section.
 * @param file - path of the YAML/JSON config.
 * @param env - environment for `SOC__…` overrides (passed in by the entry point).
 * @throws {ConfigError} (from `@soc/config`) when the file is unreadable or invalid.
 * @throws {DomainConfigError} when `opensearch.mode` is not `aws` (create-domain provisions an AWS domain; an
 *   `endpoint` config points at an existing cluster).
 */
export async function loadDomainConfig(file: string, env: Readonly<Record<string, string | undefined>>): Promise<LoadedDomainConfig> {
  const loaded = await loadConfig(file, { env: { ...env } });
  const os = loaded.config.opensearch;
  if (os.mode !== "aws") {
    throw new DomainConfigError([
      `create-domain needs opensearch.mode "aws" (with region and domainName); ${loaded.file} has mode "${os.mode}" (an existing cluster at ${os.url}), which has no domain to create`,
    ]);
  }
  return { domain: os, secrets: loaded.config.secrets, baseDir: loaded.baseDir };
}

/** Where {@link resolveSecretRef} looks secrets up. */
export interface SecretSources {
  /** Environment variables (passed in by the entry point). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config's top-level `secrets` section. */
  readonly secrets: SocConfig["secrets"];
  /** Directory that relative secret files are resolved from. */
  readonly baseDir: string;
  /** Reads a secret file (default `fs.readFile` as UTF-8). */
  readonly readText?: (path: string) => Promise<string>;
}

/**
 * Resolves a `{ secretRef: … }` to its value: `env` → the variable, `file` → the file's content (one trailing
 * newline removed, path relative to the config), `name` → the top-level `secrets` entry, itself an env variable or a file.
 * @param ref - the reference.
 * @param where - dotted config path of the reference, for messages.
 * @param sources - environment, secrets section, base directory.
 * @returns the secret value (never logged by this module).
 * @throws {DomainConfigError} when the variable is unset/empty, the file is unreadable or empty, or the name is unknown.
 */
export async function resolveSecretRef(ref: SecretRef, where: string, sources: SecretSources): Promise<string> {
  const r = ref.secretRef;
  let target: { env: string } | { file: string };
  if ("name" in r) {
    const entry = sources.secrets[r.name];
    if (entry === undefined) throw new DomainConfigError([`${where}: secret "${r.name}" is not declared in the top-level secrets section`]);
    target = "env" in entry ? { env: entry.env } : { file: entry.file };
  } else {
    target = r;
  }
  if ("env" in target) {
    const v = sources.env[target.env];
    if (v === undefined || v === "") throw new DomainConfigError([`${where}: environment variable ${target.env} (${describeSecretRef(ref)}) is not set or empty`]);
    return v;
  }
  const path = isAbsolute(target.file) ? target.file : resolve(sources.baseDir, target.file);
  let text: string;
  try {
    text = await (sources.readText ?? ((p: string) => readFile(p, "utf8")))(path);
  } catch (err) {
    throw new DomainConfigError([`${where}: cannot read secret file ${path}: ${(err as Error).message}`]);
  }
  const value = text.replace(/\r?\n$/, "");
  if (value === "") throw new DomainConfigError([`${where}: secret file ${path} is empty`]);
  return value;
}
