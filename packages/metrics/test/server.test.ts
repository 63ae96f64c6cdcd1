// The metrics server over real HTTP on 127.0.0.1 with an ephemeral port.
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  type MetricsLogger,
  type MetricsServer,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  counter,
  createMetricsRegistry,
  createReadinessChecks,
  gauge,
  startMetricsServer,
} from "../src/index.js";
import { RawConnection, deferred, get, sleep } from "./helpers.js";

const PROMETHEUS_ACCEPT =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

const servers: MetricsServer[] = [];
const connections: RawConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close(1_000)));
});

async function start(options: Partial<Parameters<typeof startMetricsServer>[0]> = {}) {
  const registry = options.registry ?? createMetricsRegistry({ collectDefault: false });
  const server = await startMetricsServer({ registry, host: "127.0.0.1", port: 0, ...options });
  servers.push(server);
  return { server, registry };
}

async function open(server: MetricsServer): Promise<RawConnection> {
  const connection = await RawConnection.open(server.port);
  connections.push(connection);
  return connection;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

describe("startMetricsServer", () => {
  it("listens on the given host and an ephemeral port", async () => {
    const { server } = await start();
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it("requires host and port and a MetricsRegistry", async () => {
    const registry = createMetricsRegistry({ collectDefault: false });
    await expect(startMetricsServer({ registry, port: 0 } as never)).rejects.toThrow(/host is required/);
    await expect(startMetricsServer({ registry, host: "127.0.0.1" } as never)).rejects.toThrow(/port must be/);
    await expect(startMetricsServer({ registry, host: "127.0.0.1", port: 70_000 })).rejects.toThrow(/port must be/);
    await expect(startMetricsServer({ registry, host: "127.0.0.1", port: 1.5 })).rejects.toThrow(/port must be/);
    await expect(startMetricsServer({ registry: {} as never, host: "127.0.0.1", port: 0 })).rejects.toThrow(/MetricsRegistry/);
  });

  it("rejects when the port is taken", async () => {
    const { server } = await start();
    const registry = createMetricsRegistry({ collectDefault: false });
    await expect(startMetricsServer({ registry, host: "127.0.0.1", port: server.port })).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("refuses to start with an aborted signal", async () => {
    const registry = createMetricsRegistry({ collectDefault: false });
    await expect(startMetricsServer({ registry, host: "127.0.0.1", port: 0, signal: AbortSignal.abort() })).rejects.toThrow();
  });
});

describe("/metrics", () => {
  it("serves the Prometheus text format by default", async () => {
    const { server, registry } = await start();
    counter(registry, { name: "soc_events_shipped_total", help: "Events shipped." }).inc(5);
    const res = await get(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(res.headers.vary).toBe("Accept");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.body));
    expect(res.body).toContain("# TYPE soc_events_shipped_total counter\nsoc_events_shipped_total 5\n");
    expect(res.body).not.toContain("# EOF");
  });

  it("serves OpenMetrics 1.0.0 when Accept asks for it, ending in # EOF", async () => {
    const { server, registry } = await start();
    counter(registry, { name: "soc_events_shipped_total", help: "Events shipped." }).inc(5);
    const res = await get(`${server.url}/metrics`, { headers: { Accept: PROMETHEUS_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(res.body).toContain("# TYPE soc_events_shipped counter\nsoc_events_shipped_total 5\n");
    expect(res.body.endsWith("\n# EOF\n")).toBe(true);
    expect(res.body.match(/# EOF/g)).toHaveLength(1);

    // Scraping OpenMetrics first does not change the text format afterwards.
    const text = await get(`${server.url}/metrics`, { headers: { Accept: "text/plain;version=0.0.4" } });
    expect(text.headers["content-type"]).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(text.body).toContain("# TYPE soc_events_shipped_total counter\n");
  });

  it("ignores the query string", async () => {
    const { server } = await start();
    expect((await get(`${server.url}/metrics?name[]=x`)).status).toBe(200);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const { server } = await start();
    const head = await get(`${server.url}/metrics`, { method: "HEAD" });
    const full = await get(`${server.url}/metrics`);
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-type"]).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(head.headers["content-length"]).toBe(full.headers["content-length"]);
  });

  it("answers 500 when collecting fails and counts it in soc_metrics_scrape_errors_total", async () => {
    const errors: string[] = [];
    const logger: MetricsLogger = { error: (_fields, message) => errors.push(message) };
    const { server, registry } = await start({ logger });
    gauge(registry, {
      name: "soc_broken_value",
      help: "Fails to collect.",
      collect() {
        throw new Error("backend gone");
      },
    });
    const failed = await get(`${server.url}/metrics`);
    expect(failed.status).toBe(500);
    expect(failed.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(failed.body).toBe("metrics collection failed\n");
    expect(failed.body).not.toContain("backend gone");
    expect(errors).toEqual(["metrics server: rendering /metrics failed"]);
    expect((await get(`${server.url}/metrics`)).status).toBe(500);

    registry.prom.removeSingleMetric("soc_broken_value");
    const ok = await get(`${server.url}/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain("soc_metrics_scrape_errors_total 2\n");
  });
});

describe("/healthz", () => {
  it("answers 200 {status: ok} to GET and HEAD", async () => {
    const { server } = await start();
    const res = await get(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(res.body)).toEqual({ status: "ok" });
    const head = await get(`${server.url}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-length"]).toBe(res.headers["content-length"]);
  });
});

describe("routing", () => {
  it("answers 404 to other paths", async () => {
    const { server } = await start();
    for (const path of ["/", "/metrics/", "/health", "/readyz/x", "/favicon.ico"]) {
      const res = await get(`${server.url}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await get(`${server.url}/nope`, { method: "POST" })).status).toBe(404);
  });

  it("answers 400 to a malformed request target", async () => {
    const { server } = await start();
    const connection = await open(server);
    expect((await connection.get("http://[")).status).toBe(400);
  });

  it("answers 405 with Allow to methods other than GET and HEAD", async () => {
    const { server } = await start();
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      for (const path of ["/metrics", "/healthz", "/readyz"]) {
        const res = await get(`${server.url}${path}`, { method });
        expect([method, path, res.status, res.headers.allow]).toEqual([method, path, 405, "GET, HEAD"]);
      }
    }
  });
});

describe("/readyz", () => {
  it("answers 200 when every check passes (and with no checks)", async () => {
    const { server } = await start();
    expect(JSON.parse((await get(`${server.url}/readyz`)).body)).toEqual({ status: "ready", failed: [], checks: [] });
    server.registerReadinessCheck("opensearch", async () => {});
    server.registerReadinessCheck("spool", () => true);
    const res = await get(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.status).toBe("ready");
    expect(body.failed).toEqual([]);
    expect(body.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ["opensearch", true],
      ["spool", true],
    ]);
  });

  it("answers 503 listing the checks that failed and why", async () => {
    const readiness = createReadinessChecks();
    readiness.register("opensearch", async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:9200");
    });
    readiness.register("spool", () => true);
    readiness.register("suricata", () => ({ ok: false, reason: "eve.json not growing" }));
    const { server } = await start({ readiness });
    expect(server.readiness).toBe(readiness);
    const res = await get(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    const body = JSON.parse(res.body);
    expect(body.status).toBe("not_ready");
    expect(body.failed).toEqual([
      { name: "opensearch", reason: "connect ECONNREFUSED 127.0.0.1:9200" },
      { name: "suricata", reason: "eve.json not growing" },
    ]);
    expect(body.checks).toHaveLength(3);
    const head = await get(`${server.url}/readyz`, { method: "HEAD" });
    expect(head.status).toBe(503);
    expect(head.body).toBe("");
  });

  it("answers 503 when a check times out, within about its timeout", async () => {
    const { server } = await start();
    server.registerReadinessCheck("opensearch", () => new Promise(() => {}), { timeoutMs: 200 });
    const started = performance.now();
    const res = await get(`${server.url}/readyz`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).failed).toEqual([{ name: "opensearch", reason: "timed out after 200 ms" }]);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("logs when readiness changes, not on every probe", async () => {
    const events: string[] = [];
    const logger: MetricsLogger = { info: (_f, m) => events.push(m), warn: (_f, m) => events.push(m) };
    const { server } = await start({ logger });
    let healthy = false;
    server.registerReadinessCheck("opensearch", () => healthy);
    for (const state of [false, false, true, true, false]) {
      healthy = state;
      await get(`${server.url}/readyz`);
    }
    expect(events.filter((e) => e.includes("ready"))).toEqual([
      "metrics server: not ready",
      "metrics server: ready",
      "metrics server: not ready",
    ]);
  });
});

describe("graceful close", () => {
  it("finishes an in-flight request, drops an idle keep-alive connection at once, refuses new ones", async () => {
    const { server, registry } = await start();
    const release = deferred();
    let collecting = false;
    gauge(registry, {
      name: "soc_slow_value",
      help: "Takes a while to collect.",
      async collect() {
        collecting = true;
        await release.promise;
        this.set(42);
      },
    });

    // An idle keep-alive connection: one request answered, the socket left open.
    const idle = await open(server);
    const first = await idle.get("/healthz");
    expect(first.status).toBe(200);
    expect(first.headers.connection).toBe("keep-alive");

    // A slow request in flight on another connection.
    const busy = await open(server);
    const slow = busy.get("/metrics");
    while (!collecting) await sleep(5);

    let closed = false;
    const closePromise = server.close(10_000);
    const closing = closePromise.then((result) => {
      closed = true;
      return result;
    });
    await idle.closed; // the idle connection goes right away
    expect(busy.isClosed).toBe(false);
    expect(closed).toBe(false);
    expect(await refused(server.port)).toBe(true);

    await sleep(100);
    expect(closed).toBe(false); // still waiting for the in-flight request
    release.resolve();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe("close");
    expect(response.body).toContain("soc_slow_value 42\n");
    expect(await closing).toEqual({ forcedConnections: 0 });
    await busy.closed;
    expect(server.close()).toBe(closePromise); // idempotent
  });

  it("answers /readyz 503 shutting_down when close begins during the checks", async () => {
    const { server } = await start();
    const release = deferred();
    let checking = false;
    server.registerReadinessCheck("opensearch", async () => {
      checking = true;
      await release.promise;
    });
    const connection = await open(server);
    const pending = connection.get("/readyz");
    while (!checking) await sleep(5);
    const closing = server.close(5_000);
    release.resolve();
    const res = await pending;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({
      status: "shutting_down",
      failed: [{ name: "server", reason: "shutting down" }],
      checks: [],
    });
    expect(await closing).toEqual({ forcedConnections: 0 });
  });

  it("destroys connections still busy at the deadline", async () => {
    const warnings: string[] = [];
    const { server, registry } = await start({ logger: { warn: (_f, m) => warnings.push(m) } });
    let collecting = false;
    gauge(registry, {
      name: "soc_stuck_value",
      help: "Never finishes collecting.",
      collect: () => {
        collecting = true;
        return new Promise<void>(() => {});
      },
    });
    const busy = await open(server);
    const stuck = busy.get("/metrics");
    while (!collecting) await sleep(5);
    const started = performance.now();
    expect(await server.close(200)).toEqual({ forcedConnections: 1 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2_000);
    await expect(stuck).rejects.toThrow(/connection closed/);
    expect(warnings).toEqual(["metrics server: close deadline passed, destroying connections"]);
  });

  it("closes when the signal aborts", async () => {
    const controller = new AbortController();
    const { server } = await start({ signal: controller.signal, closeDeadlineMs: 1_000 });
    const idle = await open(server);
    await idle.get("/healthz");
    controller.abort();
    await idle.closed;
    expect(await server.close()).toEqual({ forcedConnections: 0 });
    expect(await refused(server.port)).toBe(true);
  });

  it("closes at once with no connections", async () => {
    const { server } = await start();
    const started = performance.now();
    expect(await server.close(10_000)).toEqual({ forcedConnections: 0 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
