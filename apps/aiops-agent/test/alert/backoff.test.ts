import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter, retryPolicy } from "../../src/alert/backoff.js";
import { AlertConfigError } from "../../src/alert/errors.js";

describe("backoffDelay", () => {
  it("grows exponentially up to the cap, scaled by the jitter draw", () => {
    const top = retryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 10].map((n) => Math.round(backoffDelay(top, n)))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    const half = retryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 });
    expect(backoffDelay(half, 3)).toBe(200);
  });

  it("uses Retry-After as a floor, still capped", () => {
    const p = retryPolicy({ initialDelayMs: 100, maxDelayMs: 10_000, random: () => 0 });
    expect(backoffDelay(p, 1)).toBe(0);
    expect(backoffDelay(p, 1, 3_000)).toBe(3_000);
    expect(backoffDelay(p, 1, 60_000)).toBe(10_000);
  });

  it("rejects invalid policies", () => {
    expect(() => retryPolicy({ initialDelayMs: 0 })).toThrow(AlertConfigError);
    expect(() => retryPolicy({ initialDelayMs: 10, maxDelayMs: 5 })).toThrow(AlertConfigError);
    expect(() => retryPolicy({ factor: 0.5 })).toThrow(AlertConfigError);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP-dates, ignores junk", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
