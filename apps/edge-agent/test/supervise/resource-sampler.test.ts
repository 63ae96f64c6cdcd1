import si from "systeminformation";
import { describe, expect, it } from "vitest";
import { ListenerError } from "../../src/supervise/listeners.js";
import { RateLimiter } from "../../src/supervise/rate-limiter.js";
import {
  type ReaderErrors,
  type ResourceReading,
  ResourceSampler,
  systemInformationReader,
  type SystemInformationApi,
} from "../../src/supervise/resource-sampler.js";
import { type ResourceSample, ThrottleController } from "../../src/supervise/throttle-controller.js";
import { ManualClock, settle } from "./manual-clock.js";

const thresholds = {
  cpuPercent: { high: 85, low: 60 },
  memoryPercent: { high: 85, low: 70 },
  temperatureC: { high: 75, low: 65 },
};

function fakeApi(over: Partial<{ load: number; total: number; available: number; temp: number | null; fail: string }> = {}): SystemInformationApi {
  const fail = (what: string): void => {
    if (over.fail === what) throw new Error(`${what} unavailable`);
  };
  return {
    currentLoad: async () => (fail("load"), { currentLoad: over.load ?? 12.5 }),
    mem: async () => (fail("mem"), { total: over.total ?? 8e9, available: over.available ?? 6e9 }),
    cpuTemperature: async () => (fail("temp"), { main: over.temp === undefined ? 48.3 : over.temp }),
  };
}

describe("systemInformationReader", () => {
  it("derives CPU %, memory % from total − available, and temperature", async () => {
    expect(await systemInformationReader(fakeApi())()).toEqual({ cpuPercent: 12.5, memoryPercent: 25, temperatureC: 48.3 });
  });

  it("keeps a missing temperature null, never 0", async () => {
    expect((await systemInformationReader(fakeApi({ temp: null }))()).temperatureC).toBeNull();
    expect((await systemInformationReader(fakeApi({ temp: Number.NaN }))()).temperatureC).toBeNull();
    expect((await systemInformationReader(fakeApi({ temp: 400 }))()).temperatureC).toBeNull();
  });

  it("turns a failing call into null for that signal and counts it", async () => {
    const errors: ReaderErrors = { cpuPercent: 0, memoryPercent: 0, temperatureC: 0, last: {} };
    const reading = await systemInformationReader(fakeApi({ fail: "mem" }), errors)();
    expect(reading).toEqual({ cpuPercent: 12.5, memoryPercent: null, temperatureC: 48.3 });
    expect(errors.memoryPercent).toBe(1);
    expect(errors.last.memoryPercent).toBe("mem unavailable");
    expect((await systemInformationReader(fakeApi({ total: 0 }))()).memoryPercent).toBeNull();
  });

  it("reads this machine through the real systeminformation (loaded on the first read)", async () => {
    const errors: ReaderErrors = { cpuPercent: 0, memoryPercent: 0, temperatureC: 0, last: {} };
    const read = systemInformationReader(undefined, errors);
    await read(); // the first CPU reading is since boot; the second covers the interval
    const r = await read();
    expect(errors).toEqual({ cpuPercent: 0, memoryPercent: 0, temperatureC: 0, last: {} });
    expect(typeof r.cpuPercent).toBe("number");
    expect(r.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(r.cpuPercent).toBeLessThanOrEqual(100.0001);
    expect(r.memoryPercent).toBeGreaterThan(0);
    expect(r.memoryPercent).toBeLessThan(100);
    const mem = await si.mem();
    // Same formula as a direct read a moment later; other processes move memory a little in between.
    expect(Math.abs((r.memoryPercent as number) - ((mem.total - mem.available) / mem.total) * 100)).toBeLessThan(5);
    // Temperature: a plausible SoC reading where a sensor exists (Pi: thermal_zone0), else unknown (null).
    const raw = (await si.cpuTemperature()).main;
    if (typeof raw === "number" && Number.isFinite(raw)) {
      expect(r.temperatureC).toBeGreaterThan(-50);
      expect(r.temperatureC).toBeLessThan(200);
    } else {
      expect(r.temperatureC).toBeNull();
    }
  });
});

describe("ResourceSampler", () => {
  it("samples every interval, drives the controller and the limiter rate, until aborted", async () => {
    const clock = new ManualClock();
    const readings: ResourceReading[] = [
      { cpuPercent: 95, memoryPercent: 40, temperatureC: null },
      { cpuPercent: 95, memoryPercent: 40, temperatureC: null },
      { cpuPercent: 70, memoryPercent: 40, temperatureC: null },
      { cpuPercent: 30, memoryPercent: 40, temperatureC: null },
    ];
    let i = 0;
    const controller = new ThrottleController({ thresholds, concurrency: 2, level1BytesPerSecond: 1000 });
    const limiter = new RateLimiter({ clock });
    const sampler = new ResourceSampler({ controller, limiter, clock, intervalMs: 5000, reader: async () => readings[Math.min(i++, readings.length - 1)] as ResourceReading });
    const seen: ResourceSample[] = [];
    sampler.onSample((s) => seen.push(s));
    const ac = new AbortController();
    const running = sampler.run(ac.signal);
    await settle();
    expect(controller.level).toBe(1);
    expect(limiter.bytesPerSecond).toBe(1000);
    await clock.advance(5000);
    expect(controller.level).toBe(2);
    expect(limiter.bytesPerSecond).toBe(500);
    await clock.advance(5000);
    expect(controller.level).toBe(2); // 70 % is inside the 60..85 band
    await clock.advance(5000);
    expect(controller.level).toBe(1);
    expect(limiter.bytesPerSecond).toBe(1000);
    expect(seen.map((s) => s.at)).toEqual([1000, 6000, 11000, 16000]);
    expect(sampler.samples).toBe(4);
    ac.abort();
    await running;
    expect(clock.pending).toBe(0);
    expect(sampler.readErrors.cpuPercent).toBe(0);
  });

  it("rejects when the reader or a listener throws, so a supervisor restarts it", async () => {
    const clock = new ManualClock();
    const controller = new ThrottleController({ thresholds, concurrency: 2 });
    const broken = new ResourceSampler({ controller, clock, intervalMs: 1000, reader: async () => Promise.reject(new Error("no /proc")) });
    await expect(broken.run(new AbortController().signal)).rejects.toThrow("no /proc");
    const sampler = new ResourceSampler({ controller, clock, intervalMs: 1000, reader: async () => ({ cpuPercent: 1, memoryPercent: 1, temperatureC: 1 }) });
    sampler.onSample(() => {
      throw new Error("gauge broke");
    });
    await expect(sampler.run(new AbortController().signal)).rejects.toBeInstanceOf(ListenerError);
    expect(() => new ResourceSampler({ controller, intervalMs: 0 })).toThrow(RangeError);
  });
});
