/**
 * The lint on our own output: the AI-SOC and Pi examples must show what the seeds' own audit found, by rule
 * id, located at the config line that causes it; the generation gate stops on unwaived critical findings.
 */
import path from "node:path";
import { containerScore, getRule, parseConfig, stackScore } from "@soc/config";
import { describe, expect, it } from "vitest";
import { generateCompose, generationErrors, lintFails, SecurityGateError, SOCKET_PROXY_NAME } from "../src/index.js";
import { allConfigFiles, EXAMPLES, load } from "./support/configs.js";
import { findingsOf, lintConfigFile, lineOfText } from "./support/lint.js";

const AI_SOC = path.join(EXAMPLES, "ai-soc.yaml");
const PI_EDGE = path.join(EXAMPLES, "pi-edge.yaml");

describe("ai-soc: the seed audit's findings", () => {
  it("privileged cAdvisor, at services.cadvisor.privileged, waived with the seed's reason", async () => {
    const r = await lintConfigFile(AI_SOC);
    const [f, ...more] = findingsOf(r, "privileged", "cadvisor");
    expect(more).toEqual([]);
    expect(f).toMatchObject({ severity: "critical", path: "services.cadvisor.privileged", file: "ai-soc.yaml", line: lineOfText(AI_SOC, "privileged: true", "  cadvisor:") });
    expect(f?.waived).toMatch(/cAdvisor/);
  });

  it("node-exporter shares the host PID namespace", async () => {
    const r = await lintConfigFile(AI_SOC);
    expect(findingsOf(r, "host-pid", "node-exporter")).toMatchObject([{ severity: "high", path: "services.node-exporter.pid", line: lineOfText(AI_SOC, "pid: host") }]);
  });

  it.each([
    ["filebeat", "services.filebeat.volumes.4"],
    ["promtail", "services.promtail.volumes.2"],
    ["shuffle-orborus", "services.shuffle-orborus.volumes.0"],
  ])("%s mounts the Docker socket (%s)", async (service, at) => {
    const r = await lintConfigFile(AI_SOC);
    const fs = findingsOf(r, "docker-socket", service);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: "critical", path: at, line: lineOfText(AI_SOC, "/var/run/docker.sock", `  ${service}:`) });
  });

  it("the generated socket proxy mounts the socket too, waived by compose-gen as the rule's remedy", async () => {
    const r = await lintConfigFile(AI_SOC);
    expect(findingsOf(r, "docker-socket", SOCKET_PROXY_NAME)).toMatchObject([{ severity: "critical", path: "apps.healthMonitor.docker.socketProxy", waived: expect.stringContaining("proxy") }]);
  });

  it("host /proc and /sys mounts: cadvisor's /sys (and /, /var/run, /var/lib/docker, /dev/disk), aiops-agent's /proc", async () => {
    const r = await lintConfigFile(AI_SOC);
    const cadvisor = findingsOf(r, "sensitive-mount", "cadvisor");
    expect(cadvisor.map((f) => f.path)).toEqual([0, 1, 2, 3, 4].map((i) => `services.cadvisor.volumes.${i}`));
    expect(cadvisor.find((f) => f.path.endsWith(".2"))).toMatchObject({ message: expect.stringContaining("/sys at /sys"), line: lineOfText(AI_SOC, "- /sys:/sys:ro") });
    expect(findingsOf(r, "sensitive-mount", "aiops-agent")).toMatchObject([{ path: "apps.aiopsAgent", message: expect.stringContaining("mounts host /proc") }]);
  });

  it("exits 1 (unwaived high findings remain) while every critical one is waived, so it still generates", async () => {
    const r = await lintConfigFile(AI_SOC);
    expect(lintFails(r)).toBe(true);
    expect(generationErrors(r)).toEqual([]);
  });

  it("scores each service as the shared audit does, and the stack as their mean", async () => {
    const r = await lintConfigFile(AI_SOC);
    for (const s of r.services) {
      const own = r.findings.filter((f) => f.service === s.service).map((f) => ({ ...f, container: f.service, field: f.path }));
      expect(s.score, s.service).toBe(containerScore(own));
    }
    expect(r.score).toBe(stackScore(r.services.map((s) => s.score)));
    expect(r.services.find((s) => s.service === "edge-agent")?.score).toBeGreaterThan(r.services.find((s) => s.service === "cadvisor")?.score ?? 100);
  });
});

describe("pi-edge: the seed audit's findings", () => {
  it("aiops-agent's host /proc, the proxy's socket (waived) and Suricata's waived host network", async () => {
    const r = await lintConfigFile(PI_EDGE);
    expect(findingsOf(r, "sensitive-mount", "aiops-agent")).toHaveLength(1);
    expect(findingsOf(r, "docker-socket", SOCKET_PROXY_NAME)[0]?.waived).toBeDefined();
    expect(findingsOf(r, "host-network", "suricata")[0]).toMatchObject({ severity: "high", path: "services.suricata.networkMode", waived: expect.stringContaining("Packet capture") });
    expect(r.findings.filter((f) => f.rule === "privileged" || f.rule === "host-pid")).toEqual([]);
  });

  it("our hardened apps have no root-user, writable-rootfs or no-new-privileges findings", async () => {
    const r = await lintConfigFile(PI_EDGE);
    const ours = r.findings.filter((f) => ["edge-agent", "aiops-agent", "health-monitor"].includes(f.service));
    expect(ours.filter((f) => ["root-user", "writable-rootfs", "no-new-privileges", "no-memory-limit", "no-healthcheck"].includes(f.rule))).toEqual([]);
  });
});

describe("the generation gate", () => {
  const cadvisor = { image: "gcr.io/cadvisor/cadvisor:v0.49.1", privileged: true, resources: { limits: { cpus: 0.2, memory: "128M" } } };

  it("every example and fixture still generates (their critical findings are waived)", async () => {
    for (const file of allConfigFiles()) {
      const { config, baseDir } = await load(file);
      expect(() => generateCompose(config, { baseDir, outDir: "/virtual/out" }), file).not.toThrow();
    }
  });

  it("stops on an unwaived critical finding, naming the config path and the rule", () => {
    const config = parseConfig({ version: 1, project: { name: "p" }, services: { cadvisor } });
    expect(() => generateCompose(config, { baseDir: "/x", outDir: "/virtual/out", configFile: "stack.yaml" })).toThrow(SecurityGateError);
    expect(() => generateCompose(config, { baseDir: "/x", outDir: "/virtual/out" })).toThrow(/services\.cadvisor\.privileged: \[privileged\]/);
  });

  it("passes when the config waives it, and reports the high findings for the CLI to warn about", () => {
    const config = parseConfig({ version: 1, project: { name: "p" }, services: { cadvisor: { ...cadvisor, pid: "host", waive: [{ rule: "privileged", reason: "cAdvisor reads every cgroup" }] } } });
    const { security } = generateCompose(config, { baseDir: "/x", outDir: "/virtual/out" });
    expect(security.findings.find((f) => f.rule === "privileged")?.waived).toBe("cAdvisor reads every cgroup");
    expect(security.findings.find((f) => f.rule === "host-pid")).toMatchObject({ severity: getRule("host-pid").severity, path: "services.cadvisor.pid" });
  });

  it("a direct socket mount of health-monitor (socketProxy: false) is critical and stops generation unless waived", () => {
    const config = parseConfig({ version: 1, project: { name: "p" }, apps: { healthMonitor: { docker: { socketProxy: false } } } });
    expect(() => generateCompose(config, { baseDir: "/x", outDir: "/virtual/out" })).toThrow(/apps\.healthMonitor: \[docker-socket\]/);
  });
});
