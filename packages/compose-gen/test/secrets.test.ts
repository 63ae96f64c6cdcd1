/**
 * No secret value ever reaches the output: env references become `${NAME:?…}`, secrets become Compose
 * secrets, and the sentinel contents of the fixture's secret files appear in no generated file.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { COMPOSE_FILE, generateCompose } from "../src/index.js";
import { FIXTURES, load } from "./support/configs.js";

const FILE = path.join(FIXTURES, "secrets.yaml");
const OUT = path.join(FIXTURES, "..", "virtual-out");

async function generated() {
  const { config, baseDir } = await load(FILE);
  const { files, model } = generateCompose(config, { baseDir, outDir: OUT, configFile: FILE });
  const doc = parse(files.get(COMPOSE_FILE) as string) as {
    services: Record<string, { environment?: Record<string, string>; secrets?: string[] }>;
    secrets: Record<string, { file?: string; environment?: string }>;
  };
  return { files, model, doc };
}

describe("secrets", () => {
  it("never writes a secret value (sentinels of every secret file are absent from every file)", async () => {
    const { files } = await generated();
    const dir = path.join(FIXTURES, "secrets");
    const sentinels = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), "utf8").trim());
    expect(sentinels.length).toBe(4);
    for (const [name, text] of files) {
      for (const s of sentinels) expect(text.includes(s), `${name} contains ${s}`).toBe(false);
      expect(text, name).not.toMatch(/SENTINEL/);
    }
  });

  it("turns env references into required interpolation", async () => {
    const { doc } = await generated();
    expect(doc.services.web?.environment?.API_TOKEN).toBe("${API_TOKEN:?API_TOKEN must be set}");
    expect(doc.services["edge-agent"]?.environment?.OPENSEARCH_TOKEN).toBe("${OS_TOKEN:?OS_TOKEN must be set}");
    expect(doc.services.web?.environment?.LOG_LEVEL).toBe("${WEB_LOG_LEVEL:-info}");
  });

  it("declares file- and env-sourced secrets as Compose secrets, paths relative to the Compose file", async () => {
    const { doc } = await generated();
    expect(doc.secrets["api-token"]).toEqual({ environment: "API_TOKEN" });
    expect(doc.secrets["pd-routing-key"]).toEqual({ environment: "PD_ROUTING_KEY" });
    // compose/ is one level below OUT, which sits beside fixtures/
    expect(doc.secrets["db-password"]).toEqual({ file: "../../fixtures/secrets/db-password.txt" });
    expect(doc.secrets["redis-url"]).toEqual({ file: "../../fixtures/secrets/redis-url.txt" });
    expect(doc.secrets["os-password"]).toEqual({ file: "../../fixtures/secrets/os-password.txt" });
  });

  it("mounts into each app only the secrets its config sections reference", async () => {
    const { doc } = await generated();
    expect(doc.services["edge-agent"]?.secrets).toEqual(["os-password", "redis-url"]); // buffer.url + opensearch password
    expect(doc.services["aiops-agent"]?.secrets).toEqual(["pd-routing-key"]); // its receiver's routing key
    expect(doc.services["health-monitor"]?.secrets).toBeUndefined();
    expect(doc.services.postgres?.secrets).toEqual(["db-password"]);
  });

  it("mounts a file reference used as a service env value instead of inlining it, with a warning", async () => {
    const { doc, model } = await generated();
    expect(doc.services.web?.environment?.SESSION_KEY).toBeUndefined();
    expect(doc.services.web?.secrets).toEqual(["api-token", "session"]);
    expect(model.warnings.map((w) => w.message)).toContainEqual(expect.stringContaining("env SESSION_KEY refers to a secret file"));
  });

  it("rewrites file references in soc-config.yaml to the in-container secret files", async () => {
    const { files } = await generated();
    const inner = parse(files.get("compose/soc-config.yaml") as string) as {
      apps: { edgeAgent: { buffer: { url: unknown } } };
      opensearch: { auth: { password: unknown } };
      secrets: Record<string, unknown>;
    };
    expect(inner.apps.edgeAgent.buffer.url).toEqual({ secretRef: { file: "/run/secrets/redis-url" } });
    expect(inner.opensearch.auth.password).toEqual({ secretRef: { file: "/run/secrets/os-password" } });
    expect(inner.secrets["pd-routing-key"]).toEqual({ file: "/run/secrets/pd-routing-key" });
  });

  it("lists every deploy-time variable in .env.example with where it is used and no value", async () => {
    const { files } = await generated();
    const env = files.get("compose/.env.example") as string;
    const assigned = env.split("\n").filter((l) => /^#? ?[A-Z_][A-Z0-9_]*=/.test(l));
    expect(assigned).toEqual(["API_TOKEN=", "OS_TOKEN=", "PD_ROUTING_KEY=", "# WEB_LOG_LEVEL=", "# WEB_PORT="]);
    expect(env).toContain("#   services.web.environment.API_TOKEN");
    expect(env).toContain("#   secrets.api-token");
    expect(env).toContain("#   services.web.ports.0.published");
    expect(env).toContain('# WEB_PORT (optional, default "8080")');
  });
});
