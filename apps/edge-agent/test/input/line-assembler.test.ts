import { describe, expect, it } from "vitest";
import { LineAssembler } from "../../src/input/line-assembler.js";

const text = (chunks: { data: Buffer; complete: boolean }[]): string[] => chunks.map((c) => `${c.complete ? "" : "!"}${c.data.toString()}`);

describe("LineAssembler", () => {
  it("re-joins lines split across reads and passes whole lines through", () => {
    const a = new LineAssembler();
    expect(text(a.push(Buffer.from('{"a":1}\n{"b"')))).toEqual(['{"a":1}\n']);
    expect(a.pendingBytes).toBe(4);
    expect(text(a.push(Buffer.from(':2}')))).toEqual([]);
    expect(text(a.push(Buffer.from('\n{"c":3}\n{"d"')))).toEqual(['{"b":2}\n{"c":3}\n']);
    expect(text([a.end()!])).toEqual(['!{"d"']);
    expect(a.end()).toBeUndefined();
  });

  it("does not keep references to the caller's read buffer", () => {
    const a = new LineAssembler();
    const buf = Buffer.from('{"x":');
    a.push(buf);
    buf.fill(0x41);
    expect(text(a.push(Buffer.from("1}\n")))).toEqual(['{"x":1}\n']);
  });

  it("bounds memory: an over-long line is passed on in incomplete pieces", () => {
    const a = new LineAssembler(10);
    const out = [...a.push(Buffer.from("0123456")), ...a.push(Buffer.from("789abcdef")), ...a.push(Buffer.from("gh\nok\n"))];
    expect(text(out)).toEqual(["!0123456789abcdef", "gh\nok\n"]);
    expect(a.pendingBytes).toBe(0);
  });

  it("reassembles any split of real data exactly", () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => `{"n":${i},"p":"${"x".repeat(i % 37)}"}\n`).join(""));
    for (const step of [1, 7, 64, 1000]) {
      const a = new LineAssembler();
      const got: Buffer[] = [];
      for (let i = 0; i < data.length; i += step) for (const c of a.push(data.subarray(i, i + step))) got.push(c.data);
      expect(a.end()).toBeUndefined();
      expect(Buffer.concat(got).equals(data)).toBe(true);
    }
  });
});
