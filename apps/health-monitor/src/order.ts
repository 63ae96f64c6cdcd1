/**
 * Ordering of container names in reports. Code-unit (ordinal) order, not `localeCompare`: the output is
 * the same on every host whatever its locale, and comparing does not load ICU collation data (≈ 3 MB RSS
 * in a daemon that otherwise never touches Intl). Docker names are `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, for which
 * this is plain ASCII order (digits < upper case < `_` < lower case).
 */

/** Compares two strings by UTF-16 code units; negative, 0 or positive (for `Array.prototype.sort`). */
export function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort comparator for anything with a `name`, by {@link compareOrdinal}. */
export const byName = (a: { name: string }, b: { name: string }): number => compareOrdinal(a.name, b.name);
