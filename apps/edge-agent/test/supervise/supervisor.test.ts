import { describe, expect, it } from "vitest";
import { ListenerError } from "../../src/supervise/listeners.js";
import { type SupervisorEvent, Supervisor, SupervisorError } from "../../src/supervise/supervisor.js";
import { ManualClock, settle } from "./manual-clock.js";

/** A component that runs until aborted (then resolves), recording when it saw the abort. */
function wellBehaved(log: string[], name: string) {
  return (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      log.push(`${name}:start`);
      signal.addEventListener("abort", () => {
        log.push(`${name}:abort`);
        resolve();
      });
    });
}

const half = (): number => 0.5;

function setup(options: ConstructorParameters<typeof Supervisor>[0] = {}) {
  const clock = new ManualClock(0);
  const sup = new Supervisor({ clock, defaults: { backoff: { baseMs: 100, capMs: 1000, random: half } }, ...options });
  const events: SupervisorEvent[] = [];
  sup.onEvent((e) => events.push(e));
  return { clock, sup, events, types: (name: string) => events.filter((e) => e.name === name).map((e) => e.type) };
}

describe("Supervisor", () => {
  it("restarts a failing component with backoff and counts restarts", async () => {
    const { clock, sup, events, types } = setup();
    let runs = 0;
    const log: string[] = [];
    sup.add({
      name: "tailer",
      run: async (signal) => {
        runs++;
        if (runs <= 2) throw new Error(`read failed #${runs}`);
        await wellBehaved(log, "tailer")(signal);
      },
    });
    sup.start();
    await settle();
    expect(runs).toBe(1);
    expect(sup.status()[0]).toMatchObject({ state: "backoff", restarts: 1, lastError: "read failed #1" });
    await clock.advance(49);
    expect(runs).toBe(1);
    await clock.advance(1); // 50 ms = 0.5 · 100
    expect(runs).toBe(2);
    await clock.advance(100); // 0.5 · 200
    expect(runs).toBe(3);
    expect(sup.status()[0]).toMatchObject({ state: "running", restarts: 2 });
    expect(types("tailer")).toEqual(["started", "failed", "restart-scheduled", "started", "failed", "restart-scheduled", "started"]);
    expect(events.filter((e) => e.type === "restart-scheduled").map((e) => (e.type === "restart-scheduled" ? e.delayMs : 0))).toEqual([50, 100]);

    const report = await sup.shutdown({ deadlineMs: 1000 });
    expect(report).toMatchObject({ stopped: ["tailer"], timedOut: [] });
    // The last run stopped cleanly; earlier failures remain visible as the last error.
    expect(report.errors).toEqual([{ name: "tailer", error: "read failed #2" }]);
    expect(await sup.done).toMatchObject({ reason: "shutdown" });
    expect(types("tailer").at(-1)).toBe("stopped");
  });

  it("gives up after maxRestarts in the window and shuts the rest down when the component is essential", async () => {
    const { clock, sup, types } = setup();
    const log: string[] = [];
    sup.add({ name: "shipper", maxRestarts: 2, windowMs: 60_000, run: async () => Promise.reject(new Error("bulk endpoint gone")) });
    sup.add({ name: "metrics", run: wellBehaved(log, "metrics") });
    sup.start();
    await clock.advance(1000);
    const outcome = await sup.done;
    expect(outcome.reason).toBe("gave-up");
    expect(outcome.component).toBe("shipper");
    expect(outcome.report?.timedOut).toEqual([]);
    expect(types("shipper").filter((t) => t === "started")).toHaveLength(3);
    expect(types("shipper").at(-1)).toBe("gave-up");
    expect(log).toEqual(["metrics:start", "metrics:abort"]);
    expect(sup.status().map((s) => s.state)).toEqual(["gave-up", "stopped"]);
  });

  it("keeps running the others when a non-essential component is given up on", async () => {
    const { clock, sup } = setup();
    const log: string[] = [];
    sup.add({ name: "probe", essential: false, maxRestarts: 0, run: async () => Promise.reject(new Error("x")) });
    sup.add({ name: "tailer", run: wellBehaved(log, "tailer") });
    sup.start();
    await clock.advance(10_000);
    expect(sup.status().map((s) => s.state)).toEqual(["gave-up", "running"]);
    let finished = false;
    void sup.done.then(() => (finished = true));
    await settle();
    expect(finished).toBe(false);
    await sup.shutdown({ deadlineMs: 100 });
    expect(finished).toBe(true);
  });

  it("stops by phase within the deadline and reports components that did not stop", async () => {
    const { clock, sup } = setup();
    const log: string[] = [];
    sup.add({ name: "reader", stopPhase: 0, run: wellBehaved(log, "reader") });
    sup.add({ name: "stuck", stopPhase: 0, run: () => new Promise<void>(() => log.push("stuck:start")) });
    sup.add({
      name: "shipper",
      stopPhase: 1,
      run: (signal) =>
        new Promise<void>((resolve, reject) => {
          log.push("shipper:start");
          signal.addEventListener("abort", () => {
            log.push("shipper:abort");
            // flushing in-flight batches takes 300 ms, then it fails to write one
            void clock.sleep(300).then(() => reject(new Error("flush failed")));
          });
        }),
    });
    sup.start();
    await settle();
    let report: Awaited<ReturnType<typeof sup.shutdown>> | undefined;
    void sup.shutdown({ deadlineMs: 2000 }).then((r) => (report = r));
    await settle();
    expect(log).toEqual(["reader:start", "stuck:start", "shipper:start", "reader:abort"]); // phase 1 not yet aborted
    await clock.advance(1999);
    expect(log).not.toContain("shipper:abort");
    await clock.advance(1); // deadline: phase 0 gave up waiting for "stuck"; phase 1 is aborted without waiting
    await settle();
    expect(log.at(-1)).toBe("shipper:abort");
    expect(report).toMatchObject({ stopped: ["reader"], timedOut: ["stuck", "shipper"], elapsedMs: 2000 });
    expect(sup.status().find((s) => s.name === "stuck")?.state).toBe("stopping");
  });

  it("a phase that stops in time lets the next phase use the rest of the deadline", async () => {
    const { clock, sup } = setup();
    const log: string[] = [];
    sup.add({ name: "reader", run: wellBehaved(log, "reader") });
    sup.add({
      name: "shipper",
      stopPhase: 1,
      run: (signal) => new Promise<void>((resolve) => signal.addEventListener("abort", () => void clock.sleep(300).then(resolve))),
    });
    sup.start();
    await settle();
    const pending = sup.shutdown({ deadlineMs: 1000 });
    await clock.advance(300);
    expect(await pending).toMatchObject({ stopped: ["reader", "shipper"], timedOut: [], errors: [], elapsedMs: 300 });
    expect(sup.shutdown({ deadlineMs: 1 })).toBe(pending); // idempotent
  });

  it("records an error thrown while stopping and does not restart during shutdown", async () => {
    const { sup, types } = setup();
    sup.add({ name: "checkpoint", run: (signal) => new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(new Error("EIO writing checkpoint")))) });
    sup.start();
    await settle();
    const report = await sup.shutdown({ deadlineMs: 100 });
    expect(report.errors).toEqual([{ name: "checkpoint", error: "EIO writing checkpoint" }]);
    expect(types("checkpoint")).toEqual(["started", "stopped"]);
  });

  it("aborts a pending restart at shutdown", async () => {
    const { clock, sup } = setup();
    let runs = 0;
    sup.add({ name: "flaky", backoff: { baseMs: 10_000, capMs: 10_000, random: half }, run: async () => Promise.reject(new Error(`fail ${++runs}`)) });
    sup.start();
    await settle();
    expect(sup.status()[0]?.state).toBe("backoff");
    expect(await sup.shutdown({ deadlineMs: 100 })).toMatchObject({ stopped: ["flaky"], timedOut: [] });
    await clock.advance(20_000);
    expect(runs).toBe(1);
  });

  it("finishes as completed when every component returns (e.g. --once)", async () => {
    const { sup } = setup();
    sup.add({ name: "backfill", run: async () => undefined });
    sup.add({ name: "metrics", run: async () => undefined });
    sup.start();
    expect(await sup.done).toEqual({ reason: "completed" });
    expect(sup.status().map((s) => s.state)).toEqual(["completed", "completed"]);
  });

  it("starts components added after start, rejects duplicates and late additions", async () => {
    const { sup } = setup();
    sup.start();
    const log: string[] = [];
    sup.add({ name: "late", run: wellBehaved(log, "late") });
    await settle();
    expect(log).toEqual(["late:start"]);
    expect(() => sup.add({ name: "late", run: async () => undefined })).toThrow(SupervisorError);
    void sup.shutdown({ deadlineMs: 10 });
    expect(() => sup.add({ name: "other", run: async () => undefined })).toThrow(SupervisorError);
  });

  it("counts listener errors instead of breaking supervision", async () => {
    const { sup } = setup();
    sup.onEvent(() => {
      throw new Error("logger down");
    });
    sup.add({ name: "one", run: async () => undefined });
    sup.start();
    await sup.done;
    expect(sup.listenerErrors).toBe(2); // started, completed
    expect(sup.lastListenerError).toBeInstanceOf(ListenerError);
    expect((sup.lastListenerError as ListenerError).errors).toEqual([new Error("logger down")]);
  });
});

describe("Supervisor before start", () => {
  it("shuts down components that never started", async () => {
    const sup = new Supervisor({ clock: new ManualClock(0) });
    let ran = false;
    sup.add({ name: "never", run: async () => void (ran = true) });
    expect(await sup.shutdown({ deadlineMs: 10 })).toMatchObject({ stopped: ["never"], timedOut: [] });
    expect(sup.status()[0]?.state).toBe("stopped");
    expect(ran).toBe(false);
  });
});
