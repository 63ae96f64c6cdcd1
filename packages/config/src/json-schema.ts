/**
 * The JSON Schema of the config, generated from the zod schema (never hand-written) for editors
 * (yaml-language-server: `# yaml-language-server: $schema=<path>`) and other tools. Draft-07, the draft
 * yaml-language-server and most validators support fully (https://json-schema.org/draft-07).
 * Cross-field checks (references, the resource budget, hysteresis `low < high`, HPA `max > min`) cannot be
 * expressed in JSON Schema and are only enforced by the zod schema; "a service needs image or build" is
 * expressed (`anyOf` of `required`), and so are the AWS OpenSearch domain's value rules (`if`/`then`).
 */
import { z } from "zod";
import { OpenSearchAws } from "./schema/opensearch.js";
import { Service } from "./schema/service.js";
import { SocConfigSchema } from "./schema/root.js";

/**
 * `$id` of the generated schema: a URN, since the schema is not served from any URL (editors point at the
 * file with `# yaml-language-server: $schema=<relative path>`; the package exports it as
 * `@soc/config/schema.json`).
 */
export const JSON_SCHEMA_ID = "urn:soc-stack:soc-config:v1";

/** A JSON Schema document (draft-07). */
export type JsonSchema = { [key: string]: unknown };

/**
 * The two refinements of an AWS OpenSearch domain, written as JSON Schema (they only test values, so they are
 * expressible): fine-grained access needs node-to-node encryption (`enabled` defaults to true, so it must be
 * explicitly false when `nodeToNode` is false), and a master user name needs a master user password.
 */
const OPENSEARCH_AWS_RULES = [
  {
    if: { properties: { encryption: { properties: { nodeToNode: { const: false } }, required: ["nodeToNode"] } }, required: ["encryption"] },
    then: { properties: { fineGrainedAccess: { properties: { enabled: { const: false } }, required: ["enabled"] } }, required: ["fineGrainedAccess"] },
  },
  {
    properties: {
      fineGrainedAccess: {
        anyOf: [
          { properties: { enabled: { const: false } }, required: ["enabled"] },
          { not: { properties: { masterUserName: { minLength: 1 } }, required: ["masterUserName"] } },
          { required: ["masterUserPassword"] },
        ],
      },
    },
  },
];

let cached: JsonSchema | undefined;

/**
 * The JSON Schema (draft-07) of the config file, describing the input (defaults optional, shown as
 * `default`). Deterministic: the same schema gives byte-identical `JSON.stringify` output.
 * @returns a fresh copy each call (callers may mutate it).
 */
export function toJsonSchema(): JsonSchema {
  cached ??= generate();
  return structuredClone(cached);
}

function generate(): JsonSchema {
  const body = z.toJSONSchema(SocConfigSchema, {
    io: "input",
    target: "draft-07",
    unrepresentable: "any",
    override: (ctx) => {
      // JSON Schema patterns have no flags: a flagged zod regex would silently mean something else there.
      const patterns = (ctx.zodSchema as unknown as { _zod: { bag: { patterns?: Set<RegExp> } } })._zod.bag.patterns;
      for (const p of patterns ?? []) {
        if (p.flags !== "") throw new Error(`regex ${String(p)} has flags, which JSON Schema cannot express; use character classes instead`);
      }
      if (ctx.zodSchema === Service) {
        ctx.jsonSchema.anyOf = [{ required: ["image"] }, { required: ["build"] }];
      }
      if (ctx.zodSchema === OpenSearchAws) ctx.jsonSchema.allOf = OPENSEARCH_AWS_RULES;
    },
  }) as JsonSchema;
  const { $schema, ...rest } = body;
  return {
    $schema,
    $id: JSON_SCHEMA_ID,
    title: "SOC stack config (soc-config, version 1)",
    description: "One file describes the whole stack: apps, third-party services, host budget, OpenSearch, monitoring, Kubernetes. Generated from the zod schema of @soc/config; cross-field checks (references, resource budget) run in `soc-config validate`.",
    ...rest,
  };
}
