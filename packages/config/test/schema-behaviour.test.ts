import { describe, expect, it } from "vitest";
import { explain, parseConfig } from "../src/index.js";
import { configError } from "./helpers.js";

describe("schema defaults", () => {
  it("accepts { version: 1, project: { name } } and fills the Raspberry Pi defaults", () => {
    const c = parseConfig({ version: 1, project: { name: "x" } });
    expect(c.host).toMatchObject({ arch: "arm64", model: "raspberry-pi-5", cpus: 4, memory: "8G" });
    expect(c.host.headroom.memory).toBe("3.5G");
    expect(c.images.platforms).toEqual(["linux/amd64", "linux/arm64"]);
    expect(c.apps.edgeAgent.enabled).toBe(true);
    expect(c.apps.edgeAgent.shipper.batchMaxEvents).toBe(5000);
    // No dir: the edge-agent puts the spool in <eve.checkpointDir>/spool, beside its checkpoints.
    expect(c.apps.edgeAgent.buffer).toEqual({ type: "disk", maxBytes: "1G" });
    expect(c.services).toEqual({});
    expect(c.opensearch.mode).toBe("endpoint");
  });
});

describe("apps.edgeAgent.buffer.dir", () => {
  it("is optional, documents its default, and keeps an explicit directory", () => {
    const c = parseConfig({ version: 1, project: { name: "x" }, apps: { edgeAgent: { buffer: { type: "disk", maxBytes: "2G" } } } });
    expect(c.apps.edgeAgent.buffer).toEqual({ type: "disk", maxBytes: "2G" });
    const d = parseConfig({ version: 1, project: { name: "x" }, apps: { edgeAgent: { buffer: { type: "disk", dir: "/srv/spool" } } } });
    expect(d.apps.edgeAgent.buffer).toEqual({ type: "disk", dir: "/srv/spool", maxBytes: "1G" });
    expect(explain("apps.edgeAgent.buffer.dir")).toMatchObject({ type: "string", required: false });
    expect(explain("apps.edgeAgent.buffer.dir").description).toContain("<eve.checkpointDir>/spool");
  });

  it("rejects an empty directory", async () => {
    const e = await configError(() => parseConfig({ version: 1, project: { name: "x" }, apps: { edgeAgent: { buffer: { type: "disk", dir: "" } } } }));
    expect(e.issues[0]?.path).toBe("apps.edgeAgent.buffer.dir");
  });
});

describe("strictness", () => {
  it("rejects unknown keys one issue per key, with did-you-mean", async () => {
    const e = await configError(() => parseConfig({ version: 1, project: { name: "x", nmae: "y" }, hots: {}, zzzzzz: 1 }, { source: "inline" }));
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i]));
    expect(Object.keys(byPath).sort()).toEqual(["hots", "project.nmae", "zzzzzz"]);
    expect(byPath["hots"]?.message).toContain('did you mean "host"?');
    expect(byPath["project.nmae"]?.message).toContain('did you mean "name"?');
    expect(byPath["zzzzzz"]?.message).not.toContain("did you mean");
    expect(byPath["hots"]?.code).toBe("unrecognized_keys");
    expect(e.format()).toContain("inline hots: unknown key");
  });

  it("says what was expected and what was found", async () => {
    const e = await configError(() => parseConfig({ version: 1, project: { name: "x" }, host: { cpus: "four", arch: "x86" } }));
    const msgs = Object.fromEntries(e.issues.map((i) => [i.path, i.message]));
    expect(msgs["host.cpus"]).toBe('expected a number, found string "four"');
    expect(msgs["host.arch"]).toContain('"arm64"|"amd64", found "x86"');
  });

  it("reports a missing required key as missing", async () => {
    const e = await configError(() => parseConfig({ version: 1 }));
    expect(e.issues).toEqual([expect.objectContaining({ path: "project", code: "missing_key", message: 'missing required key "project" (expected a mapping)' })]);
  });

  it("explains a union mismatch by the branch that fits", async () => {
    const e = await configError(() =>
      parseConfig({ version: 1, project: { name: "x" }, services: { r: { image: "redis", env: { A: { secretRef: { env: "lower case!" } } } } } }),
    );
    expect(e.issues.map((i) => i.path)).toEqual(["services.r.env.A.secretRef.env"]);
    expect(e.issues[0]?.message).toContain("expected an environment variable name");
    const e2 = await configError(() => parseConfig({ version: 1, project: { name: "x" }, host: { memory: true } }));
    expect(e2.issues[0]?.message).toBe("expected a string or a number, found boolean true");
  });
});

describe("cross-field checks", () => {
  it("budget errors give the numbers", async () => {
    const e = await configError(() =>
      parseConfig({
        version: 1, project: { name: "x" },
        host: { cpus: 4, memory: "4G", headroom: { cpus: 1, memory: "2G", reason: "the OS" } },
        services: { os: { image: "opensearch", resources: { limits: { cpus: 2, memory: "2G" } } } },
      }),
    );
    const mem = e.issues.find((i) => i.path === "host.memory");
    expect(mem?.message).toMatch(/add up to 2\.88 GiB \(os 2 GiB, edge-agent 512 MiB, aiops-agent 256 MiB, health-monitor 128 MiB\), more than the 2 GiB available \(host 4 GiB − headroom 2 GiB for the OS\)/);
    const cpu = e.issues.find((i) => i.path === "host.cpus");
    expect(cpu?.message).toContain("add up to 3.75 cores");
    expect(cpu?.message).toContain("more than the 3 available (host 4 − headroom 1)");
  });

  it("reference errors name the unknown target and suggest the declared one", async () => {
    const e = await configError(() =>
      parseConfig({ version: 1, project: { name: "x" }, networks: { backend: {} }, services: { r: { image: "redis", networks: ["backnd"] } } }),
    );
    expect(e.issues).toEqual([expect.objectContaining({ path: "services.r.networks.0", message: 'unknown network "backnd" — did you mean "backend"? (declared: backend)' })]);
  });

  it("refinements: hysteresis low < high, hpa max > min, image or build", async () => {
    const hy = await configError(() => parseConfig({ version: 1, project: { name: "x" }, apps: { edgeAgent: { throttle: { cpuPercent: { high: 50, low: 60 } } } } }));
    expect(hy.issues.map((i) => i.path)).toEqual(["apps.edgeAgent.throttle.cpuPercent.low"]);
    const hpa = await configError(() => parseConfig({ version: 1, project: { name: "x" }, kubernetes: { hpa: { minReplicas: 3, maxReplicas: 3 } } }));
    expect(hpa.issues.map((i) => i.path)).toEqual(["kubernetes.hpa.maxReplicas"]);
    const img = await configError(() => parseConfig({ version: 1, project: { name: "x" }, services: { w: { command: "run" } } }));
    expect(img.issues.map((i) => i.message)).toEqual(["a service needs `image` or `build`"]);
  });
});
