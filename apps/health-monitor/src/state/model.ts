/**
 * The container state model: what the monitor knows about one container, built from `docker inspect`
 * (and optionally one stats sample). Pure.
 */
import { containerName } from "../inspect/facts.js";
import type { InspectJson } from "../inspect/types.js";
import type { ResourceUsage } from "./stats.js";

/** Engine container states. Source: Engine API `ContainerState.Status`. */
export type RunState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";
/** Health status; `none` when the container has no healthcheck. */
export type HealthStatus = "starting" | "healthy" | "unhealthy" | "none";

/** Every run state, for enum-style metrics. */
export const RUN_STATES: readonly RunState[] = ["created", "running", "paused", "restarting", "removing", "exited", "dead"];
/** Every health status, for enum-style metrics. */
export const HEALTH_STATUSES: readonly HealthStatus[] = ["starting", "healthy", "unhealthy", "none"];

/** The most recent healthcheck probe. */
export interface HealthProbe {
  exitCode: number;
  /** Probe output, trimmed and cut to 512 characters. */
  output: string;
  start?: string;
  end?: string;
}

/** One container as the monitor sees it. */
export interface ContainerState {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: RunState;
  health: HealthStatus;
  /** Consecutive failed probes (0 when healthy or without healthcheck). */
  failingStreak: number;
  lastHealthLog?: HealthProbe;
  /** Restarts done by the engine's restart policy (`docker restart` does not count here). */
  restartCount: number;
  exitCode: number;
  /** True when the kernel OOM killer killed the container's main process (`State.OOMKilled`); exit code 137 alone is only SIGKILL. */
  oomKilled: boolean;
  /** Engine error message for a failed start, if any. */
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Seconds since start while running; undefined otherwise. */
  uptimeSeconds?: number;
  /** From a stats sample; undefined when not sampled or not running. */
  resources?: ResourceUsage;
}

const RUN = new Set<string>(RUN_STATES);
const HEALTH = new Set<string>(HEALTH_STATUSES);
const ZERO_TIME = /^0001-01-01/;

/** Normalises a run state string (unknown values become `dead`, the most conservative reading). */
export function toRunState(s: string | undefined): RunState {
  return s !== undefined && RUN.has(s) ? (s as RunState) : "dead";
}

/** Normalises a health status string (`health_status: unhealthy` events and inspect both use these words). */
export function toHealthStatus(s: string | undefined): HealthStatus {
  return s !== undefined && HEALTH.has(s) ? (s as HealthStatus) : "none";
}

/**
 * Builds the state of one container from its inspect JSON.
 * @param now the current time, for uptime.
 * @param resources a stats sample's figures, when taken.
 */
export function stateFromInspect(i: InspectJson, now: Date, resources?: ResourceUsage): ContainerState {
  const s = i.State ?? {};
  const state = toRunState(s.Status);
  const h = s.Health;
  const logs = h?.Log ?? [];
  const last = logs.length > 0 ? logs[logs.length - 1] : undefined;
  const started = s.StartedAt !== undefined && !ZERO_TIME.test(s.StartedAt) ? s.StartedAt : undefined;
  const finished = s.FinishedAt !== undefined && !ZERO_TIME.test(s.FinishedAt) ? s.FinishedAt : undefined;
  const startedMs = started !== undefined ? Date.parse(started) : NaN;
  const uptime = state === "running" && Number.isFinite(startedMs) ? Math.max(0, (now.getTime() - startedMs) / 1000) : undefined;
  return {
    id: i.Id,
    name: containerName(i),
    image: i.Config?.Image ?? i.Image ?? "",
    labels: { ...(i.Config?.Labels ?? {}) },
    state,
    health: toHealthStatus(h?.Status),
    failingStreak: h?.FailingStreak ?? 0,
    ...(last
      ? { lastHealthLog: { exitCode: last.ExitCode ?? -1, output: (last.Output ?? "").trim().slice(0, 512), ...(last.Start ? { start: last.Start } : {}), ...(last.End ? { end: last.End } : {}) } }
      : {}),
    restartCount: i.RestartCount ?? 0,
    exitCode: s.ExitCode ?? 0,
    oomKilled: s.OOMKilled === true,
    ...(s.Error ? { error: s.Error } : {}),
    ...(started !== undefined ? { startedAt: started } : {}),
    ...(finished !== undefined ? { finishedAt: finished } : {}),
    ...(uptime !== undefined ? { uptimeSeconds: uptime } : {}),
    ...(resources ? { resources } : {}),
  };
}
