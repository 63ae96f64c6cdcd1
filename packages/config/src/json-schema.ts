/**
 * The JSON Schema of the config, generated from the zod schema (never hand-written) for editors
 * (yaml-language-server: `# yaml-language-server: $schema=<path>`) and other tools. Draft-07, the draft
 * yaml-language-server and most validators support fully (https://json-schema.org/draft-07).
 * Cross-field checks (references, the resource budget, hysteresis `low < high`, HPA `max > min`) cannot be
 * expressed in JSON Schema and are only enforced by the zod schema; "a service needs image or build" is
 * expressed (`anyOf` of `required`).
 */
import { z } from "zod";
import { Service } from "./schema/service.js";
import { SocConfigSchema } from "./schema/root.js";

/** `$id` of the generated schema. */
export const JSON_SCHEMA_ID = "https://github.com/soc-stack/soc-stack/raw/main/packages/config/schema/soc-config.schema.json";

/** A JSON Schema document (draft-07). */
export type JsonSchema = { [key: string]: unknown };

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
