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
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Si from "systeminformation";
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

/** The two systeminformation functions the slow probes call. */
export type SystemInformationProbes = Pick<typeof Si, "fsSize" | "cpuTemperature">;

/**
 * Loads only the systeminformation modules that define `fsSize` (`lib/filesystem.js`) and `cpuTemperature`
 * (`lib/cpu.js`): the package's main module loads all 20 of its modules (battery, wifi, docker, printers, …),
 * measured +3.5 MB RSS against +1.6 MB for these two (Node 24, systeminformation 5.33). The package has no
 * `exports` map, so these paths are public to `require`; when a future layout lacks them, or they do not
 * export those functions, the main module is used instead.
 * @param req a CommonJS `require` (default: one relative to this module).
 */
export function loadSystemInformation(req: NodeJS.Require = createRequire(import.meta.url)): SystemInformationProbes {
  try {
    const { fsSize } = req("systeminformation/lib/filesystem.js") as Partial<SystemInformationProbes>;
    const { cpuTemperature } = req("systeminformation/lib/cpu.js") as Partial<SystemInformationProbes>;
    if (typeof fsSize === "function" && typeof cpuTemperature === "function") return { fsSize, cpuTemperature };
  } catch (err) {
    if (!(err instanceof Error && "code" in err && err.code === "MODULE_NOT_FOUND")) throw err;
  }
  return req("systeminformation") as SystemInformationProbes;
}

let loaded: SystemInformationProbes | undefined;
const systemInformation = (): SystemInformationProbes => (loaded ??= loadSystemInformation());

/**
 * {@link SlowProbes} backed by systeminformation (https://systeminformation.io/filesystem.html `fsSize`,
 * https://systeminformation.io/cpu.html `cpuTemperature`). Its modules are loaded on first use, and only
 * those two ({@link loadSystemInformation}).
 */
export const systeminformationProbes: SlowProbes = {
  async fsSize() {
    const list = await systemInformation().fsSize();
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
    const t = await systemInformation().cpuTemperature();
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
