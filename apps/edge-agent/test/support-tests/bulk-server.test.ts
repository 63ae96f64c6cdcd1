import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEveLine } from "../../src/eve/parse.js";
import { buildBulkBody, type BulkDoc, parseBulkResponse } from "../../src/ship/bulk.js";
import { DocumentIdGenerator } from "../../src/ship/ids.js";
import { IndexNamer } from "../../src/ship/index-name.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureLines } from "../support/fixtures.js";

let server: BulkTestServer;
beforeEach(async () => {
  server = await BulkTestServer.start({ seed: 7 });
});
afterEach(async () => {
  await server.close();
});

function docs(n: number): BulkDoc[] {
  const ids = new DocumentIdGenerator({ sensorId: "test" });
  const namer = new IndexNamer("suricata");
  return fixtureLines("rhaist__surevego.slice.json")
    .slice(0, n)
    .map((line) => {
      const r = parseEveLine(line);
      if (!r.ok) throw new Error(r.reason);
      return { index: namer.indexFor(r.eventType, r.timestampMs), id: ids.idFor(r.raw), raw: r.raw };
    });
}

async function bulk(body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}/_bulk`, { method: "POST", body, headers: { "content-type": "application/x-ndjson", ...headers } });
  return { status: res.status, json: await res.json() };
}

describe("BulkTestServer (test double)", () => {
  it("serves cluster info and health", async () => {
    const info = (await (await fetch(server.url)).json()) as { version: { distribution: string } };
    expect(info.version.distribution).toBe("opensearch");
    expect(await (await fetch(`${server.url}/_cluster/health`)).json()).toMatchObject({ status: "green" });
  });

  it("indexes a bulk body built by buildBulkBody and records documents by index and id", async () => {
    const d = docs(50);
    const { status, json } = await bulk(buildBulkBody(d));
    expect(status).toBe(200);
    const summary = parseBulkResponse(json as object, d.length);
    expect(summary.succeeded).toBe(50);
    expect(server.documentCount()).toBe(new Set(d.map((x) => `${x.index}/${x.id}`)).size);
    const first = d[0]!;
    expect(server.getDocument(first.index, first.id)).toEqual(JSON.parse(first.raw.toString()));
    expect(server.documentCount("suricata-dns-2017.01.30")).toBeGreaterThan(0);
  });

  it("replays overwrite with index (200 updated) and conflict with create (409)", async () => {
    const d = docs(5);
    await bulk(buildBulkBody(d));
    const again = await bulk(buildBulkBody(d));
    const items = (again.json as { items: { index: { status: number; result: string } }[] }).items;
    expect(items.map((i) => [i.index.status, i.index.result])).toEqual(Array(5).fill([200, "updated"]));
    expect(server.stats.overwrites).toBe(5);
    const created = await bulk(buildBulkBody(d, "create"));
    const s = parseBulkResponse(created.json as object, 5, "create");
    expect([s.succeeded, s.duplicates]).toEqual([5, 5]);
    expect(server.documentCount()).toBe(5);
  });

  it("rejects a body without a final newline and a bad source per item", async () => {
    expect((await bulk('{"index":{"_index":"a","_id":"1"}}\n{"x":1}')).status).toBe(400);
    const r = await bulk('{"index":{"_index":"a","_id":"1"}}\n{"x":\n{"index":{"_index":"a","_id":"2"}}\n[1]\n{"index":{"_index":"a","_id":"3"}}\n{"ok":true}\n');
    const s = parseBulkResponse(r.json as object, 3);
    expect(s.permanent.map((p) => [p.position, p.type])).toEqual([
      [0, "mapper_parsing_exception"],
      [1, "mapper_parsing_exception"],
    ]);
    expect(server.getDocument("a", "3")).toEqual({ ok: true });
  });

  it("accepts gzip request bodies and a default index in the path", async () => {
    const res = await fetch(`${server.url}/myidx/_bulk`, {
      method: "POST",
      body: gzipSync('{"index":{"_id":"z"}}\n{"a":1}\n'),
      headers: { "content-encoding": "gzip" },
    });
    expect(res.status).toBe(200);
    expect(server.getDocument("myidx", "z")).toEqual({ a: 1 });
  });

  it("injects whole-request 429 and 503 for the next N requests, then recovers", async () => {
    server.failNextBulkRequests(2, 429);
    server.failNextBulkRequests(1, 503);
    const body = buildBulkBody(docs(3));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await bulk(body)).status);
    expect(statuses).toEqual([429, 429, 503, 200]);
    expect(server.stats.bulkStatuses).toEqual({ 429: 2, 503: 1, 200: 1 });
  });

  it("injects per-item failures for chosen ids, a limited number of times", async () => {
    const d = docs(10);
    server.failItems({ ids: [d[3]!.id], status: 400, reason: "failed to parse field [dest_port]" });
    server.failItems({ ids: [d[5]!.id], status: 429, times: 1 });
    const s1 = parseBulkResponse((await bulk(buildBulkBody(d))).json as object, 10);
    expect(s1.permanent.map((f) => [f.position, f.type])).toEqual([[3, "mapper_parsing_exception"]]);
    expect(s1.retryable.map((f) => [f.position, f.type])).toEqual([[5, "es_rejected_execution_exception"]]);
    const s2 = parseBulkResponse((await bulk(buildBulkBody([d[5]!]))).json as object, 1);
    expect(s2.succeeded).toBe(1);
  });

  it("fails a reproducible random fraction of items", async () => {
    server.failItems({ fraction: 0.3, status: 429 });
    const d = docs(200);
    const s = parseBulkResponse((await bulk(buildBulkBody(d))).json as object, 200);
    expect(s.retryable.length).toBeGreaterThan(30);
    expect(s.retryable.length).toBeLessThan(90);
    expect(s.succeeded + s.retryable.length).toBe(200);
  });

  it("delays responses", async () => {
    server.setResponseDelay(150);
    const t0 = performance.now();
    await bulk(buildBulkBody(docs(1)));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("drops connections mid-request (nothing indexed) and after indexing (stored, no answer)", async () => {
    const d = docs(4);
    server.dropNextBulkConnections(1, "mid-request");
    await expect(bulk(buildBulkBody(d))).rejects.toThrow();
    expect(server.documentCount()).toBe(0);
    server.dropNextBulkConnections(1, "after-indexing");
    await expect(bulk(buildBulkBody(d))).rejects.toThrow();
    expect(server.documentCount()).toBe(4);
    expect(server.stats.droppedConnections).toBe(2);
    expect((await bulk(buildBulkBody(d))).status).toBe(200);
    expect(server.documentCount()).toBe(4);
  });

  it("stores index templates and ISM policies with OpenSearch's concurrency rule", async () => {
    const tpl = { index_patterns: ["suricata-*"], template: { mappings: { properties: { src_ip: { type: "ip" } } } } };
    expect((await fetch(`${server.url}/_index_template/eve`)).status).toBe(404);
    expect((await fetch(`${server.url}/_index_template/eve`, { method: "PUT", body: JSON.stringify(tpl) })).status).toBe(200);
    const got = (await (await fetch(`${server.url}/_index_template/eve`)).json()) as { index_templates: { index_template: unknown }[] };
    expect(got.index_templates[0]?.index_template).toEqual(tpl);

    const policy = { policy: { description: "delete after 30d", states: [] } };
    const url = `${server.url}/_plugins/_ism/policies/eve-retention`;
    expect((await fetch(url)).status).toBe(404);
    const created = await fetch(url, { method: "PUT", body: JSON.stringify(policy) });
    expect(created.status).toBe(201);
    const { _seq_no } = (await created.json()) as { _seq_no: number };
    expect((await fetch(url, { method: "PUT", body: JSON.stringify(policy) })).status).toBe(409);
    expect((await fetch(`${url}?if_seq_no=${_seq_no}&if_primary_term=1`, { method: "PUT", body: JSON.stringify(policy) })).status).toBe(200);
    expect(await (await fetch(url)).json()).toMatchObject({ _id: "eve-retention", _version: 2, policy: policy.policy });
  });

  it("answers unknown routes with 404", async () => {
    expect((await fetch(`${server.url}/nope/_search`)).status).toBe(404);
  });
});
