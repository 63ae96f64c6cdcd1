import { describe, expect, it } from "vitest";
import { ReadinessChecks, createReadinessChecks } from "../src/index.js";
import { deferred } from "./helpers.js";

describe("ReadinessChecks", () => {
  it("is ready with no checks", async () => {
    expect(await new ReadinessChecks().run()).toEqual({ ready: true, checks: [] });
  });

  it("passes checks that resolve, return true, or return { ok: true }", async () => {
    const checks = createReadinessChecks();
    checks.register("void", async () => {});
    checks.register("sync", () => true);
    checks.register("object", async () => ({ ok: true }));
    const report = await checks.run();
    expect(report.ready).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok, c.reason])).toEqual([
      ["void", true, undefined],
      ["sync", true, undefined],
      ["object", true, undefined],
    ]);
    for (const c of report.checks) expect(c.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("fails checks that throw, reject, return false or { ok: false }, and says why", async () => {
    const checks = createReadinessChecks();
    checks.register("fine", () => {});
    checks.register("throws", () => {
      throw new Error("spool not writable");
    });
    checks.register("rejects", async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:9200");
    });
    checks.register("false", () => false);
    checks.register("object", async () => ({ ok: false, reason: "cluster health red" }));
    checks.register("string", () => Promise.reject("plain string"));
    const report = await checks.run();
    expect(report.ready).toBe(false);
    expect(report.checks.map((c) => [c.name, c.ok, c.reason])).toEqual([
      ["fine", true, undefined],
      ["throws", false, "spool not writable"],
      ["rejects", false, "connect ECONNREFUSED 127.0.0.1:9200"],
      ["false", false, "check returned false"],
      ["object", false, "cluster health red"],
      ["string", false, "plain string"],
    ]);
  });

  it("times a check out, aborts its signal, and runs checks concurrently", async () => {
    const checks = createReadinessChecks({ defaultTimeoutMs: 5_000 });
    let aborted: unknown;
    checks.register(
      "hangs",
      (signal) =>
        new Promise(() => {
          signal.addEventListener("abort", () => {
            aborted = signal.reason;
          });
        }),
      { timeoutMs: 150 },
    );
    checks.register("slow_but_fine", () => new Promise((resolve) => setTimeout(resolve, 100)), { timeoutMs: 1_000 });
    const started = performance.now();
    const report = await checks.run();
    const elapsed = performance.now() - started;
    expect(report.ready).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: "hangs", ok: false, reason: "timed out after 150 ms" });
    expect(report.checks[0]!.durationMs).toBeGreaterThanOrEqual(140);
    expect(report.checks[1]).toMatchObject({ name: "slow_but_fine", ok: true });
    expect(elapsed).toBeLessThan(900); // concurrent: about max(150, 100), not the sum of timeouts
    expect(aborted).toBeInstanceOf(Error);
  });

  it("shares one run between concurrent callers", async () => {
    const checks = createReadinessChecks();
    let calls = 0;
    const gate = deferred();
    checks.register("counted", async () => {
      calls += 1;
      await gate.promise;
    });
    const a = checks.run();
    const b = checks.run();
    gate.resolve();
    expect(await a).toBe(await b);
    expect(calls).toBe(1);
    await checks.run();
    expect(calls).toBe(2);
  });

  it("registers, lists and unregisters checks by name", async () => {
    const checks = createReadinessChecks();
    const remove = checks.register("opensearch", () => false);
    checks.register("spool", () => true);
    expect(checks.names()).toEqual(["opensearch", "spool"]);
    expect(() => checks.register("opensearch", () => true)).toThrow(/already registered/);
    remove();
    expect(checks.names()).toEqual(["spool"]);
    expect(checks.unregister("spool")).toBe(true);
    expect(checks.unregister("spool")).toBe(false);
    expect((await checks.run()).ready).toBe(true);
  });

  it("rejects bad names, non-functions and bad timeouts", () => {
    const checks = createReadinessChecks();
    for (const name of ["", "Open Search", "-x", "a".repeat(64)]) {
      expect(() => checks.register(name, () => true)).toThrow(TypeError);
    }
    expect(() => checks.register("x", "nope" as never)).toThrow(TypeError);
    expect(() => checks.register("y", () => true, { timeoutMs: 0 })).toThrow(TypeError);
    expect(() => checks.register("z", () => true, { timeoutMs: Number.NaN })).toThrow(TypeError);
    expect(() => createReadinessChecks({ defaultTimeoutMs: -1 })).toThrow(TypeError);
  });
});
