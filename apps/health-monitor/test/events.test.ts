import { describe, expect, it } from "vitest";
import { eventFilters, NdjsonSplitter, reconnectDelayMs, toContainerEvent } from "../src/index.js";
import { rawFixture } from "./support/fixtures.js";

describe("NdjsonSplitter", () => {
  it("returns several objects from one chunk", () => {
    const s = new NdjsonSplitter();
    expect(s.push('{"a":1}\n{"a":2}\n{"a":3}\n').values).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it("buffers half an object until its newline arrives", () => {
    const s = new NdjsonSplitter();
    expect(s.push('{"a":1}\n{"b":').values).toEqual([{ a: 1 }]);
    expect(s.pending).toBe(5);
    expect(s.push("2}").values).toEqual([]);
    expect(s.push("\n").values).toEqual([{ b: 2 }]);
  });

  it("reassembles a multi-byte UTF-8 character split across chunks", () => {
    const bytes = Buffer.from('{"name":"café ☕"}\n');
    const s = new NdjsonSplitter();
    const cut = bytes.indexOf(0xe2) + 1; // inside the 3-byte ☕
    expect(s.push(bytes.subarray(0, cut)).values).toEqual([]);
    expect(s.push(bytes.subarray(cut)).values).toEqual([{ name: "café ☕" }]);
  });

  it("reports invalid lines without losing the next ones, and handles CRLF and blank lines", () => {
    const s = new NdjsonSplitter();
    const b = s.push('{"ok":1}\r\nnot json\n\n{"ok":2}\n');
    expect(b.values).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(b.problems).toHaveLength(1);
    expect(b.problems[0]).toMatchObject({ kind: "invalid-json", excerpt: "not json" });
  });

  it("drops an over-long line once, then resumes at the next newline", () => {
    const s = new NdjsonSplitter(16);
    const a = s.push('{"x":"aaaaaaaaaaaaaaaaaaaa');
    expect(a.problems.map((p) => p.kind)).toEqual(["line-too-long"]);
    const b = s.push('aaaa"}\n{"y":1}\n');
    expect(b.values).toEqual([{ y: 1 }]);
    expect(b.problems).toEqual([]);
  });

  it("parses a last line without newline at end()", () => {
    const s = new NdjsonSplitter();
    s.push('{"z":1}');
    expect(s.end().values).toEqual([{ z: 1 }]);
  });

  it("yields the same events from the recorded stream whatever the chunking", () => {
    const text = rawFixture("events/engine-20.10.ndjson");
    const whole = new NdjsonSplitter().push(text).values;
    expect(whole.length).toBe(text.trim().split("\n").length);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 5; round++) {
      const s = new NdjsonSplitter();
      const got: unknown[] = [];
      const buf = Buffer.from(text);
      for (let i = 0; i < buf.length; ) {
        const n = 1 + Math.floor(rand() * 300);
        got.push(...s.push(buf.subarray(i, i + n)).values);
        i += n;
      }
      got.push(...s.end().values);
      expect(got).toEqual(whole);
    }
  });
});

describe("container events", () => {
  const recorded = new NdjsonSplitter().push(rawFixture("events/engine-20.10.ndjson")).values;

  it("drops healthcheck exec noise and non-container events from the recorded stream", () => {
    const evs = recorded.map(toContainerEvent).filter((e) => e !== undefined);
    const actions = new Set(evs.map((e) => e.action));
    expect([...actions].some((a) => a.startsWith("exec"))).toBe(false);
    expect(recorded.filter((r) => String((r as { Action?: string }).Action).startsWith("exec_")).length).toBeGreaterThan(50);
    expect(actions).toEqual(new Set(["create", "start", "die", "oom", "destroy", "health_status"]));
  });

  it("reads the health status, name and die exit code", () => {
    const evs = recorded.map(toContainerEvent).filter((e) => e !== undefined);
    const unhealthy = evs.find((e) => e.action === "health_status" && e.health === "unhealthy");
    expect(unhealthy).toMatchObject({ name: "sick", health: "unhealthy" });
    expect(unhealthy?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(unhealthy?.timeMs).toBeGreaterThan(1.7e12);
    const oomDie = evs.find((e) => e.action === "die" && e.name === "oom");
    expect(oomDie?.exitCode).toBe(137);
  });

  it("accepts the legacy status/id form and rejects malformed objects", () => {
    expect(toContainerEvent({ status: "kill", id: "abc", time: 5 })).toMatchObject({ action: "kill", id: "abc", timeMs: 5000 });
    expect(toContainerEvent({ Type: "network", Action: "connect", Actor: { ID: "n" } })).toBeUndefined();
    expect(toContainerEvent({ Type: "container", Action: "start", Actor: {} })).toBeUndefined();
    expect(toContainerEvent(null)).toBeUndefined();
    expect(toContainerEvent("start")).toBeUndefined();
  });

  it("asks the engine for container events without exec_*", () => {
    const f = eventFilters();
    expect(f.type).toEqual(["container"]);
    expect(f.event).toContain("health_status");
    expect(f.event.some((e) => e.startsWith("exec"))).toBe(false);
  });
});

describe("reconnect backoff", () => {
  it("doubles up to the cap with equal jitter", () => {
    expect(reconnectDelayMs(0, 250, 15_000, () => 0)).toBe(125);
    expect(reconnectDelayMs(0, 250, 15_000, () => 1)).toBe(250);
    expect(reconnectDelayMs(3, 250, 15_000, () => 1)).toBe(2000);
    expect(reconnectDelayMs(20, 250, 15_000, () => 1)).toBe(15_000);
    expect(reconnectDelayMs(20, 250, 15_000, () => 0)).toBe(7500);
  });
});
