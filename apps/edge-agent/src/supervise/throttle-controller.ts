/**
 * Resource throttle controller (pure: samples carry their own time, no IO).
 *
 * Each sampling interval the controller compares CPU %, memory % and SoC temperature with per-signal hysteresis
 * thresholds (config `apps.edgeAgent.throttle`: `{ high, low }` per signal):
 * - any signal above its `high` → throttle one level more (up to `maxLevel`);
 * - every known signal below its `low` → throttle one level less (down to 0);
 * - otherwise (a signal inside its `[low, high]` band) → hold the level.
 *
 * One step per interval in either direction, and the gap between `low` and `high`, keep the level from
 * oscillating. A signal that is unknown (`null`: no temperature sensor, a failed read) neither throttles nor
 * blocks recovery — it is never treated as 0. When every signal is unknown the level is held.
 *
 * The level maps to a read rate (bytes/s, for the {@link TokenBucket}) and a `_bulk` concurrency:
 * level 0 = unlimited rate and full concurrency; level n ≥ 1 = `level1BytesPerSecond · factor^(n−1)` and
 * `max(1, floor(concurrency · factor^n))`. The rate never reaches 0, so alerts keep flowing at the deepest level.
 *
 * Intended metrics (wired by the daemon): `soc_edge_throttle_level` (gauge),
 * `soc_edge_read_rate_limit_bytes_per_second` (gauge; +Inf at level 0), `soc_edge_cpu_usage_percent`,
 * `soc_edge_memory_usage_percent`, `soc_edge_soc_temperature_celsius` (gauges; not set while the value is unknown).
 * @module
 */
import { Listeners, type Unsubscribe } from "./listeners.js";

/** Act above `high`, release below `low` (same unit as the signal). Requires `low < high`. */
export interface HysteresisThreshold {
  readonly high: number;
  readonly low: number;
}

/** Thresholds per signal: the `apps.edgeAgent.throttle` config without `interval`. */
export interface ThrottleThresholds {
  /** Host CPU utilisation, percent of all cores (0..100). */
  readonly cpuPercent: HysteresisThreshold;
  /** Memory in use (total − available), percent of total (0..100). */
  readonly memoryPercent: HysteresisThreshold;
  /** SoC temperature, °C. */
  readonly temperatureC: HysteresisThreshold;
}

/** Names of the watched signals. */
export type ResourceSignal = keyof ThrottleThresholds;

/** One reading of the host. `null` = unknown (not measured), never 0. */
export interface ResourceSample {
  /** Time of the reading, ms (caller's clock). */
  readonly at: number;
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
  readonly temperatureC: number | null;
}

/** Where a signal stands relative to its thresholds. */
export type SignalZone = "above-high" | "between" | "below-low" | "unknown";

/** What the daemon applies at a throttle level. */
export interface ThrottleStep {
  /** 0 = not throttled … `maxLevel`. */
  readonly level: number;
  /** Read rate limit in bytes/s; `Infinity` = unlimited (level 0). */
  readonly readBytesPerSecond: number;
  /** `_bulk` requests allowed in flight (≥ 1). */
  readonly concurrency: number;
}

/** A level change, delivered to listeners. */
export interface ThrottleChange {
  readonly from: ThrottleStep;
  readonly to: ThrottleStep;
  /** Sample time, ms. */
  readonly at: number;
  /** Signals that caused it: those above `high` when stepping down; every known signal when stepping up. */
  readonly signals: readonly ResourceSignal[];
  readonly sample: ResourceSample;
}

/** Options of {@link ThrottleController}. */
export interface ThrottleControllerOptions {
  readonly thresholds: ThrottleThresholds;
  /** Full `_bulk` concurrency (config `shipper.concurrency`), ≥ 1. */
  readonly concurrency: number;
  /** Deepest level. Default 4. */
  readonly maxLevel?: number;
  /** Read rate at level 1, bytes/s. Default 16 MiB/s (a Pi 5 core parses well above this unthrottled). */
  readonly level1BytesPerSecond?: number;
  /** Multiplier per further level, in (0, 1). Default 0.5. */
  readonly factor?: number;
}

/** Thrown for invalid {@link ThrottleControllerOptions}. */
export class InvalidThrottleOptionsError extends Error {
  override readonly name = "InvalidThrottleOptionsError";
}

const SIGNALS: readonly ResourceSignal[] = ["cpuPercent", "memoryPercent", "temperatureC"];

/** Zone of `value` for `threshold`; non-finite values (NaN, null) are `unknown`. */
export function zoneOf(value: number | null, threshold: HysteresisThreshold): SignalZone {
  if (value === null || !Number.isFinite(value)) return "unknown";
  if (value > threshold.high) return "above-high";
  if (value < threshold.low) return "below-low";
  return "between";
}

/**
 * The throttle controller. Call {@link ThrottleController.observe} once per sampling interval.
 */
export class ThrottleController {
  readonly #thresholds: ThrottleThresholds;
  readonly #concurrency: number;
  readonly #maxLevel: number;
  readonly #level1: number;
  readonly #factor: number;
  readonly #listeners = new Listeners<ThrottleChange>();
  #level = 0;
  #last: ResourceSample | undefined;

  /** @throws {InvalidThrottleOptionsError} when a threshold has `low ≥ high`, or a count/rate/factor is out of range. */
  constructor(options: ThrottleControllerOptions) {
    for (const signal of SIGNALS) {
      const t = options.thresholds[signal];
      if (!(t.low < t.high)) throw new InvalidThrottleOptionsError(`${signal}: low (${t.low}) must be below high (${t.high})`);
    }
    const maxLevel = options.maxLevel ?? 4;
    if (!Number.isInteger(maxLevel) || maxLevel < 1) throw new InvalidThrottleOptionsError(`maxLevel must be an integer ≥ 1, got ${maxLevel}`);
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new InvalidThrottleOptionsError(`concurrency must be an integer ≥ 1, got ${options.concurrency}`);
    }
    const level1 = options.level1BytesPerSecond ?? 16 * 1024 * 1024;
    if (!(level1 > 0) || !Number.isFinite(level1)) throw new InvalidThrottleOptionsError(`level1BytesPerSecond must be finite and > 0, got ${level1}`);
    const factor = options.factor ?? 0.5;
    if (!(factor > 0 && factor < 1)) throw new InvalidThrottleOptionsError(`factor must be in (0, 1), got ${factor}`);
    this.#thresholds = options.thresholds;
    this.#concurrency = options.concurrency;
    this.#maxLevel = maxLevel;
    this.#level1 = level1;
    this.#factor = factor;
  }

  /** Current level, 0..maxLevel. */
  get level(): number {
    return this.#level;
  }

  /** Deepest level. */
  get maxLevel(): number {
    return this.#maxLevel;
  }

  /** The last sample observed, or `undefined`. */
  get lastSample(): ResourceSample | undefined {
    return this.#last;
  }

  /** What to apply at the current level. */
  get step(): ThrottleStep {
    return this.stepAt(this.#level);
  }

  /**
   * Rate and concurrency at `level` (clamped to 0..maxLevel).
   */
  stepAt(level: number): ThrottleStep {
    const l = Math.min(this.#maxLevel, Math.max(0, Math.floor(level)));
    return {
      level: l,
      readBytesPerSecond: l === 0 ? Infinity : this.#level1 * this.#factor ** (l - 1),
      concurrency: Math.max(1, Math.floor(this.#concurrency * this.#factor ** l)),
    };
  }

  /** Zone of each signal of `sample`. */
  zones(sample: ResourceSample): Record<ResourceSignal, SignalZone> {
    return {
      cpuPercent: zoneOf(sample.cpuPercent, this.#thresholds.cpuPercent),
      memoryPercent: zoneOf(sample.memoryPercent, this.#thresholds.memoryPercent),
      temperatureC: zoneOf(sample.temperatureC, this.#thresholds.temperatureC),
    };
  }

  /** Registers a level-change listener; returns its unsubscribe function. */
  onChange(listener: (change: ThrottleChange) => void): Unsubscribe {
    return this.#listeners.on(listener);
  }

  /** Level changes from now on as an async iterator; ends when `signal` aborts. */
  changes(signal?: AbortSignal): AsyncIterableIterator<ThrottleChange> {
    return this.#listeners.stream(signal);
  }

  /**
   * Applies one sample: at most one level step.
   * @returns the change, or `undefined` when the level held.
   * @throws {ListenerError} when a change listener threw (the level has changed).
   */
  observe(sample: ResourceSample): ThrottleChange | undefined {
    this.#last = sample;
    const zones = this.zones(sample);
    const hot = SIGNALS.filter((s) => zones[s] === "above-high");
    const known = SIGNALS.filter((s) => zones[s] !== "unknown");
    let next = this.#level;
    let signals: readonly ResourceSignal[] = [];
    if (hot.length > 0) {
      next = Math.min(this.#maxLevel, this.#level + 1);
      signals = hot;
    } else if (known.length > 0 && known.every((s) => zones[s] === "below-low")) {
      next = Math.max(0, this.#level - 1);
      signals = known;
    }
    if (next === this.#level) return undefined;
    const change: ThrottleChange = { from: this.step, to: this.stepAt(next), at: sample.at, signals, sample };
    this.#level = next;
    this.#listeners.emit(change);
    return change;
  }
}
