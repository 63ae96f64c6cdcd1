import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DocumentIdGenerator, InvalidIdOptionsError } from "../../src/ship/ids.js";
import { fixtureLines } from "../support/fixtures.js";

describe("DocumentIdGenerator", () => {
  it("is the first 22 base64url characters of sha256(sensorId NUL raw)", () => {
    const raw = Buffer.from('{"timestamp":"2024-01-02T03:04:05.123456+0000","event_type":"alert"}');
    const expected = createHash("sha256").update("pi-01\0").update(raw).digest("base64url").slice(0, 22);
    const id = new DocumentIdGenerator({ sensorId: "pi-01" }).idFor(raw);
    expect(id).toBe(expected);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("is deterministic across instances, differs by sensor and by line", () => {
    const lines = fixtureLines("rhaist__surevego.slice.json");
    const a = new DocumentIdGenerator({ sensorId: "a" });
    const a2 = new DocumentIdGenerator({ sensorId: "a" });
    const b = new DocumentIdGenerator({ sensorId: "b" });
    const ids = lines.map((l) => a.idFor(l));
    expect(lines.map((l) => a2.idFor(l))).toEqual(ids);
    expect(new Set(ids).size).toBe(new Set(lines.map((l) => l.toString())).size);
    expect(lines.map((l) => b.idFor(l)).some((id, i) => id === ids[i])).toBe(false);
  });

  it("handles lines longer than the scratch buffer, and same result afterwards", () => {
    const g = new DocumentIdGenerator({ sensorId: "pi" });
    const short = Buffer.from('{"a":1}');
    const before = g.idFor(short);
    const long = Buffer.alloc(200_000, 0x61);
    expect(g.idFor(long)).toBe(createHash("sha256").update("pi\0").update(long).digest("base64url").slice(0, 22));
    expect(g.idFor(short)).toBe(before);
  });

  it("supports 16..43 character ids and validates options", () => {
    expect(new DocumentIdGenerator({ sensorId: "s", idLength: 43 }).idFor(Buffer.from("x"))).toHaveLength(43);
    expect(new DocumentIdGenerator({ sensorId: "s", idLength: 16 }).idFor(Buffer.from("x"))).toHaveLength(16);
    expect(() => new DocumentIdGenerator({ sensorId: "" })).toThrow(InvalidIdOptionsError);
    expect(() => new DocumentIdGenerator({ sensorId: "a\0b" })).toThrow(InvalidIdOptionsError);
    expect(() => new DocumentIdGenerator({ sensorId: "s", idLength: 8 })).toThrow(/idLength/);
  });
});
