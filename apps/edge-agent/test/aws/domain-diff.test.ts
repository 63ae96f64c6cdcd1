import { describe, expect, it } from "vitest";
import { diffDomain } from "../../src/aws/domain-diff.js";
import { toCreateDomainInput } from "../../src/aws/domain-input.js";
import { formatDiff } from "../../src/aws/plan-format.js";
import { domainConfig, statusFor } from "./support.js";

describe("diffDomain", () => {
  const desired = toCreateDomainInput(domainConfig());

  it("finds nothing to change when AWS reports the desired config (policy re-serialised, extra fields)", () => {
    const diff = diffDomain(statusFor(desired), desired);
    expect(diff.changes).toEqual([]);
    expect(diff.update).toBeUndefined();
    expect(diff.engineUpgrade).toBeUndefined();
    expect(diff.notes).toEqual([expect.stringContaining("master user is not returned")]);
  });

  it("sends only changed fields, with the fields AWS reads together with them", () => {
    const wanted = toCreateDomainInput(domainConfig({ instanceCount: 4, zoneAwareness: true, ebs: { volumeSizeGiB: 50 }, dedicatedMasters: { enabled: true } }));
    const diff = diffDomain(statusFor(desired), wanted);
    expect(diff.changes.map((c) => c.path)).toEqual([
      "ClusterConfig.InstanceCount",
      "ClusterConfig.DedicatedMasterEnabled",
      "ClusterConfig.ZoneAwarenessEnabled",
      "ClusterConfig.DedicatedMasterType",
      "ClusterConfig.DedicatedMasterCount",
      "ClusterConfig.ZoneAwarenessConfig.AvailabilityZoneCount",
      "EBSOptions.VolumeSize",
    ]);
    expect(diff.update).toEqual({
      DomainName: "ids2-soc",
      ClusterConfig: {
        InstanceCount: 4, DedicatedMasterEnabled: true, DedicatedMasterType: "m6g.large.search", DedicatedMasterCount: 3,
        ZoneAwarenessEnabled: true, ZoneAwarenessConfig: { AvailabilityZoneCount: 2 },
      },
      EBSOptions: { EBSEnabled: true, VolumeSize: 50 },
    });
  });

  it("reports an engine version change as an upgrade and never sends it", () => {
    const wanted = toCreateDomainInput(domainConfig({ engineVersion: "OpenSearch_2.17" }));
    const diff = diffDomain(statusFor(desired), wanted);
    expect(diff.engineUpgrade).toEqual({ from: "OpenSearch_2.13", to: "OpenSearch_2.17" });
    expect(diff.update).toBeUndefined();
    expect(formatDiff("ids2-soc", diff)).toContain("EngineVersion: OpenSearch_2.13 → OpenSearch_2.17 is an upgrade, not applied by create-domain");
  });

  it("updates encryption, endpoint options, the access policy and the whole security block when they differ", () => {
    const actual = statusFor(desired, {
      EncryptionAtRestOptions: { Enabled: false },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" },
      AdvancedSecurityOptions: { Enabled: false },
      AccessPolicies: "",
    });
    const diff = diffDomain(actual, desired);
    expect(diff.update).toEqual({
      DomainName: "ids2-soc",
      EncryptionAtRestOptions: { Enabled: true },
      DomainEndpointOptions: { TLSSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
      AdvancedSecurityOptions: desired.AdvancedSecurityOptions,
      AccessPolicies: desired.AccessPolicies,
    });
    const text = formatDiff("ids2-soc", diff);
    expect(text).toContain('~ DomainEndpointOptions.TLSSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" → "Policy-Min-TLS-1-2-2019-07"');
    expect(text).toContain("~ AccessPolicies: (unset) → {");
  });

  it("redacts the master password in the diff text", () => {
    const wanted = toCreateDomainInput(domainConfig({ fineGrainedAccess: { masterUserName: "admin", masterUserPassword: { secretRef: { env: "P" } } } }), { masterUserPassword: "top-secret-pw" });
    const diff = diffDomain(statusFor(desired), wanted);
    expect(diff.update?.AdvancedSecurityOptions?.MasterUserOptions?.MasterUserPassword).toBe("top-secret-pw");
    const text = formatDiff("ids2-soc", diff);
    expect(text).toContain("AdvancedSecurityOptions.InternalUserDatabaseEnabled: false → true");
    expect(text).not.toContain("top-secret-pw");
  });
});
