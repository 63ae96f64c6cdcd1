/**
 * Environment overrides: `SOC__SECTION__KEY=value` sets `section.key`. Segments are split on `__` and
 * matched to the schema's keys (or, for maps such as `services`, to the keys already in the file)
 * ignoring case, `_` and `-`, so `SOC__APPS__EDGE_AGENT__SHIPPER__BATCH_MAX_EVENTS` sets
 * `apps.edgeAgent.shipper.batchMaxEvents`. The last segment may also add an entry to a map of plain values
 * (`SOC__SERVICES__GRAFANA__ENV__GF_LOG_LEVEL=debug` adds `GF_LOG_LEVEL`, verbatim). Values are YAML 1.2 core scalars (`100`, `true`, `2G`), or JSON
 * when they start with `[` or `{`; a value that the field only accepts as a string stays a string.
 * Pure: the environment is a parameter (only CLI entry points read `process.env`).
 */
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { suggest } from "../suggest.js";
import { dotted, type ConfigIssue } from "./errors.js";
import { childSchema, containerOf, isRecord } from "./schema-walk.js";

/** Prefix of override variables. */
export const ENV_PREFIX = "SOC__";

/** One applied override: the variable and the dotted config path it set. */
export interface EnvOverride {
  variable: string;
  path: string;
}

/** Result of {@link applyEnvOverrides}. */
export interface EnvResult {
  /** A copy of the input with the overrides applied. */
  value: Record<string, unknown>;
  /** Applied overrides, sorted by variable name. */
  overrides: (EnvOverride & { segments: (string | number)[] })[];
  /** Problems (unknown paths, bad JSON), each naming its variable. */
  issues: ConfigIssue[];
}

const fold = (s: string): string => s.toLowerCase().replace(/[-_.]/g, "");

/**
 * Applies every `SOC__*` variable of `env` to a copy of `input`.
 * @param input the parsed config file (plain object; not modified).
 * @param env the environment (e.g. `process.env` passed in by a CLI).
 * @param schema the config schema, used to resolve key names and to type values.
 * @param file the config file, for issues.
 */
export function applyEnvOverrides(input: Record<string, unknown>, env: Record<string, string | undefined>, schema: z.ZodType, file: string): EnvResult {
  const value = structuredClone(input);
  const overrides: EnvResult["overrides"] = [];
  const issues: ConfigIssue[] = [];
  for (const variable of Object.keys(env).filter((k) => k.startsWith(ENV_PREFIX)).sort()) {
    const raw = env[variable];
    if (raw === undefined) continue;
    const fail = (path: (string | number)[], code: string, message: string) => issues.push({ file, variable, path: dotted(path), code, message });
    const segs = variable.slice(ENV_PREFIX.length).split("__");
    if (segs.some((s) => s === "")) { fail([], "env_bad_name", `${variable}: empty segment (segments are separated by exactly two underscores)`); continue; }

    let schemaHere: z.ZodType | undefined = schema;
    let parent: Record<string, unknown> | unknown[] = value;
    const path: (string | number)[] = [];
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const seg = segs[i] as string;
      const last = i === segs.length - 1;
      const container = containerOf(schemaHere as z.ZodType, parent);
      let key: string | number | undefined;
      if (container.kind === "object" || container.kind === "record") {
        if (!isRecord(parent)) { fail(path, "env_unknown_path", `${dotted(path)} is not a mapping in the file; cannot set ${seg} inside it`); ok = false; break; }
        const candidates = container.kind === "object" ? container.keys : Object.keys(parent);
        const matches = candidates.filter((c) => fold(c) === fold(seg));
        if (matches.length === 0 && container.kind === "record" && last) {
          // A new entry of a map of plain values (env, labels, flags): the segment is the key, verbatim.
          matches.push(seg);
        }
        if (matches.length !== 1) {
          const where = path.length === 0 ? "the top level" : dotted(path);
          const hint = suggest(seg, candidates);
          const what = container.kind === "record" ? `no entry of ${where} matches "${seg}" (overrides only add plain values such as env variables; sections like services must be declared in the file)` : `"${seg}" matches no key of ${where}`;
          fail(path, "env_unknown_path", matches.length > 1 ? `"${seg}" is ambiguous in ${where}: ${matches.join(", ")}` : `${what}${hint !== undefined ? ` — did you mean ${hint}?` : ""}${candidates.length > 0 && candidates.length <= 15 ? ` (known: ${candidates.join(", ")})` : ""}`);
          ok = false;
          break;
        }
        key = matches[0] as string;
      } else if (container.kind === "array") {
        if (!Array.isArray(parent) || !/^\d+$/.test(seg) || Number(seg) > parent.length) {
          fail(path, "env_unknown_path", `${dotted(path)} is a list: expected an index 0..${Array.isArray(parent) ? parent.length : 0}, got "${seg}"`);
          ok = false;
          break;
        }
        key = Number(seg);
      } else {
        fail(path, "env_unknown_path", `${dotted(path)} is a single value; it has no "${seg}" inside`);
        ok = false;
        break;
      }
      path.push(key);
      const childS: z.ZodType | undefined = childSchema(schemaHere as z.ZodType, key, parent);
      if (last) {
        const parsed = parseValue(raw, childS);
        if ("error" in parsed) { fail(path, "env_bad_value", parsed.error); ok = false; break; }
        (parent as Record<string, unknown>)[key as string] = parsed.value;
      } else {
        const cur = (parent as Record<string, unknown>)[key as string];
        if (cur === undefined) (parent as Record<string, unknown>)[key as string] = {};
        parent = (parent as Record<string, unknown>)[key as string] as Record<string, unknown>;
        schemaHere = childS;
        if (schemaHere === undefined) { fail(path, "env_unknown_path", `nothing is known below ${dotted(path)}`); ok = false; }
      }
    }
    if (ok) overrides.push({ variable, path: dotted(path), segments: path });
  }
  return { value, overrides, issues };
}

/**
 * Parses an override value: JSON for `[`/`{`, else a YAML 1.2 core scalar; a value the field accepts only as
 * the raw string (e.g. an image tag `1.10`) stays a string.
 */
export function parseValue(raw: string, target: z.ZodType | undefined): { value: unknown } | { error: string } {
  const t = raw.trim();
  if (t.startsWith("[") || t.startsWith("{")) {
    try {
      return { value: JSON.parse(t) as unknown };
    } catch (err) {
      return { error: `value is not valid JSON: ${(err as Error).message}` };
    }
  }
  if (raw === "") return { value: "" };
  let scalar: unknown = raw;
  try {
    const v = parseYaml(raw, { version: "1.2", schema: "core", logLevel: "silent" }) as unknown;
    if (v === null || typeof v !== "object") scalar = v;
  } catch {
    scalar = raw;
  }
  if (target !== undefined && scalar !== raw && !target.safeParse(scalar).success && target.safeParse(raw).success) return { value: raw };
  return { value: scalar };
}
