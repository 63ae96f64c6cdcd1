import { describe, expect, it } from "vitest";
import { createLineStats, forEachLine } from "../../src/eve/lines.js";

function split(input: Buffer | string, base = 0): { lines: string[]; ends: number[]; stats: ReturnType<typeof createLineStats> } {
  const lines: string[] = [];
  const ends: number[] = [];
  const stats = createLineStats();
  forEachLine(Buffer.isBuffer(input) ? input : Buffer.from(input, "latin1"), base, (l, e) => {
    lines.push(l.toString("latin1"));
    ends.push(e);
  }, stats);
  return { lines, ends, stats };
}

describe("forEachLine", () => {
  it("splits on newlines with absolute end offsets", () => {
    const r = split('{"a":1}\n{"b":2}\n', 100);
    expect(r.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(r.ends).toEqual([108, 116]);
    expect(r.stats).toEqual({ lines: 2, nulBytes: 0, blankLines: 0 });
  });

  it("emits a last line without newline, ending at the chunk end", () => {
    const r = split('{"a":1}\n{"b":2}', 0);
    expect(r.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(r.ends).toEqual([8, 15]);
  });

  it("drops CR of CRLF and skips blank lines, counting them", () => {
    const r = split('{"a":1}\r\n\n  \r\n{"b":2}\n');
    expect(r.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(r.stats.blankLines).toBe(2);
  });

  it("counts blank lines in chunks that also hold NULs", () => {
    const r = split('\0\0{"a":1}\n\n{"b":2}\n');
    expect(r.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(r.stats).toEqual({ lines: 2, nulBytes: 2, blankLines: 1 });
  });

  it("treats NUL runs as separators (crash holes) and counts the NUL bytes", () => {
    const hole = "\0".repeat(4096);
    const input = `{"a":1}\n${hole}{"b":2}\n{"trunc${hole}{"c":3}\n${hole}\n`;
    const r = split(input);
    expect(r.lines).toEqual(['{"a":1}', '{"b":2}', '{"trunc', '{"c":3}']);
    expect(r.stats.nulBytes).toBe(3 * 4096);
    // a record split by NULs ends right after the NUL run; the next one at its newline
    expect(r.ends[2]).toBe(input.indexOf('{"c"'));
    expect(r.ends[3]).toBe(input.indexOf('{"c"') + 8);
  });
});
