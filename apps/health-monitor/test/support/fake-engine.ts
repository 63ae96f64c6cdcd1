/**
 * An in-memory {@link Engine} for unit tests of the commands and the daemon: containers are inspect JSON
 * objects the test mutates; events are written to the open stream as NDJSON (optionally split in odd
 * places); the engine can be "stopped" (every call fails as unreachable, the stream ends).
 */
import { PassThrough } from "node:stream";
import type { Engine, EngineVersion, InspectJson, ListedContainer, StatsJson } from "../../src/index.js";
import { EngineUnreachableError } from "../../src/index.js";

export class FakeEngine implements Engine {
  readonly endpoint = "unix:///fake/docker.sock";
  readonly containers = new Map<string, InspectJson>();
  readonly stats_ = new Map<string, StatsJson>();
  readonly restarts: string[] = [];
  readonly eventFilters: Array<Record<string, string[]>> = [];
  up = true;
  restartFails = false;
  private streams = new Set<PassThrough>();
  connects = 0;
  listCalls = 0;
  readonly inspected: string[] = [];

  add(i: InspectJson): void {
    this.containers.set(i.Id, structuredClone(i));
  }

  private ensureUp(): void {
    if (!this.up) throw new EngineUnreachableError(this.endpoint, "connection refused (ECONNREFUSED)", "ECONNREFUSED");
  }

  async ping(): Promise<void> {
    this.ensureUp();
  }
  async version(): Promise<EngineVersion> {
    this.ensureUp();
    return { version: "fake", apiVersion: "1.47" };
  }
  async list(labels: readonly string[]): Promise<ListedContainer[]> {
    this.ensureUp();
    this.listCalls++;
    return [...this.containers.values()]
      .filter((c) =>
        labels.every((l) => {
          const [k, v] = l.includes("=") ? [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] : [l, undefined];
          const have = c.Config?.Labels?.[k];
          return have !== undefined && (v === undefined || have === v);
        }),
      )
      .map((c) => ({ Id: c.Id, Names: [c.Name ?? ""], State: c.State?.Status ?? "", Labels: c.Config?.Labels ?? {} }));
  }
  async inspect(id: string): Promise<InspectJson | undefined> {
    this.ensureUp();
    this.inspected.push(id);
    const c = this.containers.get(id);
    return c ? structuredClone(c) : undefined;
  }
  async stats(id: string): Promise<StatsJson | undefined> {
    this.ensureUp();
    return this.stats_.get(id);
  }
  async restart(id: string): Promise<void> {
    this.ensureUp();
    this.restarts.push(id);
    if (this.restartFails) throw new Error("restart failed");
    const c = this.containers.get(id);
    if (c?.State) c.State.Health = { Status: "starting", FailingStreak: 0, Log: [] };
  }
  async events(filters: Record<string, string[]>, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
    this.ensureUp();
    this.eventFilters.push(filters);
    this.connects++;
    const s = new PassThrough();
    this.streams.add(s);
    const close = () => {
      this.streams.delete(s);
      s.end();
    };
    signal.addEventListener("abort", close, { once: true });
    s.on("close", () => this.streams.delete(s));
    return s;
  }

  /** Writes raw text to every open event stream. */
  write(text: string): void {
    for (const s of this.streams) s.write(text);
  }

  /** Emits an event object as one NDJSON line. */
  emit(ev: Record<string, unknown>): void {
    this.write(`${JSON.stringify(ev)}\n`);
  }

  /** Emits a health_status event for a container and updates its inspect state. */
  setHealth(id: string, status: "healthy" | "unhealthy" | "starting", timeMs = Date.now()): void {
    const c = this.containers.get(id);
    if (c?.State) c.State.Health = { ...(c.State.Health ?? {}), Status: status };
    const name = c?.Name?.replace(/^\//, "") ?? id;
    this.emit({ Type: "container", Action: `health_status: ${status}`, Actor: { ID: id, Attributes: { name } }, time: Math.floor(timeMs / 1000), timeNano: timeMs * 1e6 });
  }

  /** Simulates the engine going away: open streams end, calls fail until {@link start}. */
  stop(): void {
    this.up = false;
    for (const s of this.streams) s.destroy(new Error("socket hang up"));
    this.streams.clear();
  }

  start(): void {
    this.up = true;
  }

  get openStreams(): number {
    return this.streams.size;
  }
}

/** A minimal inspect JSON for a running container. */
export function container(id: string, name: string, opts: { labels?: Record<string, string>; health?: string; state?: string; restartCount?: number } = {}): InspectJson {
  return {
    Id: id.padEnd(64, "0"),
    Name: `/${name}`,
    RestartCount: opts.restartCount ?? 0,
    State: {
      Status: opts.state ?? "running",
      Running: (opts.state ?? "running") === "running",
      OOMKilled: false,
      ExitCode: 0,
      StartedAt: "2026-01-01T00:00:00Z",
      FinishedAt: "0001-01-01T00:00:00Z",
      ...(opts.health ? { Health: { Status: opts.health, FailingStreak: opts.health === "unhealthy" ? 3 : 0, Log: [] } } : {}),
    },
    HostConfig: { NetworkMode: "none" },
    Config: { Image: "soc-test/busybox:1", Labels: opts.labels ?? {} },
  };
}

/** Polls until `fn` returns a truthy value or the timeout passes. */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = "condition"): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
