/**
 * zod issues → {@link ConfigIssue}s people can act on: one issue per unknown key (with a "did you mean"),
 * the branch that fits for unions, "missing required key" instead of "received undefined", and the value
 * found appended where zod does not say it.
 */
import type { z } from "zod";
import { suggest } from "../suggest.js";
import { dotted, MAX_ISSUES, type ConfigIssue } from "./errors.js";
import { isRecord, knownKeysAt } from "./schema-walk.js";

type Path = (string | number)[];
type RawIssue = z.core.$ZodIssue;

/** A flattened issue: a path, a code and a message, plus where to point (`key` for unknown keys). */
export interface PlainIssue {
  path: Path;
  code: string;
  message: string;
  at: "key" | "value";
}

const norm = (p: readonly PropertyKey[]): Path => p.map((s) => (typeof s === "number" ? s : String(s)));

/** The value at `path` in `data`, or undefined. */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let v = data;
  for (const seg of path) {
    if (isRecord(v) || Array.isArray(v)) v = (v as Record<string, unknown>)[seg as string];
    else return undefined;
  }
  return v;
}

/** Short description of a found value for messages: `"abc"`, `42`, `a mapping`, `a list of 3`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "object") return "a mapping";
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
}

/** A found value with its type: `string "abc"`, `number 42`, `a mapping`, `null`. */
const typed = (v: unknown): string =>
  v === null || v === undefined || typeof v === "object" ? describeValue(v) : `${typeof v} ${describeValue(v)}`;

/** Converts zod issues for `data` (validated against `schema`) into flattened, helpful issues. */
export function flattenIssues(issues: readonly RawIssue[], data: unknown, schema: z.ZodType, prefix: Path = []): PlainIssue[] {
  const out: PlainIssue[] = [];
  // Hints cost an edit-distance scan each; only the issues that will be shown (MAX_ISSUES) get one.
  let hints = MAX_ISSUES;
  for (const issue of issues) {
    const path = [...prefix, ...norm(issue.path)];
    const found = valueAt(data, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeysAt(schema, data, path);
        for (const key of issue.keys) {
          const hint = hints-- > 0 ? suggest(key, known) : undefined;
          out.push({
            path: [...path, key],
            code: "unrecognized_keys",
            at: "key",
            message: `unknown key "${key}"${hint !== undefined ? ` — did you mean "${hint}"?` : ""}${known.length > 0 && known.length <= 12 ? ` (allowed: ${known.join(", ")})` : ""}`,
          });
        }
        break;
      }
      case "invalid_union": {
        if (issue.errors.length === 0) {
          const disc = (issue as { discriminator?: string }).discriminator;
          const options = (issue as { options?: unknown[] }).options;
          const msg = disc !== undefined && options !== undefined
            ? `expected "${disc}" to be one of ${options.map((o) => JSON.stringify(o)).join(", ")}, ${found === undefined ? "but it is missing" : `found ${describeValue(found)}`}`
            : `${issue.message}, found ${describeValue(found)}`;
          out.push({ path, code: "invalid_union", at: "value", message: msg });
          break;
        }
        // Branches whose root type matched: their deeper issues are the real problem.
        const fitting = issue.errors.filter((errs) => !errs.some((e) => e.code === "invalid_type" && e.path.length === 0));
        if (fitting.length > 0) {
          const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
          out.push(...flattenIssues(best, data, schema, path));
          break;
        }
        const expected = [...new Set(issue.errors.flatMap((errs) => errs.filter((e) => e.code === "invalid_type").map((e) => (e as { expected: string }).expected)))];
        out.push({ path, code: "invalid_type", at: "value", message: `expected ${expected.map(friendlyType).join(" or ")}, found ${typed(found)}` });
        break;
      }
      case "invalid_type": {
        if (found === undefined) {
          out.push({ path, code: "missing_key", at: "value", message: `missing required key "${path[path.length - 1] ?? ""}" (expected ${friendlyType(issue.expected)})` });
        } else if (issue.expected === "object" && knownKeysAt(schema, data, path).join() === "secretRef") {
          out.push({ path, code: "invalid_type", at: "value", message: `expected a secret reference ({ secretRef: { env: NAME } }, { secretRef: { file: path } } or { secretRef: { name: secret } }), found ${typed(found)}: secrets are never written in the config` });
        } else {
          out.push({ path, code: "invalid_type", at: "value", message: `expected ${friendlyType(issue.expected)}, found ${typed(found)}` });
        }
        break;
      }
      case "invalid_key": {
        const key = String(path[path.length - 1] ?? "");
        const why = [...new Set(issue.issues.map((i) => lowerFirst(i.message)))].join("; ");
        out.push({ path, code: "invalid_key", at: "key", message: `invalid name "${key}": ${why}` });
        break;
      }
      default: {
        let message = issue.message;
        if (issue.code !== "custom" && found !== undefined && !/received|found/.test(message)) message += `, found ${describeValue(found)}`;
        out.push({ path, code: issue.code, at: "value", message: lowerFirst(message) });
      }
    }
  }
  return out;
}

const friendlyType = (t: string): string => ({ object: "a mapping", array: "a list", string: "a string", number: "a number", boolean: "a boolean (true/false)", int: "an integer" })[t] ?? t;
const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s[0]?.toLowerCase() + s.slice(1) : s);

/** Attaches file/positions to flattened issues through `locate`. */
export function toConfigIssues(
  plain: PlainIssue[],
  file: string,
  locate: (p: PlainIssue) => Partial<Pick<ConfigIssue, "line" | "col" | "variable">>,
): ConfigIssue[] {
  return plain.map((p) => ({ file, path: dotted(p.path), code: p.code, message: p.message, ...locate(p) }));
}
