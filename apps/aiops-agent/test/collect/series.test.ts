import { describe, expect, it } from "vitest";
import { SeriesBuilder, counterIncrement, counterRate, cpuBusyRatio } from "../../src/collect/series.js";
import type { CpuTimes, HostSample, NetworkCounters, Series } from "../../src/collect/types.js";
import { seriesKey } from "../../src/collect/types.js";

const cpu = (id: string, busy: number, idle: number, iowait = 0): CpuTimes => ({ cpu: id, user: busy, nice: 0, system: 0, idle, iowait, irq: 0, softirq: 0, steal: 0 });
const net = (device: string, rx: number, tx = 0, rxErr = 0): NetworkCounters => ({ device, receiveBytes: rx, transmitBytes: tx, receiveErrors: rxErr, transmitErrors: 0, receiveDrops: 0, transmitDrops: 0 });
const find = (series: Series[], name: string, labels: Record<string, string> = {}) => series.find((s) => seriesKey(s.name, s.labels) === seriesKey(name, labels));

describe("counter helpers", () => {
  it("counterRate: delta over time, null on the first reading, a reset or no elapsed time", () => {
    expect(counterRate(undefined, 10, 1000)).toBeNull();
    expect(counterRate({ value: 100, atMs: 1000 }, 300, 3000)).toBe(100);
    expect(counterRate({ value: 300, atMs: 1000 }, 50, 2000)).toBeNull();
    expect(counterRate({ value: 1, atMs: 1000 }, 2, 1000)).toBeNull();
  });
  it("counterIncrement: all of the first reading, the delta, and the new value after a reset", () => {
    expect(counterIncrement(undefined, 500)).toBe(500);
    expect(counterIncrement(500, 700)).toBe(200);
    expect(counterIncrement(700, 30)).toBe(30);
    expect(counterIncrement(700, Number.NaN)).toBe(0);
  });
  it("cpuBusyRatio: 1 − Δ(idle+iowait)/Δtotal; null when nothing elapsed or a counter went back", () => {
    expect(cpuBusyRatio(cpu("0", 10, 90), cpu("0", 40, 160))).toBeCloseTo(0.3);
    expect(cpuBusyRatio(cpu("0", 10, 90, 0), cpu("0", 20, 170, 10))).toBeCloseTo(0.1);
    expect(cpuBusyRatio(cpu("0", 10, 90), cpu("0", 10, 90))).toBeNull();
    expect(cpuBusyRatio(cpu("0", 10, 90), cpu("0", 5, 200))).toBeNull();
  });
});

describe("SeriesBuilder", () => {
  it("emits counters on the first sample and their rates only from the second", () => {
    const b = new SeriesBuilder();
    const first = b.next({ atMs: 0, network: [net("eth0", 1000, 50)] });
    expect(find(first, "soc_node_network_receive_bytes_total", { device: "eth0" })).toMatchObject({ kind: "counter", value: 1000 });
    expect(first.some((s) => s.kind === "rate")).toBe(false);
    const second = b.next({ atMs: 2000, network: [net("eth0", 5000, 250, 2)] });
    expect(find(second, "rate(soc_node_network_receive_bytes_total)", { device: "eth0" })).toMatchObject({ value: 2000, kind: "rate", scored: true });
    expect(find(second, "rate(soc_node_network_transmit_bytes_total)", { device: "eth0" })!.value).toBe(100);
    expect(find(second, "rate(soc_node_network_receive_errs_total)", { device: "eth0" })).toMatchObject({ value: 1, scored: false });
  });

  it("leaves the rate out across a counter reset, counts it, and resumes on the next sample", () => {
    const b = new SeriesBuilder();
    b.next({ atMs: 0, network: [net("eth0", 9000)] });
    const reset = b.next({ atMs: 1000, network: [net("eth0", 100)] });
    expect(find(reset, "rate(soc_node_network_receive_bytes_total)", { device: "eth0" })).toBeUndefined();
    expect(find(reset, "soc_node_network_receive_bytes_total", { device: "eth0" })!.value).toBe(100);
    expect(b.resets).toBe(1);
    const after = b.next({ atMs: 2000, network: [net("eth0", 600)] });
    expect(find(after, "rate(soc_node_network_receive_bytes_total)", { device: "eth0" })!.value).toBe(500);
  });

  it("forgets a vanished interface, so its return starts without a rate", () => {
    const b = new SeriesBuilder();
    b.next({ atMs: 0, network: [net("eth0", 0), net("wlan0", 0)] });
    b.next({ atMs: 1000, network: [net("eth0", 10)] });
    const back = b.next({ atMs: 2000, network: [net("eth0", 20), net("wlan0", 5000)] });
    expect(find(back, "rate(soc_node_network_receive_bytes_total)", { device: "wlan0" })).toBeUndefined();
    expect(find(back, "rate(soc_node_network_receive_bytes_total)", { device: "eth0" })!.value).toBe(10);
  });

  it("derives CPU busy ratios per CPU and in total from the second sample, and per-CPU counters", () => {
    const b = new SeriesBuilder();
    const s1 = b.next({ atMs: 0, cpus: [cpu("all", 20, 180), cpu("0", 10, 90), cpu("1", 10, 90)] });
    expect(s1.filter((s) => s.name === "soc_node_cpu_busy_ratio")).toEqual([]);
    expect(find(s1, "soc_node_cpu_seconds_total", { cpu: "1", mode: "idle" })!.value).toBe(90);
    expect(find(s1, "soc_node_cpu_seconds_total", { cpu: "all", mode: "idle" })).toBeUndefined();
    const s2 = b.next({ atMs: 1000, cpus: [cpu("all", 70, 230), cpu("0", 60, 90), cpu("1", 10, 140)] });
    expect(find(s2, "soc_node_cpu_busy_ratio", { cpu: "all" })!.value).toBeCloseTo(0.5);
    expect(find(s2, "soc_node_cpu_busy_ratio", { cpu: "0" })!.value).toBeCloseTo(1);
    expect(find(s2, "soc_node_cpu_busy_ratio", { cpu: "1" })!.value).toBeCloseTo(0);
  });

  it("leaves out a missing temperature (null) instead of reporting 0, and reports a present one", () => {
    const b = new SeriesBuilder();
    expect(b.next({ atMs: 0, temperatureCelsius: null }).some((s) => s.name.includes("temperature"))).toBe(false);
    expect(find(b.next({ atMs: 1000, temperatureCelsius: 51.5 }), "soc_node_cpu_temperature_celsius")).toMatchObject({ value: 51.5, scored: true });
  });

  it("turns memory, load, tasks, processes, disks and filesystems into named series in base units", () => {
    const sample: HostSample = {
      atMs: 0,
      load: { load1: 1.5, load5: 1, load15: 0.5 },
      memory: { totalBytes: 1000, availableBytes: 250, swapTotalBytes: 0, swapFreeBytes: 0 },
      tasks: { running: 2, blocked: 0 },
      processes: 120,
      disks: [{ device: "sda", reads: 1, writes: 2, readBytes: 512, writtenBytes: 1024, ioTimeSeconds: 1 }],
      filesystems: [{ device: "/dev/sda1", fstype: "ext4", mountpoint: "/", sizeBytes: 400, usedBytes: 100, availBytes: 280 }],
    };
    const b = new SeriesBuilder();
    const s = b.next(sample);
    expect(find(s, "soc_node_memory_used_ratio")!.value).toBeCloseTo(0.75);
    expect(find(s, "soc_node_memory_available_bytes")).toMatchObject({ value: 250, scored: true });
    expect(find(s, "soc_node_memory_swap_used_bytes")).toMatchObject({ value: 0, scored: false });
    expect(find(s, "soc_node_load1")).toMatchObject({ value: 1.5, scored: true });
    expect(find(s, "soc_node_load15")).toMatchObject({ scored: false });
    expect(find(s, "soc_node_processes")!.value).toBe(120);
    expect(find(s, "soc_node_procs_running")!.value).toBe(2);
    expect(find(s, "soc_node_disk_read_bytes_total", { device: "sda" })!.value).toBe(512);
    const fsLabels = { device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };
    expect(find(s, "soc_node_filesystem_used_ratio", fsLabels)!.value).toBeCloseTo(0.25);
    expect(find(s, "soc_node_filesystem_avail_bytes", fsLabels)).toMatchObject({ value: 280, scored: true });
    const s2 = b.next({ ...sample, atMs: 500, disks: [{ device: "sda", reads: 3, writes: 2, readBytes: 1536, writtenBytes: 1024, ioTimeSeconds: 1.25 }] });
    expect(find(s2, "rate(soc_node_disk_read_bytes_total)", { device: "sda" })!.value).toBe(2048);
    expect(find(s2, "rate(soc_node_disk_io_time_seconds_total)", { device: "sda" })!.value).toBeCloseTo(0.5);
  });

  it("produces nothing for a source that failed (absent field), not zeros", () => {
    const s = new SeriesBuilder().next({ atMs: 0, failures: [{ source: "meminfo", error: new Error("EACCES") }] });
    expect(s).toEqual([]);
  });
});
