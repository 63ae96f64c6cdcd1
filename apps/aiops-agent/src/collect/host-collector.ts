/**
 * The IO edge of collection: reads procfs under a configurable root every tick and asks systeminformation
 * for the two things procfs does not give (filesystem usage, temperature) on a slower cadence.
 *
 * Why not systeminformation for everything: measured on the 2-core dev VM (README, "Collection cost"),
 * `networkStats`, `disksIO`, `currentLoad`, `fsSize` and `cpuTemperature` each spawn shell pipelines
 * (`cat`, `lsblk`, `df`), together ~77 ms of CPU per tick — 7.7 % of a core at 1 s. Reading the five
 * procfs files directly costs well under 1 ms, and it can read the host's procfs mounted anywhere
 * (`apps.aiopsAgent.collect.hostProc`), which systeminformation cannot (it always reads `/proc`).
 * @module
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { interfaceFilter, selectFilesystems } from "./filters.js";
import { countProcesses, parseDiskstats, parseLoadavg, parseMeminfo, parseNetDev, parseProcStat } from "./procfs.js";
import type { FilesystemUsage, HostSample, SourceFailure } from "./types.js";

/** Thrown (and reported in {@link HostSample.failures}) when one source cannot be read or parsed. */
export class CollectError extends Error {
  override readonly name = "CollectError";
  constructor(
    /** The source, e.g. `"diskstats"`. */
    readonly source: string,
    /** What was read, e.g. `"/host/proc/diskstats"`. */
    readonly target: string,
    options: { cause: unknown },
  ) {
    super(`${source}: cannot read ${target}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}

/** The slow probes (systeminformation by default; injectable for tests). */
export interface SlowProbes {
  /** Mounted filesystems with size/used/available bytes (unfiltered). */
  fsSize(): Promise<FilesystemUsage[]>;
  /** CPU/SoC temperature in °C, or `null` when the host has no sensor. */
  cpuTemperature(): Promise<number | null>;
}

/**
 * {@link SlowProbes} backed by systeminformation (https://systeminformation.io/filesystem.html `fsSize`,
 * https://systeminformation.io/cpu.html `cpuTemperature`). The module is imported on first use.
 */
export const systeminformationProbes: SlowProbes = {
  async fsSize() {
    const si = (await import("systeminformation")).default;
    const list = await si.fsSize();
    return list.map((f) => ({
      device: f.fs,
      fstype: f.type,
      mountpoint: f.mount,
      sizeBytes: f.size,
      usedBytes: f.used,
      availBytes: f.available,
    }));
  },
  async cpuTemperature() {
    const si = (await import("systeminformation")).default;
    const t = await si.cpuTemperature();
    const v = t.main ?? t.max;
    // systeminformation reports a missing sensor as null (and -1 on some platforms)
    return typeof v === "number" && Number.isFinite(v) && v > -273 && v !== -1 ? v : null;
  },
};

/** Options of {@link HostCollector}. */
export interface HostCollectorOptions {
  /** Root of the procfs to read: `/proc`, or the host's procfs mounted in a container (`/host/proc`). */
  procRoot: string;
  /** `collect.interfaces` filter (empty: all but `lo`). */
  interfaces?: readonly string[];
  /** `collect.mounts` filter (empty: all real filesystems). */
  mounts?: readonly string[];
  /** Minimum time between two runs of the slow probes, ms (default 30000; 0 = every tick). */
  slowIntervalMs?: number;
  /** Slow probes (default {@link systeminformationProbes}). */
  probes?: SlowProbes;
  /** Clock, ms since epoch (default `Date.now`). */
  clock?: () => number;
}

/**
 * Collects one {@link HostSample} per call. Never throws: a source that fails is left out of the sample and
 * listed in `failures` as a {@link CollectError}. Network counters are read from `<procRoot>/1/net/dev` —
 * the network namespace of the host's PID 1 — because `<procRoot>/net/dev` is a link to `self/net`, the
 * *reader's* namespace, which inside a container is the container's own network (falls back to it when
 * PID 1 is hidden, e.g. `hidepid=2`).
 */
export class HostCollector {
  private readonly root: string;
  private readonly include: (device: string) => boolean;
  private readonly mounts: readonly string[];
  private readonly slowIntervalMs: number;
  private readonly probes: SlowProbes;
  private readonly clock: () => number;
  private netDev: string;
  private lastSlow = Number.NEGATIVE_INFINITY;

  constructor(options: HostCollectorOptions) {
    this.root = options.procRoot;
    this.include = interfaceFilter(options.interfaces);
    this.mounts = options.mounts ?? [];
    this.slowIntervalMs = options.slowIntervalMs ?? 30_000;
    this.probes = options.probes ?? systeminformationProbes;
    this.clock = options.clock ?? Date.now;
    this.netDev = join(this.root, "1/net/dev");
  }

  /** The procfs root this collector reads. */
  get procRoot(): string {
    return this.root;
  }

  /** Reads every source once (the slow ones when due). */
  async collect(): Promise<HostSample> {
    const atMs = this.clock();
    const failures: SourceFailure[] = [];
    const attempt = async <T>(source: string, target: string, read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (cause) {
        failures.push({ source, error: new CollectError(source, target, { cause }) });
        return undefined;
      }
    };
    const file = (name: string) => readFile(join(this.root, name), "utf8");
    const slowDue = atMs - this.lastSlow >= this.slowIntervalMs;
    if (slowDue) this.lastSlow = atMs;

    const [stat, load, memory, disks, network, processes, filesystems, temperature] = await Promise.all([
      attempt("stat", join(this.root, "stat"), async () => parseProcStat(await file("stat"))),
      attempt("loadavg", join(this.root, "loadavg"), async () => parseLoadavg(await file("loadavg"))),
      attempt("meminfo", join(this.root, "meminfo"), async () => parseMeminfo(await file("meminfo"))),
      attempt("diskstats", join(this.root, "diskstats"), async () => parseDiskstats(await file("diskstats"))),
      attempt("netdev", this.netDev, async () => parseNetDev(await this.readNetDev(), this.include)),
      attempt("processes", this.root, async () => countProcesses(await readdir(this.root))),
      slowDue ? attempt("fsSize", "systeminformation.fsSize()", async () => selectFilesystems(await this.probes.fsSize(), this.mounts)) : undefined,
      slowDue ? attempt("temperature", "systeminformation.cpuTemperature()", () => this.probes.cpuTemperature()) : undefined,
    ]);
    return {
      atMs,
      ...(stat ? { cpus: stat.cpus, tasks: stat.tasks } : {}),
      ...(load ? { load } : {}),
      ...(memory ? { memory } : {}),
      ...(disks ? { disks } : {}),
      ...(network ? { network } : {}),
      ...(processes !== undefined ? { processes } : {}),
      ...(filesystems ? { filesystems } : {}),
      ...(temperature !== undefined ? { temperatureCelsius: temperature } : {}),
      ...(failures.length > 0 ? { failures } : {}),
    };
  }

  private async readNetDev(): Promise<string> {
    try {
      return await readFile(this.netDev, "utf8");
    } catch (err) {
      const fallback = join(this.root, "net/dev");
      if (this.netDev === fallback) throw err;
      this.netDev = fallback;
      return readFile(fallback, "utf8");
    }
  }
}
