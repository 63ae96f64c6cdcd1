/**
 * Renderings of an {@link AuditReport}: `table` (terminal), `json`, `markdown` and `sarif` (SARIF 2.1.0,
 * for GitHub code scanning and other SARIF viewers). Pure.
 * SARIF: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html ; GitHub's `security-severity`:
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { SECURITY_RULES, type Severity } from "@soc/config/security";
import type { AuditReport } from "./run.js";

/** Output formats of `health-monitor audit`. */
export const AUDIT_FORMATS = ["table", "json", "markdown", "sarif"] as const;
/** One of {@link AUDIT_FORMATS}. */
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

/** A fixed-width table: one row per finding, a score line per container and the overall score. */
export function formatTable(r: AuditReport): string {
  const rows: string[][] = [["CONTAINER", "SCORE", "SEVERITY", "RULE", "FINDING"]];
  for (const c of r.containers) {
    if (c.findings.length === 0) rows.push([c.name, String(c.score), "-", "-", "no findings"]);
    for (const f of c.findings) rows.push([c.name, String(c.score), f.severity, f.rule, f.waived !== undefined ? `${f.message} [waived: ${f.waived}]` : f.message]);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  const lines = rows.map((row) => row.map((cell, i) => (i < 4 ? pad(cell, widths[i] ?? 0) : cell)).join("  ").trimEnd());
  const c = r.counts;
  lines.push("", `${r.containers.length} containers, overall score ${r.score}/100 (critical ${c.critical}, high ${c.high}, medium ${c.medium}, low ${c.low})`);
  return `${lines.join("\n")}\n`;
}

/** The report as pretty JSON. */
export function formatJson(r: AuditReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

const mdEscape = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A Markdown summary table per container. */
export function formatMarkdown(r: AuditReport): string {
  const c = r.counts;
  const out = [`# Container security audit`, "", `Overall score **${r.score}/100** over ${r.containers.length} containers — critical ${c.critical}, high ${c.high}, medium ${c.medium}, low ${c.low}.`, ""];
  for (const ct of r.containers) {
    out.push(`## ${mdEscape(ct.name)} — ${ct.score}/100`, "", `Image: \`${ct.image || "?"}\``, "");
    if (ct.findings.length === 0) {
      out.push("No findings.", "");
      continue;
    }
    out.push("| Severity | Rule | Finding | Fix |", "|---|---|---|---|");
    for (const f of ct.findings) out.push(`| ${f.severity} | \`${f.rule}\` | ${mdEscape(f.message)}${f.waived !== undefined ? ` (waived: ${mdEscape(f.waived)})` : ""} | ${mdEscape(f.hint)} |`);
    out.push("");
  }
  return out.join("\n");
}

const SARIF_LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
/** GitHub's numeric severity scale: critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

/**
 * SARIF 2.1.0 log: one run, the whole rule catalogue as `tool.driver.rules`, one result per finding with
 * the container as a logical location. Waived findings carry an accepted `suppressions` entry.
 * @param version the tool version for `tool.driver.version`.
 */
export function formatSarif(r: AuditReport, version: string): string {
  const rules = SECURITY_RULES.map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_m: string, _d: string, ch: string) => ch.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: rule.hint },
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: { "security-severity": SECURITY_SEVERITY[rule.severity], tags: ["security", "container"], ...("cis" in rule ? { cis: rule.cis } : {}) },
  }));
  const index = new Map<string, number>(SECURITY_RULES.map((rule, i) => [rule.id, i]));
  const results = r.containers.flatMap((c) =>
    c.findings.map((f) => ({
      ruleId: f.rule,
      ruleIndex: index.get(f.rule) ?? -1,
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ logicalLocations: [{ name: c.name, fullyQualifiedName: `container/${c.name}/${f.field}`, kind: "object" }] }],
      partialFingerprints: { containerRule: `${c.name}/${f.rule}/${f.field}` },
      properties: { container: c.name, containerId: c.id, image: c.image, field: f.field },
      ...(f.waived !== undefined ? { suppressions: [{ kind: "external", status: "accepted", justification: f.waived }] } : {}),
    })),
  );
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "health-monitor", informationUri: "https://docs.docker.com/engine/security/", version, rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Renders in the given format. */
export function formatAudit(r: AuditReport, format: AuditFormat, version: string): string {
  switch (format) {
    case "table":
      return formatTable(r);
    case "json":
      return formatJson(r);
    case "markdown":
      return formatMarkdown(r);
    case "sarif":
      return formatSarif(r, version);
  }
}
