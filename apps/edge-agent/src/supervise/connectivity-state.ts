/**
 * Connectivity state machine (pure: no clock, no IO — every observation carries its own time).
 *
 * States and what the daemon does in each:
 * - `online`   — every probe answers in time: ship directly.
 * - `degraded` — OpenSearch answers but something is off (a probe failing or slower than `slowMs`, or the first
 *   failures before `failuresToOffline` is reached): keep shipping, the buffer stays ready.
 * - `offline`  — `failuresToOffline` consecutive failed observations: stop shipping, buffer instead.
 *
 * Hysteresis: leaving `offline` needs `successesToOnline` consecutive observations in which OpenSearch was
 * reachable (→ `degraded`, or straight to `online` if they were all fully healthy); reaching `online` from
 * `degraded` needs `successesToOnline` consecutive fully healthy probe rounds. A single good or bad answer never
 * flips shipping ↔ buffering, which is what makes a flapping link stable (the same scheme as HAProxy's `rise` /
 * `fall` health-check counters, https://docs.haproxy.org/3.0/configuration.html#5.2-rise).
 *
 * Evidence comes from two sources: probe rounds ({@link ConnectivityMachine.observeRound}) and the shipper's real
 * `_bulk` requests ({@link ConnectivityMachine.observeRequest}), so an outage is noticed between probes. A request
 * can prove or disprove reachability, but only a probe round (which includes DNS) can prove full health: request
 * successes never count towards `online`, so a failing DNS probe is not masked by traffic.
 *
 * Intended metrics (wired by the daemon from {@link ConnectivityMachine.snapshot} and transitions):
 * `soc_edge_connectivity_state{state}` (gauge, 1 for the current state, 0 for the others),
 * `soc_edge_connectivity_transitions_total{from,to}` (counter).
 * @module
 */
import { Listeners, type Unsubscribe } from "./listeners.js";

/** The three connectivity states, ordered from best to worst. */
export const CONNECTIVITY_STATES = ["online", "degraded", "offline"] as const;
/** One of {@link CONNECTIVITY_STATES}. */
export type ConnectivityState = (typeof CONNECTIVITY_STATES)[number];

/**
 * The verdict of one piece of evidence:
 * `ok` — reachable and healthy; `degraded` — reachable but slow or partially failing; `failed` — unreachable.
 */
export type Verdict = "ok" | "degraded" | "failed";

/** The result of one probe inside a round (see `connectivity-probe.ts`). */
export interface ProbeResult {
  /** Probe name, e.g. `"opensearch"` or `"dns:example.org"`. */
  readonly name: string;
  /** A critical probe failing means OpenSearch is unreachable; a non-critical one (DNS) only degrades. */
  readonly critical: boolean;
  /** Whether the probe succeeded within its timeout. */
  readonly ok: boolean;
  /** Time the probe took, in milliseconds (up to the timeout when it timed out). */
  readonly latencyMs: number;
  /** Why the probe failed, or why a successful probe reports degradation (e.g. cluster health `red`). */
  readonly detail?: string;
  /** A successful probe whose answer says the service is unhealthy (e.g. OpenSearch cluster status `red`). */
  readonly degraded?: boolean;
}

/** Outcome of one real request of the shipper (a `_bulk` call), reported as connectivity evidence. */
export interface RequestOutcome {
  /**
   * `true` when OpenSearch answered (any HTTP status the shipper handles itself, including 429 and item-level
   * errors); `false` on connection errors, timeouts and 502/503/504 — the failures a buffer should take over.
   */
  readonly ok: boolean;
  /** Request latency in milliseconds, if known; above `slowMs` counts as degraded. */
  readonly latencyMs?: number;
  /** Error text for logs. */
  readonly detail?: string;
}

/** HTTP statuses that mean "OpenSearch (or the proxy in front of it) is not serving": 502, 503, 504. */
export const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * Classifies one shipper request for {@link ConnectivityMachine.observeRequest}: no HTTP status (connection
 * refused/reset, DNS failure, timeout) or a status in {@link UNAVAILABLE_STATUSES} is a failure; any other status —
 * including 429 (back-pressure, handled by the shipper's retry) and 4xx — proves OpenSearch reachable.
 * @param result - `status`: the HTTP status if a response arrived; `error`: what the client threw;
 *   `latencyMs`: request duration.
 */
export function requestOutcomeOf(result: { readonly status?: number; readonly error?: unknown; readonly latencyMs?: number }): RequestOutcome {
  const latency = result.latencyMs === undefined ? {} : { latencyMs: result.latencyMs };
  if (result.status === undefined || UNAVAILABLE_STATUSES.has(result.status)) {
    const detail =
      result.status !== undefined ? `HTTP ${result.status}` : result.error instanceof Error ? result.error.message : result.error === undefined ? "no response" : String(result.error);
    return { ok: false, detail, ...latency };
  }
  return { ok: true, ...latency };
}

/** A state change, delivered to listeners. */
export interface ConnectivityTransition {
  readonly from: ConnectivityState;
  readonly to: ConnectivityState;
  /** Time of the observation that caused it, ms (caller's clock). */
  readonly at: number;
  /** Where the deciding evidence came from. */
  readonly source: "probe" | "request";
  /** Human-readable reason, e.g. `"3 consecutive failures (opensearch: ECONNREFUSED)"`. */
  readonly reason: string;
}

/** Read-only view of the machine, for `/readyz`, logs and metrics. */
export interface ConnectivitySnapshot {
  readonly state: ConnectivityState;
  /** Time of the last transition (or of construction), ms. */
  readonly since: number;
  /** Consecutive `failed` observations. */
  readonly failureStreak: number;
  /** Consecutive observations in which OpenSearch was reachable (`ok` or `degraded`). */
  readonly reachableStreak: number;
  /** Consecutive fully healthy probe rounds. */
  readonly healthyStreak: number;
  /** Transitions so far. */
  readonly transitions: number;
  /** Time of the last observation, ms, or `undefined` before the first. */
  readonly lastObservedAt: number | undefined;
}

/** Options of {@link ConnectivityMachine}. */
export interface ConnectivityMachineOptions {
  /** Consecutive failed observations that make the state `offline` (config `failuresToOffline`, ≥ 1). */
  readonly failuresToOffline: number;
  /** Consecutive good observations needed to leave `offline` / reach `online` (config `successesToOnline`, ≥ 1). */
  readonly successesToOnline: number;
  /** A successful probe or request slower than this counts as degraded, ms. Default: no slowness check. */
  readonly slowMs?: number;
  /** Starting state. Default `"online"` (optimistic: the first failed `_bulk` or probe corrects it). */
  readonly initial?: ConnectivityState;
  /** Time of construction, ms (for {@link ConnectivitySnapshot.since}). Default 0. */
  readonly now?: number;
}

/** Thrown for invalid {@link ConnectivityMachineOptions}. */
export class InvalidConnectivityOptionsError extends Error {
  override readonly name = "InvalidConnectivityOptionsError";
}

/**
 * Classifies a probe round: `failed` when no critical probe succeeded (or, without critical probes, when every
 * probe failed); `degraded` when some probe failed, reported degradation or was slower than `slowMs`; else `ok`.
 * An empty round is `ok` (nothing to contradict it).
 */
export function classifyRound(results: readonly ProbeResult[], slowMs = Infinity): Verdict {
  if (results.length === 0) return "ok";
  const critical = results.filter((r) => r.critical);
  const deciding = critical.length > 0 ? critical : results;
  if (!deciding.some((r) => r.ok)) return "failed";
  const bad = results.some((r) => !r.ok || r.degraded === true || r.latencyMs > slowMs);
  return bad ? "degraded" : "ok";
}

function describeRound(results: readonly ProbeResult[], slowMs: number): string {
  const notes = results
    .filter((r) => !r.ok || r.degraded === true || r.latencyMs > slowMs)
    .map((r) => `${r.name}: ${r.ok ? (r.degraded === true ? (r.detail ?? "degraded") : `slow ${Math.round(r.latencyMs)} ms`) : (r.detail ?? "failed")}`);
  return notes.join(", ");
}

/**
 * The online / degraded / offline machine with hysteresis. Feed it observations; it emits
 * {@link ConnectivityTransition}s to listeners registered with {@link ConnectivityMachine.onTransition} or read
 * through {@link ConnectivityMachine.transitions}.
 */
export class ConnectivityMachine {
  readonly #failuresToOffline: number;
  readonly #successesToOnline: number;
  readonly #slowMs: number;
  readonly #listeners = new Listeners<ConnectivityTransition>();
  #state: ConnectivityState;
  #since: number;
  #failureStreak = 0;
  #reachableStreak = 0;
  #healthyStreak = 0;
  #transitions = 0;
  #lastObservedAt: number | undefined;

  /** @throws {InvalidConnectivityOptionsError} when a count is not an integer ≥ 1 or `slowMs` is negative. */
  constructor(options: ConnectivityMachineOptions) {
    for (const key of ["failuresToOffline", "successesToOnline"] as const) {
      const v = options[key];
      if (!Number.isInteger(v) || v < 1) throw new InvalidConnectivityOptionsError(`${key} must be an integer ≥ 1, got ${v}`);
    }
    if (options.slowMs !== undefined && !(options.slowMs >= 0)) {
      throw new InvalidConnectivityOptionsError(`slowMs must be ≥ 0, got ${options.slowMs}`);
    }
    this.#failuresToOffline = options.failuresToOffline;
    this.#successesToOnline = options.successesToOnline;
    this.#slowMs = options.slowMs ?? Infinity;
    this.#state = options.initial ?? "online";
    this.#since = options.now ?? 0;
  }

  /** Current state. */
  get state(): ConnectivityState {
    return this.#state;
  }

  /** Whether the daemon should ship directly (`online` or `degraded`) rather than buffer (`offline`). */
  get reachable(): boolean {
    return this.#state !== "offline";
  }

  /** Counters and state for metrics, logs and `/readyz`. */
  snapshot(): ConnectivitySnapshot {
    return {
      state: this.#state,
      since: this.#since,
      failureStreak: this.#failureStreak,
      reachableStreak: this.#reachableStreak,
      healthyStreak: this.#healthyStreak,
      transitions: this.#transitions,
      lastObservedAt: this.#lastObservedAt,
    };
  }

  /**
   * Registers a transition listener (called synchronously inside the `observe*` call that caused it).
   * @returns its unsubscribe function.
   */
  onTransition(listener: (transition: ConnectivityTransition) => void): Unsubscribe {
    return this.#listeners.on(listener);
  }

  /** Transitions from now on as an async iterator; ends when `signal` aborts. See {@link Listeners.stream}. */
  transitions(signal?: AbortSignal): AsyncIterableIterator<ConnectivityTransition> {
    return this.#listeners.stream(signal);
  }

  /**
   * Feeds one probe round (all probes of one interval) observed at `now` ms.
   * @returns the round's verdict and the transition it caused, if any.
   * @throws {ListenerError} when a transition listener threw (the state change itself has happened).
   */
  observeRound(results: readonly ProbeResult[], now: number): { verdict: Verdict; transition: ConnectivityTransition | undefined } {
    const verdict = classifyRound(results, this.#slowMs);
    const transition = this.#observe(verdict, now, "probe", describeRound(results, this.#slowMs));
    return { verdict, transition };
  }

  /**
   * Feeds the outcome of one real shipper request observed at `now` ms. A failure counts exactly like a failed
   * probe round; a success proves reachability (it can lift `offline` to `degraded`) but never health.
   * @returns the transition it caused, if any.
   * @throws {ListenerError} when a transition listener threw (the state change itself has happened).
   */
  observeRequest(outcome: RequestOutcome, now: number): ConnectivityTransition | undefined {
    if (!outcome.ok) return this.#observe("failed", now, "request", outcome.detail ?? "request failed");
    const slow = outcome.latencyMs !== undefined && outcome.latencyMs > this.#slowMs;
    return this.#observe(slow ? "degraded" : "reachable", now, "request", slow ? `request slow ${Math.round(outcome.latencyMs ?? 0)} ms` : "request succeeded");
  }

  #observe(verdict: Verdict | "reachable", now: number, source: "probe" | "request", detail: string): ConnectivityTransition | undefined {
    this.#lastObservedAt = now;
    let next: ConnectivityState = this.#state;
    let reason = detail;
    if (verdict === "failed") {
      this.#failureStreak++;
      this.#reachableStreak = 0;
      this.#healthyStreak = 0;
      if (this.#failureStreak >= this.#failuresToOffline) {
        next = "offline";
        reason = `${this.#failureStreak} consecutive failure(s)${detail ? ` (${detail})` : ""}`;
      } else if (this.#state === "online") next = "degraded";
    } else {
      this.#failureStreak = 0;
      this.#reachableStreak++;
      if (verdict === "ok") this.#healthyStreak++;
      else if (verdict === "degraded") this.#healthyStreak = 0;
      // "reachable" (a request success) leaves the healthy streak as it is: it neither proves nor disproves health.
      if (this.#healthyStreak >= this.#successesToOnline) {
        next = "online";
        reason = `${this.#healthyStreak} consecutive healthy probe round(s)`;
      } else if (this.#state === "online" && verdict === "degraded") {
        next = "degraded";
      } else if (this.#state === "offline" && this.#reachableStreak >= this.#successesToOnline) {
        next = "degraded";
        reason = `${this.#reachableStreak} consecutive reachable observation(s)${detail ? ` (${detail})` : ""}`;
      }
    }
    if (next === this.#state) return undefined;
    const transition: ConnectivityTransition = { from: this.#state, to: next, at: now, source, reason };
    this.#state = next;
    this.#since = now;
    this.#transitions++;
    this.#listeners.emit(transition);
    return transition;
  }
}
