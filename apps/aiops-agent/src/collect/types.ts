/**
 * Shapes of one raw host sample (what the IO adapters read) and of the named series the pure transform
 * ({@link SeriesBuilder}) turns it into.
 * @module
 */

/**
 * Cumulative CPU time of one CPU (or of all of them, `cpu: "all"`) in seconds since boot, per mode of
 * `/proc/stat` (man 5 proc; node_exporter's `node_cpu_seconds_total{mode}`). `guest`/`guest_nice` are
 * already included in `user`/`nice` by the kernel and are not listed.
 */
export interface CpuTimes {
  /** `"all"` for the aggregate line, otherwise the CPU number as a string (`"0"`, `"1"`, …). */
  readonly cpu: string;
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
}

/** The CPU modes of {@link CpuTimes}, in `/proc/stat` column order. */
export const CPU_MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;
/** One of {@link CPU_MODES}. */
export type CpuMode = (typeof CPU_MODES)[number];

/** Load averages of `/proc/loadavg` (runnable + uninterruptible tasks, exponentially averaged). */
export interface LoadAverage {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
}

/** Memory figures of `/proc/meminfo`, converted from kB to bytes. */
export interface MemoryInfo {
  /** `MemTotal`. */
  readonly totalBytes: number;
  /** `MemAvailable` (the kernel's estimate of memory available to new work without swapping). */
  readonly availableBytes: number;
  /** `SwapTotal`. */
  readonly swapTotalBytes: number;
  /** `SwapFree`. */
  readonly swapFreeBytes: number;
}

/** Cumulative counters of one block device from `/proc/diskstats` (Documentation/admin-guide/iostats.rst). */
export interface DiskCounters {
  /** Kernel device name, e.g. `sda`, `nvme0n1`, `mmcblk0`. */
  readonly device: string;
  /** Reads completed. */
  readonly reads: number;
  /** Writes completed. */
  readonly writes: number;
  /** Bytes read (sectors × 512, the kernel's fixed sector unit for this file). */
  readonly readBytes: number;
  /** Bytes written (sectors × 512). */
  readonly writtenBytes: number;
  /** Time spent doing I/Os, seconds (field 10, ms / 1000); its rate is the device's busy ratio. */
  readonly ioTimeSeconds: number;
}

/** Cumulative counters of one network interface from `/proc/net/dev`. */
export interface NetworkCounters {
  /** Interface name, e.g. `eth0`. */
  readonly device: string;
  readonly receiveBytes: number;
  readonly transmitBytes: number;
  readonly receiveErrors: number;
  readonly transmitErrors: number;
  readonly receiveDrops: number;
  readonly transmitDrops: number;
}

/** Usage of one mounted filesystem (from systeminformation `fsSize()`, i.e. `df`). */
export interface FilesystemUsage {
  /** Source device, e.g. `/dev/mmcblk0p2`. */
  readonly device: string;
  /** Filesystem type, e.g. `ext4`. */
  readonly fstype: string;
  /** Mount point, e.g. `/`. */
  readonly mountpoint: string;
  readonly sizeBytes: number;
  readonly usedBytes: number;
  /** Bytes available to unprivileged users (`df`'s "Available"; excludes reserved blocks). */
  readonly availBytes: number;
}

/** Task counts of `/proc/stat` (`procs_running`, `procs_blocked`). */
export interface TaskCounts {
  readonly running: number;
  readonly blocked: number;
}

/** A source that failed during one collection (the sample carries the other sources). */
export interface SourceFailure {
  /** Source name, e.g. `"stat"`, `"diskstats"`, `"fsSize"`. */
  readonly source: string;
  /** The error, with its cause. */
  readonly error: Error;
}

/**
 * One raw host sample. Every field is optional: a source that failed or was not due this tick (the slow
 * sources) is simply absent, and its series are absent from this tick — never zero.
 */
export interface HostSample {
  /** When the sample was taken, ms since the Unix epoch (the service clock). */
  readonly atMs: number;
  /** Aggregate (`cpu: "all"`) and per-CPU cumulative times. */
  readonly cpus?: readonly CpuTimes[];
  readonly load?: LoadAverage;
  readonly memory?: MemoryInfo;
  readonly tasks?: TaskCounts;
  /** Number of processes (numeric entries of the proc root). */
  readonly processes?: number;
  readonly disks?: readonly DiskCounters[];
  readonly network?: readonly NetworkCounters[];
  readonly filesystems?: readonly FilesystemUsage[];
  /**
   * CPU/SoC temperature in °C. `null` means the source ran and the host has no sensor (usual on VMs and
   * in containers without `/sys/class/thermal`): the series is left out, not reported as 0.
   */
  readonly temperatureCelsius?: number | null;
  /** Sources that failed this tick. */
  readonly failures?: readonly SourceFailure[];
}

/** How a series is exported on `/metrics`. */
export type SeriesKind =
  /** A gauge set to `value`. */
  | "gauge"
  /** A kernel counter: exported as a Prometheus counter that follows `value` (resets handled). */
  | "counter"
  /** A per-second rate derived from a counter between two samples; scored, not exported (Prometheus computes `rate()` itself). */
  | "rate";

/** One named value of one tick. */
export interface Series {
  /**
   * Metric name: the exported name for gauges and counters (`soc_node_memory_available_bytes`), and
   * `rate(<counter>)` for rates (`rate(soc_node_network_receive_bytes_total)`), as PromQL would write it.
   */
  readonly name: string;
  /** Identifying labels (`cpu`, `device`, `mountpoint`, `fstype`, `mode`), stable across ticks. */
  readonly labels: Readonly<Record<string, string>>;
  /** Value in the base unit of the name (bytes, seconds, ratio, celsius; rates per second). */
  readonly value: number;
  readonly kind: SeriesKind;
  /** Whether the anomaly detectors score it (constants such as total memory are not scored). */
  readonly scored: boolean;
  /** The source that produced it (for removing series that vanished, e.g. an unmounted filesystem). */
  readonly source: string;
}

/** The stable identity of a series: `name{label="value",…}` with labels sorted by name. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(",")}}`;
}
