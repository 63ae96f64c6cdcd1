// Golden comparison of the shipping hot path (validation → index name → id → `_bulk` body) over every copied
// fixture line plus hand-made damaged lines. Two independent checks:
// 1. a slow reference built from the specs (JSON.parse for validity, createHash for ids, JSON.stringify for action
//    lines, Date for index days) must give the same bytes;
// 2. SHA-256 digests pinned from the implementation before the throughput work (commit f5bc720), so any change to
//    body bytes, ids or validation outcomes — even one the reference shares — fails here.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createLineStats, forEachLine } from "../../src/eve/lines.js";
import { type EveParseResult, parseEveRecords } from "../../src/eve/parse.js";
import { buildBulkBody, type BulkDoc, type BulkOpType } from "../../src/ship/bulk.js";
import { DocumentIdGenerator } from "../../src/ship/ids.js";
import { IndexNamer } from "../../src/ship/index-name.js";
import { fixtureBytes, VALID_FIXTURES } from "../support/fixtures.js";

const SENSOR = "golden-sensor";

/** Every fixture file, then damaged lines built from real ones (glued, invalid UTF-8, no offset, CRLF, unknown type). */
function corpus(): Buffer {
  const valid = VALID_FIXTURES.map((f) => fixtureBytes(f));
  const first = valid[0]?.subarray(0, valid[0].indexOf(10)) ?? Buffer.alloc(0);
  const text = first.toString("utf8");
  const damaged = [
    Buffer.concat([first, first]), // glued
    Buffer.concat([first.subarray(0, 40), first]), // truncated record then a whole one
    Buffer.from(text.replace(/"event_type":"[^"]*"/, '"event_type":"my_custom.type-1"')), // unknown type
    Buffer.from(text.replace(/"event_type":"[^"]*"/, '"event_type":"bad type"')), // invalid type
    Buffer.from(text.replace(/("timestamp":"[^"]*?)[+-]\d{4}"/, '$1"')), // no offset
    Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from(',"x":"\xff\xfe"}', "latin1")]), // invalid UTF-8
    Buffer.from(`${text}\r`), // CRLF
    Buffer.from(text.replace('"timestamp":"2', '"timestamp":"\\u0032')), // escaped timestamp (decoded path)
    Buffer.from('{"timestamp":"2024-01-02T00:30:00.000001+0100","event_type":"alert","flow_id":1}'), // day before in UTC
  ];
  return Buffer.concat([...valid, fixtureBytes("malformed-fixtures.json"), ...damaged.flatMap((d) => [d, Buffer.from("\n")])]);
}

interface Outcome {
  results: unknown[];
  docs: BulkDoc[];
}

function runImplementation(data: Buffer): Outcome {
  const ids = new DocumentIdGenerator({ sensorId: SENSOR });
  const namer = new IndexNamer("suricata");
  const results: unknown[] = [];
  const docs: BulkDoc[] = [];
  forEachLine(
    data,
    0,
    (line) => {
      parseEveRecords(line, undefined, (r: EveParseResult) => {
        if (!r.ok) {
          results.push([r.reason, r.raw.toString("base64")]);
          return;
        }
        const index = namer.indexFor(r.eventType, r.timestampMs);
        const id = ids.idFor(r.raw);
        results.push([r.eventType, r.timestampMs, r.flags, r.known, index, id]);
        docs.push({ index, id, raw: r.raw });
      });
    },
    createLineStats(),
  );
  return { results, docs };
}

const sha = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

function referenceBody(docs: readonly BulkDoc[], op: BulkOpType): Buffer {
  return Buffer.concat(docs.flatMap((d) => [Buffer.from(`${JSON.stringify({ [op]: { _index: d.index, _id: d.id } })}\n`), d.raw, Buffer.from("\n")]));
}

describe("shipping hot path, golden", () => {
  const data = corpus();
  const { results, docs } = runImplementation(data);

  it("validates, names and ids every record as the spec-level reference does", () => {
    expect(docs.length).toBeGreaterThan(900);
    for (const d of docs) {
      const ev = JSON.parse(d.raw.toString("utf8")) as { timestamp: string; event_type: string };
      const refId = createHash("sha256").update(SENSOR).update("\0").update(d.raw).digest("base64url").slice(0, 22);
      expect(d.id).toBe(refId);
      const day = d.index.slice(-10);
      expect(d.index.startsWith(`suricata-${ev.event_type.toLowerCase()}-`)).toBe(true);
      const ts = /[+-]\d{4}$|Z$/.test(ev.timestamp) ? ev.timestamp : `${ev.timestamp}Z`;
      expect(day).toBe(new Date(ts.replace(/([+-]\d\d)(\d\d)$/, "$1:$2")).toISOString().slice(0, 10).replaceAll("-", "."));
    }
  });

  it("builds the same _bulk bytes as the reference, into fresh and reused buffers", () => {
    for (const op of ["index", "create"] as const) {
      const ref = referenceBody(docs, op);
      expect(buildBulkBody(docs, op).equals(ref)).toBe(true);
      const scratch = Buffer.alloc(ref.length + 100, 0x55);
      expect(buildBulkBody(docs, op, scratch).equals(ref)).toBe(true);
      // batch-sized slices, as the shipper sends them
      for (let i = 0; i < docs.length; i += 97) {
        const part = docs.slice(i, i + 97);
        expect(buildBulkBody(part, op, scratch).equals(referenceBody(part, op))).toBe(true);
      }
    }
  });

  it("gives the damaged lines their expected outcomes", () => {
    const tail = results.slice(-12).map((r) => (r as unknown[]).slice(0, 4));
    expect(tail.map((r) => r[0])).toEqual(["invalid_json", "dnp3", "dnp3", "invalid_json", "dnp3", "my_custom.type-1", "invalid_event_type", "dnp3", "dnp3", "dnp3", "dnp3", "alert"]);
    // flags: split from glued line 8, unknown type 4, no offset 1, UTF-8 replaced 2; errors carry none
    expect(tail.map((r) => r[2])).toEqual([undefined, 8, 8, undefined, 8, 4, undefined, 1, 2, 0, 0, 0]);
    expect(results.at(-1)).toEqual(["alert", 1704151800000, 0, true, "suricata-alert-2024.01.01", expect.any(String)]);
  });

  it("matches the digests pinned before the throughput work", () => {
    expect([results.length, docs.length]).toEqual([922, 913]);
    expect(sha(JSON.stringify(results))).toBe("dc1dbe9f14b6942145a0f44a781ab01a7165061b94a1a9d1f6c713cdcbac1cd7");
    expect(sha(buildBulkBody(docs, "index"))).toBe("af6c7285ff2563650781c5ffe69775e8b067e96ce5311d1cc5b1083879afff54");
    expect(sha(buildBulkBody(docs, "create"))).toBe("aed50a6f61f0ae8dea261ee760dd5958fbcf7244830295526f92a50ecfa155a6");
  });
});
