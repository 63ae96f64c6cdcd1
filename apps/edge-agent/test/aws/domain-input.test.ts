import { describe, expect, it } from "vitest";
import { availabilityZoneCount, defaultAccessPolicy, domainConfigProblems, partitionOf, TLS_SECURITY_POLICY, toCreateDomainInput } from "../../src/aws/domain-input.js";
import { DomainConfigError } from "../../src/aws/errors.js";
import { formatCreatePlan } from "../../src/aws/plan-format.js";
import { domainConfig } from "./support.js";

describe("toCreateDomainInput", () => {
  it("maps the schema defaults and an IAM master user to a CreateDomain request", () => {
    const input = toCreateDomainInput(domainConfig());
    expect(input).toEqual({
      DomainName: "ids2-soc",
      EngineVersion: "OpenSearch_2.13",
      ClusterConfig: { InstanceType: "t3.small.search", InstanceCount: 1, DedicatedMasterEnabled: false, ZoneAwarenessEnabled: false },
      EBSOptions: { EBSEnabled: true, VolumeType: "gp3", VolumeSize: 10 },
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
      AdvancedSecurityOptions: { Enabled: true, InternalUserDatabaseEnabled: false, MasterUserOptions: { MasterUserARN: "arn:aws:iam::123456789012:role/os-admin" } },
      AccessPolicies: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:ESHttp*", Resource: "arn:aws:es:eu-west-1:123456789012:domain/ids2-soc/*" }],
      }),
    });
    expect(TLS_SECURITY_POLICY).toBe("Policy-Min-TLS-1-2-2019-07");
  });

  it("maps dedicated masters, zone awareness over 3 zones, EBS size and an internal master user", () => {
    const d = domainConfig({
      instanceType: "r6g.large.search",
      instanceCount: 6,
      dedicatedMasters: { enabled: true, type: "m6g.large.search", count: 3 },
      zoneAwareness: true,
      ebs: { volumeType: "gp3", volumeSizeGiB: 200 },
      fineGrainedAccess: { masterUserName: "admin", masterUserPassword: { secretRef: { env: "OS_PW" } } },
    });
    const input = toCreateDomainInput(d, { masterUserPassword: "s3cret!" });
    expect(input.ClusterConfig).toEqual({
      InstanceType: "r6g.large.search", InstanceCount: 6, DedicatedMasterEnabled: true, DedicatedMasterType: "m6g.large.search", DedicatedMasterCount: 3,
      ZoneAwarenessEnabled: true, ZoneAwarenessConfig: { AvailabilityZoneCount: 3 },
    });
    expect(input.EBSOptions).toEqual({ EBSEnabled: true, VolumeType: "gp3", VolumeSize: 200 });
    expect(input.AdvancedSecurityOptions).toEqual({ Enabled: true, InternalUserDatabaseEnabled: true, MasterUserOptions: { MasterUserName: "admin", MasterUserPassword: "s3cret!" } });
    // Without an IAM ARN the account is unknown: the policy names the domain in any account.
    expect(JSON.parse(input.AccessPolicies ?? "{}").Statement[0].Resource).toBe("arn:aws:es:eu-west-1:*:domain/ids2-soc/*");
  });

  it("sends no resource policy and disables FGAC when fine-grained access is off", () => {
    const d = domainConfig({ fineGrainedAccess: { enabled: false }, encryption: { atRest: false, nodeToNode: false, enforceHttps: false } });
    const input = toCreateDomainInput(d);
    expect(input.AdvancedSecurityOptions).toEqual({ Enabled: false });
    expect(input.AccessPolicies).toBeUndefined();
    expect(defaultAccessPolicy(d)).toBeUndefined();
    expect(input.EncryptionAtRestOptions).toEqual({ Enabled: false });
    expect(input.DomainEndpointOptions).toEqual({ EnforceHTTPS: false, TLSSecurityPolicy: TLS_SECURITY_POLICY });
  });

  it("refuses combinations AWS rejects, listing every problem before any call", () => {
    const d = domainConfig({ fineGrainedAccess: {}, encryption: { atRest: false, enforceHttps: false }, zoneAwareness: true, instanceCount: 1 });
    expect(domainConfigProblems(d)).toEqual([
      "encryption.atRest: fine-grained access control requires encryption at rest",
      "encryption.enforceHttps: fine-grained access control requires HTTPS",
      "fineGrainedAccess: set masterUserArn (an IAM role/user ARN) or masterUserName + masterUserPassword (a secretRef)",
      "instanceCount: zone awareness needs a multiple of 2 or 3 data nodes, got 1",
    ]);
    expect(() => toCreateDomainInput(d)).toThrow(DomainConfigError);
    const both = domainConfig({ fineGrainedAccess: { masterUserArn: "arn:aws:iam::1:role/a", masterUserName: "admin", masterUserPassword: { secretRef: { env: "X" } } } });
    expect(domainConfigProblems(both)).toEqual([expect.stringContaining("exclusive")]);
  });

  it("needs the resolved password for an internal master user", () => {
    const d = domainConfig({ fineGrainedAccess: { masterUserName: "admin", masterUserPassword: { secretRef: { env: "OS_PW" } } } });
    expect(() => toCreateDomainInput(d)).toThrow(/no password was resolved/);
  });

  it("chooses partitions and zone counts", () => {
    expect([partitionOf("eu-west-1"), partitionOf("cn-north-1"), partitionOf("us-gov-west-1")]).toEqual(["aws", "aws-cn", "aws-us-gov"]);
    expect([2, 3, 4, 6, 9].map(availabilityZoneCount)).toEqual([2, 3, 2, 3, 3]);
  });
});

describe("formatCreatePlan", () => {
  it("describes every setting and never prints the password", () => {
    const d = domainConfig({ dedicatedMasters: { enabled: true }, instanceCount: 2, zoneAwareness: true, fineGrainedAccess: { masterUserName: "admin", masterUserPassword: { secretRef: { env: "OS_PW" } } } });
    const plan = formatCreatePlan(toCreateDomainInput(d, { masterUserPassword: "hunter2-very-secret" }), "eu-west-1", "<secret: env OS_PW>");
    expect(plan).not.toContain("hunter2");
    expect(plan.split("\n")).toEqual([
      'Plan: create OpenSearch Service domain "ids2-soc" in eu-west-1',
      "  engine             OpenSearch_2.13",
      "  data nodes         2 × t3.small.search",
      "  dedicated masters  3 × m6g.large.search",
      "  zone awareness     2 availability zones",
      "  storage            EBS gp3, 10 GiB per data node",
      "  encryption         at rest on, node-to-node on",
      "  endpoint           HTTPS only, TLS policy Policy-Min-TLS-1-2-2019-07",
      '  access control     fine-grained, internal master user "admin" (password <secret: env OS_PW>)',
      expect.stringMatching(/^ {2}access policy {6}\{"Version":"2012-10-17".*domain\/ids2-soc\/\*"\}\]\}$/),
    ]);
  });
});
