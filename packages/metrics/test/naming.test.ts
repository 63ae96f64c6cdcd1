import { describe, expect, it } from "vitest";
import {
  DEFAULT_BYTES_BUCKETS,
  DEFAULT_SECONDS_BUCKETS,
  type MetricKind,
  MetricNameError,
  type NamingRule,
  counter,
  createMetricsRegistry,
  gauge,
  histogram,
  summary,
  unitOfMetricName,
  validateLabelName,
  validateLabelNames,
  validateMetricName,
} from "../src/index.js";

const rules = (name: string, kind: MetricKind, unit?: string) =>
  validateMetricName(name, kind, unit === undefined ? {} : { unit }).map((p) => p.rule);

describe("validateMetricName", () => {
  it.each<[string, MetricKind]>([
    ["soc_events_shipped_total", "counter"],
    ["soc_edge_spool_bytes", "gauge"],
    ["soc_opensearch_bulk_duration_seconds", "histogram"],
    ["soc_bulk_request_size_bytes", "summary"],
    ["soc_disk_usage_ratio", "gauge"],
    ["soc_process_cpu_seconds_total", "counter"],
    ["soc_edge_build_info", "gauge"],
    ["soc_nodejs_eventloop_lag_min_seconds", "gauge"],
    ["soc_http2_streams", "gauge"],
    ["soc_nodejs_heap_size_total_bytes", "gauge"],
  ])("accepts %s as a %s", (name, kind) => {
    expect(validateMetricName(name, kind)).toEqual([]);
  });

  it.each<[string, MetricKind, NamingRule[]]>([
    ["events_shipped_total", "counter", ["namespace"]],
    ["edge_soc_events_total", "counter", ["namespace"]],
    ["soc_", "gauge", ["namespace", "underscores"]],
    ["soc_1st_queue", "gauge", ["namespace"]],
    ["soc_eventsShipped_total", "counter", ["charset"]],
    ["soc:events:rate5m", "gauge", ["charset", "namespace"]],
    ["soc_events-shipped_total", "counter", ["charset"]],
    ["soc_events__shipped_total", "counter", ["underscores"]],
    ["soc_events_shipped", "counter", ["counter-total"]],
    ["soc_queue_depth_total", "gauge", ["non-counter-total"]],
    ["soc_latency_total", "histogram", ["non-counter-total"]],
    ["soc_events_count", "gauge", ["reserved-suffix"]],
    ["soc_latency_seconds_bucket", "histogram", ["reserved-suffix"]],
    ["soc_latency_sum", "summary", ["reserved-suffix"]],
    ["soc_start_created", "gauge", ["reserved-suffix"]],
    ["soc_events_counter_total", "counter", ["type-in-name"]],
    ["soc_queue_gauge", "gauge", ["type-in-name"]],
    ["soc_request_duration_milliseconds", "histogram", ["base-unit"]],
    ["soc_payload_kilobytes", "gauge", ["base-unit"]],
    ["soc_link_megabits_total", "counter", ["base-unit"]],
    ["soc_uptime_hours", "gauge", ["base-unit"]],
    ["soc_disk_usage_percent", "gauge", ["base-unit"]],
    ["soc_request_duration_ms", "histogram", ["unit-abbreviation"]],
    ["soc_payload_kb", "gauge", ["unit-abbreviation"]],
    ["soc_wait_sec_total", "counter", ["unit-abbreviation"]],
    ["soc_uptime_h", "gauge", ["unit-abbreviation"]],
  ])("rejects %s as a %s: %j", (name, kind, expected) => {
    expect(rules(name, kind)).toEqual(expected);
  });

  it("reports every problem, each with the name and a message", () => {
    const problems = validateMetricName("queue_depth_ms_total", "gauge");
    expect(problems.map((p) => p.rule)).toEqual(["namespace", "non-counter-total", "unit-abbreviation"]);
    for (const p of problems) {
      expect(p.name).toBe("queue_depth_ms_total");
      expect(p.subject).toBe("metric");
      expect(p.message.length).toBeGreaterThan(10);
    }
    expect(problems[2]!.message).toContain('"seconds"');
  });

  it("checks a declared unit: a base unit the name ends with", () => {
    expect(rules("soc_bulk_duration_seconds", "histogram", "seconds")).toEqual([]);
    expect(rules("soc_cpu_seconds_total", "counter", "seconds")).toEqual([]);
    expect(rules("soc_bulk_duration", "histogram", "seconds")).toEqual(["unit-suffix"]);
    expect(rules("soc_sent_bytes_total", "counter", "seconds")).toEqual(["unit-suffix"]);
    const ms = validateMetricName("soc_bulk_duration_seconds", "histogram", { unit: "milliseconds" });
    expect(ms.map((p) => p.rule)).toEqual(["unit-suffix"]);
    expect(ms[0]!.message).toContain('use "seconds"');
  });

  it("rejects an unknown kind and empty names", () => {
    expect(() => validateMetricName("soc_x", "meter" as MetricKind)).toThrow(TypeError);
    expect(rules("", "gauge")).toEqual(["charset"]);
  });

  it("finds the unit at the end of a name", () => {
    expect(unitOfMetricName("soc_cpu_seconds_total")).toBe("seconds");
    expect(unitOfMetricName("soc_spool_bytes")).toBe("bytes");
    expect(unitOfMetricName("soc_queue_depth")).toBeUndefined();
  });
});

describe("validateLabelName(s)", () => {
  it.each(["sink", "status_code", "http2", "le_x"])("accepts %s", (label) => {
    expect(validateLabelName(label)).toEqual([]);
  });

  it.each<[string, NamingRule[]]>([
    ["__name__", ["label-reserved"]],
    ["__meta", ["label-reserved"]],
    ["le", ["label-reserved"]],
    ["quantile", ["label-reserved"]],
    ["job", ["label-reserved"]],
    ["instance", ["label-reserved"]],
    ["statusCode", ["label-charset"]],
    ["_private", ["label-charset"]],
    ["2xx", ["label-charset"]],
    ["status-code", ["label-charset"]],
    ["", ["label-charset"]],
  ])("rejects %j: %j", (label, expected) => {
    expect(validateLabelName(label).map((p) => p.rule)).toEqual(expected);
  });

  it("finds duplicates", () => {
    expect(validateLabelNames(["sink", "status", "sink"]).map((p) => [p.rule, p.name])).toEqual([["label-duplicate", "sink"]]);
  });
});

describe("metric helpers", () => {
  const registry = () => createMetricsRegistry({ collectDefault: false, defaultLabels: { app: "test" } });

  it("create prom-client metrics registered in the registry", async () => {
    const r = registry();
    const c = counter(r, { name: "soc_events_shipped_total", help: "Events shipped.", labelNames: ["sink"] });
    const g = gauge(r, { name: "soc_queue_depth", help: "Queue depth." });
    const h = histogram(r, { name: "soc_bulk_duration_seconds", help: "Bulk duration." });
    const s = summary(r, { name: "soc_batch_size_bytes", help: "Batch size." });
    c.inc({ sink: "opensearch" });
    g.set(3);
    h.observe(0.2);
    s.observe(512);
    expect(r.prom.getSingleMetric("soc_events_shipped_total")).toBe(c);
    const { body } = await r.render();
    expect(body).toContain('soc_events_shipped_total{sink="opensearch",app="test"} 1');
    expect(body).toContain('soc_queue_depth{app="test"} 3');
    expect(body).toContain('soc_bulk_duration_seconds_bucket{le="0.25",app="test"} 1');
    expect(body).toContain('soc_batch_size_bytes{quantile="0.5",app="test"} 512');
  });

  it("throw MetricNameError naming the metric and the rule", () => {
    const r = registry();
    let error: unknown;
    try {
      counter(r, { name: "soc_events_shipped", help: "Events." });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MetricNameError);
    const e = error as MetricNameError;
    expect(e.name).toBe("MetricNameError");
    expect(e.metricName).toBe("soc_events_shipped");
    expect(e.rule).toBe("counter-total");
    expect(e.message).toContain("soc_events_shipped");
    expect(e.message).toContain("counter-total");
    expect(r.prom.getSingleMetric("soc_events_shipped")).toBeUndefined();
  });

  it.each<[string, () => unknown, NamingRule]>([
    ["non-base unit", () => histogram(registry(), { name: "soc_latency_milliseconds", help: "x", buckets: [1] }), "base-unit"],
    ["abbreviated unit", () => gauge(registry(), { name: "soc_spool_kb", help: "x" }), "unit-abbreviation"],
    ["missing namespace", () => gauge(registry(), { name: "queue_depth", help: "x" }), "namespace"],
    ["missing help", () => gauge(registry(), { name: "soc_queue_depth", help: " " }), "help"],
    ["reserved label le", () => histogram(registry(), { name: "soc_x_seconds", help: "x", labelNames: ["le"] }), "label-reserved"],
    ["reserved label quantile", () => summary(registry(), { name: "soc_x_seconds", help: "x", labelNames: ["quantile"] }), "label-reserved"],
    ["__ label", () => counter(registry(), { name: "soc_x_total", help: "x", labelNames: ["__x"] }), "label-reserved"],
    ["camelCase label", () => counter(registry(), { name: "soc_x_total", help: "x", labelNames: ["statusCode"] }), "label-charset"],
    ["label clashing with a default label", () => gauge(registry(), { name: "soc_x", help: "x", labelNames: ["app"] }), "label-duplicate"],
    ["unit the name lacks", () => gauge(registry(), { name: "soc_spool", help: "x", unit: "bytes" }), "unit-suffix"],
  ])("reject a %s", (_what, create, rule) => {
    expect(create).toThrow(MetricNameError);
    try {
      create();
    } catch (e) {
      expect((e as MetricNameError).problems.map((p) => p.rule)).toContain(rule);
    }
  });

  it("give histograms unit-based default buckets and require buckets otherwise", () => {
    const r = registry();
    const seconds = histogram(r, { name: "soc_parse_seconds", help: "x" });
    const bytes = histogram(r, { name: "soc_body_bytes", help: "x" });
    const upperBounds = (h: unknown) => (h as { upperBounds: number[] }).upperBounds;
    expect(upperBounds(seconds)).toEqual([...DEFAULT_SECONDS_BUCKETS]);
    expect(upperBounds(bytes)).toEqual([...DEFAULT_BYTES_BUCKETS]);
    expect(upperBounds(histogram(r, { name: "soc_batch_events", help: "x", buckets: [1, 10, 100] }))).toEqual([1, 10, 100]);
    expect(() => histogram(r, { name: "soc_burst_events", help: "x" })).toThrow(/pass buckets/);
    expect(() => histogram(r, { name: "soc_flush_seconds", help: "x", buckets: [1, 1] })).toThrow(/strictly increasing/);
    expect(() => histogram(r, { name: "soc_sync_seconds", help: "x", buckets: [1, Infinity] })).toThrow(/finite/);
  });

  it("check summary percentiles", () => {
    expect(() => summary(registry(), { name: "soc_parse_seconds", help: "x", percentiles: [0.5, 1] })).toThrow(/between 0 and 1/);
  });

  it("refuse a second metric of the same name", () => {
    const r = registry();
    gauge(r, { name: "soc_queue_depth", help: "x" });
    expect(() => gauge(r, { name: "soc_queue_depth", help: "x" })).toThrow(/already been registered/);
  });

  it("refuse something that is not a MetricsRegistry", () => {
    expect(() => gauge({} as never, { name: "soc_queue_depth", help: "x" })).toThrow(/createMetricsRegistry/);
  });
});

describe("createMetricsRegistry", () => {
  it("registers the scrape-error counter and, by default, soc_-prefixed runtime metrics", async () => {
    const r = createMetricsRegistry();
    expect(r.prefix).toBe("soc_");
    const names = r.prom.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name);
    expect(names).toContain("soc_metrics_scrape_errors_total");
    expect(names).toContain("soc_process_cpu_seconds_total");
    expect(names).toContain("soc_nodejs_eventloop_lag_seconds");
    expect(names).toContain("soc_nodejs_heap_size_used_bytes");
    // Gauges named _total (upstream prom-client) are dropped: they break the naming rules.
    expect(names.filter((n) => n.startsWith("soc_nodejs_active_") && n.endsWith("_total"))).toEqual([]);
    expect(names).toContain("soc_nodejs_active_handles");
  });

  it("gives every default metric a name that passes validateMetricName", async () => {
    const r = createMetricsRegistry();
    const families = await r.prom.getMetricsAsJSON();
    expect(families.length).toBeGreaterThan(15);
    for (const family of families) {
      const kind = String(family.type) as MetricKind;
      expect({ name: family.name, problems: validateMetricName(family.name, kind) }).toEqual({ name: family.name, problems: [] });
    }
  });

  it("keeps upstream runtime metric names with prefix ''", () => {
    const names = createMetricsRegistry({ prefix: "" })
      .prom.getMetricsAsArray()
      .map((m) => (m as unknown as { name: string }).name);
    expect(names).toContain("process_cpu_seconds_total");
    expect(names).not.toContain("nodejs_active_handles_total");
  });

  it("skips runtime metrics with collectDefault: false", () => {
    const r = createMetricsRegistry({ collectDefault: false });
    expect(r.prom.getMetricsAsArray()).toHaveLength(1);
  });

  it("validates the prefix and the default labels", () => {
    expect(() => createMetricsRegistry({ prefix: "soc" })).toThrow(TypeError);
    expect(() => createMetricsRegistry({ prefix: "Soc_" })).toThrow(TypeError);
    expect(() => createMetricsRegistry({ defaultLabels: { instance: "a" } })).toThrow(MetricNameError);
    expect(() => createMetricsRegistry({ defaultLabels: { appName: "a" } })).toThrow(MetricNameError);
    expect(() => createMetricsRegistry({ defaultLabels: { app: 1 as unknown as string } })).toThrow(TypeError);
  });
});
