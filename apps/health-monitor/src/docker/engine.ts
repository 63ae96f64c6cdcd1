/**
 * The engine port: the few Engine API calls the monitor makes, behind an interface so the daemon and the
 * commands are tested with an in-memory engine, and the dockerode adapter that implements it.
 * The API version is not pinned: requests go to unversioned paths, which the engine serves at its own
 * (current) version, so a Docker 29 engine that refuses clients below 1.44 still answers.
 * Source: https://docs.docker.com/reference/api/engine/#api-version-matrix
 */
import { readFile } from "node:fs/promises";
import Docker from "dockerode";
import { classifyEngineError } from "../errors.js";
import type { InspectJson } from "../inspect/types.js";
import type { StatsJson } from "../state/stats.js";
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
  apiVersion: string;
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
 * without one for the event stream (a client timeout would kill an idle stream). TLS files are read here.
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
  const api = new Docker({ ...base, timeout: opts.requestTimeoutMs ?? 10_000 });
  const stream = new Docker({ ...base });
  return new DockerodeEngine(formatEndpoint(endpoint), api, stream);
}

class DockerodeEngine implements Engine {
  constructor(
    readonly endpoint: string,
    private readonly api: Docker,
    private readonly streamClient: Docker,
  ) {}

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyEngineError(err, this.endpoint, operation);
    }
  }

  async ping(): Promise<void> {
    await this.call("ping", () => this.api.ping());
  }

  async version(): Promise<EngineVersion> {
    const v = await this.call("version", () => this.api.version());
    return { version: v.Version, apiVersion: v.ApiVersion };
  }

  async list(labels: readonly string[]): Promise<ListedContainer[]> {
    const filters: Record<string, string[]> = labels.length > 0 ? { label: [...labels] } : {};
    return this.call("list containers", () => this.api.listContainers({ all: true, filters }));
  }

  async inspect(id: string): Promise<InspectJson | undefined> {
    try {
      return (await this.api.getContainer(id).inspect()) as unknown as InspectJson;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw classifyEngineError(err, this.endpoint, `inspect ${id.slice(0, 12)}`);
    }
  }

  async stats(id: string): Promise<StatsJson | undefined> {
    try {
      return (await this.api.getContainer(id).stats({ stream: false })) as unknown as StatsJson;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw classifyEngineError(err, this.endpoint, `stats ${id.slice(0, 12)}`);
    }
  }

  async restart(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(`restart ${id.slice(0, 12)}`, () => this.api.getContainer(id).restart({ t: timeoutSeconds }));
  }

  async events(filters: Record<string, string[]>, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
    const s = await this.call("events", () => this.streamClient.getEvents({ filters, abortSignal: signal }));
    return s;
  }
}
