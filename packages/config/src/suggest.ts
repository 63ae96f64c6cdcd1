/**
 * "Did you mean" suggestions: the closest known name by Damerau-Levenshtein (optimal string alignment)
 * distance, comparing case- and separator-insensitively so `cap_add` finds `capAdd`.
 * Source: Damerau, "A technique for computer detection and correction of spelling errors", CACM 1964.
 */

/** Optimal-string-alignment distance between `a` and `b` (insertions, deletions, substitutions, transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

const fold = (s: string) => s.toLowerCase().replace(/[-_.\s]/g, "");

/**
 * The known name closest to `word`, or undefined when none is close enough (distance ≤ max(1, ⌊len/3⌋)).
 */
export function suggest(word: string, known: readonly string[]): string | undefined {
  const w = fold(word);
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = editDistance(w, fold(k));
    if (dist < bestD) { bestD = dist; best = k; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(w.length / 3)) ? best : undefined;
}
