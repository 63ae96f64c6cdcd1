import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from "prom-client";
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration, SummaryConfiguration } from "prom-client";
import { type ExpositionFormat, type MetricFamilySnapshot, renderExposition } from "./exposition.js";
import {
  type BaseUnit,
  type MetricKind,
  MetricNameError,
  type NamingProblem,
  unitOfMetricName,
  validateLabelNames,
  validateMetricName,
} from "./naming.js";

/** The exposition of a registry in one format. */
export interface Exposition {
  contentType: string;
  body: string;
}

/** A prom-client registry whose metrics are created through the naming-checked helpers. */
export interface MetricsRegistry {
  /**
   * The underlying prom-client registry. Create metrics with {@link counter}, {@link gauge},
   * {@link histogram} and {@link summary} so their names are checked; render with {@link render}
   * (prom-client's own OpenMetrics output renames counters in place, so don't switch its content type).
   */
  readonly prom: Registry;
  /** Prefix of the default runtime metrics (`""` when they keep their upstream names). */
  readonly prefix: string;
  /** Labels added to every series of this registry. */
  readonly defaultLabels: Readonly<Record<string, string>>;
  /** `soc_metrics_scrape_errors_total`: renders of /metrics that failed. */
  readonly scrapeErrors: Counter;
  /** Renders every metric in the given format (default: Prometheus text 0.0.4). */
  render(format?: ExpositionFormat): Promise<Exposition>;
}

export interface CreateMetricsRegistryOptions {
  /**
   * Prefix of the default process/runtime metrics (`soc_process_cpu_seconds_total`, …). Default
   * `"soc_"`, so every series of the stack shares the namespace; `""` keeps prom-client's names
   * (`process_*`, `nodejs_*`) for stock dashboards. Metrics made with the helpers always need `soc_`.
   */
  prefix?: string;
  /** Labels added to every series, e.g. `{ app: "edge-agent" }`. Names follow the label rules. */
  defaultLabels?: Record<string, string>;
  /** Collect the default process and Node.js runtime metrics. Default `true`. */
  collectDefault?: boolean;
}

// prom-client's default metrics that are gauges named `_total`, which breaks the naming rules
// (promtool: non-counter metrics should not have "_total" suffix). Their per-type counterparts
// (`nodejs_active_handles{type=…}`, …) carry the same information: sum them.
const DROPPED_DEFAULT_METRICS = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

// Units declared for metrics (by option or by name suffix), for OpenMetrics `# UNIT` lines.
const unitsByRegistry = new WeakMap<Registry, Map<string, BaseUnit>>();

/** Creates a registry with default labels, the default runtime metrics and the scrape-error counter. */
export function createMetricsRegistry(options: CreateMetricsRegistryOptions = {}): MetricsRegistry {
  const prefix = options.prefix ?? "soc_";
  if (typeof prefix !== "string" || (prefix !== "" && !/^[a-z][a-z0-9_]*_$/.test(prefix))) {
    throw new TypeError(`prefix ${JSON.stringify(prefix)} must be "" or snake_case ending in "_", like "soc_"`);
  }
  const defaultLabels = { ...(options.defaultLabels ?? {}) };
  const labelProblems = validateLabelNames(Object.keys(defaultLabels));
  if (labelProblems.length > 0) throw new MetricNameError("<default labels>", labelProblems);
  for (const [key, value] of Object.entries(defaultLabels)) {
    if (typeof value !== "string") throw new TypeError(`default label ${key} must be a string, got ${typeof value}`);
  }

  const prom = new Registry();
  unitsByRegistry.set(prom, new Map());
  if (Object.keys(defaultLabels).length > 0) prom.setDefaultLabels(defaultLabels);
  if (options.collectDefault ?? true) {
    collectDefaultMetrics({ register: prom, prefix });
    for (const name of DROPPED_DEFAULT_METRICS) prom.removeSingleMetric(prefix + name);
  }

  return new SocMetricsRegistry(prom, prefix, Object.freeze(defaultLabels));
}

class SocMetricsRegistry implements MetricsRegistry {
  readonly prom: Registry;
  readonly prefix: string;
  readonly defaultLabels: Readonly<Record<string, string>>;
  readonly scrapeErrors: Counter;

  constructor(prom: Registry, prefix: string, defaultLabels: Readonly<Record<string, string>>) {
    this.prom = prom;
    this.prefix = prefix;
    this.defaultLabels = defaultLabels;
    this.scrapeErrors = counter(this, {
      name: "soc_metrics_scrape_errors_total",
      help: "Renders of the /metrics endpoint that failed (answered with HTTP 500).",
    });
  }

  async render(format: ExpositionFormat = "prometheus"): Promise<Exposition> {
    const families = await this.prom.getMetricsAsJSON();
    return renderExposition(families as unknown as MetricFamilySnapshot[], format, unitsByRegistry.get(this.prom));
  }
}

interface CommonOptions<L extends string> {
  /** Full metric name, `soc_…` (see validateMetricName). */
  name: string;
  /** What the metric measures; required and non-empty. */
  help: string;
  /** Label names (snake_case; not `le`, `quantile`, `job`, `instance` or `__…`). */
  labelNames?: readonly L[];
  /**
   * Base unit of the value. The name must end with it (`_seconds`, or `_seconds_total` for a
   * counter). When left out, a base-unit suffix of the name is taken as the unit.
   */
  unit?: BaseUnit;
}

export interface CounterOptions<L extends string> extends CommonOptions<L> {
  collect?: CounterConfiguration<L>["collect"];
}
export interface GaugeOptions<L extends string> extends CommonOptions<L> {
  collect?: GaugeConfiguration<L>["collect"];
}
export interface HistogramOptions<L extends string> extends CommonOptions<L> {
  /**
   * Upper bounds of the buckets, strictly increasing (`+Inf` is added). Defaults:
   * {@link DEFAULT_SECONDS_BUCKETS} for `_seconds`, {@link DEFAULT_BYTES_BUCKETS} for `_bytes`,
   * {@link DEFAULT_RATIO_BUCKETS} for `_ratio`; required for any other unit.
   */
  buckets?: readonly number[];
  collect?: HistogramConfiguration<L>["collect"];
}
export interface SummaryOptions<L extends string> extends CommonOptions<L> {
  /** Quantiles to report, each in (0, 1). Default `[0.5, 0.9, 0.99]`. */
  percentiles?: readonly number[];
  /** Sliding window for the quantiles, in seconds (with `ageBuckets`). Default: all time. */
  maxAgeSeconds?: number;
  ageBuckets?: number;
  collect?: SummaryConfiguration<L>["collect"];
}

/** Latencies from 1 ms to 30 s: local calls, HTTP requests, OpenSearch bulk writes. */
export const DEFAULT_SECONDS_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);
/** Sizes from 256 B to 64 MiB, ×4 apart: events, request bodies, bulk batches. */
export const DEFAULT_BYTES_BUCKETS: readonly number[] = Object.freeze([
  256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864,
]);
/** Ratios from 0 to 1 in steps of 0.1. */
export const DEFAULT_RATIO_BUCKETS: readonly number[] = Object.freeze([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);

/** Checks name, help and labels, and records the unit; throws MetricNameError on any problem. */
function checkDefinition(registry: MetricsRegistry, kind: MetricKind, options: CommonOptions<string>): BaseUnit | undefined {
  if (!registry || !(registry.prom instanceof Registry)) {
    throw new TypeError("the first argument must be a MetricsRegistry from createMetricsRegistry()");
  }
  const name = options?.name;
  const problems: NamingProblem[] = validateMetricName(name, kind, options.unit === undefined ? {} : { unit: options.unit });
  if (typeof options.help !== "string" || options.help.trim() === "") {
    problems.push({ rule: "help", subject: "metric", name, message: "help text is required: say what the metric measures" });
  }
  const labelNames = options.labelNames ?? [];
  problems.push(...validateLabelNames(labelNames));
  for (const label of labelNames) {
    if (Object.hasOwn(registry.defaultLabels, label)) {
      problems.push({
        rule: "label-duplicate",
        subject: "label",
        name: label,
        message: `label "${label}" is already a default label of the registry`,
      });
    }
  }
  if (problems.length > 0) throw new MetricNameError(name, problems);
  const unit = options.unit ?? unitOfMetricName(name);
  if (unit) unitsByRegistry.get(registry.prom)?.set(name, unit);
  return unit;
}

/** A counter (`soc_…_total`): a value that only goes up, like events shipped or errors. */
export function counter<L extends string = never>(registry: MetricsRegistry, options: CounterOptions<L>): Counter<L> {
  checkDefinition(registry, "counter", options);
  return new Counter<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [registry.prom],
    ...(options.collect ? { collect: options.collect } : {}),
  });
}

/** A gauge: a value that goes up and down, like queue depth or bytes buffered. */
export function gauge<L extends string = never>(registry: MetricsRegistry, options: GaugeOptions<L>): Gauge<L> {
  checkDefinition(registry, "gauge", options);
  return new Gauge<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [registry.prom],
    ...(options.collect ? { collect: options.collect } : {}),
  });
}

/** A histogram: a distribution in buckets, like request durations (`_seconds`) or sizes (`_bytes`). */
export function histogram<L extends string = never>(registry: MetricsRegistry, options: HistogramOptions<L>): Histogram<L> {
  const unit = checkDefinition(registry, "histogram", options);
  let buckets = options.buckets;
  if (buckets === undefined) {
    buckets =
      unit === "seconds" ? DEFAULT_SECONDS_BUCKETS
      : unit === "bytes" ? DEFAULT_BYTES_BUCKETS
      : unit === "ratio" ? DEFAULT_RATIO_BUCKETS
      : undefined;
    if (!buckets) {
      throw new TypeError(`histogram ${options.name}: pass buckets (defaults exist only for _seconds, _bytes and _ratio)`);
    }
  }
  if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
    throw new TypeError(`histogram ${options.name}: buckets must be finite and strictly increasing (+Inf is added)`);
  }
  return new Histogram<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    buckets: [...buckets],
    registers: [registry.prom],
    ...(options.collect ? { collect: options.collect } : {}),
  });
}

/** A summary: client-side quantiles. Prefer histograms (aggregatable); use this for one process's view. */
export function summary<L extends string = never>(registry: MetricsRegistry, options: SummaryOptions<L>): Summary<L> {
  checkDefinition(registry, "summary", options);
  const percentiles = options.percentiles ?? [0.5, 0.9, 0.99];
  if (percentiles.length === 0 || percentiles.some((p) => !(p > 0 && p < 1))) {
    throw new TypeError(`summary ${options.name}: percentiles must be between 0 and 1 (exclusive)`);
  }
  return new Summary<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    percentiles: [...percentiles],
    registers: [registry.prom],
    ...(options.maxAgeSeconds !== undefined ? { maxAgeSeconds: options.maxAgeSeconds } : {}),
    ...(options.ageBuckets !== undefined ? { ageBuckets: options.ageBuckets } : {}),
    ...(options.collect ? { collect: options.collect } : {}),
  });
}
