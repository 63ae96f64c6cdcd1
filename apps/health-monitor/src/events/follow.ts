/**
 * Follows the engine's event stream until aborted: connects, splits NDJSON, drops probe noise, and on
 * any end or error reconnects with backoff. After EVERY (re)connect it calls `onConnected` so the caller
 * re-lists: the engine only replays its last 256 events with `since=`, so a missed window is repaired by
 * a full reconcile, not by replay. The stream is opened BEFORE `onConnected` runs, so nothing that happens
 * during the reconcile is lost.
 */
import type { Engine } from "../docker/engine.js";
import { reconnectDelayMs, sleep } from "./backoff.js";
import { type ContainerEvent, eventFilters, toContainerEvent } from "./event.js";
import { NdjsonSplitter, type NdjsonProblem } from "./ndjson.js";

/** Callbacks and settings of {@link followEvents}. */
export interface FollowOptions {
  engine: Engine;
  /** Aborting it closes the stream and makes {@link followEvents} resolve. */
  signal: AbortSignal;
  onEvent(ev: ContainerEvent): void;
  /** Called after each successful connect (attempt 0 is the first). Awaited; a throw counts as a disconnect. */
  onConnected(attempt: number): Promise<void> | void;
  /** Called when the stream ends or fails, with the delay before the next attempt. */
  onDisconnected(error: Error | undefined, delayMs: number): void;
  /** A line that could not be parsed (counted and logged by the caller). */
  onProblem?(p: NdjsonProblem): void;
  /** First reconnect delay, ms (default 250). */
  initialBackoffMs?: number;
  /** Longest reconnect delay, ms (default 15 000). */
  maxBackoffMs?: number;
  rand?: () => number;
}

/** Runs until `signal` aborts. Never rejects: connection problems are reported through `onDisconnected`. */
export async function followEvents(o: FollowOptions): Promise<void> {
  let failures = 0;
  let connects = 0;
  while (!o.signal.aborted) {
    const conn = new AbortController();
    const onAbort = () => conn.abort();
    o.signal.addEventListener("abort", onAbort, { once: true });
    let error: Error | undefined;
    try {
      const stream = await o.engine.events(eventFilters(), conn.signal);
      const ended = pump(stream, o, conn.signal);
      await o.onConnected(connects++);
      failures = 0;
      error = await ended;
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
    } finally {
      o.signal.removeEventListener("abort", onAbort);
      conn.abort();
    }
    if (o.signal.aborted) break;
    const delay = reconnectDelayMs(failures++, o.initialBackoffMs ?? 250, o.maxBackoffMs ?? 15_000, o.rand);
    o.onDisconnected(error, delay);
    await sleep(delay, o.signal);
  }
}

/** Feeds the stream through the splitter; resolves with the error that ended it (undefined for a clean end). */
function pump(stream: NodeJS.ReadableStream, o: FollowOptions, signal: AbortSignal): Promise<Error | undefined> {
  const splitter = new NdjsonSplitter();
  return new Promise((resolve) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      signal.removeEventListener("abort", onAbort);
      const rest = splitter.end();
      deliver(rest.values, rest.problems);
      (stream as unknown as { destroy?: () => void }).destroy?.();
      resolve(err);
    };
    const deliver = (values: unknown[], problems: NdjsonProblem[]) => {
      for (const p of problems) o.onProblem?.(p);
      for (const v of values) {
        const ev = toContainerEvent(v);
        if (ev) o.onEvent(ev);
      }
    };
    const onAbort = () => finish();
    signal.addEventListener("abort", onAbort, { once: true });
    stream.on("data", (chunk: Buffer | string) => {
      if (done) return;
      const b = splitter.push(chunk);
      deliver(b.values, b.problems);
    });
    stream.on("end", () => finish(new Error("event stream ended")));
    stream.on("close", () => finish(new Error("event stream closed")));
    stream.on("error", (err: Error) => finish(err));
  });
}
