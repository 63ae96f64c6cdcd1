/**
 * The connectivity probe's request through the run's OpenSearch client, so the probe uses the shipper's endpoint,
 * TLS and credentials (basic auth or SigV4): `GET /_cluster/health`
 * (https://docs.opensearch.org/latest/api-reference/cluster-api/cluster-health/), no client-side retries.
 * @module
 */
import type { Client } from "@opensearch-project/opensearch";
import type { HttpProbeRequest } from "../../supervise/connectivity-probe.js";

/**
 * Builds the {@link HttpProbeRequest} for `httpProbe`.
 *
 * @param client - the run's client (from `createOpenSearchClient`).
 * @returns a function resolving with the status and parsed body; it rejects with the client's error (connection
 *   refused, timeout, `ResponseError` for a non-2xx answer, `RequestAbortedError` when `signal` aborts).
 */
export function healthRequest(client: Client): HttpProbeRequest {
  return (signal) => {
    const p = client.transport.request({ method: "GET", path: "/_cluster/health" }, { maxRetries: 0 });
    // A block body on purpose: `abort()` returns the request, a thenable, and an EventTarget listener whose result
    // is a rejected thenable becomes an uncaught exception (Node's event_target rethrows it).
    const onAbort = (): void => {
      p.abort();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    return p.then(
      (r) => {
        signal.removeEventListener("abort", onAbort);
        return { status: r.statusCode ?? 0, body: r.body };
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        throw err;
      },
    );
  };
}
