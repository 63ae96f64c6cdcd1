// Helpers of the buffered-shipping integration tests: the daemon (runAgent + bufferedShipping) in-process, a
// first-arrival recorder on the _bulk test double, a gradual EVE writer, lane-order and metric checks.
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { RunSettings } from "../../src/config-map.js";
import { createPriorityOf } from "../../src/eve/event-types.js";
import { createLineStats, forEachLine } from "../../src/eve/lines.js";
import { parseEveRecords } from "../../src/eve/parse.js";
import { createCore } from "../../src/options.js";
import { runAgent } from "../../src/run/agent.js";
import { type BufferedShippingOptions, bufferedShipping } from "../../src/run/shipping/plan.js";
import type { RunSummary } from "../../src/run/stats.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { captureLog } from "../run/harness.js";
import { TcpGate } from "./tcp-gate.js";

/** A daemon started by {@link startBuffered}. */
export interface BufferedDaemon {
  readonly stop: AbortController;
  readonly done: Promise<RunSummary>;
  readonly records: Record<string, unknown>[];
  /** Base URL of /metrics ("" until listening). */
  metrics(): string;
}

/** Daemons still running (stopped by `stopAll` in afterEach, so a failed test never leaves one behind). */
const running = new Set<BufferedDaemon>();

/** Connectivity fast enough for tests: probe every 250 ms, 3 failures → offline, 2 successes → back. */
export const FAST_CONNECTIVITY = { intervalMs: 250, timeoutMs: 1000, failuresToOffline: 3, successesToOnline: 2, dnsNames: [] } as const;

/** A resource reader of an idle host (no throttling on a loaded CI machine). */
export const IDLE_HOST: NonNullable<BufferedShippingOptions["resourceReader"]> = async () => ({ cpuPercent: 5, memoryPercent: 20, temperatureC: null });

/** Starts the daemon in-process with the buffered plan. */
export function startBuffered(settings: RunSettings, options: BufferedShippingOptions = {}, shutdownTimeoutMs = 5000): BufferedDaemon {
  const stop = new AbortController();
  let url = "";
  const { log, records } = captureLog();
  const done = runAgent({
    settings,
    once: false,
    stop: stop.signal,
    shutdownTimeoutMs,
    metrics: { host: "127.0.0.1", port: 0 },
    onMetricsListening: (u) => (url = u),
    log,
    checkpointIntervalMs: 50,
    shipping: bufferedShipping({ connectivity: FAST_CONNECTIVITY, resourceReader: IDLE_HOST, pollMs: 50, ...options }),
  });
  const d: BufferedDaemon = { stop, done, records, metrics: () => url };
  running.add(d);
  void done.finally(() => running.delete(d)).catch(() => undefined);
  return d;
}

/** The per-test fixture of the outage tests: a temp dir, the `_bulk` test double and a TCP gate in front of it. */
export interface OutageRig {
  /** Fresh temp directory of the current test (removed after it). */
  readonly dir: string;
  /** The `_bulk` test double (documents by index/_id). */
  readonly server: BulkTestServer;
  /** Gate in front of `server`: point the daemon at `gate.url`; `down()` refuses connections, `up()` lets them in. */
  readonly gate: TcpGate;
}

/**
 * Registers `beforeEach`/`afterEach` hooks that give every test of the file a fresh {@link OutageRig} (temp dir named
 * `<prefix>…`, test server, gate) and tear it down after it (daemons still running stopped first). Call it at the
 * top level of a test file; read the fields inside the tests (they change per test).
 *
 * @param prefix - temp directory name prefix, e.g. `"edge-disk-outage-"`.
 * @param extraTeardown - runs after the daemons stopped and before the gate and server close (e.g. stop Redis).
 */
export function outageRig(prefix: string, extraTeardown?: () => Promise<void> | void): OutageRig {
  let current: OutageRig | undefined;
  const get = (): OutageRig => {
    if (!current) throw new Error("outageRig: used outside a test");
    return current;
  };
  beforeEach(async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    const server = await BulkTestServer.start();
    const gate = await TcpGate.start(server.url);
    current = { dir, server, gate };
  });
  afterEach(async () => {
    await stopAll();
    await extraTeardown?.();
    const rig = current;
    current = undefined;
    if (!rig) return;
    await rig.gate.down();
    await rig.server.close();
    await rm(rig.dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return get().dir;
    },
    get server() {
      return get().server;
    },
    get gate() {
      return get().gate;
    },
  };
}

/** Stops every daemon still running. */
export async function stopAll(): Promise<void> {
  for (const d of running) {
    d.stop.abort();
    await d.done.catch(() => undefined);
  }
  running.clear();
}

/**
 * Records, for every `index/id`, the position of its first arrival in a `_bulk` body at the test double (through
 * its interceptor hook: nothing is answered differently).
 */
export function recordArrivals(server: BulkTestServer): Map<string, number> {
  const first = new Map<string, number>();
  server.interceptor = (req, body) => {
    if (!new URL(req.url ?? "/", "http://x").pathname.endsWith("/_bulk")) return undefined;
    const lines = body.toString("utf8").split("\n");
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const action = JSON.parse(lines[i] ?? "{}") as Record<string, { _index: string; _id: string }>;
      const meta = Object.values(action)[0];
      if (!meta) continue;
      const key = `${meta._index}/${meta._id}`;
      if (!first.has(key)) first.set(key, first.size);
    }
    return undefined;
  };
  return first;
}

/** Keys of the valid events of `data` in file order (first occurrence), with their shipping lane (priority). */
export function keysInOrder(data: Buffer, sensorId = "test-sensor"): { key: string; lane: number }[] {
  const core = createCore({ sensorId });
  const priorityOf = createPriorityOf();
  const seen = new Set<string>();
  const out: { key: string; lane: number }[] = [];
  forEachLine(
    data,
    0,
    (line) => {
      parseEveRecords(line, core.parseOptions, (r) => {
        if (!r.ok) return;
        const key = `${core.indexNamer.indexFor(r.eventType, r.timestampMs)}/${core.ids.idFor(r.raw)}`;
        if (seen.has(key)) return;
        seen.add(key);
        out.push({ key, lane: priorityOf(r.eventType) });
      });
    },
    createLineStats(),
  );
  return out;
}

/**
 * Keys whose first arrival is out of file order within their lane (empty = in order). Every key must have arrived.
 */
export function laneOrderViolations(expected: readonly { key: string; lane: number }[], arrivals: ReadonlyMap<string, number>): string[] {
  const last = new Map<number, number>();
  const bad: string[] = [];
  for (const { key, lane } of expected) {
    const at = arrivals.get(key);
    if (at === undefined) {
      bad.push(`${key} never arrived`);
      continue;
    }
    if (at < (last.get(lane) ?? -1)) bad.push(`${key} (lane ${lane}) arrived before an earlier event of its lane`);
    last.set(lane, at);
  }
  return bad;
}

/** Appends `data` to `path` in pieces of `lines` lines every `everyMs` until done or `signal` aborts. */
export async function writeGradually(path: string, data: Buffer, lines: number, everyMs: number, signal?: AbortSignal): Promise<void> {
  let start = 0;
  while (start < data.length && !signal?.aborted) {
    let end = start;
    for (let n = 0; n < lines && end < data.length; n++) {
      const nl = data.indexOf(10, end);
      end = nl === -1 ? data.length : nl + 1;
    }
    await appendFile(path, data.subarray(start, end));
    start = end;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Value of one sample of a Prometheus text exposition (first line matching name and every `k="v"`). */
export function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && labels.split(",").every((kv) => l.includes(kv)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

/** Scrapes /metrics of `d`. */
export async function scrape(d: BufferedDaemon): Promise<string> {
  return (await fetch(`${d.metrics()}/metrics`)).text();
}

/** `msg` of every captured log record. */
export const messages = (d: BufferedDaemon): string[] => d.records.map((r) => String(r["msg"]));

const SYNTHETIC_TYPES = ["alert", "dns", "flow", "http", "stats", "tls", "flow", "flow", "netflow", "alert"] as const;

/**
 * `n` valid, distinct EVE lines (every event type lane: alerts, protocol logs, flows/stats), in Suricata's
 * timestamp format, `tag` making them unique across calls.
 */
export function syntheticEve(n: number, tag: string, startMs = Date.UTC(2026, 11, 3, 10)): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = SYNTHETIC_TYPES[i % SYNTHETIC_TYPES.length] as string;
    const ts = `${new Date(startMs + i * 7).toISOString().slice(0, 23)}${String(i % 1000).padStart(3, "0")}+0000`;
    lines.push(JSON.stringify({ timestamp: ts, flow_id: i, event_type: t, src_ip: "10.0.0.1", src_port: 1024 + (i % 50000), dest_ip: "10.0.0.2", dest_port: 443, proto: "TCP", tag, seq: i }));
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}
