import { describe, expect, it } from "vitest";
import { DeadLetterFormatError, formatDeadLetter, parseDeadLetter } from "../../src/ship/dead-letter.js";

describe("dead-letter lines", () => {
  const base = { time: "2024-01-02T03:04:05.000Z", sensorId: "pi", stage: "parse" as const, reason: "invalid_json", detail: "Unexpected token", file: "/x/eve.json", offset: 120 };

  it("is one JSON line keeping valid UTF-8 raw text", () => {
    const line = formatDeadLetter({ ...base, raw: Buffer.from('{"timestamp":"bad"é') });
    expect(line.at(-1)).toBe(10);
    expect(line.subarray(0, -1).includes(10)).toBe(false);
    const back = parseDeadLetter(line);
    expect(back.raw.toString()).toBe('{"timestamp":"bad"é');
    expect(back).toMatchObject({ reason: "invalid_json", offset: 120, stage: "parse" });
  });

  it("keeps invalid UTF-8 byte-exact as base64", () => {
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x0a, 0x7d]);
    const line = formatDeadLetter({ ...base, stage: "index", reason: "mapper_parsing_exception", status: 400, index: "i", id: "x", raw });
    expect(line.toString()).toContain('"raw_base64"');
    expect(parseDeadLetter(line).raw.equals(raw)).toBe(true);
  });

  it("rejects lines that are not dead-letter records", () => {
    expect(() => parseDeadLetter("nope")).toThrow(DeadLetterFormatError);
    expect(() => parseDeadLetter('{"reason":"x"}')).toThrow(DeadLetterFormatError);
  });
});
