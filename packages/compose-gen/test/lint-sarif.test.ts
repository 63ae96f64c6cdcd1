/**
 * SARIF output validated against the SARIF 2.1.0 JSON Schema (vendored from @microsoft/jest-sarif, see
 * schemas/README.md) plus the parts GitHub code scanning relies on; and the `lint` CLI's formats and exit codes.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { SECURITY_RULES } from "@soc/config";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { toMarkdown, toSarif } from "../src/index.js";
import { EXAMPLES } from "./support/configs.js";
import { COMPOSE_FIXTURES, lintConfigFile, lintFixtures } from "./support/lint.js";

const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, "../schemas/sarif-schema-2.1.0.json"), "utf8")) as Record<string, unknown>;
delete schema.$schema; // draft-04 URI, unknown to ajv 8; the schema uses no draft-04-only keywords
delete schema.id;
// unicodeRegExp: false — the schema's `language` pattern (`...]?$`) is valid only without the u flag
const validate = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }).compile(schema);
const errors = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`));

type Sarif = { version: string; runs: { tool: { driver: { rules: { id: string; properties: { "security-severity": string; tags: string[] }; help: { text: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; partialFingerprints: Record<string, string>; suppressions?: unknown[] }[] }[] };

describe("SARIF 2.1.0", () => {
  it("the schema catches an invalid log (the validator is live)", () => {
    expect(errors({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).not.toEqual([]);
  });

  it("ai-soc's lint validates, with the catalogue as rules and GitHub's security-severity numbers", async () => {
    const log = toSarif(await lintConfigFile(path.join(EXAMPLES, "ai-soc.yaml")), { version: "0.1.0", uri: (f) => `examples/${f}` }) as unknown as Sarif;
    expect(errors(log)).toEqual([]);
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(SECURITY_RULES.map((r) => r.id));
    const sev = Object.fromEntries(rules.map((r) => [r.id, r.properties["security-severity"]]));
    expect([sev.privileged, sev["host-pid"], sev["root-user"], sev["no-cpu-limit"]]).toEqual(["9.5", "8.0", "5.5", "3.0"]);
    expect(rules.find((r) => r.id === "docker-socket")?.properties.tags).toContain("CIS-5.32");
  });

  it("results: ruleId/ruleIndex, level, relative URI, start line, unique fingerprints, waivers as suppressions", async () => {
    const report = await lintConfigFile(path.join(EXAMPLES, "ai-soc.yaml"));
    const log = toSarif(report, { version: "0.1.0", uri: (f) => `examples/${f}` }) as unknown as Sarif;
    const run = log.runs[0];
    const results = run?.results ?? [];
    expect(results).toHaveLength(report.findings.length);
    for (const r of results) {
      expect(run?.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
      const loc = r.locations[0]?.physicalLocation;
      expect(loc?.artifactLocation.uri).toBe("examples/ai-soc.yaml");
      expect(loc?.region.startLine).toBeGreaterThan(0);
    }
    const fps = results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set(fps).size).toBe(fps.length);
    const privileged = results.find((r) => r.ruleId === "privileged");
    expect(privileged).toMatchObject({ level: "error", suppressions: [{ kind: "inSource", status: "accepted" }] });
  });

  it("a Compose lint (several files) validates too", () => {
    const log = toSarif(lintFixtures("messy.compose.yml", "grafana__loki__production__docker__docker-compose.yaml"), { version: "0.1.0" });
    expect(errors(log)).toEqual([]);
  });
});

describe("markdown report", () => {
  it("has the summary, severity sections with rationale, fix and CIS id, and per-service scores", async () => {
    const md = toMarkdown(await lintConfigFile(path.join(EXAMPLES, "ai-soc.yaml")), "Audit");
    expect(md).toMatch(/^# Audit\n/);
    expect(md).toMatch(/\*\*Stack score: \d+\/100\*\*/);
    expect(md).toContain("| critical | 0 | 5 |"); // privileged cadvisor; the sockets of filebeat, promtail, shuffle-orborus and the generated proxy
    expect(md).toContain("### Container runs privileged (`privileged`, CIS 5.5)");
    expect(md).toContain("*Fix:* Remove `privileged: true`");
    expect(md).toMatch(/\| cadvisor \| ai-soc\.yaml \| \d+ \|/);
  });
});

const CLI = path.resolve(import.meta.dirname, "../dist/cli.js");
const run = promisify(execFile);
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the build first`);
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: COMPOSE_FIXTURES });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("compose-gen lint (CLI)", () => {
  it("--format json prints findings with rule/severity/service/file/path/message/hint and the scores; exit 1 on high", async () => {
    // ai-soc keeps unwaived high findings (pi-edge waives or fixes all of its own since f05395c).
    const r = await cli(["lint", path.join(EXAMPLES, "ai-soc.yaml"), "--format", "json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: Record<string, unknown>[]; score: number; services: { service: string; score: number }[] };
    expect(Object.keys(doc.findings[0] ?? {})).toEqual(expect.arrayContaining(["rule", "severity", "service", "file", "path", "message", "hint", "line"]));
    expect(doc.score).toBeGreaterThan(0);
    expect(doc.services.map((s) => s.service)).toContain("edge-agent");
  });

  it("--compose lints files on their own; exit 0 when nothing critical or high is left", async () => {
    const clean = await cli(["lint", "--compose", "docker__awesome-compose__nginx-golang-postgres__compose.yaml"]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/score \d+\/100 — critical 0, high 0/);
    const messy = await cli(["lint", "--compose", "messy.compose.yml", "--format", "sarif"]);
    expect(messy.code).toBe(1);
    expect(errors(JSON.parse(messy.stdout))).toEqual([]);
  });

  it("rejects an unknown format and a missing input (exit 1, usage error)", async () => {
    expect((await cli(["lint", "--compose", "messy.compose.yml", "--format", "xml"])).stderr).toContain('unknown --format "xml"');
    expect((await cli(["lint"])).code).toBe(1);
  });
});
