/**
 * YAML 1.2 (and JSON, which is parsed by the same parser so positions exist) into a `yaml` Document,
 * refusing hostile input: nesting deeper than {@link MAX_DEPTH} (checked on the CST before composing, so
 * no recursion runs on it), several documents, tabs as indentation, duplicate keys, any tag outside the
 * YAML 1.2 core schema (`!foo`, `!!js/function`, `!!binary`...), alias bombs (`maxAliasCount`), and a top
 * level that is not a mapping.
 * Sources: YAML 1.2.2 (https://yaml.org/spec/1.2.2/, §10.3 core schema), `yaml` package
 * (https://eemeli.org/yaml/#options).
 */
import { Composer, type Document, isAlias, isCollection, isMap, isScalar, LineCounter, Parser, visit, type CST } from "yaml";
import { capIssues, ConfigError, type ConfigIssue } from "./errors.js";

/** Deepest accepted nesting of mappings/sequences. Real configs stay under 12. */
export const MAX_DEPTH = 64;
/** Most alias expansions accepted when converting to plain values (the `yaml` package's resource guard). */
export const MAX_ALIAS_COUNT = 100;

/** Tags of the YAML 1.2 core schema — the only explicit tags accepted. */
const CORE_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));

/** A parsed config source: the document (for positions), its line counter and the plain value. */
export interface ParsedSource {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  value: Record<string, unknown>;
}

/**
 * `uniqueKeys: false` because the package's own check is quadratic (a 700 KB file of 50 000 keys took a
 * minute); {@link parseYamlSource} checks duplicates itself with a Set per mapping.
 * `merge: true` keeps the `<<: *anchor` merge keys Compose users write (an extension YAML 1.2 dropped but
 * that the `yaml` package supports); merged aliases count towards {@link MAX_ALIAS_COUNT}.
 */
const PARSE_OPTIONS = { version: "1.2", schema: "core", uniqueKeys: false, strict: true, prettyErrors: false, merge: true } as const;

const YAML_MESSAGES: Record<string, string> = {
  TAB_AS_INDENT: "tabs are not allowed as indentation in YAML; indent with spaces",
  MULTIPLE_DOCS: "several YAML documents in one file",
};

/**
 * Parses config text.
 * @param text the decoded file content.
 * @param file the file name for messages.
 * @throws {ConfigError} with every YAML problem found, each positioned (codes `yaml_<YAML CODE>`,
 *   `too_deep`, `multiple_documents`, `forbidden_tag`, `alias_bomb`, `empty_file`, `not_a_mapping`).
 */
export function parseYamlSource(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const pos = (offset: number) => lineCounter.linePos(offset);
  const issueAt = (offset: number, code: string, message: string, path = ""): ConfigIssue => ({ file, ...pos(offset), path, code, message });

  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const cstDocs = tokens.filter((t): t is CST.Document => t.type === "document");
  if (cstDocs.length > 1) {
    throw new ConfigError([issueAt((cstDocs[1] as CST.Document).offset, "multiple_documents", "a config file holds exactly one YAML document; found a second one here (remove the `---` separator)")]);
  }
  for (const d of cstDocs) {
    const deep = findTooDeep(d);
    if (deep !== undefined) throw new ConfigError([issueAt(deep, "too_deep", `nesting deeper than ${MAX_DEPTH} levels: refusing to parse (a config never needs this)`)]);
  }

  const docs = [...new Composer(PARSE_OPTIONS).compose(tokens)];
  const doc = docs[0];
  if (doc === undefined || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new ConfigError([{ file, path: "", code: "empty_file", message: "no content: expected a mapping with at least `version: 1` and `project.name`" }]);
  }
  const issues: ConfigIssue[] = [];
  const tagIssue = (offset: number, tag: string) =>
    issueAt(offset, "forbidden_tag", `tag ${tag.replace(/^tag:yaml\.org,2002:/, "!!")} is not allowed: only plain YAML 1.2 values (strings, numbers, booleans, null, mappings, sequences)`);
  for (const e of [...doc.errors, ...doc.warnings]) {
    const unresolved = e.code === "TAG_RESOLVE_FAILED" ? /Unresolved tag: (\S+)/.exec(e.message)?.[1] : undefined;
    if (unresolved !== undefined) issues.push(tagIssue(e.pos[0], unresolved));
    else issues.push(issueAt(e.pos[0], `yaml_${e.code.toLowerCase()}`, YAML_MESSAGES[e.code] ?? e.message.split("\n")[0] ?? e.message));
  }
  // Tags the core schema resolves without a warning but that are not core (e.g. !!binary, !!set, !!omap),
  // duplicate keys and keys that are not scalars.
  visit(doc, (_key, node) => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = pair.key;
        if (!isScalar(k)) {
          issues.push(issueAt((k as { range?: [number] } | null)?.range?.[0] ?? node.range?.[0] ?? 0, "yaml_complex_key", "keys must be plain scalars (strings), not mappings, lists or aliases"));
          continue;
        }
        const name = String(k.value);
        if (seen.has(name)) issues.push(issueAt(k.range?.[0] ?? 0, "yaml_duplicate_key", `duplicate key "${name}": each key may appear only once in a mapping`));
        seen.add(name);
      }
    }
    if ((isScalar(node) || isCollection(node)) && node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
      const tag = node.tag;
      const at = issueAt(node.range?.[0] ?? 0, "forbidden_tag", "");
      if (!issues.some((i) => i.code === "forbidden_tag" && i.line === at.line)) issues.push(tagIssue(node.range?.[0] ?? 0, tag));
    }
  });
  if (issues.length > 0) throw new ConfigError(capIssues(dedupe(issues), file));
  if (!isMap(doc.contents)) {
    const found = isCollection(doc.contents) ? "a sequence" : isAlias(doc.contents) ? "an alias" : `a scalar (${JSON.stringify(String(doc.contents))})`;
    throw new ConfigError([issueAt(doc.contents.range?.[0] ?? 0, "not_a_mapping", `the top level must be a mapping (version: 1, project: ...); found ${found}`)]);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const msg = (err as Error).message;
    if (/alias/i.test(msg)) {
      throw new ConfigError([{ file, path: "", code: "alias_bomb", message: `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} alias expansions): refusing a possible "billion laughs" document` }]);
    }
    throw new ConfigError([{ file, path: "", code: "yaml_invalid", message: msg }]);
  }
  return { doc, lineCounter, value: value as Record<string, unknown> };
}

/** Offset of the first node nested deeper than {@link MAX_DEPTH}, walking the CST without recursion. */
function findTooDeep(root: CST.Document): number | undefined {
  const stack: [CST.Token | undefined | null, number][] = [[root.value, 0]];
  while (stack.length > 0) {
    const [tok, depth] = stack.pop() as [CST.Token | undefined | null, number];
    if (!tok) continue;
    if (tok.type === "block-map" || tok.type === "block-seq" || tok.type === "flow-collection") {
      if (depth >= MAX_DEPTH) return tok.offset;
      for (const it of tok.items) {
        if ("key" in it && it.key) stack.push([it.key, depth + 1]);
        if (it.value) stack.push([it.value, depth + 1]);
      }
    }
  }
  return undefined;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}:${i.col}:${i.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
