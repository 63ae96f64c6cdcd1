/**
 * @soc/compose-gen — turns one @soc/config file into deployment files.
 *
 * Pipeline: config → {@link buildModel} (one normalised deployment model) → pure emitters
 * ({@link emitCompose}: file name → contents) → {@link writeFiles} (the one writer).
 */
export * from "./model/index.js";
export { emitCompose, composeDocument, COMPOSE_DIR, COMPOSE_FILE } from "./emit/compose.js";
export { composeBytes } from "./emit/compose-service.js";
export { toYaml, type ToYamlOptions } from "./emit/yaml.js";
export { generateCompose, type Generated } from "./generate.js";
export { writeFiles, UnsafePathError, type WrittenFile } from "./write.js";
export { servicesStartedBy } from "./compose-profiles.js";
