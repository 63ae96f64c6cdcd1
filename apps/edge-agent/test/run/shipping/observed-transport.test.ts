// observedTransport: every completed _bulk attempt is connectivity evidence (no response / 502-504 = failure, any
// other status = reachable); aborted attempts are not; a throwing listener never breaks the transport contract.
import { describe, expect, it } from "vitest";
import type { BulkTransport, TimedBulkAttempt } from "../../../src/opensearch/bulk-transport.js";
import { observedTransport } from "../../../src/run/shipping/observed-transport.js";
import { ConnectivityMachine } from "../../../src/supervise/connectivity-state.js";

const scripted = (answers: TimedBulkAttempt[]): BulkTransport => ({ send: async () => answers.shift() ?? { error: new Error("no answer"), durationMs: 1 } });
const body = Buffer.from("{}\n");

describe("observedTransport", () => {
  it("turns refused connections and 503s into offline, and a 200 (or a 429) back into reachable", async () => {
    const machine = new ConnectivityMachine({ failuresToOffline: 3, successesToOnline: 2 });
    const t = observedTransport(
      scripted([
        { error: new Error("connect ECONNREFUSED"), durationMs: 1 },
        { status: 503, body: "", durationMs: 2 },
        { error: new Error("socket hang up"), durationMs: 1 },
        { status: 429, body: "", durationMs: 3 },
        { status: 200, body: { errors: false, items: [] }, durationMs: 4 },
      ]),
      machine,
      () => undefined,
      () => 0,
    );
    const states: string[] = [];
    for (let i = 0; i < 5; i++) {
      await t.send(body);
      states.push(machine.state);
    }
    expect(states).toEqual(["degraded", "degraded", "offline", "offline", "degraded"]);
  });

  it("ignores aborted attempts and reports a throwing transition listener instead of rejecting", async () => {
    const machine = new ConnectivityMachine({ failuresToOffline: 1, successesToOnline: 1 });
    const errors: unknown[] = [];
    const t = observedTransport(scripted([{ error: new Error("aborted"), durationMs: 1 }, { error: new Error("refused"), durationMs: 1 }]), machine, (e) => errors.push(e), () => 0);
    const ctl = new AbortController();
    ctl.abort();
    await t.send(body, ctl.signal);
    expect(machine.snapshot().lastObservedAt).toBeUndefined();
    machine.onTransition(() => {
      throw new Error("listener bug");
    });
    expect(await t.send(body)).toMatchObject({ error: new Error("refused") });
    expect(machine.state).toBe("offline");
    expect(errors).toHaveLength(1);
  });
});
