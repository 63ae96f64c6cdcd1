/**
 * How the aiops-agent sees the host: compose-gen mounts the host's /proc read-only at collect.hostProc (never
 * `pid: host`), and the lint reports that mount as `sensitive-mount`, waived by compose-gen as a documented,
 * accepted exception — only while it is the container's one sensitive host mount.
 */
import path from "node:path";
import { parseConfig } from "@soc/config";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { buildModel, COMPOSE_FILE, effectiveWaivers, generateCompose, HOST_PROC_WAIVER, lintComposeFiles, lintModel, parseComposeFile } from "../src/index.js";
import { EXAMPLES } from "./support/configs.js";
import { findingsOf, lintConfigFile } from "./support/lint.js";

type Svc = { pid?: string; volumes?: { type: string; source?: string; target: string; read_only?: boolean }[]; "x-soc-waive"?: { rule: string; reason: string }[] };

function generated(input: unknown) {
  const config = parseConfig(input);
  const { files } = generateCompose(config, { baseDir: "/virtual", outDir: "/virtual/out" });
  const text = files.get(COMPOSE_FILE) as string;
  return { config, text, aiops: (parse(text) as { services: Record<string, Svc> }).services["aiops-agent"] as Svc };
}

const lint = (input: unknown) => {
  const config = parseConfig(input);
  return lintModel(buildModel(config, { baseDir: "/virtual", outDir: "/virtual/out" }), { config });
};

describe("aiops-agent host visibility in the generated Compose", () => {
  it("mounts the host /proc read-only at collect.hostProc and does not share the host PID namespace", () => {
    const { aiops } = generated({ version: 1, project: { name: "p" }, apps: { aiopsAgent: { collect: { hostProc: "/hostfs/proc" } } } });
    expect(aiops.pid).toBeUndefined();
    expect(aiops.volumes?.filter((v) => v.source === "/proc")).toEqual([{ type: "bind", source: "/proc", target: "/hostfs/proc", read_only: true }]);
  });

  it("the lint reports the mount as sensitive-mount (high), waived by compose-gen with its documented reason; no host-pid", () => {
    const r = lint({ version: 1, project: { name: "p" } });
    const fs = findingsOf(r, "sensitive-mount", "aiops-agent");
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: "high", path: "apps.aiopsAgent", waived: HOST_PROC_WAIVER.reason });
    expect(fs[0]!.message).toContain("mounts host /proc at /host/proc (read-only)");
    expect(findingsOf(r, "host-pid", "aiops-agent")).toEqual([]);
    expect(r.findings.filter((f) => f.service === "aiops-agent" && f.severity === "high" && f.waived === undefined)).toEqual([]);
  });

  it("any other sensitive host path on aiops-agent keeps every sensitive-mount finding unwaived", () => {
    const r = lint({ version: 1, project: { name: "p" }, apps: { aiopsAgent: { volumes: ["/etc/ssl:/etc/ssl:ro"] } } });
    const fs = findingsOf(r, "sensitive-mount", "aiops-agent");
    expect(fs).toHaveLength(2);
    expect(fs.map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringContaining("host /etc/ssl"), expect.stringContaining("host /proc")]));
    expect(fs.every((f) => f.waived === undefined)).toBe(true);
  });

  it("the config's own waiver wins (pi-edge) and is written once to x-soc-waive", async () => {
    const r = await lintConfigFile(path.join(EXAMPLES, "pi-edge.yaml"));
    expect(findingsOf(r, "sensitive-mount", "aiops-agent")[0]?.waived).toMatch(/narrower than sharing the host PID namespace/);
    const model = buildModel(parseConfig({ version: 1, project: { name: "p" }, apps: { aiopsAgent: { waive: [{ rule: "sensitive-mount", reason: "our own reason" }] } } }), { baseDir: "/virtual", outDir: "/virtual/out" });
    const c = model.containers.find((x) => x.name === "aiops-agent")!;
    expect(effectiveWaivers(c)).toEqual([{ rule: "sensitive-mount", reason: "our own reason" }]);
  });

  it("the waiver travels with the Compose output: `lint --compose` of the generated file agrees", () => {
    const { text, aiops } = generated({ version: 1, project: { name: "p" } });
    expect(aiops["x-soc-waive"]).toEqual([HOST_PROC_WAIVER]);
    const r = lintComposeFiles([parseComposeFile(text, COMPOSE_FILE)]);
    expect(findingsOf(r, "sensitive-mount", "aiops-agent").map((f) => f.waived)).toEqual([HOST_PROC_WAIVER.reason]);
  });
});
