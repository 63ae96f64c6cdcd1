import { parseConfig } from "@soc/config";
import { describe, expect, it } from "vitest";
import { ConnectivityMachine } from "../../src/supervise/connectivity-state.js";
import { connectivitySettingsFromConfig, throttleSettingsFromConfig } from "../../src/supervise/settings.js";
import { ThrottleController } from "../../src/supervise/throttle-controller.js";

describe("settings from @soc/config", () => {
  const config = parseConfig({
    version: 1,
    project: { name: "t" },
    apps: { edgeAgent: { connectivity: { interval: "1m30s", timeout: "500ms", dnsNames: ["localhost"] }, throttle: { temperatureC: { high: 80, low: 70 } } } },
  });

  it("converts the connectivity section to milliseconds", () => {
    expect(connectivitySettingsFromConfig(config.apps.edgeAgent.connectivity)).toEqual({
      intervalMs: 90_000,
      timeoutMs: 500,
      failuresToOffline: 3,
      successesToOnline: 2,
      dnsNames: ["localhost"],
    });
  });

  it("converts the throttle section, and the result builds a controller", () => {
    const { thresholds, intervalMs } = throttleSettingsFromConfig(config.apps.edgeAgent.throttle);
    expect(intervalMs).toBe(5000);
    expect(thresholds).toEqual({ cpuPercent: { high: 85, low: 60 }, memoryPercent: { high: 85, low: 70 }, temperatureC: { high: 80, low: 70 } });
    expect(new ThrottleController({ thresholds, concurrency: config.apps.edgeAgent.shipper.concurrency }).step.concurrency).toBe(2);
    const c = connectivitySettingsFromConfig(config.apps.edgeAgent.connectivity);
    expect(new ConnectivityMachine(c).state).toBe("online");
  });

  it("throws RangeError on a malformed duration", () => {
    expect(() => connectivitySettingsFromConfig({ interval: "soon", timeout: "1s", failuresToOffline: 1, successesToOnline: 1, dnsNames: [] })).toThrow(RangeError);
  });
});
