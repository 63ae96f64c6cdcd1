/**
 * The parts of the Engine API's `GET /containers/{id}/json` (docker inspect) response the monitor reads.
 * Every field is optional: older engines omit some, and a container that was never started lacks others.
 * Source: https://docs.docker.com/reference/api/engine/version/v1.47/#tag/Container/operation/ContainerInspect
 */
export interface InspectHealthLog {
  Start?: string;
  End?: string;
  ExitCode?: number;
  Output?: string;
}

/** `docker inspect` JSON of one container (the subset used here). */
export interface InspectJson {
  Id: string;
  Name?: string;
  Created?: string;
  RestartCount?: number;
  Image?: string;
  State?: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    Restarting?: boolean;
    OOMKilled?: boolean;
    Dead?: boolean;
    Pid?: number;
    ExitCode?: number;
    Error?: string;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; FailingStreak?: number; Log?: InspectHealthLog[] | null };
  };
  HostConfig?: {
    Binds?: string[] | null;
    NetworkMode?: string;
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    CapAdd?: string[] | null;
    CapDrop?: string[] | null;
    IpcMode?: string;
    PidMode?: string;
    Privileged?: boolean;
    ReadonlyRootfs?: boolean;
    SecurityOpt?: string[] | null;
    Memory?: number;
    NanoCpus?: number;
    CpuQuota?: number;
    CpuPeriod?: number;
    PidsLimit?: number | null;
    Devices?: Array<{ PathOnHost?: string; PathInContainer?: string; CgroupPermissions?: string }> | null;
    Mounts?: Array<{ Type?: string; Source?: string; Target?: string; ReadOnly?: boolean }> | null;
  };
  Mounts?: Array<{ Type?: string; Name?: string; Source?: string; Destination?: string; RW?: boolean; Mode?: string }> | null;
  Config?: {
    Hostname?: string;
    User?: string;
    Env?: string[] | null;
    Image?: string;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] | null; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  };
}
