/**
 * The monitor's Prometheus metrics, created on a `@soc/metrics` registry (naming rules enforced there).
 * Container series are labelled by container NAME (stable across recreation, unlike ids) and removed
 * when the container is destroyed or leaves the selection.
 */
import { type Counter, counter, type Gauge, gauge, type Histogram, histogram, type MetricsRegistry } from "@soc/metrics";
import type { Severity } from "@soc/config/security";
import { HEALTH_STATUSES, RUN_STATES, type ContainerState } from "../state/model.js";

/** Every metric of the monitor. */
export interface MonitorMetrics {
  healthStatus: Gauge<"container" | "status">;
  state: Gauge<"container" | "state">;
  restarts: Counter<"container">;
  oomKilled: Gauge<"container">;
  oomEvents: Counter<"container">;
  exitCode: Gauge<"container">;
  memoryUsageRatio: Gauge<"container">;
  memoryUsageBytes: Gauge<"container">;
  memoryLimitBytes: Gauge<"container">;
  cpuUsageRatio: Gauge<"container">;
  uptimeSeconds: Gauge<"container">;
  containers: Gauge;
  auditFindings: Gauge<"rule" | "severity">;
  auditScore: Gauge<"container">;
  auditStackScore: Gauge;
  auditRuns: Counter<"result">;
  autohealRestarts: Counter<"container" | "result">;
  autohealHolds: Counter<"reason">;
  autohealCircuitOpen: Gauge<"container">;
  engineUp: Gauge;
  eventsReceived: Counter<"action">;
  eventStreamReconnects: Counter;
  eventParseErrors: Counter;
  reconciles: Counter<"result">;
  reconcileDuration: Histogram;
  eventToMetricSeconds: Histogram;
  errors: Counter<"operation">;
}

/** Creates the metrics on `registry`. @throws {MetricNameError} (from @soc/metrics) if a definition breaks the naming rules. */
export function createMonitorMetrics(registry: MetricsRegistry): MonitorMetrics {
  return {
    healthStatus: gauge(registry, { name: "soc_container_health_status", help: "1 for the container's current health status (starting, healthy, unhealthy, none), 0 for the others.", labelNames: ["container", "status"] }),
    state: gauge(registry, { name: "soc_container_state", help: "1 for the container's current run state (created, running, paused, restarting, removing, exited, dead), 0 for the others.", labelNames: ["container", "state"] }),
    restarts: counter(registry, { name: "soc_container_restarts_total", help: "Container restarts seen: restart-policy restarts (RestartCount increases) plus `restart` events.", labelNames: ["container"] }),
    oomKilled: gauge(registry, { name: "soc_container_oom_killed", help: "1 when the container's last exit was an OOM kill (State.OOMKilled).", labelNames: ["container"] }),
    oomEvents: counter(registry, { name: "soc_container_oom_events_total", help: "`oom` events from the engine.", labelNames: ["container"] }),
    exitCode: gauge(registry, { name: "soc_container_exit_code", help: "Exit code of the container's last run.", labelNames: ["container"] }),
    memoryUsageRatio: gauge(registry, { name: "soc_container_memory_usage_ratio", help: "Memory in use (without inactive page cache) over the memory limit, 0-1.", labelNames: ["container"] }),
    memoryUsageBytes: gauge(registry, { name: "soc_container_memory_usage_bytes", help: "Memory in use without inactive page cache (docker stats formula).", labelNames: ["container"] }),
    memoryLimitBytes: gauge(registry, { name: "soc_container_memory_limit_bytes", help: "Memory limit reported by the engine (host memory when unlimited).", labelNames: ["container"] }),
    cpuUsageRatio: gauge(registry, { name: "soc_container_cpu_usage_ratio", help: "CPU use as a fraction of all host CPUs (0-1) from the last stats sample; docker stats CPU% = this x online CPUs x 100.", labelNames: ["container"] }),
    uptimeSeconds: gauge(registry, { name: "soc_container_uptime_seconds", help: "Seconds since the container started (running containers only).", labelNames: ["container"] }),
    containers: gauge(registry, { name: "soc_containers", help: "Containers currently monitored." }),
    auditFindings: gauge(registry, { name: "soc_audit_findings", help: "Unwaived security findings of the last runtime audit, by rule and severity.", labelNames: ["rule", "severity"] }),
    auditScore: gauge(registry, { name: "soc_audit_container_score", help: "Security score 0-100 of each container from the last audit.", labelNames: ["container"] }),
    auditStackScore: gauge(registry, { name: "soc_audit_stack_score", help: "Overall security score 0-100 (mean over containers) from the last audit." }),
    auditRuns: counter(registry, { name: "soc_audit_runs_total", help: "Runtime audits run, by result.", labelNames: ["result"] }),
    autohealRestarts: counter(registry, { name: "soc_autoheal_restarts_total", help: "Autoheal restarts by result (ok, error, dry_run).", labelNames: ["container", "result"] }),
    autohealHolds: counter(registry, { name: "soc_autoheal_holds_total", help: "Autoheal decisions not to restart an unhealthy container, by reason (grace_period, backoff, circuit_open, ...), counted when the reason changes.", labelNames: ["reason"] }),
    autohealCircuitOpen: gauge(registry, { name: "soc_autoheal_circuit_open", help: "1 while a container's autoheal circuit breaker is open (max restarts per window reached).", labelNames: ["container"] }),
    engineUp: gauge(registry, { name: "soc_docker_engine_up", help: "1 while the event stream to the Docker engine is connected." }),
    eventsReceived: counter(registry, { name: "soc_docker_events_total", help: "Container events received, by action.", labelNames: ["action"] }),
    eventStreamReconnects: counter(registry, { name: "soc_docker_event_stream_reconnects_total", help: "Times the event stream was lost and reconnected." }),
    eventParseErrors: counter(registry, { name: "soc_docker_event_parse_errors_total", help: "Event stream lines that were not valid JSON or were too long." }),
    reconciles: counter(registry, { name: "soc_reconciles_total", help: "Full re-lists of the containers, by result.", labelNames: ["result"] }),
    reconcileDuration: histogram(registry, { name: "soc_reconcile_duration_seconds", help: "Duration of a full re-list and inspect of every container." }),
    eventToMetricSeconds: histogram(registry, { name: "soc_health_event_to_metric_seconds", help: "Delay from a health_status event's engine timestamp to the metric update." }),
    errors: counter(registry, { name: "soc_health_monitor_errors_total", help: "Engine calls that failed, by operation.", labelNames: ["operation"] }),
  };
}

/** Sets every per-container series from a state. `lastRestartCount` is the count seen before (for the counter delta). */
export function publishContainer(m: MonitorMetrics, c: ContainerState, previous: ContainerState | undefined): void {
  const container = c.name;
  for (const s of HEALTH_STATUSES) m.healthStatus.set({ container, status: s }, c.health === s ? 1 : 0);
  for (const s of RUN_STATES) m.state.set({ container, state: s }, c.state === s ? 1 : 0);
  if (previous === undefined) m.restarts.inc({ container }, 0);
  else if (c.restartCount > previous.restartCount) m.restarts.inc({ container }, c.restartCount - previous.restartCount);
  m.oomKilled.set({ container }, c.oomKilled ? 1 : 0);
  m.exitCode.set({ container }, c.exitCode);
  if (c.uptimeSeconds !== undefined) m.uptimeSeconds.set({ container }, c.uptimeSeconds);
  else m.uptimeSeconds.remove({ container });
  if (c.resources) {
    m.memoryUsageRatio.set({ container }, c.resources.memoryUsageRatio);
    m.memoryUsageBytes.set({ container }, c.resources.memoryUsageBytes);
    m.memoryLimitBytes.set({ container }, c.resources.memoryLimitBytes);
    if (c.resources.cpuHostRatio !== undefined) m.cpuUsageRatio.set({ container }, c.resources.cpuHostRatio);
  }
}

/** Sets only the health series of a container (the event fast path). */
export function publishHealth(m: MonitorMetrics, c: ContainerState): void {
  for (const s of HEALTH_STATUSES) m.healthStatus.set({ container: c.name, status: s }, c.health === s ? 1 : 0);
}

/** Removes every per-container series of a container. */
export function unpublishContainer(m: MonitorMetrics, name: string): void {
  const container = name;
  for (const s of HEALTH_STATUSES) m.healthStatus.remove({ container, status: s });
  for (const s of RUN_STATES) m.state.remove({ container, state: s });
  for (const g of [m.oomKilled, m.exitCode, m.uptimeSeconds, m.memoryUsageRatio, m.memoryUsageBytes, m.memoryLimitBytes, m.cpuUsageRatio, m.auditScore, m.autohealCircuitOpen]) g.remove({ container });
  m.restarts.remove({ container });
  m.oomEvents.remove({ container });
}

/** Replaces the audit series with the given counts. */
export function publishAudit(m: MonitorMetrics, byRule: ReadonlyArray<{ rule: string; severity: Severity; count: number }>, scores: ReadonlyArray<{ name: string; score: number }>, stack: number): void {
  m.auditFindings.reset();
  for (const r of byRule) m.auditFindings.set({ rule: r.rule, severity: r.severity }, r.count);
  m.auditScore.reset();
  for (const s of scores) m.auditScore.set({ container: s.name }, s.score);
  m.auditStackScore.set(stack);
}
