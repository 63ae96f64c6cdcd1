/**
 * @soc/config — the single source of truth of the SOC stack: the zod schema, its inferred types, the loader
 * (`loadConfig` / `parseConfig`, positioned `ConfigError`s), the generated JSON Schema, redaction for
 * printouts and `explain` for field documentation.
 */
export * from "./schema/index.js";
export { editDistance, suggest } from "./suggest.js";
export { loadConfig, parseConfig, type LoadOptions, type LoadedConfig } from "./loader/load.js";
export { ConfigError, formatIssue, MAX_ISSUES, type ConfigIssue } from "./loader/errors.js";
export { ENV_PREFIX, type EnvOverride } from "./loader/env.js";
export { DEFAULT_MAX_BYTES } from "./loader/read.js";
export { MAX_ALIAS_COUNT, MAX_DEPTH } from "./loader/yaml.js";
export * from "./security/index.js";
export { toJsonSchema, JSON_SCHEMA_ID, type JsonSchema } from "./json-schema.js";
export { redact, isSecretEnvName, describeSecretRef } from "./redact.js";
export { explain, formatFieldInfo, UnknownPathError, type FieldInfo } from "./explain.js";
