/**
 * The `watch` daemon core: keeps a live model of every selected container from the event stream plus
 * periodic full reconciles, publishes metrics, runs the runtime audit on an interval and drives autoheal.
 * All IO goes through the {@link Engine} port; `close()` stops every loop.
 */
import type { AuditWaiver } from "@soc/config/security";
import type { AutohealDecision, AutohealMachine } from "../autoheal/machine.js";
import type { AutohealNotice, Notifier } from "../autoheal/notify.js";
import { type AuditReport, type AuditSubject, auditSubjectOf, auditSubjects, findingsByRule } from "../audit/run.js";
import type { Engine } from "../docker/engine.js";
import { sleep } from "../events/backoff.js";
import type { ContainerEvent } from "../events/event.js";
import { followEvents } from "../events/follow.js";
import type { InspectJson } from "../inspect/types.js";
import type { Log } from "../log.js";
import { mapLimit } from "../pool.js";
import { type LabelSelector, matchesLabels, toDockerLabelFilter } from "../state/labels.js";
import { type ContainerState, stateFromInspect } from "../state/model.js";
import { usageFromStats } from "../state/stats.js";
import { type MonitorMetrics, publishAudit, publishContainer, publishHealth, unpublishContainer } from "./metrics.js";
import { byName } from "../order.js";

/** Settings of a {@link Monitor} (durations in ms). */
export interface MonitorOptions {
  engine: Engine;
  log: Log;
  metrics?: MonitorMetrics;
  labels?: readonly LabelSelector[];
  /** Full re-list interval (besides after every reconnect). */
  reconcileIntervalMs: number;
  /** Runtime audit interval. */
  auditIntervalMs: number;
  /** Take one stats sample per running container on each reconcile (default true). */
  stats?: boolean;
  /** Parallel inspect/stats calls (default 8). */
  concurrency?: number;
  /** Audit waivers by container name. */
  waivers?: Readonly<Record<string, readonly AuditWaiver[]>>;
  /** Autoheal; omitted = off (the monitor then never writes to the engine). */
  autoheal?: { machine: AutohealMachine; restartTimeoutSeconds: number; tickMs: number; notifier?: Notifier };
  /** Event stream reconnect backoff. */
  reconnect?: { initialMs: number; maxMs: number };
  now?: () => number;
  /** Called after a container's state changed and its metrics were published (benchmarks, tests). */
  onUpdate?: (c: ContainerState, cause: "event" | "inspect" | "stats") => void;
}

/** The daemon. `start()` once, `close()` to stop. */
export class Monitor {
  private readonly store = new Map<string, ContainerState>();
  /** Audit input per container id (facts, not the inspect JSON: see {@link AuditSubject}). */
  private readonly subjects = new Map<string, AuditSubject>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly ac = new AbortController();
  private readonly tasks = new Set<Promise<void>>();
  private readonly now: () => number;
  private statsRunning = false;
  private closing: Promise<void> | undefined;
  /** True while the event stream is connected. */
  connected = false;
  /** Completed full reconciles. */
  reconciled = 0;
  /** The last audit, once one ran. */
  lastAudit: AuditReport | undefined;

  constructor(private readonly o: MonitorOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Starts the event follower, the reconcile, audit and autoheal loops. */
  start(): void {
    const signal = this.ac.signal;
    const { log, metrics } = this.o;
    this.track(
      followEvents({
        engine: this.o.engine,
        signal,
        initialBackoffMs: this.o.reconnect?.initialMs ?? 250,
        maxBackoffMs: this.o.reconnect?.maxMs ?? 15_000,
        onEvent: (ev) => this.handleEvent(ev),
        onConnected: async (attempt) => {
          this.connected = true;
          metrics?.engineUp.set(1);
          log.info({ endpoint: this.o.engine.endpoint, attempt }, attempt === 0 ? "event stream connected" : "event stream reconnected; reconciling");
          await this.reconcile();
          if (this.lastAudit === undefined) this.runAudit();
          this.sampleStatsInBackground();
        },
        onDisconnected: (error, delayMs) => {
          if (this.connected) metrics?.eventStreamReconnects.inc();
          this.connected = false;
          metrics?.engineUp.set(0);
          log.warn({ endpoint: this.o.engine.endpoint, err: error?.message, retryInMs: delayMs }, "event stream lost");
        },
        onProblem: (p) => {
          metrics?.eventParseErrors.inc();
          log.warn({ kind: p.kind, excerpt: p.excerpt, reason: p.message }, "unparseable event line");
        },
      }),
    );
    this.track(
      this.every(this.o.reconcileIntervalMs, async () => {
        if (!this.connected) return;
        await this.reconcile();
        this.sampleStatsInBackground();
      }),
    );
    this.track(this.every(this.o.auditIntervalMs, async () => void (this.reconciled > 0 && this.runAudit())));
    const ah = this.o.autoheal;
    if (ah) this.track(this.every(ah.tickMs, async () => this.store.forEach((c) => this.evaluateAutoheal(c))));
  }

  /** Stops every loop and waits for them (in-flight engine calls finish or fail). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.ac.abort();
      await Promise.allSettled([...this.tasks, ...this.refreshing.values()]);
      this.connected = false;
    })();
    return this.closing;
  }

  /** The current model, sorted by name. */
  containers(): ContainerState[] {
    return [...this.store.values()].sort(byName);
  }

  /** One container by id. */
  get(id: string): ContainerState | undefined {
    return this.store.get(id);
  }

  /**
   * Full re-list: inspects every selected container, drops vanished ones.
   * @throws {EngineUnreachableError} when the list call fails (individual inspect failures are logged and counted).
   */
  async reconcile(): Promise<void> {
    const started = this.now();
    const { engine, metrics, log } = this.o;
    try {
      const listed = await engine.list(toDockerLabelFilter(this.o.labels ?? []));
      const ids = new Set(listed.map((c) => c.Id));
      for (const id of [...this.store.keys()]) if (!ids.has(id)) this.remove(id);
      const results = await mapLimit([...ids], this.o.concurrency ?? 8, (id) => this.refresh(id));
      for (const r of results) if (!r.ok) log.warn({ err: (r.error as Error).message }, "inspect during reconcile failed");
      this.reconciled++;
      metrics?.reconciles.inc({ result: "ok" });
      metrics?.containers.set(this.store.size);
      metrics?.reconcileDuration.observe((this.now() - started) / 1000);
    } catch (err) {
      metrics?.reconciles.inc({ result: "error" });
      metrics?.errors.inc({ operation: "list" });
      throw err;
    }
  }

  /** Runs the security audit over the last inspect of every container and publishes it. */
  runAudit(): AuditReport {
    const report = auditSubjects([...this.subjects.values()], this.o.waivers ?? {});
    this.lastAudit = report;
    const m = this.o.metrics;
    if (m) {
      publishAudit(m, findingsByRule(report), report.containers, report.score);
      m.auditRuns.inc({ result: "ok" });
    }
    this.o.log.info({ containers: report.containers.length, score: report.score, ...report.counts }, "runtime audit done");
    return report;
  }

  /** Re-inspects one container (coalesced: one call in flight per id, re-run once if asked meanwhile). */
  refresh(id: string): Promise<void> {
    const running = this.refreshing.get(id);
    if (running) {
      this.dirty.add(id);
      return running;
    }
    const p = (async () => {
      try {
        do {
          this.dirty.delete(id);
          await this.inspectOnce(id);
        } while (this.dirty.has(id) && !this.ac.signal.aborted);
      } finally {
        this.refreshing.delete(id);
      }
    })();
    this.refreshing.set(id, p);
    return p;
  }

  private async inspectOnce(id: string): Promise<void> {
    let i: InspectJson | undefined;
    try {
      i = await this.o.engine.inspect(id);
    } catch (err) {
      this.o.metrics?.errors.inc({ operation: "inspect" });
      throw err;
    }
    if (i === undefined || !matchesLabels(i.Config?.Labels ?? {}, this.o.labels ?? [])) {
      this.remove(id);
      return;
    }
    const prev = this.store.get(id);
    const next = stateFromInspect(i, new Date(this.now()), i.State?.Running ? prev?.resources : undefined);
    this.subjects.set(id, auditSubjectOf(i));
    this.update(next, prev, "inspect");
  }

  private update(next: ContainerState, prev: ContainerState | undefined, cause: "event" | "inspect" | "stats"): void {
    if (prev && prev.name !== next.name && this.o.metrics) unpublishContainer(this.o.metrics, prev.name);
    this.store.set(next.id, next);
    if (this.o.metrics) {
      if (cause === "event" && prev !== undefined && prev.name === next.name) publishHealth(this.o.metrics, next);
      else publishContainer(this.o.metrics, next, prev && prev.name === next.name ? prev : undefined);
      this.o.metrics.containers.set(this.store.size);
    }
    this.o.onUpdate?.(next, cause);
    this.evaluateAutoheal(next);
  }

  private remove(id: string): void {
    const prev = this.store.get(id);
    this.store.delete(id);
    this.subjects.delete(id);
    this.o.autoheal?.machine.forget(id);
    if (prev && this.o.metrics) {
      unpublishContainer(this.o.metrics, prev.name);
      this.o.metrics.containers.set(this.store.size);
    }
  }

  private handleEvent(ev: ContainerEvent): void {
    const { metrics } = this.o;
    metrics?.eventsReceived.inc({ action: ev.action });
    this.o.log.debug({ action: ev.action, id: ev.id.slice(0, 12), name: ev.name, health: ev.health }, "container event");
    if (ev.action === "destroy") {
      this.remove(ev.id);
      return;
    }
    const prev = this.store.get(ev.id);
    // Container events carry the container's labels as attributes: skip ones outside the selection.
    if (!prev && ev.action !== "rename" && !matchesLabels(ev.attributes, this.o.labels ?? [])) return;
    if (prev) {
      if (ev.action === "oom") metrics?.oomEvents.inc({ container: prev.name });
      if (ev.action === "restart") metrics?.restarts.inc({ container: prev.name });
      if (ev.action === "health_status" && ev.health !== undefined) {
        // Fast path: the event carries the new status; publish it before the (slower) inspect.
        this.update({ ...prev, health: ev.health, ...(ev.health === "healthy" ? { failingStreak: 0 } : {}) }, prev, "event");
        if (ev.timeMs > 0) metrics?.eventToMetricSeconds.observe(Math.max(0, this.now() - ev.timeMs) / 1000);
      }
    }
    this.refresh(ev.id).catch((err: unknown) => this.o.log.warn({ id: ev.id, action: ev.action, err: (err as Error).message }, "inspect after event failed"));
  }

  private evaluateAutoheal(c: ContainerState): void {
    const ah = this.o.autoheal;
    if (!ah || this.ac.signal.aborted) return;
    const now = this.now();
    const d = ah.machine.observe(c, now);
    const selected = d.action === "restart" || (d.reason !== "not-selected" && d.reason !== "opted-out" && d.reason !== "self");
    if (selected) this.o.metrics?.autohealCircuitOpen.set({ container: c.name }, ah.machine.circuitOpen(c.id, now) ? 1 : 0);
    else this.o.metrics?.autohealCircuitOpen.remove({ container: c.name });
    if (d.action === "restart") {
      this.track(this.restart(d, ah.restartTimeoutSeconds));
      return;
    }
    if (!d.changed || c.health !== "unhealthy" || d.reason === "not-selected" || d.reason === "opted-out" || d.reason === "in-flight") return;
    this.o.metrics?.autohealHolds.inc({ reason: d.reason.replace(/-/g, "_") });
    const fields = { container: c.name, id: c.id.slice(0, 12), reason: d.reason, ...(d.until !== undefined ? { until: new Date(d.until).toISOString() } : {}) };
    if (d.reason === "circuit-open") {
      this.o.log.error(fields, "autoheal: circuit breaker open, not restarting");
      this.notify({ action: "circuit-open", container: c.name, id: c.id });
    }
    else this.o.log.info(fields, `autoheal: holding (${d.reason})`);
  }

  private async restart(d: Extract<AutohealDecision, { action: "restart" }>, timeoutSeconds: number): Promise<void> {
    const ah = this.o.autoheal;
    if (!ah) return;
    const { metrics, log } = this.o;
    const fields = { container: d.name, id: d.id.slice(0, 12), attempt: d.attempt, unhealthyForMs: d.unhealthyForMs };
    ah.machine.started(d.id, this.now());
    if (d.dryRun) {
      metrics?.autohealRestarts.inc({ container: d.name, result: "dry_run" });
      log.warn({ ...fields, dryRun: true }, "autoheal: would restart unhealthy container (dry run)");
      this.notify({ action: "would-restart", container: d.name, id: d.id, attempt: d.attempt });
      return;
    }
    log.warn(fields, "autoheal: restarting unhealthy container");
    try {
      await this.o.engine.restart(d.id, timeoutSeconds);
      metrics?.autohealRestarts.inc({ container: d.name, result: "ok" });
      log.info(fields, "autoheal: restarted");
      this.notify({ action: "restarted", container: d.name, id: d.id, attempt: d.attempt });
    } catch (err) {
      metrics?.autohealRestarts.inc({ container: d.name, result: "error" });
      metrics?.errors.inc({ operation: "restart" });
      log.error({ ...fields, err: (err as Error).message }, "autoheal: restart failed");
      this.notify({ action: "restart-failed", container: d.name, id: d.id, attempt: d.attempt, error: (err as Error).message });
    } finally {
      ah.machine.finished(d.id, this.now());
    }
    await this.refresh(d.id).catch((err: unknown) => log.warn({ ...fields, err: (err as Error).message }, "inspect after restart failed"));
  }

  /** Sends a notice through the configured notifier (if any); failures are logged and counted, never thrown. */
  private notify(n: Omit<AutohealNotice, "time">): void {
    const notifier = this.o.autoheal?.notifier;
    if (!notifier) return;
    this.track(
      notifier.notify({ ...n, time: new Date(this.now()).toISOString() }).catch((err: unknown) => {
        this.o.metrics?.errors.inc({ operation: "notify" });
        this.o.log.warn({ container: n.container, action: n.action, err: (err as Error).message }, "autoheal notification failed");
      }),
    );
  }

  /** One stats sample per running container, at most one pass at a time, never blocking the event path. */
  private sampleStatsInBackground(): void {
    if (this.o.stats === false || this.statsRunning) return;
    this.statsRunning = true;
    const running = [...this.store.values()].filter((c) => c.state === "running").map((c) => c.id);
    const task = mapLimit(running, this.o.concurrency ?? 8, async (id) => {
      if (this.ac.signal.aborted) return;
      const s = await this.o.engine.stats(id);
      const cur = this.store.get(id);
      const usage = s ? usageFromStats(s) : undefined;
      if (cur && usage && cur.state === "running") this.update({ ...cur, resources: usage }, cur, "stats");
    }).then((results) => {
      this.statsRunning = false;
      const failed = results.filter((r) => !r.ok).length;
      if (failed > 0) {
        this.o.metrics?.errors.inc({ operation: "stats" }, failed);
        this.o.log.warn({ failed }, "stats samples failed");
      }
    });
    this.track(task);
  }

  /** Keeps a task until it settles, so close() can wait for it. */
  private track(p: Promise<void>): void {
    this.tasks.add(p);
    const done = () => void this.tasks.delete(p);
    p.then(done, done);
  }

  private async every(ms: number, fn: () => Promise<void>): Promise<void> {
    const signal = this.ac.signal;
    while (await sleep(ms, signal)) {
      try {
        await fn();
      } catch (err) {
        this.o.log.warn({ err: (err as Error).message }, "periodic task failed");
      }
    }
  }
}
