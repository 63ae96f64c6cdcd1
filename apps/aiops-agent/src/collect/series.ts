/**
 * The pure collection transform: raw {@link HostSample}s in, named {@link Series} out, with per-second rates
 * from consecutive counter readings. No IO and no clock: time comes from `sample.atMs`.
 *
 * Names follow node_exporter (https://github.com/prometheus/node_exporter) under the stack's `soc_`
 * namespace and base units (`node_cpu_seconds_total` → `soc_node_cpu_seconds_total`, `node_memory_MemAvailable_bytes`
 * → `soc_node_memory_available_bytes`, `node_network_receive_errs_total` → `soc_node_network_receive_errs_total`).
 * @module
 */
import { CPU_MODES, type CpuTimes, type HostSample, type Series, seriesKey } from "./types.js";

/**
 * Prometheus counter semantics for mirroring a kernel counter: how much to add to an exported counter
 * whose last reading was `previous` when the source now reads `current`. The first reading adds all of it;
 * a decrease is a reset (reboot, driver reload, 32-bit wrap), after which the counter counted from 0, so
 * `current` is added (https://prometheus.io/docs/concepts/metric_types/#counter).
 */
export function counterIncrement(previous: number | undefined, current: number): number {
  if (!Number.isFinite(current) || current < 0) return 0;
  if (previous === undefined || current < previous) return current;
  return current - previous;
}

/**
 * Per-second rate between two readings of a counter, or `null` when there is none: first reading, a
 * reset (`current < previous`: the increase over the interval is unknown, so nothing is guessed), or a
 * non-positive time step.
 */
export function counterRate(previous: { value: number; atMs: number } | undefined, current: number, atMs: number): number | null {
  if (previous === undefined || !Number.isFinite(current)) return null;
  const dt = (atMs - previous.atMs) / 1000;
  if (!(dt > 0) || current < previous.value) return null;
  return (current - previous.value) / dt;
}

/**
 * Fraction of the time between two `/proc/stat` readings a CPU was busy: `1 − Δ(idle + iowait) / Δtotal`
 * (iowait is idle time with I/O outstanding, as `top` and node_exporter dashboards count it). `null` when
 * nothing elapsed or a counter went backwards (CPU hot-plug, reboot).
 */
export function cpuBusyRatio(previous: CpuTimes, current: CpuTimes): number | null {
  let total = 0;
  for (const mode of CPU_MODES) {
    const d = current[mode] - previous[mode];
    if (d < 0) return null;
    total += d;
  }
  if (!(total > 0)) return null;
  const idle = current.idle - previous.idle + (current.iowait - previous.iowait);
  return Math.min(1, Math.max(0, 1 - idle / total));
}

/** What {@link SeriesBuilder} remembers of a counter. */
interface CounterMemory {
  value: number;
  atMs: number;
  source: string;
}

/**
 * Turns samples into series, remembering the previous counter readings and CPU times (state: one entry per
 * counter series and CPU; entries of a device that disappears are dropped on the next reading of its source).
 *
 * Per sample, for every source present in it:
 * - **cpu** (`/proc/stat`): counters `soc_node_cpu_seconds_total{cpu,mode}` per CPU, and the scored gauge
 *   `soc_node_cpu_busy_ratio{cpu}` (`cpu="all"` and per CPU) from the second sample on;
 *   `soc_node_procs_running`, `soc_node_procs_blocked`;
 * - **loadavg**: `soc_node_load1` (scored), `soc_node_load5`, `soc_node_load15`;
 * - **meminfo**: `soc_node_memory_total_bytes`, `soc_node_memory_available_bytes` (scored),
 *   `soc_node_memory_used_ratio`, `soc_node_memory_swap_total_bytes`, `soc_node_memory_swap_used_bytes`
 *   (scored when the host has swap);
 * - **processes**: `soc_node_processes` (scored);
 * - **diskstats**: counters `soc_node_disk_{reads_completed,writes_completed,read_bytes,written_bytes,io_time_seconds}_total{device}`
 *   and the scored rates of read bytes, written bytes and I/O time (the busy ratio);
 * - **netdev**: counters `soc_node_network_{receive,transmit}_{bytes,errs,drop}_total{device}`, scored
 *   byte rates, and unscored error/drop rates (for static rules: any error is a rule, not an anomaly);
 * - **fsSize**: `soc_node_filesystem_{size,avail}_bytes{device,fstype,mountpoint}` (avail scored) and
 *   `soc_node_filesystem_used_ratio`;
 * - **temperature**: `soc_node_cpu_temperature_celsius` (scored) when the host has a sensor.
 */
export class SeriesBuilder {
  private readonly counters = new Map<string, CounterMemory>();
  private readonly cpuPrev = new Map<string, CpuTimes>();
  /** Counter readings that went backwards (reset or wrap) so far; their rate was left out. */
  resets = 0;

  /** Builds the series of one sample. Samples must come in time order. */
  next(sample: HostSample): Series[] {
    const out: Series[] = [];
    const at = sample.atMs;
    const gauge = (source: string, name: string, labels: Record<string, string>, value: number, scored: boolean) => {
      if (Number.isFinite(value)) out.push({ name, labels, value, kind: "gauge", scored, source });
    };
    const seen = new Set<string>();
    const counter = (source: string, name: string, labels: Record<string, string>, value: number, rate: boolean | "unscored") => {
      if (!Number.isFinite(value)) return;
      out.push({ name, labels, value, kind: "counter", scored: false, source });
      const key = seriesKey(name, labels);
      seen.add(key);
      const prev = this.counters.get(key);
      if (prev !== undefined && value < prev.value) this.resets += 1;
      if (rate !== false) {
        const r = counterRate(prev, value, at);
        if (r !== null) out.push({ name: `rate(${name})`, labels, value: r, kind: "rate", scored: rate === true, source });
      }
      this.counters.set(key, { value, atMs: at, source });
    };
    const present = new Set<string>();

    if (sample.cpus) {
      present.add("cpu");
      const cpusSeen = new Set<string>();
      for (const c of sample.cpus) {
        cpusSeen.add(c.cpu);
        if (c.cpu !== "all") for (const mode of CPU_MODES) counter("cpu", "soc_node_cpu_seconds_total", { cpu: c.cpu, mode }, c[mode], false);
        const prev = this.cpuPrev.get(c.cpu);
        const busy = prev ? cpuBusyRatio(prev, c) : null;
        if (busy !== null) gauge("cpu", "soc_node_cpu_busy_ratio", { cpu: c.cpu }, busy, true);
        this.cpuPrev.set(c.cpu, c);
      }
      for (const id of [...this.cpuPrev.keys()]) if (!cpusSeen.has(id)) this.cpuPrev.delete(id);
    }
    if (sample.tasks) {
      gauge("cpu", "soc_node_procs_running", {}, sample.tasks.running, true);
      gauge("cpu", "soc_node_procs_blocked", {}, sample.tasks.blocked, true);
    }
    if (sample.load) {
      gauge("loadavg", "soc_node_load1", {}, sample.load.load1, true);
      gauge("loadavg", "soc_node_load5", {}, sample.load.load5, false);
      gauge("loadavg", "soc_node_load15", {}, sample.load.load15, false);
    }
    const mem = sample.memory;
    if (mem) {
      gauge("meminfo", "soc_node_memory_total_bytes", {}, mem.totalBytes, false);
      gauge("meminfo", "soc_node_memory_available_bytes", {}, mem.availableBytes, true);
      if (mem.totalBytes > 0) gauge("meminfo", "soc_node_memory_used_ratio", {}, 1 - mem.availableBytes / mem.totalBytes, false);
      gauge("meminfo", "soc_node_memory_swap_total_bytes", {}, mem.swapTotalBytes, false);
      gauge("meminfo", "soc_node_memory_swap_used_bytes", {}, mem.swapTotalBytes - mem.swapFreeBytes, mem.swapTotalBytes > 0);
    }
    if (sample.processes !== undefined) gauge("processes", "soc_node_processes", {}, sample.processes, true);
    if (sample.disks) {
      present.add("diskstats");
      for (const d of sample.disks) {
        const l = { device: d.device };
        counter("diskstats", "soc_node_disk_reads_completed_total", l, d.reads, false);
        counter("diskstats", "soc_node_disk_writes_completed_total", l, d.writes, false);
        counter("diskstats", "soc_node_disk_read_bytes_total", l, d.readBytes, true);
        counter("diskstats", "soc_node_disk_written_bytes_total", l, d.writtenBytes, true);
        counter("diskstats", "soc_node_disk_io_time_seconds_total", l, d.ioTimeSeconds, true);
      }
    }
    if (sample.network) {
      present.add("netdev");
      for (const n of sample.network) {
        const l = { device: n.device };
        counter("netdev", "soc_node_network_receive_bytes_total", l, n.receiveBytes, true);
        counter("netdev", "soc_node_network_transmit_bytes_total", l, n.transmitBytes, true);
        counter("netdev", "soc_node_network_receive_errs_total", l, n.receiveErrors, "unscored");
        counter("netdev", "soc_node_network_transmit_errs_total", l, n.transmitErrors, "unscored");
        counter("netdev", "soc_node_network_receive_drop_total", l, n.receiveDrops, "unscored");
        counter("netdev", "soc_node_network_transmit_drop_total", l, n.transmitDrops, "unscored");
      }
    }
    if (sample.filesystems) {
      for (const f of sample.filesystems) {
        const l = { device: f.device, fstype: f.fstype, mountpoint: f.mountpoint };
        gauge("fsSize", "soc_node_filesystem_size_bytes", l, f.sizeBytes, false);
        gauge("fsSize", "soc_node_filesystem_avail_bytes", l, f.availBytes, true);
        if (f.sizeBytes > 0) gauge("fsSize", "soc_node_filesystem_used_ratio", l, f.usedBytes / f.sizeBytes, false);
      }
    }
    if (typeof sample.temperatureCelsius === "number") {
      gauge("temperature", "soc_node_cpu_temperature_celsius", {}, sample.temperatureCelsius, true);
    }
    // forget counters of devices that vanished from a source that was read this tick
    for (const [key, mem] of this.counters) if (present.has(mem.source) && !seen.has(key)) this.counters.delete(key);
    return out;
  }
}
