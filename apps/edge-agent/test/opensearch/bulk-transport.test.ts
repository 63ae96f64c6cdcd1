// OpenSearchBulkTransport against the _bulk test double: the filter_path it asks for, its own gzip (level, header,
// no double compression), and that a filtered response still plans correctly (per-item failures included).
import type { IncomingHttpHeaders } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BULK_FILTER_PATH, OpenSearchBulkTransport } from "../../src/opensearch/bulk-transport.js";
import { createOpenSearchClient } from "../../src/opensearch/client.js";
import { buildBulkBody } from "../../src/ship/bulk.js";
import { planDelivery } from "../../src/ship/delivery.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureLines } from "../support/fixtures.js";

let server: BulkTestServer;
let seen: { url: string; headers: IncomingHttpHeaders; body: Buffer }[];
beforeEach(async () => {
  server = await BulkTestServer.start();
  seen = [];
  server.interceptor = (req, body) => {
    seen.push({ url: req.url ?? "", headers: req.headers, body });
    return undefined;
  };
});
afterEach(async () => {
  await server.close();
});

const docs = fixtureLines("sofiafernandezmoreno__tfm_ddos_demo.slice.json")
  .slice(0, 50)
  .map((raw, i) => ({ index: "suricata-test-2024.01.01", id: `doc${i}`, raw }));
const client = (compression: boolean) =>
  createOpenSearchClient({ mode: "endpoint", url: server.url, auth: { type: "none" }, tls: { insecureSkipVerify: false } }, { requestTimeoutMs: 5000, compression });

describe("OpenSearchBulkTransport", () => {
  it("asks for only errors, item status and item error (filter_path)", async () => {
    const c = await client(false);
    await new OpenSearchBulkTransport(c).send(buildBulkBody(docs));
    await c.close();
    const url = new URL(seen[0]?.url ?? "", "http://x");
    expect(url.pathname).toBe("/_bulk");
    expect(url.searchParams.get("filter_path")).toBe("errors,items.*.status,items.*.error");
    expect(BULK_FILTER_PATH.split(",")).toEqual(["errors", "items.*.status", "items.*.error"]);
  });

  it("returns the response body as raw bytes (no client-side decoding), error statuses included", async () => {
    server.failNextBulkRequests(1, 503);
    const c = await client(false);
    const t = new OpenSearchBulkTransport(c);
    const failed = await t.send(buildBulkBody(docs));
    const ok = await t.send(buildBulkBody(docs));
    await c.close();
    if (!("status" in failed) || !("status" in ok)) throw new Error("expected HTTP answers");
    expect(failed.status).toBe(503);
    expect(Buffer.isBuffer(failed.body) && JSON.parse(failed.body.toString())).toMatchObject({ status: 503 });
    expect(planDelivery(docs, failed).retry).toHaveLength(50);
    expect(ok.status).toBe(200);
    expect(planDelivery(docs, ok).acked).toHaveLength(50);
  });

  it("a filtered response keeps what planDelivery needs: failed items are retried or dead-lettered, the rest acked", async () => {
    server.failItems({ ids: ["doc3"], status: 429 });
    server.failItems({ ids: ["doc7"], status: 400 });
    const c = await client(false);
    const body = buildBulkBody(docs);
    const attempt = await new OpenSearchBulkTransport(c).send(body);
    await c.close();
    // The double ignores filter_path; apply it as OpenSearch would, so the plan is made from a filtered body.
    if (!("status" in attempt) || !Buffer.isBuffer(attempt.body)) throw new Error("expected a 200 response as raw bytes");
    const full = JSON.parse(attempt.body.toString()) as { errors: boolean; items: Record<string, { status: number; error?: unknown; _id?: string }>[] };
    const filtered = {
      errors: full.errors,
      items: full.items.map((w) => Object.fromEntries(Object.entries(w).map(([op, it]) => [op, { status: it.status, ...(it.error ? { error: it.error } : {}) }]))),
    };
    const plan = planDelivery(docs, { status: attempt.status, body: JSON.stringify(filtered) });
    expect(plan.retry.map((d) => d.id)).toEqual(["doc3"]);
    expect(plan.deadLetter.map((d) => d.item.id)).toEqual(["doc7"]);
    expect(plan.acked).toHaveLength(48);
  });

  it("gzips the body itself (level 1 by default) with Content-Encoding gzip, exactly once", async () => {
    const c = await client(true);
    const body = buildBulkBody(docs);
    await new OpenSearchBulkTransport(c).send(body);
    await c.close();
    expect(seen[0]?.headers["content-encoding"]).toBe("gzip");
    expect(seen[0]?.body.equals(body)).toBe(true); // the double gunzips once: a second gzip layer would not match
    expect(server.documentCount()).toBe(50);
  });

  it("gzipLevel overrides the client: level 9 makes a smaller body than level 1; false sends plain", async () => {
    const wire: number[] = [];
    const c = await client(true);
    const raw = buildBulkBody(docs);
    c.on("request", (_err, result) => {
      const params = result?.meta.request.params as { body: Buffer; headers?: Record<string, string> } | undefined;
      const b = params?.body ?? Buffer.alloc(0);
      wire.push(b.length);
      if (params?.headers?.["content-encoding"] === "gzip") expect(gunzipSync(b).equals(raw)).toBe(true);
    });
    await new OpenSearchBulkTransport(c, { gzipLevel: 1 }).send(raw);
    await new OpenSearchBulkTransport(c, { gzipLevel: 9 }).send(raw);
    await new OpenSearchBulkTransport(c, { gzipLevel: false }).send(raw);
    await c.close();
    expect(wire[1]).toBeLessThan(wire[0] as number);
    expect(wire[2]).toBe(raw.length);
    expect(seen[2]?.headers["content-encoding"]).toBeUndefined();
  });

  it("rejects a gzip level outside 1..9", async () => {
    const c = await client(false);
    expect(() => new OpenSearchBulkTransport(c, { gzipLevel: 0 })).toThrow(RangeError);
    expect(() => new OpenSearchBulkTransport(c, { gzipLevel: 10 })).toThrow(RangeError);
    await c.close();
  });

  it("an aborted signal sends nothing", async () => {
    const c = await client(true);
    const ac = new AbortController();
    ac.abort();
    const a = await new OpenSearchBulkTransport(c).send(buildBulkBody(docs), ac.signal);
    await c.close();
    expect("error" in a).toBe(true);
    expect(seen).toHaveLength(0);
  });
});
