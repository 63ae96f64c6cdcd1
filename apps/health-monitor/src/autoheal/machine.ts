/**
 * The autoheal state machine: decides, for each observation of a container, whether to restart it now.
 * Pure (time is passed in, nothing is restarted here; the daemon performs the restart and reports back).
 *
 * Rules, in order:
 * 1. never the monitor's own container;
 * 2. only selected containers: opt-in mode needs label `<label>=true`; opt-out mode takes every container
 *    except those labelled `<label>=false`;
 * 3. never a container that is restarting, not running, or whose health is `starting`/`healthy`/`none`;
 * 4. only after it has been unhealthy for the grace period (a restart resets the clock);
 * 5. exponential backoff between restarts of the same container (`initial × 2^(n−1)`, capped), reset once
 *    it is seen healthy;
 * 6. circuit breaker: at most `maxRestarts` restarts in any sliding `window`; when open, the container is
 *    left alone until the oldest restart leaves the window.
 * Cf. willfarrell/docker-autoheal, whose users asked for the grace period, the opt-out label and the
 * restarting guard: https://github.com/willfarrell/docker-autoheal/issues
 */
import type { HealthStatus, RunState } from "../state/model.js";

/** Autoheal settings (durations in milliseconds). */
export interface AutohealPolicy {
  /** Label key, e.g. `soc.autoheal`. */
  label: string;
  /** true: only `<label>=true` containers; false: all but `<label>=false` ones. */
  optIn: boolean;
  gracePeriodMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Restarts allowed per container in `windowMs`. */
  maxRestarts: number;
  windowMs: number;
  /** Decide and report, but the daemon does not restart. */
  dryRun: boolean;
}

/** What the machine needs to know about a container. */
export interface AutohealSubject {
  id: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  state: RunState;
  health: HealthStatus;
}

/** Why a container is not restarted now. */
export type HoldReason =
  | "self"
  | "not-selected"
  | "opted-out"
  | "not-running"
  | "restarting"
  | "not-unhealthy"
  | "in-flight"
  | "grace-period"
  | "backoff"
  | "circuit-open";

/** The decision for one observation. `changed` is true when it differs from the previous decision for the container (log those). */
export type AutohealDecision =
  | { action: "restart"; id: string; name: string; attempt: number; unhealthyForMs: number; dryRun: boolean; changed: true }
  | { action: "hold"; id: string; name: string; reason: HoldReason; /** Epoch ms when this may change by itself. */ until?: number; changed: boolean };

interface Track {
  unhealthySince?: number;
  /** Restarts since last seen healthy (drives the backoff). */
  consecutive: number;
  lastRestartAt?: number;
  /** Start times of restarts inside the window (for the circuit breaker). */
  recent: number[];
  inFlight: boolean;
  lastKey?: string;
}

/** Tells whether a container id is the monitor's own. */
export type SelfMatcher = (id: string) => boolean;

/** The machine. One per daemon; feed it every observation. */
export class AutohealMachine {
  private readonly tracks = new Map<string, Track>();

  /** @param isSelf matcher of the monitor's own container (see `selfMatcher`). */
  constructor(
    readonly policy: AutohealPolicy,
    private readonly isSelf: SelfMatcher = () => false,
  ) {
    if (policy.maxRestarts < 1) throw new RangeError(`maxRestarts must be ≥ 1, got ${policy.maxRestarts}`);
    if (policy.initialBackoffMs < 0 || policy.maxBackoffMs < policy.initialBackoffMs) throw new RangeError("backoff must satisfy 0 ≤ initial ≤ max");
  }

  /** Backoff before restart number `attempt` (1-based; the first restart has no backoff). */
  backoffMs(attempt: number): number {
    if (attempt <= 1) return 0;
    return Math.min(this.policy.maxBackoffMs, this.policy.initialBackoffMs * 2 ** (attempt - 2));
  }

  /** Decides for one observation at `nowMs`. Restart decisions must be followed by {@link started}. */
  observe(c: AutohealSubject, nowMs: number): AutohealDecision {
    const t = this.track(c.id);
    const hold = (reason: HoldReason, until?: number): AutohealDecision => this.mark(t, { action: "hold", id: c.id, name: c.name, reason, ...(until !== undefined ? { until } : {}), changed: false });
    if (this.isSelf(c.id)) return hold("self");
    const label = c.labels[this.policy.label];
    if (this.policy.optIn ? label !== "true" : label === "false") return hold(this.policy.optIn ? "not-selected" : "opted-out");
    if (c.health === "healthy") {
      t.consecutive = 0;
      t.unhealthySince = undefined;
    }
    if (c.health !== "unhealthy") t.unhealthySince = undefined;
    if (t.inFlight) return hold("in-flight");
    if (c.state === "restarting") return hold("restarting");
    if (c.state !== "running") return hold("not-running");
    if (c.health !== "unhealthy") return hold("not-unhealthy");
    t.unhealthySince ??= nowMs;
    const graceEnd = t.unhealthySince + this.policy.gracePeriodMs;
    if (nowMs < graceEnd) return hold("grace-period", graceEnd);
    t.recent = t.recent.filter((x) => x > nowMs - this.policy.windowMs);
    if (t.recent.length >= this.policy.maxRestarts) return hold("circuit-open", (t.recent[0] ?? nowMs) + this.policy.windowMs);
    const attempt = t.consecutive + 1;
    const backoffEnd = (t.lastRestartAt ?? -Infinity) + this.backoffMs(attempt);
    if (nowMs < backoffEnd) return hold("backoff", backoffEnd);
    return this.mark(t, { action: "restart", id: c.id, name: c.name, attempt, unhealthyForMs: nowMs - t.unhealthySince, dryRun: this.policy.dryRun, changed: true });
  }

  /** Records that a restart (or, in dry-run, a would-be restart) began at `nowMs`. */
  started(id: string, nowMs: number): void {
    const t = this.track(id);
    t.inFlight = !this.policy.dryRun;
    t.consecutive++;
    t.lastRestartAt = nowMs;
    t.recent.push(nowMs);
    t.unhealthySince = undefined;
  }

  /** Records that the restart finished (successfully or not) at `nowMs`. */
  finished(id: string, nowMs: number): void {
    const t = this.track(id);
    t.inFlight = false;
    t.unhealthySince = undefined;
    t.lastRestartAt = nowMs;
  }

  /** True when the circuit breaker of this container is open at `nowMs`. */
  circuitOpen(id: string, nowMs: number): boolean {
    const t = this.tracks.get(id);
    return t !== undefined && t.recent.filter((x) => x > nowMs - this.policy.windowMs).length >= this.policy.maxRestarts;
  }

  /** Drops what is known about a container (it was destroyed). */
  forget(id: string): void {
    this.tracks.delete(id);
  }

  /** Number of containers tracked. */
  get size(): number {
    return this.tracks.size;
  }

  private track(id: string): Track {
    let t = this.tracks.get(id);
    if (!t) {
      t = { consecutive: 0, recent: [], inFlight: false };
      this.tracks.set(id, t);
    }
    return t;
  }

  private mark(t: Track, d: AutohealDecision): AutohealDecision {
    const key = d.action === "restart" ? `restart:${d.attempt}` : d.reason;
    const changed = d.action === "restart" || key !== t.lastKey;
    t.lastKey = key;
    return d.action === "restart" ? d : { ...d, changed };
  }
}
