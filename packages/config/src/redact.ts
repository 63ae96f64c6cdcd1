/**
 * Redaction for printouts (`soc-config print`, logs): secrets are references in the config, but their
 * location is still shown so people can check it; literal env values whose name says "secret" are hidden.
 */
import { isSecretRef } from "./schema/primitives.js";
import { isSecretLikeEnvName } from "./security/facts.js";

/**
 * True when an environment variable name looks like it holds a secret value. The same test the security
 * audit's `secret-in-env` rule uses ({@link isSecretLikeEnvName}), so what `print` hides and what `lint`
 * flags never disagree.
 */
export const isSecretEnvName: (name: string) => boolean = isSecretLikeEnvName;

/** Text shown instead of a secret reference: `<secret: env NAME>`, `<secret: file path>`, `<secret: name x>`. */
export function describeSecretRef(ref: { secretRef: Record<string, unknown> }): string {
  const [kind, where] = Object.entries(ref.secretRef)[0] ?? ["?", "?"];
  return `<secret: ${kind} ${String(where)}>`;
}

/**
 * A deep copy of `value` fit for printing: every SecretRef becomes `"<secret: env NAME>"` /
 * `"<secret: file path>"` / `"<secret: name x>"`, and in every `env` mapping (and `build.args`) a literal
 * value whose key looks secret ({@link isSecretEnvName}) becomes `"<redacted>"`. The input is not modified.
 */
export function redact(value: unknown): unknown {
  return walk(value, false);
}

/** Keys whose value is a map of variable names to values. */
const VARIABLE_MAPS = new Set(["env", "args"]);

function walk(v: unknown, inEnv: boolean): unknown {
  if (isSecretRef(v)) return describeSecretRef(v as { secretRef: Record<string, unknown> });
  if (Array.isArray(v)) return v.map((x) => walk(x, false));
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (inEnv && !isSecretRef(x) && x !== null && typeof x !== "object" && isSecretEnvName(k)) out[k] = "<redacted>";
    else out[k] = walk(x, VARIABLE_MAPS.has(k));
  }
  return out;
}
