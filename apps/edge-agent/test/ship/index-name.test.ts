import { describe, expect, it } from "vitest";
import { parseEveTimestampMs } from "../../src/eve/timestamp.js";
import { indexNameProblem, IndexNamer, InvalidIndexNameError, utcDaySuffix } from "../../src/ship/index-name.js";

describe("IndexNamer", () => {
  it("names <prefix>-<event_type>-YYYY.MM.DD from the event's UTC day", () => {
    const n = new IndexNamer("suricata");
    expect(n.indexFor("alert", parseEveTimestampMs("2024-01-02T03:04:05.123456+0000"))).toBe("suricata-alert-2024.01.02");
    // 00:30 at UTC+1 is still the previous UTC day
    expect(n.indexFor("alert", parseEveTimestampMs("2024-01-02T00:30:00.000000+0100"))).toBe("suricata-alert-2024.01.01");
    // 23:30 at UTC-2 is already the next UTC day
    expect(n.indexFor("flow", parseEveTimestampMs("2023-12-31T23:30:00.000000-0200"))).toBe("suricata-flow-2024.01.01");
  });

  it("lowercases the event type and refreshes the cached name when the day changes", () => {
    const n = new IndexNamer("ids");
    expect(n.indexFor("Custom_Type", Date.parse("2024-03-01T10:00:00Z"))).toBe("ids-custom_type-2024.03.01");
    expect(n.indexFor("Custom_Type", Date.parse("2024-03-02T00:00:00Z"))).toBe("ids-custom_type-2024.03.02");
    expect(n.indexFor("Custom_Type", Date.parse("2024-03-01T23:59:59.999Z"))).toBe("ids-custom_type-2024.03.01");
  });

  it("serves alternating days of one type (events straddling midnight) correctly", () => {
    const n = new IndexNamer("s");
    const a = Date.parse("2024-03-01T23:59:59Z");
    const b = Date.parse("2024-03-02T00:00:01Z");
    const names = [a, b, a, b, a].map((t) => n.indexFor("flow", t));
    expect(names).toEqual(["s-flow-2024.03.01", "s-flow-2024.03.02", "s-flow-2024.03.01", "s-flow-2024.03.02", "s-flow-2024.03.01"]);
    for (let d = 0; d < 200; d++) expect(n.indexFor("dns", Date.UTC(2024, 0, 1 + d))).toBe(`s-dns-${utcDaySuffix(Date.UTC(2024, 0, 1 + d))}`);
  });

  it.each(["", "-x", "_x", "+x", "Upper", "a b", "a/b", "a\\b", "a*b", "a?b", 'a"b', "a<b", "a>b", "a|b", "a,b", "a#b", "a:b", ".."])(
    "rejects prefix %j",
    (prefix) => {
      expect(() => new IndexNamer(prefix)).toThrow(InvalidIndexNameError);
    },
  );

  it("accepts dotted and dashed prefixes and checks the 255-byte limit", () => {
    expect(indexNameProblem("logs.suricata-edge_1")).toBeUndefined();
    expect(indexNameProblem("a".repeat(256))).toMatch(/255/);
    expect(() => new IndexNamer("a".repeat(201))).toThrow(/200/);
  });

  it("formats UTC day suffixes", () => {
    expect(utcDaySuffix(0)).toBe("1970.01.01");
    expect(utcDaySuffix(Date.parse("2099-12-31T23:59:59Z"))).toBe("2099.12.31");
  });
});
