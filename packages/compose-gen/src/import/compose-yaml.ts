/**
 * Reads a Compose file the way Docker Compose does, as far as lint and import need: YAML 1.2 with merge keys
 * (`<<: *anchor`), `x-` extensions kept, and Compose's own tags `!reset` (drop the inherited value) and
 * `!override` (replace instead of merge) turned into marker values ({@link ComposeReset},
 * {@link ComposeOverride}) that the merger understands. Comments are never data: a commented-out setting
 * does not exist here. Keeps the parsed document so findings can name the line of any YAML path.
 * Tags: https://docs.docker.com/reference/compose-file/merge/#reset-value and #replace-value
 */
import YAML, { isMap, isPair, isScalar, isSeq, LineCounter, type Node } from "yaml";

/** `!reset`: the key is removed from what the earlier files (or `extends`) defined. */
export class ComposeReset {
  readonly reset = true;
}

/** `!override`: the value replaces the earlier one instead of being merged into it. */
export class ComposeOverride {
  /** @param value the replacing value (already converted to plain data) */
  constructor(readonly value: unknown) {}
}

/** Thrown for a file that is not YAML or not a mapping at the top. */
export class ComposeParseError extends Error {
  override readonly name = "ComposeParseError";
  /**
   * @param file the file's name as given
   * @param line 1-based line of the problem, when known
   */
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ""}: ${message}`);
  }
}

/** A parsed Compose file. */
export interface ComposeFile {
  /** The name the file was given by (used in findings and notes). */
  file: string;
  /** The top-level mapping, tags as markers, merge keys applied. */
  data: Record<string, unknown>;
  /**
   * The 1-based line of the node at `path` (keys and list indexes), or of its deepest existing ancestor
   * when the path does not exist in the text (a default, or a value inherited through `<<`).
   */
  lineOf(path: readonly (string | number)[]): number;
}

const OVERRIDE_KEY = "\u0000compose-gen:override";
const RESET_KEY = "\u0000compose-gen:reset";
const RESET_MARK = new ComposeReset();

/** Replaces the marker shapes left by the tag visitor with {@link ComposeReset}/{@link ComposeOverride}. */
function markers(v: unknown): unknown {
  if (v instanceof ComposeReset) return v;
  if (Array.isArray(v)) return v.map(markers);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && OVERRIDE_KEY in o) return new ComposeOverride(markers(o[OVERRIDE_KEY]));
    if (Object.keys(o).length === 1 && RESET_KEY in o) return RESET_MARK;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, markers(x)]));
  }
  return v;
}

/**
 * Parses one Compose file's text.
 * @param text the file's contents
 * @param file its name, for messages
 * @throws {ComposeParseError} on a YAML syntax error or when the top level is not a mapping.
 */
export function parseComposeFile(text: string, file: string): ComposeFile {
  const opts = { merge: true, maxAliasCount: 10_000, uniqueKeys: false } as const;
  const lineCounter = new LineCounter();
  // two parses: `located` keeps the source nodes for line lookups; `doc` gets its tagged nodes rewritten
  const located = YAML.parseDocument(text, { ...opts, lineCounter });
  const first = located.errors[0];
  if (first) throw new ComposeParseError(file, first.linePos?.[0].line, first.message.split("\n")[0] ?? first.message);
  const doc = YAML.parseDocument(text, opts);
  const lineAt = (node: Node | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  YAML.visit(doc, {
    Node(_key, node) {
      if (node.tag === "!reset") return doc.createNode({ [RESET_KEY]: true });
      if (node.tag === "!override") {
        node.tag = undefined;
        const wrap = new YAML.YAMLMap();
        wrap.items.push(doc.createPair(OVERRIDE_KEY, node));
        return wrap;
      }
      return undefined;
    },
  });
  const data = markers(doc.toJS({ maxAliasCount: 10_000 }));
  if (data === null || data === undefined) return { file, data: {}, lineOf: () => 1 };
  if (typeof data !== "object" || Array.isArray(data)) throw new ComposeParseError(file, 1, "the top level of a Compose file must be a mapping");
  const lineOf = (path: readonly (string | number)[]): number => {
    let node: unknown = located.contents;
    let line = lineAt(node as Node);
    for (const seg of path) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        next = pair?.value ?? undefined;
        if (pair && isScalar(pair.key)) line = lineAt(pair.key);
      } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
        next = node.items[Number(seg)];
        if (next) line = lineAt(next as Node);
      }
      if (next === undefined) break;
      node = next;
    }
    return line;
  };
  return { file, data: data as Record<string, unknown>, lineOf };
}

/**
 * The file's data as Compose would see it on its own (file-local lint): `!reset` keys removed, `!override`
 * values unwrapped.
 */
export function withoutTags(value: unknown): unknown {
  if (value instanceof ComposeOverride) return withoutTags(value.value);
  if (Array.isArray(value)) return value.filter((v) => !(v instanceof ComposeReset)).map(withoutTags);
  if (value !== null && typeof value === "object" && !(value instanceof ComposeReset)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => !(v instanceof ComposeReset)).map(([k, v]) => [k, withoutTags(v)]));
  }
  return value;
}
