import { describe, expect, it } from "vitest";
import {
  buildBulkBody,
  bulkActionBytes,
  BulkResponseError,
  classifyBulkHttpStatus,
  classifyBulkItem,
  parseBulkResponse,
} from "../../src/ship/bulk.js";
import { fixtureLines } from "../support/fixtures.js";

describe("buildBulkBody", () => {
  it("writes action + raw line pairs, NDJSON terminated, byte-exact", () => {
    const lines = fixtureLines("rhaist__surevego.slice.json").slice(0, 3);
    const docs = lines.map((raw, i) => ({ index: "suricata-dns-2017.01.30", id: `id${i}`, raw }));
    const body = buildBulkBody(docs);
    const text = body.toString("utf8");
    const parts = text.split("\n");
    expect(parts.at(-1)).toBe("");
    expect(parts).toHaveLength(7);
    expect(JSON.parse(parts[0] ?? "")).toEqual({ index: { _index: "suricata-dns-2017.01.30", _id: "id0" } });
    expect(parts[1]).toBe(lines[0]?.toString());
    expect(parts[5]).toBe(lines[2]?.toString());
    expect(body.length).toBe(docs.reduce((n, d) => n + bulkActionBytes("index", d.index, d.id) + d.raw.length + 1, 0));
  });

  it("writes into a scratch buffer when it is large enough, else allocates", () => {
    const docs = [{ index: "i", id: "x", raw: Buffer.from('{"a":1}') }];
    const scratch = Buffer.alloc(1024);
    const body = buildBulkBody(docs, "index", scratch);
    expect(body.buffer).toBe(scratch.buffer);
    expect(body.toString()).toBe('{"index":{"_index":"i","_id":"x"}}\n{"a":1}\n');
    const small = Buffer.alloc(4);
    expect(buildBulkBody(docs, "index", small).buffer).not.toBe(small.buffer);
  });

  it("writes non-ASCII index names and ids as UTF-8 and counts their bytes", () => {
    const docs = [
      { index: "ids-é", id: "aé€😀z", raw: Buffer.from("{}") },
      { index: "ids-é", id: "plain", raw: Buffer.from('{"b":2}') },
    ];
    const expected = `{"index":{"_index":"ids-é","_id":"aé€😀z"}}\n{}\n{"index":{"_index":"ids-é","_id":"plain"}}\n{"b":2}\n`;
    const body = buildBulkBody(docs);
    expect(body.toString("utf8")).toBe(expected);
    expect(body.length).toBe(Buffer.byteLength(expected));
    expect(bulkActionBytes("index", "ids-é", "aé€😀z")).toBe(Buffer.byteLength('{"index":{"_index":"ids-é","_id":"aé€😀z"}}\n'));
    expect(bulkActionBytes("create", "x", "y")).toBe(Buffer.byteLength('{"create":{"_index":"x","_id":"y"}}\n'));
  });

  it("uses a document's precomputed bytes, and refuses bytes that do not match the op type", () => {
    const raw = Buffer.from('{"a":1}');
    const exact = bulkActionBytes("index", "i", "x") + raw.length + 1;
    expect(buildBulkBody([{ index: "i", id: "x", raw, bytes: exact }]).toString()).toBe('{"index":{"_index":"i","_id":"x"}}\n{"a":1}\n');
    // sized for "create" (one byte longer than "index"): the body would end with a stray byte
    const forCreate = bulkActionBytes("create", "i", "x") + raw.length + 1;
    expect(() => buildBulkBody([{ index: "i", id: "x", raw, bytes: forCreate }], "index")).toThrow(RangeError);
    expect(() => buildBulkBody([{ index: "i", id: "x", raw, bytes: exact }], "create")).toThrow(RangeError);
  });

  it("supports create and an empty batch", () => {
    const body = buildBulkBody([{ index: "i", id: "x", raw: Buffer.from("{}") }], "create").toString();
    expect(body).toBe('{"create":{"_index":"i","_id":"x"}}\n{}\n');
    expect(buildBulkBody([]).length).toBe(0);
  });
});

describe("bulk classification", () => {
  it("classifies HTTP statuses of the whole request", () => {
    expect([200, 413, 429, 408, 500, 502, 503, 504, 400, 401, 403, 404].map(classifyBulkHttpStatus)).toEqual([
      "items", "split", "retry_all", "retry_all", "retry_all", "retry_all", "retry_all", "retry_all",
      "fatal", "fatal", "fatal", "fatal",
    ]);
  });

  it("classifies items", () => {
    expect(classifyBulkItem(201, undefined, "index")).toBe("success");
    expect(classifyBulkItem(200, undefined, "index")).toBe("success");
    expect(classifyBulkItem(409, "version_conflict_engine_exception", "create")).toBe("duplicate");
    expect(classifyBulkItem(409, "version_conflict_engine_exception", "index")).toBe("permanent");
    expect(classifyBulkItem(429, "es_rejected_execution_exception", "index")).toBe("retryable");
    expect(classifyBulkItem(503, "unavailable_shards_exception", "index")).toBe("retryable");
    expect(classifyBulkItem(403, "cluster_block_exception", "index")).toBe("retryable");
    expect(classifyBulkItem(400, "mapper_parsing_exception", "index")).toBe("permanent");
    expect(classifyBulkItem(400, "illegal_argument_exception", "index")).toBe("permanent");
  });
});

describe("parseBulkResponse", () => {
  const ok = (status: number) => ({ index: { _index: "i", _id: "x", status, result: "created" } });

  it("short-circuits errors:false", () => {
    const s = parseBulkResponse(JSON.stringify({ took: 7, errors: false, items: [ok(201), ok(200)] }), 2);
    expect(s).toEqual({ took: 7, errors: false, succeeded: 2, duplicates: 0, retryable: [], permanent: [] });
  });

  it("sorts items into success, duplicate, retryable and permanent with positions and reasons", () => {
    const body = {
      took: 3,
      errors: true,
      items: [
        ok(201),
        { index: { _index: "i", _id: "b", status: 429, error: { type: "es_rejected_execution_exception", reason: "rejected execution" } } },
        {
          index: {
            _index: "i",
            _id: "c",
            status: 400,
            error: {
              type: "mapper_parsing_exception",
              reason: "failed to parse field [dest_port] of type [long]",
              caused_by: { type: "number_format_exception", reason: 'For input string: "http"' },
            },
          },
        },
        { index: { _index: "i", _id: "d", status: 503, error: { type: "unavailable_shards_exception", reason: "primary shard is not active" } } },
      ],
    };
    const s = parseBulkResponse(Buffer.from(JSON.stringify(body)), 4);
    expect(s.succeeded).toBe(1);
    expect(s.retryable.map((f) => [f.position, f.status, f.type])).toEqual([
      [1, 429, "es_rejected_execution_exception"],
      [3, 503, "unavailable_shards_exception"],
    ]);
    expect(s.permanent).toEqual([
      {
        position: 2,
        status: 400,
        type: "mapper_parsing_exception",
        reason: 'failed to parse field [dest_port] of type [long]: number_format_exception For input string: "http"',
      },
    ]);
  });

  it("counts 409 on create as duplicate success", () => {
    const body = { took: 1, errors: true, items: [{ create: { status: 409, error: { type: "version_conflict_engine_exception", reason: "exists" } } }] };
    const s = parseBulkResponse(body, 1, "create");
    expect([s.succeeded, s.duplicates, s.permanent.length]).toEqual([1, 1, 0]);
  });

  it("throws BulkResponseError on malformed responses", () => {
    expect(() => parseBulkResponse("<html>", 1)).toThrow(BulkResponseError);
    expect(() => parseBulkResponse({ took: 1 }, 1)).toThrow(/items/);
    expect(() => parseBulkResponse({ errors: false, items: [ok(201)] }, 2)).toThrow(/1 items, sent 2/);
    expect(() => parseBulkResponse({ errors: true, items: [{ index: {} }] }, 1)).toThrow(/no status/);
  });
});
