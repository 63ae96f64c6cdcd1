/**
 * Deterministic YAML serialisation for generated files: the `yaml` package with YAML 1.1 quoting (so `"no"`,
 * `"on"`, `"1:20"` stay strings for YAML 1.1 parsers too), no line folding, no anchors/aliases, a header
 * comment and optional comments above keys of top-level maps.
 */
import YAML, { isMap, isScalar } from "yaml";
import { fastYaml } from "./yaml-fast.js";

/** Options of {@link toYaml}. */
export interface ToYamlOptions {
  /** Comment lines put before the document (without `#`). */
  header?: string[];
  /** Comments above keys: top-level section → key → comment text (e.g. services → redis → description). */
  keyComments?: Record<string, Record<string, string>>;
}

const commentText = (lines: string[]): string => lines.map((l) => (l === "" ? "" : ` ${l}`)).join("\n");

/**
 * Serialises `value`; byte-identical for equal input (insertion order of keys is the output order). JSON-like
 * data goes through a fast writer that produces the `yaml` package's bytes (see `yaml-fast.ts`); anything
 * else through the `yaml` package itself.
 */
export function toYaml(value: unknown, opts: ToYamlOptions = {}): string {
  return fastYaml(value, opts) ?? yamlPackageToYaml(value, opts);
}

/** {@link toYaml} through the `yaml` package's document model (the reference the fast writer matches). */
export function yamlPackageToYaml(value: unknown, opts: ToYamlOptions = {}): string {
  const doc = new YAML.Document(value, { version: "1.1", aliasDuplicateObjects: false });
  if (opts.header?.length) doc.commentBefore = commentText(opts.header);
  for (const [section, comments] of Object.entries(opts.keyComments ?? {})) {
    const map = doc.get(section, true);
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const comment = key !== undefined ? comments[key] : undefined;
      if (comment !== undefined && isScalar(pair.key)) pair.key.commentBefore = commentText(comment.split("\n"));
    }
  }
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}
