import { auditContainer } from "@soc/config";
import { describe, expect, it } from "vitest";
import { cpuLimitOf, inspectToFacts, mountsOf, parseBind, portsOf } from "../src/index.js";
import { inspectFixture } from "./support/fixtures.js";

const rules = (name: string) => auditContainer(inspectToFacts(inspectFixture(name))).map((f) => f.rule);

describe("inspectToFacts on recorded docker inspect output", () => {
  it("maps the hardened container's limits, user, capabilities, options, env and mounts", () => {
    const f = inspectToFacts(inspectFixture("hard"));
    expect(f).toMatchObject({
      name: "hard",
      image: "soc-test/busybox:1",
      privileged: false,
      networkMode: "none",
      user: "65534:65534",
      capAdd: ["NET_ADMIN"],
      capDrop: ["ALL"],
      memoryLimitBytes: 64 * 1024 * 1024,
      cpuLimit: 0.5,
      pidsLimit: 64,
      hasHealthcheck: true,
      readOnlyRootfs: true,
      securityOpt: ["no-new-privileges:true"],
      devices: [],
      ports: [],
    });
    expect(f.mounts).toEqual([{ type: "bind", source: "/etc", target: "/host-etc", readOnly: true }]);
    expect(f.env).toContainEqual({ name: "DB_PASSWORD", literal: "hunter2" });
    expect(f.env).toContainEqual({ name: "APP_MODE", literal: "x" });
  });

  it("maps a privileged container with the engine socket mounted", () => {
    const f = inspectToFacts(inspectFixture("priv"));
    expect(f.privileged).toBe(true);
    expect(f.mounts).toHaveLength(1);
    expect(f.mounts[0]).toMatchObject({ type: "bind", target: "/var/run/docker.sock", readOnly: false });
    expect(f.mounts[0]?.source).toMatch(/docker\.sock$/);
    expect(f.user).toBeUndefined();
    expect(f.hasHealthcheck).toBe(false);
  });

  it("gives the shared audit the same rule ids for each recorded container", () => {
    expect(rules("priv")).toEqual(["privileged", "docker-socket", "root-user", "no-memory-limit", "no-cpu-limit", "no-pids-limit", "no-healthcheck", "writable-rootfs"]);
    expect(rules("hard")).toEqual(["sensitive-mount", "cap-dangerous", "secret-in-env"]);
    expect(rules("oom")).toEqual(["root-user", "no-new-privileges", "no-cpu-limit", "no-pids-limit", "no-healthcheck", "writable-rootfs"]);
    expect(rules("healthy")).toEqual(["root-user", "no-memory-limit", "no-new-privileges", "no-cpu-limit", "no-pids-limit", "writable-rootfs"]);
  });
});

describe("inspect field helpers", () => {
  it("parses Binds entries with options and volume names", () => {
    expect(parseBind("/var/run/docker.sock:/var/run/docker.sock:ro,rslave")).toEqual({ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true });
    expect(parseBind("data:/data")).toEqual({ type: "volume", source: "data", target: "/data", readOnly: false });
  });

  it("falls back to HostConfig.Binds and HostConfig.Mounts when Mounts is absent", () => {
    const m = mountsOf({ Id: "x", HostConfig: { Binds: ["/proc:/host/proc:ro"], Mounts: [{ Type: "tmpfs", Target: "/tmp" }] } });
    expect(m).toEqual([
      { type: "bind", source: "/proc", target: "/host/proc", readOnly: true },
      { type: "tmpfs", source: "", target: "/tmp", readOnly: false },
    ]);
  });

  it("reads the CPU limit from NanoCpus, else CpuQuota/CpuPeriod (default period 100 ms)", () => {
    expect(cpuLimitOf({ Id: "x", HostConfig: { NanoCpus: 1_500_000_000 } })).toBe(1.5);
    expect(cpuLimitOf({ Id: "x", HostConfig: { CpuQuota: 50_000 } })).toBe(0.5);
    expect(cpuLimitOf({ Id: "x", HostConfig: { CpuQuota: 50_000, CpuPeriod: 200_000 } })).toBe(0.25);
    expect(cpuLimitOf({ Id: "x", HostConfig: { NanoCpus: 0, CpuQuota: 0 } })).toBeUndefined();
  });

  it("turns PortBindings into published ports and flags all-interface ones through the audit", () => {
    const i = { Id: "x", Name: "/web", HostConfig: { PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }], "9200/tcp": [{ HostIp: "127.0.0.1", HostPort: "9200" }] } } };
    expect(portsOf(i)).toEqual([
      { target: "80/tcp", published: "8080" },
      { target: "9200/tcp", hostIp: "127.0.0.1", published: "9200" },
    ]);
    const findings = auditContainer(inspectToFacts(i)).filter((f) => f.rule === "port-all-interfaces");
    expect(findings.map((f) => f.field)).toEqual(["ports.0"]);
  });

  it("maps host namespaces, devices, seccomp and a disabled healthcheck", () => {
    const i = {
      Id: "x",
      Name: "/agent",
      Config: { Image: "suricata:latest", User: "0", Healthcheck: { Test: ["NONE"] } },
      HostConfig: { PidMode: "host", IpcMode: "host", NetworkMode: "host", Devices: [{ PathOnHost: "/dev/net/tun", PathInContainer: "/dev/net/tun" }], SecurityOpt: ["seccomp=unconfined"], PidsLimit: -1 },
    };
    const f = inspectToFacts(i);
    expect(f.hasHealthcheck).toBe(false);
    expect(f.pidsLimit).toBeUndefined();
    const got = auditContainer(f).map((x) => x.rule);
    for (const r of ["host-pid", "host-ipc", "host-network", "host-device", "seccomp-unconfined", "root-user", "image-unpinned", "no-healthcheck", "no-pids-limit"]) expect(got).toContain(r);
  });
});
