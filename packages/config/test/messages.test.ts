import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../src/index.js";
import { configError, fixture } from "./helpers.js";

const base = { version: 1, project: { name: "x" } };

describe("issue messages", () => {
  it("a literal where a secret reference belongs says how to write the reference", async () => {
    const e = await configError(() => parseConfig({ ...base, monitoring: { receivers: { s: { type: "slack", webhookUrl: "https://hooks.slack.com/x" } } } }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]?.path).toBe("monitoring.receivers.s.webhookUrl");
    expect(e.issues[0]?.message).toMatch(/^expected a secret reference \(\{ secretRef: \{ env: NAME \} \}.*found string "https:\/\/hooks\.slack\.com\/x": secrets are never written in the config$/);
  });

  it("a missing or unknown discriminator lists the choices", async () => {
    const missing = await configError(() => parseConfig({ ...base, apps: { edgeAgent: { buffer: { maxBytes: "2G" } } } }));
    expect(missing.issues[0]).toMatchObject({ path: "apps.edgeAgent.buffer.type", message: 'expected "type" to be one of "disk", "redis", but it is missing' });
    const wrong = await configError(() => parseConfig({ ...base, opensearch: { mode: "cloud" } }));
    expect(wrong.issues[0]).toMatchObject({ path: "opensearch.mode", message: 'expected "mode" to be one of "endpoint", "aws", found "cloud"' });
  });

  it("range errors give the bound and the value", async () => {
    const e = await configError(() => parseConfig({ ...base, apps: { aiopsAgent: { detectors: { scoreThreshold: 2 } } } }));
    expect(e.issues[0]?.message).toBe("too big: expected number to be <=1, found 2");
  });
});

describe("invalid map keys", () => {
  it("say what the name must look like and point at the key", async () => {
    const e = await configError(() => loadConfig(fixture("invalid/bad-names.yaml")));
    expect(e.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`)).toEqual([
      "5:3 services.Redis_Cache: invalid name \"Redis_Cache\": expected a lowercase name (a-z, 0-9, '-', '_', '.'), starting and ending with a letter or digit, at most 63 characters",
      "8:3 features.BadFlag: invalid name \"BadFlag\": expected a camelCase flag name",
    ]);
  });
});

describe("YAML features", () => {
  it("merge keys (<<: *anchor) work", async () => {
    const { config } = await loadConfig(fixture("good/merge-keys.yaml"));
    expect(config.services["redis-b"]).toMatchObject({ image: "redis:7.4-alpine", restart: "unless-stopped", command: ["redis-server", "--port", "6380"] });
  });
});
