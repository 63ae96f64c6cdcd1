export { EXCLUDED_MOUNTPOINTS, PSEUDO_FS_TYPES, interfaceFilter, selectFilesystems } from "./filters.js";
export { CollectError, HostCollector, loadSystemInformation, systeminformationProbes } from "./host-collector.js";
export type { HostCollectorOptions, SlowProbes, SystemInformationProbes } from "./host-collector.js";
export {
  DEFAULT_DISK_EXCLUDE,
  ProcParseError,
  USER_HZ,
  countProcesses,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseProcStat,
} from "./procfs.js";
export type { ProcStat } from "./procfs.js";
export { SeriesBuilder, counterIncrement, counterRate, cpuBusyRatio } from "./series.js";
export { CPU_MODES, seriesKey } from "./types.js";
export type {
  CpuMode,
  CpuTimes,
  DiskCounters,
  FilesystemUsage,
  HostSample,
  LoadAverage,
  MemoryInfo,
  NetworkCounters,
  Series,
  SeriesKind,
  SourceFailure,
  TaskCounts,
} from "./types.js";
