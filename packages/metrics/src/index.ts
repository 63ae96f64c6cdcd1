// @soc/metrics: the observability core of every SOC stack app.
export {
  BASE_UNITS,
  type BaseUnit,
  METRIC_NAMESPACE,
  type MetricKind,
  MetricNameError,
  type NamingProblem,
  type NamingRule,
  type ValidateMetricNameOptions,
  isBaseUnit,
  unitOfMetricName,
  validateLabelName,
  validateLabelNames,
  validateMetricName,
} from "./naming.js";
export {
  type CounterOptions,
  type CreateMetricsRegistryOptions,
  DEFAULT_BYTES_BUCKETS,
  DEFAULT_RATIO_BUCKETS,
  DEFAULT_SECONDS_BUCKETS,
  type Exposition,
  type GaugeOptions,
  type HistogramOptions,
  type MetricsRegistry,
  type SummaryOptions,
  counter,
  createMetricsRegistry,
  gauge,
  histogram,
  summary,
} from "./registry.js";
export {
  type ExpositionFormat,
  type MetricFamilySnapshot,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  contentTypeOf,
  negotiateFormat,
  renderExposition,
} from "./exposition.js";
export {
  DEFAULT_READINESS_TIMEOUT_MS,
  type ReadinessCheck,
  type ReadinessCheckOptions,
  type ReadinessCheckResult,
  ReadinessChecks,
  type ReadinessChecksOptions,
  type ReadinessOutcome,
  type ReadinessReport,
  createReadinessChecks,
} from "./readiness.js";
export {
  type CloseResult,
  DEFAULT_CLOSE_DEADLINE_MS,
  type MetricsLogger,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from "./server.js";
export type { Counter, Gauge, Histogram, Registry, Summary } from "prom-client";
