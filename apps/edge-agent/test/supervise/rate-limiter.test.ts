import { describe, expect, it } from "vitest";
import { RateLimiter, RateLimiterClosedError } from "../../src/supervise/rate-limiter.js";
import { InvalidTokenBucketError } from "../../src/supervise/token-bucket.js";
import { ManualClock, settle } from "./manual-clock.js";

describe("RateLimiter", () => {
  it("is unlimited by default", async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock });
    for (let i = 0; i < 100; i++) await limiter.take(1024 * 1024);
    expect(limiter.takenBytes).toBe(100 * 1024 * 1024);
    expect(limiter.waitedMs).toBe(0);
  });

  it("makes a reader wait for tokens on the injected clock", async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, bytesPerSecond: 1000, burstBytes: 1000 });
    await limiter.take(1000);
    let done = false;
    const second = limiter.take(500).then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    expect(limiter.waiting).toBe(1);
    await clock.advance(499);
    expect(done).toBe(false);
    await clock.advance(1);
    await second;
    expect(done).toBe(true);
    expect(limiter.waitedMs).toBe(500);
  });

  it("serves waiters in arrival order", async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, bytesPerSecond: 100, burstBytes: 100 });
    await limiter.take(100);
    const order: string[] = [];
    const a = limiter.take(100).then(() => order.push("a"));
    const b = limiter.take(10).then(() => order.push("b"));
    await clock.advance(999);
    expect(order).toEqual([]); // b (10 B) could go at 100 ms but must not overtake a
    await clock.advance(1);
    expect(order).toEqual(["a"]);
    await clock.advance(100);
    await Promise.all([a, b]);
    expect(order).toEqual(["a", "b"]);
  });

  it("re-plans a waiting reader when the rate changes", async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, bytesPerSecond: 10, burstBytes: 1000 });
    await limiter.take(1000);
    let done = false;
    const p = limiter.take(1000).then(() => (done = true)); // 100 s at 10 B/s
    await clock.advance(1000);
    limiter.setRate(Infinity);
    await settle();
    await p;
    expect(done).toBe(true);
    expect(limiter.bytesPerSecond).toBe(Infinity);
  });

  it("rejects a waiter on abort and on close, without blocking the next one", async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, bytesPerSecond: 1, burstBytes: 1 });
    await limiter.take(1);
    const ac = new AbortController();
    const aborted = limiter.take(1, ac.signal);
    ac.abort(new Error("stop reading"));
    await expect(aborted).rejects.toThrow("stop reading");
    const next = limiter.take(1);
    limiter.close();
    await expect(next).rejects.toBeInstanceOf(RateLimiterClosedError);
    await expect(limiter.take(1)).rejects.toBeInstanceOf(RateLimiterClosedError);
    expect(limiter.waiting).toBe(0);
  });

  it("validates the request size", async () => {
    const limiter = new RateLimiter({ clock: new ManualClock() });
    await expect(limiter.take(-1)).rejects.toBeInstanceOf(InvalidTokenBucketError);
  });
});
