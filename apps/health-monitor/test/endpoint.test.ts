import { describe, expect, it } from "vitest";
import { classifyEngineError, compareApiVersions, createDockerEngine, MAX_API_VERSION, negotiateApiVersion, DockerHostError, EngineApiError, EngineUnreachableError, formatEndpoint, mapLimit, parseDockerHost } from "../src/index.js";

describe("parseDockerHost", () => {
  it("parses unix sockets, bare paths and tcp with default ports", () => {
    expect(parseDockerHost("unix:///var/run/docker.sock")).toEqual({ kind: "unix", socketPath: "/var/run/docker.sock" });
    expect(parseDockerHost("/run/user/1000/docker.sock")).toEqual({ kind: "unix", socketPath: "/run/user/1000/docker.sock" });
    expect(parseDockerHost("tcp://proxy:2375")).toEqual({ kind: "tcp", host: "proxy", port: 2375, protocol: "http" });
    expect(parseDockerHost("tcp://proxy")).toMatchObject({ port: 2375, protocol: "http" });
    expect(parseDockerHost("tcp://[::1]:2375")).toMatchObject({ host: "::1", port: 2375 });
    expect(parseDockerHost("https://engine")).toMatchObject({ port: 2376, protocol: "https" });
  });

  it("switches tcp to TLS on 2376 when certificates are given", () => {
    const tls = { ca: "/c/ca.pem", cert: "/c/cert.pem", key: "/c/key.pem" };
    expect(parseDockerHost("tcp://engine", tls)).toEqual({ kind: "tcp", host: "engine", port: 2376, protocol: "https", tls });
    expect(formatEndpoint(parseDockerHost("tcp://engine", tls))).toBe("tcp+tls://engine:2376");
    expect(formatEndpoint(parseDockerHost("tcp://[::1]:1"))).toBe("tcp://[::1]:1");
  });

  it("rejects what it cannot use", () => {
    for (const bad of ["", "ssh://user@host", "npipe:////./pipe/docker_engine", "unix://relative.sock", "tcp://:2375", "tcp://h:99999", "docker.sock"]) {
      expect(() => parseDockerHost(bad), bad).toThrow(DockerHostError);
    }
  });
});

describe("classifyEngineError", () => {
  it("maps socket errors to EngineUnreachableError with a readable reason", () => {
    const e = classifyEngineError(Object.assign(new Error("connect ECONNREFUSED /x.sock"), { code: "ECONNREFUSED" }), "unix:///x.sock", "list");
    expect(e).toBeInstanceOf(EngineUnreachableError);
    expect((e as EngineUnreachableError).reason).toMatch(/^connection refused/);
    expect((e as EngineUnreachableError).code).toBe("ECONNREFUSED");
    expect(classifyEngineError(Object.assign(new Error("connect EACCES"), { code: "EACCES" }), "x", "list").message).toContain("permission denied");
    expect(classifyEngineError(new Error("timeout"), "x", "list")).toBeInstanceOf(EngineUnreachableError);
  });

  it("maps HTTP errors to EngineApiError with the engine's message", () => {
    const e = classifyEngineError(Object.assign(new Error("HTTP code 500"), { statusCode: 500, json: { message: "cannot restart: boom" } }), "x", "restart abc");
    expect(e).toBeInstanceOf(EngineApiError);
    expect(e.message).toBe("restart abc: HTTP 500: cannot restart: boom");
  });

  it("passes other errors through", () => {
    const err = new TypeError("bug");
    expect(classifyEngineError(err, "x", "y")).toBe(err);
  });
});

describe("mapLimit", () => {
  it("keeps order, bounds concurrency and captures failures per item", async () => {
    let inFlight = 0;
    let peak = 0;
    const r = await mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((res) => setTimeout(res, 5));
      inFlight--;
      if (n === 3) throw new Error("three");
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(r.map((x) => (x.ok ? x.value : (x.error as Error).message))).toEqual([10, 20, "three", 40, 50, 60]);
    await expect(mapLimit([1], 0, async (n) => n)).rejects.toThrow(RangeError);
  });
});

describe("API version negotiation", () => {
  it("talks the lower of the engine's and the client's newest version", () => {
    expect(negotiateApiVersion("1.41")).toBe("1.41");
    expect(negotiateApiVersion("1.44")).toBe("1.44");
    expect(negotiateApiVersion("1.99")).toBe(MAX_API_VERSION);
    expect(negotiateApiVersion("v1.47")).toBe("1.47");
  });

  it("compares numerically (1.9 < 1.41) and refuses engines below the minimum or malformed versions", () => {
    expect(compareApiVersions("1.9", "1.41")).toBeLessThan(0);
    expect(compareApiVersions("1.44", "1.44")).toBe(0);
    expect(() => negotiateApiVersion("1.12")).toThrow(/older than the minimum/);
    expect(() => negotiateApiVersion("latest")).toThrow(RangeError);
  });
});

describe("createDockerEngine", () => {
  it("reports an unreachable engine as EngineUnreachableError and retries negotiation on the next call", async () => {
    const engine = await createDockerEngine(parseDockerHost("unix:///nonexistent.sock"), { requestTimeoutMs: 1234 });
    await expect(engine.ping()).rejects.toBeInstanceOf(EngineUnreachableError);
    await expect(engine.list([])).rejects.toMatchObject({ name: "EngineUnreachableError", code: "ENOENT" });
  });
});
