/**
 * Mapping a config path (`["services", "redis", "networks", 0]`) to a 1-based line:col in the YAML source,
 * walking the `yaml` Document (https://eemeli.org/yaml/#documents) and a LineCounter.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";

/** A 1-based source position. */
export interface Position {
  line: number;
  col: number;
}

/** Where the walk of a path ended. */
interface Located {
  /** Value node at the deepest existing segment. */
  node: Node | null;
  /** The key node of the pair holding `node`, when it is a mapping value. */
  keyNode: Node | null;
  /** True when every segment exists. */
  complete: boolean;
}

function walk(doc: Document, path: readonly (string | number)[]): Located {
  let node: Node | null = doc.contents as Node | null;
  let keyNode: Node | null = null;
  for (const seg of path) {
    if (node !== null && isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    let next: Node | null | undefined;
    let nextKey: Node | null = null;
    if (node !== null && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (pair !== undefined) {
        next = (pair.value as Node | null) ?? null;
        nextKey = pair.key as Node;
      }
    } else if (node !== null && isSeq(node) && /^\d+$/.test(String(seg))) {
      next = ((node as { items: unknown[] }).items[Number(seg)] as Node | undefined) ?? undefined;
    }
    if (next === undefined) return { node, keyNode, complete: false };
    if (next === null) return { node: nextKey, keyNode: nextKey, complete: true };
    node = next;
    keyNode = nextKey;
  }
  return { node, keyNode, complete: true };
}

const startOf = (n: Node | null): number | undefined => n?.range?.[0];

/**
 * The source position for an issue at `path`:
 * - `at: "key"`: the key itself (unknown keys), falling back to the value;
 * - otherwise the value for scalars, the key for collections (the line that names them), and for a path that
 *   does not exist (a missing key) the deepest existing parent.
 */
export function positionOf(doc: Document, lc: LineCounter, path: readonly (string | number)[], at: "key" | "value" = "value"): Position {
  const found = walk(doc, path);
  let offset: number | undefined;
  if (at === "key" && found.complete) offset = startOf(found.keyNode) ?? startOf(found.node);
  else if (found.complete && found.node !== null && (isScalar(found.node) || isAlias(found.node))) offset = startOf(found.node);
  else offset = startOf(found.keyNode) ?? startOf(found.node);
  return offset === undefined ? { line: 1, col: 1 } : lc.linePos(offset);
}

/** True when `path` exists in the source document. */
export function existsInSource(doc: Document, path: readonly (string | number)[]): boolean {
  return walk(doc, path).complete;
}
