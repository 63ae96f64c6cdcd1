// The OpenSearch client as built from the config, against the _bulk test double: auth headers (none, basic,
// SigV4 with static credentials — no AWS call), gzip, and the raw NDJSON Buffer going out untouched.
import type { IncomingHttpHeaders } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpenSearchBulkTransport } from "../../src/opensearch/bulk-transport.js";
import { createOpenSearchClient, OpenSearchClientSetupError } from "../../src/opensearch/client.js";
import type { EndpointTarget, OpenSearchAuth } from "../../src/opensearch/target.js";
import { buildBulkBody } from "../../src/ship/bulk.js";
import { planDelivery } from "../../src/ship/delivery.js";
import { BulkTestServer } from "../support/bulk-server.js";
import { fixtureLines } from "../support/fixtures.js";

let server: BulkTestServer;
let seen: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }[];
beforeEach(async () => {
  server = await BulkTestServer.start();
  seen = [];
  server.interceptor = (req, body) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    return undefined;
  };
});
afterEach(async () => {
  await server.close();
});

const target = (auth: OpenSearchAuth, url = server.url): EndpointTarget => ({ mode: "endpoint", url, auth, tls: { insecureSkipVerify: false } });
const docs = fixtureLines("rhaist__surevego.slice.json")
  .slice(0, 5)
  .map((raw, i) => ({ index: "suricata-test-2024.01.01", id: `doc${i}`, raw }));

describe("createOpenSearchClient", () => {
  it("sends the pre-built NDJSON Buffer as is: same object handed to the HTTP layer, same bytes on the wire, no serialiser call", async () => {
    const client = await createOpenSearchClient(target({ type: "none" }), { requestTimeoutMs: 5000, compression: false });
    let serialised = 0;
    const ser = client.serializer as unknown as { ndserialize: (...a: unknown[]) => unknown; serialize: (...a: unknown[]) => unknown };
    const nd = ser.ndserialize.bind(ser);
    ser.ndserialize = (...a) => {
      serialised++;
      return nd(...a);
    };
    let handed: unknown;
    client.on("request", (_err, result) => {
      handed = result.meta.request.params.body;
    });
    const body = buildBulkBody(docs);
    const attempt = await new OpenSearchBulkTransport(client).send(body);
    await client.close();

    expect(handed).toBe(body);
    expect(serialised).toBe(0);
    const bulk = seen.find((r) => r.url.startsWith("/_bulk?"));
    expect(bulk?.body.equals(body)).toBe(true);
    expect(bulk?.headers["content-type"]).toBe("application/x-ndjson");
    expect(bulk?.headers["authorization"]).toBeUndefined();
    expect(planDelivery(docs, attempt).acked).toHaveLength(5);
    expect(server.documentCount()).toBe(5);
  });

  it("basic auth sends an RFC 7617 Authorization header", async () => {
    const client = await createOpenSearchClient(target({ type: "basic", username: "shipper", password: "s3cr:et" }), { requestTimeoutMs: 5000, compression: false });
    await new OpenSearchBulkTransport(client).send(buildBulkBody(docs));
    await client.close();
    expect(seen[0]?.headers["authorization"]).toBe(`Basic ${Buffer.from("shipper:s3cr:et").toString("base64")}`);
  });

  it("SigV4 signs every request (AWS4-HMAC-SHA256, region and service in the scope, payload hash) with the given credentials", async () => {
    const credentials = () => Promise.resolve({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token-1" });
    const client = await createOpenSearchClient(target({ type: "sigv4", region: "eu-west-1", service: "es" }), { requestTimeoutMs: 5000, compression: true }, { credentials });
    const attempt = await new OpenSearchBulkTransport(client).send(buildBulkBody(docs));
    await client.close();
    const h = seen[0]?.headers ?? {};
    expect(h["authorization"]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    expect(h["x-amz-security-token"]).toBe("token-1");
    expect(h["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(h["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(h["content-encoding"]).toBe("gzip");
    expect("status" in attempt && attempt.status).toBe(200);
    expect(server.documentCount()).toBe(5);
  });

  it("SigV4 for OpenSearch Serverless uses the aoss service name", async () => {
    const credentials = () => Promise.resolve({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });
    const client = await createOpenSearchClient(target({ type: "sigv4", region: "us-east-1", service: "aoss" }), { requestTimeoutMs: 5000, compression: false }, { credentials });
    await new OpenSearchBulkTransport(client).send(buildBulkBody(docs));
    await client.close();
    expect(seen[0]?.headers["authorization"]).toMatch(/\/us-east-1\/aoss\/aws4_request/);
  });

  it("gzip: Content-Encoding gzip, and the server reads the same documents", async () => {
    const client = await createOpenSearchClient(target({ type: "none" }), { requestTimeoutMs: 5000, compression: true });
    await new OpenSearchBulkTransport(client).send(buildBulkBody(docs));
    await client.close();
    expect(seen[0]?.headers["content-encoding"]).toBe("gzip");
    expect(seen[0]?.body.equals(buildBulkBody(docs))).toBe(true); // the double gunzips before the interceptor
    expect(server.documentCount()).toBe(5);
  });

  it("HTTP errors come back as a status and body; an unreachable cluster as a transport error", async () => {
    server.failNextBulkRequests(1, 429);
    const client = await createOpenSearchClient(target({ type: "none" }), { requestTimeoutMs: 2000, compression: false });
    const t = new OpenSearchBulkTransport(client);
    const a = await t.send(buildBulkBody(docs));
    expect("status" in a && a.status).toBe(429);
    expect(planDelivery(docs, a).retry).toHaveLength(5);
    await client.close();

    const dead = await createOpenSearchClient(target({ type: "none" }, "http://127.0.0.1:1"), { requestTimeoutMs: 2000, compression: false });
    const b = await new OpenSearchBulkTransport(dead).send(buildBulkBody(docs));
    await dead.close();
    expect("error" in b && b.error.name).toBe("ConnectionError");
  });

  it("an unreadable CA file is a setup error naming the file", async () => {
    const t: EndpointTarget = { mode: "endpoint", url: "https://opensearch:9200", auth: { type: "none" }, tls: { caFile: "/nonexistent/ca.pem", insecureSkipVerify: false } };
    await expect(createOpenSearchClient(t, { requestTimeoutMs: 1000, compression: false })).rejects.toThrow(OpenSearchClientSetupError);
    await expect(createOpenSearchClient(t, { requestTimeoutMs: 1000, compression: false })).rejects.toThrow(/\/nonexistent\/ca\.pem/);
  });

  it("passes the CA and insecureSkipVerify to the TLS agent of an https endpoint", async () => {
    const t: EndpointTarget = { mode: "endpoint", url: "https://opensearch:9200", auth: { type: "none" }, tls: { caFile: "/etc/ca.pem", insecureSkipVerify: true } };
    const client = await createOpenSearchClient(t, { requestTimeoutMs: 1000, compression: false }, { readFile: () => Promise.resolve(Buffer.from("PEM")) });
    const conn = (client.connectionPool as unknown as { connections: { ssl: { ca?: Buffer; rejectUnauthorized?: boolean } }[] }).connections[0];
    await client.close();
    expect(conn?.ssl.ca?.toString()).toBe("PEM");
    expect(conn?.ssl.rejectUnauthorized).toBe(false);
  });
});
