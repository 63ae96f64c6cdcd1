/**
 * Connectivity probes (IO adapters): an HTTP GET of the OpenSearch endpoint and DNS lookups, each run under a
 * timeout by {@link runProbe}, which turns the outcome into a {@link ProbeResult} for the connectivity machine.
 *
 * Intended metrics (wired by the daemon from each round's results): `soc_edge_probe_duration_seconds{probe}`
 * (histogram), `soc_edge_probe_failures_total{probe}` (counter).
 * @module
 */
import { lookup as dnsLookup } from "node:dns/promises";
import type { Clock } from "./clock.js";
import type { ProbeResult } from "./connectivity-state.js";

/** What a probe's `check` resolves with when it succeeded; `degraded` marks an unhealthy but reachable service. */
export interface ProbeVerdict {
  /** Set when the service answered but reports a problem (e.g. OpenSearch cluster status `red`). */
  readonly degraded?: string;
}

/** One named check. `check` resolves on success and rejects (any error) on failure; it must honour `signal`. */
export interface Probe {
  /** Name used in results, logs and the `probe` metric label, e.g. `"opensearch"`, `"dns:localhost"`. */
  readonly name: string;
  /** Whether failure means OpenSearch is unreachable (see {@link ProbeResult.critical}). */
  readonly critical: boolean;
  /** Performs the check. Rejecting = failure; the signal aborts on timeout or shutdown. */
  check(signal: AbortSignal): Promise<ProbeVerdict | void>;
}

/** Thrown by the HTTP probe on a non-2xx status. */
export class ProbeHttpStatusError extends Error {
  override readonly name = "ProbeHttpStatusError";
  /**
   * @param url - the probed URL (credentials removed).
   * @param status - the HTTP status received.
   */
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`GET ${url} answered HTTP ${status}`);
  }
}

/** Thrown (as the abort reason) when a probe exceeds its timeout. */
export class ProbeTimeoutError extends Error {
  override readonly name = "ProbeTimeoutError";
  /**
   * @param probe - probe name.
   * @param timeoutMs - the timeout that elapsed, ms.
   */
  constructor(
    readonly probe: string,
    readonly timeoutMs: number,
  ) {
    super(`probe ${probe} timed out after ${timeoutMs} ms`);
  }
}

/** Thrown by the DNS probe when a name resolves to no address. */
export class ProbeDnsError extends Error {
  override readonly name = "ProbeDnsError";
  /** @param hostname - the name looked up. */
  constructor(
    readonly hostname: string,
    options?: ErrorOptions,
  ) {
    super(`DNS lookup of ${hostname} failed${options?.cause instanceof Error ? `: ${options.cause.message}` : ""}`, options);
  }
}

/** The part of an HTTP response the probe looks at. */
export interface HttpProbeResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Parsed JSON body, if any (used to read `status` of `/_cluster/health`). */
  readonly body?: unknown;
}

/**
 * Performs the probe's GET. Inject the daemon's configured OpenSearch client here so the probe uses the same
 * endpoint, TLS and credentials (basic auth or SigV4) as the shipper, e.g.
 * `(signal) => { const p = client.transport.request({ method: "GET", path: "/_cluster/health" }, { maxRetries: 0 });
 * signal.addEventListener("abort", () => { p.abort(); }); return p.then((r) => ({ status: r.statusCode ?? 0, body: r.body })); }`.
 * It should reject on network errors and may resolve or reject on HTTP errors (both count as failure).
 */
export type HttpProbeRequest = (signal: AbortSignal) => Promise<HttpProbeResponse>;

/** Options of {@link httpProbe}. */
export interface HttpProbeOptions {
  /** URL to GET, e.g. `https://search.example:9200/` or `.../_cluster/health`. Used by the default request and in messages. */
  readonly url: string;
  /** Custom request function (see {@link HttpProbeRequest}). Default: global `fetch` GET without credentials. */
  readonly request?: HttpProbeRequest;
  /** Probe name. Default `"opensearch"`. */
  readonly name?: string;
  /** Default `true`: OpenSearch unreachable means offline. */
  readonly critical?: boolean;
  /** Extra headers for the default `fetch` request (e.g. `authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** `url` without `user:password@`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//");
  }
}

/**
 * The default {@link HttpProbeRequest}: `fetch(url, { method: "GET", signal })`, body read (JSON-parsed when it
 * parses, else ignored) so the connection is released. Source: https://nodejs.org/api/globals.html#fetch
 */
export function fetchProbeRequest(url: string, headers: Readonly<Record<string, string>> = {}): HttpProbeRequest {
  return async (signal) => {
    const response = await fetch(url, { method: "GET", signal, headers: { accept: "application/json", ...headers } });
    const text = await response.text();
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = undefined; // the root endpoint of a proxy may answer HTML; only the status matters then
    }
    return { status: response.status, body };
  };
}

/**
 * HTTP probe of the OpenSearch endpoint. Success = 2xx. A body with `status: "red"` (the
 * `/_cluster/health` answer, https://docs.opensearch.org/latest/api-reference/cluster-api/cluster-health/) marks the
 * result degraded: reachable, but some primary shards are unassigned.
 * Failures: {@link ProbeHttpStatusError} on non-2xx, otherwise whatever the request function rejects with.
 */
export function httpProbe(options: HttpProbeOptions): Probe {
  const url = redactUrl(options.url);
  const request = options.request ?? fetchProbeRequest(options.url, options.headers);
  return {
    name: options.name ?? "opensearch",
    critical: options.critical ?? true,
    async check(signal) {
      const response = await request(signal);
      if (response.status < 200 || response.status > 299) throw new ProbeHttpStatusError(url, response.status);
      const body = response.body;
      if (typeof body === "object" && body !== null && (body as { status?: unknown }).status === "red") {
        return { degraded: "cluster status red" };
      }
      return {};
    },
  };
}

/** Resolves a host name to its addresses (the shape of `dns.promises.lookup` with `{ all: true }`). */
export type DnsLookup = (hostname: string, options: { all: true }) => Promise<readonly { address: string; family: number }[]>;

/** Options of {@link dnsProbe}. */
export interface DnsProbeOptions {
  /** Lookup function. Default `node:dns/promises` `lookup` (getaddrinfo: /etc/hosts, then the system resolver). */
  readonly lookup?: DnsLookup;
  /** Default `false`: a DNS failure degrades but does not by itself mean offline. */
  readonly critical?: boolean;
}

/**
 * DNS probe of one name with the OS resolver (what the HTTP client itself uses).
 * `getaddrinfo` cannot be cancelled: on timeout the result is ignored while the lookup finishes in libuv's thread
 * pool. Source: https://nodejs.org/api/dns.html#dnspromiseslookuphostname-options
 * @throws {ProbeDnsError} (rejects) when the lookup fails or returns no address.
 */
export function dnsProbe(hostname: string, options: DnsProbeOptions = {}): Probe {
  const lookup: DnsLookup = options.lookup ?? ((name, opts) => dnsLookup(name, opts));
  return {
    name: `dns:${hostname}`,
    critical: options.critical ?? false,
    async check() {
      let addresses: readonly { address: string }[];
      try {
        addresses = await lookup(hostname, { all: true });
      } catch (error) {
        throw new ProbeDnsError(hostname, { cause: error });
      }
      if (addresses.length === 0) throw new ProbeDnsError(hostname);
    },
  };
}

/**
 * Runs one probe with a timeout measured on `clock`, never rejecting: the outcome becomes a {@link ProbeResult}.
 * When `signal` (shutdown) aborts, the probe is aborted and the result is a failure with the abort as detail.
 * @param timeoutMs - time limit in milliseconds (config `connectivity.timeout`).
 */
export async function runProbe(probe: Probe, timeoutMs: number, clock: Clock, signal?: AbortSignal): Promise<ProbeResult> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const timer = new AbortController();
  const timeout = clock.sleep(timeoutMs, timer.signal).then(
    () => {
      const error = new ProbeTimeoutError(probe.name, timeoutMs);
      controller.abort(error);
      throw error;
    },
    () => new Promise<never>(() => undefined), // timer cancelled: never settles the race
  );
  const started = clock.now();
  try {
    const aborted = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) reject(controller.signal.reason);
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
    });
    const verdict = await Promise.race([probe.check(controller.signal), timeout, aborted]);
    const latencyMs = clock.now() - started;
    const degraded = verdict ? verdict.degraded : undefined;
    return degraded === undefined
      ? { name: probe.name, critical: probe.critical, ok: true, latencyMs }
      : { name: probe.name, critical: probe.critical, ok: true, latencyMs, degraded: true, detail: degraded };
  } catch (error) {
    return { name: probe.name, critical: probe.critical, ok: false, latencyMs: clock.now() - started, detail: describeError(error) };
  } finally {
    timer.abort();
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Short text of an error for results and logs: `message`, plus the `code` of Node system errors and causes. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? describeError(error.cause) : undefined;
  let text = typeof code === "string" && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  if (cause !== undefined && !text.includes(cause)) text += ` (${cause})`;
  return text;
}
