/**
 * Pure parsers of the procfs files the agent reads every tick (no IO here; see `host-collector.ts`).
 * Format reference: man 5 proc (https://man7.org/linux/man-pages/man5/proc.5.html),
 * Documentation/admin-guide/iostats.rst for `/proc/diskstats`; metric semantics follow node_exporter's
 * cpu, loadavg, meminfo, diskstats and netdev collectors (https://github.com/prometheus/node_exporter).
 * @module
 */
import type { CpuTimes, DiskCounters, LoadAverage, MemoryInfo, NetworkCounters, TaskCounts } from "./types.js";

/** Thrown when a procfs file does not have the documented shape. Carries the file and the offending line. */
export class ProcParseError extends Error {
  override readonly name = "ProcParseError";
  constructor(
    /** The file, e.g. `"/proc/stat"`. */
    readonly file: string,
    /** What was wrong. */
    readonly reason: string,
    /** The offending line, when there is one. */
    readonly line?: string,
  ) {
    super(`${file}: ${reason}${line === undefined ? "" : ` (line ${JSON.stringify(line.slice(0, 120))})`}`);
  }
}

/** USER_HZ, the unit of `/proc/stat` CPU times: 100 on every Linux architecture the kernel exports to userspace. */
export const USER_HZ = 100;

const num = (file: string, s: string | undefined, line: string): number => {
  const v = Number(s);
  if (s === undefined || s === "" || !Number.isFinite(v)) throw new ProcParseError(file, `expected a number, got ${JSON.stringify(s)}`, line);
  return v;
};

/** What {@link parseProcStat} returns. */
export interface ProcStat {
  /** `cpu: "all"` first, then each `cpuN` line. */
  readonly cpus: CpuTimes[];
  readonly tasks: TaskCounts;
}

/**
 * Parses `/proc/stat`: the `cpu` / `cpuN` lines (times in USER_HZ ticks → seconds) and
 * `procs_running` / `procs_blocked`. Missing trailing columns (old kernels without `steal`) read as 0.
 * @throws {ProcParseError} when there is no aggregate `cpu` line or a field is not a number.
 */
export function parseProcStat(text: string, userHz: number = USER_HZ): ProcStat {
  const file = "/proc/stat";
  const cpus: CpuTimes[] = [];
  let running = Number.NaN;
  let blocked = Number.NaN;
  for (const line of text.split("\n")) {
    if (line.startsWith("cpu")) {
      const f = line.split(/\s+/);
      const id = f[0] === "cpu" ? "all" : f[0]!.slice(3);
      if (!/^(all|\d+)$/.test(id)) throw new ProcParseError(file, "unexpected cpu line", line);
      const t = (i: number) => (f[i] === undefined ? 0 : num(file, f[i], line) / userHz);
      cpus.push({ cpu: id, user: t(1), nice: t(2), system: t(3), idle: t(4), iowait: t(5), irq: t(6), softirq: t(7), steal: t(8) });
    } else if (line.startsWith("procs_running ")) {
      running = num(file, line.split(/\s+/)[1], line);
    } else if (line.startsWith("procs_blocked ")) {
      blocked = num(file, line.split(/\s+/)[1], line);
    }
  }
  if (cpus[0]?.cpu !== "all") throw new ProcParseError(file, "no aggregate cpu line");
  return { cpus, tasks: { running, blocked } };
}

/**
 * Parses `/proc/loadavg` (`"0.52 0.58 0.59 1/467 12345"`).
 * @throws {ProcParseError} when the first three fields are not numbers.
 */
export function parseLoadavg(text: string): LoadAverage {
  const line = text.trim();
  const f = line.split(/\s+/);
  const file = "/proc/loadavg";
  return { load1: num(file, f[0], line), load5: num(file, f[1], line), load15: num(file, f[2], line) };
}

/**
 * Parses `/proc/meminfo` (values in kB = KiB, converted to bytes). `MemAvailable` exists since Linux 3.14;
 * on older kernels it is estimated as `MemFree + Buffers + Cached` (what `free` did before 3.14).
 * @throws {ProcParseError} when `MemTotal` is missing.
 */
export function parseMeminfo(text: string): MemoryInfo {
  const kb = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]) * 1024);
  }
  const total = kb.get("MemTotal");
  if (total === undefined) throw new ProcParseError("/proc/meminfo", "no MemTotal line");
  const available = kb.get("MemAvailable") ?? (kb.get("MemFree") ?? 0) + (kb.get("Buffers") ?? 0) + (kb.get("Cached") ?? 0);
  return {
    totalBytes: total,
    availableBytes: available,
    swapTotalBytes: kb.get("SwapTotal") ?? 0,
    swapFreeBytes: kb.get("SwapFree") ?? 0,
  };
}

/**
 * Devices node_exporter's diskstats collector ignores by default (`--collector.diskstats.device-exclude`):
 * partitions, RAM disks, loop and floppy devices, so a disk's I/O is counted once — plus SD/eMMC partitions
 * (`mmcblk0p2`), the Raspberry Pi's disk, which the upstream pattern misses.
 */
export const DEFAULT_DISK_EXCLUDE = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p|mmcblk\d+p)\d+$/;

/**
 * Parses `/proc/diskstats` (fields: major minor name reads merged sectors ms writes merged sectors ms
 * in-flight io_ms weighted_ms …). Sectors are always 512 bytes in this file.
 * @param exclude devices to drop (default {@link DEFAULT_DISK_EXCLUDE}).
 * @throws {ProcParseError} for a line with fewer than 14 fields.
 */
export function parseDiskstats(text: string, exclude: RegExp = DEFAULT_DISK_EXCLUDE): DiskCounters[] {
  const out: DiskCounters[] = [];
  const file = "/proc/diskstats";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const f = line.split(/\s+/);
    if (f.length < 14) throw new ProcParseError(file, "expected at least 14 fields", line);
    const device = f[2]!;
    if (exclude.test(device)) continue;
    out.push({
      device,
      reads: num(file, f[3], line),
      readBytes: num(file, f[5], line) * 512,
      writes: num(file, f[7], line),
      writtenBytes: num(file, f[9], line) * 512,
      ioTimeSeconds: num(file, f[12], line) / 1000,
    });
  }
  return out;
}

/**
 * Parses `/proc/net/dev` (two header lines, then `iface: rx_bytes rx_packets rx_errs rx_drop … tx_bytes
 * tx_packets tx_errs tx_drop …`).
 * @param include keeps an interface when it returns true (default: every interface but `lo`).
 * @throws {ProcParseError} for a line with fewer than 16 counters.
 */
export function parseNetDev(text: string, include: (device: string) => boolean = (d) => d !== "lo"): NetworkCounters[] {
  const out: NetworkCounters[] = [];
  const file = "/proc/net/dev";
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.includes("|")) continue;
    const device = line.slice(0, colon).trim();
    if (!include(device)) continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (f.length < 16) throw new ProcParseError(file, "expected 16 counters", line);
    out.push({
      device,
      receiveBytes: num(file, f[0], line),
      receiveErrors: num(file, f[2], line),
      receiveDrops: num(file, f[3], line),
      transmitBytes: num(file, f[8], line),
      transmitErrors: num(file, f[10], line),
      transmitDrops: num(file, f[11], line),
    });
  }
  return out;
}

/** Counts the process directories (all-digit names) of a proc root listing. */
export function countProcesses(entries: readonly string[]): number {
  let n = 0;
  for (const e of entries) if (/^\d+$/.test(e)) n += 1;
  return n;
}
