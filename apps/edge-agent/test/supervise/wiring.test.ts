/**
 * The daemon's wiring of the supervision parts, end to end on a manual clock with a real local HTTP endpoint:
 * the calls here are the ones recommended to the daemon owner.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseConfig } from "@soc/config";
import { describe, expect, it } from "vitest";
import {
  type ConnectivityState,
  connectivitySettingsFromConfig,
  createConnectivity,
  RateLimiter,
  ResourceSampler,
  type ResourceReading,
  Supervisor,
  ThrottleController,
  throttleSettingsFromConfig,
} from "../../src/supervise/index.js";
import { ManualClock, settle, until } from "./manual-clock.js";

describe("daemon wiring", () => {
  it("switches shipping ↔ buffering on connectivity, throttles reads on load, and shuts down in phases", async () => {
    let status = 200;
    const server = createServer((_req, res) => {
      res.statusCode = status;
      res.end('{"status":"green"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const config = parseConfig({ version: 1, project: { name: "t" } });
      const edge = config.apps.edgeAgent;
      const clock = new ManualClock(0);

      const { machine, checker } = createConnectivity({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/_cluster/health`,
        settings: connectivitySettingsFromConfig(edge.connectivity),
        clock,
      });
      let mode: "ship" | "buffer" = machine.reachable ? "ship" : "buffer";
      const states: ConnectivityState[] = [];
      machine.onTransition((t) => {
        states.push(t.to);
        mode = t.to === "offline" ? "buffer" : "ship";
      });

      const throttle = throttleSettingsFromConfig(edge.throttle);
      const controller = new ThrottleController({ thresholds: throttle.thresholds, concurrency: edge.shipper.concurrency, level1BytesPerSecond: 1000 });
      const limiter = new RateLimiter({ clock, burstBytes: 1000 });
      let cpu = 95;
      const sampler = new ResourceSampler({
        controller,
        limiter,
        clock,
        intervalMs: throttle.intervalMs,
        reader: async (): Promise<ResourceReading> => ({ cpuPercent: cpu, memoryPercent: 40, temperatureC: null }),
      });

      let readBytes = 0;
      const supervisor = new Supervisor({ clock });
      supervisor.add({ name: "connectivity", stopPhase: 2, run: (signal) => checker.run(signal) });
      supervisor.add({ name: "resources", stopPhase: 2, run: (signal) => sampler.run(signal) });
      supervisor.start();
      await until(() => checker.rounds === 1 && sampler.samples === 1);
      expect(controller.level).toBe(1);
      expect(limiter.bytesPerSecond).toBe(1000);

      supervisor.add({
        name: "reader",
        stopPhase: 0,
        run: async (signal) => {
          for (;;) {
            await limiter.take(500, signal); // rejects with the abort reason at shutdown
            await new Promise<void>((resolve) => setImmediate(resolve)); // the chunk read (IO)
            readBytes += 500;
          }
        },
      });
      await until(() => readBytes === 1000); // the 1000 B burst
      await clock.advance(4000);
      await until(() => readBytes === 5000); // + 4 s · 1000 B/s
      await settle();
      expect(readBytes).toBe(5000);

      status = 503;
      for (let round = 2; round <= 4; round++) {
        await clock.advance(round === 2 ? 6000 : 10_000); // rounds at 0, 10 s, 20 s, 30 s
        await until(() => checker.rounds === round);
      }
      expect(states).toEqual(["degraded", "offline"]);
      expect(mode).toBe("buffer");

      machine.observeRequest({ ok: true, latencyMs: 12 }, clock.now()); // e.g. a drain attempt that went through
      status = 200;
      cpu = 10;
      for (let round = 5; round <= 6; round++) {
        await clock.advance(10_000);
        await until(() => checker.rounds === round);
      }
      expect(states).toEqual(["degraded", "offline", "degraded", "online"]);
      expect(mode).toBe("ship");
      expect(controller.level).toBe(0);
      expect(limiter.bytesPerSecond).toBe(Infinity);

      const report = await supervisor.shutdown({ deadlineMs: 5000 });
      expect(report).toMatchObject({ timedOut: [], errors: [] });
      expect(report.stopped[0]).toBe("reader"); // phase 0 first
      expect([...report.stopped].sort()).toEqual(["connectivity", "reader", "resources"]);
      expect(await supervisor.done).toMatchObject({ reason: "shutdown" });
      await settle();
      expect(clock.pending).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
