// The probe's GET /_cluster/health through the OpenSearch client: status and body, and an abort that rejects the
// request without an uncaught exception (the client's abort() returns a thenable; see health-request.ts).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Client } from "@opensearch-project/opensearch";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenSearchClient } from "../../../src/opensearch/client.js";
import { healthRequest } from "../../../src/run/shipping/health-request.js";

let server: Server;
let client: Client;
let delayMs = 0;
beforeEach(async () => {
  server = createServer((_req, res) => {
    setTimeout(() => {
      res.setHeader("content-type", "application/json");
      res.end('{"cluster_name":"t","status":"yellow"}');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = await createOpenSearchClient({ mode: "endpoint", url, auth: { type: "none" }, tls: { insecureSkipVerify: false } }, { requestTimeoutMs: 2000, compression: false });
});
afterEach(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("healthRequest", () => {
  it("returns the status and parsed body", async () => {
    delayMs = 0;
    expect(await healthRequest(client)(new AbortController().signal)).toEqual({ status: 200, body: { cluster_name: "t", status: "yellow" } });
  });

  it("rejects on abort, and nothing escapes as an uncaught exception", async () => {
    delayMs = 500;
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      const ctl = new AbortController();
      const p = healthRequest(client)(ctl.signal);
      setTimeout(() => ctl.abort(), 50);
      await expect(p).rejects.toMatchObject({ name: "RequestAbortedError" });
      await new Promise((r) => setTimeout(r, 50)); // the rethrow would come on a later tick
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
