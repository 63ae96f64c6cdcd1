import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DocumentIdGenerator, InvalidIdOptionsError } from "../../src/ship/ids.js";
import { fixtureLines } from "../support/fixtures.js";

describe("DocumentIdGenerator", () => {
  it("is base64url of the first 16 bytes of sha256(sensorId NUL raw)", () => {
    const raw = Buffer.from('{"timestamp":"2024-01-02T03:04:05.123456+0000","event_type":"alert"}');
    const expected = createHash("sha256").update("pi-01\0").update(raw).digest().subarray(0, 16).toString("base64url");
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

  it("supports 12..32 byte ids and validates options", () => {
    expect(new DocumentIdGenerator({ sensorId: "s", idBytes: 32 }).idFor(Buffer.from("x"))).toHaveLength(43);
    expect(new DocumentIdGenerator({ sensorId: "s", idBytes: 12 }).idFor(Buffer.from("x"))).toHaveLength(16);
    expect(() => new DocumentIdGenerator({ sensorId: "" })).toThrow(InvalidIdOptionsError);
    expect(() => new DocumentIdGenerator({ sensorId: "a\0b" })).toThrow(InvalidIdOptionsError);
    expect(() => new DocumentIdGenerator({ sensorId: "s", idBytes: 8 })).toThrow(/idBytes/);
  });
});
