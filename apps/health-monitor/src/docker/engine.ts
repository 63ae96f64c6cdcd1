/**
 * The engine port: the few Engine API calls the monitor makes, behind an interface so the daemon and the
 * commands are tested with an in-memory engine, and the dockerode adapter that implements it.
 * The API version is negotiated like the Docker CLI does (`NegotiateAPIVersion`): ask the engine for its
 * version once (unversioned `GET /version`), then talk `min(engine, MAX_API_VERSION)` on versioned paths.
 * Nothing old is pinned, so a Docker 29 engine that refuses clients below 1.44 still answers, and a
 * 20.10 engine (1.41) is spoken to at 1.41. Negotiation is redone after the engine was unreachable.
 * Sources: https://docs.docker.com/reference/api/engine/#api-version-matrix ,
 * docker/cli `client.NegotiateAPIVersion`.
 */
import { readFile } from "node:fs/promises";
import type Docker from "dockerode";
import { classifyEngineError, EngineApiError, EngineUnreachableError } from "../errors.js";
import type { InspectJson } from "../inspect/types.js";
import type { StatsJson } from "../state/stats.js";
import { loadDockerode } from "./dockerode-load.js";
import { type DockerEndpoint, formatEndpoint } from "./endpoint.js";

/** One row of `GET /containers/json`. */
export interface ListedContainer {
  Id: string;
  Names?: string[];
  State?: string;
  Labels?: Record<string, string> | null;
}

/** Engine identity from `GET /version`. */
export interface EngineVersion {
  version: string;
  /** The engine's newest API version. */
  apiVersion: string;
  /** The version this client talks (after negotiation). */
  negotiated?: string;
}

/** Newest Engine API version this client knows (Docker 29). Newer engines are spoken to at this version. */
export const MAX_API_VERSION = "1.52";
/** Oldest Engine API version with everything the monitor reads (healthchecks arrived in 1.24, `Mounts` in inspect long before). */
export const MIN_API_VERSION = "1.25";

const versionParts = (v: string): [number, number] => {
  const m = /^v?(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) throw new RangeError(`not an API version: ${JSON.stringify(v)}`);
  return [Number(m[1]), Number(m[2])];
};

/** Compares two API versions (`1.41` < `1.44`); negative, 0 or positive. @throws {RangeError} for a malformed version. */
export function compareApiVersions(a: string, b: string): number {
  const [a1, a2] = versionParts(a);
  const [b1, b2] = versionParts(b);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}

/**
 * The version to talk: the lower of the engine's and ours.
 * @throws {RangeError} when the engine is older than {@link MIN_API_VERSION} or the version is malformed.
 */
export function negotiateApiVersion(engine: string, max: string = MAX_API_VERSION, min: string = MIN_API_VERSION): string {
  if (compareApiVersions(engine, min) < 0) throw new RangeError(`engine API ${engine} is older than the minimum ${min}`);
  return compareApiVersions(engine, max) < 0 ? engine.replace(/^v/, "") : max;
}

/** The Engine API calls the monitor uses. Every method throws `EngineUnreachableError`/`EngineApiError`. */
export interface Engine {
  /** Address for logs, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  ping(): Promise<void>;
  version(): Promise<EngineVersion>;
  /** All containers (running or not), filtered by label selectors (`k` or `k=v`). */
  list(labels: readonly string[]): Promise<ListedContainer[]>;
  /** Inspect JSON, or undefined when the container no longer exists (404). */
  inspect(id: string): Promise<InspectJson | undefined>;
  /** One stats sample with the engine's previous one in `precpu_stats`; undefined when gone. */
  stats(id: string): Promise<StatsJson | undefined>;
  /** Restarts a container, giving it `timeoutSeconds` to stop before SIGKILL. */
  restart(id: string, timeoutSeconds: number): Promise<void>;
  /**
   * Opens the event stream (NDJSON bytes) with the given filters. The stream must not time out while idle;
   * it ends when the engine goes away or `signal` aborts.
   */
  events(filters: Record<string, string[]>, signal: AbortSignal): Promise<NodeJS.ReadableStream>;
}

/** Options of {@link createDockerEngine}. */
export interface DockerEngineOptions {
  /** Timeout of request/response calls in ms (not used for the event stream). Default 10 000. */
  requestTimeoutMs?: number;
}

const isNotFound = (err: unknown) => (err as { statusCode?: unknown })?.statusCode === 404;

/**
 * Creates the dockerode-backed engine: one client with a request timeout for calls, and a SEPARATE client
 * without one for the event stream (a client timeout would kill an idle stream), both on the negotiated
 * API version (negotiated on first use, so this does not need the engine to be up). TLS files are read here.
 * @throws {Error} when a TLS file cannot be read.
 */
export async function createDockerEngine(endpoint: DockerEndpoint, opts: DockerEngineOptions = {}): Promise<Engine> {
  const base: Docker.DockerOptions =
    endpoint.kind === "unix"
      ? { socketPath: endpoint.socketPath }
      : {
          host: endpoint.host,
          port: endpoint.port,
          protocol: endpoint.protocol,
          ...(endpoint.tls
            ? { ca: await readFile(endpoint.tls.ca), cert: await readFile(endpoint.tls.cert), key: await readFile(endpoint.tls.key) }
            : {}),
        };
  return new DockerodeEngine(formatEndpoint(endpoint), base, opts.requestTimeoutMs ?? 10_000);
}

interface Clients {
  api: Docker;
  stream: Docker;
  engine: EngineVersion;
}

class DockerodeEngine implements Engine {
  private clients: Promise<Clients> | undefined;

  constructor(
    readonly endpoint: string,
    private readonly base: Docker.DockerOptions,
    private readonly timeoutMs: number,
  ) {}

  /** Negotiates once; forgets the result when the engine turns out unreachable (it may come back upgraded). */
  private connect(): Promise<Clients> {
    if (this.clients) return this.clients;
    const p = (async () => {
      const DockerClient = loadDockerode();
      const probe = new DockerClient({ ...this.base, timeout: this.timeoutMs });
      let v: { Version: string; ApiVersion: string };
      try {
        v = await probe.version();
      } catch (err) {
        throw classifyEngineError(err, this.endpoint, "version");
      }
      let negotiated: string;
      try {
        negotiated = negotiateApiVersion(v.ApiVersion);
      } catch (err) {
        throw new EngineApiError("negotiate API version", undefined, (err as Error).message, { cause: err });
      }
      return {
        api: new DockerClient({ ...this.base, timeout: this.timeoutMs, version: `v${negotiated}` }),
        stream: new DockerClient({ ...this.base, version: `v${negotiated}` }),
        engine: { version: v.Version, apiVersion: v.ApiVersion, negotiated },
      };
    })();
    this.clients = p;
    p.catch(() => {
      if (this.clients === p) this.clients = undefined;
    });
    return p;
  }

  private async call<T>(operation: string, fn: (c: Clients) => Promise<T>, notFound?: T): Promise<T> {
    const c = await this.connect();
    try {
      return await fn(c);
    } catch (err) {
      if (notFound !== undefined && isNotFound(err)) return notFound;
      const e = classifyEngineError(err, this.endpoint, operation);
      if (e instanceof EngineUnreachableError) this.clients = undefined;
      throw e;
    }
  }

  async ping(): Promise<void> {
    await this.call("ping", (c) => c.api.ping());
  }

  async version(): Promise<EngineVersion> {
    return (await this.connect()).engine;
  }

  async list(labels: readonly string[]): Promise<ListedContainer[]> {
    const filters: Record<string, string[]> = labels.length > 0 ? { label: [...labels] } : {};
    return this.call("list containers", (c) => c.api.listContainers({ all: true, filters }));
  }

  async inspect(id: string): Promise<InspectJson | undefined> {
    const r = await this.call(`inspect ${id.slice(0, 12)}`, async (c) => (await c.api.getContainer(id).inspect()) as unknown as InspectJson | null, null);
    return r ?? undefined;
  }

  async stats(id: string): Promise<StatsJson | undefined> {
    const r = await this.call(`stats ${id.slice(0, 12)}`, async (c) => (await c.api.getContainer(id).stats({ stream: false })) as unknown as StatsJson | null, null);
    return r ?? undefined;
  }

  async restart(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(`restart ${id.slice(0, 12)}`, (c) => c.api.getContainer(id).restart({ t: timeoutSeconds }));
  }

  async events(filters: Record<string, string[]>, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
    return this.call("events", (c) => c.stream.getEvents({ filters, abortSignal: signal }));
  }
}
