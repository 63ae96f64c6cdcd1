/**
 * SARIF 2.1.0 output for GitHub code scanning: one run, `tool.driver.rules` from the shared catalogue
 * (with `security-severity` so GitHub ranks alerts), one result per unwaived finding (waived ones carry a
 * `suppressions` entry with the reason), located by a relative artifact URI and a start line.
 * Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html ; GitHub's subset:
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { createHash } from "node:crypto";
import { SECURITY_RULES, type Severity } from "@soc/config";
import type { LintReport } from "./lint.js";

/** GitHub's `security-severity` per severity (critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4.0). */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

const LEVEL: Readonly<Record<Severity, "error" | "warning" | "note">> = { critical: "error", high: "error", medium: "warning", low: "note" };

/** Options of {@link toSarif}. */
export interface SarifOptions {
  /** Tool version for `tool.driver.version`. */
  version: string;
  /** Turns a finding's file into the URI GitHub expects (relative to the repository root, POSIX). */
  uri?: (file: string) => string;
}

/**
 * The report as a SARIF 2.1.0 log (plain object; `JSON.stringify` it).
 * `partialFingerprints.primaryLocationLineHash` hashes rule, file, YAML/config path and service — not the
 * line — so an alert survives edits that move it.
 */
export function toSarif(report: LintReport, opts: SarifOptions): Record<string, unknown> {
  const uri = opts.uri ?? ((f: string) => f.split("\\").join("/").replace(/^\.\//, ""));
  const ruleIndex = new Map<string, number>(SECURITY_RULES.map((r, i) => [r.id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "compose-gen-lint",
            informationUri: "https://github.com/soc-stack/soc-stack/tree/main/packages/compose-gen",
            version: opts.version,
            rules: SECURITY_RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              help: { text: `${r.hint}${"cis" in r ? ` (CIS Docker Benchmark v1.6.0 ${r.cis})` : ""}`, markdown: `**Fix:** ${r.hint}${"cis" in r ? `\n\nCIS Docker Benchmark v1.6.0, recommendation ${r.cis}.` : ""}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { "security-severity": SECURITY_SEVERITY[r.severity], tags: ["security", "docker", "compose", ...("cis" in r ? [`CIS-${r.cis}`] : [])], precision: "very-high" },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule) ?? -1,
          level: LEVEL[f.severity],
          message: { text: `${f.message}. ${f.hint}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: uri(f.file) }, region: { startLine: f.line } },
              logicalLocations: [{ name: f.service, fullyQualifiedName: f.path, kind: "object" }],
            },
          ],
          partialFingerprints: { primaryLocationLineHash: createHash("sha256").update(`${f.rule}\0${uri(f.file)}\0${f.path}\0${f.service}`).digest("hex").slice(0, 32) },
          ...(f.waived !== undefined ? { suppressions: [{ kind: "inSource", status: "accepted", justification: f.waived }] } : {}),
        })),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}
