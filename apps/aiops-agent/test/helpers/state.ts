/**
 * Structural size of an object graph: the number of numeric slots reachable from `root` (numbers,
 * elements of arrays and typed arrays), following own enumerable properties. Used to check that a
 * detector's state does not grow with the number of samples.
 */
export function numericSlots(root: unknown): number {
  const seen = new Set<object>();
  const walk = (v: unknown): number => {
    if (typeof v === "number") return 1;
    if (v === null || typeof v !== "object" || seen.has(v)) return 0;
    seen.add(v);
    if (ArrayBuffer.isView(v)) return (v as unknown as { length: number }).length;
    let n = 0;
    for (const child of Array.isArray(v) ? v : Object.values(v)) n += walk(child);
    return n;
  };
  return walk(root);
}
