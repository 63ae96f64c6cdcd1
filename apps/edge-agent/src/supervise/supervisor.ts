/**
 * Supervisor (IO adapter around {@link RestartPolicy}): runs named components — `async (signal) => void`
 * functions that end when their signal aborts — restarts failed ones with backoff, gives up after too many
 * restarts, and shuts everything down in phases within one deadline.
 *
 * Phased shutdown is how the agent stops cleanly on SIGTERM: phase 0 (readers) is aborted first and awaited, then
 * phase 1 (shipper: flushes in-flight batches), then phase 2 (checkpoint writer, metrics server)… all within
 * `deadlineMs`. Components still running at the deadline are reported, not waited for.
 *
 * Intended metrics (wired by the daemon from {@link Supervisor.status} and events):
 * `soc_edge_component_up{component}` (gauge 0/1), `soc_edge_component_restarts_total{component}` (counter),
 * `soc_edge_component_gave_up{component}` (gauge 0/1).
 * @module
 */
import { type Clock, systemClock } from "./clock.js";
import { describeError } from "./connectivity-probe.js";
import { Listeners, type Unsubscribe } from "./listeners.js";
import { RestartPolicy, type RestartPolicyOptions } from "./restart-policy.js";

/** A supervised component. */
export interface ComponentSpec extends RestartPolicyOptions {
  /** Unique name (logs, metric label). */
  readonly name: string;
  /**
   * The work. Must return (or reject with the abort reason) soon after `signal` aborts; returning earlier counts
   * as completion, rejecting as failure.
   */
  readonly run: (signal: AbortSignal) => Promise<void>;
  /** Shutdown phase: lower phases are stopped (and awaited) first. Default 0. */
  readonly stopPhase?: number;
  /** When `true` (default), giving up on this component shuts the whole supervisor down. */
  readonly essential?: boolean;
}

/** Lifecycle of a component. `completed`, `stopped` and `gave-up` are final. */
export type ComponentState = "pending" | "running" | "backoff" | "stopping" | "completed" | "stopped" | "gave-up";

/** Read-only view of one component. */
export interface ComponentStatus {
  readonly name: string;
  readonly state: ComponentState;
  /** Restarts so far. */
  readonly restarts: number;
  /** Last failure, as text. */
  readonly lastError: string | undefined;
  /** Start time of the current or last run, ms. */
  readonly startedAt: number | undefined;
}

/** Events for logs and metrics. `error` is what the component threw. */
export type SupervisorEvent =
  | { readonly type: "started"; readonly name: string; readonly at: number; readonly run: number }
  | { readonly type: "failed"; readonly name: string; readonly at: number; readonly error: unknown }
  | { readonly type: "completed"; readonly name: string; readonly at: number }
  | { readonly type: "restart-scheduled"; readonly name: string; readonly at: number; readonly delayMs: number; readonly restarts: number }
  | { readonly type: "gave-up"; readonly name: string; readonly at: number; readonly reason: string; readonly error: unknown }
  | { readonly type: "stopped"; readonly name: string; readonly at: number };

/** Result of {@link Supervisor.shutdown}. */
export interface ShutdownReport {
  /** Components that ended within the deadline (in the order they ended). */
  readonly stopped: readonly string[];
  /** Components still running at the deadline. */
  readonly timedOut: readonly string[];
  /** Components whose last run ended with an error other than the abort. */
  readonly errors: readonly { readonly name: string; readonly error: string }[];
  /** Time the shutdown took, ms. */
  readonly elapsedMs: number;
}

/** Why the supervisor finished ({@link Supervisor.done}). */
export interface SupervisorOutcome {
  /** `shutdown` after {@link Supervisor.shutdown}; `gave-up` when an essential component exhausted its restarts; `completed` when every component returned. */
  readonly reason: "shutdown" | "gave-up" | "completed";
  /** The component given up on, for `gave-up`. */
  readonly component?: string;
  /** The shutdown report, unless every component completed by itself. */
  readonly report?: ShutdownReport;
}

/** Thrown by {@link Supervisor.add} for a duplicate name or after shutdown began. */
export class SupervisorError extends Error {
  override readonly name = "SupervisorError";
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Restart options applied to every component unless it sets its own. */
  readonly defaults?: RestartPolicyOptions;
  /** Deadline of the shutdown started when an essential component is given up on, ms. Default 10 000. */
  readonly giveUpDeadlineMs?: number;
}

interface Entry {
  readonly spec: ComponentSpec;
  readonly policy: RestartPolicy;
  readonly controller: AbortController;
  state: ComponentState;
  lastError: unknown;
  hasError: boolean;
  startedAt: number | undefined;
  loop: Promise<void> | undefined;
}

const FINAL: ReadonlySet<ComponentState> = new Set(["completed", "stopped", "gave-up"]);

/** Runs and restarts components. Typical use: `add(...)` each, `start()`, on SIGTERM `await shutdown({ deadlineMs })`. */
export class Supervisor {
  readonly #clock: Clock;
  readonly #defaults: RestartPolicyOptions;
  readonly #giveUpDeadlineMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #events = new Listeners<SupervisorEvent>();
  #listenerErrorCount = 0;
  #lastListenerError: unknown;
  #started = false;
  #shutdown: Promise<ShutdownReport> | undefined;
  #resolveDone!: (outcome: SupervisorOutcome) => void;
  #outcome: SupervisorOutcome | undefined;
  /** Resolves once, when the supervisor has finished (see {@link SupervisorOutcome}); never rejects. */
  readonly done: Promise<SupervisorOutcome>;

  constructor(options: SupervisorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#defaults = options.defaults ?? {};
    this.#giveUpDeadlineMs = options.giveUpDeadlineMs ?? 10_000;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /** Errors thrown by event listeners so far (counted, not rethrown, so a bad logger cannot break supervision). */
  get listenerErrors(): number {
    return this.#listenerErrorCount;
  }

  /** The last error thrown by an event listener, if any. */
  get lastListenerError(): unknown {
    return this.#lastListenerError;
  }

  /**
   * Registers a component; after {@link Supervisor.start} it starts at once.
   * @throws {SupervisorError} for a duplicate name or when shutdown has begun;
   *   {@link InvalidRestartPolicyError} for invalid restart options.
   */
  add(spec: ComponentSpec): void {
    if (this.#shutdown) throw new SupervisorError(`cannot add ${spec.name}: shutdown has begun`);
    if (this.#entries.has(spec.name)) throw new SupervisorError(`duplicate component name: ${spec.name}`);
    const policy = new RestartPolicy({ ...this.#defaults, ...spec, backoff: { ...this.#defaults.backoff, ...spec.backoff } });
    const entry: Entry = { spec, policy, controller: new AbortController(), state: "pending", lastError: undefined, hasError: false, startedAt: undefined, loop: undefined };
    this.#entries.set(spec.name, entry);
    if (this.#started) entry.loop = this.#run(entry);
  }

  /** Starts every registered component. Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const entry of this.#entries.values()) entry.loop ??= this.#run(entry);
    this.#checkAllFinal();
  }

  /** Subscribes to {@link SupervisorEvent}s; returns the unsubscribe function. */
  onEvent(listener: (event: SupervisorEvent) => void): Unsubscribe {
    return this.#events.on(listener);
  }

  /** State of every component, in registration order. */
  status(): ComponentStatus[] {
    return [...this.#entries.values()].map((e) => ({
      name: e.spec.name,
      state: e.state,
      restarts: e.policy.restarts,
      lastError: e.hasError ? describeError(e.lastError) : undefined,
      startedAt: e.startedAt,
    }));
  }

  /**
   * Stops every component by phase (ascending `stopPhase`): aborts the phase's signals, waits for them, then the
   * next phase; the whole shutdown ends at `deadlineMs` at the latest (later phases are then aborted without
   * waiting). Calling it again returns the same report. Never rejects.
   */
  shutdown(options: { readonly deadlineMs: number }): Promise<ShutdownReport> {
    this.#shutdown ??= this.#stopAll(options.deadlineMs).then((report) => {
      this.#finish({ reason: this.#outcome?.reason ?? "shutdown", ...(this.#outcome?.component ? { component: this.#outcome.component } : {}), report });
      return report;
    });
    return this.#shutdown;
  }

  async #stopAll(deadlineMs: number): Promise<ShutdownReport> {
    const started = this.#clock.now();
    const deadline = started + Math.max(0, deadlineMs);
    const stopped: string[] = [];
    const timedOut: string[] = [];
    const phases = [...new Set([...this.#entries.values()].map((e) => e.spec.stopPhase ?? 0))].sort((a, b) => a - b);
    for (const phase of phases) {
      const group = [...this.#entries.values()].filter((e) => (e.spec.stopPhase ?? 0) === phase);
      const ended = new Set<string>();
      const waits = group.map(async (e) => {
        if (!FINAL.has(e.state)) e.state = e.loop ? "stopping" : "stopped"; // never started: nothing to wait for
        e.controller.abort(new Error(`supervisor shutdown (${e.spec.name})`));
        await e.loop;
        ended.add(e.spec.name);
        stopped.push(e.spec.name);
      });
      const timer = new AbortController();
      await Promise.race([Promise.all(waits), this.#clock.sleep(deadline - this.#clock.now(), timer.signal).catch(() => undefined)]);
      timer.abort();
      for (const e of group) if (!ended.has(e.spec.name)) timedOut.push(e.spec.name);
    }
    const errors = [...this.#entries.values()].filter((e) => e.hasError).map((e) => ({ name: e.spec.name, error: describeError(e.lastError) }));
    return { stopped, timedOut, errors, elapsedMs: this.#clock.now() - started };
  }

  async #run(entry: Entry): Promise<void> {
    const { spec, controller } = entry;
    const signal = controller.signal;
    let runs = 0;
    while (!signal.aborted) {
      entry.state = "running";
      entry.startedAt = this.#clock.now();
      this.#emit({ type: "started", name: spec.name, at: entry.startedAt, run: ++runs });
      let failed = false;
      let error: unknown;
      try {
        await spec.run(signal);
      } catch (e) {
        failed = true;
        error = e;
      }
      const now = this.#clock.now();
      if (signal.aborted) {
        if (failed && error !== signal.reason && !(error instanceof Error && error.name === "AbortError")) {
          entry.lastError = error;
          entry.hasError = true;
        }
        break;
      }
      if (failed) {
        entry.lastError = error;
        entry.hasError = true;
        this.#emit({ type: "failed", name: spec.name, at: now, error });
      }
      const decision = entry.policy.onExit({ startedAt: entry.startedAt, endedAt: now, failed });
      if (decision.action === "done") {
        entry.state = "completed";
        this.#emit({ type: "completed", name: spec.name, at: now });
        this.#checkAllFinal();
        return;
      }
      if (decision.action === "give-up") {
        entry.state = "gave-up";
        this.#emit({ type: "gave-up", name: spec.name, at: now, reason: decision.reason, error });
        if (spec.essential ?? true) {
          this.#outcome ??= { reason: "gave-up", component: spec.name };
          void this.shutdown({ deadlineMs: this.#giveUpDeadlineMs });
        } else this.#checkAllFinal();
        return;
      }
      entry.state = "backoff";
      this.#emit({ type: "restart-scheduled", name: spec.name, at: now, delayMs: decision.delayMs, restarts: entry.policy.restarts });
      try {
        await this.#clock.sleep(decision.delayMs, signal);
      } catch {
        break; // aborted during backoff: shutdown
      }
    }
    entry.state = "stopped";
    this.#emit({ type: "stopped", name: spec.name, at: this.#clock.now() });
  }

  #checkAllFinal(): void {
    if (this.#shutdown || !this.#started) return;
    const entries = [...this.#entries.values()];
    if (entries.every((e) => FINAL.has(e.state))) this.#finish({ reason: entries.some((e) => e.state === "gave-up") ? "gave-up" : "completed" });
  }

  #finish(outcome: SupervisorOutcome): void {
    this.#outcome = outcome;
    this.#resolveDone(outcome);
  }

  #emit(event: SupervisorEvent): void {
    try {
      this.#events.emit(event);
    } catch (error) {
      this.#listenerErrorCount++;
      this.#lastListenerError = error;
    }
  }
}
