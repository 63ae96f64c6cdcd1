import { describe, expect, it } from "vitest";
import { InvalidTokenBucketError, TokenBucket } from "../../src/supervise/token-bucket.js";

describe("TokenBucket", () => {
  it("starts full, allows a burst of `capacity`, then refills at the rate", () => {
    const b = new TokenBucket({ ratePerSecond: 1000, capacity: 500, now: 0 });
    expect(b.tryTake(300, 0)).toBe(true);
    expect(b.tryTake(200, 0)).toBe(true);
    expect(b.tryTake(1, 0)).toBe(false);
    expect(b.delayFor(100, 0)).toBe(100);
    expect(b.tryTake(100, 99)).toBe(false);
    expect(b.tryTake(100, 100)).toBe(true);
    expect(b.tokens(10_000)).toBe(500); // never above capacity
  });

  it("admits at the configured long-run rate (simulated 60 s of 64 KiB reads)", () => {
    const rate = 1024 * 1024; // 1 MiB/s
    const b = new TokenBucket({ ratePerSecond: rate, capacity: 256 * 1024, now: 0 });
    let now = 0;
    let bytes = 0;
    while (now <= 60_000) {
      const wait = b.delayFor(64 * 1024, now);
      now += wait;
      if (now > 60_000) break;
      expect(b.tryTake(64 * 1024, now)).toBe(true);
      bytes += 64 * 1024;
    }
    // burst + 60 s · rate, to within one chunk
    expect(bytes).toBeGreaterThanOrEqual(256 * 1024 + 60 * rate - 64 * 1024);
    expect(bytes).toBeLessThanOrEqual(256 * 1024 + 60 * rate + 64 * 1024);
  });

  it("admits a request larger than the burst when full, leaving a debt that later requests wait out", () => {
    const b = new TokenBucket({ ratePerSecond: 100, capacity: 100, now: 0 });
    expect(b.tryTake(300, 0)).toBe(true);
    expect(b.tokens(0)).toBe(-200);
    expect(b.delayFor(100, 0)).toBe(3000); // 200 of debt + 100 for this request at 100/s
    expect(b.tryTake(100, 2999)).toBe(false);
    expect(b.tryTake(100, 3000)).toBe(true);
  });

  it("changes the rate keeping tokens accrued at the old rate; Infinity is unlimited", () => {
    const b = new TokenBucket({ ratePerSecond: 100, capacity: 1000, now: 0 });
    b.tryTake(1000, 0);
    b.setRate(1000, 500); // 50 tokens accrued at 100/s
    expect(b.tokens(500)).toBe(50);
    expect(b.tokens(600)).toBe(150);
    b.setRate(Infinity, 600);
    expect(b.delayFor(1e9, 600)).toBe(0);
    expect(b.tryTake(1e9, 600)).toBe(true);
    expect(b.tokens(600)).toBe(1000);
    b.setRate(10, 600);
    expect(b.tryTake(1000, 600)).toBe(true);
    expect(b.delayFor(10, 600)).toBe(1000);
  });

  it("ignores time going backwards", () => {
    const b = new TokenBucket({ ratePerSecond: 10, capacity: 10, now: 1000 });
    b.tryTake(10, 1000);
    expect(b.tokens(500)).toBe(0);
    expect(b.tokens(1100)).toBeCloseTo(1);
  });

  it("rejects invalid parameters", () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, capacity: 1 })).toThrow(InvalidTokenBucketError);
    expect(() => new TokenBucket({ ratePerSecond: 1, capacity: Infinity })).toThrow(InvalidTokenBucketError);
    const b = new TokenBucket({ ratePerSecond: 1, capacity: 1 });
    expect(() => b.tryTake(-1, 0)).toThrow(InvalidTokenBucketError);
    expect(() => b.delayFor(Number.NaN, 0)).toThrow(InvalidTokenBucketError);
    expect(() => b.setRate(-5, 0)).toThrow(InvalidTokenBucketError);
  });
});
