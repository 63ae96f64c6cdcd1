/**
 * The service loop: collect → series → export → score → alert sink, on a fixed-rate schedule, until
 * the signal aborts or a tick budget is spent; then the sink is flushed within a deadline and closed.
 * Nothing in a tick can end the loop: collection, detector and sink failures are logged and counted.
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { AlertSink } from "../alert/types.js";
import { SeriesBuilder } from "../collect/series.js";
import type { HostSample } from "../collect/types.js";
import type { AgentMetrics } from "./agent-metrics.js";
import type { DetectionEngine, SeriesScore } from "./detection.js";
import type { HostMetricsExporter } from "./host-metrics.js";

/** Anything that yields host samples (the real {@link HostCollector}, or a fake in tests). Should not throw; a rejection is counted as source `"collector"`. */
export interface Collector {
  collect(): Promise<HostSample>;
}

/** Structured logger (pino's call shape). */
export interface LoopLog {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** What one tick did, for the per-tick console line and tests. */
export interface TickReport {
  /** 1-based tick number. */
  readonly tick: number;
  readonly atMs: number;
  /** Series produced (gauges, counters, rates). */
  readonly series: number;
  /** Series scored by the combined detector. */
  readonly scored: number;
  /** Scored series past their warm-up. */
  readonly warm: number;
  /** The warm-up length, samples per series. */
  readonly warmupSamples: number;
  /** The highest scores, best first (at most 3). */
  readonly top: readonly SeriesScore[];
  /** Keys of the anomalous series and firing rules. */
  readonly anomalous: readonly string[];
  /** Sources that failed this tick. */
  readonly failures: readonly string[];
  /** Observations handed to the sink. */
  readonly observations: number;
  readonly durationMs: number;
}

/** Options of {@link AgentLoop}. */
export interface AgentLoopOptions {
  readonly collector: Collector;
  readonly engine: DetectionEngine;
  readonly sink: AlertSink;
  readonly log: LoopLog;
  /** Time between ticks, ms (≥ 1). */
  readonly intervalMs: number;
  /** Stop after this many ticks (default: run until aborted). */
  readonly maxTicks?: number;
  /** Transform state (default a new {@link SeriesBuilder}). */
  readonly builder?: SeriesBuilder;
  readonly exporter?: HostMetricsExporter;
  readonly metrics?: AgentMetrics;
  /** How long {@link AlertSink.flush} may take at shutdown, ms (default 5000). */
  readonly flushDeadlineMs?: number;
  /** Clock, ms since epoch (default `Date.now`). */
  readonly clock?: () => number;
  /** Called after every tick. */
  readonly onTick?: (report: TickReport) => void;
}

/** How the loop ended. */
export interface LoopResult {
  readonly ticks: number;
  /** `"signal"` when aborted, `"ticks"` when the tick budget was spent. */
  readonly reason: "signal" | "ticks";
}

/**
 * Runs the agent. {@link ready} turns true after the first successful collection — a tick that produced
 * series or had no failing source (the `/readyz` check). Ticks are scheduled at `start + n × interval`; a tick that overruns skips the slots it
 * missed (counted in `soc_aiops_tick_overruns_total`) instead of bursting. The sink's `tick` (its IO) runs
 * in the background, one at a time, so a slow receiver never delays collection.
 */
export class AgentLoop {
  private readonly o: AgentLoopOptions;
  private readonly builder: SeriesBuilder;
  private readonly clock: () => number;
  private sinkTick: Promise<void> | undefined;
  private failing = new Set<string>();
  /** True once a collection succeeded. */
  ready = false;
  /** Ticks run so far. */
  ticks = 0;

  /** @throws {RangeError} for an interval below 1 ms or a negative tick budget. */
  constructor(options: AgentLoopOptions) {
    if (!(options.intervalMs >= 1)) throw new RangeError(`intervalMs must be >= 1, got ${options.intervalMs}`);
    if (options.maxTicks !== undefined && !(options.maxTicks >= 0)) throw new RangeError(`maxTicks must be >= 0, got ${options.maxTicks}`);
    this.o = options;
    this.builder = options.builder ?? new SeriesBuilder();
    this.clock = options.clock ?? Date.now;
  }

  /** Runs until `signal` aborts or `maxTicks` ticks ran, then flushes and closes the sink. Never rejects. */
  async run(signal: AbortSignal): Promise<LoopResult> {
    const { intervalMs, maxTicks } = this.o;
    const start = this.clock();
    let slot = 0;
    while (!signal.aborted && (maxTicks === undefined || this.ticks < maxTicks)) {
      await this.tick();
      if (maxTicks !== undefined && this.ticks >= maxTicks) break;
      slot += 1;
      const now = this.clock();
      const due = start + slot * intervalMs;
      if (now > due) {
        const missed = Math.ceil((now - due) / intervalMs);
        slot += missed;
        this.o.metrics?.overruns.inc(missed);
      }
      const wait = start + slot * intervalMs - now;
      try {
        await sleep(Math.max(0, wait), undefined, { signal });
      } catch {
        break; // aborted
      }
    }
    const reason = signal.aborted ? "signal" : "ticks";
    await this.shutdown();
    return { ticks: this.ticks, reason };
  }

  /** One tick: collect, transform, export, score, observe. Never throws. */
  async tick(): Promise<TickReport> {
    const t0 = performance.now();
    const { log, metrics, engine, sink } = this.o;
    let sample: HostSample;
    try {
      sample = await this.o.collector.collect();
    } catch (error) {
      sample = { atMs: this.clock(), failures: [{ source: "collector", error: error instanceof Error ? error : new Error(String(error)) }] };
    }
    const failures = sample.failures ?? [];
    this.noteFailures(failures);
    const series = this.builder.next(sample);
    this.o.exporter?.update(series);
    const evaluation = engine.evaluate(series, sample.atMs);
    for (const { key, error } of evaluation.errors) {
      metrics?.detectorErrors.inc();
      log.error({ series: key, err: errorFields(error) }, "detector update failed");
    }
    const anomalous: string[] = [];
    for (const o of evaluation.observations) {
      if (o.anomalous) anomalous.push(`${o.alertname}:${o.labels.series ?? ""}${o.labels.device ? `{${o.labels.device}}` : ""}`);
      try {
        sink.observe(o);
      } catch (error) {
        metrics?.sinkErrors.inc({ operation: "observe" });
        log.error({ err: errorFields(error), alertname: o.alertname }, "alert sink rejected an observation");
      }
    }
    this.kickSink(sample.atMs);
    this.ticks += 1;
    if (!this.ready && (series.length > 0 || failures.length === 0)) {
      this.ready = true;
      log.info({ series: series.length }, "first collection done: ready");
    }
    metrics?.recordScores(evaluation.scores, evaluation.evicted);
    metrics?.series.set(series.length);
    metrics?.ticks.inc();
    const durationMs = performance.now() - t0;
    metrics?.tickDuration.observe(durationMs / 1000);
    const top = [...evaluation.scores].sort((a, b) => b.score - a.score).slice(0, 3);
    const report: TickReport = {
      tick: this.ticks,
      atMs: sample.atMs,
      series: series.length,
      scored: evaluation.scores.length,
      warm: evaluation.scores.filter((s) => s.warm).length,
      warmupSamples: engine.warmupSamples,
      top,
      anomalous,
      failures: failures.map((f) => f.source),
      observations: evaluation.observations.length,
      durationMs,
    };
    this.o.onTick?.(report);
    return report;
  }

  /** Logs a source's failure when it starts (or changes message) and its recovery; counts every failure. */
  private noteFailures(failures: readonly { source: string; error: Error }[]): void {
    const now = new Set<string>();
    for (const f of failures) {
      now.add(f.source);
      this.o.metrics?.collectErrors.inc({ source: f.source });
      if (!this.failing.has(f.source)) this.o.log.warn({ source: f.source, err: errorFields(f.error) }, "collection source failed (counted in soc_aiops_collect_errors_total; logged again on recovery)");
    }
    for (const s of this.failing) if (!now.has(s)) this.o.log.info({ source: s }, "collection source recovered");
    this.failing = now;
  }

  private kickSink(now: number): void {
    if (this.sinkTick) return; // the previous delivery pass is still running
    this.sinkTick = this.o.sink
      .tick(now)
      .catch((error: unknown) => {
        this.o.metrics?.sinkErrors.inc({ operation: "tick" });
        this.o.log.error({ err: errorFields(error) }, "alert sink tick failed");
      })
      .finally(() => {
        this.sinkTick = undefined;
      });
  }

  private async shutdown(): Promise<void> {
    const { sink, log, metrics } = this.o;
    const deadline = this.o.flushDeadlineMs ?? 5000;
    log.info({ ticks: this.ticks, flushDeadlineMs: deadline }, "stopping: collection stopped, flushing alerts");
    await this.sinkTick;
    const t0 = performance.now();
    try {
      await sink.flush(deadline);
    } catch (error) {
      metrics?.sinkErrors.inc({ operation: "flush" });
      log.error({ err: errorFields(error) }, "alert sink flush failed");
    }
    try {
      await sink.close();
    } catch (error) {
      metrics?.sinkErrors.inc({ operation: "close" });
      log.error({ err: errorFields(error) }, "alert sink close failed");
    }
    log.info({ flushMs: Math.round(performance.now() - t0), alerts: { firing: sink.stats.firing, raised: sink.stats.raised, resolved: sink.stats.resolved } }, "alert sink flushed and closed");
  }
}

/** A loggable view of an error (name, message, cause). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { name: error.name, message: error.message, ...(error.cause instanceof Error ? { cause: error.cause.message } : {}) };
}
