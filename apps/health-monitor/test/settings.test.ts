import { fileURLToPath } from "node:url";
import { ConfigError, HealthMonitor } from "@soc/config";
import { describe, expect, it } from "vitest";
import { auditInspected, DEFAULT_SETTINGS, defaultSettings, loadSettings, main, settingsFromConfig, silentLog, type CliEnv } from "../src/index.js";
import { container, FakeEngine } from "./support/fake-engine.js";

const cfg = fileURLToPath(new URL("fixtures/config/soc.yaml", import.meta.url));
const cfgDir = fileURLToPath(new URL("fixtures/config/", import.meta.url));

describe("settings", () => {
  it("DEFAULT_SETTINGS (used without a config file, so zod is not loaded) equals the schema's defaults converted", () => {
    // Fails when a default of apps.healthMonitor changes in @soc/config: update DEFAULT_SETTINGS with it.
    expect(DEFAULT_SETTINGS).toEqual(settingsFromConfig(HealthMonitor.parse({})));
    expect(defaultSettings()).toEqual(settingsFromConfig(HealthMonitor.parse({})));
    const copy = defaultSettings();
    copy.autoheal.maxRestarts = 99;
    copy.labelSelector.push("x");
    expect(DEFAULT_SETTINGS.autoheal.maxRestarts).toBe(3);
    expect(DEFAULT_SETTINGS.labelSelector).toEqual([]);
  });

  it("uses the schema defaults without a config file", () => {
    const s = defaultSettings();
    expect(s).toMatchObject({ dockerHost: "unix:///var/run/docker.sock", socketProxy: true, reconcileIntervalMs: 60_000, auditIntervalMs: 300_000, metricsPort: 9102, autohealEnabled: false, waivers: {} });
    expect(s.autoheal).toEqual({ label: "soc.autoheal", optIn: true, gracePeriodMs: 30_000, initialBackoffMs: 10_000, maxBackoffMs: 300_000, maxRestarts: 3, windowMs: 600_000, dryRun: false });
  });

  it("reads apps.healthMonitor with durations in ms, TLS paths from the config's directory, and every waive: list", async () => {
    const s = await loadSettings(cfg, {});
    expect(s.dockerHost).toBe("tcp://proxy:2375");
    expect(s.tls).toEqual({ ca: `${cfgDir}certs/ca.pem`, cert: `${cfgDir}certs/cert.pem`, key: `${cfgDir}certs/key.pem` });
    expect(s.labelSelector).toEqual(["soc.stack=pi"]);
    expect(s.reconcileIntervalMs).toBe(30_000);
    expect(s.autohealEnabled).toBe(true);
    expect(s.autoheal).toMatchObject({ gracePeriodMs: 45_000, maxRestarts: 5, windowMs: 3_600_000 });
    expect(s.waivers).toEqual({
      "edge-agent": [{ rule: "root-user", reason: "needs to read root-owned EVE files" }],
      suricata: [{ rule: "host-network", reason: "packet capture needs the host interfaces" }],
    });
  });

  it("applies SOC__ environment overrides (the CLI passes process.env) and rejects invalid values", async () => {
    const s = await loadSettings(cfg, { SOC__APPS__HEALTH_MONITOR__RECONCILE_INTERVAL: "5s", SOC__APPS__HEALTH_MONITOR__AUTOHEAL__DRY_RUN: "true" });
    expect(s.reconcileIntervalMs).toBe(5_000);
    expect(s.autoheal.dryRun).toBe(true);
    await expect(loadSettings(cfg, { SOC__APPS__HEALTH_MONITOR__AUTOHEAL__MAX_RESTARTS: "0" })).rejects.toThrow(ConfigError);
  });

  it("marks findings of a Compose service as waived by its config waive: entry", async () => {
    const s = await loadSettings(cfg, {});
    const suricata = container("s1", "pi-edge-suricata-1", { labels: { "com.docker.compose.service": "suricata" } });
    suricata.HostConfig = { NetworkMode: "host" };
    const other = container("o1", "other");
    other.HostConfig = { NetworkMode: "host" };
    const r = auditInspected([suricata, other], s.waivers);
    const hn = (name: string) => r.containers.find((c) => c.name === name)?.findings.find((f) => f.rule === "host-network");
    expect(hn("pi-edge-suricata-1")?.waived).toBe("packet capture needs the host interfaces");
    expect(hn("other")?.waived).toBeUndefined();
  });

  it("the CLI passes the config's waivers and label selector to audit", async () => {
    const engine = new FakeEngine();
    const suricata = container("s1", "pi-edge-suricata-1", { labels: { "com.docker.compose.service": "suricata", "soc.stack": "pi" } });
    suricata.HostConfig = { NetworkMode: "host" };
    engine.add(suricata);
    engine.add(container("x1", "not-selected"));
    const out: string[] = [];
    const e: CliEnv = {
      argv: ["--config", cfg, "--host", "unix:///fake.sock", "audit", "--format", "json"],
      env: {},
      io: { out: (s) => void out.push(s), err: () => {} },
      createEngine: async () => engine,
      createLog: () => silentLog,
      isSelf: () => false,
      shutdown: new AbortController().signal,
    };
    expect(await main(e)).toBe(0);
    const report = JSON.parse(out.join("")) as { containers: Array<{ name: string; findings: Array<{ rule: string; waived?: string }> }> };
    expect(report.containers.map((c) => c.name)).toEqual(["pi-edge-suricata-1"]);
    expect(report.containers[0]?.findings.find((f) => f.rule === "host-network")?.waived).toMatch(/packet capture/);
  });
});
