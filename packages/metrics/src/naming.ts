// Prometheus naming rules for the SOC stack, as pure functions (no prom-client), so compose-gen and
// other tools can check names without a registry.
//
// Sources:
//   https://prometheus.io/docs/practices/naming/            (namespace, base units, _total, snake_case)
//   https://prometheus.io/docs/specs/om/open_metrics_spec/  (suffixes reserved for samples, UNIT, label names)
//   promtool's `check metrics` linter (prometheus/client_golang testutil/promlint), whose rules these
//   are a superset of: a name that passes here passes `promtool check metrics`.

/** The metric kinds the helpers create. */
export type MetricKind = "counter" | "gauge" | "histogram" | "summary";

/** The namespace every metric of the stack starts with. */
export const METRIC_NAMESPACE = "soc_";

/**
 * Base units a metric name may end with (before `_total` for counters). Prometheus uses base units
 * only: seconds not milliseconds, bytes not kilobytes or bits, and ratios (0–1) not percentages.
 */
export const BASE_UNITS = [
  "seconds",
  "bytes",
  "ratio",
  "meters",
  "grams",
  "joules",
  "volts",
  "amperes",
  "celsius",
  "kelvin",
] as const;
export type BaseUnit = (typeof BASE_UNITS)[number];

/** Identifies which rule a name broke; stable, for programs (messages are for people). */
export type NamingRule =
  | "charset"
  | "namespace"
  | "underscores"
  | "counter-total"
  | "non-counter-total"
  | "reserved-suffix"
  | "type-in-name"
  | "base-unit"
  | "unit-abbreviation"
  | "unit-suffix"
  | "help"
  | "label-charset"
  | "label-reserved"
  | "label-duplicate";

export interface NamingProblem {
  /** The rule that was broken. */
  rule: NamingRule;
  /** Whether `name` is a metric name or a label name. */
  subject: "metric" | "label";
  /** The offending name. */
  name: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Thrown by the metric helpers (and createMetricsRegistry) when a name breaks a naming rule. */
export class MetricNameError extends Error {
  override readonly name = "MetricNameError";
  /** The metric the problems were found on (for default labels: `"<default labels>"`). */
  readonly metricName: string;
  /** The first rule broken (see `problems` for all of them). */
  readonly rule: NamingRule;
  readonly problems: readonly NamingProblem[];

  constructor(metricName: string, problems: readonly NamingProblem[]) {
    if (problems.length === 0) throw new TypeError("MetricNameError needs at least one problem");
    super(`invalid metric ${JSON.stringify(metricName)}: ${problems.map((p) => `[${p.rule}] ${p.message}`).join("; ")}`);
    this.metricName = metricName;
    this.rule = problems[0]!.rule;
    this.problems = problems;
  }
}

const KINDS: readonly MetricKind[] = ["counter", "gauge", "histogram", "summary"];

// Non-base units (whole words, or a base unit behind an SI/IEC prefix) and the base unit to use.
const NON_BASE_UNITS: Readonly<Record<string, BaseUnit>> = {
  second: "seconds",
  minute: "seconds",
  minutes: "seconds",
  hour: "seconds",
  hours: "seconds",
  day: "seconds",
  days: "seconds",
  week: "seconds",
  weeks: "seconds",
  byte: "bytes",
  bit: "bytes",
  bits: "bytes",
  percent: "ratio",
  percentage: "ratio",
  meter: "meters",
  metres: "meters",
  inches: "meters",
  feet: "meters",
  yards: "meters",
  miles: "meters",
  pounds: "grams",
  ounces: "grams",
  calories: "joules",
  fahrenheit: "celsius",
  kelvins: "kelvin",
};

const UNIT_PREFIXES = [
  "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto",
  "kilo", "kibi", "mega", "mebi", "giga", "gibi", "tera", "tebi", "peta", "pebi",
];

// Abbreviated units, rejected as whole `_`-separated words: promtool's list plus a few unambiguous
// ones (not "min", which more often means minimum, as in `_lag_min_seconds`).
const UNIT_ABBREVIATIONS: Readonly<Record<string, string>> = {
  s: "seconds", sec: "seconds", secs: "seconds", ms: "seconds", us: "seconds", ns: "seconds",
  h: "seconds", hr: "seconds", hrs: "seconds", d: "seconds", m: "meters",
  b: "bytes", kb: "bytes", mb: "bytes", gb: "bytes", tb: "bytes", pb: "bytes",
  kib: "bytes", mib: "bytes", gib: "bytes", tib: "bytes", pct: "ratio",
};

// Sample-name suffixes the exposition formats generate (histogram/summary series, OpenMetrics
// `_created`); a family named like that collides with them.
const RESERVED_SUFFIXES = ["_bucket", "_count", "_sum", "_created", "_gcount", "_gsum"];

const BASE_UNIT_SET: ReadonlySet<string> = new Set(BASE_UNITS);

/** Whether `unit` is one of {@link BASE_UNITS}. */
export function isBaseUnit(unit: string): unit is BaseUnit {
  return BASE_UNIT_SET.has(unit);
}

function nonBaseUnit(word: string): BaseUnit | undefined {
  const direct = NON_BASE_UNITS[word];
  if (direct) return direct;
  for (const prefix of UNIT_PREFIXES) {
    if (word.length > prefix.length && word.startsWith(prefix)) {
      const rest = word.slice(prefix.length);
      if (isBaseUnit(rest)) return rest;
      const base = NON_BASE_UNITS[rest];
      if (base) return base;
    }
  }
  return undefined;
}

/** The base unit a metric name ends with (ignoring a counter's `_total`), if any. */
export function unitOfMetricName(name: string): BaseUnit | undefined {
  const stem = name.endsWith("_total") ? name.slice(0, -"_total".length) : name;
  const last = stem.slice(stem.lastIndexOf("_") + 1);
  return isBaseUnit(last) ? last : undefined;
}

export interface ValidateMetricNameOptions {
  /**
   * The unit the metric is declared with. It must be a base unit and the name must end with it
   * (`_<unit>`, or `_<unit>_total` for counters), as OpenMetrics requires for `# UNIT`.
   */
  unit?: string;
}

/**
 * Checks a metric name against the stack's naming rules and returns every problem found (an empty
 * list means the name is fine). Pure: usable without a registry, e.g. by config generators.
 *
 * Rules: `^soc_[a-z][a-z0-9_]*$`; no `__` or trailing `_`; counters end in `_total` and nothing else
 * does; no family ends in a generated sample suffix (`_bucket`, `_count`, `_sum`, `_created`); the
 * type is not part of the name; units are base units (`_seconds`, `_bytes`, `_ratio`, …), never
 * `milliseconds`, `kilobytes`, `percent` or abbreviations like `ms`, `kb`.
 */
export function validateMetricName(name: string, kind: MetricKind, options: ValidateMetricNameOptions = {}): NamingProblem[] {
  if (!KINDS.includes(kind)) throw new TypeError(`unknown metric kind ${JSON.stringify(kind)} (expected one of ${KINDS.join(", ")})`);
  const problems: NamingProblem[] = [];
  const add = (rule: NamingRule, message: string) => problems.push({ rule, subject: "metric", name, message });

  if (typeof name !== "string" || name.length === 0) {
    add("charset", "the name is empty");
    return problems;
  }
  if (!/^[a-z0-9_]+$/.test(name)) {
    add(
      "charset",
      "use only lowercase letters, digits and underscores (snake_case; colons are reserved for recording rules)",
    );
  }
  if (!/^soc_[a-z]/.test(name)) {
    add("namespace", `start with the namespace "${METRIC_NAMESPACE}" followed by a letter, e.g. "soc_events_shipped_total"`);
  }
  if (name.includes("__") || name.endsWith("_")) {
    add("underscores", "do not use double underscores or a trailing underscore");
  }

  const hasTotal = name.endsWith("_total");
  if (kind === "counter" && !hasTotal) add("counter-total", 'counter names end in "_total"');
  if (kind !== "counter" && hasTotal) add("non-counter-total", `a ${kind} name must not end in "_total" (only counters do)`);

  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) {
    add("reserved-suffix", `do not end a name in "${suffix}": the exposition formats generate series with that suffix`);
  }

  const words = name.split("_").filter((w) => w.length > 0);
  if (words.includes(kind)) add("type-in-name", `do not put the metric type "${kind}" in the name`);

  for (const word of words) {
    const base = nonBaseUnit(word);
    if (base) add("base-unit", `use the base unit "${base}" instead of "${word}"${base === "ratio" ? " (a ratio is 0–1)" : ""}`);
    const abbreviated = UNIT_ABBREVIATIONS[word];
    if (abbreviated) add("unit-abbreviation", `do not abbreviate units: use the base unit "${abbreviated}" instead of "${word}"`);
  }

  if (options.unit !== undefined) {
    const unit = options.unit;
    if (!isBaseUnit(unit)) {
      const base = nonBaseUnit(unit) ?? UNIT_ABBREVIATIONS[unit];
      add("unit-suffix", `unit "${unit}" is not a base unit${base ? `: use "${base}"` : ` (one of ${BASE_UNITS.join(", ")})`}`);
    } else {
      const want = kind === "counter" ? `_${unit}_total` : `_${unit}`;
      if (!name.endsWith(want)) add("unit-suffix", `a metric with unit "${unit}" ends in "${want}"`);
    }
  }
  return problems;
}

/** Label names Prometheus or the exposition formats reserve, and why. */
const RESERVED_LABELS: Readonly<Record<string, string>> = {
  le: "histograms add it for bucket bounds",
  quantile: "summaries add it for quantiles",
  job: "Prometheus sets it from the scrape config (yours would be renamed exported_job)",
  instance: "Prometheus sets it from the scrape target (yours would be renamed exported_instance)",
};

/** Checks one label name: `^[a-z][a-z0-9_]*$`, not `__`-prefixed, not `le`/`quantile`/`job`/`instance`. */
export function validateLabelName(label: string): NamingProblem[] {
  const problems: NamingProblem[] = [];
  const add = (rule: NamingRule, message: string) => problems.push({ rule, subject: "label", name: label, message });
  if (typeof label !== "string" || label.length === 0) {
    add("label-charset", "the label name is empty");
    return problems;
  }
  if (label.startsWith("__")) {
    add("label-reserved", 'label names starting with "__" are reserved for Prometheus internals');
  } else if (!/^[a-z][a-z0-9_]*$/.test(label)) {
    add("label-charset", "label names are snake_case: a lowercase letter, then lowercase letters, digits and underscores");
  }
  const reserved = RESERVED_LABELS[label];
  if (reserved) add("label-reserved", `label "${label}" is reserved: ${reserved}`);
  return problems;
}

/** Checks a metric's label names: each by {@link validateLabelName}, and no duplicates. */
export function validateLabelNames(labels: readonly string[]): NamingProblem[] {
  const problems: NamingProblem[] = [];
  const seen = new Set<string>();
  for (const label of labels) {
    problems.push(...validateLabelName(label));
    if (seen.has(label)) {
      problems.push({ rule: "label-duplicate", subject: "label", name: label, message: `label "${label}" is listed twice` });
    }
    seen.add(label);
  }
  return problems;
}
