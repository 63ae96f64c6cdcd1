import { describe, expect, it } from "vitest";
import { Backoff, fullJitterDelay, InvalidBackoffOptionsError } from "../../src/ship/backoff.js";

describe("full-jitter backoff", () => {
  it("scales random() by min(cap, base·2^attempt)", () => {
    const half = (): number => 0.5;
    expect([0, 1, 2, 3, 10].map((a) => fullJitterDelay(a, { baseMs: 100, capMs: 1000, random: half }))).toEqual([
      50, 100, 200, 400, 500,
    ]);
  });

  it("stays within [0, ceiling) for random in [0, 1)", () => {
    expect(fullJitterDelay(5, { random: () => 0 })).toBe(0);
    expect(fullJitterDelay(5, { baseMs: 100, capMs: 30_000, random: () => 0.999999 })).toBeLessThan(3200);
    expect(fullJitterDelay(5000, { baseMs: 100, capMs: 30_000, random: () => 0.999999 })).toBeLessThan(30_000);
  });

  it("counts attempts and resets after success", () => {
    const seq = [0.5, 0.5, 0.5, 0.5];
    const b = new Backoff({ baseMs: 10, capMs: 1000, random: () => seq.shift() ?? 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([5, 10, 20]);
    expect(b.attempt).toBe(3);
    b.reset();
    expect(b.next()).toBe(5);
  });

  it("rejects invalid options", () => {
    expect(() => new Backoff({ baseMs: 0 })).toThrow(InvalidBackoffOptionsError);
    expect(() => new Backoff({ baseMs: 100, capMs: 50 })).toThrow(InvalidBackoffOptionsError);
    expect(() => fullJitterDelay(1, { capMs: Infinity })).toThrow(InvalidBackoffOptionsError);
  });
});
