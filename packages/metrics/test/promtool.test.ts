// `promtool check metrics` (Debian package prometheus) on what the server serves over real HTTP.
// promtool parses the Prometheus text format only; OpenMetrics is checked by prometheus.test.ts.
// Under CI=true a missing promtool fails these tests; elsewhere they are skipped.
import { afterEach, describe, expect, it } from "vitest";
import {
  type MetricsServer,
  counter,
  createMetricsRegistry,
  gauge,
  histogram,
  startMetricsServer,
  summary,
} from "../src/index.js";
import { get, promtoolCheck, requiredTool } from "./helpers.js";

const promtool = requiredTool("promtool", "prometheus");

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(1_000)));
});

async function scrape(registry: ReturnType<typeof createMetricsRegistry>): Promise<string> {
  const server = await startMetricsServer({ registry, host: "127.0.0.1", port: 0 });
  servers.push(server);
  const res = await get(`${server.url}/metrics`, { headers: { Accept: "text/plain;version=0.0.4" } });
  expect(res.status).toBe(200);
  return res.body;
}

describe.skipIf(promtool.skip)("promtool check metrics", () => {
  it("passes the default registry (runtime metrics, soc_ prefix, default labels)", async () => {
    const body = await scrape(createMetricsRegistry({ defaultLabels: { app: "edge-agent" } }));
    expect(body).toContain("soc_process_cpu_seconds_total");
    expect(body).toContain("soc_nodejs_eventloop_lag_seconds");
    const result = promtoolCheck(promtool.need(), body);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("passes the runtime metrics under their upstream names (prefix '')", async () => {
    const result = promtoolCheck(promtool.need(), await scrape(createMetricsRegistry({ prefix: "" })));
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("passes a registry with custom metrics of every kind", async () => {
    const registry = createMetricsRegistry({ defaultLabels: { app: "aiops-agent" } });
    const shipped = counter(registry, { name: "soc_events_shipped_total", help: "Events shipped.", labelNames: ["sink", "status"] });
    shipped.inc({ sink: "opensearch", status: "ok" }, 120);
    shipped.inc({ sink: 'quote " backslash \\ newline \n', status: "error" }, 1);
    counter(registry, { name: "soc_sent_bytes_total", help: "Bytes sent to OpenSearch.", unit: "bytes" }).inc(4096);
    gauge(registry, { name: "soc_spool_bytes", help: "Bytes waiting in the spool.\nSecond line \\ with a backslash." }).set(1.5e9);
    gauge(registry, { name: "soc_disk_usage_ratio", help: "Disk usage.", labelNames: ["mount"] }).set({ mount: "/" }, 0.42);
    gauge(registry, { name: "soc_edge_build_info", help: "Build information.", labelNames: ["version"] }).set({ version: "0.1.0" }, 1);
    gauge(registry, { name: "soc_last_event_timestamp_seconds", help: "When the last event arrived." }).set(Number.NaN);
    const duration = histogram(registry, { name: "soc_opensearch_bulk_duration_seconds", help: "Bulk request duration.", labelNames: ["status"] });
    for (const v of [0.003, 0.04, 0.2, 1.7, 45]) duration.observe({ status: "200" }, v);
    histogram(registry, { name: "soc_bulk_request_size_bytes", help: "Bulk request size." }).observe(70_000);
    const latency = summary(registry, { name: "soc_llm_response_seconds", help: "LLM response time.", labelNames: ["model"] });
    for (const v of [0.8, 1.2, 3.4]) latency.observe({ model: "small" }, v);

    const body = await scrape(registry);
    expect(body).toContain('soc_opensearch_bulk_duration_seconds_bucket{le="+Inf",status="200",app="aiops-agent"} 5');
    expect(body).toContain('soc_llm_response_seconds{quantile="0.5",model="small",app="aiops-agent"}');
    const result = promtoolCheck(promtool.need(), body);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("does flag what the naming rules forbid (so a pass above means something)", () => {
    const bad = ["# HELP soc_queue_total Queue.", "# TYPE soc_queue_total gauge", "soc_queue_total 1", ""].join("\n");
    const result = promtoolCheck(promtool.need(), bad);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('non-counter metrics should not have "_total" suffix');
  });
});
