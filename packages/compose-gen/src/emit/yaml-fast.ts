/**
 * The fast path of {@link toYaml}: writes the same bytes as the `yaml` package (`Document` with YAML 1.1,
 * `aliasDuplicateObjects: false`, `toString({ lineWidth: 0, minContentWidth: 0 })`) for the data generated
 * files hold — plain objects with string keys, arrays, single-line strings, finite numbers, booleans, null —
 * without building a node tree (the tree and its stringifier were most of the time of a large stack:
 * ~120 ms of ~280 ms for 200 services). Anything else (a multi-line string, a key that is not a safe plain
 * scalar, `undefined` in an array, a non-plain object) returns `undefined` and the caller uses the `yaml`
 * package, so the output never depends on which path ran. Scalars that are not obviously plain are rendered
 * by the `yaml` package itself (once per distinct string per document), so quoting decisions are its own.
 * The tests compare both paths byte for byte on every example, fixture and a synthetic 200-service stack.
 * Spec: https://yaml.org/spec/1.2.2/ (block collections §8.2); YAML 1.1 scalar types: https://yaml.org/type/
 */
import YAML from "yaml";

/** Options shared with `toYaml` (header lines, comments above keys of top-level maps). */
export interface FastYamlOptions {
  header?: string[];
  keyComments?: Record<string, Record<string, string>>;
}

/** Plain in block context and not another YAML 1.1 type: starts with a letter or `_`, no `: `/` #`, no trailing `:`. */
const SAFE_PLAIN = /^[A-Za-z_][A-Za-z0-9_./@+:-]*$/;
/** YAML 1.1 booleans and null that SAFE_PLAIN lets through (https://yaml.org/type/bool.html, null.html). */
const YAML11_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

class Unsupported extends Error {}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * Serialises `value` like `toYaml`'s `yaml` path, or returns `undefined` when the value holds something this
 * writer does not handle (the caller then uses the `yaml` package).
 */
export function fastYaml(value: unknown, opts: FastYamlOptions = {}): string | undefined {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return undefined;
  const strings = new Map<string, string>();
  const str = (s: string): string => {
    if (SAFE_PLAIN.test(s) && !YAML11_WORDS.test(s) && !s.endsWith(":")) return s;
    let out = strings.get(s);
    if (out === undefined) {
      if (s.includes("\n") || s.includes("\r")) throw new Unsupported();
      out = YAML.stringify(s, { version: "1.1", lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, "");
      // A document-level scalar is written the same in a block mapping or sequence when it takes one line.
      if (out.includes("\n")) throw new Unsupported();
      strings.set(s, out);
    }
    return out;
  };
  const key = (k: string): string => {
    if (SAFE_PLAIN.test(k) && !YAML11_WORDS.test(k) && !k.endsWith(":")) return k;
    throw new Unsupported();
  };
  const scalar = (v: unknown): string => {
    if (v === null) return "null";
    if (typeof v === "string") return str(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number" && Number.isFinite(v)) return Object.is(v, -0) ? "-0" : JSON.stringify(v);
    throw new Unsupported();
  };
  const out: string[] = [];
  const comment = (text: string, indent: string): void => {
    // As the `yaml` package writes comments: an empty line stays empty (no `#`, no indentation).
    for (const l of text.split("\n")) out.push(l === "" ? "" : `${indent}# ${l}`);
  };
  const emptyOrUndefined = (v: unknown): string | undefined => {
    if (Array.isArray(v)) return v.length === 0 ? "[]" : undefined;
    if (isPlainObject(v)) return Object.keys(v).length === 0 ? "{}" : undefined;
    return scalar(v);
  };
  const map = (obj: Record<string, unknown>, indent: string, comments: Record<string, string> | undefined, first?: string): void => {
    let lead = first;
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (v === undefined) continue;
      const c = comments?.[k];
      if (c !== undefined) {
        if (lead !== undefined) throw new Unsupported();
        comment(c, indent);
      }
      const prefix = lead ?? indent;
      lead = undefined;
      const inline = emptyOrUndefined(v);
      if (inline !== undefined) {
        out.push(`${prefix}${key(k)}: ${inline}`);
        continue;
      }
      out.push(`${prefix}${key(k)}:`);
      if (Array.isArray(v)) seq(v, `${indent}  `);
      else map(v as Record<string, unknown>, `${indent}  `, undefined);
    }
    if (lead !== undefined) throw new Unsupported();
  };
  const seq = (arr: unknown[], indent: string, first?: string): void => {
    let lead = first;
    for (const v of arr) {
      if (v === undefined) throw new Unsupported();
      const prefix = `${lead ?? indent}- `;
      lead = undefined;
      const inline = emptyOrUndefined(v);
      if (inline !== undefined) out.push(`${prefix}${inline}`);
      else if (Array.isArray(v)) seq(v, `${indent}  `, prefix);
      else map(v as Record<string, unknown>, `${indent}  `, undefined, prefix);
    }
  };
  try {
    if (opts.header?.length) {
      comment(opts.header.join("\n"), "");
      out.push("");
    }
    const top = value;
    let firstKey = true;
    for (const k of Object.keys(top)) {
      const v = top[k];
      if (v === undefined) continue;
      firstKey = false;
      const inline = emptyOrUndefined(v);
      if (inline !== undefined) {
        out.push(`${key(k)}: ${inline}`);
        continue;
      }
      out.push(`${key(k)}:`);
      if (Array.isArray(v)) seq(v, "  ");
      else map(v as Record<string, unknown>, "  ", opts.keyComments?.[k]);
    }
    if (firstKey) return undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return `${out.join("\n")}\n`;
}
