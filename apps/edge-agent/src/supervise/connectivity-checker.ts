/**
 * The periodic connectivity checker (IO adapter): every `intervalMs` it runs all probes in parallel, each under
 * `timeoutMs`, and feeds the round to a {@link ConnectivityMachine}. Runs until its AbortSignal aborts.
 * @module
 */
import { type Clock, isAbortOf, systemClock } from "./clock.js";
import { dnsProbe, httpProbe, type HttpProbeRequest, type Probe, runProbe } from "./connectivity-probe.js";
import { ConnectivityMachine, type ProbeResult, type Verdict } from "./connectivity-state.js";
import { Listeners, type Unsubscribe } from "./listeners.js";

/** One completed probe round, delivered to {@link ConnectivityChecker.onRound} listeners (logs, metrics). */
export interface ProbeRound {
  /** Time the round started, ms (checker clock). */
  readonly at: number;
  readonly results: readonly ProbeResult[];
  readonly verdict: Verdict;
}

/** Options of {@link ConnectivityChecker}. */
export interface ConnectivityCheckerOptions {
  /** The machine fed by this checker (shared with the shipper, which reports request outcomes into it). */
  readonly machine: ConnectivityMachine;
  /** Probes run every round. */
  readonly probes: readonly Probe[];
  /** Time between round starts, ms (config `connectivity.interval`). */
  readonly intervalMs: number;
  /** Per-probe timeout, ms (config `connectivity.timeout`). */
  readonly timeoutMs: number;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
}

/**
 * Periodic prober. `run(signal)` probes immediately, then every `intervalMs` (measured start to start; a round
 * that takes longer than the interval is followed by the next one at once). It resolves when `signal` aborts and
 * rejects only if a transition or round listener throws (a {@link ListenerError}), so a supervisor can restart it.
 */
export class ConnectivityChecker {
  readonly #options: ConnectivityCheckerOptions;
  readonly #clock: Clock;
  readonly #rounds = new Listeners<ProbeRound>();
  #last: ProbeRound | undefined;
  #roundCount = 0;

  /** @throws {RangeError} when `intervalMs` ≤ 0 or `timeoutMs` ≤ 0. */
  constructor(options: ConnectivityCheckerOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${options.intervalMs}`);
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** The machine this checker feeds. */
  get machine(): ConnectivityMachine {
    return this.#options.machine;
  }

  /** The last completed round, or `undefined` before the first. */
  get lastRound(): ProbeRound | undefined {
    return this.#last;
  }

  /** Rounds completed so far. */
  get rounds(): number {
    return this.#roundCount;
  }

  /** Registers a listener called after every completed round; returns its unsubscribe function. */
  onRound(listener: (round: ProbeRound) => void): Unsubscribe {
    return this.#rounds.on(listener);
  }

  /**
   * Runs one round now: all probes in parallel, then the machine is fed (unless `signal` aborted meanwhile — a
   * round cut short by shutdown is not evidence).
   * @returns the round, or `undefined` when it was aborted.
   * @throws {ListenerError} when a listener threw.
   */
  async probeOnce(signal?: AbortSignal): Promise<ProbeRound | undefined> {
    const at = this.#clock.now();
    const results = await Promise.all(this.#options.probes.map((p) => runProbe(p, this.#options.timeoutMs, this.#clock, signal)));
    if (signal?.aborted) return undefined;
    const { verdict } = this.#options.machine.observeRound(results, this.#clock.now());
    const round: ProbeRound = { at, results, verdict };
    this.#last = round;
    this.#roundCount++;
    this.#rounds.emit(round);
    return round;
  }

  /**
   * Probes until `signal` aborts. Resolves on abort.
   * @throws {ListenerError} when a listener threw.
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.#clock.now();
      await this.probeOnce(signal);
      const wait = this.#options.intervalMs - (this.#clock.now() - started);
      try {
        await this.#clock.sleep(wait, signal);
      } catch (error) {
        if (isAbortOf(signal, error)) return;
        throw error;
      }
    }
  }
}

/** The `apps.edgeAgent.connectivity` config section, with durations already converted to milliseconds. */
export interface ConnectivitySettings {
  /** Probe interval, ms. */
  readonly intervalMs: number;
  /** Per-probe timeout, ms. */
  readonly timeoutMs: number;
  readonly failuresToOffline: number;
  readonly successesToOnline: number;
  /** Names resolved as DNS probes (non-critical). */
  readonly dnsNames: readonly string[];
}

/** Inputs of {@link createConnectivity}. */
export interface CreateConnectivityOptions {
  readonly settings: ConnectivitySettings;
  /** OpenSearch endpoint URL probed with GET (root or `/_cluster/health`). */
  readonly url: string;
  /** Request function using the configured OpenSearch client; default global `fetch` (see {@link httpProbe}). */
  readonly request?: HttpProbeRequest;
  /** A successful probe or request slower than this is degraded, ms. Default `timeoutMs / 2`. */
  readonly slowMs?: number;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
}

/**
 * Builds the machine and its checker from config: one critical HTTP probe of `url` plus one non-critical DNS
 * probe per `dnsNames` entry.
 * @throws {InvalidConnectivityOptionsError} or {@link RangeError} on invalid settings.
 */
export function createConnectivity(options: CreateConnectivityOptions): { machine: ConnectivityMachine; checker: ConnectivityChecker } {
  const { settings } = options;
  const clock = options.clock ?? systemClock;
  const machine = new ConnectivityMachine({
    failuresToOffline: settings.failuresToOffline,
    successesToOnline: settings.successesToOnline,
    slowMs: options.slowMs ?? settings.timeoutMs / 2,
    now: clock.now(),
  });
  const probes: Probe[] = [httpProbe({ url: options.url, ...(options.request ? { request: options.request } : {}) })];
  for (const name of settings.dnsNames) probes.push(dnsProbe(name));
  const checker = new ConnectivityChecker({ machine, probes, intervalMs: settings.intervalMs, timeoutMs: settings.timeoutMs, clock });
  return { machine, checker };
}
