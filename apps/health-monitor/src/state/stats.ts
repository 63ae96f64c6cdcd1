/**
 * CPU and memory figures from one Engine API stats sample (`GET /containers/{id}/stats?stream=false`),
 * computed exactly as the Docker CLI's `docker stats` does. Pure.
 * Source: docker/cli `cli/command/container/stats_helpers.go` (`calculateCPUPercentUnix`,
 * `calculateMemUsageUnixNoCache`), https://github.com/docker/cli/blob/v27.3.1/cli/command/container/stats_helpers.go
 * Background on excluding the page cache: https://github.com/moby/moby/issues/40727
 */

/** The subset of a stats sample used here. */
export interface StatsJson {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

/** Resource usage of one container. */
export interface ResourceUsage {
  /** CPU use in percent of ONE CPU (200 = two CPUs busy), like `docker stats`; undefined without a previous sample. */
  cpuPercent?: number;
  /** CPU use as a fraction of the whole host (`Δcontainer / Δsystem`, 0–1); undefined without a previous sample. */
  cpuHostRatio?: number;
  /** Memory in use without the reclaimable page cache, bytes. */
  memoryUsageBytes: number;
  /** The memory limit the engine reports (the host's memory when the container has none), bytes. */
  memoryLimitBytes: number;
  /** `memoryUsageBytes / memoryLimitBytes`, 0–1 (0 when the limit is unknown). */
  memoryUsageRatio: number;
}

/**
 * Memory in use: `usage − total_inactive_file` on cgroup v1, `usage − inactive_file` on cgroup v2, else
 * `usage` (the Docker ≥ 20.10 CLI formula; the older `usage − cache` over-counts reclaimable cache on v2,
 * where `cache` does not exist, and under-counts active file pages on v1).
 */
export function memoryUsageBytes(mem: NonNullable<StatsJson["memory_stats"]>): number {
  const usage = mem.usage ?? 0;
  const stats = mem.stats ?? {};
  const v1 = stats["total_inactive_file"];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats["inactive_file"] ?? 0;
  if (v2 < usage) return usage - v2;
  return usage;
}

/**
 * CPU percent: `(Δcontainer / Δsystem) × onlineCPUs × 100` between the sample and the engine's previous
 * one (`precpu_stats`). Undefined when there is no previous sample (`one-shot` stats, first read).
 */
export function cpuPercent(s: StatsJson): number | undefined {
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  if (cpu?.system_cpu_usage === undefined || pre?.system_cpu_usage === undefined || pre.system_cpu_usage === 0) return undefined;
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const sysDelta = cpu.system_cpu_usage - pre.system_cpu_usage;
  const online = cpu.online_cpus !== undefined && cpu.online_cpus > 0 ? cpu.online_cpus : (cpu.cpu_usage?.percpu_usage?.length ?? 0);
  if (sysDelta <= 0 || cpuDelta < 0) return undefined;
  return (cpuDelta / sysDelta) * online * 100;
}

/** Usage figures of one sample; undefined when the sample has no memory data (a stopped container). */
export function usageFromStats(s: StatsJson): ResourceUsage | undefined {
  const mem = s.memory_stats;
  if (mem?.usage === undefined) return undefined;
  const used = memoryUsageBytes(mem);
  const limit = mem.limit ?? 0;
  const cpu = cpuPercent(s);
  const online = s.cpu_stats?.online_cpus !== undefined && s.cpu_stats.online_cpus > 0 ? s.cpu_stats.online_cpus : (s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0);
  return {
    ...(cpu !== undefined ? { cpuPercent: cpu } : {}),
    ...(cpu !== undefined && online > 0 ? { cpuHostRatio: cpu / 100 / online } : {}), memoryUsageBytes: used, memoryLimitBytes: limit, memoryUsageRatio: limit > 0 ? used / limit : 0 };
}
