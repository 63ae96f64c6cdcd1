/**
 * Exports the collected host series on `/metrics` through `@soc/metrics` (naming-checked gauges and
 * counters). Names and meanings follow node_exporter (https://github.com/prometheus/node_exporter) under
 * the stack's `soc_` namespace; see {@link HOST_METRIC_HELP} for the list.
 * @module
 */
import { type Counter, type Gauge, type MetricsRegistry, counter, gauge } from "@soc/metrics";
import { counterIncrement } from "../collect/series.js";
import { type Series, seriesKey } from "../collect/types.js";

/**
 * Every host metric the agent exports, with its HELP text (node_exporter's equivalent in brackets).
 * Rates (`rate(...)` series) are scored but not exported: Prometheus computes `rate()` from the counters.
 */
export const HOST_METRIC_HELP: Readonly<Record<string, string>> = {
  soc_node_cpu_seconds_total: "Seconds each CPU spent in each mode, from /proc/stat [node_cpu_seconds_total].",
  soc_node_cpu_busy_ratio: "Fraction of the last collection interval the CPU was not idle or in iowait; cpu=\"all\" is the whole host.",
  soc_node_procs_running: "Tasks in the runnable state, from /proc/stat [node_procs_running].",
  soc_node_procs_blocked: "Tasks blocked waiting for I/O, from /proc/stat [node_procs_blocked].",
  soc_node_load1: "1-minute load average [node_load1].",
  soc_node_load5: "5-minute load average [node_load5].",
  soc_node_load15: "15-minute load average [node_load15].",
  soc_node_memory_total_bytes: "MemTotal of /proc/meminfo in bytes [node_memory_MemTotal_bytes].",
  soc_node_memory_available_bytes: "MemAvailable of /proc/meminfo in bytes [node_memory_MemAvailable_bytes].",
  soc_node_memory_used_ratio: "1 - MemAvailable / MemTotal.",
  soc_node_memory_swap_total_bytes: "SwapTotal of /proc/meminfo in bytes [node_memory_SwapTotal_bytes].",
  soc_node_memory_swap_used_bytes: "SwapTotal - SwapFree in bytes.",
  soc_node_processes: "Processes (PID directories of the proc root the agent reads).",
  soc_node_disk_reads_completed_total: "Reads completed, from /proc/diskstats [node_disk_reads_completed_total].",
  soc_node_disk_writes_completed_total: "Writes completed, from /proc/diskstats [node_disk_writes_completed_total].",
  soc_node_disk_read_bytes_total: "Bytes read, from /proc/diskstats [node_disk_read_bytes_total].",
  soc_node_disk_written_bytes_total: "Bytes written, from /proc/diskstats [node_disk_written_bytes_total].",
  soc_node_disk_io_time_seconds_total: "Seconds spent doing I/Os; its rate is the busy ratio [node_disk_io_time_seconds_total].",
  soc_node_network_receive_bytes_total: "Bytes received, from /proc/net/dev [node_network_receive_bytes_total].",
  soc_node_network_transmit_bytes_total: "Bytes transmitted, from /proc/net/dev [node_network_transmit_bytes_total].",
  soc_node_network_receive_errs_total: "Receive errors, from /proc/net/dev [node_network_receive_errs_total].",
  soc_node_network_transmit_errs_total: "Transmit errors, from /proc/net/dev [node_network_transmit_errs_total].",
  soc_node_network_receive_drop_total: "Received packets dropped, from /proc/net/dev [node_network_receive_drop_total].",
  soc_node_network_transmit_drop_total: "Transmitted packets dropped, from /proc/net/dev [node_network_transmit_drop_total].",
  soc_node_filesystem_size_bytes: "Filesystem size in bytes (df) [node_filesystem_size_bytes].",
  soc_node_filesystem_avail_bytes: "Filesystem space available to non-root users in bytes (df) [node_filesystem_avail_bytes].",
  soc_node_filesystem_used_ratio: "Used bytes / size of the filesystem (df).",
  soc_node_cpu_temperature_celsius: "CPU/SoC temperature in degrees Celsius (systeminformation cpuTemperature); absent without a sensor.",
};

type Family = ({ kind: "gauge"; metric: Gauge<string> } | { kind: "counter"; metric: Counter<string> }) & { labelNames: readonly string[] };

interface Exported {
  family: Family;
  labels: Record<string, string>;
  source: string;
  /** Last raw reading of a counter. */
  last?: number;
}

/**
 * Mirrors series into prom-client families, created on first sight with the series' label names.
 * Counters follow the kernel value ({@link counterIncrement}: a reset adds the new reading, so the
 * exported counter never goes down). Label sets that vanish from a source that was read this tick (an
 * unmounted filesystem, a removed interface) are removed from `/metrics`.
 */
export class HostMetricsExporter {
  private readonly registry: MetricsRegistry;
  private readonly families = new Map<string, Family>();
  private readonly exported = new Map<string, Exported>();
  /** Series not exported because their name has no entry in {@link HOST_METRIC_HELP} or their labels changed shape. */
  skipped = 0;

  constructor(registry: MetricsRegistry) {
    this.registry = registry;
  }

  /** Applies one tick's series. */
  update(series: readonly Series[]): void {
    const seen = new Set<string>();
    const sources = new Set<string>();
    for (const s of series) {
      if (s.kind === "rate") continue;
      sources.add(s.source);
      const family = this.family(s);
      if (!family) {
        this.skipped += 1;
        continue;
      }
      const key = seriesKey(s.name, s.labels);
      seen.add(key);
      let e = this.exported.get(key);
      if (!e) {
        e = { family, labels: { ...s.labels }, source: s.source };
        this.exported.set(key, e);
      }
      if (family.kind === "gauge") family.metric.set(e.labels, s.value);
      else {
        const inc = counterIncrement(e.last, s.value);
        if (inc > 0 || e.last === undefined) family.metric.inc(e.labels, inc);
        e.last = s.value;
      }
    }
    for (const [key, e] of this.exported) {
      if (sources.has(e.source) && !seen.has(key)) {
        e.family.metric.remove(e.labels);
        this.exported.delete(key);
      }
    }
  }

  private family(s: Series): Family | undefined {
    const existing = this.families.get(s.name);
    const labelNames = Object.keys(s.labels).sort();
    if (existing) {
      const want = existing.labelNames;
      return want.length === labelNames.length && labelNames.every((l, i) => want[i] === l) ? existing : undefined;
    }
    const help = HOST_METRIC_HELP[s.name];
    if (help === undefined) return undefined;
    const f: Family =
      s.kind === "counter"
        ? { kind: "counter", labelNames, metric: counter(this.registry, { name: s.name, help, labelNames }) }
        : { kind: "gauge", labelNames, metric: gauge(this.registry, { name: s.name, help, labelNames }) };
    this.families.set(s.name, f);
    return f;
  }
}
