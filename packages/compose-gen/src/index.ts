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
export { lintModel, lintComposeFiles, lintFails, generationErrors, SecurityGateError, GENERATED_WAIVERS, type LintFinding, type LintReport, type LintModelOptions, type ServiceScore } from "./lint/lint.js";
export { modelContainerFacts, modelFieldPath } from "./lint/facts-from-model.js";
export { composeServiceFacts, composeFieldPath, mountFact, portFact, envFacts, type FactNote } from "./lint/facts-from-compose.js";
export { toSarif, SECURITY_SEVERITY, type SarifOptions } from "./lint/sarif.js";
export { toJsonReport, toMarkdown, toTable, summaryLine } from "./lint/report.js";
export { securityGate } from "./generate.js";
export { parseComposeFile, withoutTags, ComposeReset, ComposeOverride, ComposeParseError, type ComposeFile } from "./import/compose-yaml.js";
