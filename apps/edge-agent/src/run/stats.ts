/**
 * Counters of one run (monotonic, plain numbers: updated on the hot path without touching prom-client; the metrics
 * module reads them at scrape time) and the final summary printed by `edge-agent run`.
 * @module
 */

/** Mutable run counters. Maps are keyed by event type, dead-letter reason or bulk status label. */
export interface RunStats {
  /** Valid events accepted by the type filter, by `event_type`. */
  readonly readByType: Map<string, number>;
  /** Events acknowledged by OpenSearch (indexed, or already there), by `event_type`. */
  readonly shippedByType: Map<string, number>;
  /** Records written to the dead-letter file, by reason (`MalformedReason`, OpenSearch `error.type`, `retries_exhausted`). */
  readonly deadLetteredByReason: Map<string, number>;
  /** Records written to the dead-letter file, by `event_type` (`(malformed)` for lines that could not be parsed). */
  readonly deadLetteredByType: Map<string, number>;
  /** `_bulk` requests by outcome: HTTP status as text, or `error` for a transport failure. */
  readonly bulkRequests: Map<string, number>;
  /** Events dropped by the type filter. */
  filtered: number;
  /** Bytes read from all inputs. */
  bytesRead: number;
  /** Item deliveries re-sent after a retryable failure. */
  retriedItems: number;
  /** Events that could not be delivered (fatal error, retries exhausted with `hold`, shutdown deadline). */
  undelivered: number;
  /** `--once`: entries of a durable buffer left by a previous daemon run delivered (or dead-lettered) and removed. */
  drainedFromBuffer: number;
  /** Checkpoint files written / failed. */
  checkpointWrites: number;
  checkpointErrors: number;
  /** Full garbage collections run by `memory.collectEvery` (`run/gc-pacer.ts`), and the CPU seconds they took. */
  forcedGcs: number;
  forcedGcSeconds: number;
  /** Configured files missing at the end of a `--once` run (or checkpointed files not found again). */
  readonly missingFiles: string[];
}

/** A fresh, zeroed {@link RunStats}. */
export function createRunStats(): RunStats {
  return {
    readByType: new Map(),
    shippedByType: new Map(),
    deadLetteredByReason: new Map(),
    deadLetteredByType: new Map(),
    bulkRequests: new Map(),
    filtered: 0,
    bytesRead: 0,
    retriedItems: 0,
    undelivered: 0,
    drainedFromBuffer: 0,
    checkpointWrites: 0,
    checkpointErrors: 0,
    forcedGcs: 0,
    forcedGcSeconds: 0,
    missingFiles: [],
  };
}

/** Adds `n` to `map[key]`. */
export function bump(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

const sum = (m: ReadonlyMap<string, number>): number => {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
};

/** How a run ended. */
export type RunStatus =
  /** Everything read was acknowledged or dead-lettered. */
  | "ok"
  /** Stopped by a signal; unacknowledged events stay behind the checkpoint and are re-read on restart. */
  | "stopped"
  /** Some events could not be delivered (retries exhausted or the shutdown deadline); they stay behind the checkpoint. */
  | "incomplete"
  /** OpenSearch refused the requests (401/403/400/404) or the index setup failed: an operator must act. */
  | "fatal"
  /** A configured input file does not exist (`--once`). */
  | "missing_input";

/** Final summary of a run, as printed (JSON with `--json`). */
export interface RunSummary {
  readonly status: RunStatus;
  /** Suggested process exit code: 0 for ok/stopped, 1 incomplete/fatal, 2 missing input. */
  readonly exitCode: number;
  /** Why the run is not ok (fatal reason, counts), if it is not. */
  readonly reason?: string;
  readonly durationSeconds: number;
  readonly bytesRead: number;
  readonly events: {
    readonly read: number;
    readonly shipped: number;
    readonly deadLettered: number;
    readonly filtered: number;
    readonly undelivered: number;
    /** Entries of a durable buffer left by a previous run, delivered by `--once` (included in `shipped`/`deadLettered`). */
    readonly fromBuffer: number;
  };
  readonly readByType: Record<string, number>;
  readonly shippedByType: Record<string, number>;
  readonly deadLetteredByType: Record<string, number>;
  readonly deadLetteredByReason: Record<string, number>;
  readonly bulkRequests: Record<string, number>;
  readonly retriedItems: number;
  /** Full garbage collections run by `apps.edgeAgent.memory.collectEvery`, and the CPU seconds they took. */
  readonly forcedGc: { readonly count: number; readonly seconds: number };
  readonly missingFiles: readonly string[];
}

const EXIT: Record<RunStatus, number> = { ok: 0, stopped: 0, incomplete: 1, fatal: 1, missing_input: 2 };

const sorted = (m: ReadonlyMap<string, number>): Record<string, number> =>
  Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));

/**
 * Builds the summary.
 *
 * @param stats - the run's counters.
 * @param status - how it ended.
 * @param durationSeconds - wall time of the run.
 * @param reason - explanation for a non-ok status.
 */
export function summarize(stats: RunStats, status: RunStatus, durationSeconds: number, reason?: string): RunSummary {
  return {
    status,
    exitCode: EXIT[status],
    ...(reason === undefined ? {} : { reason }),
    durationSeconds: Math.round(durationSeconds * 1000) / 1000,
    bytesRead: stats.bytesRead,
    events: {
      read: sum(stats.readByType),
      shipped: sum(stats.shippedByType),
      deadLettered: sum(stats.deadLetteredByReason),
      filtered: stats.filtered,
      undelivered: stats.undelivered,
      fromBuffer: stats.drainedFromBuffer,
    },
    readByType: sorted(stats.readByType),
    shippedByType: sorted(stats.shippedByType),
    deadLetteredByType: sorted(stats.deadLetteredByType),
    deadLetteredByReason: sorted(stats.deadLetteredByReason),
    bulkRequests: sorted(stats.bulkRequests),
    retriedItems: stats.retriedItems,
    forcedGc: { count: stats.forcedGcs, seconds: Math.round(stats.forcedGcSeconds * 1000) / 1000 },
    missingFiles: [...stats.missingFiles],
  };
}

/** Human-readable summary: totals, then one line per event type (read / shipped / dead-lettered). */
export function formatRunSummary(s: RunSummary): string {
  const lines: string[] = [];
  const e = s.events;
  lines.push(`status: ${s.status}${s.reason ? ` (${s.reason})` : ""}`);
  lines.push(
    `events: ${e.read} read, ${e.shipped} shipped, ${e.deadLettered} dead-lettered, ${e.filtered} filtered, ${e.undelivered} undelivered` +
      ` in ${s.durationSeconds.toFixed(1)} s (${(s.bytesRead / 1048576).toFixed(2)} MiB read)`,
  );
  if (e.fromBuffer > 0) lines.push(`durable buffer: ${e.fromBuffer} events left by a previous run delivered first (counted in shipped/dead-lettered)`);
  const types = [...new Set([...Object.keys(s.readByType), ...Object.keys(s.deadLetteredByType)])];
  if (types.length > 0) {
    const w = Math.max(10, ...types.map((t) => t.length));
    lines.push(`  ${"event_type".padEnd(w)}  ${"read".padStart(8)}  ${"shipped".padStart(8)}  ${"dead-lettered".padStart(13)}`);
    for (const t of types) {
      const row = [s.readByType[t] ?? 0, s.shippedByType[t] ?? 0].map((n) => String(n).padStart(8)).join("  ");
      lines.push(`  ${t.padEnd(w)}  ${row}  ${String(s.deadLetteredByType[t] ?? 0).padStart(13)}`);
    }
  }
  const reasons = Object.entries(s.deadLetteredByReason);
  if (reasons.length > 0) lines.push(`dead-lettered by reason: ${reasons.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  const bulk = Object.entries(s.bulkRequests);
  if (bulk.length > 0) lines.push(`_bulk requests: ${bulk.map(([k, v]) => `${k}=${v}`).join(", ")}; ${s.retriedItems} item retries`);
  if (s.missingFiles.length > 0) lines.push(`missing files: ${s.missingFiles.join(", ")}`);
  return lines.join("\n");
}
