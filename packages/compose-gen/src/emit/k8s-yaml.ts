/**
 * A small, fast YAML writer for Kubernetes objects (JSON data: objects, arrays, strings, finite numbers,
 * booleans, null). The general `toYaml` builds a full `yaml` document tree per file, which dominates the
 * time of a large stack (~1000 object files); objects need far less. Strings are written plain only when
 * they cannot be read as anything else under YAML 1.1 or 1.2 (a conservative character set, no leading
 * digit, dot or dash, none of the 1.1 booleans `y`/`n`/`yes`/`no`/`on`/`off`); multi-line strings as literal
 * blocks; everything else as JSON strings (valid YAML double-quoted scalars). Key order is insertion order,
 * so the output is as deterministic as the input. The tests parse every emitted file back and compare.
 * Spec: https://yaml.org/spec/1.2.2/ (plain scalars §7.3.3, literal style §8.1.2); 1.1 booleans:
 * https://yaml.org/type/bool.html
 */

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@+:-]*$/;
const AMBIGUOUS = /^(?:y|n|yes|no|on|off|true|false|null)$/i;
// Control characters other than newline force JSON quoting.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/;

/** A scalar string as YAML (plain, or JSON-quoted). */
function scalarString(s: string): string {
  return PLAIN.test(s) && !AMBIGUOUS.test(s) && !s.endsWith(":") ? s : JSON.stringify(s);
}

function literalBlock(s: string, indent: string): string | undefined {
  if (!s.includes("\n") || CONTROL.test(s) || s.includes("\r")) return undefined;
  // Nothing but newlines, or whitespace-only lines, read back differently from a block: quote instead.
  if (!/[^\n]/.test(s) || s.split("\n").some((l) => l !== "" && l.trim() === "")) return undefined;
  const trailing = /\n*$/.exec(s)?.[0].length ?? 0;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing === 0 ? s : s.slice(0, s.length - (trailing === 1 ? 1 : 0));
  const lines = (chomp === "+" ? body.slice(0, -1) : body).split("\n");
  const first = lines.find((l) => l !== "") ?? "";
  const indicator = first.startsWith(" ") ? "2" : "";
  return `|${indicator}${chomp}\n${lines.map((l) => (l === "" ? "" : `${indent}  ${l}`)).join("\n")}`;
}

function scalar(v: unknown, indent: string): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new RangeError(`cannot write ${v} as YAML`);
    return String(v);
  }
  if (typeof v === "string") return literalBlock(v, indent) ?? scalarString(v);
  throw new TypeError(`cannot write a ${typeof v} as YAML`);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0);
const emptyOf = (v: unknown): string => (Array.isArray(v) ? "[]" : "{}");

function mapLines(obj: Record<string, unknown>, indent: string, out: string[]): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const key = `${indent}${scalarString(k)}:`;
    if ((isObject(v) || Array.isArray(v)) && !isEmpty(v)) {
      out.push(key);
      if (Array.isArray(v)) seqLines(v, `${indent}  `, out);
      else mapLines(v, `${indent}  `, out);
    } else out.push(`${key} ${isEmpty(v) ? emptyOf(v) : scalar(v, indent)}`);
  }
}

function seqLines(arr: unknown[], indent: string, out: string[]): void {
  for (const v of arr) {
    if (isObject(v) && !isEmpty(v)) {
      const inner: string[] = [];
      mapLines(v, `${indent}  `, inner);
      out.push(`${indent}- ${(inner[0] as string).slice(indent.length + 2)}`, ...inner.slice(1));
    } else if (Array.isArray(v) && v.length) {
      out.push(`${indent}-`);
      seqLines(v, `${indent}  `, out);
    } else out.push(`${indent}- ${isEmpty(v) ? emptyOf(v) : scalar(v, indent)}`);
  }
}

/**
 * Serialises a Kubernetes object (a JSON-compatible mapping) with optional header comment lines.
 * @throws {TypeError} for values JSON cannot hold (functions, symbols, bigints); {RangeError} for NaN/Infinity
 */
export function k8sYaml(obj: Record<string, unknown>, header: string[] = []): string {
  const out: string[] = header.map((l) => (l === "" ? "#" : `# ${l}`));
  if (out.length) out.push("");
  mapLines(obj, "", out);
  return `${out.join("\n")}\n`;
}
