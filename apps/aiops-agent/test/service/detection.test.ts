import { describe, expect, it } from "vitest";
import type { Series } from "../../src/collect/types.js";
import { DetectionEngine, anomalyAlertName } from "../../src/service/detection.js";
import { nextAfter, rulesFromConfig, staticRuleDetectorOptions } from "../../src/service/rules.js";
import { StaticThresholdDetector } from "../../src/detect/static-threshold.js";

/** Deterministic noise (LCG), so the test is the same on every run. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

const busy = (value: number, cpu = "all"): Series => ({ name: "soc_node_cpu_busy_ratio", labels: { cpu }, value, kind: "gauge", scored: true, source: "cpu" });
const STEP = 1000;

describe("DetectionEngine", () => {
  it("flags a spike after warm-up as an anomalous observation with labels, score and value", () => {
    const engine = new DetectionEngine({ scoreThreshold: 0.9, warmupSamples: 120, baseLabels: { host: "pi-1" } });
    const rnd = noise(7);
    let anomalousBefore = 0;
    for (let i = 0; i < 600; i++) {
      const { observations } = engine.evaluate([busy(0.2 + 0.02 * rnd())], i * STEP);
      if (observations[0]!.anomalous) anomalousBefore += 1;
    }
    expect(anomalousBefore).toBe(0);
    const { observations, scores } = engine.evaluate([busy(0.95)], 600 * STEP);
    expect(observations).toHaveLength(1);
    const o = observations[0]!;
    expect(o).toMatchObject({ alertname: "HostCpuAnomaly", anomalous: true, value: 0.95, severity: "warning", at: 600 * STEP });
    expect(o.labels).toEqual({ host: "pi-1", series: "soc_node_cpu_busy_ratio", cpu: "all" });
    expect(o.score).toBeGreaterThanOrEqual(0.9);
    expect(o.summary).toContain('soc_node_cpu_busy_ratio{cpu="all"}');
    expect(scores[0]).toMatchObject({ key: 'soc_node_cpu_busy_ratio{cpu="all"}', warm: true, anomalous: true });
  });

  it("does not alert during warm-up, however surprising the point", () => {
    const engine = new DetectionEngine({ scoreThreshold: 0.9, warmupSamples: 1000 });
    const rnd = noise(3);
    for (let i = 0; i < 600; i++) engine.evaluate([busy(0.2 + 0.02 * rnd())], i * STEP);
    const { observations, scores } = engine.evaluate([busy(0.95)], 600 * STEP);
    expect(scores[0]!.score).toBeGreaterThanOrEqual(0.9);
    expect(scores[0]!.warm).toBe(false);
    expect(observations[0]!.anomalous).toBe(false);
  });

  it("holds an anomaly for holdDownSamples further ticks, then releases it", () => {
    const engine = new DetectionEngine({ scoreThreshold: 0.9, warmupSamples: 100, holdDownSamples: 2 });
    const rnd = noise(11);
    let t = 0;
    for (; t < 500; t++) engine.evaluate([busy(0.3 + 0.02 * rnd())], t * STEP);
    const flags: boolean[] = [];
    flags.push(engine.evaluate([busy(0.99)], t++ * STEP).observations[0]!.anomalous);
    for (let k = 0; k < 4; k++) {
      const e = engine.evaluate([busy(0.3 + 0.02 * rnd())], t++ * STEP);
      flags.push(e.observations[0]!.anomalous);
      if (k === 2) expect(e.scores[0]!.score).toBeLessThan(0.9);
    }
    expect(flags).toEqual([true, true, true, false, false]);
  });

  it("emits no observation for unscored series without a rule, and none at all with scoring off", () => {
    const unscored: Series = { name: "soc_node_memory_total_bytes", labels: {}, value: 1e9, kind: "gauge", scored: false, source: "meminfo" };
    expect(new DetectionEngine({ scoreThreshold: 0.9 }).evaluate([unscored], 0).observations).toEqual([]);
    const off = new DetectionEngine({ scoreThreshold: 0.9, models: { adaptive: false, seasonal: false, changePoint: false } });
    expect(off.evaluate([busy(0.5)], 0).observations).toEqual([]);
    expect(off.size).toBe(0);
  });

  it("evaluates static rules per labelled series with `for`, severity and exact >=", () => {
    const rules = rulesFromConfig([{ name: "DiskAlmostFull", metric: "soc_node_filesystem_used_ratio", op: ">=", value: 0.9, for: "2s", severity: "critical" }], (d) => Number.parseFloat(d));
    const engine = new DetectionEngine({ scoreThreshold: 0.9, rules });
    const fs = (mountpoint: string, value: number): Series => ({ name: "soc_node_filesystem_used_ratio", labels: { mountpoint }, value, kind: "gauge", scored: false, source: "fsSize" });
    const run = (t: number, root: number, boot: number) => engine.evaluate([fs("/", root), fs("/boot", boot)], t).observations.map((o) => [o.labels.mountpoint, o.anomalous]);
    expect(run(0, 0.9, 0.5)).toEqual([["/", false], ["/boot", false]]);
    expect(run(1000, 0.95, 0.5)).toEqual([["/", false], ["/boot", false]]);
    const firing = engine.evaluate([fs("/", 0.91), fs("/boot", 0.5)], 2000).observations[0]!;
    expect(firing).toMatchObject({ alertname: "DiskAlmostFull", anomalous: true, score: 1, severity: "critical", value: 0.91 });
    expect(firing.summary).toContain(">= 0.9 for 2s");
    expect(run(3000, 0.89, 0.5)).toEqual([["/", false], ["/boot", false]]);
  });

  it("caps the number of tracked series", () => {
    const engine = new DetectionEngine({ scoreThreshold: 0.9, maxSeries: 2 });
    engine.evaluate([busy(0.1, "0"), busy(0.1, "1"), busy(0.1, "2")], 0);
    expect(engine.size).toBe(2);
    expect(engine.droppedSeries).toBe(1);
  });

  it("forgets series not seen for staleAfterMs (a veth that went away) and reports them as evicted", () => {
    const engine = new DetectionEngine({ scoreThreshold: 0.9, staleAfterMs: 60_000 });
    engine.evaluate([busy(0.1, "0"), busy(0.1, "1")], 0);
    expect(engine.evaluate([busy(0.1, "0")], 50_000).evicted).toEqual([]);
    const { evicted } = engine.evaluate([busy(0.1, "0")], 120_000);
    expect(evicted.map((s) => s.labels.cpu)).toEqual(["1"]);
    expect(engine.size).toBe(1);
  });

  it("rejects a threshold outside [0, 1]", () => {
    expect(() => new DetectionEngine({ scoreThreshold: 1.5 })).toThrow(RangeError);
  });

  it("names alerts by subsystem", () => {
    expect(anomalyAlertName("rate(soc_node_network_receive_bytes_total)")).toBe("HostNetworkAnomaly");
    expect(anomalyAlertName("soc_node_cpu_temperature_celsius")).toBe("HostTemperatureAnomaly");
    expect(anomalyAlertName("soc_node_filesystem_avail_bytes")).toBe("HostFilesystemAnomaly");
    expect(anomalyAlertName("rate(soc_node_disk_io_time_seconds_total)")).toBe("HostDiskIoAnomaly");
  });
});

describe("static rule bounds", () => {
  it("nextAfter steps to the neighbouring double in both directions and signs", () => {
    expect(nextAfter(1, 1)).toBe(1 + Number.EPSILON);
    expect(nextAfter(1, -1)).toBe(1 - Number.EPSILON / 2);
    expect(nextAfter(-1, -1)).toBe(-1 - Number.EPSILON);
    expect(nextAfter(0, 1)).toBe(Number.MIN_VALUE);
    expect(nextAfter(0, -1)).toBe(-Number.MIN_VALUE);
  });
  it("maps >, >=, <, <= onto the strict detector exactly at the bound", () => {
    const at = (op: ">" | ">=" | "<" | "<=", x: number) => new StaticThresholdDetector(staticRuleDetectorOptions({ op, value: 0.9, forMs: 0 })).update(0, x);
    expect([at(">", 0.9), at(">=", 0.9), at("<", 0.9), at("<=", 0.9)]).toEqual([0, 1, 0, 1]);
    expect([at(">", 0.9000001), at(">=", 0.8999999), at("<", 0.8999999), at("<=", 0.9000001)]).toEqual([1, 0, 1, 0]);
  });
});
