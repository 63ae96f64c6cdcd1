/**
 * Prometheus metrics of the buffered shipping plan (durable buffer, connectivity, throttling, supervision), on the
 * run's `@soc/metrics` registry next to {@link registerEdgeMetrics}. Values are read at scrape time from a
 * {@link ShippingMetricsView}; only probe rounds are pushed ({@link ShippingMetrics.observeRound}).
 *
 * | metric | type | labels / meaning |
 * |---|---|---|
 * | `soc_edge_buffer_depth_events` | gauge | entries in the durable buffer not yet acknowledged by OpenSearch |
 * | `soc_edge_buffer_depth_bytes` | gauge | their bytes (spool frames; Redis: raw + metadata) |
 * | `soc_edge_buffer_fill_ratio` | gauge | space in use / capacity (disk: bytes, Redis: entries), 0–1 |
 * | `soc_edge_buffer_full` | gauge | 1 while a batch waits for room (reading pauses), else 0 |
 * | `soc_edge_buffer_full_episodes_total` | counter | times the buffer became full |
 * | `soc_edge_buffer_appended_events_total` | counter | events appended durably |
 * | `soc_edge_buffer_drained_events_total` | counter | events drained (acknowledged by OpenSearch or dead-lettered) |
 * | `soc_edge_buffer_errors_total` | counter | failed appends other than "full" (IO, Redis), each retried |
 * | `soc_edge_buffer_lost_events_total` | counter | events appended durably, then lost before delivery (spool directory vanished, corrupt segment) |
 * | `soc_edge_shipping_mode` | gauge | `mode` = `direct` / `buffer`: 1 for the current one |
 * | `soc_edge_connectivity_state` | gauge | `state` = online / degraded / offline: 1 for the current one |
 * | `soc_edge_connectivity_transitions_total` | counter | `from`, `to` |
 * | `soc_edge_probe_duration_seconds` | histogram | `probe` |
 * | `soc_edge_probe_failures_total` | counter | `probe` |
 * | `soc_edge_throttle_level` | gauge | 0 = not throttled … max level |
 * | `soc_edge_read_rate_limit_bytes` | gauge | read rate limit in bytes per second (+Inf when unlimited) |
 * | `soc_edge_read_throttled_seconds_total` | counter | time readers waited for the rate limiter |
 * | `soc_edge_cpu_usage_ratio`, `soc_edge_memory_usage_ratio` | gauge | last sample, 0–1 (absent while unknown) |
 * | `soc_edge_soc_temperature_celsius` | gauge | last sample (absent while unknown) |
 * | `soc_edge_resource_read_errors_total` | counter | `signal` |
 * | `soc_edge_component_up` | gauge | `component`: 1 while running |
 * | `soc_edge_component_restarts_total` | counter | `component` |
 *
 * Naming: https://prometheus.io/docs/practices/naming/ (base units, so ratios instead of percents and a bytes
 * gauge for the rate, as node_exporter's `node_network_speed_bytes`).
 * @module
 */
import { type Counter, counter, gauge, histogram, type MetricsRegistry } from "@soc/metrics";
import type { BufferStats } from "../buffer/index.js";
import { CONNECTIVITY_STATES, type ConnectivityState, type ProbeResult } from "../supervise/connectivity-state.js";
import type { ComponentStatus } from "../supervise/supervisor.js";
import type { ResourceSample } from "../supervise/throttle-controller.js";

/** What the shipping metrics read at scrape time. */
export interface ShippingMetricsView {
  /** The durable buffer's current stats. */
  readonly buffer: () => BufferStats;
  /** Whether a batch waits for room. */
  readonly bufferFull: () => boolean;
  readonly bufferFullEpisodes: () => number;
  readonly appendedEvents: () => number;
  readonly drainedEvents: () => number;
  readonly bufferErrors: () => number;
  /** Events the buffer lost before delivering them (disk spool repairs, see `openLoggedBuffer`). */
  readonly lostEvents: () => number;
  readonly mode: () => "direct" | "buffer";
  readonly connectivity: () => ConnectivityState;
  /** Transition counts keyed `from→to`. */
  readonly transitions: () => ReadonlyMap<string, number>;
  readonly throttleLevel: () => number;
  /** Bytes per second; `Infinity` when unlimited. */
  readonly readRateLimit: () => number;
  /** Milliseconds readers waited for the limiter. */
  readonly throttledMs: () => number;
  readonly lastSample: () => ResourceSample | undefined;
  /** Failed reads per signal (`cpuPercent`, `memoryPercent`, `temperatureC`). */
  readonly resourceReadErrors: () => Readonly<Record<string, number>>;
  readonly components: () => readonly ComponentStatus[];
}

/** Handles pushed to by the plan. */
export interface ShippingMetrics {
  /** Records one probe round (duration and failure per probe). */
  observeRound(results: readonly ProbeResult[]): void;
}

/** Adds to a counter, at scrape time, the increase of every key of `source` since the previous scrape. */
function deltas<L extends string>(source: () => ReadonlyMap<string, number>, labels: (key: string) => Partial<Record<L, string>>): (this: Counter<L>) => void {
  const seen = new Map<string, number>();
  return function collect(this: Counter<L>): void {
    for (const [k, v] of source()) {
      const d = v - (seen.get(k) ?? 0);
      if (d > 0) this.inc(labels(k), d);
      seen.set(k, v);
    }
  };
}

/**
 * Registers the shipping metrics (table in the module documentation) on `registry`.
 *
 * @param registry - the run's registry (default label `app`).
 * @param view - live state, read at each scrape.
 * @throws {MetricNameError} if a name is registered twice on the same registry (one plan per registry).
 */
export function registerShippingMetrics(registry: MetricsRegistry, view: ShippingMetricsView): ShippingMetrics {
  const g = (name: string, help: string, value: () => number | undefined): void => {
    gauge(registry, {
      name,
      help,
      collect() {
        const v = value();
        if (v === undefined) this.reset();
        else this.set(v);
      },
    });
  };
  const n = (name: string, help: string, source: () => number): void => {
    counter(registry, { name, help, collect: deltas(() => new Map([["", source()]]), () => ({})) });
  };
  g("soc_edge_buffer_depth_events", "Events in the durable buffer not yet acknowledged by OpenSearch.", () => view.buffer().depthEvents);
  g("soc_edge_buffer_depth_bytes", "Bytes of the events in the durable buffer not yet acknowledged.", () => view.buffer().depthBytes);
  g("soc_edge_buffer_fill_ratio", "Durable buffer space in use over its capacity (disk: bytes, Redis: entries).", () => view.buffer().fill);
  g("soc_edge_buffer_full", "1 while a batch waits for room in the durable buffer (reading pauses), else 0.", () => (view.bufferFull() ? 1 : 0));
  n("soc_edge_buffer_full_episodes_total", "Times the durable buffer became full and reading paused.", view.bufferFullEpisodes);
  n("soc_edge_buffer_appended_events_total", "Events appended durably to the buffer.", view.appendedEvents);
  n("soc_edge_buffer_drained_events_total", "Buffered events acknowledged by OpenSearch (or dead-lettered) and removed from the buffer.", view.drainedEvents);
  n("soc_edge_buffer_errors_total", "Failed appends to the durable buffer other than full (IO, Redis); each is retried.", view.bufferErrors);
  n("soc_edge_buffer_lost_events_total", "Events appended durably to the buffer, then lost before delivery (spool directory vanished or replaced, corrupt segment).", view.lostEvents);
  gauge(registry, {
    name: "soc_edge_shipping_mode",
    help: "1 for the current shipping mode: direct to OpenSearch, or into the durable buffer.",
    labelNames: ["mode"],
    collect() {
      const m = view.mode();
      for (const mode of ["direct", "buffer"]) this.set({ mode }, mode === m ? 1 : 0);
    },
  });
  gauge(registry, {
    name: "soc_edge_connectivity_state",
    help: "1 for the current OpenSearch connectivity state (online, degraded, offline), 0 for the others.",
    labelNames: ["state"],
    collect() {
      const s = view.connectivity();
      for (const state of CONNECTIVITY_STATES) this.set({ state }, state === s ? 1 : 0);
    },
  });
  counter<"from" | "to">(registry, {
    name: "soc_edge_connectivity_transitions_total",
    help: "Connectivity state changes.",
    labelNames: ["from", "to"],
    collect: deltas(view.transitions, (k) => {
      const [from = "", to = ""] = k.split("→");
      return { from, to };
    }),
  });
  const probeSeconds = histogram(registry, { name: "soc_edge_probe_duration_seconds", help: "Duration of connectivity probes.", labelNames: ["probe"] });
  const probeFailures = counter(registry, { name: "soc_edge_probe_failures_total", help: "Failed connectivity probes.", labelNames: ["probe"] });
  g("soc_edge_throttle_level", "Resource throttle level: 0 = not throttled.", view.throttleLevel);
  g("soc_edge_read_rate_limit_bytes", "Read rate limit in bytes per second (+Inf when not throttled).", view.readRateLimit);
  n("soc_edge_read_throttled_seconds_total", "Time readers waited for the read rate limiter.", () => view.throttledMs() / 1000);
  g("soc_edge_cpu_usage_ratio", "Host CPU utilisation of the last resource sample, 0-1.", () => ratio(view.lastSample()?.cpuPercent));
  g("soc_edge_memory_usage_ratio", "Host memory in use of the last resource sample, 0-1.", () => ratio(view.lastSample()?.memoryPercent));
  g("soc_edge_soc_temperature_celsius", "SoC temperature of the last resource sample.", () => view.lastSample()?.temperatureC ?? undefined);
  counter<"signal">(registry, {
    name: "soc_edge_resource_read_errors_total",
    help: "Failed reads of a resource signal.",
    labelNames: ["signal"],
    collect: deltas(() => new Map(Object.entries(view.resourceReadErrors())), (signal) => ({ signal })),
  });
  gauge(registry, {
    name: "soc_edge_component_up",
    help: "1 while a supervised component runs, else 0.",
    labelNames: ["component"],
    collect() {
      for (const c of view.components()) this.set({ component: c.name }, c.state === "running" ? 1 : 0);
    },
  });
  counter<"component">(registry, {
    name: "soc_edge_component_restarts_total",
    help: "Restarts of a supervised component after a failure.",
    labelNames: ["component"],
    collect: deltas(() => new Map(view.components().map((c) => [c.name, c.restarts])), (component) => ({ component })),
  });
  return {
    observeRound(results) {
      for (const r of results) {
        probeSeconds.observe({ probe: r.name }, r.latencyMs / 1000);
        if (!r.ok) probeFailures.inc({ probe: r.name });
      }
    },
  };
}

const ratio = (percent: number | null | undefined): number | undefined => (percent === null || percent === undefined ? undefined : percent / 100);
