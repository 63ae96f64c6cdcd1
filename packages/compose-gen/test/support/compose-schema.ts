/**
 * The vendored compose-spec JSON Schema compiled with ajv, with the settings of the upstream harness
 * (see schemas/README.md).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let cached: ValidateFunction | undefined;

/** Returns ajv's error lines for `doc` against the compose-spec schema (empty when valid). */
export function composeSchemaErrors(doc: unknown): string[] {
  if (cached === undefined) {
    const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../schemas/compose-spec.json"), "utf8")) as Record<string, unknown>;
    delete schema.$schema;
    delete schema.$id;
    cached = ajv.compile(schema);
  }
  return cached(doc) ? [] : (cached.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
