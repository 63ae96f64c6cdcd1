/** Compose syntax → audit facts (pure): the forms real files use for ports, volumes and environment. */
import { describe, expect, it } from "vitest";
import { composeServiceFacts, envFacts, mountFact, portFact } from "../src/index.js";

describe("portFact", () => {
  it.each([
    ["8080:80", { target: "80", published: "8080" }],
    ["127.0.0.1:8080:80/udp", { target: "80", published: "8080", hostIp: "127.0.0.1" }],
    ["[::1]:8080:80", { target: "80", published: "8080", hostIp: "::1" }],
    ["${BIND:-127.0.0.1}:${PORT:-80}:80", { target: "80", published: "${PORT:-80}", hostIp: "${BIND:-127.0.0.1}" }],
    ["3000", { target: "3000", published: "ephemeral" }],
  ])("%s", (input, want) => {
    expect(portFact(input)).toEqual(want);
  });

  it("numbers and the long form", () => {
    expect(portFact(9090)).toEqual({ target: 9090, published: "ephemeral" });
    expect(portFact({ target: 80, published: 8080, host_ip: "0.0.0.0" })).toEqual({ target: "80", published: "8080", hostIp: "0.0.0.0" });
  });
});

describe("mountFact", () => {
  it("short syntax: named volume, absolute, relative and interpolated binds, read-only flag, anonymous volume", () => {
    expect(mountFact("data:/data")).toMatchObject({ type: "volume", source: "data" });
    expect(mountFact("/var/run/docker.sock:/var/run/docker.sock:ro")).toMatchObject({ type: "bind", readOnly: true });
    expect(mountFact("./conf:/etc/conf")).toMatchObject({ type: "bind", source: "./conf" });
    expect(mountFact("${SOCK:-/run/docker.sock}:/sock")).toMatchObject({ type: "bind", source: "${SOCK:-/run/docker.sock}", target: "/sock" });
    expect(mountFact("/cache")).toMatchObject({ type: "volume", target: "/cache" });
  });

  it("long syntax, including read_only as a string", () => {
    expect(mountFact({ type: "bind", source: "/proc", target: "/host/proc", read_only: "true" })).toEqual({ type: "bind", source: "/proc", target: "/host/proc", readOnly: true });
  });
});

describe("envFacts / composeServiceFacts", () => {
  it("list and map forms; a name without value has no literal", () => {
    expect(envFacts(["A=1", "B", "C=x=y"]).facts).toEqual([{ name: "A", literal: "1" }, { name: "B" }, { name: "C", literal: "x=y" }]);
    expect(envFacts({ A: 1, B: null }).facts).toEqual([{ name: "A", literal: "1" }, { name: "B" }]);
  });

  it("legacy mem_limit/cpus/pids_limit count as limits; an interpolated limit without default still counts as set", () => {
    const { facts } = composeServiceFacts("a", { image: "x:1", mem_limit: "512m", cpus: 0.5, pids_limit: 100 });
    expect(facts).toMatchObject({ memoryLimitBytes: 512 * 1024 ** 2, cpuLimit: 0.5, pidsLimit: 100 });
    expect(composeServiceFacts("b", { deploy: { resources: { limits: { memory: "${MEM}" } } } }).facts.memoryLimitBytes).toBe(Number.POSITIVE_INFINITY);
  });

  it("a disabled healthcheck is no healthcheck", () => {
    expect(composeServiceFacts("a", { healthcheck: { disable: true } }).facts.hasHealthcheck).toBe(false);
    expect(composeServiceFacts("a", { healthcheck: { test: ["NONE"] } }).facts.hasHealthcheck).toBe(false);
    expect(composeServiceFacts("a", { healthcheck: { test: "true" } }).facts.hasHealthcheck).toBe(true);
  });
});
