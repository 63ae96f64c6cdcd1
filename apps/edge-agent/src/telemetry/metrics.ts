/**
 * Prometheus metrics of the edge agent through `@soc/metrics` (names checked: `soc_` namespace, base units,
 * `_total` counters). Event counters are kept as plain numbers by the run loop (`RunStats`) and copied into the
 * prom-client counters at scrape time (`collect`), so the per-event hot path never touches label hashing.
 *
 * | metric | type | labels |
 * |---|---|---|
 * | `soc_edge_events_read_total` | counter | `event_type` |
 * | `soc_edge_events_shipped_total` | counter | `event_type` |
 * | `soc_edge_events_dead_lettered_total` | counter | `reason` |
 * | `soc_edge_events_filtered_total` | counter | |
 * | `soc_edge_events_retried_total` | counter | |
 * | `soc_edge_read_bytes_total` | counter | |
 * | `soc_edge_bulk_requests_total` | counter | `status` (HTTP status or `error`) |
 * | `soc_edge_bulk_request_duration_seconds` | histogram | `status` |
 * | `soc_edge_checkpoint_writes_total` | counter | `result` (`ok`/`error`) |
 * | `soc_edge_file_lag_bytes` | gauge | `path` |
 * | `soc_edge_buffered_bytes` | gauge | (batcher) |
 * | `soc_edge_inflight_bytes` | gauge | (batches being sent) |
 * | `soc_edge_input_paused` | gauge | 1 while reading waits for batcher space |
 * | `soc_edge_ism_policy_available` | gauge | 0 when the cluster has no usable ISM API |
 * | `soc_edge_shipping_fatal` | gauge | 1 after a fatal error (401/403, dead-letter write failure) |
 * @module
 */
import { type Counter, counter, gauge, histogram, type MetricsRegistry } from "@soc/metrics";
import type { RunStats } from "../run/stats.js";

/** What the metrics read at scrape time; every field may change between scrapes. */
export interface MetricsView {
  /** The current run's counters (fresh object per run is fine: deltas are tracked per key). */
  readonly stats: RunStats;
  /** Batcher bytes, in-flight bytes, input paused, fatal. */
  readonly gauges: () => { readonly bufferedBytes: number; readonly inFlightBytes: number; readonly inputPaused: boolean; readonly fatal: boolean };
  /** File lag per path. */
  readonly lag: () => Promise<ReadonlyMap<string, number>>;
}

/** Handles the run loop calls directly. */
export interface EdgeMetrics {
  /** Records one `_bulk` request. */
  observeRequest(status: string, seconds: number): void;
  /** Records whether ISM is usable (after the index setup). */
  setIsmAvailable(available: boolean): void;
}

/** A `collect` that adds, at each scrape, the increase of every key of `source` since the previous scrape. */
function fromMap<L extends string>(label: L, source: () => ReadonlyMap<string, number>): (this: Counter<L>) => void {
  const seen = new Map<string, number>();
  return function collect(this: Counter<L>): void {
    for (const [k, v] of source()) {
      const d = v - (seen.get(k) ?? 0);
      if (d > 0) this.inc({ [label]: k } as Partial<Record<L, string>>, d);
      seen.set(k, v);
    }
  };
}

/** Same as {@link fromMap} for one unlabelled number. */
function fromNumber(source: () => number): (this: Counter) => void {
  let seen = 0;
  return function collect(this: Counter): void {
    const v = source();
    if (v > seen) this.inc(v - seen);
    seen = v;
  };
}

/**
 * Registers every edge-agent metric on `registry`.
 *
 * @param registry - from `createMetricsRegistry` (default labels such as `app` allowed).
 * @param view - the run's live state.
 * @throws {MetricNameError} never in practice (names are fixed and tested).
 */
export function registerEdgeMetrics(registry: MetricsRegistry, view: MetricsView): EdgeMetrics {
  const s = (): RunStats => view.stats;
  const c = <L extends string>(name: string, help: string, label: L, source: () => ReadonlyMap<string, number>): void => {
    counter<L>(registry, { name, help, labelNames: [label], collect: fromMap(label, source) });
  };
  const n = (name: string, help: string, source: () => number): void => {
    counter(registry, { name, help, collect: fromNumber(source) });
  };
  c("soc_edge_events_read_total", "Valid EVE events read and accepted by the type filter.", "event_type", () => s().readByType);
  c("soc_edge_events_shipped_total", "Events acknowledged by OpenSearch (indexed, or already indexed by an earlier attempt).", "event_type", () => s().shippedByType);
  c("soc_edge_events_dead_lettered_total", "Records written to the dead-letter file (malformed lines, items refused by OpenSearch, retries exhausted).", "reason", () => s().deadLetteredByReason);
  c("soc_edge_bulk_requests_total", "_bulk requests by HTTP status (error = no response).", "status", () => s().bulkRequests);
  c("soc_edge_checkpoint_writes_total", "Checkpoint file writes by result.", "result", () => new Map([["ok", s().checkpointWrites], ["error", s().checkpointErrors]]));
  n("soc_edge_events_filtered_total", "Valid events dropped by the event type filter.", () => s().filtered);
  n("soc_edge_events_retried_total", "Item deliveries re-sent after a retryable failure (429, 5xx, transport).", () => s().retriedItems);
  n("soc_edge_read_bytes_total", "Bytes read from EVE inputs.", () => s().bytesRead);
  n("soc_edge_gc_forced_total", "Full garbage collections run by apps.edgeAgent.memory.collectEvery.", () => s().forcedGcs);
  n("soc_edge_gc_forced_seconds_total", "CPU time (all threads) spent in the full garbage collections of apps.edgeAgent.memory.collectEvery.", () => s().forcedGcSeconds);

  const latency = histogram(registry, { name: "soc_edge_bulk_request_duration_seconds", help: "Duration of _bulk requests, from send to parsed response.", labelNames: ["status"] });
  const g = (name: string, help: string, value: () => number): void => {
    gauge(registry, {
      name,
      help,
      collect() {
        this.set(value());
      },
    });
  };
  g("soc_edge_buffered_bytes", "Bytes of events queued in the batcher.", () => view.gauges().bufferedBytes);
  g("soc_edge_inflight_bytes", "Bytes of batches being delivered.", () => view.gauges().inFlightBytes);
  g("soc_edge_input_paused", "1 while reading waits for batcher space (backpressure), else 0.", () => (view.gauges().inputPaused ? 1 : 0));
  g("soc_edge_shipping_fatal", "1 after a fatal error stopped shipping (401/403, dead-letter write failure), else 0.", () => (view.gauges().fatal ? 1 : 0));
  let ism = 1;
  g("soc_edge_ism_policy_available", "0 when the cluster has no usable ISM API (retention policy not installed), else 1.", () => ism);
  gauge(registry, {
    name: "soc_edge_file_lag_bytes",
    help: "Bytes of an EVE file not read yet (file size minus read position).",
    labelNames: ["path"],
    async collect() {
      this.reset();
      for (const [path, lag] of await view.lag()) this.set({ path }, lag);
    },
  });
  return {
    observeRequest: (status, seconds) => latency.observe({ status }, seconds),
    setIsmAvailable: (available) => {
      ism = available ? 1 : 0;
    },
  };
}
