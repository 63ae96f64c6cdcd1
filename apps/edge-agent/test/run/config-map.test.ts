// @soc/config → RunSettings: units, paths relative to the config file, secret references, sensor id fallbacks.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "@soc/config";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkpointPathFor, loadRunSettings, resolveSecretRef, runSettingsFromConfig, SecretResolutionError } from "../../src/config-map.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-cfg-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runSettingsFromConfig", () => {
  it("maps apps.edgeAgent and opensearch, with units converted and paths resolved against the config file", async () => {
    const file = join(dir, "soc.yaml");
    await writeFile(join(dir, "os-password"), "hunter2\n");
    await writeFile(
      file,
      `version: 1
project: { name: lab }
host: { name: pi-7 }
opensearch:
  mode: endpoint
  url: https://search.example:9200
  indexPrefix: ids
  retentionDays: 45
  auth: { type: basic, username: shipper, password: { secretRef: { file: ./os-password } } }
  tls: { caFile: certs/ca.pem }
apps:
  edgeAgent:
    metricsPort: 9200
    logLevel: debug
    eve:
      paths: [logs/eve.json, /var/log/suricata/eve-2.json]
      socket: run/eve.sock
      eventTypes: [alert, dns]
      maxLineBytes: 65536
      checkpointDir: state
      deadLetterPath: state/dl.ndjson
    shipper:
      batchMaxEvents: 1000
      batchMaxBytes: 2M
      flushInterval: 500ms
      concurrency: 4
      requestTimeout: 1m
      compression: false
      retry: { initialDelay: 50ms, maxDelay: 10s, maxAttempts: 7 }
`,
    );
    const s = await loadRunSettings(file, { SOC__APPS__EDGE_AGENT__SHIPPER__CONCURRENCY: "3" });
    expect(s.core).toEqual({
      sensorId: "pi-7",
      indexPrefix: "ids",
      eventTypes: ["alert", "dns"],
      maxLineBytes: 65536,
      batchMaxEvents: 1000,
      batchMaxBytes: 2 * 1024 * 1024,
      flushIntervalMs: 500,
      retryBaseMs: 50,
      retryCapMs: 10_000,
    });
    expect(s.evePaths).toEqual([join(dir, "logs/eve.json"), "/var/log/suricata/eve-2.json"]);
    expect(s.socketPath).toBe(join(dir, "run/eve.sock"));
    expect(s.checkpointDir).toBe(join(dir, "state"));
    expect(s.deadLetterPath).toBe(join(dir, "state/dl.ndjson"));
    expect(s.shipper).toEqual({ concurrency: 3, requestTimeoutMs: 60_000, compression: false, maxAttempts: 7 });
    expect(s.opensearch).toEqual({
      mode: "endpoint",
      url: "https://search.example:9200",
      auth: { type: "basic", username: "shipper", password: "hunter2" },
      tls: { caFile: join(dir, "certs/ca.pem"), insecureSkipVerify: false },
    });
    expect(s.indexSetup).toEqual({ indexPrefix: "ids", retentionDays: 45 });
    expect(s.metricsPort).toBe(9200);
    expect(s.logLevel).toBe("debug");
  });

  it("uses the schema defaults: 9100, suricata-*, 2 senders, gzip, retry forever; sensor id from the host name, then the project", async () => {
    const config = parseConfig({ version: 1, project: { name: "lab" } });
    const withHost = await runSettingsFromConfig(config, { baseDir: dir, env: {}, secrets: {}, hostname: "sensor-host" });
    expect(withHost.core.sensorId).toBe("sensor-host");
    expect(withHost.metricsPort).toBe(9100);
    expect(withHost.shipper).toEqual({ concurrency: 2, requestTimeoutMs: 30_000, compression: true, maxAttempts: 0 });
    expect(withHost.evePaths).toEqual(["/var/log/suricata/eve.json"]);
    expect(withHost.opensearch).toMatchObject({ mode: "endpoint", url: "http://opensearch:9200", auth: { type: "none" } });
    expect((await runSettingsFromConfig(config, { baseDir: dir, env: {}, secrets: {} })).core.sensorId).toBe("lab");
    expect("gcPacing" in withHost).toBe(false); // memory.collectEvery: off by default
  });

  it("maps memory.collectEvery to bytes, and 'off' to no pacing", async () => {
    const every = (collectEvery: string | number, collectMaxShare?: number) =>
      parseConfig({ version: 1, project: { name: "x" }, apps: { edgeAgent: { memory: { collectEvery, ...(collectMaxShare === undefined ? {} : { collectMaxShare }) } } } });
    const settings = (c: ReturnType<typeof every>) => runSettingsFromConfig(c, { baseDir: dir, env: {}, secrets: {} });
    expect((await settings(every("16M", 0.2))).gcPacing).toEqual({ everyBytes: 16 * 1024 * 1024, maxShare: 0.2 });
    expect((await settings(every(1_000_000))).gcPacing).toEqual({ everyBytes: 1_000_000, maxShare: 0.02 });
    expect((await settings(every("8M"))).gcPacing).toEqual({ everyBytes: 8 * 1024 * 1024, maxShare: 0.02 });
    expect(() => every("sometimes")).toThrow(/collectEvery/);
    expect(() => every("8M", 0)).toThrow(/collectMaxShare/);
  });

  it("maps sigv4 and aws modes without touching AWS", async () => {
    const sig = parseConfig({ version: 1, project: { name: "x" }, opensearch: { mode: "endpoint", url: "https://d.eu-west-1.es.amazonaws.com", auth: { type: "sigv4", region: "eu-west-1" } } });
    expect((await runSettingsFromConfig(sig, { baseDir: dir, env: {}, secrets: {} })).opensearch).toMatchObject({ auth: { type: "sigv4", region: "eu-west-1", service: "es" } });
    const aws = parseConfig({ version: 1, project: { name: "x" }, opensearch: { mode: "aws", region: "eu-west-1", domainName: "soc-events" } });
    expect((await runSettingsFromConfig(aws, { baseDir: dir, env: {}, secrets: {} })).opensearch).toEqual({ mode: "aws", region: "eu-west-1", domainName: "soc-events" });
  });
});

describe("buffer, connectivity and throttle settings", () => {
  it("resolves the disk spool (bytes, absolute dir, default beside the checkpoints) and the supervision sections in ms", async () => {
    const config = parseConfig({
      version: 1,
      project: { name: "x" },
      apps: { edgeAgent: { eve: { checkpointDir: "state" }, connectivity: { interval: "2s", timeout: "500ms", failuresToOffline: 4, dnsNames: ["os.lab"] }, throttle: { cpuPercent: { high: 90, low: 50 }, interval: "1s" } } },
    });
    const s = await runSettingsFromConfig(config, { baseDir: dir, env: {}, secrets: {} });
    expect(s.bufferOptions).toEqual({ type: "disk", dir: join(dir, "state", "spool"), maxBytes: 1024 ** 3 });
    expect(s.connectivity).toEqual({ intervalMs: 2000, timeoutMs: 500, failuresToOffline: 4, successesToOnline: 2, dnsNames: ["os.lab"] });
    expect(s.throttle).toEqual({
      thresholds: { cpuPercent: { high: 90, low: 50 }, memoryPercent: { high: 85, low: 70 }, temperatureC: { high: 75, low: 65 } },
      intervalMs: 1000,
    });
    const spool = parseConfig({ version: 1, project: { name: "x" }, apps: { edgeAgent: { buffer: { type: "disk", dir: "spool", maxBytes: "64M" } } } });
    expect((await runSettingsFromConfig(spool, { baseDir: dir, env: {}, secrets: {} })).bufferOptions).toEqual({ type: "disk", dir: join(dir, "spool"), maxBytes: 64 * 1024 ** 2 });
    const defaults = parseConfig({ version: 1, project: { name: "x" } });
    expect((await runSettingsFromConfig(defaults, { baseDir: dir, env: {}, secrets: {} })).bufferOptions).toMatchObject({ dir: "/var/lib/soc/edge-agent/spool" });
    // `dir` omitted under an explicit disk buffer: beside the checkpoints too.
    const noDir = parseConfig({ version: 1, project: { name: "x" }, apps: { edgeAgent: { eve: { checkpointDir: "/srv/soc" }, buffer: { type: "disk", maxBytes: "64M" } } } });
    expect((await runSettingsFromConfig(noDir, { baseDir: dir, env: {}, secrets: {} })).bufferOptions).toEqual({ type: "disk", dir: "/srv/soc/spool", maxBytes: 64 * 1024 ** 2 });
    // An explicit dir is kept as written, whatever the checkpoint dir.
    const explicit = parseConfig({ version: 1, project: { name: "x" }, apps: { edgeAgent: { eve: { checkpointDir: "/srv/soc" }, buffer: { type: "disk", dir: "/var/lib/soc/edge-agent/spool" } } } });
    expect((await runSettingsFromConfig(explicit, { baseDir: dir, env: {}, secrets: {} })).bufferOptions).toMatchObject({ dir: "/var/lib/soc/edge-agent/spool" });
  });

  it("resolves the Redis buffer URL from a secret reference", async () => {
    const config = parseConfig({
      version: 1,
      project: { name: "x" },
      apps: { edgeAgent: { buffer: { type: "redis", url: { secretRef: { env: "REDIS_URL" } }, maxLen: 5000 } } },
    });
    const s = await runSettingsFromConfig(config, { baseDir: dir, env: { REDIS_URL: "redis://:pw@redis:6379/2" }, secrets: {} });
    expect(s.bufferOptions).toEqual({ type: "redis", url: "redis://:pw@redis:6379/2", stream: "soc:eve:x", maxLen: 5000, consumerGroup: "edge-agent" });
    await expect(runSettingsFromConfig(config, { baseDir: dir, env: {}, secrets: {} })).rejects.toThrow(SecretResolutionError);
  });

  it("names the default Redis stream after the sensor, and keeps an explicit stream as written", async () => {
    const base = { version: 1, project: { name: "x" } };
    const bySensor = parseConfig({ ...base, apps: { edgeAgent: { sensorId: "pi-7", buffer: { type: "redis", url: "redis://r:6379" } } } });
    expect((await runSettingsFromConfig(bySensor, { baseDir: dir, env: {}, secrets: {} })).bufferOptions).toMatchObject({ stream: "soc:eve:pi-7" });
    const byHost = parseConfig({ ...base, apps: { edgeAgent: { buffer: { type: "redis", url: "redis://r:6379" } } } });
    expect((await runSettingsFromConfig(byHost, { baseDir: dir, env: {}, secrets: {}, hostname: "sensor-b" })).bufferOptions).toMatchObject({ stream: "soc:eve:sensor-b" });
    const explicit = parseConfig({ ...base, apps: { edgeAgent: { sensorId: "pi-7", buffer: { type: "redis", url: "redis://r:6379", stream: "ids:shared" } } } });
    expect((await runSettingsFromConfig(explicit, { baseDir: dir, env: {}, secrets: {} })).bufferOptions).toMatchObject({ stream: "ids:shared" });
  });
});

describe("resolveSecretRef", () => {
  const secrets = { os: { env: "OS_PASS" }, osfile: { file: "pw.txt" } };
  it("reads env, file (one trailing newline removed) and named secrets", async () => {
    await writeFile(join(dir, "pw.txt"), "from-file\r\n");
    const ctx = { baseDir: dir, env: { OS_PASS: "from-env" }, secrets };
    expect(await resolveSecretRef({ secretRef: { env: "OS_PASS" } }, ctx)).toBe("from-env");
    expect(await resolveSecretRef({ secretRef: { file: "pw.txt" } }, ctx)).toBe("from-file");
    expect(await resolveSecretRef({ secretRef: { name: "os" } }, ctx)).toBe("from-env");
    expect(await resolveSecretRef({ secretRef: { name: "osfile" } }, ctx)).toBe("from-file");
  });

  it("names where it looked, never a value", async () => {
    const ctx = { baseDir: dir, env: {}, secrets };
    await expect(resolveSecretRef({ secretRef: { env: "OS_PASS" } }, ctx)).rejects.toThrow(new SecretResolutionError("environment variable OS_PASS is not set", "env OS_PASS"));
    await expect(resolveSecretRef({ secretRef: { file: "missing" } }, ctx)).rejects.toThrow(/cannot read secret file .*missing/);
    await expect(resolveSecretRef({ secretRef: { name: "nope" } }, ctx)).rejects.toThrow(/"nope" is not defined/);
  });
});

describe("checkpointPathFor", () => {
  it("gives files of the same name in different directories different checkpoints", () => {
    const a = checkpointPathFor("/state", "/a/eve.json");
    const b = checkpointPathFor("/state", "/b/eve.json");
    expect(a).toMatch(/^\/state\/eve\.json-[0-9a-f]{8}\.checkpoint\.json$/);
    expect(a).not.toBe(b);
    expect(checkpointPathFor("/state", "/a/eve.json")).toBe(a);
  });
});
