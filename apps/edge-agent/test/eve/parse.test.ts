import { describe, expect, it } from "vitest";
import { EveFlags, type EveParseResult, parseEveLine, parseEveRecords } from "../../src/eve/parse.js";
import { firstLineOfType, fixtureLines, VALID_FIXTURES } from "../support/fixtures.js";

const collect = (line: Buffer | string): EveParseResult[] => {
  const out: EveParseResult[] = [];
  parseEveRecords(line, undefined, (r) => out.push(r));
  return out;
};

describe("parseEveLine on real fixtures", () => {
  it.each(VALID_FIXTURES)("accepts every line of %s with its raw bytes untouched", (name) => {
    const lines = fixtureLines(name);
    expect(lines.length).toBeGreaterThan(100);
    for (const [i, line] of lines.entries()) {
      const r = parseEveLine(line);
      if (!r.ok) throw new Error(`${name}:${i + 1}: ${r.reason} ${r.detail}`);
      expect(r.raw).toBe(line);
      expect(r.eventType).toBe((JSON.parse(line.toString()) as { event_type: string }).event_type);
      expect(Number.isFinite(r.timestampMs)).toBe(true);
    }
  });

  it("gives every line of malformed-fixtures.json a reason", () => {
    const reasons = fixtureLines("malformed-fixtures.json").map((l) => {
      const r = parseEveLine(l);
      return r.ok ? "ACCEPTED" : r.reason;
    });
    expect(reasons).toEqual([
      "invalid_json",
      "invalid_timestamp",
      "invalid_json",
      "invalid_json",
      "invalid_json",
      "invalid_json",
      "invalid_json",
    ]);
  });

  it("flags unknown but well-formed event types and keeps them", () => {
    const r = parseEveLine('{"timestamp":"2015-07-14T17:45:56.279893+0000","event_type":"engine","x":1}');
    expect(r.ok && r.known).toBe(true);
    const u = parseEveLine('{"timestamp":"2015-07-14T17:45:56.279893+0000","event_type":"brand_new_proto"}');
    expect(u.ok).toBe(true);
    if (u.ok) {
      expect(u.known).toBe(false);
      expect(u.flags & EveFlags.UNKNOWN_EVENT_TYPE).toBeTruthy();
    }
  });

  it.each([
    ["[1,2]", "not_an_object"],
    ["null", "not_an_object"],
    ['"str"', "not_an_object"],
    ['{"event_type":"dns"}', "missing_timestamp"],
    ['{"timestamp":1485789146,"event_type":"dns"}', "invalid_timestamp"],
    ['{"timestamp":"2017-01-30T16:12:26.985026+0100"}', "missing_event_type"],
    ['{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":7}', "invalid_event_type"],
    ['{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":"a/b"}', "invalid_event_type"],
    ['{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":""}', "invalid_event_type"],
    ['{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":"dns"', "invalid_json"],
  ])("rejects %s as %s", (line, reason) => {
    const r = parseEveLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.detail.length).toBeGreaterThan(0);
      expect(r.raw.toString()).toBe(line);
    }
  });

  it("flags timestamps without offset (old Suricata) and reads them as UTC", () => {
    const r = parseEveLine('{"timestamp":"2009-11-24T21:27:09.534255","event_type":"alert"}');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.flags & EveFlags.TIMESTAMP_WITHOUT_OFFSET).toBeTruthy();
      expect(r.timestampMs).toBe(Date.parse("2009-11-24T21:27:09.534Z"));
    }
  });

  it("accepts a 20 KB+ line and rejects one above maxLineBytes", () => {
    const base = JSON.parse(firstLineOfType("cisagov__Malcolm.slice.json", "alert").toString()) as Record<string, unknown>;
    const big = Buffer.from(JSON.stringify({ ...base, payload: "A".repeat(30_000) }));
    expect(big.length).toBeGreaterThan(20_000);
    const ok = parseEveLine(big);
    expect(ok.ok && ok.raw.length).toBe(big.length);
    const tooLong = parseEveLine(big, { maxLineBytes: 20_000 });
    expect(!tooLong.ok && tooLong.reason).toBe("line_too_long");
  });

  it("replaces invalid UTF-8 by default (flagged) and rejects it on request", () => {
    const good = firstLineOfType("rhaist__surevego.slice.json", "http").toString();
    const at = good.indexOf('"hostname":"') + 12;
    const bad = Buffer.concat([Buffer.from(good.slice(0, at)), Buffer.from([0xff, 0xfe]), Buffer.from(good.slice(at))]);
    const r = parseEveLine(bad);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.flags & EveFlags.UTF8_REPLACED).toBeTruthy();
      expect(r.raw.includes(Buffer.from([0xff]))).toBe(false);
      expect((r.event["http"] as { hostname: string }).hostname.startsWith("\uFFFD\uFFFD")).toBe(true);
    }
    const rejected = parseEveLine(bad, { invalidUtf8: "reject" });
    expect(!rejected.ok && rejected.reason).toBe("invalid_utf8");
  });
});

describe("parseEveRecords (glued lines)", () => {
  const a = firstLineOfType("rhaist__surevego.slice.json", "dns");
  const b = firstLineOfType("rhaist__surevego.slice.json", "alert");

  it("returns exactly one result for a normal line", () => {
    const r = collect(a);
    expect(r).toHaveLength(1);
    expect(r[0]?.ok && r[0].raw).toBe(a);
  });

  it("splits two complete records glued on one line, each with its own raw bytes", () => {
    const r = collect(Buffer.concat([a, b]));
    expect(r.map((x) => x.ok)).toEqual([true, true]);
    expect(r.map((x) => x.raw.toString())).toEqual([a.toString(), b.toString()]);
    expect(r.every((x) => x.ok && x.flags & EveFlags.SPLIT_FROM_GLUED_LINE)).toBe(true);
  });

  it("recovers a complete record written after a truncated one (crash mid-write)", () => {
    const truncated = a.subarray(0, 80);
    const r = collect(Buffer.concat([truncated, b]));
    expect(r.map((x) => (x.ok ? "ok" : x.reason))).toEqual(["invalid_json", "ok"]);
    expect(r[0]?.raw.toString()).toBe(truncated.toString());
    expect(r[1]?.raw.toString()).toBe(b.toString());
  });

  it("keeps a record whose string contains '}{' or a nested timestamp object whole", () => {
    const tricky = '{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":"http","x":"}{","y":{"timestamp":1}}';
    const r = collect(tricky);
    expect(r).toHaveLength(1);
    expect(r[0]?.ok).toBe(true);
  });

  it("reports unsplittable garbage as one malformed record", () => {
    const r = collect("asdjpqawjdp/()/&WS()f7d56dqa87w9f69QD");
    expect(r.map((x) => !x.ok && x.reason)).toEqual(["invalid_json"]);
  });
});
