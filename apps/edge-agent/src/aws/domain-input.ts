/**
 * Pure mapping of the `opensearch` (mode `aws`) config section to the request of Amazon OpenSearch Service's
 * CreateDomain: https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html
 * @module
 */
import type { AdvancedSecurityOptionsInput, CreateDomainCommandInput } from "@aws-sdk/client-opensearch";
import type { AwsDomainConfig } from "./domain-config.js";
import { DomainConfigError } from "./errors.js";

/**
 * TLS policy of the domain endpoint: TLS 1.2 minimum (`DomainEndpointOptions.TLSSecurityPolicy`, see
 * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DomainEndpointOptions.html).
 */
export const TLS_SECURITY_POLICY = "Policy-Min-TLS-1-2-2019-07";

/** Options of {@link toCreateDomainInput}. */
export interface DomainInputOptions {
  /**
   * The resolved master user password (needed when `fineGrainedAccess.masterUserName` is set). A dry run may pass
   * a placeholder: printers always redact it.
   */
  readonly masterUserPassword?: string;
}

/** The AWS partition of a region (`aws`, `aws-cn`, `aws-us-gov`), for ARNs. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.includes("-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * Availability zones the domain spreads over when zone awareness is on: 3 when the data node count is a multiple of
 * 3, else 2 (AWS requires the count to be a multiple of the zone count; see `ZoneAwarenessConfig` in
 * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_ClusterConfig.html).
 */
export function availabilityZoneCount(instanceCount: number): 2 | 3 {
  return instanceCount >= 3 && instanceCount % 3 === 0 ? 3 : 2;
}

/**
 * Checks what the schema leaves to AWS, so a bad config fails before any call (and in a dry run).
 * @returns one line per problem (empty when the config can be provisioned).
 */
export function domainConfigProblems(d: AwsDomainConfig): string[] {
  const problems: string[] = [];
  const fga = d.fineGrainedAccess;
  if (fga.enabled) {
    if (!d.encryption.atRest) problems.push("encryption.atRest: fine-grained access control requires encryption at rest");
    if (!d.encryption.nodeToNode) problems.push("encryption.nodeToNode: fine-grained access control requires node-to-node encryption");
    if (!d.encryption.enforceHttps) problems.push("encryption.enforceHttps: fine-grained access control requires HTTPS");
    if (fga.masterUserArn === undefined && fga.masterUserName === undefined) {
      problems.push("fineGrainedAccess: set masterUserArn (an IAM role/user ARN) or masterUserName + masterUserPassword (a secretRef)");
    }
    if (fga.masterUserArn !== undefined && fga.masterUserName !== undefined) {
      problems.push("fineGrainedAccess: masterUserArn and masterUserName are exclusive (ARN = IAM master user, name = internal user database)");
    }
  }
  if (d.zoneAwareness && (d.instanceCount < 2 || d.instanceCount % 2 !== 0) && d.instanceCount % 3 !== 0) {
    problems.push(`instanceCount: zone awareness needs a multiple of 2 or 3 data nodes, got ${d.instanceCount}`);
  }
  return problems;
}

/**
 * The resource-based access policy sent as `AccessPolicies` (JSON text), or `undefined` for none.
 *
 * - Fine-grained access control on: allow `es:ESHttp*` to any principal on `domain/<name>/*`. This is the
 *   configuration AWS recommends with fine-grained access control, which then authenticates every request (IAM
 *   master user or internal users). The account is taken from `masterUserArn` when it is an IAM ARN, else `*`.
 * - Off: no resource policy; only principals of the account whose IAM identity policies allow `es:ESHttp*` get in.
 *
 * It is a starting point: tighten it (source IPs, specific roles) with `aws opensearch update-domain-config`.
 * See https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html#fgac-recommendations.
 */
export function defaultAccessPolicy(d: AwsDomainConfig): string | undefined {
  if (!d.fineGrainedAccess.enabled) return undefined;
  const arn = /^arn:([a-z-]+):iam::(\d{12}):/.exec(d.fineGrainedAccess.masterUserArn ?? "");
  const partition = arn?.[1] ?? partitionOf(d.region);
  const account = arn?.[2] ?? "*";
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:ESHttp*", Resource: `arn:${partition}:es:${d.region}:${account}:domain/${d.domainName}/*` }],
  });
}

/** `AdvancedSecurityOptions` (fine-grained access control) of the request. */
export function advancedSecurityOptions(d: AwsDomainConfig, masterUserPassword: string | undefined): AdvancedSecurityOptionsInput {
  const fga = d.fineGrainedAccess;
  if (!fga.enabled) return { Enabled: false };
  if (fga.masterUserArn !== undefined) return { Enabled: true, InternalUserDatabaseEnabled: false, MasterUserOptions: { MasterUserARN: fga.masterUserArn } };
  return { Enabled: true, InternalUserDatabaseEnabled: true, MasterUserOptions: { MasterUserName: fga.masterUserName, MasterUserPassword: masterUserPassword } };
}

/**
 * Maps the config to a CreateDomain request
 * (https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html):
 * `ClusterConfig` (data nodes, dedicated masters, zone awareness), `EBSOptions` (volume type and size in GiB),
 * encryption at rest and node to node, `DomainEndpointOptions` (HTTPS enforced, {@link TLS_SECURITY_POLICY}),
 * `AdvancedSecurityOptions` and {@link defaultAccessPolicy}.
 * @param d - the `opensearch` section (mode `aws`).
 * @param opts - the resolved master user password, when the config uses one.
 * @throws {DomainConfigError} listing every {@link domainConfigProblems} entry, or a missing password for
 *   `masterUserName`.
 */
export function toCreateDomainInput(d: AwsDomainConfig, opts: DomainInputOptions = {}): CreateDomainCommandInput {
  const problems = domainConfigProblems(d);
  if (d.fineGrainedAccess.enabled && d.fineGrainedAccess.masterUserName !== undefined && d.fineGrainedAccess.masterUserArn === undefined && !opts.masterUserPassword) {
    problems.push("fineGrainedAccess.masterUserPassword: no password was resolved for masterUserName");
  }
  if (problems.length > 0) throw new DomainConfigError(problems);
  const dm = d.dedicatedMasters;
  const accessPolicies = defaultAccessPolicy(d);
  return {
    DomainName: d.domainName,
    EngineVersion: d.engineVersion,
    ClusterConfig: {
      InstanceType: d.instanceType as NonNullable<CreateDomainCommandInput["ClusterConfig"]>["InstanceType"],
      InstanceCount: d.instanceCount,
      DedicatedMasterEnabled: dm.enabled,
      ...(dm.enabled ? { DedicatedMasterType: dm.type as NonNullable<CreateDomainCommandInput["ClusterConfig"]>["DedicatedMasterType"], DedicatedMasterCount: dm.count } : {}),
      ZoneAwarenessEnabled: d.zoneAwareness,
      ...(d.zoneAwareness ? { ZoneAwarenessConfig: { AvailabilityZoneCount: availabilityZoneCount(d.instanceCount) } } : {}),
    },
    EBSOptions: { EBSEnabled: true, VolumeType: d.ebs.volumeType, VolumeSize: d.ebs.volumeSizeGiB },
    EncryptionAtRestOptions: { Enabled: d.encryption.atRest },
    NodeToNodeEncryptionOptions: { Enabled: d.encryption.nodeToNode },
    DomainEndpointOptions: { EnforceHTTPS: d.encryption.enforceHttps, TLSSecurityPolicy: TLS_SECURITY_POLICY },
    AdvancedSecurityOptions: advancedSecurityOptions(d, opts.masterUserPassword),
    ...(accessPolicies !== undefined ? { AccessPolicies: accessPolicies } : {}),
  };
}
