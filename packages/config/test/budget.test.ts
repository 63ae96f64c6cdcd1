import { describe, expect, it } from "vitest";
import { budgetLines, checkBudget, type ConfigError, expandProfiles, parseConfig, SocConfigShape } from "../src/index.js";

const base = { version: 1, project: { name: "pi" } } as const;
const svc = (cpus: number, memory: string, profiles?: string[]) => ({ image: "x:1", resources: { limits: { cpus, memory } }, ...(profiles ? { profiles } : {}) });
const issues = (input: unknown) => {
  try { parseConfig(input); return []; } catch (e) { return (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`); }
};

describe("resource budget", () => {
  it("accepts the defaults: the three apps fit a Pi 5 with 3.5 GiB headroom", () => {
    const cfg = SocConfigShape.parse(base);
    expect(budgetLines(cfg).map((l) => [l.name, l.cpus, l.memoryBytes])).toEqual([
      ["edge-agent", 1, 512 * 1024 ** 2], ["aiops-agent", 0.5, 256 * 1024 ** 2], ["health-monitor", 0.25, 128 * 1024 ** 2],
    ]);
    expect(checkBudget(cfg)).toEqual([]);
  });

  it("names the total, the biggest consumers and what is available when memory does not fit", () => {
    const msgs = issues({ ...base, services: { suricata: svc(1, "4G"), redis: svc(0.5, "512M") } });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toBe(
      "host.memory: memory limits of all enabled containers add up to 5.38 GiB (suricata 4 GiB, edge-agent 512 MiB, redis 512 MiB, aiops-agent 256 MiB, health-monitor 128 MiB), " +
      "more than the 4.5 GiB available (host 8 GiB − headroom 3.5 GiB for OS, page cache and packet capture buffers); lower limits or raise host.memory",
    );
  });

  it("checks CPU limits against host.cpus minus the CPU headroom", () => {
    const msgs = issues({ ...base, host: { headroom: { cpus: 1 } }, services: { suricata: svc(2, "1G") } });
    expect(msgs).toEqual([expect.stringMatching(/^host\.cpus: CPU limits of all enabled containers add up to 3\.75 cores \(suricata 2, edge-agent 1, aiops-agent 0\.5, health-monitor 0\.25\), more than the 3 available/)]);
  });

  it("ignores disabled apps and services", () => {
    expect(issues({ ...base, apps: { edgeAgent: { enabled: false } }, services: { big: { ...svc(1, "4.1G"), enabled: true }, off: { ...svc(8, "64G"), enabled: false } } })).toEqual([]);
  });

  it("per-profile scope checks each profile with the always-on containers, following includes", () => {
    const profiles = { a: {}, b: {}, full: { includes: ["a", "b"] } };
    const services = { s1: svc(0.5, "2G", ["a"]), s2: svc(0.5, "2G", ["b"]) };
    expect(issues({ ...base, host: { budgetScope: "per-profile" }, profiles: { a: {}, b: {} }, services })).toEqual([]);
    const msgs = issues({ ...base, host: { budgetScope: "per-profile" }, profiles, services });
    expect(msgs).toEqual([expect.stringContaining('memory limits of profile "full" add up to 4.88 GiB')]);
    expect([...expandProfiles({ profiles: { full: { includes: ["a", "b"] }, a: { includes: [] }, b: { includes: ["a"] } } }, ["full"])].sort()).toEqual(["a", "b", "full"]);
  });

  it("says so plainly when the headroom leaves nothing for containers", () => {
    expect(issues({ ...base, host: { memory: "2G" } })).toEqual([
      "host.headroom.memory: the headroom (3.5 GiB) leaves nothing of host.memory (2 GiB) for containers; lower host.headroom.memory or raise host.memory",
    ]);
  });
});
