// End-to-end over a file with every kind of real-file damage named in /work/shared/data/eve/SOURCES.md, built from
// real fixture lines: tailer → framing → parser (via summarizeEveFiles, the `edge-agent parse` command).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatSummary, summarizeEveFiles } from "../../src/commands/summarize.js";
import { fixtureBytes, fixtureLines } from "../support/fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-garbage-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a damaged eve.json", () => {
  it("yields every valid event, a reason for every broken record, and counts the repairs", async () => {
    const lines = fixtureLines("rhaist__surevego.slice.json");
    const [l0, l1, l2, l3, l4, l5] = lines as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    const big = Buffer.from(
      JSON.stringify({ ...(JSON.parse(l5.toString()) as object), payload_printable: "GET / HTTP/1.1 ".repeat(2000) }),
    );
    const oldTs = Buffer.from('{"timestamp":"2014-04-03T15:46:05.145216","event_type":"alert","alert":{"signature_id":1}}');
    const at = l1.indexOf('"rrname":"') + 10;
    const badUtf8 = Buffer.concat([l1.subarray(0, at), Buffer.from([0xc3, 0x28]), l1.subarray(at)]);
    const file = Buffer.concat([
      l0, Buffer.from("\n"),
      Buffer.alloc(8192), // NUL-padded hole after a crash…
      l1, Buffer.from("\n"), // …followed directly by a record
      l2, l3, Buffer.from("\n"), // two records glued on one line
      l4.subarray(0, 60), l2, Buffer.from("\n"), // truncated record, then a complete one
      big, Buffer.from("\n"), // 30 KB line
      oldTs, Buffer.from("\r\n"), // old Suricata timestamp, CRLF
      badUtf8, Buffer.from("\n\n"), // invalid UTF-8, blank line
      fixtureBytes("malformed-fixtures.json"),
      l5, // last line without newline
    ]);
    const path = join(dir, "eve.json");
    await writeFile(path, file);
    const s = await summarizeEveFiles([path], { indexPrefix: "suricata", maxSamples: 100 });
    expect(big.length).toBeGreaterThan(20_000);
    expect(s.events).toBe(9); // l0 l1 l2 l3 l2 big oldTs badUtf8 l5; nothing from malformed-fixtures
    expect(s.malformed).toEqual({ invalid_json: 7, invalid_timestamp: 1 });
    expect(s.repairs).toEqual({ timestampWithoutOffset: 1, utf8Replaced: 1, splitFromGluedLine: 3 });
    expect(s.nulBytes).toBe(8192);
    expect(s.blankLines).toBe(1);
    expect(s.bytes).toBe(file.length);
    expect(s.byIndex["suricata-alert-2014.04.03"]).toBe(1);
    expect(Object.values(s.byType).reduce((a, b) => a + b, 0)).toBe(s.events);
    expect(s.samples.every((m) => m.detail.length > 0 && m.file === path)).toBe(true);
    expect(formatSummary(s)).toMatch(/1 timestamps without offset \(read as UTC\)/);
  });

  it("filters by event type and reports missing files", async () => {
    const path = join(dir, "eve.json");
    await writeFile(path, fixtureBytes("rhaist__surevego.slice.json"));
    const all = await summarizeEveFiles([path]);
    const s = await summarizeEveFiles([path, join(dir, "nope.json")], { eventTypes: ["alert"], indexPrefix: "x" });
    expect(s.events).toBe(all.events);
    expect(s.filtered).toBe(all.events - (all.byType["alert"] ?? 0));
    expect(Object.keys(s.byIndex).every((k) => k.startsWith("x-alert-"))).toBe(true);
    expect(s.missingFiles).toEqual([join(dir, "nope.json")]);
  });
});
