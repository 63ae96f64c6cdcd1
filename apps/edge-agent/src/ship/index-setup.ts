/**
 * Bodies for the one-time index setup: a composable index template for EVE indices and an ISM policy that
 * deletes them after `retentionDays`. Pure builders; the client wiring sends them (idempotently: the template PUT
 * is idempotent, the policy is compared first with {@link ismPolicyDiffers} and updated with
 * `if_seq_no`/`if_primary_term`).
 *
 * Sources: index templates https://opensearch.org/docs/latest/im-plugin/index-templates/ ; ISM policies
 * https://opensearch.org/docs/latest/im-plugin/ism/policies/ ; field names from the EVE format
 * https://docs.suricata.io/en/latest/output/eve/eve-json-format.html .
 *
 * Note on retention: ISM's `min_index_age` counts from index creation, so an index created today by a replay of
 * last month's file is kept `retentionDays` from today.
 * @module
 */

/** Options for {@link buildEveIndexTemplate}. */
export interface EveIndexTemplateOptions {
  /** Index prefix; the template matches `<indexPrefix>-*`. */
  readonly indexPrefix: string;
  /** Primary shards per daily index. Default 1 (daily per-type indices are small). */
  readonly shards?: number;
  /** Replicas. Default 1. */
  readonly replicas?: number;
  /** Refresh interval. Default `"5s"` (bulk ingest, not search latency). */
  readonly refreshInterval?: string;
  /** Template priority. Default 100. */
  readonly priority?: number;
}

/** Suricata timestamps: `+hhmm` offsets, microseconds; old versions without offset. */
export const EVE_DATE_FORMAT = "strict_date_optional_time||yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ||yyyy-MM-dd'T'HH:mm:ss.SSSSSS";

const kw = { type: "keyword" } as const;
const long = { type: "long" } as const;
const int = { type: "integer" } as const;
const date = { type: "date", format: EVE_DATE_FORMAT } as const;
const ip = { type: "ip" } as const;
const blob = { type: "text", index: false } as const;

/**
 * Builds the composable index template body for `PUT _index_template/<name>`.
 *
 * Mappings: `timestamp`, `flow.start`, `flow.end` as dates; `src_ip`, `dest_ip` as `ip`; ports, ids and counters as
 * numbers; other strings default to `keyword` (`ignore_above: 1024`) through a dynamic template; payload fields are
 * stored but not indexed.
 */
export function buildEveIndexTemplate(options: EveIndexTemplateOptions): Record<string, unknown> {
  return {
    index_patterns: [`${options.indexPrefix}-*`],
    priority: options.priority ?? 100,
    template: {
      settings: {
        number_of_shards: options.shards ?? 1,
        number_of_replicas: options.replicas ?? 1,
        refresh_interval: options.refreshInterval ?? "5s",
        "mapping.total_fields.limit": 5000,
      },
      mappings: {
        dynamic_templates: [{ strings_as_keywords: { match_mapping_type: "string", mapping: { type: "keyword", ignore_above: 1024 } } }],
        properties: {
          timestamp: date,
          event_type: kw,
          flow_id: long,
          parent_id: long,
          pcap_cnt: long,
          in_iface: kw,
          vlan: long,
          src_ip: ip,
          dest_ip: ip,
          src_port: int,
          dest_port: int,
          proto: kw,
          app_proto: kw,
          community_id: kw,
          tx_id: long,
          payload: blob,
          payload_printable: blob,
          packet: blob,
          alert: {
            properties: {
              action: kw,
              gid: long,
              signature_id: long,
              rev: long,
              signature: { type: "keyword", fields: { text: { type: "text" } } },
              category: kw,
              severity: int,
            },
          },
          flow: {
            properties: {
              pkts_toserver: long,
              pkts_toclient: long,
              bytes_toserver: long,
              bytes_toclient: long,
              start: date,
              end: date,
              age: long,
              state: kw,
              reason: kw,
            },
          },
          dns: { properties: { rrname: kw, rrtype: kw, rcode: kw, type: kw, id: long } },
          http: { properties: { hostname: kw, url: { type: "keyword", ignore_above: 8191 }, http_user_agent: kw, status: int, length: long } },
          tls: { properties: { sni: kw, version: kw, subject: kw, issuerdn: kw, fingerprint: kw, ja3: { properties: { hash: kw } } } },
          fileinfo: { properties: { filename: kw, size: long, md5: kw, sha1: kw, sha256: kw } },
        },
      },
    },
  };
}

/** Options for {@link buildIsmPolicy}. */
export interface IsmPolicyOptions {
  /** Index prefix; the policy attaches to new `<indexPrefix>-*` indices via `ism_template`. */
  readonly indexPrefix: string;
  /** Days after index creation before deletion (≥ 1). */
  readonly retentionDays: number;
  /** ISM template priority. Default 100. */
  readonly priority?: number;
}

/** Thrown on invalid index-setup options. */
export class IndexSetupOptionsError extends Error {
  override readonly name = "IndexSetupOptionsError";
}

/**
 * Builds the body for `PUT _plugins/_ism/policies/<id>`: state `hot` → `delete` after `retentionDays`.
 *
 * @throws {IndexSetupOptionsError} if `retentionDays` is not a positive integer.
 */
export function buildIsmPolicy(options: IsmPolicyOptions): { policy: Record<string, unknown> } {
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) {
    throw new IndexSetupOptionsError(`retentionDays must be a positive integer, got ${options.retentionDays}`);
  }
  return {
    policy: {
      description: `Delete ${options.indexPrefix}-* indices ${options.retentionDays} days after creation (edge-agent)`,
      default_state: "hot",
      states: [
        { name: "hot", actions: [], transitions: [{ state_name: "delete", conditions: { min_index_age: `${options.retentionDays}d` } }] },
        { name: "delete", actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [`${options.indexPrefix}-*`], priority: options.priority ?? 100 }],
    },
  };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * Whether the policy stored in the cluster differs from the desired one in anything this agent sets
 * (description, default_state, states, ism_template patterns/priority). Fields the cluster adds (`policy_id`,
 * `last_updated_time`, `schema_version`, `error_notification`, `ism_template[].last_updated_time`) are ignored.
 *
 * @param existing - `policy` from `GET _plugins/_ism/policies/<id>`, or `undefined` if it does not exist.
 * @param desired - `buildIsmPolicy(...).policy`.
 */
export function ismPolicyDiffers(existing: unknown, desired: Record<string, unknown>): boolean {
  if (existing === undefined || existing === null || typeof existing !== "object") return true;
  const e = existing as Record<string, unknown>;
  const pick = (p: Record<string, unknown>): unknown => ({
    description: p["description"],
    default_state: p["default_state"],
    states: p["states"],
    ism_template: Array.isArray(p["ism_template"])
      ? (p["ism_template"] as Record<string, unknown>[]).map((t) => ({ index_patterns: t["index_patterns"], priority: t["priority"] }))
      : p["ism_template"],
  });
  return canonical(pick(e)) !== canonical(pick(desired));
}
