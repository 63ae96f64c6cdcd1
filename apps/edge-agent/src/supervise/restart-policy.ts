/**
 * Restart policy of one supervised component (pure: exit times are passed in).
 *
 * After each exit it decides: `done` (finished normally and should not run again), `restart` after a full-jitter
 * backoff delay (src/ship/backoff.ts), or `give-up` when `maxRestarts` restarts already happened within the last
 * `windowMs` — the intensity/period rule of Erlang/OTP supervisors
 * (https://www.erlang.org/doc/system/sup_princ.html#maximum-restart-intensity) and systemd's
 * `StartLimitBurst`/`StartLimitIntervalSec`. A run that lasted `resetAfterMs` or longer counts as healthy and
 * resets the backoff, so a component that fails once a day restarts quickly each time.
 * @module
 */
import { Backoff, type BackoffOptions } from "../ship/backoff.js";

/** When a component is restarted: after a failure only (default), after any exit, or never. */
export type RestartMode = "on-failure" | "always" | "never";

/** Options of {@link RestartPolicy}. */
export interface RestartPolicyOptions {
  /** Default `"on-failure"`. */
  readonly mode?: RestartMode;
  /** Backoff of restart delays (ms). Default base 500 ms, cap 30 s, `Math.random` jitter. */
  readonly backoff?: BackoffOptions;
  /** Restarts allowed within `windowMs` before giving up. Default: unlimited. */
  readonly maxRestarts?: number;
  /** Sliding window for `maxRestarts`, ms. Default 60 000. */
  readonly windowMs?: number;
  /** A run at least this long resets the backoff, ms. Default 60 000. */
  readonly resetAfterMs?: number;
}

/** One exit of the component. */
export interface ComponentExit {
  /** When the run started, ms. */
  readonly startedAt: number;
  /** When it ended, ms. */
  readonly endedAt: number;
  /** `true` when it threw/rejected, `false` when it returned. */
  readonly failed: boolean;
}

/** What to do after an exit. */
export type RestartDecision =
  | { readonly action: "done" }
  | {
      readonly action: "restart";
      /** Wait before the restart, ms. */
      readonly delayMs: number;
      /** Backoff attempt used (0 after a reset). */
      readonly attempt: number;
      /** Restarts within the window, including this one. */
      readonly restartsInWindow: number;
    }
  | {
      readonly action: "give-up";
      /** Restarts within the window when giving up. */
      readonly restartsInWindow: number;
      readonly reason: string;
    };

/** Thrown for invalid {@link RestartPolicyOptions}. */
export class InvalidRestartPolicyError extends Error {
  override readonly name = "InvalidRestartPolicyError";
}

/** Decides restarts for one component; create one per component. */
export class RestartPolicy {
  readonly #mode: RestartMode;
  readonly #backoff: Backoff;
  readonly #maxRestarts: number;
  readonly #windowMs: number;
  readonly #resetAfterMs: number;
  readonly #restarts: number[] = [];
  #total = 0;

  /** @throws {InvalidRestartPolicyError} (or InvalidBackoffOptionsError) on out-of-range options. */
  constructor(options: RestartPolicyOptions = {}) {
    this.#mode = options.mode ?? "on-failure";
    this.#backoff = new Backoff({ baseMs: 500, capMs: 30_000, ...options.backoff });
    this.#maxRestarts = options.maxRestarts ?? Infinity;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#resetAfterMs = options.resetAfterMs ?? 60_000;
    if (!(this.#maxRestarts >= 0)) throw new InvalidRestartPolicyError(`maxRestarts must be ≥ 0, got ${options.maxRestarts}`);
    if (!(this.#windowMs > 0)) throw new InvalidRestartPolicyError(`windowMs must be > 0, got ${options.windowMs}`);
    if (!(this.#resetAfterMs >= 0)) throw new InvalidRestartPolicyError(`resetAfterMs must be ≥ 0, got ${options.resetAfterMs}`);
  }

  /** Restarts decided so far (all time). */
  get restarts(): number {
    return this.#total;
  }

  /** Restarts within the window ending at `now`. */
  restartsInWindow(now: number): number {
    this.#prune(now);
    return this.#restarts.length;
  }

  /** Decides what follows `exit`. */
  onExit(exit: ComponentExit): RestartDecision {
    if (this.#mode === "never" || (this.#mode === "on-failure" && !exit.failed)) return { action: "done" };
    if (exit.endedAt - exit.startedAt >= this.#resetAfterMs) this.#backoff.reset();
    const now = exit.endedAt;
    this.#prune(now);
    if (this.#restarts.length >= this.#maxRestarts) {
      return {
        action: "give-up",
        restartsInWindow: this.#restarts.length,
        reason: `${this.#restarts.length} restart(s) within ${this.#windowMs} ms (limit ${this.#maxRestarts})`,
      };
    }
    const attempt = this.#backoff.attempt;
    const delayMs = this.#backoff.next();
    this.#restarts.push(now);
    this.#total++;
    return { action: "restart", delayMs, attempt, restartsInWindow: this.#restarts.length };
  }

  #prune(now: number): void {
    while (this.#restarts.length > 0 && (this.#restarts[0] as number) <= now - this.#windowMs) this.#restarts.shift();
  }
}
