/**
 * The runtime security audit: inspect JSON of every container → the shared `@soc/config` audit → per
 * container findings and scores and an overall score. Pure.
 */
import { type AuditWaiver, auditContainer, containerScore, type Finding, SEVERITIES, type Severity, stackScore } from "@soc/config";
import { inspectToFacts } from "../inspect/facts.js";
import type { InspectJson } from "../inspect/types.js";

/** The audit of one container. */
export interface ContainerAudit {
  id: string;
  name: string;
  image: string;
  /** 0–100; 100 = no unwaived finding. */
  score: number;
  findings: Finding[];
}

/** The audit of every container. */
export interface AuditReport {
  /** Mean of the container scores, rounded (100 with no container). */
  score: number;
  /** Unwaived findings per severity. */
  counts: Record<Severity, number>;
  containers: ContainerAudit[];
}

/** Label Docker Compose puts on every container with its service name. */
export const COMPOSE_SERVICE_LABEL = "com.docker.compose.service";

/**
 * Audits containers.
 * @param waivers waivers keyed by Compose service name (label `com.docker.compose.service`), else by
 *   container name (e.g. from the config's `waive:` entries, see `waiversFromConfig`).
 */
export function auditInspected(inspected: readonly InspectJson[], waivers: Readonly<Record<string, readonly AuditWaiver[]>> = {}): AuditReport {
  const containers = inspected
    .map((i): ContainerAudit => {
      const facts = inspectToFacts(i);
      const service = i.Config?.Labels?.[COMPOSE_SERVICE_LABEL];
      const findings = auditContainer(facts, (service !== undefined ? waivers[service] : undefined) ?? waivers[facts.name] ?? []);
      return { id: i.Id, name: facts.name, image: facts.image ?? "", score: containerScore(findings), findings };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const c of containers) for (const f of c.findings) if (f.waived === undefined) counts[f.severity]++;
  return { score: stackScore(containers.map((c) => c.score)), counts, containers };
}

/** Unwaived findings counted by rule and severity (the `soc_audit_findings{rule,severity}` series). */
export function findingsByRule(report: AuditReport): Array<{ rule: string; severity: Severity; count: number }> {
  const m = new Map<string, { rule: string; severity: Severity; count: number }>();
  for (const c of report.containers) {
    for (const f of c.findings) {
      if (f.waived !== undefined) continue;
      const e = m.get(f.rule) ?? { rule: f.rule, severity: f.severity, count: 0 };
      e.count++;
      m.set(f.rule, e);
    }
  }
  return [...m.values()];
}
