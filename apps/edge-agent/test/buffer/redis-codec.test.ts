import { describe, expect, it } from "vitest";
import { decodeStreamEntries, encodeStreamFields, recordBytes, StreamEntryError } from "../../src/buffer/redis-codec.js";
import { rec } from "./records.js";

const asBuffers = (fields: (string | Buffer)[]): Buffer[] => fields.map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(f)));

describe("Redis stream entry codec", () => {
  it("round-trips a record through XADD fields and an XREADGROUP reply (RESP2 and flattened RESP3 shapes)", () => {
    const r = { ...rec(1, 1), raw: Buffer.from([0x7b, 0xff, 0x7d]) };
    const entry = [Buffer.from("1-0"), asBuffers(encodeStreamFields(r))];
    for (const reply of [[[Buffer.from("s"), [entry]]], [Buffer.from("s"), [entry]]]) {
      const [e] = decodeStreamEntries(reply);
      expect(e?.id).toBe("1-0");
      expect(e?.record).toEqual({ ...r, raw: expect.any(Buffer) });
      expect(e?.record?.raw.equals(r.raw)).toBe(true);
    }
    expect(recordBytes(r)).toBe(3 + r.index.length + r.id.length + r.eventType.length);
  });

  it("reports deleted pending entries and rejects foreign entries", () => {
    expect(decodeStreamEntries(null)).toEqual([]);
    expect(decodeStreamEntries([["s", [["2-0", null]]]])).toEqual([{ id: "2-0", record: undefined }]);
    expect(() => decodeStreamEntries([["s", [["3-0", ["a", "1"]]]]])).toThrow(StreamEntryError);
    expect(() => decodeStreamEntries([["s", [["3-0", asBuffers(encodeStreamFields({ ...rec(1), priority: 1 })).map((b, i) => (i === 7 ? Buffer.from("7") : b))]]]])).toThrow(
      StreamEntryError,
    );
    expect(() => decodeStreamEntries("nope")).toThrow(StreamEntryError);
  });
});
