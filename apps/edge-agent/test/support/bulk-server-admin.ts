/**
 * TEST DOUBLE — the non-bulk routes of `BulkTestServer`: cluster info, cluster health, index templates
 * (https://opensearch.org/docs/latest/im-plugin/index-templates/) and ISM policies
 * (https://opensearch.org/docs/latest/im-plugin/ism/api/), with OpenSearch's response and error shapes.
 */

/** State shared with the server. */
export interface AdminState {
  readonly templates: Map<string, unknown>;
  readonly policies: Map<string, { policy: unknown; seqNo: number; version: number }>;
  readonly nextSeqNo: () => number;
}

/** OpenSearch-style error body. */
export function errorBody(status: number, type: string, reason: string): string {
  return JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status });
}

/** Handles one admin request. */
export function handleAdmin(
state: AdminState,
method: string,
parts: string[],
body: Buffer,
query: URLSearchParams,
): { status: number; out: string } {
  const json = (): unknown => JSON.parse(body.toString("utf8") || "{}");
  const [p0, p1, p2, p3] = parts;
  if (parts.length === 0 && (method === "GET" || method === "HEAD")) {
    return {
      status: 200,
      out: JSON.stringify({
        name: "bulk-test-double",
        cluster_name: "test-double",
        cluster_uuid: "test-double",
        version: { distribution: "opensearch", number: "2.17.0", lucene_version: "9.11.1", minimum_wire_compatibility_version: "7.10.0" },
        tagline: "The OpenSearch Project: https://opensearch.org/",
      }),
    };
  }
  if (p0 === "_cluster" && p1 === "health" && method === "GET") {
    return { status: 200, out: JSON.stringify({ cluster_name: "test-double", status: "green", number_of_nodes: 1 }) };
  }
  try {
    if (p0 === "_index_template" && p1 && parts.length === 2) {
      if (method === "PUT" || method === "POST") {
        state.templates.set(p1, json());
        return { status: 200, out: JSON.stringify({ acknowledged: true }) };
      }
      const t = state.templates.get(p1);
      if (method === "GET" || method === "HEAD") {
        if (t === undefined) return { status: 404, out: errorBody(404, "resource_not_found_exception", `index template matching [${p1}] not found`) };
        return { status: 200, out: JSON.stringify({ index_templates: [{ name: p1, index_template: t }] }) };
      }
      if (method === "DELETE") {
        if (!state.templates.delete(p1)) return { status: 404, out: errorBody(404, "index_template_missing_exception", `index_template [${p1}] missing`) };
        return { status: 200, out: JSON.stringify({ acknowledged: true }) };
      }
    }
    if (p0 === "_plugins" && p1 === "_ism" && p2 === "policies" && p3 && parts.length === 4) {
      const existing = state.policies.get(p3);
      if (method === "PUT") {
        const policy = (json() as { policy?: unknown }).policy;
        if (policy === undefined) return { status: 400, out: errorBody(400, "illegal_argument_exception", "Required [policy]") };
        if (existing) {
          const seq = query.get("if_seq_no");
          const term = query.get("if_primary_term");
          if (seq === null || term === null || Number(seq) !== existing.seqNo || Number(term) !== 1) {
            return { status: 409, out: errorBody(409, "version_conflict_engine_exception", `[${p3}]: version conflict, required seqNo [${seq}], current document has seqNo [${existing.seqNo}]`) };
          }
        }
        const entry = { policy, seqNo: state.nextSeqNo(), version: (existing?.version ?? 0) + 1 };
        state.policies.set(p3, entry);
        return {
          status: existing ? 200 : 201,
          out: JSON.stringify({ _id: p3, _version: entry.version, _primary_term: 1, _seq_no: entry.seqNo, policy: { policy } }),
        };
      }
      if (method === "GET") {
        if (!existing) return { status: 404, out: errorBody(404, "status_exception", "Policy not found") };
        return {
          status: 200,
          out: JSON.stringify({ _id: p3, _version: existing.version, _seq_no: existing.seqNo, _primary_term: 1, policy: existing.policy }),
        };
      }
    }
  } catch (err) {
    return { status: 400, out: errorBody(400, "parse_exception", (err as Error).message) };
  }
  return { status: 404, out: errorBody(404, "no_handler_found_exception", `no handler found for uri [/${parts.join("/")}] and method [${method}]`) };
}
