import { describe, expect, it } from "vitest";
import { type AutohealPolicy, AutohealMachine, type AutohealSubject, idsFromCgroup, idsFromMountinfo, selfMatcher } from "../src/index.js";

const policy: AutohealPolicy = { label: "soc.autoheal", optIn: true, gracePeriodMs: 30_000, initialBackoffMs: 10_000, maxBackoffMs: 60_000, maxRestarts: 3, windowMs: 600_000, dryRun: false };
const sick = (over: Partial<AutohealSubject> = {}): AutohealSubject => ({ id: "a".repeat(64), name: "web", labels: { "soc.autoheal": "true" }, state: "running", health: "unhealthy", ...over });

/** Drives one restart cycle: decision → started → finished. */
function restartNow(m: AutohealMachine, c: AutohealSubject, t: number) {
  const d = m.observe(c, t);
  if (d.action === "restart") {
    m.started(c.id, t);
    m.finished(c.id, t);
  }
  return d;
}

describe("AutohealMachine", () => {
  it("waits for the grace period before the first restart", () => {
    const m = new AutohealMachine(policy);
    expect(m.observe(sick(), 0)).toMatchObject({ action: "hold", reason: "grace-period", until: 30_000, changed: true });
    expect(m.observe(sick(), 10_000)).toMatchObject({ action: "hold", reason: "grace-period", changed: false });
    expect(m.observe(sick(), 30_000)).toMatchObject({ action: "restart", attempt: 1, unhealthyForMs: 30_000, dryRun: false });
  });

  it("resets the grace clock when the container recovers in between", () => {
    const m = new AutohealMachine(policy);
    m.observe(sick(), 0);
    m.observe(sick({ health: "healthy" }), 20_000);
    expect(m.observe(sick(), 25_000)).toMatchObject({ reason: "grace-period", until: 55_000 });
  });

  it("only touches opted-in containers, or in opt-out mode everything not labelled false", () => {
    const m = new AutohealMachine(policy);
    expect(m.observe(sick({ labels: {} }), 99_999)).toMatchObject({ action: "hold", reason: "not-selected" });
    expect(m.observe(sick({ labels: { "soc.autoheal": "yes" } }), 99_999)).toMatchObject({ reason: "not-selected" });
    const all = new AutohealMachine({ ...policy, optIn: false, gracePeriodMs: 0 });
    expect(all.observe(sick({ labels: {} }), 0)).toMatchObject({ action: "restart" });
    expect(all.observe(sick({ id: "b".repeat(64), labels: { "soc.autoheal": "false" } }), 0)).toMatchObject({ reason: "opted-out" });
  });

  it("never restarts itself", () => {
    const self = sick();
    const m = new AutohealMachine({ ...policy, gracePeriodMs: 0 }, (id) => id === self.id);
    expect(m.observe(self, 0)).toMatchObject({ action: "hold", reason: "self" });
  });

  it("never restarts a container that is restarting, starting, stopped or healthy", () => {
    const m = new AutohealMachine({ ...policy, gracePeriodMs: 0 });
    expect(m.observe(sick({ state: "restarting" }), 0)).toMatchObject({ reason: "restarting" });
    expect(m.observe(sick({ health: "starting" }), 0)).toMatchObject({ reason: "not-unhealthy" });
    expect(m.observe(sick({ state: "exited" }), 0)).toMatchObject({ reason: "not-running" });
    expect(m.observe(sick({ health: "healthy" }), 0)).toMatchObject({ reason: "not-unhealthy" });
    expect(m.observe(sick({ health: "none" }), 0)).toMatchObject({ reason: "not-unhealthy" });
  });

  it("holds while a restart is in flight", () => {
    const m = new AutohealMachine({ ...policy, gracePeriodMs: 0 });
    expect(m.observe(sick(), 0).action).toBe("restart");
    m.started(sick().id, 0);
    expect(m.observe(sick(), 1)).toMatchObject({ reason: "in-flight" });
  });

  it("backs off exponentially between restarts and resets once healthy", () => {
    const m = new AutohealMachine({ ...policy, gracePeriodMs: 0, maxRestarts: 100 });
    expect(m.backoffMs(1)).toBe(0);
    expect(m.backoffMs(2)).toBe(10_000);
    expect(m.backoffMs(3)).toBe(20_000);
    expect(m.backoffMs(5)).toBe(60_000); // capped (80 s → 60 s)
    expect(restartNow(m, sick(), 0)).toMatchObject({ action: "restart", attempt: 1 });
    expect(m.observe(sick(), 5_000)).toMatchObject({ reason: "backoff", until: 10_000 });
    expect(restartNow(m, sick(), 10_000)).toMatchObject({ action: "restart", attempt: 2 });
    expect(m.observe(sick(), 29_999)).toMatchObject({ reason: "backoff", until: 30_000 });
    expect(restartNow(m, sick(), 30_000)).toMatchObject({ action: "restart", attempt: 3 });
    m.observe(sick({ health: "healthy" }), 31_000);
    expect(restartNow(m, sick(), 31_001)).toMatchObject({ action: "restart", attempt: 1 });
  });

  it("opens the circuit after maxRestarts in the window and closes it when the window slides", () => {
    const m = new AutohealMachine({ ...policy, gracePeriodMs: 0, initialBackoffMs: 0, maxBackoffMs: 0 });
    const c = sick();
    for (const t of [0, 1000, 2000]) expect(restartNow(m, c, t).action).toBe("restart");
    expect(m.observe(c, 3000)).toMatchObject({ action: "hold", reason: "circuit-open", until: 600_000, changed: true });
    expect(m.circuitOpen(c.id, 3000)).toBe(true);
    expect(m.observe(c, 4000)).toMatchObject({ reason: "circuit-open", changed: false });
    // Healthy in between does not reset the breaker: it counts restarts, not failures.
    m.observe({ ...c, health: "healthy" }, 5000);
    expect(m.observe(c, 6000)).toMatchObject({ reason: "circuit-open" });
    expect(m.circuitOpen(c.id, 600_001)).toBe(false);
    expect(m.observe(c, 600_001)).toMatchObject({ action: "restart" });
  });

  it("counts dry-run restarts for backoff and breaker but never marks one in flight", () => {
    const m = new AutohealMachine({ ...policy, gracePeriodMs: 0, dryRun: true, maxRestarts: 1 });
    const d = m.observe(sick(), 0);
    expect(d).toMatchObject({ action: "restart", dryRun: true });
    m.started(sick().id, 0);
    expect(m.observe(sick(), 1)).toMatchObject({ reason: "circuit-open" });
  });

  it("forgets destroyed containers and validates its policy", () => {
    const m = new AutohealMachine(policy);
    m.observe(sick(), 0);
    expect(m.size).toBe(1);
    m.forget(sick().id);
    expect(m.size).toBe(0);
    expect(() => new AutohealMachine({ ...policy, maxRestarts: 0 })).toThrow(RangeError);
    expect(() => new AutohealMachine({ ...policy, initialBackoffMs: 10, maxBackoffMs: 5 })).toThrow(RangeError);
  });
});

describe("self detection", () => {
  const id = "4f6a".padEnd(64, "c");
  it("finds the id in cgroup v1 and v2 paths", () => {
    expect(idsFromCgroup(`12:memory:/docker/${id}\n11:cpu:/docker/${id}\n`)).toEqual([id]);
    expect(idsFromCgroup(`0::/system.slice/docker-${id}.scope\n`)).toEqual([id]);
    expect(idsFromCgroup("0::/\n")).toEqual([]);
  });

  it("finds the id in mountinfo when the cgroup namespace hides it", () => {
    const line = `712 690 254:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw\n`;
    expect(idsFromMountinfo(line)).toEqual([id]);
  });

  it("matches the full id or a short-id hostname only", () => {
    const m = selfMatcher([id], "build-host");
    expect(m(id)).toBe(true);
    expect(m("f".repeat(64))).toBe(false);
    const byHost = selfMatcher([], id.slice(0, 12));
    expect(byHost(id)).toBe(true);
    expect(selfMatcher([], "web")("web".padEnd(64, "0"))).toBe(false);
  });
});
