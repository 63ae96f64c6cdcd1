import { describe, expect, it } from "vitest";
import { NotificationPlanner } from "../../src/alert/policy.js";
import { type AlertRecord, AlertStateMachine } from "../../src/alert/state.js";
import { obs } from "./helpers.js";

const MIN = 60_000;
const none = () => false;
const noResolves = new Map<string, number>();

function firingAt(at: number, labels: Record<string, string> = { instance: "pi-1" }): AlertRecord {
  const m = new AlertStateMachine(MIN);
  const t = m.observe(obs({ at, labels }));
  if (t === undefined) throw new Error("expected a transition");
  return t.alert;
}

describe("NotificationPlanner, direct receivers", () => {
  const mk = () => new NotificationPlanner([{ name: "slack", mode: "direct" }], 15 * MIN, MIN);

  it("sends one trigger per episode and one resolve after it", () => {
    const p = mk();
    const a = firingAt(0);
    const first = p.plan(0, [a], noResolves, none);
    expect(first.notifications).toEqual([{ receiver: "slack", kind: "firing", alert: a }]);
    expect(p.plan(10_000, [a], noResolves, none).notifications).toEqual([]);
    expect(p.plan(20 * MIN, [a], noResolves, none).notifications).toEqual([]); // no reminders for an ongoing episode
    const resolved = p.plan(21 * MIN, [], new Map([[a.fingerprint, 20.5 * MIN]]), none);
    expect(resolved.notifications).toHaveLength(1);
    expect(resolved.notifications[0]).toMatchObject({ kind: "resolved", alert: { status: "resolved", endsAt: 20.5 * MIN, fingerprint: a.fingerprint } });
  });

  it("cooldown suppresses a new episode within the window, counts it once, and sends it when the window ends if still firing", () => {
    const p = mk();
    const ep1 = firingAt(0);
    p.plan(0, [ep1], noResolves, none);
    p.plan(2 * MIN, [], new Map([[ep1.fingerprint, 2 * MIN]]), none);
    const ep2 = firingAt(3 * MIN);
    const s1 = p.plan(3 * MIN, [ep2], noResolves, none);
    expect(s1.notifications).toEqual([]);
    expect(s1.suppressed).toEqual({ slack: 1 });
    expect(p.plan(10 * MIN, [ep2], noResolves, none).suppressed).toEqual({ slack: 0 });
    const late = p.plan(15 * MIN, [ep2], noResolves, none);
    expect(late.notifications).toEqual([{ receiver: "slack", kind: "firing", alert: ep2 }]);
  });

  it("never sends a resolve for an episode whose trigger was suppressed", () => {
    const p = mk();
    const ep1 = firingAt(0);
    p.plan(0, [ep1], noResolves, none);
    p.plan(MIN, [], new Map([[ep1.fingerprint, MIN]]), none);
    const ep2 = firingAt(2 * MIN);
    p.plan(2 * MIN, [ep2], noResolves, none);
    expect(p.plan(4 * MIN, [], new Map([[ep2.fingerprint, 4 * MIN]]), none).notifications).toEqual([]);
  });

  it("a resolve and a new episode in the same plan come out resolve first", () => {
    const p = new NotificationPlanner([{ name: "hook", mode: "direct" }], 0, MIN);
    const ep1 = firingAt(0);
    p.plan(0, [ep1], noResolves, none);
    const ep2 = firingAt(5 * MIN);
    const out = p.plan(5 * MIN, [ep2], new Map([[ep1.fingerprint, 4 * MIN]]), none).notifications;
    expect(out.map((n) => [n.kind, n.alert.startsAt])).toEqual([["resolved", 0], ["firing", 5 * MIN]]);
  });

  it("survives a restart through snapshot/restore: no second trigger, the resolve still comes", () => {
    const p = mk();
    const a = firingAt(0);
    p.plan(0, [a], noResolves, none);
    const q = mk();
    q.restore(JSON.parse(JSON.stringify(p.snapshot())));
    expect(q.plan(MIN, [a], noResolves, none).notifications).toEqual([]);
    expect(q.plan(2 * MIN, [], noResolves, none).notifications.map((n) => [n.kind, n.alert.endsAt])).toEqual([["resolved", 2 * MIN]]);
  });

  it("forget closes a record so a still-firing alert is triggered again after the cooldown", () => {
    const p = new NotificationPlanner([{ name: "hook", mode: "direct" }], MIN, MIN);
    const a = firingAt(0);
    p.plan(0, [a], noResolves, none);
    p.forget("hook", a.fingerprint);
    expect(p.plan(MIN / 2, [a], noResolves, none).notifications).toEqual([]);
    expect(p.plan(MIN, [a], noResolves, none).notifications).toHaveLength(1);
  });
});

describe("NotificationPlanner, Alertmanager", () => {
  const mk = () => new NotificationPlanner([{ name: "am", mode: "alertmanager" }], 15 * MIN, MIN);

  it("re-sends a firing alert every resendMs (no cooldown) and sends the resolve", () => {
    const p = mk();
    const a = firingAt(0);
    expect(p.plan(0, [a], noResolves, none).notifications).toHaveLength(1);
    expect(p.plan(30_000, [a], noResolves, none).notifications).toHaveLength(0);
    expect(p.plan(MIN, [a], noResolves, none).notifications.map((n) => n.kind)).toEqual(["firing"]);
    expect(p.plan(2 * MIN, [a], noResolves, () => true).notifications).toHaveLength(0); // one still queued: no pile-up
    expect(p.plan(2 * MIN + 1, [], new Map([[a.fingerprint, 2 * MIN]]), none).notifications.map((n) => [n.kind, n.alert.endsAt])).toEqual([["resolved", 2 * MIN]]);
    // A new episode right after is sent at once: Alertmanager does its own repeat/grouping.
    expect(p.plan(3 * MIN, [firingAt(3 * MIN)], noResolves, none).notifications).toHaveLength(1);
  });

  it("plans for every receiver independently", () => {
    const p = new NotificationPlanner([{ name: "am", mode: "alertmanager" }, { name: "pd", mode: "direct" }], 15 * MIN, MIN);
    const a = firingAt(0);
    const b = firingAt(0, { instance: "pi-2" });
    expect(p.plan(0, [a, b], noResolves, none).notifications.map((n) => `${n.receiver}:${n.alert.labels.instance}`)).toEqual(["am:pi-1", "am:pi-2", "pd:pi-1", "pd:pi-2"]);
  });
});
