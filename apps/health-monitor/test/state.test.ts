import { describe, expect, it } from "vitest";
import { byName, compareOrdinal, cpuPercent, memoryUsageBytes, stateFromInspect, toHealthStatus, toRunState, usageFromStats } from "../src/index.js";
import { inspectFixture, statsFixture } from "./support/fixtures.js";

const now = new Date("2026-11-22T03:20:00Z");

describe("stateFromInspect on recorded containers", () => {
  it("reads an OOM kill from State.OOMKilled", () => {
    const s = stateFromInspect(inspectFixture("oom"), now);
    expect(s).toMatchObject({ name: "oom", state: "exited", exitCode: 137, oomKilled: true, health: "none" });
    expect(s.uptimeSeconds).toBeUndefined();
  });

  it("does not call exit code 137 alone an OOM kill (docker kill / SIGKILL)", () => {
    const i = inspectFixture("oom");
    i.State = { ...i.State, OOMKilled: false };
    expect(stateFromInspect(i, now)).toMatchObject({ exitCode: 137, oomKilled: false });
  });

  it("reads an unhealthy container's streak and last probe", () => {
    const s = stateFromInspect(inspectFixture("sick"), now);
    expect(s.state).toBe("running");
    expect(s.health).toBe("unhealthy");
    expect(s.failingStreak).toBeGreaterThan(0);
    expect(s.lastHealthLog?.exitCode).toBe(1);
    expect(s.labels).toEqual({ "soc.autoheal": "true" });
    expect(s.uptimeSeconds).toBeGreaterThan(0);
  });

  it("reads an exited container's exit code and a never-started one's error", () => {
    expect(stateFromInspect(inspectFixture("exit1"), now)).toMatchObject({ state: "exited", exitCode: 1, oomKilled: false });
    const p = stateFromInspect(inspectFixture("priv"), now);
    expect(p.state).toBe("created");
    expect(p.startedAt).toBeUndefined();
    expect(p.error).toMatch(/unable to apply caps/);
  });

  it("computes uptime from StartedAt", () => {
    const i = inspectFixture("healthy");
    const started = Date.parse(i.State?.StartedAt ?? "");
    const s = stateFromInspect(i, new Date(started + 90_000));
    expect(s.uptimeSeconds).toBeCloseTo(90, 3);
  });

  it("normalises unknown states conservatively", () => {
    expect(toRunState("weird")).toBe("dead");
    expect(toRunState(undefined)).toBe("dead");
    expect(toHealthStatus("unhealthy")).toBe("unhealthy");
    expect(toHealthStatus("???")).toBe("none");
  });
});

describe("stats formulas (docker CLI stats_helpers.go)", () => {
  it("subtracts total_inactive_file on cgroup v1 (recorded sample)", () => {
    const s = statsFixture("cgroup-v1-hard");
    const mem = s.memory_stats!;
    const inactive = mem.stats!["total_inactive_file"]!;
    expect(memoryUsageBytes(mem)).toBe(mem.usage! - inactive);
    const u = usageFromStats(s)!;
    expect(u.memoryLimitBytes).toBe(64 * 1024 * 1024);
    expect(u.memoryUsageRatio).toBeCloseTo(u.memoryUsageBytes / u.memoryLimitBytes, 12);
  });

  it("subtracts inactive_file on cgroup v2, not cache", () => {
    // Shape of a cgroup v2 sample (Engine API MemoryStats; v2 has no `cache` / `total_*` keys).
    expect(memoryUsageBytes({ usage: 100_000_000, limit: 200_000_000, stats: { inactive_file: 30_000_000, active_file: 10_000_000, anon: 60_000_000 } })).toBe(70_000_000);
  });

  it("falls back to usage when inactive_file is not below usage or missing", () => {
    expect(memoryUsageBytes({ usage: 5, stats: { inactive_file: 9 } })).toBe(5);
    expect(memoryUsageBytes({ usage: 5 })).toBe(5);
  });

  it("computes CPU% from the deltas times online CPUs", () => {
    const s = { cpu_stats: { cpu_usage: { total_usage: 3_000 }, system_cpu_usage: 20_000, online_cpus: 4 }, precpu_stats: { cpu_usage: { total_usage: 1_000 }, system_cpu_usage: 10_000 } };
    expect(cpuPercent(s)).toBeCloseTo(80, 10); // 2000/10000 × 4 × 100
    const u = usageFromStats({ ...s, memory_stats: { usage: 10, limit: 100 } })!;
    expect(u.cpuHostRatio).toBeCloseTo(0.2, 10);
  });

  it("has no CPU% without a previous sample, and no usage for a stopped container", () => {
    expect(cpuPercent({ cpu_stats: { system_cpu_usage: 5 }, precpu_stats: {} })).toBeUndefined();
    expect(usageFromStats({ memory_stats: {} })).toBeUndefined();
  });
});

describe("name ordering", () => {
  it("is ordinal (locale-independent): digits, upper case, underscore, lower case", () => {
    expect(["web", "Web", "b_1", "b-1", "a10", "a9", "_x"].map((name) => ({ name })).sort(byName).map((x) => x.name)).toEqual(["Web", "_x", "a10", "a9", "b-1", "b_1", "web"]);
    expect(compareOrdinal("a", "a")).toBe(0);
    expect(compareOrdinal("a", "b")).toBeLessThan(0);
  });
});
