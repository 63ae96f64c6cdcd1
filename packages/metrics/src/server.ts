// The observability HTTP server every app runs: /metrics, /healthz, /readyz, with graceful close.
import type * as Http from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { negotiateFormat } from "./exposition.js";
import { type ReadinessCheck, type ReadinessCheckOptions, ReadinessChecks } from "./readiness.js";
import type { MetricsRegistry } from "./registry.js";

/**
 * Where the server logs. Pino-style `(fields, message)`: a pino logger fits as it is, and so does
 * `console`. Every method is optional; without a logger the server logs nothing.
 */
export interface MetricsLogger {
  debug?(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
  warn?(fields: Record<string, unknown>, message: string): void;
  error?(fields: Record<string, unknown>, message: string): void;
}

export interface MetricsServerOptions {
  /** The registry /metrics exposes. */
  registry: MetricsRegistry;
  /**
   * Address to bind, required: apps pass their config's metrics host ("0.0.0.0" in a container,
   * "127.0.0.1" for local only; an IPv6 address such as "::" works too).
   */
  host: string;
  /** Port to bind, required: apps pass their config's metrics port; 0 picks a free port (tests). */
  port: number;
  /** Checks behind /readyz. Default: a new, empty set (add to it with `registerReadinessCheck`). */
  readiness?: ReadinessChecks;
  logger?: MetricsLogger;
  /** Aborting it closes the server, with `closeDeadlineMs` as the deadline. */
  signal?: AbortSignal;
  /** Deadline used when `signal` aborts, in milliseconds. Default 5000. */
  closeDeadlineMs?: number;
}

export interface CloseResult {
  /** Connections still busy at the deadline, destroyed mid-request (0 for a clean close). */
  forcedConnections: number;
}

export interface MetricsServer {
  /** `http://<bound address>:<port>`, e.g. `http://127.0.0.1:9464` or `http://[::1]:9464`. */
  readonly url: string;
  /** The bound address. */
  readonly host: string;
  /** The bound port (the one picked when 0 was asked for). */
  readonly port: number;
  readonly readiness: ReadinessChecks;
  /** Adds a check to /readyz: `registerReadinessCheck("opensearch", async (signal) => { … })`. */
  registerReadinessCheck(name: string, check: ReadinessCheck, options?: ReadinessCheckOptions): () => void;
  /**
   * Closes gracefully: stops accepting connections, answers /readyz with 503, lets requests in progress
   * finish (their responses say `Connection: close`), destroys idle keep-alive connections at once, and
   * destroys whatever is still open after `deadlineMs` (default 5000). Resolves when the server is
   * closed; calling it again returns the same promise.
   */
  close(deadlineMs?: number): Promise<CloseResult>;
}

export const DEFAULT_CLOSE_DEADLINE_MS = 5_000;

const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
const ROUTES = new Set(["/metrics", "/healthz", "/readyz"]);

function assertDeadline(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0 || value > 2_147_483_647) {
    throw new TypeError(`${what} must be a non-negative number of milliseconds, got ${value}`);
  }
}

/**
 * `node:http` as its CommonJS exports object. A static ESM `import … from "node:http"` makes Node build the
 * module namespace from every own property, which runs the lazy getters `http.WebSocket`, `CloseEvent` and
 * `MessageEvent` and so loads Node's bundled undici: measured on Node 24.22, +14 MB RSS in a process that
 * never uses them. `process.getBuiltinModule` (https://nodejs.org/api/process.html#processgetbuiltinmoduleid,
 * Node >= 22.3) returns the same object without touching those getters.
 */
function nodeHttp(): typeof Http {
  return process.getBuiltinModule("node:http");
}

function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { err: { name: error.name, message: error.message, stack: error.stack } } : { err: error };
}

/** Starts the server and resolves once it listens; rejects when it cannot bind (e.g. EADDRINUSE). */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, host, port } = options ?? ({} as MetricsServerOptions);
  if (!registry || typeof registry.render !== "function" || !registry.scrapeErrors) {
    throw new TypeError("registry must be a MetricsRegistry from createMetricsRegistry()");
  }
  if (typeof host !== "string" || host.trim() === "") {
    throw new TypeError("host is required: pass the address from the app's config, e.g. \"0.0.0.0\"");
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError(`port must be an integer from 0 to 65535 (the app's config port), got ${String(port)}`);
  }
  const closeDeadlineMs = options.closeDeadlineMs ?? DEFAULT_CLOSE_DEADLINE_MS;
  assertDeadline(closeDeadlineMs, "closeDeadlineMs");
  options.signal?.throwIfAborted();

  const readiness = options.readiness ?? new ReadinessChecks();
  const log = options.logger ?? {};
  // Requests in progress on each open connection: 0 means idle (keep-alive, or not yet asked).
  const connections = new Map<Socket, number>();
  let closing: Promise<CloseResult> | undefined;
  let lastReady: boolean | undefined;

  const server = nodeHttp().createServer((req, res) => {
    const socket = req.socket;
    connections.set(socket, (connections.get(socket) ?? 0) + 1);
    res.once("close", () => {
      const inFlight = connections.get(socket);
      if (inFlight === undefined) return; // the connection is already gone
      const left = inFlight - 1;
      connections.set(socket, left);
      if (closing && left === 0) socket.destroy();
    });
    handle(req, res).catch((error: unknown) => {
      log.error?.(errorFields(error), "metrics server: request failed");
      if (!res.headersSent && !res.destroyed) send(req, res, 500, TEXT, "internal error\n");
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.on("connection", (socket: Socket) => {
    connections.set(socket, 0);
    socket.once("close", () => connections.delete(socket));
  });

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string,
    extra: Record<string, string> = {},
  ): void {
    if (res.destroyed) return;
    const headers: Record<string, string | number> = {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      ...extra,
    };
    if (closing) headers.Connection = "close";
    res.writeHead(status, headers);
    if (req.method === "HEAD") res.end();
    else res.end(body);
  }

  const json = (value: unknown) => `${JSON.stringify(value)}\n`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname;
    } catch {
      return send(req, res, 400, TEXT, "bad request\n");
    }
    if (!ROUTES.has(path)) return send(req, res, 404, TEXT, "not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      return send(req, res, 405, TEXT, "method not allowed\n", { Allow: "GET, HEAD" });
    }
    switch (path) {
      case "/healthz":
        // Answering at all proves the process is up and its event loop turns.
        return send(req, res, 200, JSON_TYPE, json({ status: "ok" }));
      case "/readyz":
        return readyz(req, res);
      default:
        return metrics(req, res);
    }
  }

  async function metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const format = negotiateFormat(req.headers.accept);
    let exposition;
    try {
      exposition = await registry.render(format);
    } catch (error) {
      registry.scrapeErrors.inc();
      log.error?.({ ...errorFields(error), format }, "metrics server: rendering /metrics failed");
      return send(req, res, 500, TEXT, "metrics collection failed\n");
    }
    send(req, res, 200, exposition.contentType, exposition.body, { Vary: "Accept" });
  }

  async function readyz(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const shuttingDown = () => {
      const failed = [{ name: "server", reason: "shutting down" }];
      send(req, res, 503, JSON_TYPE, json({ status: "shutting_down", failed, checks: [] }));
    };
    if (closing) return shuttingDown();
    const report = await readiness.run();
    // A server that began closing while the checks ran is no longer ready, whatever they said.
    if (closing) return shuttingDown();
    const failed = report.checks.filter((c) => !c.ok).map((c) => ({ name: c.name, reason: c.reason }));
    if (report.ready !== lastReady) {
      if (report.ready) log.info?.({ checks: readiness.names() }, "metrics server: ready");
      else log.warn?.({ failed }, "metrics server: not ready");
      lastReady = report.ready;
    }
    send(
      req,
      res,
      report.ready ? 200 : 503,
      JSON_TYPE,
      json({ status: report.ready ? "ready" : "not_ready", failed, checks: report.checks }),
    );
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ host, port });
  });
  server.on("error", (error) => log.error?.(errorFields(error), "metrics server: server error"));

  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  function close(deadlineMs: number = DEFAULT_CLOSE_DEADLINE_MS): Promise<CloseResult> {
    if (closing) return closing;
    assertDeadline(deadlineMs, "deadlineMs");
    options.signal?.removeEventListener("abort", onAbort);
    closing = new Promise<CloseResult>((resolve) => {
      let forcedConnections = 0;
      const timer = setTimeout(() => {
        forcedConnections = connections.size;
        if (forcedConnections > 0) {
          log.warn?.({ connections: forcedConnections, deadlineMs }, "metrics server: close deadline passed, destroying connections");
        }
        for (const socket of connections.keys()) socket.destroy();
      }, deadlineMs);
      server.close(() => {
        clearTimeout(timer);
        log.info?.({ url, forcedConnections }, "metrics server: closed");
        resolve({ forcedConnections });
      });
      for (const [socket, inFlight] of connections) if (inFlight === 0) socket.destroy();
    });
    return closing;
  }

  function onAbort(): void {
    void close(closeDeadlineMs);
  }
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  log.info?.({ url }, "metrics server: listening");
  return {
    url,
    host: address.address,
    port: address.port,
    readiness,
    registerReadinessCheck: (name, check, checkOptions) => readiness.register(name, check, checkOptions),
    close,
  };
}
