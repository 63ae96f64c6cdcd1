/**
 * @soc/config — the single source of truth of the SOC stack: the zod schema, its inferred types and
 * (from the loader) `loadConfig` / `parseConfig`.
 */
export * from "./schema/index.js";
export { editDistance, suggest } from "./suggest.js";
