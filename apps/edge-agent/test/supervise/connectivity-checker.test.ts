import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ConnectivityChecker, createConnectivity, type ProbeRound } from "../../src/supervise/connectivity-checker.js";
import type { Probe } from "../../src/supervise/connectivity-probe.js";
import { ConnectivityMachine } from "../../src/supervise/connectivity-state.js";
import { ListenerError } from "../../src/supervise/listeners.js";
import { ManualClock, settle } from "./manual-clock.js";

/** A probe whose answer the test switches; counts calls. */
function switchable(name: string, critical = true) {
  const p = {
    up: true,
    calls: 0,
    probe: {
      name,
      critical,
      check: async () => {
        p.calls++;
        if (!p.up) throw new Error(`${name} down`);
      },
    } satisfies Probe,
  };
  return p;
}

describe("ConnectivityChecker", () => {
  it("probes at once, then every interval, feeding the machine until aborted", async () => {
    const clock = new ManualClock();
    const os = switchable("opensearch");
    const machine = new ConnectivityMachine({ failuresToOffline: 2, successesToOnline: 2, now: clock.now() });
    const checker = new ConnectivityChecker({ machine, probes: [os.probe], intervalMs: 10_000, timeoutMs: 3000, clock });
    const rounds: ProbeRound[] = [];
    checker.onRound((r) => rounds.push(r));
    const ac = new AbortController();
    const running = checker.run(ac.signal);
    await settle();
    expect(os.calls).toBe(1);
    expect(rounds[0]).toMatchObject({ at: 1000, verdict: "ok" });

    os.up = false;
    await clock.advance(9_999);
    expect(os.calls).toBe(1);
    await clock.advance(1);
    expect(os.calls).toBe(2);
    expect(machine.state).toBe("degraded");
    await clock.advance(10_000);
    expect(machine.state).toBe("offline");
    expect(machine.snapshot().since).toBe(21_000);

    os.up = true;
    await clock.advance(20_000);
    expect(machine.state).toBe("online");
    expect(checker.rounds).toBe(5);
    expect(checker.lastRound?.verdict).toBe("ok");

    ac.abort();
    await running;
    expect(clock.pending).toBe(0);
  });

  it("a round cut short by shutdown is not fed to the machine", async () => {
    const clock = new ManualClock();
    const hanging: Probe = { name: "opensearch", critical: true, check: (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))) };
    const machine = new ConnectivityMachine({ failuresToOffline: 1, successesToOnline: 1 });
    const checker = new ConnectivityChecker({ machine, probes: [hanging], intervalMs: 1000, timeoutMs: 500, clock });
    const ac = new AbortController();
    const running = checker.run(ac.signal);
    await settle();
    ac.abort();
    await running;
    expect(machine.state).toBe("online");
    expect(checker.rounds).toBe(0);
  });

  it("rejects when a listener throws, so a supervisor restarts it", async () => {
    const clock = new ManualClock();
    const machine = new ConnectivityMachine({ failuresToOffline: 1, successesToOnline: 1 });
    machine.onTransition(() => {
      throw new Error("metrics broke");
    });
    const checker = new ConnectivityChecker({ machine, probes: [{ name: "x", critical: true, check: async () => Promise.reject(new Error("down")) }], intervalMs: 1000, timeoutMs: 500, clock });
    await expect(checker.run(new AbortController().signal)).rejects.toBeInstanceOf(ListenerError);
    expect(machine.state).toBe("offline");
  });

  it("rejects invalid timing", () => {
    const machine = new ConnectivityMachine({ failuresToOffline: 1, successesToOnline: 1 });
    expect(() => new ConnectivityChecker({ machine, probes: [], intervalMs: 0, timeoutMs: 1 })).toThrow(RangeError);
    expect(() => new ConnectivityChecker({ machine, probes: [], intervalMs: 1, timeoutMs: 0 })).toThrow(RangeError);
  });
});

describe("createConnectivity", () => {
  it("builds an HTTP probe plus one DNS probe per name, probing a real local server", async () => {
    let healthy = true;
    const server: Server = createServer((_req, res) => {
      res.statusCode = healthy ? 200 : 503;
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const { machine, checker } = createConnectivity({
        url,
        settings: { intervalMs: 10_000, timeoutMs: 3000, failuresToOffline: 1, successesToOnline: 1, dnsNames: ["localhost"] },
      });
      const first = await checker.probeOnce();
      expect(first?.results.map((r) => [r.name, r.critical, r.ok])).toEqual([
        ["opensearch", true, true],
        ["dns:localhost", false, true],
      ]);
      healthy = false;
      await checker.probeOnce();
      expect(machine.state).toBe("offline");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
