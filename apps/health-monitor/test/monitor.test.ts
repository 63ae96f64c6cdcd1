import { createMetricsRegistry } from "@soc/metrics";
import { afterEach, describe, expect, it } from "vitest";
import { AutohealMachine, createMonitorMetrics, type Log, Monitor, type MonitorOptions } from "../src/index.js";
import { container, FakeEngine, waitFor } from "./support/fake-engine.js";

interface Line { level: string; obj: Record<string, unknown>; msg: string }
const recorder = () => {
  const lines: Line[] = [];
  const log: Log = {
    debug: (obj, msg) => void lines.push({ level: "debug", obj, msg }),
    info: (obj, msg) => void lines.push({ level: "info", obj, msg }),
    warn: (obj, msg) => void lines.push({ level: "warn", obj, msg }),
    error: (obj, msg) => void lines.push({ level: "error", obj, msg }),
  };
  return { lines, log };
};

let monitors: Monitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.map((m) => m.close()));
  monitors = [];
});

function setup(over: Partial<MonitorOptions> = {}) {
  const engine = new FakeEngine();
  const registry = createMetricsRegistry({ collectDefault: false });
  const metrics = createMonitorMetrics(registry);
  const { lines, log } = recorder();
  const make = () => {
    const m = new Monitor({ engine, log, metrics, reconcileIntervalMs: 60_000, auditIntervalMs: 60_000, reconnect: { initialMs: 5, maxMs: 20 }, ...over });
    monitors.push(m);
    return m;
  };
  const text = async () => (await registry.render()).body;
  return { engine, registry, metrics, lines, log, make, text };
}

/** Makes and starts the monitor of `t`; resolves after its first reconcile. */
async function started(t: ReturnType<typeof setup>): Promise<Monitor> {
  const m = t.make();
  m.start();
  await waitFor(() => m.reconciled > 0, 2000, "first reconcile");
  return m;
}

/** A monitor started on an engine holding one healthy container `web` (plus `labels`, when given). */
async function startedWithWeb(over: Partial<MonitorOptions> = {}, labels?: Record<string, string>) {
  const t = setup(over);
  const web = container("a1", "web", { health: "healthy", ...(labels ? { labels } : {}) });
  t.engine.add(web);
  const m = await started(t);
  return { t, m, web };
}

describe("Monitor", () => {
  it("reconciles on connect and publishes state, health and restart metrics", async () => {
    const t = setup();
    t.engine.add(container("a1", "web", { health: "healthy", restartCount: 2 }));
    t.engine.add(container("b2", "db", { state: "exited" }));
    const m = await started(t);
    expect(m.containers().map((c) => c.name)).toEqual(["db", "web"]);
    const body = await t.text();
    expect(body).toContain('soc_container_health_status{container="web",status="healthy"} 1');
    expect(body).toContain('soc_container_health_status{container="web",status="unhealthy"} 0');
    expect(body).toContain('soc_container_state{container="db",state="exited"} 1');
    expect(body).toContain('soc_container_restarts_total{container="web"} 0');
    expect(body).toContain("soc_docker_engine_up 1");
    expect(t.engine.eventFilters[0]?.["event"]).toContain("health_status");
  });

  it("updates the health metric from a health_status event before re-inspecting", async () => {
    const causes: string[] = [];
    const { t, m, web } = await startedWithWeb({ onUpdate: (c, cause) => void (c.health === "unhealthy" && causes.push(cause)) });
    t.engine.setHealth(web.Id, "unhealthy");
    await waitFor(() => m.get(web.Id)?.health === "unhealthy", 2000, "unhealthy state");
    expect(causes[0]).toBe("event");
    expect(await t.text()).toContain('soc_container_health_status{container="web",status="unhealthy"} 1');
    expect(await t.text()).toMatch(/soc_health_event_to_metric_seconds_count 1/);
  });

  it("handles events split across chunks and counts unparseable lines", async () => {
    const { t, m, web } = await startedWithWeb();
    t.engine.containers.get(web.Id)!.State!.Health!.Status = "unhealthy";
    const line = JSON.stringify({ Type: "container", Action: "health_status: unhealthy", Actor: { ID: web.Id, Attributes: { name: "web" } }, time: 1 });
    t.engine.write("garbage\n" + line.slice(0, 20));
    t.engine.write(line.slice(20) + "\n");
    await waitFor(() => m.get(web.Id)?.health === "unhealthy");
    expect(await t.text()).toContain("soc_docker_event_parse_errors_total 1");
  });

  it("drops destroyed containers and their series", async () => {
    const { t, m, web } = await startedWithWeb();
    t.engine.containers.delete(web.Id);
    t.engine.emit({ Type: "container", Action: "destroy", Actor: { ID: web.Id, Attributes: { name: "web" } } });
    await waitFor(() => m.get(web.Id) === undefined);
    expect(await t.text()).not.toContain('container="web"');
  });

  it("reconnects after the engine goes away and re-lists what changed meanwhile", async () => {
    const { t, m, web } = await startedWithWeb();
    t.engine.stop();
    await waitFor(() => !m.connected, 2000, "disconnect noticed");
    expect(await t.text()).toContain("soc_docker_engine_up 0");
    // While disconnected: web turns unhealthy and a new container appears; no event will tell us.
    t.engine.containers.get(web.Id)!.State!.Health!.Status = "unhealthy";
    t.engine.add(container("c3", "late", { health: "healthy" }));
    t.engine.start();
    await waitFor(() => m.get(web.Id)?.health === "unhealthy" && m.containers().length === 2, 3000, "reconcile after reconnect");
    expect(t.engine.connects).toBeGreaterThanOrEqual(2);
    expect(await t.text()).toContain("soc_docker_event_stream_reconnects_total 1");
    expect(t.lines.some((l) => l.msg === "event stream lost")).toBe(true);
  });

  it("starts while the engine is down and connects once it is up", async () => {
    const t = setup();
    t.engine.add(container("a1", "web", { health: "healthy" }));
    t.engine.stop();
    const m = t.make();
    m.start();
    await waitFor(() => t.lines.filter((l) => l.msg === "event stream lost").length >= 2, 2000, "failed attempts");
    expect(m.connected).toBe(false);
    expect(m.reconciled).toBe(0);
    t.engine.start();
    await waitFor(() => m.connected && m.reconciled > 0, 2000, "connected");
    expect(m.containers().map((c) => c.name)).toEqual(["web"]);
    // Failed attempts before the first connection are not counted as reconnects of a lost stream.
    expect(await t.text()).toContain("soc_docker_event_stream_reconnects_total 0");
  });

  it("runs the audit over the inspected containers and publishes findings by rule", async () => {
    const t = setup({ auditIntervalMs: 20 });
    const priv = container("p1", "priv");
    priv.HostConfig = { Privileged: true, Binds: ["/var/run/docker.sock:/var/run/docker.sock"] };
    t.engine.add(priv);
    const m = t.make();
    m.start();
    await waitFor(() => m.lastAudit !== undefined, 2000, "audit");
    const body = await t.text();
    expect(body).toContain('soc_audit_findings{rule="privileged",severity="critical"} 1');
    expect(body).toContain('soc_audit_findings{rule="docker-socket",severity="critical"} 1');
    expect(body).toContain('soc_audit_container_score{container="priv"} 0');
  });

  it("autoheals only the labelled unhealthy container, logs and counts each action, and stops at the breaker", async () => {
    let now = 1_000_000;
    const t = setup({ now: () => now });
    const policy = { label: "soc.autoheal", optIn: true, gracePeriodMs: 1000, initialBackoffMs: 0, maxBackoffMs: 0, maxRestarts: 2, windowMs: 60_000, dryRun: false };
    const machine = new AutohealMachine(policy);
    const notices: string[] = [];
    (t as { make: () => Monitor }).make = (() => {
      const m = new Monitor({ engine: t.engine, log: t.log, metrics: t.metrics, reconcileIntervalMs: 60_000, auditIntervalMs: 60_000, now: () => now, autoheal: { machine, restartTimeoutSeconds: 1, tickMs: 5, notifier: { notify: async (n) => void notices.push(`${n.action}:${n.container}`) } } });
      monitors.push(m);
      return m;
    });
    const opted = container("a1", "opted", { health: "unhealthy", labels: { "soc.autoheal": "true" } });
    const other = container("b2", "other", { health: "unhealthy" });
    t.engine.add(opted);
    t.engine.add(other);
    const m = await started(t);
    const unhealthyAgain = () => {
      t.engine.containers.get(opted.Id)!.State!.Health = { Status: "unhealthy", FailingStreak: 3, Log: [] };
      void m.refresh(opted.Id);
    };
    expect(t.engine.restarts).toEqual([]); // grace period
    now += 1000;
    await waitFor(() => t.engine.restarts.length === 1, 2000, "first restart");
    for (let i = 0; i < 3; i++) {
      unhealthyAgain();
      await waitFor(() => m.get(opted.Id)?.health === "unhealthy");
      now += 1000;
      await new Promise((r) => setTimeout(r, 30));
    }
    await waitFor(() => t.lines.some((l) => l.msg.includes("circuit breaker open")), 2000, "breaker log");
    expect(t.engine.restarts).toEqual([opted.Id, opted.Id]);
    const body = await t.text();
    expect(body).toContain('soc_autoheal_restarts_total{container="opted",result="ok"} 2');
    expect(body).toContain('soc_autoheal_circuit_open{container="opted"} 1');
    expect(body).not.toContain('soc_autoheal_restarts_total{container="other"');
    const acted = t.lines.filter((l) => l.msg === "autoheal: restarting unhealthy container");
    expect(acted.map((l) => l.obj["container"])).toEqual(["opted", "opted"]);
    await waitFor(() => notices.includes("circuit-open:opted"), 2000, "circuit notice");
    expect(notices).toEqual(["restarted:opted", "restarted:opted", "circuit-open:opted"]);
  });

  it("re-lists on the slow interval and repairs a change no event reported", async () => {
    const { t, m, web } = await startedWithWeb({ reconcileIntervalMs: 30 });
    t.engine.containers.get(web.Id)!.State = { ...t.engine.containers.get(web.Id)!.State, Status: "exited", Running: false, ExitCode: 3 };
    await waitFor(() => m.get(web.Id)?.state === "exited", 2000, "periodic reconcile");
    expect(m.get(web.Id)?.exitCode).toBe(3);
    expect(t.engine.listCalls).toBeGreaterThanOrEqual(2);
    expect(t.engine.connects).toBe(1);
  });

  it("samples stats in the background and publishes memory against the limit", async () => {
    const t = setup({ stats: true });
    const web = container("a1", "web", { health: "healthy" });
    t.engine.add(web);
    t.engine.stats_.set(web.Id, { memory_stats: { usage: 60, limit: 200, stats: { inactive_file: 10 } } });
    const m = t.make();
    m.start();
    await waitFor(() => m.get(web.Id)?.resources !== undefined, 2000, "stats sample");
    expect(m.get(web.Id)?.resources).toMatchObject({ memoryUsageBytes: 50, memoryLimitBytes: 200, memoryUsageRatio: 0.25 });
    expect(await t.text()).toContain('soc_container_memory_usage_ratio{container="web"} 0.25');
  });

  it("ignores events of containers outside the label selection without inspecting them", async () => {
    const { t, m, web } = await startedWithWeb({ labels: [{ key: "tier", value: "front" }] }, { tier: "front" });
    const before = t.engine.inspected.length;
    const other = container("b2", "other", { labels: { tier: "back" } });
    t.engine.add(other);
    t.engine.emit({ Type: "container", Action: "start", Actor: { ID: other.Id, Attributes: { name: "other", tier: "back" } } });
    t.engine.emit({ Type: "container", Action: "die", Actor: { ID: web.Id, Attributes: { name: "web", tier: "front" } } });
    await waitFor(() => t.engine.inspected.length > before, 2000, "inspect of web");
    await new Promise((r) => setTimeout(r, 30));
    expect(t.engine.inspected.slice(before)).toEqual([web.Id]);
    expect(m.containers().map((c) => c.name)).toEqual(["web"]);
  });

  it("close() stops every loop and the event stream", async () => {
    const t = setup({ autoheal: undefined });
    const m = t.make();
    m.start();
    await waitFor(() => m.connected);
    expect(t.engine.openStreams).toBe(1);
    await m.close();
    expect(t.engine.openStreams).toBe(0);
    expect(m.connected).toBe(false);
    await m.close(); // idempotent
  });
});
