/**
 * Maps the `apps.edgeAgent.connectivity` and `apps.edgeAgent.throttle` config sections (durations in Go notation,
 * schema in packages/config/src/schema/apps.ts) to the millisecond settings of the supervision modules.
 * Structural input types, so this module does not depend on zod.
 * @module
 */
import { parseDurationSeconds } from "@soc/config";
import type { ConnectivitySettings } from "./connectivity-checker.js";
import type { ThrottleThresholds } from "./throttle-controller.js";

/** The `apps.edgeAgent.connectivity` section as parsed by `@soc/config`. */
export interface ConnectivityConfig {
  /** Probe interval, e.g. `"10s"`. */
  readonly interval: string;
  /** Per-probe timeout, e.g. `"3s"`. */
  readonly timeout: string;
  readonly failuresToOffline: number;
  readonly successesToOnline: number;
  readonly dnsNames: readonly string[];
}

/** The `apps.edgeAgent.throttle` section as parsed by `@soc/config`. */
export interface ThrottleConfig extends ThrottleThresholds {
  /** Sampling interval, e.g. `"5s"`. */
  readonly interval: string;
}

/**
 * Converts the connectivity section.
 * @throws {RangeError} when a duration does not parse (cannot happen for a config validated by `@soc/config`).
 */
export function connectivitySettingsFromConfig(config: ConnectivityConfig): ConnectivitySettings {
  return {
    intervalMs: parseDurationSeconds(config.interval) * 1000,
    timeoutMs: parseDurationSeconds(config.timeout) * 1000,
    failuresToOffline: config.failuresToOffline,
    successesToOnline: config.successesToOnline,
    dnsNames: [...config.dnsNames],
  };
}

/**
 * Converts the throttle section into thresholds and the sampling interval in ms.
 * @throws {RangeError} when `interval` does not parse.
 */
export function throttleSettingsFromConfig(config: ThrottleConfig): { thresholds: ThrottleThresholds; intervalMs: number } {
  return {
    thresholds: { cpuPercent: config.cpuPercent, memoryPercent: config.memoryPercent, temperatureC: config.temperatureC },
    intervalMs: parseDurationSeconds(config.interval) * 1000,
  };
}
