import { describe, expect, it } from "vitest";
import { isSecretEnvName, loadConfig, redact } from "../src/index.js";
import { fixture } from "./helpers.js";

describe("redact", () => {
  it("shows secret references by location and hides secret-looking literals", async () => {
    const { config } = await loadConfig(fixture("good/full.yaml"));
    const r = redact(config) as typeof config;
    const env = (svc: string) => r.services[svc]?.env as Record<string, unknown>;
    expect(env("redis")).toEqual({ REDIS_PASSWORD: "<secret: env REDIS_PASSWORD>", REDIS_PORT: 6379 });
    expect(env("redis-exporter")).toEqual({ REDIS_ADDR: "redis://redis:6379", REDIS_EXPORTER_API_KEY: "<redacted>", TLS_KEY_FILE: "/run/secrets/key.pem" });
    expect(env("grafana")).toEqual({
      GF_SECURITY_ADMIN_PASSWORD__FILE: "/run/secrets/grafana-admin",
      GF_SECURITY_ADMIN_USER: "admin",
      GF_AUTH_TOKEN: "<secret: name grafana-admin>",
    });
    expect((r.opensearch as { auth: { password: unknown } }).auth.password).toBe("<secret: file ./secrets/opensearch.txt>");
    // The input is untouched.
    expect(config.services["redis-exporter"]?.env?.["REDIS_EXPORTER_API_KEY"]).toBe("not-really-secret-but-looks-it");
    expect(JSON.stringify(r)).not.toContain("not-really-secret");
  });

  it("also hides secret-looking build args", () => {
    const r = redact({ services: { app: { build: { context: ".", args: { NPM_TOKEN: "abc", NODE_VERSION: "24" } } } } });
    expect(r).toEqual({ services: { app: { build: { context: ".", args: { NPM_TOKEN: "<redacted>", NODE_VERSION: "24" } } } } });
  });

  it("classifies env names", () => {
    for (const n of ["POSTGRES_PASSWORD", "db_passwd", "GITHUB_TOKEN", "CLIENT_SECRET", "OPENAI_API_KEY", "APIKEY", "SSH_PRIVATE_KEY", "AWS_CREDENTIALS", "GPG_PASSPHRASE"]) expect(isSecretEnvName(n), n).toBe(true);
    for (const n of ["POSTGRES_PASSWORD_FILE", "TOKEN_PATH", "SECRETS_DIR", "GF_SECURITY_ADMIN_USER", "REDIS_PORT", "KEYBOARD"]) expect(isSecretEnvName(n), n).toBe(false);
  });
});
