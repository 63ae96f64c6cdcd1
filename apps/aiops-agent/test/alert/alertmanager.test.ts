// Against a REAL Prometheus Alertmanager (Debian package prometheus-alertmanager), started here on 127.0.0.1 with a
// random port, a temp --storage.path and clustering disabled; it routes everything to an in-test webhook receiver.
// Asserts: alerts posted during an Alertmanager outage arrive once it is up; ONE grouped notification for several
// alerts; our fingerprints equal Alertmanager's; no duplicate notification across a restart of our sink; one
// resolved notification after the resolve. Under CI=true a missing binary fails the test; elsewhere it is skipped.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelSetFingerprint } from "../../src/alert/fingerprint.js";
import { type AlertPipeline, createAlertSink } from "../../src/alert/sink.js";
import { obs, type Receiver, removeDir, startReceiver, tempDir } from "./helpers.js";

function findBinary(names: string[]): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"]) {
    for (const n of names) if (dir !== "" && existsSync(join(dir, n))) return join(dir, n);
  }
  return undefined;
}
const BINARY = findBinary(["prometheus-alertmanager", "alertmanager"]);
const SKIP = BINARY === undefined && process.env.CI !== "true";

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface AmNotification {
  status: "firing" | "resolved";
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; fingerprint: string; generatorURL: string }[];
}

describe.skipIf(SKIP)("Alertmanager (real prometheus-alertmanager)", () => {
  let hook: Receiver;
  let dir: string;
  let am: ChildProcess | undefined;
  let amLog = "";
  let port: number;
  const amUrl = () => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    if (BINARY === undefined) throw new Error("prometheus-alertmanager not found: apt-get install -y prometheus-alertmanager (CI=true requires it)");
    hook = await startReceiver();
    dir = await tempDir("soc-am-");
    port = await freePort();
    const config = [
      "route:",
      "  receiver: test",
      "  group_by: [alertname]",
      "  group_wait: 1s",
      "  group_interval: 1s",
      "  repeat_interval: 1h",
      "receivers:",
      "  - name: test",
      "    webhook_configs:",
      `      - url: ${hook.url}/am`,
      "        send_resolved: true",
      "",
    ].join("\n");
    await writeFile(join(dir, "alertmanager.yml"), config);
  });

  afterAll(async () => {
    // wait for the exit: alertmanager writes its data dir until then, and removing it meanwhile can fail (ENOTEMPTY)
    if (am !== undefined && am.exitCode === null && am.signalCode === null) {
      const exited = once(am, "exit");
      am.kill("SIGTERM");
      await exited;
    }
    await hook?.close();
    if (dir !== undefined) await removeDir(dir);
  });

  async function startAlertmanager(): Promise<void> {
    const args = [`--config.file=${join(dir, "alertmanager.yml")}`, `--storage.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=", "--log.level=warn"];
    am = spawn(BINARY as string, args, { stdio: ["ignore", "pipe", "pipe"] });
    am.stdout?.on("data", (d: Buffer) => (amLog += d.toString()));
    am.stderr?.on("data", (d: Buffer) => (amLog += d.toString()));
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      if (am.exitCode !== null) throw new Error(`alertmanager exited with ${am.exitCode}: ${amLog}`);
      const ok = await fetch(`${amUrl()}/-/ready`).then((r) => r.ok, () => false);
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`alertmanager did not become ready: ${amLog}`);
  }

  function newSink(): Promise<AlertPipeline> {
    return createAlertSink({
      receivers: [{ type: "alertmanager", name: "am", url: amUrl() }],
      outboxDir: join(dir, "outbox"),
      cooldownMs: 15 * 60_000,
      resolveAfterMs: 1_000,
      alertmanagerResendMs: 1_000,
      retry: { initialDelayMs: 50, maxDelayMs: 200 },
      requestTimeoutMs: 2_000,
      generatorURL: "http://pi-1:9101/metrics",
    });
  }

  const INSTANCES = ["pi-1", "pi-2", "pi-3"];
  const notifications = () => hook.requests.filter((r) => r.url === "/am").map((r) => r.json as AmNotification);

  /** Observes the anomaly (or its end) on every instance at wall time and ticks, for `ms`, every 200 ms. */
  async function drive(sink: AlertPipeline, anomalous: boolean, ms: number, until: () => boolean = () => false): Promise<void> {
    const end = Date.now() + ms;
    do {
      const now = Date.now();
      for (const instance of INSTANCES) sink.observe(obs({ at: now, anomalous, labels: { instance } }));
      await sink.tick(now);
      await sink.settled();
      if (until()) return;
      await sleep(200);
    } while (Date.now() < end);
  }

  it("groups, survives our restart without a duplicate, and resolves once", async () => {
    // 1. Alertmanager is down: the posts fail and wait in the outbox.
    const first = await newSink();
    await drive(first, true, 0);
    expect(first.stats.receivers.am).toMatchObject({ sent: 0, outboxDepth: 3 });
    expect(first.stats.receivers.am?.failed).toBeGreaterThan(0);

    // 2. It comes up: the queued alerts are delivered and grouped into ONE notification.
    await startAlertmanager();
    await drive(first, true, 10_000, () => notifications().length >= 1);
    await drive(first, true, 2_500); // several group_intervals and re-sends: nothing new must be sent
    expect(notifications()).toHaveLength(1);
    const [fired] = notifications();
    expect(fired?.status).toBe("firing");
    expect(fired?.groupLabels).toEqual({ alertname: "HostCpuAnomaly" });
    expect(fired?.alerts.map((a) => a.labels.instance).sort()).toEqual(INSTANCES);
    expect(fired?.alerts[0]?.annotations.summary).toBe("CPU usage 93% is anomalous");
    expect(fired?.alerts[0]?.generatorURL).toBe("http://pi-1:9101/metrics");
    // Our fingerprint is Alertmanager's fingerprint of the same label set.
    for (const a of fired?.alerts ?? []) expect(a.fingerprint).toBe(labelSetFingerprint(a.labels));
    const api = (await (await fetch(`${amUrl()}/api/v2/alerts`)).json()) as { fingerprint: string; labels: Record<string, string> }[];
    expect(api).toHaveLength(3);
    for (const a of api) expect(a.fingerprint).toBe(labelSetFingerprint(a.labels));

    // 3. Our sink restarts (new instance, same outbox); the anomaly continues: no duplicate notification.
    await first.close();
    const second = await newSink();
    expect(second.stats.firing).toBe(3);
    await drive(second, true, 2_500);
    expect(notifications()).toHaveLength(1);

    // 4. The anomaly ends: after resolveAfter the resolves are posted and Alertmanager sends ONE resolved notification.
    await drive(second, false, 15_000, () => notifications().length >= 2);
    await sleep(2_000);
    expect(notifications()).toHaveLength(2);
    const resolved = notifications()[1];
    expect(resolved?.status).toBe("resolved");
    expect(resolved?.alerts.map((a) => a.status)).toEqual(["resolved", "resolved", "resolved"]);
    expect(second.stats.resolved).toBe(3);
    expect(second.stats.receivers.am).toMatchObject({ outboxDepth: 0, dropped: 0 });
    await second.close();
  }, 60_000);
});
