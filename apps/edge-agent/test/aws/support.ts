/** Shared helpers of the OpenSearch provisioning tests: a parsed domain config and DomainStatus builders. */
import type { CreateDomainCommandInput, DomainStatus } from "@aws-sdk/client-opensearch";
import { parseConfig } from "@soc/config";
import type { AwsDomainConfig } from "../../src/aws/domain-config.js";

/** Parses an `opensearch` section (mode aws) through the real schema, so defaults are the schema's. */
export function domainConfig(section: Record<string, unknown> = {}): AwsDomainConfig {
  const cfg = parseConfig({
    version: 1,
    project: { name: "t" },
    opensearch: { mode: "aws", region: "eu-west-1", domainName: "ids2-soc", fineGrainedAccess: { masterUserArn: "arn:aws:iam::123456789012:role/os-admin" }, ...section },
  });
  if (cfg.opensearch.mode !== "aws") throw new Error("expected mode aws");
  return cfg.opensearch;
}

/** A DomainStatus as DescribeDomain would return it for `input` once the domain is active. */
export function statusFor(input: CreateDomainCommandInput, over: Partial<DomainStatus> = {}): DomainStatus {
  const a = input.AdvancedSecurityOptions;
  return {
    DomainId: "123456789012/ids2-soc",
    DomainName: input.DomainName,
    ARN: "arn:aws:es:eu-west-1:123456789012:domain/ids2-soc",
    Created: true,
    Deleted: false,
    Processing: false,
    UpgradeProcessing: false,
    DomainProcessingStatus: "Active",
    Endpoint: "search-ids2-soc-abc123.eu-west-1.es.amazonaws.com",
    EngineVersion: input.EngineVersion,
    ClusterConfig: { ...input.ClusterConfig, WarmEnabled: false, MultiAZWithStandbyEnabled: false },
    EBSOptions: { ...input.EBSOptions, Iops: 3000, Throughput: 125 },
    EncryptionAtRestOptions: { ...input.EncryptionAtRestOptions, KmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" },
    NodeToNodeEncryptionOptions: input.NodeToNodeEncryptionOptions,
    DomainEndpointOptions: { ...input.DomainEndpointOptions, CustomEndpointEnabled: false },
    AdvancedSecurityOptions: { Enabled: a?.Enabled, InternalUserDatabaseEnabled: a?.InternalUserDatabaseEnabled, AnonymousAuthEnabled: false },
    // AWS returns the policy re-serialised: different key order and whitespace, arrays for single values.
    ...(input.AccessPolicies !== undefined ? { AccessPolicies: reserialise(input.AccessPolicies) } : {}),
    ...over,
  };
}

function reserialise(policy: string): string {
  const p = JSON.parse(policy) as { Version: string; Statement: Record<string, unknown>[] };
  return JSON.stringify({ Statement: p.Statement.map((s) => ({ Resource: s.Resource, Action: [s.Action], Principal: s.Principal, Effect: s.Effect })), Version: p.Version }, null, 1);
}
