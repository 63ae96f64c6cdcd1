/**
 * Label selectors as the Docker CLI writes them (`--filter label=k` / `label=k=v`): `key` matches any
 * value, `key=value` an exact value. Pure.
 * Source: https://docs.docker.com/reference/cli/docker/container/ls/#label
 */

/** One selector. */
export interface LabelSelector {
  key: string;
  /** Undefined: the key only has to be present. */
  value?: string;
}

/**
 * Parses `key` or `key=value`.
 * @throws {RangeError} for an empty key.
 */
export function parseLabelSelector(s: string): LabelSelector {
  const eq = s.indexOf("=");
  const key = (eq < 0 ? s : s.slice(0, eq)).trim();
  if (key === "") throw new RangeError(`label selector ${JSON.stringify(s)} has an empty key (expected key or key=value)`);
  return eq < 0 ? { key } : { key, value: s.slice(eq + 1) };
}

/** True when the labels satisfy EVERY selector (an empty list matches everything). */
export function matchesLabels(labels: Readonly<Record<string, string>>, selectors: readonly LabelSelector[]): boolean {
  return selectors.every((sel) => Object.hasOwn(labels, sel.key) && (sel.value === undefined || labels[sel.key] === sel.value));
}

/** The selectors as Engine API list filters (`{"label": ["k=v", "k2"]}`), so the engine filters first. */
export function toDockerLabelFilter(selectors: readonly LabelSelector[]): string[] {
  return selectors.map((s) => (s.value === undefined ? s.key : `${s.key}=${s.value}`));
}
