import { describe, expect, it } from "vitest";
import { InvalidRestartPolicyError, RestartPolicy } from "../../src/supervise/restart-policy.js";

const half = (): number => 0.5;
const fail = (startedAt: number, endedAt: number) => ({ startedAt, endedAt, failed: true });

describe("RestartPolicy", () => {
  it("restarts failures with exponential full-jitter delays", () => {
    const p = new RestartPolicy({ backoff: { baseMs: 100, capMs: 1000, random: half } });
    const delays = [1, 2, 3, 4, 5].map((t) => {
      const d = p.onExit(fail(t, t));
      return d.action === "restart" ? d.delayMs : -1;
    });
    expect(delays).toEqual([50, 100, 200, 400, 500]);
    expect(p.restarts).toBe(5);
  });

  it("resets the backoff after a run that lasted resetAfterMs", () => {
    const p = new RestartPolicy({ backoff: { baseMs: 100, random: half }, resetAfterMs: 10_000 });
    p.onExit(fail(0, 10));
    p.onExit(fail(20, 30));
    expect(p.onExit(fail(40, 50))).toMatchObject({ action: "restart", delayMs: 200, attempt: 2 });
    expect(p.onExit(fail(100, 10_100))).toMatchObject({ action: "restart", delayMs: 50, attempt: 0 });
  });

  it("gives up after maxRestarts within the sliding window, and forgets old restarts", () => {
    const p = new RestartPolicy({ maxRestarts: 3, windowMs: 60_000, backoff: { random: half } });
    expect(p.onExit(fail(0, 1000)).action).toBe("restart");
    expect(p.onExit(fail(1000, 2000)).action).toBe("restart");
    expect(p.onExit(fail(2000, 3000))).toMatchObject({ action: "restart", restartsInWindow: 3 });
    const giveUp = p.onExit(fail(3000, 4000));
    expect(giveUp).toMatchObject({ action: "give-up", restartsInWindow: 3 });
    expect(giveUp.action === "give-up" && giveUp.reason).toBe("3 restart(s) within 60000 ms (limit 3)");

    const q = new RestartPolicy({ maxRestarts: 2, windowMs: 10_000, backoff: { random: half } });
    q.onExit(fail(0, 0));
    q.onExit(fail(0, 5000));
    expect(q.onExit(fail(0, 10_000))).toMatchObject({ action: "restart", restartsInWindow: 2 }); // the one at 0 expired
    expect(q.restartsInWindow(10_000)).toBe(2);
    expect(q.restartsInWindow(30_000)).toBe(0);
  });

  it("maxRestarts 0 gives up at the first failure", () => {
    expect(new RestartPolicy({ maxRestarts: 0 }).onExit(fail(0, 1)).action).toBe("give-up");
  });

  it("follows the restart mode for normal exits", () => {
    expect(new RestartPolicy().onExit({ startedAt: 0, endedAt: 1, failed: false })).toEqual({ action: "done" });
    expect(new RestartPolicy({ mode: "always", backoff: { random: half } }).onExit({ startedAt: 0, endedAt: 1, failed: false })).toMatchObject({
      action: "restart",
    });
    expect(new RestartPolicy({ mode: "never" }).onExit(fail(0, 1))).toEqual({ action: "done" });
  });

  it("rejects invalid options", () => {
    expect(() => new RestartPolicy({ maxRestarts: -1 })).toThrow(InvalidRestartPolicyError);
    expect(() => new RestartPolicy({ windowMs: 0 })).toThrow(InvalidRestartPolicyError);
    expect(() => new RestartPolicy({ resetAfterMs: Number.NaN })).toThrow(InvalidRestartPolicyError);
  });
});
