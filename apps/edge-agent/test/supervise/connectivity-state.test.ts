import { describe, expect, it } from "vitest";
import {
  classifyRound,
  ConnectivityMachine,
  type ConnectivityTransition,
  InvalidConnectivityOptionsError,
  type ProbeResult,
  requestOutcomeOf,
} from "../../src/supervise/connectivity-state.js";
import { ListenerError } from "../../src/supervise/listeners.js";

const up = (latencyMs = 10): ProbeResult => ({ name: "opensearch", critical: true, ok: true, latencyMs });
const down = (detail = "ECONNREFUSED"): ProbeResult => ({ name: "opensearch", critical: true, ok: false, latencyMs: 1, detail });
const dnsOk: ProbeResult = { name: "dns:localhost", critical: false, ok: true, latencyMs: 1 };
const dnsFail: ProbeResult = { name: "dns:example.invalid", critical: false, ok: false, latencyMs: 1, detail: "ENOTFOUND" };

function machine(initial: "online" | "degraded" | "offline" = "online", slowMs?: number) {
  const m = new ConnectivityMachine({ failuresToOffline: 3, successesToOnline: 2, initial, ...(slowMs !== undefined ? { slowMs } : {}) });
  const seen: ConnectivityTransition[] = [];
  m.onTransition((t) => seen.push(t));
  return { m, seen, path: () => seen.map((t) => t.to) };
}

describe("classifyRound", () => {
  it("fails when no critical probe succeeded, degrades on partial failure or slowness", () => {
    expect(classifyRound([up(), dnsOk])).toBe("ok");
    expect(classifyRound([down(), dnsOk])).toBe("failed");
    expect(classifyRound([up(), dnsFail])).toBe("degraded");
    expect(classifyRound([up(900), dnsOk], 500)).toBe("degraded");
    expect(classifyRound([up(), { ...up(), name: "health", degraded: true, detail: "cluster status red" }])).toBe("degraded");
    expect(classifyRound([up(), down()])).toBe("degraded"); // one of two critical probes still answers
  });

  it("without critical probes, fails only when every probe failed", () => {
    expect(classifyRound([dnsFail, dnsFail])).toBe("failed");
    expect(classifyRound([dnsFail, dnsOk])).toBe("degraded");
    expect(classifyRound([])).toBe("ok");
  });
});

describe("ConnectivityMachine", () => {
  it("goes online → degraded → offline after failuresToOffline consecutive failures", () => {
    const { m, seen, path } = machine();
    m.observeRound([down()], 1);
    expect(m.state).toBe("degraded");
    expect(m.reachable).toBe(true);
    m.observeRound([down()], 2);
    expect(m.state).toBe("degraded");
    m.observeRound([down("ETIMEDOUT")], 3);
    expect(m.state).toBe("offline");
    expect(m.reachable).toBe(false);
    expect(path()).toEqual(["degraded", "offline"]);
    expect(seen[1]).toMatchObject({ from: "degraded", to: "offline", at: 3, source: "probe" });
    expect(seen[1]?.reason).toContain("3 consecutive failure(s)");
    expect(seen[1]?.reason).toContain("ETIMEDOUT");
    expect(m.snapshot()).toMatchObject({ state: "offline", since: 3, failureStreak: 3, transitions: 2, lastObservedAt: 3 });
  });

  it("needs successesToOnline healthy rounds to come back online from offline", () => {
    const { m, path } = machine("offline");
    m.observeRound([up(), dnsOk], 1);
    expect(m.state).toBe("offline");
    m.observeRound([up(), dnsOk], 2);
    expect(m.state).toBe("online");
    expect(path()).toEqual(["online"]);
  });

  it("leaves offline for degraded when reachable but not healthy, then online after healthy rounds", () => {
    const { m, path } = machine("offline");
    m.observeRound([up(), dnsFail], 1);
    m.observeRound([up(), dnsFail], 2);
    expect(m.state).toBe("degraded");
    m.observeRound([up(), dnsOk], 3);
    expect(m.state).toBe("degraded");
    m.observeRound([up(), dnsOk], 4);
    expect(path()).toEqual(["degraded", "online"]);
  });

  it("does not flap on an alternating link (hysteresis)", () => {
    const { m, path } = machine();
    for (let i = 0; i < 20; i++) m.observeRound(i % 2 === 0 ? [down()] : [up()], i);
    // One failure degrades; it never reaches 3 failures in a row nor 2 healthy rounds in a row.
    expect(path()).toEqual(["degraded"]);
    expect(m.reachable).toBe(true);

    const off = machine("offline");
    for (let i = 0; i < 20; i++) off.m.observeRound(i % 2 === 0 ? [up()] : [down()], i);
    expect(off.path()).toEqual([]);
    expect(off.m.state).toBe("offline");
  });

  it("a failure streak broken by one success restarts the count", () => {
    const { m } = machine();
    m.observeRound([down()], 1);
    m.observeRound([down()], 2);
    m.observeRound([up()], 3);
    m.observeRound([down()], 4);
    m.observeRound([down()], 5);
    expect(m.state).toBe("degraded");
    m.observeRound([down()], 6);
    expect(m.state).toBe("offline");
  });

  it("treats slow answers and partial DNS failure as degraded, and recovers with healthy rounds", () => {
    const { m, path, seen } = machine("online", 500);
    m.observeRound([up(800), dnsOk], 1);
    expect(m.state).toBe("degraded");
    expect(seen[0]?.reason).toContain("slow 800 ms");
    m.observeRound([up(), dnsFail], 2);
    m.observeRound([up(), dnsOk], 3);
    expect(m.state).toBe("degraded");
    m.observeRound([up(), dnsOk], 4);
    expect(path()).toEqual(["degraded", "online"]);
  });

  it("counts failed shipper requests as evidence between probes", () => {
    const { m, seen } = machine();
    m.observeRequest({ ok: false, detail: "ECONNRESET" }, 10);
    m.observeRequest({ ok: false, detail: "ECONNRESET" }, 11);
    const t = m.observeRequest({ ok: false, detail: "socket hang up" }, 12);
    expect(m.state).toBe("offline");
    expect(t).toMatchObject({ from: "degraded", to: "offline", source: "request" });
    expect(seen).toHaveLength(2);
  });

  it("request successes prove reachability but not health", () => {
    const { m, path } = machine("offline");
    m.observeRequest({ ok: true, latencyMs: 20 }, 1);
    expect(m.state).toBe("offline");
    m.observeRequest({ ok: true, latencyMs: 20 }, 2);
    expect(m.state).toBe("degraded");
    for (let i = 3; i < 50; i++) m.observeRequest({ ok: true }, i);
    expect(m.state).toBe("degraded"); // only probe rounds (incl. DNS) can prove online
    m.observeRound([up(), dnsOk], 50);
    m.observeRound([up(), dnsOk], 51);
    expect(path()).toEqual(["degraded", "online"]);
  });

  it("a request success does not erase a healthy probe streak, a slow request does", () => {
    const { m } = machine("degraded", 500);
    m.observeRound([up()], 1);
    m.observeRequest({ ok: true, latencyMs: 5 }, 2);
    m.observeRound([up()], 3);
    expect(m.state).toBe("online");
    m.observeRequest({ ok: true, latencyMs: 2000 }, 4);
    expect(m.state).toBe("degraded");
  });

  it("delivers transitions through the async iterator until aborted", async () => {
    const m = new ConnectivityMachine({ failuresToOffline: 1, successesToOnline: 1 });
    const ac = new AbortController();
    const stream = m.transitions(ac.signal);
    m.observeRound([down()], 1);
    m.observeRound([up()], 2);
    const first = await stream.next();
    const second = await stream.next();
    expect([first.value?.to, second.value?.to]).toEqual(["offline", "online"]);
    ac.abort();
    expect((await stream.next()).done).toBe(true);
  });

  it("applies the state change even when a listener throws, then reports the listener error", () => {
    const m = new ConnectivityMachine({ failuresToOffline: 1, successesToOnline: 1 });
    const seen: string[] = [];
    m.onTransition(() => {
      throw new Error("bad listener");
    });
    m.onTransition((t) => seen.push(t.to));
    expect(() => m.observeRound([down()], 1)).toThrow(ListenerError);
    expect(m.state).toBe("offline");
    expect(seen).toEqual(["offline"]);
  });

  it("rejects invalid options", () => {
    expect(() => new ConnectivityMachine({ failuresToOffline: 0, successesToOnline: 1 })).toThrow(InvalidConnectivityOptionsError);
    expect(() => new ConnectivityMachine({ failuresToOffline: 1, successesToOnline: 1.5 })).toThrow(InvalidConnectivityOptionsError);
    expect(() => new ConnectivityMachine({ failuresToOffline: 1, successesToOnline: 1, slowMs: -1 })).toThrow(InvalidConnectivityOptionsError);
  });
});

describe("requestOutcomeOf", () => {
  it("fails on no response and 502/503/504, succeeds on any other status", () => {
    expect(requestOutcomeOf({ error: new Error("connect ECONNREFUSED"), latencyMs: 3 })).toEqual({ ok: false, detail: "connect ECONNREFUSED", latencyMs: 3 });
    expect(requestOutcomeOf({})).toEqual({ ok: false, detail: "no response" });
    expect([502, 503, 504].map((status) => requestOutcomeOf({ status }).ok)).toEqual([false, false, false]);
    expect([200, 400, 401, 429, 500].map((status) => requestOutcomeOf({ status }).ok)).toEqual([true, true, true, true, true]);
    expect(requestOutcomeOf({ status: 503, latencyMs: 9 })).toEqual({ ok: false, detail: "HTTP 503", latencyMs: 9 });
  });
});
