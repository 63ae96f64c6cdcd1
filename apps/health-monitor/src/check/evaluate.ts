/**
 * The verdict of `health-monitor check`: which containers are fine and the process exit code. Pure.
 * Exit codes: 0 every selected container is healthy (running, and healthy or without healthcheck),
 * 1 any is unhealthy, exited, dead, restarting or never started; 2 (decided by the CLI) the engine
 * could not be reached.
 */
import type { ContainerState } from "../state/model.js";
import { byName } from "../order.js";

/** Verdict for one container: `ok`, `warn` (starting or paused: not failing yet), `fail`. */
export type Verdict = "ok" | "warn" | "fail";

/** One container's verdict and why. */
export interface ContainerVerdict {
  verdict: Verdict;
  /** Short reason, e.g. `unhealthy (3 failed probes): curl: (7) ...`, `exited with code 1`, `OOM-killed`. */
  reason: string;
}

/** The result of a check. */
export interface CheckResult {
  /** 0 all ok, 1 any failing. */
  exitCode: 0 | 1;
  total: number;
  counts: Record<Verdict, number>;
  containers: Array<ContainerState & ContainerVerdict>;
}

/** Judges one container. */
export function judgeContainer(c: ContainerState): ContainerVerdict {
  const oom = c.oomKilled ? " (OOM-killed)" : "";
  switch (c.state) {
    case "running":
      if (c.health === "unhealthy") {
        const probe = c.lastHealthLog ? `: exit ${c.lastHealthLog.exitCode}${c.lastHealthLog.output ? ` ${JSON.stringify(c.lastHealthLog.output.slice(0, 120))}` : ""}` : "";
        return { verdict: "fail", reason: `unhealthy (${c.failingStreak} failed probes)${probe}` };
      }
      if (c.health === "starting") return { verdict: "warn", reason: "health: starting" };
      return { verdict: "ok", reason: c.health === "healthy" ? "healthy" : "running (no healthcheck)" };
    case "paused":
      return { verdict: "warn", reason: "paused" };
    case "restarting":
      return { verdict: "fail", reason: `restarting (restart count ${c.restartCount}, last exit ${c.exitCode})${oom}` };
    case "exited":
      return { verdict: "fail", reason: `exited with code ${c.exitCode}${oom}` };
    case "created":
      return { verdict: "fail", reason: c.error ? `created, never started: ${c.error}` : "created, never started" };
    case "removing":
      return { verdict: "fail", reason: "being removed" };
    case "dead":
      return { verdict: "fail", reason: `dead${c.error ? `: ${c.error}` : ""}` };
  }
}

/** Judges every container; containers are sorted by name. */
export function evaluateCheck(states: readonly ContainerState[]): CheckResult {
  const counts: Record<Verdict, number> = { ok: 0, warn: 0, fail: 0 };
  const containers = [...states]
    .sort(byName)
    .map((c) => {
      const v = judgeContainer(c);
      counts[v.verdict]++;
      return { ...c, ...v };
    });
  return { exitCode: counts.fail > 0 ? 1 : 0, total: containers.length, counts, containers };
}
