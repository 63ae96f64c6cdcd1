import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/supervise/clock.js";
import {
  describeError,
  dnsProbe,
  httpProbe,
  type Probe,
  ProbeDnsError,
  ProbeHttpStatusError,
  redactUrl,
  runProbe,
} from "../../src/supervise/connectivity-probe.js";
import { ManualClock, settle } from "./manual-clock.js";

const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

describe("httpProbe against a local HTTP server", () => {
  it("succeeds on 200 and reports a red cluster as degraded", async () => {
    let status = "green";
    const { url } = await serve((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(req.url === "/_cluster/health" ? { cluster_name: "t", status } : { version: { number: "2.19.0" } }));
    });
    const root = await runProbe(httpProbe({ url: `${url}/` }), 2000, systemClock);
    expect(root).toMatchObject({ name: "opensearch", critical: true, ok: true });
    expect(root.latencyMs).toBeGreaterThanOrEqual(0);
    expect(root.degraded).toBeUndefined();
    status = "red";
    const health = await runProbe(httpProbe({ url: `${url}/_cluster/health` }), 2000, systemClock);
    expect(health).toMatchObject({ ok: true, degraded: true, detail: "cluster status red" });
  });

  it("fails on 503 with the status in the detail", async () => {
    const { url } = await serve((_req, res) => {
      res.statusCode = 503;
      res.end("unavailable");
    });
    const probe = httpProbe({ url: `${url}/` });
    await expect(probe.check(new AbortController().signal)).rejects.toBeInstanceOf(ProbeHttpStatusError);
    const result = await runProbe(probe, 2000, systemClock);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain("HTTP 503");
  });

  it("times out a slow server on the injected clock and aborts the request", async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    let closedByClient = false;
    const { url } = await serve((req) => {
      req.socket.on("close", () => (closedByClient = true));
      arrived(); // never answers
    });
    const clock = new ManualClock();
    const pending = runProbe(httpProbe({ url: `${url}/` }), 3000, clock);
    await requestArrived;
    await clock.advance(2999);
    await clock.advance(1);
    const result = await pending;
    expect(result).toMatchObject({ ok: false, latencyMs: 3000 });
    expect(result.detail).toContain("timed out after 3000 ms");
    for (let i = 0; i < 50 && !closedByClient; i++) await settle();
    expect(closedByClient).toBe(true);
  });

  it("fails fast on a closed port", async () => {
    const { url, server } = await serve(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await runProbe(httpProbe({ url: `${url}/` }), 2000, systemClock);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it("uses an injected request function (the daemon's OpenSearch client)", async () => {
    const calls: AbortSignal[] = [];
    const probe = httpProbe({
      url: "https://admin:secret@search.example:9200/_cluster/health",
      request: async (signal) => {
        calls.push(signal);
        return { status: 401 };
      },
    });
    const result = await runProbe(probe, 1000, systemClock);
    expect(calls).toHaveLength(1);
    expect(result.detail).toBe("GET https://search.example:9200/_cluster/health answered HTTP 401");
    expect(result.detail).not.toContain("secret");
  });

  it("reports shutdown as a failed result without waiting for the timeout", async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const hanging: Probe = { name: "hang", critical: true, check: () => new Promise(() => undefined) };
    const pending = runProbe(hanging, 10_000, clock, ac.signal);
    ac.abort(new Error("shutting down"));
    const result = await pending;
    expect(result).toMatchObject({ ok: false, detail: "shutting down" });
    expect(clock.pending).toBe(0); // the timeout timer was cancelled
  });
});

describe("dnsProbe", () => {
  it("resolves localhost with the system resolver", async () => {
    const result = await runProbe(dnsProbe("localhost"), 2000, systemClock);
    expect(result).toMatchObject({ name: "dns:localhost", critical: false, ok: true });
  });

  it("fails with ProbeDnsError when the lookup fails or finds nothing", async () => {
    const failing = dnsProbe("nowhere.invalid", {
      lookup: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.invalid"), { code: "ENOTFOUND" });
      },
    });
    await expect(failing.check(new AbortController().signal)).rejects.toBeInstanceOf(ProbeDnsError);
    const result = await runProbe(failing, 1000, systemClock);
    expect(result.detail).toContain("ENOTFOUND");
    const empty = dnsProbe("empty.test", { lookup: async () => [] });
    await expect(empty.check(new AbortController().signal)).rejects.toThrow("DNS lookup of empty.test failed");
  });
});

describe("helpers", () => {
  it("redacts credentials and describes error codes and causes", () => {
    expect(redactUrl("http://u:p@h:1/x")).toBe("http://h:1/x");
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(describeError(new TypeError("fetch failed", { cause }))).toBe("fetch failed (connect ECONNREFUSED 127.0.0.1:1)");
    expect(describeError(Object.assign(new Error("boom"), { code: "EPIPE" }))).toBe("EPIPE: boom");
    expect(describeError("text")).toBe("text");
  });
});
