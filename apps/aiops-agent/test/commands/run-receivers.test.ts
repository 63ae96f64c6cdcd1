import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { HostSample } from "../../src/collect/types.js";
import { runAgent } from "../../src/commands/run/run.js";
import type { LoopLog } from "../../src/service/loop.js";
import { type Receiver, removeDir, startReceiver, tempDir } from "../alert/helpers.js";

const PI_EDGE = fileURLToPath(new URL("../../../../examples/pi-edge.yaml", import.meta.url));

interface Line {
  level: "debug" | "info" | "warn" | "error";
  obj: Record<string, unknown>;
  msg: string;
}

function recorder(): LoopLog & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line["level"]) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A collector that always reports a load average of 1 (for a static rule that always fires). */
const steadyLoad = { collect: async (): Promise<HostSample> => ({ atMs: Date.now(), load: { load1: 1, load5: 1, load15: 1 } }) };

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** `name{labels} value` samples of one metric from a Prometheus text page. */
function samples(page: string, name: string): { labels: string; value: number }[] {
  return page
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => {
      const m = /^[^{ ]+(\{[^}]*\})?\s+(\S+)$/.exec(l)!;
      return { labels: m[1] ?? "", value: Number(m[2]) };
    });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("aiops-agent run: receivers that cannot be set up", () => {
  it("examples/pi-edge.yaml without SOC_ALERT_WEBHOOK_URL: one warn line naming the variables and the logging fallback, no error, the loop runs", async () => {
    const log = recorder();
    let metricsUrl = "";
    let page = "";
    const controller = new AbortController();
    const code = await runAgent(
      { configFile: PI_EDGE, env: {}, interval: "1s", metricsPort: 0, metricsHost: "127.0.0.1", procRoot: "/proc" },
      {
        logFor: () => log,
        stdout: () => {},
        signal: controller.signal,
        collector: steadyLoad,
        onListening: (url) => (metricsUrl = url),
        // scrape once after the first tick, then stop as on SIGTERM
        onTick: () => {
          void fetch(`${metricsUrl}/metrics`)
            .then(async (r) => (page = await r.text()))
            .finally(() => controller.abort());
        },
      },
    );
    expect(code).toBe(0);
    expect(log.lines.filter((l) => l.level === "error")).toEqual([]);
    const about = log.lines.filter((l) => l.level === "warn" && /receiver/.test(l.msg));
    expect(about).toHaveLength(1);
    const w = about[0]!;
    expect(w.msg).toContain("soc-webhook");
    expect(w.msg).toContain("monitoring.receivers.soc-webhook.url: environment variable SOC_ALERT_WEBHOOK_URL is not set");
    expect(w.msg).toContain("SOC_ALERT_WEBHOOK_HMAC");
    expect(w.msg).toMatch(/alerts are only logged/);
    expect(w.obj).toMatchObject({ missing: ["env SOC_ALERT_WEBHOOK_URL", "env SOC_ALERT_WEBHOOK_HMAC"], fallback: "log" });
    expect(JSON.stringify(w.obj)).not.toContain("stack");
    expect(log.lines.find((l) => l.msg === "aiops-agent running")?.obj).toMatchObject({ alertSink: "logging", receivers: [] });
    expect(samples(page, "soc_aiops_alert_receiver_unusable")).toEqual([{ labels: '{receiver="soc-webhook"}', value: 1 }]);
  });

  it("with the variables set, the same example sets up its webhook (no fallback, no warning)", async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const outbox = await tempDir("aiops-outbox-");
    cleanups.push(() => removeDir(outbox));
    const log = recorder();
    const code = await runAgent(
      {
        configFile: PI_EDGE,
        env: { SOC_ALERT_WEBHOOK_URL: `${receiver.url}/hook`, SOC_ALERT_WEBHOOK_HMAC: "s3cret", SOC__APPS__AIOPS_AGENT__ALERTING__OUTBOX_DIR: outbox },
        ticks: 1,
        interval: "1s",
        metricsPort: 0,
        metricsHost: "127.0.0.1",
        procRoot: "/proc",
      },
      { logFor: () => log, stdout: () => {}, signal: new AbortController().signal, collector: steadyLoad },
    );
    expect(code).toBe(0);
    expect(log.lines.filter((l) => l.level === "warn" && /receiver/.test(l.msg))).toEqual([]);
    expect(log.lines.find((l) => l.msg === "aiops-agent running")?.obj).toMatchObject({ alertSink: "pipeline", receivers: ["soc-webhook"] });
  });
});

describe("aiops-agent run: unreachable and failing receivers never stop the loop", () => {
  it("a receiver on a closed port and one answering 500 are logged and counted per receiver while ticks go on", async () => {
    const dir = await tempDir("aiops-run-fail-");
    cleanups.push(() => removeDir(dir));
    const failing: Receiver = await startReceiver(() => 500);
    cleanups.push(() => failing.close());
    const dead = await closedPort();
    const config = join(dir, "config.yaml");
    writeFileSync(
      config,
      `version: 1
project: { name: receivers-down }
apps:
  aiopsAgent:
    collect: { hostProc: /proc }
    detectors:
      static:
        - { name: LoadAlwaysOn, metric: soc_node_load1, op: ">=", value: 0 }
    alerting:
      receivers: [dead, failing]
      outboxDir: ${join(dir, "outbox")}
monitoring:
  receivers:
    dead: { type: webhook, url: "http://127.0.0.1:${dead}/hook" }
    failing: { type: webhook, url: "${failing.url}/hook" }
`,
    );
    const log = recorder();
    const controller = new AbortController();
    let metricsUrl = "";
    let ticks = 0;
    const running = runAgent(
      { configFile: config, env: {}, interval: "1s", metricsPort: 0, metricsHost: "127.0.0.1" },
      { logFor: () => log, stdout: () => {}, signal: controller.signal, collector: steadyLoad, onListening: (u) => (metricsUrl = u), onTick: (r) => (ticks = r.tick) },
    );
    const failed = async (): Promise<Record<string, number>> => {
      if (metricsUrl === "") return {};
      const page = await (await fetch(`${metricsUrl}/metrics`)).text();
      const out: Record<string, number> = {};
      for (const s of samples(page, "soc_aiops_alert_notifications_total")) {
        const m = /receiver="([^"]+)",result="failed"/.exec(s.labels);
        if (m) out[m[1]!] = s.value;
      }
      return out;
    };
    try {
      await expect.poll(async () => { const f = await failed(); return (f.dead ?? 0) > 0 && (f.failing ?? 0) > 0; }, { timeout: 15_000, interval: 100 }).toBe(true);
      const ticksAtFailure = ticks;
      await expect.poll(() => ticks, { timeout: 10_000, interval: 100 }).toBeGreaterThanOrEqual(ticksAtFailure + 2);
      expect(failing.requests.length).toBeGreaterThan(0);
      expect(failing.requests.every((r) => r.status === 500)).toBe(true);
    } finally {
      controller.abort();
    }
    expect(await running).toBe(0);
    const retries = log.lines.filter((l) => l.msg === "alert delivery failed; will retry");
    expect(new Set(retries.map((l) => l.obj.receiver))).toEqual(new Set(["dead", "failing"]));
    expect(retries.every((l) => l.level === "warn")).toBe(true);
    expect(log.lines.find((l) => l.msg === "aiops-agent stopped")?.obj).toMatchObject({ reason: "signal" });
  }, 40_000);
});
