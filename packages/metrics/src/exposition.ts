// Text exposition of metric snapshots, in the two formats Prometheus scrapes:
//   - Prometheus text format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/)
//   - OpenMetrics 1.0.0 text (https://prometheus.io/docs/specs/om/open_metrics_spec/)
// prom-client can write both, but its OpenMetrics mode renames counters in place (strips `_total` from
// the metric object), which corrupts every later Prometheus-format scrape of the same registry, and it
// does not escape `"` in OpenMetrics HELP. So both formats are written here from `getMetricsAsJSON()`.

export type ExpositionFormat = "prometheus" | "openmetrics";

/** Content-Type of the Prometheus text format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
/** Content-Type of OpenMetrics 1.0.0 text. */
export const OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

export function contentTypeOf(format: ExpositionFormat): string {
  return format === "openmetrics" ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE;
}

/** One metric family as prom-client's `getMetricsAsJSON()` returns it. */
export interface MetricFamilySnapshot {
  name: string;
  help: string;
  /** `counter`, `gauge`, `histogram` or `summary` (prom-client's types say enum, the values are strings). */
  type: unknown;
  values: ReadonlyArray<{
    value: number;
    labels: Readonly<Record<string, string | number | undefined>>;
    /** Sample name when it differs from the family's: `_bucket`, `_sum`, `_count`. */
    metricName?: string;
  }>;
}

/**
 * Picks the format for an `Accept` header: OpenMetrics 1.0.0 when the client accepts
 * `application/openmetrics-text` (no version, or version 1.0.0) at least as much as the Prometheus
 * text format; the text format otherwise, including when the header is missing or accepts neither
 * (as client_golang does, the text format is the fallback rather than a 406).
 */
export function negotiateFormat(accept: string | readonly string[] | undefined): ExpositionFormat {
  const header = Array.isArray(accept) ? accept.join(",") : (accept as string | undefined);
  if (!header) return "prometheus";
  let openMetrics = 0;
  let text = 0;
  for (const range of header.split(",")) {
    const [mediaType = "", ...params] = range.split(";").map((part) => part.trim());
    let q = 1;
    let version: string | undefined;
    for (const param of params) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
      if (key === "q") {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      } else if (key === "version") {
        version = value;
      }
    }
    switch (mediaType.toLowerCase()) {
      case "application/openmetrics-text":
        if (version === undefined || version === "1.0.0") openMetrics = Math.max(openMetrics, q);
        break;
      case "text/plain":
        if (version === undefined || version === "0.0.4") text = Math.max(text, q);
        break;
      case "text/*":
      case "*/*":
        text = Math.max(text, q);
        break;
    }
  }
  return openMetrics > 0 && openMetrics >= text ? "openmetrics" : "prometheus";
}

/** Sample value: Go-parsable float; infinities and NaN spelled as both formats require. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/**
 * `le`/`quantile` label values in OpenMetrics are canonical floats: `1.0` not `1` (as client_golang
 * writes them), `+Inf` for infinity.
 */
function formatCanonicalFloat(raw: string | number): string {
  const value = typeof raw === "number" ? raw : Number(raw === "+Inf" ? Infinity : raw);
  if (Number.isNaN(value)) return String(raw);
  const text = formatValue(value);
  return /^[+-]?\d+$/.test(text) ? `${text}.0` : text;
}

// HELP: backslash and newline escaped in both formats; OpenMetrics also escapes double quotes.
function escapeHelp(help: string, openMetrics: boolean): string {
  const escaped = help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  return openMetrics ? escaped.replace(/"/g, '\\"') : escaped;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatLabels(labels: Readonly<Record<string, string | number | undefined>>, openMetrics: boolean): string {
  const parts: string[] = [];
  for (const [name, raw] of Object.entries(labels)) {
    if (raw === undefined) continue;
    const value =
      openMetrics && (name === "le" || name === "quantile") ? formatCanonicalFloat(raw)
      : typeof raw === "number" ? formatValue(raw)
      : raw;
    parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  return parts.length > 0 ? `{${parts.join(",")}}` : "";
}

const KNOWN_TYPES = new Set(["counter", "gauge", "histogram", "summary"]);

/**
 * Writes metric families in the given format. `units` maps a metric name to its base unit, written
 * as OpenMetrics `# UNIT` metadata (the Prometheus text format has no unit line).
 */
export function renderExposition(
  families: readonly MetricFamilySnapshot[],
  format: ExpositionFormat,
  units?: ReadonlyMap<string, string>,
): { contentType: string; body: string } {
  const openMetrics = format === "openmetrics";
  const lines: string[] = [];
  for (const family of families) {
    const rawType = String(family.type);
    const type = KNOWN_TYPES.has(rawType) ? rawType : openMetrics ? "unknown" : "untyped";
    const isCounter = type === "counter";
    // In OpenMetrics a counter family is named without `_total`; its sample carries the suffix.
    const familyName = openMetrics && isCounter ? family.name.replace(/_total$/, "") : family.name;
    lines.push(`# HELP ${familyName} ${escapeHelp(family.help, openMetrics)}`);
    lines.push(`# TYPE ${familyName} ${type}`);
    const unit = units?.get(family.name);
    if (openMetrics && unit && familyName.endsWith(`_${unit}`)) lines.push(`# UNIT ${familyName} ${unit}`);
    for (const sample of family.values) {
      const sampleName = openMetrics && isCounter ? `${familyName}_total` : (sample.metricName ?? family.name);
      lines.push(`${sampleName}${formatLabels(sample.labels, openMetrics)} ${formatValue(sample.value)}`);
    }
  }
  if (openMetrics) lines.push("# EOF");
  return { contentType: contentTypeOf(format), body: lines.length > 0 ? `${lines.join("\n")}\n` : "" };
}
