/**
 * Navigating the zod schema by config path: the sub-schema at a key, the keys an object accepts (for
 * "did you mean" hints and env overrides). Uses zod v4's documented `_zod.def` introspection
 * (https://zod.dev/packages/core#schemas); discriminated unions pick the option named by the data.
 */
import type { z } from "zod";

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Strips optional/default/prefault/nullable/readonly/catch/pipe/lazy wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 32; i++) {
    const d = defOf(s);
    if (["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional", "success"].includes(d.type)) s = d["innerType"] as z.ZodType;
    else if (d.type === "pipe") s = d["in"] as z.ZodType;
    else if (d.type === "lazy") s = (d["getter"] as () => z.ZodType)();
    else return s;
  }
  return s;
}

/** The object options of `schema` that fit `data` (one for objects, the matching ones for unions). */
function objectOptions(schema: z.ZodType, data: unknown): z.ZodType[] {
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === "object") return [s];
  if (d.type === "union") {
    const options = (d["options"] as z.ZodType[]).flatMap((o) => objectOptions(o, data));
    const disc = d["discriminator"] as string | undefined;
    if (disc !== undefined && isRecord(data) && data[disc] !== undefined) {
      const picked = options.filter((o) => literalValues(shapeOf(o)[disc]).includes(data[disc]));
      if (picked.length > 0) return picked;
    }
    return options;
  }
  return [];
}

const shapeOf = (s: z.ZodType): Record<string, z.ZodType> => (defOf(unwrap(s))["shape"] as Record<string, z.ZodType> | undefined) ?? {};

function literalValues(s: z.ZodType | undefined): unknown[] {
  if (s === undefined) return [];
  const d = defOf(unwrap(s));
  if (d.type === "literal") return d["values"] as unknown[];
  if (d.type === "enum") return Object.values(d["entries"] as Record<string, unknown>);
  return [];
}

/** True for plain objects (not arrays, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What a schema accepts at the next level. */
export type Container =
  | { kind: "object"; keys: string[] }
  | { kind: "record" }
  | { kind: "array" }
  | { kind: "leaf" };

/** Classifies `schema` (given the data found there) as object, record, array or leaf. */
export function containerOf(schema: z.ZodType, data: unknown): Container {
  const objs = objectOptions(schema, data);
  if (objs.length > 0) return { kind: "object", keys: [...new Set(objs.flatMap((o) => Object.keys(shapeOf(o))))] };
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === "record") return { kind: "record" };
  if (d.type === "array") return { kind: "array" };
  if (d.type === "union") {
    const kinds = (d["options"] as z.ZodType[]).map((o) => containerOf(o, data).kind);
    if (kinds.includes("record")) return { kind: "record" };
    if (kinds.includes("array")) return { kind: "array" };
  }
  return { kind: "leaf" };
}

/** The schema of `key` inside `schema` (given the data at `schema`), or undefined when there is none. */
export function childSchema(schema: z.ZodType, key: string | number, data: unknown): z.ZodType | undefined {
  for (const o of objectOptions(schema, data)) {
    const c = shapeOf(o)[String(key)];
    if (c !== undefined) return c;
  }
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === "record") return d["valueType"] as z.ZodType;
  if (d.type === "array") return d["element"] as z.ZodType;
  if (d.type === "tuple") return (d["items"] as z.ZodType[])[Number(key)];
  if (d.type === "union") {
    for (const o of d["options"] as z.ZodType[]) {
      const c = childSchema(o, key, data);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}

/** The schema and data at `path` from `root`, or undefined when the schema has no such path. */
export function schemaAt(root: z.ZodType, rootData: unknown, path: readonly (string | number)[]): { schema: z.ZodType; data: unknown } | undefined {
  let schema: z.ZodType = root;
  let data: unknown = rootData;
  for (const seg of path) {
    const next = childSchema(schema, seg, data);
    if (next === undefined) return undefined;
    schema = next;
    data = isRecord(data) || Array.isArray(data) ? (data as Record<string, unknown>)[seg as string] : undefined;
  }
  return { schema, data };
}

/** Keys the object at `path` accepts (empty when it is not an object). */
export function knownKeysAt(root: z.ZodType, rootData: unknown, path: readonly (string | number)[]): string[] {
  const at = schemaAt(root, rootData, path);
  if (at === undefined) return [];
  const c = containerOf(at.schema, at.data);
  return c.kind === "object" ? c.keys : [];
}
