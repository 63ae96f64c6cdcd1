import { describe, expect, it } from "vitest";
import { type ContainerEvent, followEvents } from "../src/index.js";
import { container, FakeEngine, waitFor } from "./support/fake-engine.js";

describe("followEvents", () => {
  it("opens the stream before reconciling, reconnects after a failed reconcile with growing delays, and stops on abort", async () => {
    const engine = new FakeEngine();
    const web = container("a1", "web");
    engine.add(web);
    const ac = new AbortController();
    const events: ContainerEvent[] = [];
    const delays: number[] = [];
    const errors: string[] = [];
    let connects = 0;
    const done = followEvents({
      engine,
      signal: ac.signal,
      initialBackoffMs: 4,
      maxBackoffMs: 16,
      rand: () => 1,
      onEvent: (ev) => void events.push(ev),
      onConnected: async (attempt) => {
        connects++;
        expect(engine.openStreams).toBe(1); // the stream is already open while we reconcile
        if (attempt < 3) throw new Error(`reconcile ${attempt} failed`);
      },
      onDisconnected: (err, delay) => {
        errors.push(err?.message ?? "");
        delays.push(delay);
      },
    });
    await waitFor(() => connects === 4, 2000, "fourth connect");
    expect(errors).toEqual(["reconcile 0 failed", "reconcile 1 failed", "reconcile 2 failed"]);
    expect(delays).toEqual([4, 8, 16]);
    engine.emit({ Type: "container", Action: "exec_start: true", Actor: { ID: web.Id } });
    engine.emit({ Type: "container", Action: "die", Actor: { ID: web.Id, Attributes: { exitCode: "2" } } });
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ action: "die", exitCode: 2 });
    ac.abort();
    await done;
    expect(engine.openStreams).toBe(0);
  });

  it("resets the backoff after a successful connection and reports the stream ending", async () => {
    const engine = new FakeEngine();
    const ac = new AbortController();
    const delays: number[] = [];
    const errors: string[] = [];
    const done = followEvents({
      engine, signal: ac.signal, initialBackoffMs: 4, maxBackoffMs: 64, rand: () => 1,
      onEvent: () => {},
      onConnected: () => {},
      onDisconnected: (err, delay) => {
        errors.push(err?.message ?? "");
        delays.push(delay);
      },
    });
    await waitFor(() => engine.openStreams === 1, 2000, "first stream");
    engine.stop();
    await waitFor(() => delays.length >= 3, 2000, "failed attempts while down");
    expect(delays.slice(0, 3)).toEqual([4, 8, 16]);
    engine.start();
    await waitFor(() => engine.openStreams === 1, 2000, "stream after the engine is back");
    const n = delays.length;
    engine.stop();
    engine.start();
    await waitFor(() => delays.length === n + 1 && engine.openStreams === 1, 2000, "reconnect");
    expect(delays[n]).toBe(4); // back to the first delay: the previous connection succeeded
    expect(errors[0]).toMatch(/socket hang up|stream (ended|closed)/);
    ac.abort();
    await done;
  });
});
