import { createMetricsRegistry } from "@soc/metrics";
import { describe, expect, it } from "vitest";
import type { AlertSink, AlertStats, AnomalyObservation } from "../../src/alert/types.js";
import type { HostSample } from "../../src/collect/types.js";
import { AgentMetrics } from "../../src/service/agent-metrics.js";
import { DetectionEngine } from "../../src/service/detection.js";
import { HostMetricsExporter } from "../../src/service/host-metrics.js";
import { LoggingAlertSink } from "../../src/service/logging-sink.js";
import { AgentLoop, type Collector, type TickReport } from "../../src/service/loop.js";
import { formatTickLine } from "../../src/service/report.js";

/** Records every call, in order. */
class FakeSink implements AlertSink {
  readonly calls: string[] = [];
  readonly observed: AnomalyObservation[] = [];
  tickDelayMs = 0;
  failTick = false;
  observe(o: AnomalyObservation): void {
    this.observed.push(o);
  }
  async tick(now: number): Promise<void> {
    this.calls.push(`tick:${now}`);
    if (this.tickDelayMs > 0) await new Promise((r) => setTimeout(r, this.tickDelayMs));
    if (this.failTick) throw new Error("receiver down");
  }
  async flush(deadlineMs: number): Promise<void> {
    this.calls.push(`flush:${deadlineMs}`);
  }
  async close(): Promise<void> {
    this.calls.push("close");
  }
  get stats(): AlertStats {
    return { observations: this.observed.length, deduplicated: 0, firing: 0, raised: 0, resolved: 0, outboxErrors: 0, receivers: {} };
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Collector replaying a CPU-busy script: `values[i]` on tick i (busy fraction of the whole host). */
function scripted(values: readonly (number | Error)[], stepMs = 1000): Collector & { calls: number } {
  let idle = 0;
  let busy = 0;
  const c = {
    calls: 0,
    async collect(): Promise<HostSample> {
      const i = c.calls++;
      const v = values[Math.min(i, values.length - 1)]!;
      if (v instanceof Error) throw v;
      busy += v * 100;
      idle += (1 - v) * 100;
      return { atMs: 1_700_000_000_000 + i * stepMs, cpus: [{ cpu: "all", user: busy, nice: 0, system: 0, idle, iowait: 0, irq: 0, softirq: 0, steal: 0 }] };
    },
  };
  return c;
}

function wave(n: number, spikeAt = -1): number[] {
  return Array.from({ length: n }, (_, i) => (i === spikeAt ? 0.97 : 0.2 + 0.02 * Math.sin(i * 1.7) + 0.01 * Math.cos(i * 0.37)));
}

describe("AgentLoop", () => {
  it("turns an anomaly in the collected data into an anomalous observation for the sink, after warm-up", async () => {
    const sink = new FakeSink();
    const reports: TickReport[] = [];
    const loop = new AgentLoop({
      collector: scripted(wave(400, 380)),
      engine: new DetectionEngine({ scoreThreshold: 0.9, warmupSamples: 100 }),
      sink,
      log: silent,
      intervalMs: 1,
      maxTicks: 400,
      onTick: (r) => reports.push(r),
    });
    const result = await loop.run(new AbortController().signal);
    expect(result).toEqual({ ticks: 400, reason: "ticks" });
    // tick 1 has no busy ratio yet (needs two readings); every later tick has one observation
    expect(sink.observed).toHaveLength(399);
    const flagged = sink.observed.filter((o) => o.anomalous).map((o) => o.at - 1_700_000_000_000);
    expect(flagged[0]).toBe(380_000);
    expect(sink.observed.slice(0, 379).every((o) => !o.anomalous)).toBe(true);
    expect(reports[380]!.anomalous).toEqual(["HostCpuAnomaly:soc_node_cpu_busy_ratio"]);
    expect(sink.calls.slice(-2)).toEqual(["flush:5000", "close"]);
    expect(loop.ready).toBe(true);
  });

  it("on abort stops collecting, flushes the sink with the deadline, then closes it", async () => {
    const sink = new FakeSink();
    const controller = new AbortController();
    const collector = scripted(wave(10));
    const loop = new AgentLoop({
      collector,
      engine: new DetectionEngine({ scoreThreshold: 0.9 }),
      sink,
      log: silent,
      intervalMs: 20,
      flushDeadlineMs: 1234,
      onTick: (r) => {
        if (r.tick === 3) controller.abort();
      },
    });
    const result = await loop.run(controller.signal);
    expect(result).toEqual({ ticks: 3, reason: "signal" });
    expect(collector.calls).toBe(3);
    expect(sink.calls.filter((c) => !c.startsWith("tick:"))).toEqual(["flush:1234", "close"]);
  });

  it("survives a collector that throws and a sink whose tick rejects, counting both; ready only after data", async () => {
    const registry = createMetricsRegistry({ collectDefault: false });
    const sink = new FakeSink();
    sink.failTick = true;
    const metrics = new AgentMetrics(registry, { alertStats: () => sink.stats });
    const loop = new AgentLoop({
      collector: scripted([new Error("EIO"), 0.2, 0.3, 0.25]),
      engine: new DetectionEngine({ scoreThreshold: 0.9 }),
      sink,
      log: silent,
      intervalMs: 5,
      maxTicks: 1,
      metrics,
    });
    const first = await loop.tick();
    expect(first.failures).toEqual(["collector"]);
    expect(loop.ready).toBe(false);
    await loop.tick();
    expect(loop.ready).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    const text = (await registry.render()).body;
    expect(text).toMatch(/soc_aiops_collect_errors_total\{source="collector"\} 1/);
    expect(text).toMatch(/soc_aiops_alert_sink_errors_total\{operation="tick"\} [12]/);
    expect(text).toMatch(/soc_aiops_ticks_total 2/);
  });

  it("does not wait for a slow sink tick: collection keeps its pace and one delivery pass runs at a time", async () => {
    const sink = new FakeSink();
    sink.tickDelayMs = 200;
    const loop = new AgentLoop({ collector: scripted(wave(10)), engine: new DetectionEngine({ scoreThreshold: 0.9 }), sink, log: silent, intervalMs: 10, maxTicks: 5 });
    const t0 = performance.now();
    await loop.run(new AbortController().signal);
    expect(sink.calls.filter((c) => c.startsWith("tick:"))).toHaveLength(1);
    // 5 ticks at 10 ms, then shutdown waits for the in-flight delivery pass (200 ms) before flushing
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(sink.calls.slice(-2)).toEqual(["flush:5000", "close"]);
  });

  it("exports the host series and scores on /metrics, removing a vanished interface", async () => {
    const registry = createMetricsRegistry({ collectDefault: false });
    const exporter = new HostMetricsExporter(registry);
    const metrics = new AgentMetrics(registry);
    const samples: HostSample[] = [
      { atMs: 0, network: [{ device: "eth0", receiveBytes: 100, transmitBytes: 0, receiveErrors: 0, transmitErrors: 0, receiveDrops: 0, transmitDrops: 0 }, { device: "wlan0", receiveBytes: 5, transmitBytes: 0, receiveErrors: 0, transmitErrors: 0, receiveDrops: 0, transmitDrops: 0 }] },
      { atMs: 1000, network: [{ device: "eth0", receiveBytes: 40, transmitBytes: 0, receiveErrors: 0, transmitErrors: 0, receiveDrops: 0, transmitDrops: 0 }] },
    ];
    let i = 0;
    const loop = new AgentLoop({ collector: { collect: async () => samples[i++]! }, engine: new DetectionEngine({ scoreThreshold: 0.9 }), sink: new FakeSink(), log: silent, intervalMs: 1, exporter, metrics });
    await loop.tick();
    let text = (await registry.render()).body;
    expect(text).toMatch(/soc_node_network_receive_bytes_total\{device="eth0"\} 100\n/);
    expect(text).toMatch(/soc_node_network_receive_bytes_total\{device="wlan0"\} 5\n/);
    await loop.tick();
    text = (await registry.render()).body;
    // the kernel counter reset to 40: the exported counter adds 40 instead of going down
    expect(text).toMatch(/soc_node_network_receive_bytes_total\{device="eth0"\} 140\n/);
    expect(text).not.toMatch(/device="wlan0"/);
  });

  it("formats a compact tick line", () => {
    const line = formatTickLine({
      tick: 2,
      atMs: 0,
      series: 86,
      scored: 19,
      warm: 0,
      warmupSamples: 120,
      top: [{ key: 'soc_node_load1', series: { name: "soc_node_load1", labels: {}, value: 0.52, kind: "gauge", scored: true, source: "loadavg" }, score: 0.31, warm: false, anomalous: false }],
      anomalous: [],
      failures: ["fsSize"],
      observations: 19,
      durationMs: 3.14,
    });
    expect(line).toBe("tick 2 series=86 scored=19 warm=0/19(120) top=[0.31 soc_node_load1=0.52] anomalous=0 failures=fsSize 3.1ms");
  });
});

describe("LoggingAlertSink (fallback when no receivers are configured)", () => {
  it("logs firing once per alert and resolved after resolveAfterMs without anomalies", async () => {
    const lines: string[] = [];
    const sink = new LoggingAlertSink({ log: { warn: (_o, m) => lines.push(`warn ${m}`), info: (_o, m) => lines.push(`info ${m}`) }, resolveAfterMs: 5000 });
    const obs = (at: number, anomalous: boolean): AnomalyObservation => ({ alertname: "HostCpuAnomaly", labels: { series: "x" }, anomalous, score: anomalous ? 0.95 : 0.1, value: 1, severity: "warning", summary: "cpu busy", at });
    sink.observe(obs(0, true));
    sink.observe(obs(1000, true));
    sink.observe(obs(2000, false));
    await sink.tick(5500);
    expect(sink.stats.firing).toBe(1);
    await sink.tick(6000);
    expect(lines).toEqual(["warn alert firing: cpu busy", "info alert resolved: HostCpuAnomaly"]);
    expect(sink.stats).toMatchObject({ observations: 3, raised: 1, resolved: 1, firing: 0, receivers: {} });
  });
});
