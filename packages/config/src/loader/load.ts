/**
 * `loadConfig` (file → validated config, with env overrides and positioned errors) and `parseConfig`
 * (plain object → validated config).
 */
import { dirname, resolve } from "node:path";
import { SocConfigSchema, type SocConfig } from "../schema/root.js";
import { applyEnvOverrides, type EnvOverride } from "./env.js";
import { ConfigError, MAX_ISSUES, type ConfigIssue } from "./errors.js";
import { existsInSource, positionOf } from "./positions.js";
import { DEFAULT_MAX_BYTES, readConfigText } from "./read.js";
import { parseYamlSource } from "./yaml.js";
import { flattenIssues, toConfigIssues } from "./zod-issues.js";

/** Options of {@link loadConfig}. */
export interface LoadOptions {
  /**
   * Environment holding `SOC__SECTION__KEY=value` overrides (other variables are ignored). Defaults to none:
   * the library never reads `process.env`; CLIs pass it in.
   */
  env?: Record<string, string | undefined>;
  /** Size cap of the file in bytes (default 1 MiB); larger files are refused before reading. */
  maxBytes?: number;
}

/** A loaded config and where it came from. */
export interface LoadedConfig {
  /** The validated config with every default resolved. */
  config: SocConfig;
  /** Absolute path of the file. */
  file: string;
  /** Directory of the file: relative paths in the config (secret files, build contexts) resolve from here. */
  baseDir: string;
  /** Environment overrides that were applied, by variable name. */
  overrides: EnvOverride[];
}

/**
 * Reads, parses and validates a YAML 1.2 or JSON config file.
 * @param file path to the file (relative to the working directory or absolute).
 * @param opts `env` for overrides, `maxBytes` size cap.
 * @returns the config with defaults, the absolute file, its directory and the applied overrides.
 * @throws {ConfigError} listing every problem as `<file>:<line>:<col> <path>: <message>` — unreadable or
 *   hostile input (empty, binary, too large, too deep, tabs, duplicate keys, custom tags, alias bombs,
 *   several documents, not a mapping), schema violations, unknown override paths (`env SOC__...`).
 */
export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const text = await readConfigText(file, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const src = parseYamlSource(text, file);
  const env = applyEnvOverrides(src.value, opts.env ?? {}, SocConfigSchema, file);
  const result = SocConfigSchema.safeParse(env.value);
  const issues: ConfigIssue[] = [...env.issues];
  if (!result.success) {
    const all = flattenIssues(result.error.issues, env.value, SocConfigSchema);
    // Positioning walks the document, so only the issues that will be shown are positioned.
    const plain = all.slice(0, MAX_ISSUES);
    if (all.length > MAX_ISSUES) issues.push({ file, path: "", code: "too_many_issues", message: `…and ${all.length - MAX_ISSUES} more problems (fix the ones above first)` });
    issues.push(
      ...toConfigIssues(plain, file, (p) => {
        const ov = env.overrides.find((o) => startsWith(p.path, o.segments)) ??
          // A key missing inside a section that only an override created (e.g. a buffer without `type`).
          (existsInSource(src.doc, p.path) ? undefined : env.overrides.find((o) => p.path.length > 0 && startsWith(o.segments, p.path.slice(0, -1)) && !existsInSource(src.doc, p.path.slice(0, -1))));
        if (ov !== undefined) return { variable: ov.variable };
        return positionOf(src.doc, src.lineCounter, p.path, p.at);
      }),
    );
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);
  const abs = resolve(file);
  return { config: result.data, file: abs, baseDir: dirname(abs), overrides: env.overrides.map(({ variable, path }) => ({ variable, path })) };
}

/** True when `path` begins with every segment of `prefix`. */
function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

/**
 * Validates a plain object (already parsed from YAML/JSON, or built in code) and resolves defaults.
 * @param value the candidate config.
 * @param opts `source` names the origin in issues (default `<config>`).
 * @throws {ConfigError} listing every problem (no line/col: there is no source text).
 */
export function parseConfig(value: unknown, opts: { source?: string } = {}): SocConfig {
  const result = SocConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const plain = flattenIssues(result.error.issues, value, SocConfigSchema);
  throw new ConfigError(toConfigIssues(plain, opts.source ?? "<config>", () => ({})));
}
