import { describe, expect, it } from "vitest";
import type { TailedFile, TailEvent } from "../../src/input/tailer.js";
import { createCore } from "../../src/options.js";
import { IngestError, type IngestItem, Ingestor, type MalformedRecord } from "../../src/pipeline/ingest.js";
import { firstLineOfType } from "../support/fixtures.js";

const alert = firstLineOfType("rhaist__surevego.slice.json", "alert");
const flow = firstLineOfType("sofiafernandezmoreno__tfm_ddos_demo.slice.json", "flow");
const dns = firstLineOfType("rhaist__surevego.slice.json", "dns");
const nl = Buffer.from("\n");
const fileA: TailedFile = { path: "/x/eve.json", dev: "1", ino: "10", fingerprint: "a", fingerprintBytes: 256 };
const fileB: TailedFile = { ...fileA, ino: "11", fingerprint: "b" };

function run(ing: Ingestor, events: TailEvent[]): { items: IngestItem[]; bad: MalformedRecord[] } {
  const items: IngestItem[] = [];
  const bad: MalformedRecord[] = [];
  for (const ev of events) ing.handle(ev, { item: (i) => items.push(i), malformed: (m) => bad.push(m) });
  return { items, bad };
}
const data = (file: TailedFile, offset: number, ...parts: Buffer[]): TailEvent => ({ type: "data", file, offset, data: Buffer.concat(parts), complete: true });
const offsets = (ing: Ingestor): [string, number][] => ing.checkpoint().files.map((f) => [f.ino, f.offset]);

describe("Ingestor", () => {
  it("turns lines into items and malformed records, and commits only acknowledged prefixes", () => {
    const ing = new Ingestor(createCore({ sensorId: "s" }));
    const chunk = [alert, nl, Buffer.from("garbage\n"), flow, nl];
    const { items, bad } = run(ing, [{ type: "open", file: fileA, offset: 0, reason: "start" }, data(fileA, 0, ...chunk)]);
    expect(items.map((i) => [i.eventType, i.priority])).toEqual([["alert", 0], ["flow", 2]]);
    expect(items[0]?.index).toMatch(/^suricata-alert-\d{4}\.\d{2}\.\d{2}$/);
    expect(items[0]?.bytes).toBe(items[0]!.raw.length + 1 + `{"index":{"_index":"${items[0]!.index}","_id":"${items[0]!.id}"}}\n`.length);
    expect(bad.map((b) => [b.reason, b.lineEndOffset])).toEqual([["invalid_json", alert.length + 1 + 8]]);
    expect(offsets(ing)).toEqual([["10", 0]]);
    ing.ack(items[1]!);
    expect(offsets(ing)).toEqual([["10", 0]]);
    ing.ack(items[0]!);
    expect(offsets(ing)).toEqual([["10", alert.length + 1]]);
    ing.ackMalformed(bad[0]!);
    expect(offsets(ing)).toEqual([["10", Buffer.concat(chunk).length]]);
    expect(ing.inFlightLines).toBe(0);
    expect(ing.stats).toMatchObject({ events: 2, malformed: 1, bytes: Buffer.concat(chunk).length });
  });

  it("needs no ack for filtered events and needs every event of a glued line", () => {
    const ing = new Ingestor(createCore({ sensorId: "s", eventTypes: ["alert", "dns"] }));
    const { items } = run(ing, [{ type: "open", file: fileA, offset: 100, reason: "resume" }, data(fileA, 100, flow, nl, alert, dns, nl)]);
    expect(offsets(ing)).toEqual([["10", 100 + flow.length + 1]]);
    expect(items.map((i) => i.eventType)).toEqual(["alert", "dns"]);
    // The line bytes and ids of the events split from one glued line.
    expect(items.map((i) => i.raw.toString("utf8"))).toEqual([alert.toString("utf8"), dns.toString("utf8")]);
    const ids = createCore({ sensorId: "s" }).ids;
    expect(items.map((i) => i.id)).toEqual([ids.idFor(alert), ids.idFor(dns)]);
    ing.ack(items[0]!);
    expect(offsets(ing)).toEqual([["10", 100 + flow.length + 1]]);
    ing.ack(items[1]!);
    expect(offsets(ing)).toEqual([["10", 100 + flow.length + 1 + alert.length + dns.length + 1]]);
    expect(ing.stats.filteredByType.get("flow")).toBe(1);
    expect(ing.stats.splitFromGluedLine).toBe(2);
  });

  it("keeps a rotated file in the checkpoint until its last line is acknowledged", () => {
    const ing = new Ingestor(createCore({ sensorId: "s" }));
    const a = run(ing, [{ type: "open", file: fileA, offset: 0, reason: "start" }, data(fileA, 0, alert, nl)]).items;
    const b = run(ing, [
      { type: "close", file: fileA, offset: alert.length + 1, reason: "rotated" },
      { type: "open", file: fileB, offset: 0, reason: "rotated" },
      data(fileB, 0, dns, nl),
    ]).items;
    expect(offsets(ing)).toEqual([["10", 0], ["11", 0]]);
    ing.ack(b[0]!);
    expect(offsets(ing)).toEqual([["10", 0], ["11", dns.length + 1]]);
    ing.ack(a[0]!);
    expect(offsets(ing)).toEqual([["11", dns.length + 1]]);
  });

  it("orders a copytruncate copy before the live file and keeps the resume point after shutdown", () => {
    const ing = new Ingestor(createCore({ sensorId: "s" }));
    const copy: TailedFile = { ...fileA, path: "/x/eve.json.1", ino: "20" };
    const liveNew: TailedFile = { ...fileA, fingerprint: "new" };
    const { items } = run(ing, [
      { type: "open", file: fileA, offset: 0, reason: "start" },
      data(fileA, 0, alert, nl),
      { type: "truncated", file: fileA, previousOffset: alert.length + 1 },
      { type: "open", file: copy, offset: alert.length + 1, reason: "truncated-copy" },
      data(copy, alert.length + 1, flow, nl),
      { type: "close", file: copy, offset: alert.length + flow.length + 2, reason: "eof" },
      data(liveNew, 0, dns, nl),
    ]);
    expect(ing.checkpoint().files.map((f) => [f.path, f.fingerprint, f.offset])).toEqual([
      ["/x/eve.json", "a", 0],
      ["/x/eve.json.1", "a", alert.length + 1],
      ["/x/eve.json", "new", 0],
    ]);
    for (const i of items) ing.ack(i);
    expect(ing.checkpoint().files.map((f) => [f.path, f.fingerprint, f.offset])).toEqual([["/x/eve.json", "new", dns.length + 1]]);
    run(ing, [{ type: "close", file: liveNew, offset: dns.length + 1, reason: "aborted" }]);
    expect(offsets(ing)).toEqual([["10", dns.length + 1]]);
    expect(ing.stats.truncations).toBe(1);
  });

  it("rejects data outside an open file", () => {
    const ing = new Ingestor(createCore({ sensorId: "s" }));
    expect(() => run(ing, [data(fileA, 0, alert, nl)])).toThrow(IngestError);
  });
});
