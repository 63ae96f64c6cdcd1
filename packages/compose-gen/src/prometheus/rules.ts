/**
 * Alerting rules on the metrics our apps export (names, types and labels as registered in
 * apps/edge-agent/src/telemetry, apps/health-monitor/src/watch/metrics.ts and
 * apps/aiops-agent/src/service/agent-metrics.ts): gauges compared directly, counters through `increase()`.
 * Only apps that are scraped (enabled in the config) get rules. Every rule has `for`, a `severity` label and
 * `summary`/`description` annotations naming its source metric.
 * Format: https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/ and
 * https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/#rule_group
 */
import type { ScrapeJob } from "./scrape.js";

/** One alerting rule as written in a rules file. */
export interface AlertRule {
  alert: string;
  expr: string;
  /** How long `expr` must hold before the alert fires (`0s` = at once). */
  for: string;
  /** `severity` (`critical`: data loss or a blind spot now; `warning`: degraded) and `component`: the job (Compose service) the rule watches, for Alertmanager routing — it also keeps the per-job `SocTargetDown` rules distinct. */
  labels: { severity: "critical" | "warning"; component: string };
  annotations: { summary: string; description: string };
}

/** One rule group (`groups[]` of a rules file). */
export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** A PromQL label matcher value, quoted (container names are DNS labels, but quote anyway). */
const q = (s: string): string => JSON.stringify(s);

const rule = (component: string, alert: string, expr: string, forD: string, severity: "critical" | "warning", summary: string, description: string): AlertRule => ({
  alert,
  expr,
  for: forD,
  labels: { severity, component },
  annotations: { summary, description },
});

/** `up == 0` for one job: the target did not answer the last scrapes. */
function targetDown(job: string, severity: "critical" | "warning"): AlertRule {
  return rule(
    job,
    "SocTargetDown",
    `up{job=${q(job)}} == 0`,
    "2m",
    severity,
    `${job} is not answering scrapes on {{ $labels.instance }}`,
    `Prometheus could not scrape ${job} (metric: up) for 2 minutes: the container is down, restarting, not started by its Compose profile, or unreachable on the network.`,
  );
}

/** Rules of edge-agent (job `job`). */
export function edgeAgentRules(job: string): AlertRule[] {
  const j = `job=${q(job)}`;
  return [
    targetDown(job, "critical"),
    rule(job, "SocEdgeShippingFatal", `soc_edge_shipping_fatal{${j}} == 1`, "1m", "critical",
      "edge-agent stopped shipping events on {{ $labels.instance }}",
      "A fatal error (401/403 from OpenSearch, dead-letter write failure) stopped shipping (metric: soc_edge_shipping_fatal, gauge 1). Events are not reaching OpenSearch; check the agent log and credentials."),
    rule(job, "SocEdgeBufferFull", `soc_edge_buffer_full{${j}} == 1`, "5m", "warning",
      "edge-agent durable buffer full on {{ $labels.instance }}",
      "A batch has been waiting for room in the durable buffer for 5 minutes and reading is paused (metric: soc_edge_buffer_full, gauge 1); Suricata may rotate EVE files before they are read."),
    rule(job, "SocEdgeBufferEventsLost", `increase(soc_edge_buffer_lost_events_total{${j}}[15m]) > 0`, "0s", "critical",
      "edge-agent lost buffered events on {{ $labels.instance }}",
      "{{ $value | humanize }} events appended to the durable buffer were lost before delivery in the last 15 minutes (spool directory vanished or replaced, corrupt segment) (metric: soc_edge_buffer_lost_events_total, counter)."),
    rule(job, "SocEdgeOpenSearchOffline", `soc_edge_connectivity_state{${j},state="offline"} == 1`, "10m", "warning",
      "edge-agent cannot reach OpenSearch from {{ $labels.instance }}",
      "The agent has seen OpenSearch as offline for 10 minutes (metric: soc_edge_connectivity_state{state=\"offline\"}, gauge 1); events are held in the durable buffer if one is configured."),
    rule(job, "SocEdgeEventsDeadLettered", `sum by (instance, reason) (rate(soc_edge_events_dead_lettered_total{${j}}[5m])) > 0`, "10m", "warning",
      "edge-agent keeps dead-lettering events ({{ $labels.reason }}) on {{ $labels.instance }}",
      "Records have been written to the dead-letter file for 10 minutes at {{ $value | humanize }}/s, reason {{ $labels.reason }} (malformed lines, items refused by OpenSearch, retries exhausted) (metric: soc_edge_events_dead_lettered_total, counter)."),
  ];
}

/** Rules of health-monitor (job `job`). */
export function healthMonitorRules(job: string): AlertRule[] {
  const j = `job=${q(job)}`;
  return [
    targetDown(job, "critical"),
    rule(job, "SocDockerEngineDown", `soc_docker_engine_up{${j}} == 0`, "2m", "critical",
      "health-monitor lost the Docker engine on {{ $labels.instance }}",
      "The event stream to the Docker engine has been disconnected for 2 minutes (metric: soc_docker_engine_up, gauge 0); container health is not being watched."),
    rule(job, "SocContainerUnhealthy", `soc_container_health_status{${j},status="unhealthy"} == 1`, "5m", "warning",
      "container {{ $labels.container }} is unhealthy",
      "The Docker healthcheck of {{ $labels.container }} has reported unhealthy for 5 minutes (metric: soc_container_health_status{status=\"unhealthy\"}, gauge 1)."),
    rule(job, "SocContainerOomKilled", `increase(soc_container_oom_events_total{${j}}[15m]) > 0`, "0s", "warning",
      "container {{ $labels.container }} ran out of memory",
      "The engine reported {{ $value | humanize }} OOM events for {{ $labels.container }} in the last 15 minutes (metric: soc_container_oom_events_total, counter); raise its memory limit or find the leak."),
    rule(job, "SocAutohealCircuitOpen", `soc_autoheal_circuit_open{${j}} == 1`, "0s", "critical",
      "autoheal gave up restarting {{ $labels.container }}",
      "The autoheal circuit breaker of {{ $labels.container }} is open: it reached its maximum restarts per window and is no longer restarted automatically (metric: soc_autoheal_circuit_open, gauge 1)."),
  ];
}

/** Rules of aiops-agent (job `job`). */
export function aiopsAgentRules(job: string): AlertRule[] {
  const j = `job=${q(job)}`;
  return [
    targetDown(job, "critical"),
    rule(job, "SocAiopsAlertsFiring", `soc_aiops_alerts_firing{${j}} > 0`, "0s", "warning",
      "aiops-agent has {{ $value }} anomaly alerts firing",
      "The AIOps agent's alert sink holds {{ $value }} firing anomaly alerts (metric: soc_aiops_alerts_firing, gauge); see its receivers for the series."),
    rule(job, "SocAiopsTickOverruns", `increase(soc_aiops_tick_overruns_total{${j}}[10m]) > 0`, "10m", "warning",
      "aiops-agent ticks overrun on {{ $labels.instance }}",
      "Tick slots have been skipped for 10 minutes because the previous tick ran past them ({{ $value | humanize }} in the last 10 minutes) (metric: soc_aiops_tick_overruns_total, counter); the agent is too slow for its interval."),
    rule(job, "SocAiopsCollectErrors", `sum by (instance, source) (increase(soc_aiops_collect_errors_total{${j}}[10m])) > 0`, "10m", "warning",
      "aiops-agent cannot collect {{ $labels.source }} on {{ $labels.instance }}",
      "Collection source {{ $labels.source }} has failed on ticks for 10 minutes ({{ $value | humanize }} failures in the last 10 minutes) (metric: soc_aiops_collect_errors_total, counter)."),
  ];
}

const APP_RULES: Record<string, (job: string) => AlertRule[]> = {
  "edge-agent": edgeAgentRules,
  "health-monitor": healthMonitorRules,
  "aiops-agent": aiopsAgentRules,
};

/** Group name of an app's rules (`soc-edge-agent`). */
export const groupName = (app: string): string => `soc-${app}`;
/** Group name of the rules on scraped third-party services. */
export const SERVICES_GROUP = "soc-services";

/**
 * The rule groups for `jobs`: one group per scraped app (by its origin `apps.<key>`), then one group with a
 * `SocTargetDown` rule per scraped service. No jobs → no groups.
 */
export function ruleGroups(jobs: ScrapeJob[]): RuleGroup[] {
  const groups: RuleGroup[] = [];
  for (const job of jobs) {
    const rules = job.kind === "app" ? APP_RULES[job.job] : undefined;
    if (rules !== undefined) groups.push({ name: groupName(job.job), rules: rules(job.job) });
  }
  const services = jobs.filter((j) => j.kind !== "app" || APP_RULES[j.job] === undefined);
  if (services.length) groups.push({ name: SERVICES_GROUP, rules: services.map((s) => targetDown(s.job, "warning")) });
  return groups;
}

/** The rules file document: `{ groups }` (see {@link ruleGroups}). */
export function rulesDocument(jobs: ScrapeJob[]): { groups: RuleGroup[] } {
  return { groups: ruleGroups(jobs) };
}
