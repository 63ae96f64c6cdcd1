/**
 * Where EVE events go: an existing OpenSearch endpoint (basic auth or SigV4), or an Amazon OpenSearch
 * Service domain that `edge-agent opensearch create-domain` provisions.
 * Source: https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_CreateDomain.html
 */
import { z } from "zod";
import { SecretRef } from "./primitives.js";

const common = {
  indexPrefix: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a lowercase index prefix (OpenSearch index names are lowercase)").default("suricata")
    .describe("Daily indices are <indexPrefix>-<event_type>-YYYY.MM.DD."),
  retentionDays: z.number().int().min(1).max(3650).default(30).describe("ISM policy deletes indices older than this."),
};

const AwsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "expected an AWS region such as eu-west-1");

/** Authentication to an OpenSearch endpoint. */
export const EndpointAuth = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({ type: z.literal("basic"), username: z.string().min(1), password: SecretRef }),
  z.strictObject({
    type: z.literal("sigv4"),
    region: AwsRegion,
    service: z.enum(["es", "aoss"]).default("es").describe("es = OpenSearch Service domain, aoss = OpenSearch Serverless."),
  }),
]);

/** An existing cluster reached by URL. */
export const OpenSearchEndpoint = z.strictObject({
  mode: z.literal("endpoint"),
  url: z.url({ protocol: /^https?$/, error: "expected an http(s) URL such as https://opensearch:9200" }),
  auth: EndpointAuth.default({ type: "none" }),
  tls: z.strictObject({ caFile: z.string().optional(), insecureSkipVerify: z.boolean().default(false) }).prefault({}),
  ...common,
});

/** An Amazon OpenSearch Service domain described here and provisioned by the edge agent's CLI. */
export const OpenSearchAws = z
  .strictObject({
    mode: z.literal("aws"),
    region: AwsRegion,
    domainName: z.string().regex(/^[a-z][a-z0-9-]{2,27}$/, "expected 3-28 characters: lowercase letters, digits and '-', starting with a letter"),
    engineVersion: z.string().regex(/^(OpenSearch|Elasticsearch)_\d+\.\d+$/, "expected e.g. OpenSearch_2.13").default("OpenSearch_2.13"),
    instanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+\.search$/, "expected e.g. t3.small.search").default("t3.small.search"),
    instanceCount: z.number().int().min(1).default(1),
    dedicatedMasters: z.strictObject({ enabled: z.boolean().default(false), type: z.string().default("m6g.large.search"), count: z.union([z.literal(3), z.literal(5)]).default(3) }).prefault({}),
    zoneAwareness: z.boolean().default(false),
    ebs: z.strictObject({ volumeType: z.enum(["gp3", "gp2", "io1", "standard"]).default("gp3"), volumeSizeGiB: z.number().int().min(10).default(10) }).prefault({}),
    encryption: z.strictObject({ atRest: z.boolean().default(true), nodeToNode: z.boolean().default(true), enforceHttps: z.boolean().default(true) }).prefault({}),
    fineGrainedAccess: z
      .strictObject({
        enabled: z.boolean().default(true),
        masterUserArn: z.string().startsWith("arn:").optional(),
        masterUserName: z.string().optional(),
        masterUserPassword: SecretRef.optional(),
      })
      .prefault({}),
    ...common,
  })
  .superRefine((d, ctx) => {
    if (d.encryption.nodeToNode === false && d.fineGrainedAccess.enabled) {
      ctx.addIssue({ code: "custom", path: ["encryption", "nodeToNode"], message: "fine-grained access control requires node-to-node encryption" });
    }
    if (d.fineGrainedAccess.enabled && d.fineGrainedAccess.masterUserName && !d.fineGrainedAccess.masterUserPassword) {
      ctx.addIssue({ code: "custom", path: ["fineGrainedAccess", "masterUserPassword"], message: "masterUserName needs masterUserPassword (a secretRef)" });
    }
  });

/** The `opensearch` section. */
export const OpenSearch = z.discriminatedUnion("mode", [OpenSearchEndpoint, OpenSearchAws]);
