/**
 * The alerting pipeline: {@link AlertStateMachine} → {@link NotificationPlanner} → persistent {@link Outbox} →
 * {@link Dispatcher}. `observe` only updates state; `tick` resolves quiet alerts, plans and persists notifications,
 * keeps the outbox bounded and starts a background delivery pass; `flush` delivers ignoring backoff until a
 * deadline; `close` aborts in-flight requests and saves state. No method throws into the caller: IO failures are
 * counted (`outboxErrors`, per-receiver `failed`/`dropped`) and logged.
 */
import { retryPolicy } from "./backoff.js";
import { Dispatcher } from "./delivery.js";
import { AlertConfigError } from "./errors.js";
import { chooseEvictions } from "./eviction.js";
import { Outbox, type OutboxEntry } from "./outbox.js";
import { NotificationPlanner, type PlannerState } from "./policy.js";
import { receiverAdapter } from "./receivers/index.js";
import { type AlertRecord, AlertStateMachine } from "./state.js";
import type { AlertLogger, AlertSink, AlertSinkOptions, AlertStats, AnomalyObservation, CreateAlertSink, ReceiverStats } from "./types.js";

/** Defaults of the optional {@link AlertSinkOptions}. */
export const ALERT_SINK_DEFAULTS = {
  requestTimeoutMs: 10_000,
  alertmanagerResendMs: 60_000,
  maxOutboxPerReceiver: 1000,
  source: "aiops-agent",
  /** Soft state changes (latest anomaly times) are saved at most this often; transitions are saved every tick. */
  stateSaveIntervalMs: 30_000,
} as const;

const SILENT: AlertLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Shape of `state.json` in the outbox directory. */
interface SavedState {
  version: 1;
  alerts: AlertRecord[];
  planner: PlannerState;
}

function isSavedState(v: unknown): v is SavedState {
  const s = v as Partial<SavedState> | null;
  return typeof s === "object" && s !== null && s.version === 1 && Array.isArray(s.alerts) && typeof s.planner === "object" && s.planner !== null;
}

function checkDuration(field: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isFinite(v) || v < min)) throw new AlertConfigError(field, v, `expected a finite number of ms >= ${min}`);
}

/** The {@link AlertSink} implementation returned by {@link createAlertSink}. */
export class AlertPipeline implements AlertSink {
  private readonly machine: AlertStateMachine;
  private readonly planner: NotificationPlanner;
  private readonly dispatcher: Dispatcher;
  private readonly resolvedAt = new Map<string, number>();
  private readonly closeController = new AbortController();
  private readonly logger: AlertLogger;
  private readonly clock: () => number;
  private readonly maxPerReceiver: number;
  private outbox: Outbox | undefined;
  private pass: Promise<void> | undefined;
  private outboxErrors = 0;
  private structuralChange = false;
  private softChange = false;
  private lastSaveAt = -Infinity;
  private closed = false;
  private rerun = false;

  private constructor(private readonly options: AlertSinkOptions) {
    checkDuration("cooldownMs", options.cooldownMs, 0);
    checkDuration("resolveAfterMs", options.resolveAfterMs, 0);
    checkDuration("requestTimeoutMs", options.requestTimeoutMs, 1);
    checkDuration("alertmanagerResendMs", options.alertmanagerResendMs, 1);
    const max = options.maxOutboxPerReceiver ?? ALERT_SINK_DEFAULTS.maxOutboxPerReceiver;
    if (!Number.isInteger(max) || max < 1) throw new AlertConfigError("maxOutboxPerReceiver", max, "expected an integer >= 1");
    const names = new Set<string>();
    for (const r of options.receivers) {
      if (names.has(r.name)) throw new AlertConfigError("receivers", r.name, "duplicate receiver name");
      names.add(r.name);
    }
    this.maxPerReceiver = max;
    this.logger = options.logger ?? SILENT;
    this.clock = options.clock ?? Date.now;
    const adapters = options.receivers.map(receiverAdapter);
    const resendMs = options.alertmanagerResendMs ?? ALERT_SINK_DEFAULTS.alertmanagerResendMs;
    this.machine = new AlertStateMachine(options.resolveAfterMs);
    this.planner = new NotificationPlanner(adapters.map((a) => ({ name: a.name, mode: a.mode })), options.cooldownMs, resendMs);
    const context = { source: options.source ?? ALERT_SINK_DEFAULTS.source, resendMs, ...(options.generatorURL === undefined ? {} : { generatorURL: options.generatorURL }) };
    this.dispatcher = new Dispatcher({
      adapters,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      timeoutMs: options.requestTimeoutMs ?? ALERT_SINK_DEFAULTS.requestTimeoutMs,
      retry: retryPolicy(options.retry),
      clock: this.clock,
      logger: this.logger,
      context,
      remove: (e) => this.removeEntry(e),
      onDropped: (e) => this.onDropped(e),
    });
  }

  /**
   * Creates the pipeline and loads the outbox (pending entries, firing alerts, delivery records) from
   * `options.outboxDir`. If the directory cannot be used the pipeline still runs, in memory only (logged, counted in
   * `outboxErrors`).
   * @throws {AlertConfigError} for invalid options (negative durations, duplicate receiver names, bad retry policy).
   */
  static async create(options: AlertSinkOptions): Promise<AlertPipeline> {
    const sink = new AlertPipeline(options);
    await sink.load();
    return sink;
  }

  observe(o: AnomalyObservation): void {
    if (this.closed) return;
    const t = this.machine.observe(o);
    if (t === undefined) {
      if (o.anomalous) this.softChange = true;
      return;
    }
    this.structuralChange = true;
    if (t.kind === "resolved") this.resolvedAt.set(t.alert.fingerprint, t.alert.endsAt ?? o.at);
  }

  async tick(now: number): Promise<void> {
    if (this.closed) return;
    try {
      for (const t of this.machine.expire(now)) {
        this.resolvedAt.set(t.alert.fingerprint, t.alert.endsAt ?? now);
        this.structuralChange = true;
      }
      const plan = this.planner.plan(now, this.machine.firing(), this.resolvedAt, (r, fp) => this.dispatcher.hasPending(r, fp));
      this.resolvedAt.clear();
      if (plan.changed) this.structuralChange = true;
      for (const [name, n] of Object.entries(plan.suppressed)) {
        const s = this.dispatcher.stats.get(name);
        if (s !== undefined) s.deduplicated += n;
      }
      for (const n of plan.notifications) {
        const { seq, id } = this.outbox?.allocate() ?? this.memoryId();
        const entry: OutboxEntry = { id, seq, receiver: n.receiver, fingerprint: n.alert.fingerprint, kind: n.kind, alert: n.alert, enqueuedAt: now };
        // Persist before the dispatcher can see it: a running pass must not deliver (and delete) a file not yet written.
        await this.io("write outbox entry", () => this.outbox?.put(entry));
        this.dispatcher.enqueue(entry);
      }
      await this.evict();
      if (this.structuralChange || (this.softChange && now - this.lastSaveAt >= ALERT_SINK_DEFAULTS.stateSaveIntervalMs)) await this.saveState(now);
    } catch (err) {
      this.logger.error({ err: String(err) }, "alert tick failed");
    }
    this.startPass();
  }

  async flush(deadlineMs: number): Promise<void> {
    if (this.closed) return;
    const deadline = AbortSignal.timeout(Math.max(1, deadlineMs));
    const signal = AbortSignal.any([deadline, this.closeController.signal]);
    await this.settled();
    while (!signal.aborted && this.dispatcher.totalDepth() > 0) {
      const delivered = await this.dispatcher.deliver(true, signal).catch((err: unknown) => {
        this.logger.error({ err: String(err) }, "alert flush failed");
        return 0;
      });
      if (delivered === 0 && this.dispatcher.totalDepth() > 0) await sleep(250, signal);
    }
    const left = this.dispatcher.totalDepth();
    if (left > 0) this.logger.warn({ pending: left }, "alert flush deadline reached; notifications stay in the outbox");
    await this.saveState(this.clock());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeController.abort();
    await this.pass;
    await this.saveState(this.clock());
  }

  /** Resolves when the current background delivery pass (if any) has finished. Not part of {@link AlertSink}; for tests and shutdown. */
  async settled(): Promise<void> {
    while (this.pass !== undefined) await this.pass;
  }

  get stats(): AlertStats {
    const receivers: Record<string, ReceiverStats> = {};
    for (const [name, s] of this.dispatcher.stats) receivers[name] = { ...s, outboxDepth: this.dispatcher.depth(name) };
    const c = this.machine.counters;
    return { observations: c.observations, deduplicated: c.deduplicated, firing: this.machine.firing().length, raised: c.raised, resolved: c.resolved, outboxErrors: this.outboxErrors, receivers };
  }

  private memorySeq = 0;
  private memoryId(): { seq: number; id: string } {
    const seq = ++this.memorySeq;
    return { seq, id: `m-${String(seq).padStart(16, "0")}` };
  }

  private startPass(): void {
    if (this.closed || this.dispatcher.totalDepth() === 0) return;
    if (this.pass !== undefined) {
      this.rerun = true;
      return;
    }
    this.rerun = false;
    this.pass = this.dispatcher
      .deliver(false, this.closeController.signal)
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error({ err: String(err) }, "alert delivery pass failed"))
      .finally(() => {
        this.pass = undefined;
        if (this.rerun) this.startPass();
      });
  }

  private async evict(): Promise<void> {
    for (const name of this.options.receivers.map((r) => r.name)) {
      const victims = chooseEvictions(this.dispatcher.pending(name), this.maxPerReceiver, this.dispatcher.inFlightIds());
      if (victims.length === 0) continue;
      this.dispatcher.discard(victims);
      const s = this.dispatcher.stats.get(name);
      if (s !== undefined) s.dropped += victims.length;
      const resolvedOnly = victims.filter((v) => v.kind === "resolved").length;
      this.logger.warn({ receiver: name, dropped: victims.length, resolvedEpisodes: resolvedOnly, max: this.maxPerReceiver }, "alert outbox full; oldest notifications dropped");
      for (const v of victims) {
        if (v.kind === "firing" && !victims.some((w) => w.fingerprint === v.fingerprint && w.kind === "resolved" && w.seq > v.seq)) this.planner.forget(name, v.fingerprint);
        await this.io("delete evicted outbox entry", () => this.outbox?.remove(v.id));
      }
    }
  }

  private onDropped(entry: OutboxEntry): void {
    if (entry.kind === "firing") this.planner.forget(entry.receiver, entry.fingerprint);
    this.structuralChange = true;
  }

  private async removeEntry(entry: OutboxEntry): Promise<void> {
    await this.io("delete delivered outbox entry", () => this.outbox?.remove(entry.id));
  }

  private async saveState(now: number): Promise<void> {
    const state: SavedState = { version: 1, alerts: this.machine.firing(), planner: this.planner.snapshot() };
    const ok = await this.io("save alert state", () => this.outbox?.saveState(state));
    if (ok) {
      this.structuralChange = false;
      this.softChange = false;
      this.lastSaveAt = now;
    }
  }

  /** Runs one outbox IO step; counts and logs a failure. Returns whether it succeeded. */
  private async io(what: string, step: () => Promise<void> | undefined): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (err) {
      this.outboxErrors++;
      this.logger.error({ dir: this.options.outboxDir, err: String(err) }, `alert outbox: could not ${what}`);
      return false;
    }
  }

  private async load(): Promise<void> {
    try {
      const opened = await Outbox.open(this.options.outboxDir);
      this.outbox = opened.outbox;
      for (const p of opened.problems) {
        this.outboxErrors++;
        this.logger.error({ dir: this.options.outboxDir, err: p.message }, "alert outbox: unreadable file set aside");
      }
      if (opened.state !== undefined) {
        if (isSavedState(opened.state)) {
          this.machine.restore(opened.state.alerts);
          this.planner.restore(opened.state.planner);
        } else {
          this.outboxErrors++;
          this.logger.error({ dir: this.options.outboxDir }, "alert outbox: state.json has an unknown shape; starting with no alert state");
        }
      }
      const orphans = new Map<string, number>();
      for (const e of opened.entries) {
        if (this.dispatcher.has(e.receiver)) this.dispatcher.enqueue(e);
        else orphans.set(e.receiver, (orphans.get(e.receiver) ?? 0) + 1);
      }
      for (const [receiver, count] of orphans) {
        this.logger.warn({ receiver, count, dir: this.options.outboxDir }, "alert outbox holds notifications for a receiver that is no longer configured; kept on disk, not sent");
      }
      if (opened.entries.length > 0) this.logger.info({ pending: opened.entries.length - [...orphans.values()].reduce((a, b) => a + b, 0) }, "alert outbox loaded");
    } catch (err) {
      this.outboxErrors++;
      this.logger.error({ dir: this.options.outboxDir, err: String(err) }, "alert outbox unavailable; alerts are kept in memory only");
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Creates the alerting pipeline ({@link AlertPipeline}) for the service loop. See {@link AlertSinkOptions} for the
 * options and {@link AlertSink} for the contract.
 * @throws {AlertConfigError} for invalid options only; outbox and network problems are logged and counted.
 */
export const createAlertSink = ((options: AlertSinkOptions): Promise<AlertPipeline> => AlertPipeline.create(options)) satisfies CreateAlertSink;
