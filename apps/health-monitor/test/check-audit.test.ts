import { SECURITY_RULES } from "@soc/config";
import { describe, expect, it } from "vitest";
import { auditInspected, auditSubjectOf, auditSubjects, evaluateCheck, findingsByRule, formatAudit, formatCheckTable, judgeContainer, matchesLabels, parseLabelSelector, stateFromInspect, toDockerLabelFilter } from "../src/index.js";
import { inspectFixture } from "./support/fixtures.js";

const now = new Date("2026-11-22T03:20:00Z");
const all = ["healthy", "sick", "priv", "oom", "exit1", "hard"].map(inspectFixture);

describe("check verdicts", () => {
  it("fails unhealthy, exited, OOM-killed and never-started containers; passes healthy ones", () => {
    const r = evaluateCheck(all.map((i) => stateFromInspect(i, now)));
    const by = Object.fromEntries(r.containers.map((c) => [c.name, c]));
    expect(by["healthy"]?.verdict).toBe("ok");
    expect(by["sick"]).toMatchObject({ verdict: "fail" });
    expect(by["sick"]?.reason).toMatch(/^unhealthy \(\d+ failed probes\): exit 1/);
    expect(by["oom"]?.reason).toBe("exited with code 137 (OOM-killed)");
    expect(by["exit1"]?.reason).toBe("exited with code 1");
    expect(by["priv"]?.reason).toMatch(/^created, never started: /);
    expect(r.exitCode).toBe(1);
    expect(r.counts).toEqual({ ok: 1, warn: 1, fail: 4 }); // `hard` was still starting when recorded
    expect(r.containers.map((c) => c.name)).toEqual(["exit1", "hard", "healthy", "oom", "priv", "sick"]);
  });

  it("exits 0 when every selected container is fine (starting and paused only warn)", () => {
    const ok = stateFromInspect(inspectFixture("healthy"), now);
    expect(evaluateCheck([ok]).exitCode).toBe(0);
    expect(evaluateCheck([ok, { ...ok, id: "2", name: "b", health: "starting" }]).exitCode).toBe(0);
    expect(judgeContainer({ ...ok, state: "paused" }).verdict).toBe("warn");
    expect(judgeContainer({ ...ok, state: "restarting" }).verdict).toBe("fail");
    expect(judgeContainer({ ...ok, health: "none" })).toEqual({ verdict: "ok", reason: "running (no healthcheck)" });
    expect(evaluateCheck([]).exitCode).toBe(0);
  });

  it("renders a table with one row per container and a summary", () => {
    const out = formatCheckTable(evaluateCheck(all.map((i) => stateFromInspect(i, now))));
    expect(out.split("\n")[0]).toMatch(/^CONTAINER\s+STATE\s+HEALTH/);
    expect(out).toMatch(/^oom\s+exited\s+none\s+0\s+-\s+-\s+FAIL\s+exited with code 137 \(OOM-killed\)$/m);
    expect(out).toContain("6 containers: 1 ok, 1 warn, 4 failing");
  });
});

describe("label selectors", () => {
  it("parses, matches and converts to engine filters", () => {
    const sel = [parseLabelSelector("soc.autoheal=true"), parseLabelSelector("tier")];
    expect(sel).toEqual([{ key: "soc.autoheal", value: "true" }, { key: "tier" }]);
    expect(matchesLabels({ "soc.autoheal": "true", tier: "x" }, sel)).toBe(true);
    expect(matchesLabels({ "soc.autoheal": "false", tier: "x" }, sel)).toBe(false);
    expect(matchesLabels({ "soc.autoheal": "true" }, sel)).toBe(false);
    expect(toDockerLabelFilter(sel)).toEqual(["soc.autoheal=true", "tier"]);
    expect(parseLabelSelector("a=b=c")).toEqual({ key: "a", value: "b=c" });
    expect(() => parseLabelSelector("=x")).toThrow(RangeError);
  });
});

describe("runtime audit report", () => {
  const report = auditInspected(all);

  it("scores every container with the shared weights and averages them", () => {
    const by = Object.fromEntries(report.containers.map((c) => [c.name, c]));
    expect(by["priv"]?.score).toBe(0);
    expect(by["hard"]?.score).toBe(40); // three high findings
    expect(report.score).toBe(Math.round(report.containers.reduce((s, c) => s + c.score, 0) / report.containers.length));
    expect(report.counts.critical).toBe(2);
  });

  it("audits the small per-container subjects the daemon keeps exactly like the inspect documents", () => {
    const subjects = all.map(auditSubjectOf);
    expect(subjects.map((s) => s.id)).toEqual(all.map((i) => i.Id));
    expect(JSON.stringify(subjects).length).toBeLessThan(JSON.stringify(all).length / 2);
    const waivers = { hard: [{ rule: "cap-dangerous", reason: "needs tun setup" }] };
    expect(auditSubjects(subjects, waivers)).toEqual(auditInspected(all, waivers));
    const svc = { ...all[0]!, Config: { ...all[0]!.Config, Labels: { "com.docker.compose.service": "web" } } };
    expect(auditSubjectOf(svc).service).toBe("web");
    expect(auditSubjects([auditSubjectOf(svc)], { web: [{ rule: "root-user", reason: "r" }] }).containers[0]?.findings.find((f) => f.rule === "root-user")?.waived).toBe(
      auditInspected([svc], { web: [{ rule: "root-user", reason: "r" }] }).containers[0]?.findings.find((f) => f.rule === "root-user")?.waived,
    );
  });

  it("marks waived findings and leaves them out of score and counts", () => {
    const waived = auditInspected(all, { hard: [{ rule: "cap-dangerous", reason: "needs tun setup" }] });
    const hard = waived.containers.find((c) => c.name === "hard");
    expect(hard?.findings.find((f) => f.rule === "cap-dangerous")?.waived).toBe("needs tun setup");
    expect(hard?.score).toBe(60);
    expect(findingsByRule(waived).find((r) => r.rule === "cap-dangerous")).toBeUndefined();
    expect(findingsByRule(report).find((r) => r.rule === "cap-dangerous")).toEqual({ rule: "cap-dangerous", severity: "high", count: 1 });
  });

  it("renders SARIF 2.1.0 with the rule catalogue and one result per finding", () => {
    const sarif = JSON.parse(formatAudit(report, "sarif", "9.9.9")) as {
      version: string;
      runs: Array<{ tool: { driver: { name: string; version: string; rules: Array<{ id: string; properties: Record<string, unknown> }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ logicalLocations: Array<{ name: string }> }> }> }>;
    };
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: "health-monitor", version: "9.9.9" });
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(SECURITY_RULES.map((r) => r.id));
    const total = report.containers.reduce((s, c) => s + c.findings.length, 0);
    expect(run.results).toHaveLength(total);
    const priv = run.results.find((r) => r.ruleId === "privileged")!;
    expect(priv.level).toBe("error");
    expect(run.tool.driver.rules[priv.ruleIndex]?.id).toBe("privileged");
    expect(priv.locations[0]?.logicalLocations[0]?.name).toBe("priv");
    expect(run.tool.driver.rules[0]?.properties["security-severity"]).toBe("9.5");
  });

  it("renders table, markdown and json", () => {
    const table = formatAudit(report, "table", "1");
    expect(table).toMatch(/^priv\s+0\s+critical\s+docker-socket\s+priv mounts the Docker socket/m);
    expect(table).toMatch(/6 containers, overall score \d+\/100 \(critical 2, high 3,/);
    const md = formatAudit(report, "markdown", "1");
    expect(md).toContain("## priv — 0/100");
    expect(md).toContain("| critical | `privileged` |");
    expect(JSON.parse(formatAudit(report, "json", "1"))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
