/**
 * The error type of the loader: every problem of a config file at once, each with its source position.
 */

/**
 * One problem of a config file.
 * - `file`: the file (as given to the loader, or `<config>` for {@link parseConfig} without a source).
 * - `line`/`col`: 1-based position in the YAML/JSON source, when known.
 * - `path`: dotted path in the config (`services.redis.networks.0`; empty string for the top level).
 * - `message`: what was expected and what was found.
 * - `code`: a stable machine code (`invalid_type`, `unrecognized_keys`, `yaml_duplicate_key`, `file_too_large`...).
 * - `variable`: set when the value came from an environment override (`SOC__...`); positions are then absent.
 */
export interface ConfigIssue {
  file: string;
  line?: number;
  col?: number;
  path: string;
  message: string;
  code: string;
  variable?: string;
}

/** Formats one issue as `<file>:<line>:<col> <dotted.path>: <message>` (or `env SOC__X <path>: <message>`). */
export function formatIssue(issue: ConfigIssue): string {
  let where: string;
  if (issue.variable !== undefined) where = `env ${issue.variable}`;
  else if (issue.line !== undefined) where = `${issue.file}:${issue.line}:${issue.col ?? 1}`;
  else where = issue.file;
  return issue.path === "" ? `${where}: ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

/**
 * Thrown by `loadConfig` and `parseConfig` when a config cannot be read, parsed or validated. Carries every
 * problem found (never only the first), sorted by position. `message` is the formatted list, so an uncaught
 * ConfigError still reads well.
 */
export class ConfigError extends Error {
  /** Every problem found, in source order. */
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const sorted = [...issues].sort(compareIssues);
    super(sorted.length === 1 ? formatIssue(sorted[0] as ConfigIssue) : `${sorted.length} problems:\n${sorted.map(formatIssue).join("\n")}`);
    this.name = "ConfigError";
    this.issues = sorted;
  }

  /** One line per issue, `<file>:<line>:<col> <dotted.path>: <message>`. */
  format(): string {
    return this.issues.map(formatIssue).join("\n");
  }
}

function compareIssues(a: ConfigIssue, b: ConfigIssue): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const av = a.variable !== undefined ? 1 : 0;
  const bv = b.variable !== undefined ? 1 : 0;
  if (av !== bv) return av - bv;
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** Joins a path as the dotted form used in messages (`services.redis.networks.0`). */
export function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/** Most issues reported for one file; the rest are summarised in one line (and never positioned). */
export const MAX_ISSUES = 100;

/** Keeps the first {@link MAX_ISSUES} issues (in source order) and adds one saying how many were left out. */
export function capIssues(issues: ConfigIssue[], file: string): ConfigIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  return [...sorted.slice(0, MAX_ISSUES), { file, path: "", code: "too_many_issues", message: `…and ${issues.length - MAX_ISSUES} more problems (fix the ones above first)` }];
}
