import { describe, expect, it } from "vitest";
import { isAbortOf, systemClock, throwIfAborted } from "../../src/supervise/clock.js";

describe("systemClock", () => {
  it("is monotonic and sleeps (1 ms)", async () => {
    const a = systemClock.now();
    await systemClock.sleep(1);
    expect(systemClock.now()).toBeGreaterThan(a);
  });

  it("rejects with the abort reason, also when already aborted", async () => {
    const ac = new AbortController();
    const p = systemClock.sleep(60_000, ac.signal);
    const reason = new Error("stop");
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    await expect(systemClock.sleep(1, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(isAbortOf(ac.signal, reason)).toBe(true);
    expect(isAbortOf(ac.signal, new Error("other"))).toBe(false);
    expect(() => throwIfAborted(ac.signal)).toThrow("stop");
    expect(() => throwIfAborted(undefined)).not.toThrow();
  });
});
