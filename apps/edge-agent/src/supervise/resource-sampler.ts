/**
 * Host resource readings (IO adapter over `systeminformation`, https://systeminformation.io) and the periodic
 * sampler that feeds them to a {@link ThrottleController} and applies the resulting rate to a
 * {@link RateLimiter}.
 * @module
 */
import { type Clock, isAbortOf, systemClock } from "./clock.js";
import { Listeners, type Unsubscribe } from "./listeners.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { ResourceSample, ThrottleChange, ThrottleController } from "./throttle-controller.js";
import { describeError } from "./connectivity-probe.js";

/** A reading without its time: percentages 0..100 and °C, `null` when unknown. */
export type ResourceReading = Omit<ResourceSample, "at">;

/** Reads the host; must not throw for a single missing signal (return `null` for it instead). */
export type ResourceReader = () => Promise<ResourceReading>;

/** The subset of `systeminformation` used here (injectable for tests). */
export interface SystemInformationApi {
  currentLoad(): Promise<{ currentLoad: number }>;
  mem(): Promise<{ total: number; available: number }>;
  cpuTemperature(): Promise<{ main: number | null }>;
}

/** Per-signal read errors of {@link systemInformationReader}, counted so that a broken sensor is visible. */
export interface ReaderErrors {
  cpuPercent: number;
  memoryPercent: number;
  temperatureC: number;
  /** Last error text per signal. */
  last: Partial<Record<"cpuPercent" | "memoryPercent" | "temperatureC", string>>;
}

function finiteOrNull(value: unknown, min: number, max: number): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max ? value : null;
}

/**
 * A {@link ResourceReader} over systeminformation:
 * - CPU % = `si.currentLoad().currentLoad`: utilisation of all cores since the previous call (the first call
 *   measures since boot), from `/proc/stat` on Linux. Host-wide, also inside a container.
 * - memory % = `(total − available) / total · 100` from `si.mem()` (`available` is the kernel's MemAvailable,
 *   so page cache does not count as used).
 * - temperature °C = `si.cpuTemperature().main`: on a Raspberry Pi the `cpu-thermal` zone
 *   `/sys/class/thermal/thermal_zone0/temp`; `null` on hosts without a sensor (most VMs, containers without
 *   `/sys`), which stays `null` — unknown, never 0.
 * A failing call yields `null` for its signal and is counted in `errors` (never thrown); implausible values
 * (CPU/memory outside 0..100, temperature outside −50..200 °C, NaN) are `null` as well.
 * Sources: https://systeminformation.io/cpu.html, https://systeminformation.io/memory.html
 *
 * @param api - the systeminformation functions used; default: the `systeminformation` package, loaded on the first
 *   read (a process that never samples — `run --once` — never holds it; a failed load rejects that read).
 */
export function systemInformationReader(api?: SystemInformationApi, errors?: ReaderErrors): ResourceReader {
  let loaded: Promise<SystemInformationApi> | undefined = api && Promise.resolve(api);
  const load = (): Promise<SystemInformationApi> => (loaded ??= import("systeminformation").then((m) => m.default));
  const guard = async <T>(signal: keyof Omit<ReaderErrors, "last">, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (errors) {
        errors[signal]++;
        errors.last[signal] = describeError(error);
      }
      return undefined;
    }
  };
  return async () => {
    const si = await load();
    const [cpu, mem, temp] = await Promise.all([
      guard("cpuPercent", () => si.currentLoad()),
      guard("memoryPercent", () => si.mem()),
      guard("temperatureC", () => si.cpuTemperature()),
    ]);
    const memoryPercent = mem && mem.total > 0 ? ((mem.total - mem.available) / mem.total) * 100 : null;
    return {
      cpuPercent: finiteOrNull(cpu?.currentLoad, 0, 100.0001),
      memoryPercent: finiteOrNull(memoryPercent, 0, 100),
      // Readings outside what a running SoC can report (-50..200 °C) are sensor garbage: unknown.
      temperatureC: finiteOrNull(temp?.main, -50, 200),
    };
  };
}

/** Options of {@link ResourceSampler}. */
export interface ResourceSamplerOptions {
  readonly controller: ThrottleController;
  /** Sampling interval, ms (config `throttle.interval`). */
  readonly intervalMs: number;
  /** Default {@link systemInformationReader} over `systeminformation`, its errors in {@link ResourceSampler.readErrors}. */
  readonly reader?: ResourceReader;
  /** When given, its rate follows the controller's `readBytesPerSecond`. */
  readonly limiter?: RateLimiter;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
}

/**
 * Periodic sampler: reads the host every `intervalMs`, feeds the controller, and on a level change sets the
 * limiter's rate. `run(signal)` resolves when `signal` aborts; it rejects when the reader throws or a listener
 * throws, so a supervisor restarts it.
 */
export class ResourceSampler {
  readonly #options: ResourceSamplerOptions;
  readonly #clock: Clock;
  readonly #samples = new Listeners<ResourceSample>();
  readonly #reader: ResourceReader;
  readonly #errors: ReaderErrors = { cpuPercent: 0, memoryPercent: 0, temperatureC: 0, last: {} };
  #count = 0;

  /** @throws {RangeError} when `intervalMs ≤ 0`. */
  constructor(options: ResourceSamplerOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${options.intervalMs}`);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#reader = options.reader ?? systemInformationReader(undefined, this.#errors);
    options.limiter?.setRate(options.controller.step.readBytesPerSecond);
  }

  /** Samples taken so far. */
  get samples(): number {
    return this.#count;
  }

  /** Failed reads per signal of the default reader (all 0 with a custom reader). */
  get readErrors(): Readonly<ReaderErrors> {
    return this.#errors;
  }

  /** Registers a listener for every sample (for the CPU/memory/temperature gauges). */
  onSample(listener: (sample: ResourceSample) => void): Unsubscribe {
    return this.#samples.on(listener);
  }

  /**
   * Takes one sample now and applies it.
   * @returns the level change it caused, if any.
   * @throws whatever the reader throws; {@link ListenerError} when a listener threw.
   */
  async sampleOnce(): Promise<ThrottleChange | undefined> {
    const reading = await this.#reader();
    const sample: ResourceSample = { at: this.#clock.now(), ...reading };
    this.#count++;
    const change = this.#options.controller.observe(sample);
    if (change) this.#options.limiter?.setRate(change.to.readBytesPerSecond);
    this.#samples.emit(sample);
    return change;
  }

  /** Samples every `intervalMs` until `signal` aborts (then resolves). */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.#clock.now();
      await this.sampleOnce();
      try {
        await this.#clock.sleep(this.#options.intervalMs - (this.#clock.now() - started), signal);
      } catch (error) {
        if (isAbortOf(signal, error)) return;
        throw error;
      }
    }
  }
}
