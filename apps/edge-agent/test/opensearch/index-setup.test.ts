// Index setup against the test double's _index_template and ISM routes: create, idempotent re-run, update on a
// changed retention, a cluster without ISM, and failures that need an operator vs. transient ones.
import type { Client } from "@opensearch-project/opensearch";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenSearchClient } from "../../src/opensearch/client.js";
import { ensureIndexSetup, IndexSetupError } from "../../src/opensearch/index-setup.js";
import { buildEveIndexTemplate } from "../../src/ship/index-setup.js";
import { BulkTestServer } from "../support/bulk-server.js";

let server: BulkTestServer;
let client: Client;
let calls: string[];
beforeEach(async () => {
  server = await BulkTestServer.start();
  calls = [];
  server.interceptor = (req) => {
    calls.push(`${req.method} ${req.url}`);
    return undefined;
  };
  client = await createOpenSearchClient({ mode: "endpoint", url: server.url, auth: { type: "none" }, tls: { insecureSkipVerify: false } }, { requestTimeoutMs: 2000, compression: false });
});
afterEach(async () => {
  await client.close();
  await server.close();
});

const noHandler = (status: number) => ({ status, body: JSON.stringify({ error: { type: "no_handler_found_exception", reason: "no handler found for uri" }, status }) });

describe("ensureIndexSetup", () => {
  it("installs the template and the policy, then changes nothing on a second run", async () => {
    const first = await ensureIndexSetup(client, { indexPrefix: "ids", retentionDays: 14 });
    expect(first).toEqual({ templateName: "ids-eve", policyId: "ids-retention", ism: "created" });
    expect(server.templates.get("ids-eve")).toEqual(buildEveIndexTemplate({ indexPrefix: "ids" }));
    const stored = server.policies.get("ids-retention");
    expect(JSON.stringify(stored?.policy)).toContain('"min_index_age":"14d"');

    calls = [];
    const second = await ensureIndexSetup(client, { indexPrefix: "ids", retentionDays: 14 });
    expect(second.ism).toBe("unchanged");
    expect(calls).toEqual(["PUT /_index_template/ids-eve", "GET /_plugins/_ism/policies/ids-retention"]);
    expect(server.policies.get("ids-retention")?.version).toBe(1);
  });

  it("updates a policy whose retention changed, with optimistic concurrency (if_seq_no / if_primary_term)", async () => {
    await ensureIndexSetup(client, { indexPrefix: "ids", retentionDays: 14 });
    const seq = server.policies.get("ids-retention")?.seqNo;
    const r = await ensureIndexSetup(client, { indexPrefix: "ids", retentionDays: 90 });
    expect(r.ism).toBe("updated");
    expect(calls.at(-1)).toBe(`PUT /_plugins/_ism/policies/ids-retention?if_seq_no=${seq}&if_primary_term=1`);
    expect(JSON.stringify(server.policies.get("ids-retention")?.policy)).toContain('"min_index_age":"90d"');
  });

  it("tolerates a cluster without the ISM plugin: template installed, outcome unavailable with the reason", async () => {
    server.interceptor = (req) => (req.url?.startsWith("/_plugins/_ism") ? noHandler(400) : undefined);
    const r = await ensureIndexSetup(client, { indexPrefix: "ids", retentionDays: 14 });
    expect(r.ism).toBe("unavailable");
    expect(r.ismReason).toMatch(/HTTP 400 no_handler_found_exception/);
    expect(server.templates.has("ids-eve")).toBe(true);
  });

  it("treats a 403 on the ISM API as unavailable, but a 403 on the template as an operator error", async () => {
    const forbidden = { status: 403, body: JSON.stringify({ error: { type: "security_exception", reason: "no permissions" }, status: 403 }) };
    server.interceptor = (req) => (req.url?.startsWith("/_plugins/_ism") ? forbidden : undefined);
    expect((await ensureIndexSetup(client, { indexPrefix: "ids", retentionDays: 14 })).ism).toBe("unavailable");

    server.interceptor = () => forbidden;
    const err = await ensureIndexSetup(client, { indexPrefix: "ids", retentionDays: 14 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexSetupError);
    expect((err as IndexSetupError).status).toBe(403);
    expect((err as IndexSetupError).retryable).toBe(false);
  });

  it("reports 503 and an unreachable cluster as retryable", async () => {
    server.interceptor = () => ({ status: 503, body: JSON.stringify({ error: { type: "cluster_block_exception", reason: "blocked" }, status: 503 }) });
    const err = await ensureIndexSetup(client, { indexPrefix: "ids", retentionDays: 14 }).catch((e: unknown) => e);
    expect((err as IndexSetupError).retryable).toBe(true);

    const dead = await createOpenSearchClient({ mode: "endpoint", url: "http://127.0.0.1:1", auth: { type: "none" }, tls: { insecureSkipVerify: false } }, { requestTimeoutMs: 1000, compression: false });
    const err2 = await ensureIndexSetup(dead, { indexPrefix: "ids", retentionDays: 14 }).catch((e: unknown) => e);
    await dead.close();
    expect(err2).toBeInstanceOf(IndexSetupError);
    expect((err2 as IndexSetupError).status).toBeUndefined();
    expect((err2 as IndexSetupError).retryable).toBe(true);
  });
});
