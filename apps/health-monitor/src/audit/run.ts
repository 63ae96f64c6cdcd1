/**
 * The runtime security audit: inspect JSON of every container → the shared `@soc/config` audit → per
 * container findings and scores and an overall score. Pure.
 */
import { type AuditWaiver, auditContainer, type ContainerFacts, containerScore, type Finding, SEVERITIES, type Severity, stackScore } from "@soc/config/security";
import { inspectToFacts } from "../inspect/facts.js";
import type { InspectJson } from "../inspect/types.js";
import { byName } from "../order.js";

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
 * What the audit needs of one container: its id, {@link ContainerFacts} and Compose service name. A few
 * hundred bytes, where the inspect JSON it comes from is several KB: the daemon keeps these between audits
 * instead of the inspect documents (less retained heap, less young-generation growth).
 */
export interface AuditSubject {
  id: string;
  /** Label `com.docker.compose.service`, when present. */
  service?: string;
  facts: ContainerFacts;
}

/** The audit input of one inspect document. Pure. */
export function auditSubjectOf(i: InspectJson): AuditSubject {
  const service = i.Config?.Labels?.[COMPOSE_SERVICE_LABEL];
  return { id: i.Id, ...(service !== undefined ? { service } : {}), facts: inspectToFacts(i) };
}

/**
 * Audits containers given as {@link AuditSubject}s.
 * @param waivers waivers keyed by Compose service name (label `com.docker.compose.service`), else by
 *   container name (e.g. from the config's `waive:` entries, see `waiversFromConfig`).
 */
export function auditSubjects(subjects: readonly AuditSubject[], waivers: Readonly<Record<string, readonly AuditWaiver[]>> = {}): AuditReport {
  const containers = subjects
    .map(({ id, service, facts }): ContainerAudit => {
      const findings = auditContainer(facts, (service !== undefined ? waivers[service] : undefined) ?? waivers[facts.name] ?? []);
      return { id, name: facts.name, image: facts.image ?? "", score: containerScore(findings), findings };
    })
    .sort(byName);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const c of containers) for (const f of c.findings) if (f.waived === undefined) counts[f.severity]++;
  return { score: stackScore(containers.map((c) => c.score)), counts, containers };
}

/**
 * Audits containers from their inspect JSON (`auditSubjects(inspected.map(auditSubjectOf), waivers)`).
 * @param waivers as for {@link auditSubjects}.
 */
export function auditInspected(inspected: readonly InspectJson[], waivers: Readonly<Record<string, readonly AuditWaiver[]>> = {}): AuditReport {
  return auditSubjects(inspected.map(auditSubjectOf), waivers);
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
