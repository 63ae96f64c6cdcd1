/**
 * Human formats of a {@link LintReport}: a terminal table and a CIS-style markdown audit report (summary,
 * findings by severity with rationale, fix and CIS Docker Benchmark v1.6.0 recommendation, per-service
 * scores), plus the JSON document `--format json` prints.
 */
import { getRule, SEVERITIES, type Severity } from "@soc/config";
import type { LintFinding, LintReport } from "./lint.js";

/** The `--format json` document: `{ findings: [{ rule, severity, service, file, path, line, message, hint, waived? }], score, services, notes }`. */
export function toJsonReport(report: LintReport): Record<string, unknown> {
  return { findings: report.findings, score: report.score, services: report.services, notes: report.notes };
}

const count = (fs: readonly LintFinding[], s: Severity) => fs.filter((f) => f.severity === s && f.waived === undefined).length;

/** A summary line: `score 62/100 — critical 1, high 4, medium 20, low 31 (3 waived)`. */
export function summaryLine(report: LintReport): string {
  const waived = report.findings.filter((f) => f.waived !== undefined).length;
  return `score ${report.score}/100 — ${SEVERITIES.map((s) => `${s} ${count(report.findings, s)}`).join(", ")}${waived ? ` (${waived} waived)` : ""}`;
}

/** A plain-text table, one finding a line, most severe first. */
export function toTable(report: LintReport): string {
  const rows = report.findings.map((f) => [f.waived !== undefined ? `${f.severity} (waived)` : f.severity, f.rule, f.service, `${f.file}:${f.line}`, f.path, f.message]);
  const head = ["SEVERITY", "RULE", "SERVICE", "LOCATION", "PATH", "MESSAGE"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ");
  return [line(head), ...rows.map(line), "", ...report.notes.map((n) => `note: ${n}`), summaryLine(report), ""].join("\n");
}

const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A CIS-style audit report in GitHub-flavoured markdown. */
export function toMarkdown(report: LintReport, title = "Container security audit"): string {
  const out: string[] = [`# ${title}`, "", `**Stack score: ${report.score}/100** (mean of the service scores; each unwaived finding takes critical 40, high 20, medium 8, low 3 points off 100).`, ""];
  out.push("## Summary", "", "| Severity | Findings | Waived |", "|---|---:|---:|");
  for (const s of SEVERITIES) out.push(`| ${s} | ${count(report.findings, s)} | ${report.findings.filter((f) => f.severity === s && f.waived !== undefined).length} |`);
  out.push("");
  for (const s of SEVERITIES) {
    const fs = report.findings.filter((f) => f.severity === s);
    if (!fs.length) continue;
    out.push(`## ${s[0]?.toUpperCase()}${s.slice(1)}`, "");
    for (const ruleId of [...new Set(fs.map((f) => f.rule))]) {
      const r = getRule(ruleId);
      out.push(`### ${r.title} (\`${r.id}\`${r.cis ? `, CIS ${r.cis}` : ""})`, "", `*Why:* ${r.rationale}`, "", `*Fix:* ${r.hint}`, "", "| Service | Location | Path | Finding | Waiver |", "|---|---|---|---|---|");
      for (const f of fs.filter((x) => x.rule === ruleId)) out.push(`| ${esc(f.service)} | ${esc(f.file)}:${f.line} | \`${esc(f.path)}\` | ${esc(f.message)} | ${f.waived !== undefined ? esc(f.waived) : ""} |`);
      out.push("");
    }
  }
  out.push("## Service scores", "", "| Service | File | Score | Critical | High | Medium | Low |", "|---|---|---:|---:|---:|---:|---:|");
  for (const sv of [...report.services].sort((a, b) => a.score - b.score || a.service.localeCompare(b.service))) {
    const own = report.findings.filter((f) => f.service === sv.service && f.file === sv.file);
    out.push(`| ${esc(sv.service)} | ${esc(sv.file)} | ${sv.score} | ${SEVERITIES.map((s) => count(own, s)).join(" | ")} |`);
  }
  if (report.notes.length) out.push("", "## Not inspected", "", ...report.notes.map((n) => `- ${esc(n)}`));
  out.push("", "Rules and severities: the shared catalogue of @soc/config (`SECURITY_RULES`), after the CIS Docker Benchmark v1.6.0 and the OWASP Docker Security Cheat Sheet.", "");
  return out.join("\n");
}
