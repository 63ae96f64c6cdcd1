/**
 * Human-readable plan and diff text for `create-domain` (pure; secrets are never printed). Field names follow
 * CreateDomain (https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html) and
 * UpdateDomainConfig (https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_UpdateDomainConfig.html).
 * @module
 */
import type { CreateDomainCommandInput } from "@aws-sdk/client-opensearch";
import type { DomainDiff } from "./domain-diff.js";

const onOff = (b: boolean | undefined): string => (b ? "on" : "off");

function row(label: string, value: string): string {
  return `  ${label.padEnd(18)} ${value}`;
}

/** One-line description of the access control of a request (the password is shown only as where it comes from). */
function accessControl(input: CreateDomainCommandInput, passwordSource: string | undefined): string {
  const a = input.AdvancedSecurityOptions;
  if (!a?.Enabled) return "IAM only (fine-grained access control off)";
  const m = a.MasterUserOptions;
  if (m?.MasterUserARN !== undefined) return `fine-grained, IAM master user ${m.MasterUserARN}`;
  return `fine-grained, internal master user "${m?.MasterUserName ?? "?"}" (password ${passwordSource ?? "<redacted>"})`;
}

/**
 * The plan printed before CreateDomain (and by `--dry-run`).
 * @param input - the CreateDomain request.
 * @param region - AWS region the domain goes to.
 * @param passwordSource - how the master password is referenced (e.g. `<secret: env OS_MASTER_PASSWORD>`); the value is never printed.
 * @returns multi-line text without a trailing newline.
 */
export function formatCreatePlan(input: CreateDomainCommandInput, region: string, passwordSource?: string): string {
  const c = input.ClusterConfig ?? {};
  const e = input.EBSOptions ?? {};
  const ep = input.DomainEndpointOptions ?? {};
  const lines = [
    `Plan: create OpenSearch Service domain "${input.DomainName ?? "?"}" in ${region}`,
    row("engine", input.EngineVersion ?? "(AWS default)"),
    row("data nodes", `${c.InstanceCount ?? 1} × ${c.InstanceType ?? "(AWS default)"}`),
    row("dedicated masters", c.DedicatedMasterEnabled ? `${c.DedicatedMasterCount ?? "?"} × ${c.DedicatedMasterType ?? "?"}` : "off"),
    row("zone awareness", c.ZoneAwarenessEnabled ? `${c.ZoneAwarenessConfig?.AvailabilityZoneCount ?? 2} availability zones` : "off"),
    row("storage", e.EBSEnabled ? `EBS ${e.VolumeType ?? "?"}, ${e.VolumeSize ?? "?"} GiB per data node` : "instance storage"),
    row("encryption", `at rest ${onOff(input.EncryptionAtRestOptions?.Enabled)}, node-to-node ${onOff(input.NodeToNodeEncryptionOptions?.Enabled)}`),
    row("endpoint", `${ep.EnforceHTTPS ? "HTTPS only" : "HTTP allowed"}, TLS policy ${ep.TLSSecurityPolicy ?? "(AWS default)"}`),
    row("access control", accessControl(input, passwordSource)),
    row("access policy", input.AccessPolicies ?? "none (IAM identity policies of the account decide)"),
  ];
  return lines.join("\n");
}

function show(v: unknown): string {
  if (v === undefined) return "(unset)";
  if (typeof v === "string") return v.startsWith("{") ? v : JSON.stringify(v);
  if (v !== null && typeof v === "object") return JSON.stringify(v, (k, x: unknown) => (k === "MasterUserPassword" ? "<redacted>" : x));
  return String(v);
}

/**
 * The diff printed before UpdateDomainConfig: one `path: from → to` line per change, the engine upgrade (not
 * applied) and notes.
 * @param domainName - the domain.
 * @param diff - from {@link diffDomain}.
 * @returns multi-line text without a trailing newline.
 */
export function formatDiff(domainName: string, diff: DomainDiff): string {
  const lines = [`Domain "${domainName}" differs from the config:`];
  for (const c of diff.changes) lines.push(`  ~ ${c.path}: ${show(c.from)} → ${show(c.to)}`);
  if (diff.changes.length === 0) lines.push("  (no configuration change)");
  if (diff.engineUpgrade !== undefined) lines.push(formatEngineUpgrade(domainName, diff.engineUpgrade));
  for (const n of diff.notes) lines.push(`  note: ${n}`);
  return lines.join("\n");
}

/**
 * The engine-version line: versions differ, which needs an upgrade that `create-domain` does not start.
 * See https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_UpgradeDomain.html.
 */
export function formatEngineUpgrade(domainName: string, u: { from: string | undefined; to: string }): string {
  return `  ! EngineVersion: ${u.from ?? "(unknown)"} → ${u.to} is an upgrade, not applied by create-domain: run \`aws opensearch upgrade-domain --domain-name ${domainName} --target-version ${u.to}\``;
}
