import { describe, expect, it } from "vitest";
import {
  parseEveTimestamp,
  parseEveTimestampBytes,
  parseEveTimestampMs,
  timestampBytesLackOffset,
  timestampLacksOffset,
} from "../../src/eve/timestamp.js";

describe("parseEveTimestamp", () => {
  it("parses Suricata's format with a positive offset into UTC", () => {
    expect(parseEveTimestamp("2017-04-07T22:24:37.251547+0100")).toEqual({
      epochMs: Date.parse("2017-04-07T21:24:37.251Z"),
      hadOffset: true,
    });
  });

  it("applies negative offsets and crosses the day boundary", () => {
    expect(parseEveTimestampMs("2024-01-01T23:30:00.000000-0200")).toBe(Date.parse("2024-01-02T01:30:00.000Z"));
  });

  it("accepts ±hh:mm and Z zones and fractions of 1..9 digits", () => {
    expect(parseEveTimestampMs("2024-01-02T03:04:05.1+01:30")).toBe(Date.parse("2024-01-02T01:34:05.100Z"));
    expect(parseEveTimestampMs("2024-01-02T03:04:05.123456789Z")).toBe(Date.parse("2024-01-02T03:04:05.123Z"));
    expect(parseEveTimestampMs("2024-01-02T03:04:05+0000")).toBe(Date.parse("2024-01-02T03:04:05.000Z"));
  });

  it("reads old Suricata timestamps without offset as UTC and says so", () => {
    const ts = "2009-11-24T21:27:09.534255";
    expect(parseEveTimestamp(ts)).toEqual({ epochMs: Date.parse("2009-11-24T21:27:09.534Z"), hadOffset: false });
    expect(timestampLacksOffset(ts)).toBe(true);
    expect(timestampLacksOffset("2009-11-24T21:27:09")).toBe(true);
    expect(timestampLacksOffset("2009-11-24T21:27:09.534255+0100")).toBe(false);
    expect(timestampLacksOffset("2009-11-24T21:27:09.534255-01:00")).toBe(false);
  });

  it.each([
    ["", "empty"],
    ["2017-01-30T16:12:26.985026+0100asloefbnjhowebfg", "trailing garbage (real malformed fixture)"],
    ['"2017-01-30T16:12:27.008466+0100"', "double-quoted"],
    ["2017-13-01T00:00:00.000000+0000", "month 13"],
    ["2023-02-29T00:00:00.000000+0000", "29 February in a common year"],
    ["2017-04-31T00:00:00.000000+0000", "31 April"],
    ["2017-01-01T24:00:00.000000+0000", "hour 24"],
    ["2017-01-01T00:60:00.000000+0000", "minute 60"],
    ["2017-01-01T00:00:00.+0000", "empty fraction"],
    ["2017-01-01T00:00:00.0000000000+0000", "10-digit fraction"],
    ["2017-01-01T00:00:00.000000+2400", "offset hour 24"],
    ["2017-01-01T00:00:00.000000+01", "short offset"],
    ["1969-12-31T23:59:59.000000+0000", "before the epoch"],
    ["2017/01/01T00:00:00.000000+0000", "wrong separators"],
  ])("rejects %j (%s)", (input) => {
    expect(parseEveTimestamp(input)).toBeUndefined();
  });

  it("accepts 29 February in a leap year and a leap second", () => {
    expect(parseEveTimestampMs("2024-02-29T12:00:00.000000+0000")).toBe(Date.parse("2024-02-29T12:00:00Z"));
    expect(parseEveTimestampMs("2016-12-31T23:59:60.000000+0000")).toBe(Date.parse("2017-01-01T00:00:00Z"));
  });

  it("parses in place inside a record's bytes", () => {
    const rec = Buffer.from('{"timestamp":"2017-04-07T22:24:37.251547+0100","event_type":"alert"}');
    const start = rec.indexOf("2017");
    const end = rec.indexOf('"', start);
    expect(parseEveTimestampBytes(rec, start, end)).toBe(Date.parse("2017-04-07T21:24:37.251Z"));
    expect(timestampBytesLackOffset(rec, start, end)).toBe(false);
    expect(parseEveTimestampBytes(rec, start, end - 1)).toBeNaN(); // cut inside the offset
  });

  it.each([
    ["2009-11-24T21:27:09", true],
    ["2009-11-24T21:27:09Z", false],
    ["2009-11-24T21:27:09+0100", false],
    ["2009-11-24T21:27:09-01:00", false],
    ["2009-11-24T21:27:09.5", true],
    ["2009-11-24T21:27:09.534255", true],
    ["2009-11-24T21:27:09.123456789", true],
    ["2009-11-24T21:27:09.5+01:00", false],
  ])("knows whether %s has a zone (lacks: %s)", (ts, lacks) => {
    expect(parseEveTimestampMs(ts)).not.toBeNaN();
    expect(timestampLacksOffset(ts)).toBe(lacks);
  });

  it("rejects non-ASCII look-alike digits instead of truncating them to bytes", () => {
    // U+0132 has low byte 0x32 ('2'): a naive latin1 conversion would accept this.
    expect(parseEveTimestampMs("\u0132024-01-02T03:04:05.000000+0000")).toBeNaN();
    expect(parseEveTimestamp("２０２４-01-02T03:04:05.000000+0000")).toBeUndefined();
  });
});

