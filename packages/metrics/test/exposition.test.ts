import { describe, expect, it } from "vitest";
import {
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  counter,
  createMetricsRegistry,
  gauge,
  histogram,
  negotiateFormat,
  renderExposition,
  summary,
} from "../src/index.js";

// What Prometheus 2.x sends when scraping.
const PROMETHEUS_ACCEPT =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

describe("negotiateFormat", () => {
  it.each<[string | undefined, "prometheus" | "openmetrics"]>([
    [undefined, "prometheus"],
    ["", "prometheus"],
    ["*/*", "prometheus"],
    ["text/plain", "prometheus"],
    ["text/plain; version=0.0.4", "prometheus"],
    ["application/json", "prometheus"],
    [PROMETHEUS_ACCEPT, "openmetrics"],
    ["application/openmetrics-text", "openmetrics"],
    ["application/openmetrics-text; version=1.0.0; charset=utf-8", "openmetrics"],
    ["Application/OpenMetrics-Text;Version=\"1.0.0\"", "openmetrics"],
    ["text/plain;version=0.0.4,application/openmetrics-text;version=1.0.0", "openmetrics"],
    ["application/openmetrics-text;q=0.4,text/plain;q=0.9", "prometheus"],
    ["application/openmetrics-text;q=0", "prometheus"],
    ["application/openmetrics-text;version=0.0.1", "prometheus"],
    ["application/openmetrics-text;version=2.0.0,text/plain;q=0.1", "prometheus"],
  ])("%j → %s", (accept, expected) => {
    expect(negotiateFormat(accept)).toBe(expected);
  });

  it("reads a header given as an array", () => {
    expect(negotiateFormat(["text/plain;q=0.5", "application/openmetrics-text"])).toBe("openmetrics");
  });
});

describe("renderExposition", () => {
  const families = [
    {
      name: "soc_events_shipped_total",
      help: 'Events "shipped" \\ with\nnewline',
      type: "counter",
      values: [{ value: 3, labels: { sink: 'a"b\\c\nd' } }],
    },
    {
      name: "soc_temperature_celsius",
      help: "Temperature.",
      type: "gauge",
      values: [
        { value: Infinity, labels: { probe: "hot" } },
        { value: -Infinity, labels: { probe: "cold" } },
        { value: NaN, labels: { probe: "broken" } },
        { value: 1.5e-7, labels: { probe: "tiny" } },
      ],
    },
    {
      name: "soc_bulk_duration_seconds",
      help: "Bulk duration.",
      type: "histogram",
      values: [
        { value: 1, labels: { le: 0.5 }, metricName: "soc_bulk_duration_seconds_bucket" },
        { value: 2, labels: { le: 1 }, metricName: "soc_bulk_duration_seconds_bucket" },
        { value: 2, labels: { le: "+Inf" }, metricName: "soc_bulk_duration_seconds_bucket" },
        { value: 1.2, labels: {}, metricName: "soc_bulk_duration_seconds_sum" },
        { value: 2, labels: {}, metricName: "soc_bulk_duration_seconds_count" },
      ],
    },
  ];
  const units = new Map([
    ["soc_bulk_duration_seconds", "seconds"],
    ["soc_temperature_celsius", "celsius"],
  ]);

  it("writes the Prometheus text format 0.0.4", () => {
    const { contentType, body } = renderExposition(families, "prometheus", units);
    expect(contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(body).toBe(
      [
        '# HELP soc_events_shipped_total Events "shipped" \\\\ with\\nnewline',
        "# TYPE soc_events_shipped_total counter",
        'soc_events_shipped_total{sink="a\\"b\\\\c\\nd"} 3',
        "# HELP soc_temperature_celsius Temperature.",
        "# TYPE soc_temperature_celsius gauge",
        'soc_temperature_celsius{probe="hot"} +Inf',
        'soc_temperature_celsius{probe="cold"} -Inf',
        'soc_temperature_celsius{probe="broken"} NaN',
        'soc_temperature_celsius{probe="tiny"} 1.5e-7',
        "# HELP soc_bulk_duration_seconds Bulk duration.",
        "# TYPE soc_bulk_duration_seconds histogram",
        'soc_bulk_duration_seconds_bucket{le="0.5"} 1',
        'soc_bulk_duration_seconds_bucket{le="1"} 2',
        'soc_bulk_duration_seconds_bucket{le="+Inf"} 2',
        "soc_bulk_duration_seconds_sum 1.2",
        "soc_bulk_duration_seconds_count 2",
        "",
      ].join("\n"),
    );
  });

  it("writes OpenMetrics 1.0.0: counter families without _total, UNIT, canonical le, quoted HELP, # EOF", () => {
    const { contentType, body } = renderExposition(families, "openmetrics", units);
    expect(contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(body).toBe(
      [
        '# HELP soc_events_shipped Events \\"shipped\\" \\\\ with\\nnewline',
        "# TYPE soc_events_shipped counter",
        'soc_events_shipped_total{sink="a\\"b\\\\c\\nd"} 3',
        "# HELP soc_temperature_celsius Temperature.",
        "# TYPE soc_temperature_celsius gauge",
        "# UNIT soc_temperature_celsius celsius",
        'soc_temperature_celsius{probe="hot"} +Inf',
        'soc_temperature_celsius{probe="cold"} -Inf',
        'soc_temperature_celsius{probe="broken"} NaN',
        'soc_temperature_celsius{probe="tiny"} 1.5e-7',
        "# HELP soc_bulk_duration_seconds Bulk duration.",
        "# TYPE soc_bulk_duration_seconds histogram",
        "# UNIT soc_bulk_duration_seconds seconds",
        'soc_bulk_duration_seconds_bucket{le="0.5"} 1',
        'soc_bulk_duration_seconds_bucket{le="1.0"} 2',
        'soc_bulk_duration_seconds_bucket{le="+Inf"} 2',
        "soc_bulk_duration_seconds_sum 1.2",
        "soc_bulk_duration_seconds_count 2",
        "# EOF",
        "",
      ].join("\n"),
    );
  });

  it("writes an empty registry as nothing, or just # EOF", () => {
    expect(renderExposition([], "prometheus").body).toBe("");
    expect(renderExposition([], "openmetrics").body).toBe("# EOF\n");
  });

  it("writes an unknown type as untyped / unknown", () => {
    const odd = [{ name: "soc_odd", help: "Odd.", type: "exotic", values: [{ value: 1, labels: {} }] }];
    expect(renderExposition(odd, "prometheus").body).toContain("# TYPE soc_odd untyped");
    expect(renderExposition(odd, "openmetrics").body).toContain("# TYPE soc_odd unknown");
  });
});

describe("MetricsRegistry.render", () => {
  it("renders both formats from the same registry, any number of times, without renaming counters", async () => {
    const r = createMetricsRegistry({ collectDefault: false });
    counter(r, { name: "soc_events_shipped_total", help: "Events shipped." }).inc(2);
    for (let i = 0; i < 2; i += 1) {
      const text = await r.render("prometheus");
      expect(text.body).toContain("# TYPE soc_events_shipped_total counter\nsoc_events_shipped_total 2\n");
      const om = await r.render("openmetrics");
      expect(om.body).toContain("# TYPE soc_events_shipped counter\nsoc_events_shipped_total 2\n");
      expect(om.body.endsWith("# EOF\n")).toBe(true);
    }
    // prom-client's own renderer still sees the original name.
    expect(await r.prom.metrics()).toContain("# TYPE soc_events_shipped_total counter");
  });

  it("writes UNIT for declared and suffix-derived units, in OpenMetrics only", async () => {
    const r = createMetricsRegistry({ collectDefault: false });
    histogram(r, { name: "soc_bulk_duration_seconds", help: "Bulk duration." }).observe(0.1);
    counter(r, { name: "soc_sent_bytes_total", help: "Bytes sent.", unit: "bytes" }).inc(10);
    gauge(r, { name: "soc_queue_depth", help: "Queue depth." }).set(1);
    summary(r, { name: "soc_disk_usage_ratio", help: "Disk usage." }).observe(0.5);
    const om = (await r.render("openmetrics")).body;
    expect(om).toContain("# UNIT soc_bulk_duration_seconds seconds\n");
    expect(om).toContain("# UNIT soc_sent_bytes bytes\n");
    expect(om).toContain("# UNIT soc_disk_usage_ratio ratio\n");
    expect(om).not.toContain("# UNIT soc_queue_depth");
    expect((await r.render("prometheus")).body).not.toContain("# UNIT");
  });

  it("adds default labels to every series", async () => {
    const r = createMetricsRegistry({ collectDefault: false, defaultLabels: { app: "edge-agent" } });
    gauge(r, { name: "soc_queue_depth", help: "Queue depth.", labelNames: ["queue"] }).set({ queue: "spool" }, 7);
    const body = (await r.render()).body;
    expect(body).toContain('soc_queue_depth{queue="spool",app="edge-agent"} 7');
    expect(body).toContain('soc_metrics_scrape_errors_total{app="edge-agent"} 0');
  });
});
