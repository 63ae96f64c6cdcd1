import type { SecretRef } from "@soc/config";
import { describe, expect, it } from "vitest";
import type { ConfiguredReceiver } from "../../src/alert/config.js";
import { AlertConfigError } from "../../src/alert/errors.js";
import type { AlertSink, AlertSinkOptions } from "../../src/alert/types.js";
import { resolveSecret } from "../../src/commands/run/secrets.js";
import { setUpAlertSink } from "../../src/commands/run/sink-setup.js";
import { LoggingAlertSink } from "../../src/service/logging-sink.js";
import type { LoopLog } from "../../src/service/loop.js";

function recorder(): LoopLog & { lines: { level: string; obj: Record<string, unknown>; msg: string }[] } {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

const receivers: Record<string, ConfiguredReceiver> = {
  am: { type: "alertmanager", url: "http://127.0.0.1:9093" },
  slack: { type: "slack", webhookUrl: { secretRef: { env: "SLACK_URL" } } },
  pd: { type: "pagerduty", routingKey: { secretRef: { file: "pd-key" } } },
};
const alerting = (names: string[]) => ({ receivers: names, cooldown: "15m", resolveAfter: "5m", outboxDir: "/nonexistent/outbox" });

/** A `create` that records its options and returns a stand-in sink. */
function creator(fail?: Error) {
  const calls: AlertSinkOptions[] = [];
  const sink = new LoggingAlertSink({ log: recorder(), resolveAfterMs: 1 }) as AlertSink;
  return {
    calls,
    sink,
    create: async (o: AlertSinkOptions): Promise<AlertSink> => {
      calls.push(o);
      if (fail) throw fail;
      return sink;
    },
  };
}

const setUp = (names: string[], env: Record<string, string>, create: ReturnType<typeof creator>, log = recorder()) =>
  setUpAlertSink({
    alerting: alerting(names),
    receivers,
    resolveSecret: (ref: SecretRef, where: string) => resolveSecret(ref, where, { env, secrets: {}, baseDir: "/nonexistent" }),
    log,
    create: create.create,
    resolveAfterMs: 300_000,
    cooldownMs: 900_000,
  });

describe("setUpAlertSink", () => {
  it("leaves out only the receivers whose secrets are missing, with one warning each naming them", async () => {
    const c = creator();
    const log = recorder();
    const s = await setUp(["am", "slack", "pd"], {}, c, log);
    expect(s.kind).toBe("pipeline");
    expect(s.usable).toEqual(["am"]);
    expect(s.unusable.map((u) => [u.receiver, u.secrets])).toEqual([["slack", ["env SLACK_URL"]], ["pd", ["file /nonexistent/pd-key"]]]);
    expect(c.calls.map((o) => o.receivers.map((r) => r.name))).toEqual([["am"]]);
    expect(c.calls[0]).toMatchObject({ cooldownMs: 900_000, resolveAfterMs: 300_000, outboxDir: "/nonexistent/outbox" });
    expect(log.lines.map((l) => l.level)).toEqual(["warn", "warn"]);
    expect(log.lines[0]!.msg).toBe("alert receiver slack not usable (monitoring.receivers.slack.webhookUrl: environment variable SLACK_URL is not set): alerts go to am only");
    expect(log.lines[1]!.msg).toMatch(/^alert receiver pd not usable \(monitoring\.receivers\.pd\.routingKey: cannot read secret file \/nonexistent\/pd-key: .*\): alerts go to am only$/);
  });

  it("falls back to logging with one warning when no receiver is usable; builds no pipeline", async () => {
    const c = creator();
    const log = recorder();
    const s = await setUp(["slack"], {}, c, log);
    expect(s.kind).toBe("logging");
    expect(s.sink).toBeInstanceOf(LoggingAlertSink);
    expect(c.calls).toEqual([]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ level: "warn", obj: { missing: ["env SLACK_URL"], fallback: "log" } });
    expect(log.lines[0]!.msg).toBe("alert receiver slack not usable (monitoring.receivers.slack.webhookUrl: environment variable SLACK_URL is not set): alerts are only logged until the secret is provided");
  });

  it("uses every receiver when the secrets resolve", async () => {
    const c = creator();
    const log = recorder();
    const s = await setUp(["am", "slack"], { SLACK_URL: "https://hooks.slack.test/x" }, c, log);
    expect(s).toMatchObject({ kind: "pipeline", usable: ["am", "slack"], unusable: [] });
    expect(c.calls[0]!.receivers).toEqual([{ type: "alertmanager", name: "am", url: "http://127.0.0.1:9093" }, { type: "slack", name: "slack", webhookUrl: "https://hooks.slack.test/x" }]);
    expect(log.lines).toEqual([]);
  });

  it("a pipeline that rejects its options: one warning with the reason, logging fallback; an unexpected failure is an error", async () => {
    const log = recorder();
    const s = await setUp(["am"], {}, creator(new AlertConfigError("cooldownMs", -1, "expected a finite number of ms >= 0")), log);
    expect(s.kind).toBe("logging");
    expect(log.lines).toEqual([{ level: "warn", obj: { field: "cooldownMs", fallback: "log" }, msg: "alerting: invalid cooldownMs=-1: expected a finite number of ms >= 0: alerts are only logged until the config is fixed" }]);
    const log2 = recorder();
    expect((await setUp(["am"], {}, creator(new Error("boom")), log2)).kind).toBe("logging");
    expect(log2.lines.map((l) => l.level)).toEqual(["error"]);
  });

  it("no receivers configured: the logging sink, one warning", async () => {
    const log = recorder();
    const s = await setUp([], {}, creator(), log);
    expect(s.kind).toBe("logging");
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([["warn", "no alert receivers configured (apps.aiopsAgent.alerting.receivers): alerts are only logged"]]);
  });
});
