import { parseConfig, type SecretRef } from "@soc/config";
import { describe, expect, it } from "vitest";
import { alertSinkOptionsFromConfig, resolveAlertReceivers } from "../../src/alert/config.js";
import { AlertConfigError } from "../../src/alert/errors.js";

const config = parseConfig({
  version: 1,
  project: { name: "t" },
  monitoring: {
    receivers: {
      am: { type: "alertmanager", url: "http://alertmanager:9093" },
      hook: { type: "webhook", url: "https://hooks.example/soc", hmacSecret: { secretRef: { env: "HOOK_HMAC" } } },
      slack: { type: "slack", webhookUrl: { secretRef: { env: "SLACK_URL" } } },
      pd: { type: "pagerduty", routingKey: { secretRef: { file: "pd.key" } } },
    },
  },
  apps: { aiopsAgent: { alerting: { receivers: ["am", "pd", "hook", "slack"], cooldown: "10m", resolveAfter: "1m30s", outboxDir: "/tmp/outbox" } } },
});

/** A resolver over a fixed table, recording what it was asked for (the real one lives at the app's entry point). */
function resolver() {
  const asked: string[] = [];
  const values: Record<string, string> = { HOOK_HMAC: "hmac", SLACK_URL: "https://hooks.slack.com/services/T/B/X", "pd.key": "R0UTINGKEY" };
  const resolve = (ref: SecretRef, where: string) => {
    asked.push(where);
    const r = ref.secretRef;
    const key = "env" in r ? r.env : "file" in r ? r.file : r.name;
    const v = values[key];
    if (v === undefined) throw new Error(`unknown secret ${key}`);
    return v;
  };
  return { asked, resolve };
}

describe("alerting options from @soc/config", () => {
  it("resolves the named receivers in order, with their secrets, and converts durations to ms", async () => {
    const { asked, resolve } = resolver();
    const opts = await alertSinkOptionsFromConfig(config.apps.aiopsAgent.alerting, config.monitoring.receivers, resolve, { source: "pi-1" });
    expect(opts.receivers).toEqual([
      { type: "alertmanager", name: "am", url: "http://alertmanager:9093" },
      { type: "pagerduty", name: "pd", routingKey: "R0UTINGKEY" },
      { type: "webhook", name: "hook", url: "https://hooks.example/soc", hmacSecret: "hmac" },
      { type: "slack", name: "slack", webhookUrl: "https://hooks.slack.com/services/T/B/X" },
    ]);
    expect(opts).toMatchObject({ cooldownMs: 600_000, resolveAfterMs: 90_000, outboxDir: "/tmp/outbox", source: "pi-1" });
    expect(asked).toEqual(["monitoring.receivers.pd.routingKey", "monitoring.receivers.hook.hmacSecret", "monitoring.receivers.slack.webhookUrl"]);
  });

  it("uses the schema defaults (15m cooldown, 5m resolveAfter, no receivers)", async () => {
    const defaults = parseConfig({ version: 1, project: { name: "t" } });
    const opts = await alertSinkOptionsFromConfig(defaults.apps.aiopsAgent.alerting, defaults.monitoring.receivers, resolver().resolve);
    expect(opts).toEqual({ receivers: [], cooldownMs: 900_000, resolveAfterMs: 300_000, outboxDir: "/var/lib/soc/aiops-agent/outbox" });
  });

  it("names the unknown receiver in a typed error", async () => {
    const err = await resolveAlertReceivers(["am", "nope"], config.monitoring.receivers, resolver().resolve).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertConfigError);
    expect((err as AlertConfigError).value).toBe("nope");
    expect((err as Error).message).toContain("known: am, hook, slack, pd");
  });

  it("passes secret resolution errors through", async () => {
    const bad = parseConfig({ version: 1, project: { name: "t" }, monitoring: { receivers: { s: { type: "slack", webhookUrl: { secretRef: { env: "MISSING" } } } } } });
    await expect(resolveAlertReceivers(["s"], bad.monitoring.receivers, resolver().resolve)).rejects.toThrow("unknown secret MISSING");
  });
});
