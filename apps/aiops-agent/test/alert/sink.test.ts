// The whole pipeline against a local node:http receiver: retries, ordering, permanent failures, the bounded
// persistent outbox, restarts, flush deadlines. Real HTTP (global fetch), real files, no mocks.
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AlertConfigError } from "../../src/alert/errors.js";
import { verifyWebhookSignature } from "../../src/alert/receivers/webhook.js";
import { type AlertPipeline, createAlertSink } from "../../src/alert/sink.js";
import type { AlertSinkOptions, ResolvedReceiver } from "../../src/alert/types.js";
import { obs, type Receiver, recordingLogger, removeDir, startReceiver, tempDir } from "./helpers.js";

const MIN = 60_000;
const T0 = Date.parse("2026-03-01T12:00:00Z");
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(respond);
  cleanup.push(() => r.close());
  return r;
}
async function outboxDir(): Promise<string> {
  const d = await tempDir();
  cleanup.push(() => removeDir(d));
  return d;
}
async function sink(receivers: ResolvedReceiver[], dir: string, over: Partial<AlertSinkOptions> = {}): Promise<AlertPipeline> {
  const s = await createAlertSink({ receivers, outboxDir: dir, cooldownMs: 15 * MIN, resolveAfterMs: 5 * MIN, retry: { initialDelayMs: 10, maxDelayMs: 50 }, requestTimeoutMs: 2_000, source: "pi-1", ...over });
  cleanup.push(() => s.close());
  return s;
}
/** Ticks (at alert time `now`) until `done()` or 10 s of wall time. */
async function pump(s: AlertPipeline, now: number, done: () => boolean): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    await s.tick(now);
    await s.settled();
    if (done()) return;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error("pump: condition not reached within 10 s");
}
const statuses = (r: Receiver) => r.requests.map((q) => `${(q.json as { status?: string; event_action?: string }).status ?? (q.json as { event_action?: string }).event_action}:${q.status}`);
const okCount = (r: Receiver) => r.requests.filter((q) => q.status >= 200 && q.status < 300).length;

describe("AlertPipeline with a local HTTP receiver", () => {
  it("retries a failing webhook with backoff, signs every attempt, then resolves", async () => {
    const hook = await receiver(({ n }) => (n < 2 ? 503 : 200));
    const dir = await outboxDir();
    const s = await sink([{ type: "webhook", name: "hook", url: `${hook.url}/alerts`, hmacSecret: "k3y" }], dir);
    s.observe(obs({ at: T0 }));
    await pump(s, T0, () => okCount(hook) === 1);
    expect(statuses(hook)).toEqual(["firing:503", "firing:503", "firing:200"]);
    for (const q of hook.requests) expect(verifyWebhookSignature(q.body, q.headers["x-soc-signature"] as string, "k3y")).toBe(true);
    expect(new Set(hook.requests.map((q) => q.headers["x-soc-delivery"])).size).toBe(1);
    expect(s.stats.receivers.hook).toEqual({ sent: 1, failed: 2, retried: 2, deduplicated: 0, dropped: 0, outboxDepth: 0 });
    expect(await readdir(dir)).toEqual(["state.json"]);

    s.observe(obs({ at: T0 + 10_000, score: 0.99 })); // repeat: deduplicated
    s.observe(obs({ at: T0 + 10_000 + 5 * MIN, anomalous: false }));
    await pump(s, T0 + 10_000 + 5 * MIN, () => okCount(hook) === 2);
    expect(statuses(hook).slice(-1)).toEqual(["resolved:200"]);
    expect(s.stats).toMatchObject({ observations: 3, deduplicated: 1, raised: 1, resolved: 1, firing: 0 });
  });

  it("never lets a resolve overtake its trigger", async () => {
    const hook = await receiver(({ n }) => (n < 3 ? 500 : 200));
    const s = await sink([{ type: "webhook", name: "hook", url: hook.url }], await outboxDir());
    s.observe(obs({ at: T0 }));
    await s.tick(T0);
    await s.settled();
    s.observe(obs({ at: T0 + 6 * MIN, anomalous: false }));
    await pump(s, T0 + 6 * MIN, () => okCount(hook) === 2);
    expect(statuses(hook)).toEqual(["firing:500", "firing:500", "firing:500", "firing:200", "resolved:200"]);
  });

  it("drops a notification the receiver rejects permanently (4xx), counts and logs it", async () => {
    const hook = await receiver(() => 400);
    const logger = recordingLogger();
    const dir = await outboxDir();
    const s = await sink([{ type: "webhook", name: "hook", url: hook.url }], dir, { logger });
    s.observe(obs({ at: T0 }));
    await s.tick(T0);
    await s.settled();
    await s.tick(T0 + 1_000);
    await s.settled();
    expect(hook.requests).toHaveLength(1);
    expect(s.stats.receivers.hook).toMatchObject({ sent: 0, failed: 1, dropped: 1, outboxDepth: 0 });
    expect(logger.lines.some((l) => l.level === "error" && l.msg?.includes("rejected permanently"))).toBe(true);
    expect(JSON.stringify(logger.lines)).not.toContain(hook.url);
    expect(await readdir(dir)).toEqual(["state.json"]);
  });

  it("does not follow redirects (a signed body is never replayed elsewhere): a 3xx is a permanent failure", async () => {
    const hook = await receiver(() => 307);
    const s = await sink([{ type: "webhook", name: "hook", url: hook.url, hmacSecret: "k" }], await outboxDir());
    s.observe(obs({ at: T0 }));
    await s.tick(T0);
    await s.settled();
    expect(hook.requests).toHaveLength(1);
    expect(s.stats.receivers.hook).toMatchObject({ sent: 0, failed: 1, dropped: 1 });
  });

  it("delivers Slack and PagerDuty payloads; PagerDuty trigger and resolve share the dedup_key", async () => {
    const local = await receiver(({ url }) => (url === "/pd" ? 202 : 200));
    const s = await sink(
      [
        { type: "slack", name: "slack", webhookUrl: `${local.url}/slack` },
        { type: "pagerduty", name: "pd", routingKey: "R0UTINGKEY0123456789abcdefABCDEF", eventsUrl: `${local.url}/pd` },
      ],
      await outboxDir(),
    );
    s.observe(obs({ at: T0, severity: "critical" }));
    await pump(s, T0, () => okCount(local) === 2);
    s.observe(obs({ at: T0 + 5 * MIN, anomalous: false, severity: "critical" }));
    await pump(s, T0 + 5 * MIN, () => okCount(local) === 4);
    const slack = local.requests.filter((q) => q.url === "/slack").map((q) => q.json as { text: string; blocks: { type: string }[] });
    expect(slack.map((m) => m.text.split(" ")[0])).toEqual(["[FIRING]", "[RESOLVED]"]);
    expect(slack[0]?.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "context"]);
    const pd = local.requests.filter((q) => q.url === "/pd").map((q) => q.json as { event_action: string; dedup_key: string; routing_key: string; payload?: { severity: string } });
    expect(pd.map((e) => e.event_action)).toEqual(["trigger", "resolve"]);
    expect(pd[0]?.dedup_key).toBe(pd[1]?.dedup_key);
    expect(pd[0]?.payload?.severity).toBe("critical");
    expect(s.stats.receivers.pd).toMatchObject({ sent: 2, failed: 0 });
  });

  it("batches Alertmanager posts and keeps re-sending a firing alert", async () => {
    const am = await receiver();
    const s = await sink([{ type: "alertmanager", name: "am", url: am.url }], await outboxDir(), { alertmanagerResendMs: MIN });
    for (const instance of ["pi-1", "pi-2", "pi-3"]) s.observe(obs({ at: T0, labels: { instance } }));
    await pump(s, T0, () => okCount(am) === 1);
    expect(am.requests[0]?.url).toBe("/api/v2/alerts");
    expect((am.requests[0]?.json as unknown[]).length).toBe(3);
    for (const instance of ["pi-1", "pi-2", "pi-3"]) s.observe(obs({ at: T0 + MIN, labels: { instance } }));
    await pump(s, T0 + MIN, () => okCount(am) === 2);
    expect((am.requests[1]?.json as unknown[]).length).toBe(3);
  });
});

describe("AlertPipeline outbox across restarts and limits", () => {
  it("a new sink instance delivers what the old one could not, without a duplicate trigger", async () => {
    const hook = await receiver(() => 503);
    const dir = await outboxDir();
    const receivers: ResolvedReceiver[] = [{ type: "webhook", name: "hook", url: hook.url }];
    const first = await sink(receivers, dir);
    first.observe(obs({ at: T0 }));
    await first.tick(T0);
    await first.settled();
    // Everything is on disk right after the tick, before any close: a crash here loses nothing.
    expect((await readdir(dir)).sort()).toEqual(["n-0000000000000001.json", "state.json"]);
    expect(first.stats.receivers.hook).toMatchObject({ sent: 0, failed: 1, outboxDepth: 1 });
    await first.close();

    hook.respond = () => 200;
    const second = await sink(receivers, dir);
    expect(second.stats).toMatchObject({ firing: 1, receivers: { hook: { outboxDepth: 1 } } });
    second.observe(obs({ at: T0 + MIN })); // the anomaly continues after the restart
    await pump(second, T0 + MIN, () => okCount(hook) === 1);
    await second.tick(T0 + 2 * MIN);
    await second.settled();
    expect(statuses(hook).filter((x) => x.endsWith(":200"))).toEqual(["firing:200"]);
    // The restored episode still resolves, once, even if the series stops reporting.
    await pump(second, T0 + 7 * MIN, () => okCount(hook) === 2);
    expect(statuses(hook).filter((x) => x.endsWith(":200"))).toEqual(["firing:200", "resolved:200"]);
    expect(await readdir(dir)).toEqual(["state.json"]);
  });

  it("keeps the outbox bounded: resolved episodes go first, each drop counted and logged", async () => {
    const hook = await receiver(() => 503);
    const logger = recordingLogger();
    const s = await sink([{ type: "webhook", name: "hook", url: hook.url }], await outboxDir(), { maxOutboxPerReceiver: 3, cooldownMs: 0, logger, retry: { initialDelayMs: 60_000 } });
    let t = T0;
    for (const instance of ["a", "b"]) {
      s.observe(obs({ at: t, labels: { instance } }));
      await s.tick(t);
      s.observe(obs({ at: (t += 5 * MIN), anomalous: false, labels: { instance } }));
      await s.tick(t);
    }
    s.observe(obs({ at: t, labels: { instance: "c" } }));
    await s.tick(t);
    await s.settled();
    // a: firing+resolved, b: firing+resolved, c: firing = 5 > 3: the oldest resolved episode (a) is dropped.
    expect(s.stats.receivers.hook).toMatchObject({ dropped: 2, outboxDepth: 3 });
    expect(logger.lines.filter((l) => l.msg?.includes("outbox full"))).toHaveLength(1);
  });

  it("flush ignores backoff and gives up at its deadline, leaving the rest in the outbox", async () => {
    const hook = await receiver(({ n }) => (n === 0 ? 503 : 200));
    const s = await sink([{ type: "webhook", name: "hook", url: hook.url }], await outboxDir(), { retry: { initialDelayMs: 3_600_000, maxDelayMs: 3_600_000, random: () => 0.99 } });
    s.observe(obs({ at: T0 }));
    await s.tick(T0);
    await s.settled();
    expect(s.stats.receivers.hook?.outboxDepth).toBe(1);
    await s.flush(5_000);
    expect(s.stats.receivers.hook).toMatchObject({ sent: 1, outboxDepth: 0 });

    hook.respond = () => "hang";
    s.observe(obs({ at: T0, labels: { instance: "pi-2" } }));
    const started = Date.now();
    await s.tick(T0);
    await s.flush(300);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(s.stats.receivers.hook?.outboxDepth).toBe(1);
  });

  it("runs in memory when the outbox directory is unusable, and says so", async () => {
    const base = await outboxDir();
    const notADir = join(base, "file");
    await writeFile(notADir, "x");
    const hook = await receiver();
    const logger = recordingLogger();
    const s = await sink([{ type: "webhook", name: "hook", url: hook.url }], notADir, { logger });
    expect(s.stats.outboxErrors).toBe(1);
    expect(logger.lines.some((l) => l.level === "error" && l.msg?.includes("memory only"))).toBe(true);
    s.observe(obs({ at: T0 }));
    await pump(s, T0, () => okCount(hook) === 1);
  });

  it("rejects invalid options with AlertConfigError", async () => {
    const dir = await outboxDir();
    const hook: ResolvedReceiver = { type: "webhook", name: "hook", url: "http://127.0.0.1:1" };
    await expect(createAlertSink({ receivers: [hook, hook], outboxDir: dir, cooldownMs: 0, resolveAfterMs: 0 })).rejects.toThrow(AlertConfigError);
    await expect(createAlertSink({ receivers: [], outboxDir: dir, cooldownMs: -1, resolveAfterMs: 0 })).rejects.toThrow(AlertConfigError);
    await expect(createAlertSink({ receivers: [], outboxDir: dir, cooldownMs: 0, resolveAfterMs: 0, maxOutboxPerReceiver: 0 })).rejects.toThrow(AlertConfigError);
  });
});
