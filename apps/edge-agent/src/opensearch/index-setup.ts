/**
 * Idempotent index setup on start: `PUT _index_template/<name>` with `buildEveIndexTemplate` (a PUT of the same
 * body is a no-op), and the ISM retention policy (`buildIsmPolicy`) through the ISM API
 * (https://opensearch.org/docs/latest/im-plugin/ism/api/): `GET _plugins/_ism/policies/<id>`; create it when
 * absent; update it with `if_seq_no`/`if_primary_term` only when `ismPolicyDiffers`. A cluster without the ISM
 * plugin (or one that refuses the ISM API to this user, or OpenSearch Serverless) is tolerated: the outcome is
 * `unavailable` with the reason, for a warning and a metric; indices then live until deleted by other means.
 * @module
 */
import { type Client, errors } from "@opensearch-project/opensearch";
import { buildEveIndexTemplate, buildIsmPolicy, ismPolicyDiffers } from "../ship/index-setup.js";

/** Options of {@link ensureIndexSetup}. */
export interface IndexSetupOptions {
  /** Index prefix; template and policy cover `<indexPrefix>-*`. */
  readonly indexPrefix: string;
  /** Days before ISM deletes an index (≥ 1). */
  readonly retentionDays: number;
  /** Template name. Default `<indexPrefix>-eve`. */
  readonly templateName?: string;
  /** ISM policy id. Default `<indexPrefix>-retention`. */
  readonly policyId?: string;
  /** Replicas per index (0 for a single-node cluster). Default 1. */
  readonly replicas?: number;
}

/** What happened to the ISM policy. */
export type IsmOutcome = "created" | "updated" | "unchanged" | "unavailable";

/** Result of {@link ensureIndexSetup}. */
export interface IndexSetupResult {
  readonly templateName: string;
  readonly policyId: string;
  readonly ism: IsmOutcome;
  /** Why ISM is `unavailable` (status and error from the cluster). */
  readonly ismReason?: string;
}

/** Thrown when the index template cannot be installed. */
export class IndexSetupError extends Error {
  override readonly name = "IndexSetupError";
  constructor(
    message: string,
    /** HTTP status, or `undefined` for a transport failure (retry later). */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /**
   * Whether retrying can help: transport failures, 408, 409 (a concurrent policy update), 429 and 5xx.
   * 401/403/400 need an operator.
   */
  get retryable(): boolean {
    const s = this.status;
    return s === undefined || s === 408 || s === 409 || s === 429 || s >= 500;
  }
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

async function call(client: Client, method: string, path: string, body?: unknown, querystring?: Record<string, string>): Promise<Reply> {
  try {
    const res = await client.transport.request({ method, path, ...(body === undefined ? {} : { body: body as Record<string, unknown> }), ...(querystring ? { querystring } : {}) });
    return { status: res.statusCode ?? 0, body: res.body };
  } catch (err) {
    if (err instanceof errors.ResponseError) {
      const meta = err.meta as { statusCode?: number | null; body?: unknown };
      return { status: meta.statusCode ?? 0, body: meta.body };
    }
    throw err;
  }
}

function describe(reply: Reply): string {
  const b = reply.body as { error?: { type?: string; reason?: string } | string } | string | undefined;
  if (typeof b === "string") return `HTTP ${reply.status} ${b.slice(0, 200)}`;
  const e = b?.error;
  if (typeof e === "string") return `HTTP ${reply.status} ${e}`;
  return `HTTP ${reply.status}${e ? ` ${e.type ?? "error"}: ${e.reason ?? ""}` : ""}`.trim();
}

/** True when the cluster has no such API ("no handler found for uri"), as opposed to a missing policy. */
function noHandler(reply: Reply): boolean {
  return /no handler found|no_handler_found/i.test(JSON.stringify(reply.body ?? ""));
}

/**
 * Installs the template and the ISM policy.
 *
 * @param client - OpenSearch client.
 * @param options - prefix, retention, names.
 * @returns the ISM outcome (the template is always applied when this resolves).
 * @throws {IndexSetupError} when the template PUT fails (`retryable` tells a transient failure from 401/403/400),
 *   or when a transport error hits the ISM calls (retryable).
 */
export async function ensureIndexSetup(client: Client, options: IndexSetupOptions): Promise<IndexSetupResult> {
  const templateName = options.templateName ?? `${options.indexPrefix}-eve`;
  const policyId = options.policyId ?? `${options.indexPrefix}-retention`;
  const wrap = async (step: string, f: () => Promise<Reply>): Promise<Reply> => {
    try {
      return await f();
    } catch (err) {
      throw new IndexSetupError(`${step}: ${(err as Error).message}`, undefined, { cause: err });
    }
  };
  const template = buildEveIndexTemplate({ indexPrefix: options.indexPrefix, ...(options.replicas === undefined ? {} : { replicas: options.replicas }) });
  const put = await wrap("index template", () => call(client, "PUT", `/_index_template/${encodeURIComponent(templateName)}`, template));
  if (put.status < 200 || put.status >= 300) {
    throw new IndexSetupError(`PUT _index_template/${templateName} failed: ${describe(put)}`, put.status);
  }

  const desired = buildIsmPolicy({ indexPrefix: options.indexPrefix, retentionDays: options.retentionDays });
  const path = `/_plugins/_ism/policies/${encodeURIComponent(policyId)}`;
  const unavailable = (r: Reply): IndexSetupResult => ({ templateName, policyId, ism: "unavailable", ismReason: describe(r) });
  const get = await wrap("ISM policy", () => call(client, "GET", path));
  if (get.status >= 500 || get.status === 429 || get.status === 408) {
    throw new IndexSetupError(`GET ${path} failed: ${describe(get)}`, get.status);
  }
  if (noHandler(get) || (get.status >= 400 && get.status !== 404)) {
    return unavailable(get);
  }
  if (get.status === 404) {
    const created = await wrap("ISM policy", () => call(client, "PUT", path, desired));
    if (created.status >= 200 && created.status < 300) return { templateName, policyId, ism: "created" };
    if (created.status >= 500 || created.status === 429) throw new IndexSetupError(`PUT ${path} failed: ${describe(created)}`, created.status);
    return unavailable(created);
  }
  const existing = get.body as { _seq_no?: number; _primary_term?: number; policy?: unknown };
  if (!ismPolicyDiffers(existing.policy, desired.policy)) return { templateName, policyId, ism: "unchanged" };
  const updated = await wrap("ISM policy", () =>
    call(client, "PUT", path, desired, { if_seq_no: String(existing._seq_no ?? 0), if_primary_term: String(existing._primary_term ?? 1) }),
  );
  if (updated.status >= 200 && updated.status < 300) return { templateName, policyId, ism: "updated" };
  if (updated.status >= 500 || updated.status === 429 || updated.status === 409) {
    throw new IndexSetupError(`PUT ${path} failed: ${describe(updated)}`, updated.status);
  }
  return unavailable(updated);
}
