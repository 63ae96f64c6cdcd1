import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildEveIndexTemplate, buildIsmPolicy, IndexSetupOptionsError, ismPolicyDiffers } from "../../src/ship/index-setup.js";
import { BulkTestServer } from "../support/bulk-server.js";

describe("index setup bodies", () => {
  it("builds a template for <prefix>-* with typed EVE fields", () => {
    const t = buildEveIndexTemplate({ indexPrefix: "suricata", replicas: 0 }) as {
      index_patterns: string[];
      template: { settings: Record<string, unknown>; mappings: { properties: Record<string, { type?: string }> } };
    };
    expect(t.index_patterns).toEqual(["suricata-*"]);
    expect(t.template.settings).toMatchObject({ number_of_shards: 1, number_of_replicas: 0 });
    const p = t.template.mappings.properties;
    expect([p["timestamp"]?.type, p["src_ip"]?.type, p["dest_port"]?.type, p["flow_id"]?.type]).toEqual(["date", "ip", "integer", "long"]);
  });

  it("builds an ISM delete-after-N-days policy and validates retention", () => {
    const { policy } = buildIsmPolicy({ indexPrefix: "suricata", retentionDays: 30 });
    expect(JSON.stringify(policy)).toContain('"min_index_age":"30d"');
    expect(policy["ism_template"]).toEqual([{ index_patterns: ["suricata-*"], priority: 100 }]);
    expect(() => buildIsmPolicy({ indexPrefix: "s", retentionDays: 0 })).toThrow(IndexSetupOptionsError);
  });

  it("compares policies ignoring fields the cluster adds", () => {
    const { policy } = buildIsmPolicy({ indexPrefix: "suricata", retentionDays: 30 });
    const stored = {
      ...policy,
      policy_id: "eve",
      last_updated_time: 1,
      schema_version: 21,
      error_notification: null,
      ism_template: [{ index_patterns: ["suricata-*"], priority: 100, last_updated_time: 5 }],
    };
    expect(ismPolicyDiffers(stored, policy)).toBe(false);
    expect(ismPolicyDiffers(undefined, policy)).toBe(true);
    expect(ismPolicyDiffers(stored, buildIsmPolicy({ indexPrefix: "suricata", retentionDays: 7 }).policy)).toBe(true);
  });
});

describe("index setup against the test double", () => {
  let server: BulkTestServer;
  beforeEach(async () => {
    server = await BulkTestServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it("installs the template and the policy, and a second run finds nothing to change", async () => {
    const tpl = buildEveIndexTemplate({ indexPrefix: "suricata" });
    expect((await fetch(`${server.url}/_index_template/suricata-eve`, { method: "PUT", body: JSON.stringify(tpl) })).status).toBe(200);
    const desired = buildIsmPolicy({ indexPrefix: "suricata", retentionDays: 14 });
    const url = `${server.url}/_plugins/_ism/policies/suricata-retention`;
    const before = await fetch(url);
    expect(before.status).toBe(404);
    expect((await fetch(url, { method: "PUT", body: JSON.stringify(desired) })).status).toBe(201);
    const got = (await (await fetch(url)).json()) as { policy: unknown };
    expect(ismPolicyDiffers(got.policy, desired.policy)).toBe(false);
    expect(server.templates.get("suricata-eve")).toEqual(tpl);
  });
});
