import { describe, expect, it } from "vitest";
import { createScanFields, FieldKind, MAX_SCAN_DEPTH, scanJsonObject } from "../../src/eve/json-scan.js";
import { parseEveLine } from "../../src/eve/parse.js";
import { fixtureLines, VALID_FIXTURES } from "../support/fixtures.js";

const f = createScanFields();
const scan = (s: string | Buffer): boolean => scanJsonObject(Buffer.isBuffer(s) ? s : Buffer.from(s), f);
const oracle = (b: Buffer): boolean => {
  try {
    const v: unknown = JSON.parse(b.toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
};

describe("scanJsonObject", () => {
  it("accepts every valid fixture line", () => {
    for (const name of VALID_FIXTURES) for (const line of fixtureLines(name)) expect(scan(line)).toBe(true);
  });

  it.each([
    ["{}", true],
    [' \t{ "a" : [ ] , "b" : { } }\r\n', true],
    ['{"n":[0,-0,1.5,-2.25e10,3E-2,1e+5,123456789012345678901234567890]}', true],
    ['{"s":"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00"}', true],
    ['{"u":"héllo → 😀"}', true],
    ['{"l":[true,false,null]}', true],
    ["[]", false],
    ['"x"', false],
    ["", false],
    ["{", false],
    ['{"a":1}}', false],
    ['{"a":1},', false],
    ['{"a":1,}', false],
    ['{"a":[1,]}', false],
    ['{"a" 1}', false],
    ['{a:1}', false],
    ['{"a":01}', false],
    ['{"a":1.}', false],
    ['{"a":.5}', false],
    ['{"a":1e}', false],
    ['{"a":-}', false],
    ['{"a":+1}', false],
    ['{"a":"\\x"}', false],
    ['{"a":"\\u12G4"}', false],
    ['{"a":"\\u12"}', false],
    ['{"a":"tab\there"}', false],
    ['{"a":tru}', false],
    ['{"a":nul}', false],
    ['{"a":[}', false],
    ['{"a":{]}', false],
    ['{"a":"unterminated}', false],
    ['{"a":1} {"b":2}', false],
  ])("%j → %s (same as JSON.parse)", (input, expected) => {
    expect(scan(input)).toBe(expected);
    expect(oracle(Buffer.from(input))).toBe(expected);
  });

  it("agrees with JSON.parse on 20,000 random mutations of real lines", () => {
    const lines = VALID_FIXTURES.flatMap((n) => fixtureLines(n));
    let seed = 12345;
    const rnd = (k: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % k;
    };
    const alphabet = Buffer.from('{}[]",:\\/0123456789.-+eEtrufalsn u\t\n\x01abc');
    let rejected = 0;
    for (let t = 0; t < 20_000; t++) {
      const src = lines[rnd(lines.length)]!;
      const b = Buffer.from(src.subarray(0, Math.min(src.length, 400)));
      const mutated = Buffer.from(b);
      let out: Buffer = mutated;
      const pos = rnd(b.length);
      switch (rnd(4)) {
        case 0:
          out = Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1)]);
          break;
        case 1:
          out = Buffer.concat([b.subarray(0, pos), alphabet.subarray(rnd(alphabet.length)).subarray(0, 1), b.subarray(pos)]);
          break;
        case 2:
          mutated[pos] = alphabet[rnd(alphabet.length)]!;
          break;
        default:
          out = b.subarray(0, pos);
      }
      const expected = oracle(out);
      if (scan(out) !== expected) throw new Error(`disagree (JSON.parse says ${expected}) on ${JSON.stringify(out.toString())}`);
      if (!expected) rejected++;
    }
    expect(rejected).toBeGreaterThan(5000); // the mutations really produce invalid input
  });

  it("locates top-level timestamp and event_type only, last occurrence wins, escapes flagged", () => {
    const s = Buffer.from('{"x":{"timestamp":"nested"},"event_type":"dns","timestamp":"a\\u0041","event_type":"alert"}');
    expect(scanJsonObject(s, f)).toBe(true);
    expect(f.tsKind).toBe(FieldKind.STRING);
    expect(s.toString("utf8", f.tsStart, f.tsEnd)).toBe("a\\u0041");
    expect(f.tsEscaped).toBe(true);
    expect(s.toString("utf8", f.etStart, f.etEnd)).toBe("alert");
    expect(f.etEscaped).toBe(false);
    expect(scanJsonObject(Buffer.from('{"timestamp":5}'), f)).toBe(true);
    expect([f.tsKind, f.etKind]).toEqual([FieldKind.OTHER, FieldKind.MISSING]);
  });

  it("rejects nesting beyond MAX_SCAN_DEPTH, and parseEveLine then falls back to JSON.parse", () => {
    const deep = `{"timestamp":"2024-01-01T00:00:00.000000+0000","event_type":"x","d":${"[".repeat(MAX_SCAN_DEPTH + 5)}${"]".repeat(MAX_SCAN_DEPTH + 5)}}`;
    expect(scan(deep)).toBe(false);
    expect(parseEveLine(deep).ok).toBe(true);
  });
});

describe("parseEveLine validators", () => {
  it("gives the same verdicts and fields with the scanner and with JSON.parse", () => {
    const lines = [...VALID_FIXTURES.flatMap((n) => fixtureLines(n)), ...fixtureLines("malformed-fixtures.json")];
    for (const line of lines) {
      const a = parseEveLine(line);
      const b = parseEveLine(line, { validator: "json-parse" });
      expect(a.ok).toBe(b.ok);
      if (a.ok && b.ok) {
        expect([a.eventType, a.timestampMs, a.flags]).toEqual([b.eventType, b.timestampMs, b.flags]);
        expect(a.event).toEqual(b.event);
      } else if (!a.ok && !b.ok) {
        expect(a.reason).toBe(b.reason);
      }
    }
  });

  it("decodes escaped timestamp and event_type values", () => {
    const r = parseEveLine('{"timestamp":"2024-01-02T03:04:05.000000\\u002b0000","event_type":"al\\u0065rt"}');
    expect(r.ok && [r.eventType, r.timestampMs]).toEqual(["alert", Date.parse("2024-01-02T03:04:05Z")]);
  });
});
