/**
 * `explain(path)`: documentation of one config field — type, default, allowed values, constraints,
 * description — read from the generated JSON Schema (so it always matches the validator).
 */
import { suggest } from "./suggest.js";
import { toJsonSchema, type JsonSchema } from "./json-schema.js";

/** What {@link explain} knows about a field. */
export interface FieldInfo {
  /** The dotted path asked for (`""` is the top level). */
  path: string;
  /** Human type: `string`, `integer`, `boolean`, `object`, `list of string`, `map of name → object`, `string | integer`. */
  type: string;
  /** Default applied when the field is absent, if any. */
  default?: unknown;
  /** The only values accepted, when the field is an enum or a literal. */
  allowed?: unknown[];
  /** The schema's description. */
  description?: string;
  /** Other constraints, as readable strings (`minimum 1`, `pattern ^[a-z]+$`, `at least 1 item`). */
  constraints: string[];
  /** Keys of an object field (union of all variants). */
  keys?: string[];
  /** Whether the field must be present in its parent. */
  required: boolean;
}

/** Thrown by {@link explain} for a path the schema does not have; `suggestion` is the closest known key. */
export class UnknownPathError extends Error {
  constructor(readonly path: string, readonly segment: string, readonly known: string[], readonly suggestion?: string) {
    super(`unknown config path "${path}": no "${segment}" here${suggestion !== undefined ? ` — did you mean "${suggestion}"?` : ""}${known.length > 0 ? ` (known: ${known.join(", ")})` : ""}`);
    this.name = "UnknownPathError";
  }
}

type S = JsonSchema;
const asS = (v: unknown): S | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as S) : undefined);

/** The schema itself plus every anyOf/oneOf/allOf member, flattened. */
function branches(s: S): S[] {
  const out: S[] = [s];
  for (const k of ["anyOf", "oneOf", "allOf"]) {
    const list = s[k];
    if (Array.isArray(list)) for (const b of list) { const bs = asS(b); if (bs) out.push(...branches(bs)); }
  }
  return out;
}

function step(s: S, seg: string): { next: S[]; required: boolean; known: string[] } {
  const next: S[] = [];
  const known = new Set<string>();
  let required = false;
  for (const b of branches(s)) {
    const props = asS(b["properties"]);
    if (props) {
      Object.keys(props).forEach((k) => known.add(k));
      const p = asS(props[seg]);
      if (p) { next.push(p); if (Array.isArray(b["required"]) && (b["required"] as string[]).includes(seg)) required = true; continue; }
    }
    const ap = asS(b["additionalProperties"]);
    if (ap && !props) { next.push(ap); continue; }
    const items = asS(b["items"]);
    if (items && (/^\d+$/.test(seg) || seg === "*")) next.push(items);
  }
  return { next, required, known: [...known] };
}

function typeOf(s: S): string {
  const types = new Set<string>();
  for (const b of branches(s)) {
    const t = b["type"];
    if (t === "array") { const it = asS(b["items"]); types.add(`list of ${it ? typeOf(it) : "any"}`); }
    else if (t === "object" && asS(b["additionalProperties"]) && !b["properties"]) {
      const ap = asS(b["additionalProperties"]) as S;
      types.add(`map of key → ${typeOf(ap)}`);
    } else if (typeof t === "string") types.add(t);
    else if (Array.isArray(t)) t.forEach((x) => types.add(String(x)));
  }
  if (types.size === 0) return "any";
  return [...types].join(" | ");
}

function constraintsOf(s: S): string[] {
  const out: string[] = [];
  const label: Record<string, string> = {
    minimum: "minimum", maximum: "maximum", exclusiveMinimum: "greater than", exclusiveMaximum: "less than",
    minLength: "min length", maxLength: "max length", minItems: "min items", maxItems: "max items", pattern: "pattern", format: "format",
  };
  for (const b of branches(s)) {
    for (const [k, l] of Object.entries(label)) {
      const v = b[k];
      if (v !== undefined && !(k === "maximum" && v === Number.MAX_SAFE_INTEGER)) out.push(`${l} ${String(v)}`);
    }
  }
  return [...new Set(out)];
}

/**
 * Documentation of the field at `path` (dotted; list items as a number or `*`; map entries by any name, e.g.
 * `services.redis.image`).
 * @throws {UnknownPathError} when the schema has no such field (with a did-you-mean).
 */
export function explain(path: string): FieldInfo {
  const root = toJsonSchema();
  const segs = path === "" ? [] : path.split(".");
  let current: S[] = [root];
  let required = true;
  for (const seg of segs) {
    const results = current.map((c) => step(c, seg));
    const next = results.flatMap((r) => r.next);
    if (next.length === 0) {
      const known = [...new Set(results.flatMap((r) => r.known))];
      throw new UnknownPathError(path, seg, known, suggest(seg, known));
    }
    required = results.some((r) => r.required);
    current = next;
  }
  const node: S = current.length === 1 ? (current[0] as S) : { anyOf: current };
  const all = branches(node);
  const info: FieldInfo = { path, type: typeOf(node), constraints: constraintsOf(node), required };
  const def = all.find((b) => b["default"] !== undefined)?.["default"];
  if (def !== undefined) info.default = def;
  const allowed = all.flatMap((b) => (Array.isArray(b["enum"]) ? (b["enum"] as unknown[]) : b["const"] !== undefined ? [b["const"]] : []));
  if (allowed.length > 0) info.allowed = [...new Set(allowed)];
  const desc = all.find((b) => typeof b["description"] === "string")?.["description"];
  if (typeof desc === "string") info.description = desc;
  const keys = [...new Set(all.flatMap((b) => Object.keys(asS(b["properties"]) ?? {})))];
  if (keys.length > 0) info.keys = keys;
  return info;
}

/** Renders {@link FieldInfo} for a terminal, one `label: value` per line. */
export function formatFieldInfo(info: FieldInfo): string {
  const lines = [`${info.path === "" ? "(top level)" : info.path}`, `  type: ${info.type}`];
  if (info.description !== undefined) lines.push(`  description: ${info.description}`);
  if (info.default !== undefined) lines.push(`  default: ${JSON.stringify(info.default)}`);
  if (info.allowed !== undefined) lines.push(`  allowed: ${info.allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  if (info.constraints.length > 0) lines.push(`  constraints: ${info.constraints.join("; ")}`);
  lines.push(`  required: ${info.required ? "yes" : "no"}`);
  if (info.keys !== undefined) lines.push(`  keys: ${info.keys.join(", ")}`);
  return lines.join("\n");
}
