import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/index.js";
import { configError, fixture } from "./helpers.js";

const full = fixture("good/full.yaml");

describe("env overrides", () => {
  it("maps SOC__ segments to camelCase keys and types values", async () => {
    const { config, overrides } = await loadConfig(full, {
      env: {
        SOC__APPS__EDGE_AGENT__SHIPPER__BATCH_MAX_EVENTS: "100",
        SOC__APPS__EDGE_AGENT__SHIPPER__COMPRESSION: "false",
        SOC__LOGGING__LEVEL: "debug",
        SOC__SERVICES__REDIS__IMAGE: "redis:8.0",
        SOC__SERVICES__REDIS_EXPORTER__ENABLED: "false",
        SOC__IMAGES__PLATFORMS: '["linux/arm64"]',
        SOC__IMAGES__TAG: "1.10",
        SOC__HOST__CPUS: "6",
        PATH: "/usr/bin",
        SOC_NOT_AN_OVERRIDE: "x",
      },
    });
    expect(config.apps.edgeAgent.shipper.batchMaxEvents).toBe(100);
    expect(config.apps.edgeAgent.shipper.compression).toBe(false);
    expect(config.logging.level).toBe("debug");
    expect(config.services["redis"]?.image).toBe("redis:8.0");
    expect(config.services["redis-exporter"]?.enabled).toBe(false);
    expect(config.images.platforms).toEqual(["linux/arm64"]);
    // "1.10" would be the number 1.1 as a YAML scalar; the field only takes strings, so the text is kept.
    expect(config.images.tag).toBe("1.10");
    expect(config.host.cpus).toBe(6);
    expect(overrides.map((o) => o.path)).toEqual([
      "apps.edgeAgent.shipper.batchMaxEvents", "apps.edgeAgent.shipper.compression", "host.cpus", "images.platforms",
      "images.tag", "logging.level", "services.redis-exporter.enabled", "services.redis.image",
    ]);
    expect(overrides[0]?.variable).toBe("SOC__APPS__EDGE_AGENT__SHIPPER__BATCH_MAX_EVENTS");
  });

  it("adds entries to maps of plain values, but not new services", async () => {
    const { config } = await loadConfig(full, { env: { SOC__SERVICES__GRAFANA__ENV__GF_LOG_LEVEL: "debug", SOC__SERVICES__GRAFANA__ENV__GF_SECURITY_ADMIN_USER: "root" } });
    expect(config.services["grafana"]?.env).toMatchObject({ GF_LOG_LEVEL: "debug", GF_SECURITY_ADMIN_USER: "root" });
    const e = await configError(() => loadConfig(full, { env: { SOC__SERVICES__NGINX__IMAGE: "nginx" } }));
    expect(e.issues[0]?.message).toContain("sections like services must be declared in the file");
  });

  it("creates sections the file omits", async () => {
    const { config } = await loadConfig(fixture("good/minimal.yaml"), { env: { SOC__KUBERNETES__HPA__MAX_REPLICAS: "9" } });
    expect(config.kubernetes.hpa.maxReplicas).toBe(9);
    expect(config.kubernetes.hpa.minReplicas).toBe(2);
  });

  it("refuses an unknown path, naming the variable with a did-you-mean", async () => {
    const e = await configError(() => loadConfig(full, { env: { SOC__APPS__EDGE_AGNT__ENABLED: "false", SOC__SERVICES__REDDIS__IMAGE: "x" } }));
    expect(e.issues).toHaveLength(2);
    const [a, b] = e.issues;
    expect(a).toMatchObject({ variable: "SOC__APPS__EDGE_AGNT__ENABLED", code: "env_unknown_path", path: "apps" });
    expect(a?.message).toContain("did you mean edgeAgent?");
    expect(b).toMatchObject({ variable: "SOC__SERVICES__REDDIS__IMAGE", path: "services" });
    expect(b?.message).toContain("did you mean redis?");
    expect(e.format()).toMatch(/^env SOC__APPS__EDGE_AGNT__ENABLED apps: /m);
  });

  it("reports invalid override values at the variable, not at a file position", async () => {
    const e = await configError(() => loadConfig(full, { env: { SOC__APPS__EDGE_AGENT__SHIPPER__BATCH_MAX_EVENTS: "many", SOC__HOST__ARCH: "[not json" } }));
    const byVar = Object.fromEntries(e.issues.map((i) => [i.variable, i]));
    expect(byVar["SOC__HOST__ARCH"]?.code).toBe("env_bad_value");
    const batch = byVar["SOC__APPS__EDGE_AGENT__SHIPPER__BATCH_MAX_EVENTS"];
    expect(batch).toMatchObject({ path: "apps.edgeAgent.shipper.batchMaxEvents", message: 'expected a number, found string "many"' });
    expect(batch?.line).toBeUndefined();
    expect(e.format()).toContain('env SOC__APPS__EDGE_AGENT__SHIPPER__BATCH_MAX_EVENTS apps.edgeAgent.shipper.batchMaxEvents: expected a number, found string "many"');
  });

  it("blames the variable for a key missing in a section it created", async () => {
    const e = await configError(() => loadConfig(fixture("good/minimal.yaml"), { env: { SOC__APPS__EDGE_AGENT__BUFFER__MAX_BYTES: "2G" } }));
    expect(e.issues).toEqual([
      expect.objectContaining({ variable: "SOC__APPS__EDGE_AGENT__BUFFER__MAX_BYTES", path: "apps.edgeAgent.buffer.type", message: 'expected "type" to be one of "disk", "redis", but it is missing' }),
    ]);
    expect(e.issues[0]?.line).toBeUndefined();
  });

  it("never reads process.env", async () => {
    process.env["SOC__HOST__CPUS"] = "2";
    try {
      const { config } = await loadConfig(full);
      expect(config.host.cpus).toBe(8);
    } finally {
      delete process.env["SOC__HOST__CPUS"];
    }
  });
});
