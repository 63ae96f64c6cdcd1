import { describe, expect, it } from "vitest";
import { AlertConfigError } from "../../src/alert/errors.js";
import { alertLabelSet, labelSetFingerprint, sanitizeLabelName } from "../../src/alert/fingerprint.js";
import { AlertStateMachine } from "../../src/alert/state.js";
import { rng } from "../helpers/synth.js";
import { obs } from "./helpers.js";

/** Straightforward BigInt FNV-1a 64 over the Prometheus label-set encoding: an independent oracle. */
function referenceFingerprint(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const add = (b: number) => (h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn);
  for (const name of Object.keys(labels).sort()) {
    for (const b of new TextEncoder().encode(name)) add(b);
    add(0xff);
    for (const b of new TextEncoder().encode(labels[name])) add(b);
    add(0xff);
  }
  return h.toString(16).padStart(16, "0");
}

describe("labelSetFingerprint", () => {
  it("is the FNV-1a 64 offset basis for the empty set and 16 hex digits otherwise", () => {
    expect(labelSetFingerprint({})).toBe("cbf29ce484222325");
    expect(labelSetFingerprint({ a: "b" })).toMatch(/^[0-9a-f]{16}$/);
  });

  it("does not depend on key order and separates names from values", () => {
    expect(labelSetFingerprint({ a: "1", b: "2" })).toBe(labelSetFingerprint({ b: "2", a: "1" }));
    expect(labelSetFingerprint({ a: "1", b: "2" })).not.toBe(labelSetFingerprint({ a: "2", b: "1" }));
    expect(labelSetFingerprint({ ab: "c" })).not.toBe(labelSetFingerprint({ a: "bc" }));
    expect(labelSetFingerprint({ a: "" })).not.toBe(labelSetFingerprint({}));
  });

  it("equals a BigInt reference implementation on random label sets (ASCII and non-ASCII)", () => {
    const r = rng(42);
    const alphabet = ["a", "Z", "_", "0", "/", " ", "é", "ß", "日", "😀", "\u0000"];
    const word = () => Array.from({ length: Math.floor(r() * 12) }, () => alphabet[Math.floor(r() * alphabet.length)]).join("");
    for (let i = 0; i < 300; i++) {
      const labels: Record<string, string> = {};
      for (let k = Math.floor(r() * 6); k > 0; k--) labels[`l${word()}`] = word();
      expect(labelSetFingerprint(labels)).toBe(referenceFingerprint(labels));
    }
  });

  it("hashes UTF-8 bytes (non-ASCII values are distinct and stable)", () => {
    expect(labelSetFingerprint({ host: "zürich" })).toBe(labelSetFingerprint({ host: "zürich" }));
    expect(labelSetFingerprint({ host: "zürich" })).not.toBe(labelSetFingerprint({ host: "zurich" }));
  });

  it("alertLabelSet adds alertname and severity over same-named labels", () => {
    expect(alertLabelSet("X", "critical", { alertname: "Y", severity: "info", a: "1" })).toEqual({ alertname: "X", severity: "critical", a: "1" });
  });

  it("sanitizes label names to Prometheus' [a-zA-Z_][a-zA-Z0-9_]*", () => {
    expect(sanitizeLabelName("mount_point")).toBe("mount_point");
    expect(sanitizeLabelName("net.iface-name")).toBe("net_iface_name");
    expect(sanitizeLabelName("0cpu")).toBe("_0cpu");
    expect(sanitizeLabelName("")).toBe("_");
    expect(alertLabelSet("X", "info", { "disk.mount": "/" })).toEqual({ disk_mount: "/", alertname: "X", severity: "info" });
  });
});

describe("AlertStateMachine", () => {
  it("fires on the first anomaly, deduplicates repeats, and resolves after resolveAfter without anomaly", () => {
    const m = new AlertStateMachine(60_000);
    const fired = m.observe(obs({ at: 1_000 }));
    expect(fired?.kind).toBe("firing");
    expect(fired?.alert).toMatchObject({ status: "firing", startsAt: 1_000, lastAnomalyAt: 1_000, labels: { alertname: "HostCpuAnomaly", severity: "warning", instance: "pi-1", cpu: "total" } });
    expect(fired?.alert.fingerprint).toBe(labelSetFingerprint(fired?.alert.labels ?? {}));
    expect(m.observe(obs({ at: 11_000, score: 0.99, summary: "CPU 99%" }))).toBeUndefined();
    expect(m.get(fired?.alert.fingerprint ?? "")).toMatchObject({ startsAt: 1_000, lastAnomalyAt: 11_000, score: 0.99, annotations: { summary: "CPU 99%" } });
    // Normal points inside the hold-down do not resolve (flapping stays one alert).
    expect(m.observe(obs({ at: 70_999, anomalous: false }))).toBeUndefined();
    const resolved = m.observe(obs({ at: 71_000, anomalous: false }));
    expect(resolved).toMatchObject({ kind: "resolved", alert: { status: "resolved", startsAt: 1_000, endsAt: 71_000 } });
    expect(m.firing()).toEqual([]);
    expect(m.counters).toEqual({ observations: 4, deduplicated: 2, raised: 1, resolved: 1 });
  });

  it("ignores normal observations of inactive series and starts a new episode after a resolve", () => {
    const m = new AlertStateMachine(1_000);
    expect(m.observe(obs({ anomalous: false, at: 0 }))).toBeUndefined();
    m.observe(obs({ at: 10 }));
    m.observe(obs({ anomalous: false, at: 2_000 }));
    const again = m.observe(obs({ at: 3_000 }));
    expect(again).toMatchObject({ kind: "firing", alert: { startsAt: 3_000 } });
    expect(m.counters.raised).toBe(2);
  });

  it("expire resolves series that stopped reporting, at the expiry time", () => {
    const m = new AlertStateMachine(5_000);
    m.observe(obs({ at: 0 }));
    m.observe(obs({ at: 0, labels: { instance: "pi-2", cpu: "total" } }));
    m.observe(obs({ at: 4_000, labels: { instance: "pi-2", cpu: "total" } }));
    const out = m.expire(6_000);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: "resolved", alert: { labels: { instance: "pi-1" }, endsAt: 6_000 } });
    expect(m.firing().map((a) => a.labels.instance)).toEqual(["pi-2"]);
  });

  it("keeps one alert per label set: different labels or severity are different alerts", () => {
    const m = new AlertStateMachine(5_000);
    m.observe(obs({ labels: { instance: "pi-1" } }));
    m.observe(obs({ labels: { instance: "pi-1" }, severity: "critical" }));
    m.observe(obs({ labels: { instance: "pi-2" } }));
    m.observe(obs({ labels: { instance: "pi-1" }, at: 5 }));
    expect(m.firing()).toHaveLength(3);
  });

  it("restore continues persisted episodes without a new transition", () => {
    const a = new AlertStateMachine(5_000);
    a.observe(obs({ at: 100 }));
    const b = new AlertStateMachine(5_000);
    b.restore(a.firing());
    expect(b.observe(obs({ at: 200 }))).toBeUndefined();
    expect(b.firing()[0]?.startsAt).toBe(100);
  });

  it("rejects a negative resolveAfter", () => {
    expect(() => new AlertStateMachine(-1)).toThrow(AlertConfigError);
  });
});
