/**
 * @soc/compose-gen — turns one @soc/config file into deployment files.
 *
 * Pipeline: config → {@link buildModel} (one normalised deployment model) → pure emitters
 * ({@link emitCompose}, {@link emitK8s}, {@link emitPrometheus}, {@link emitImages}: file name → contents) → {@link writeFiles} (the one writer).
 */
export * from "./model/index.js";
export { emitCompose, composeDocument, COMPOSE_DIR, COMPOSE_FILE } from "./emit/compose.js";
export { composeBytes } from "./emit/compose-service.js";
export { toYaml, type ToYamlOptions } from "./emit/yaml.js";
export { generateCompose, generatePrometheus, type Generated } from "./generate.js";
export * from "./prometheus/index.js";
export * from "./images/index.js";
export { writeFiles, UnsafePathError, WRITE_CONCURRENCY, type WrittenFile } from "./write.js";
export { servicesStartedBy } from "./compose-profiles.js";
export { lintModel, lintComposeFiles, lintFails, generationErrors, SecurityGateError, GENERATED_WAIVERS, HOST_PROC_WAIVER, effectiveWaivers, composeWaivers, WAIVE_KEY, type LintFinding, type LintReport, type LintModelOptions, type ServiceScore } from "./lint/lint.js";
export { modelContainerFacts, modelFieldPath } from "./lint/facts-from-model.js";
export { composeServiceFacts, composeFieldPath, mountFact, portFact, envFacts, type FactNote } from "./lint/facts-from-compose.js";
export { toSarif, SECURITY_SEVERITY, type SarifOptions } from "./lint/sarif.js";
export { toJsonReport, toMarkdown, toTable, summaryLine } from "./lint/report.js";
export { securityGate } from "./generate.js";
export { parseComposeFile, withoutTags, ComposeReset, ComposeOverride, ComposeParseError, type ComposeFile } from "./import/compose-yaml.js";
export { emitK8s, k8sFiles, objectFileName, K8S_DIR } from "./emit/k8s.js";
export { buildK8sObjects, envRefsToFiles, K8sObjectError, KIND_ORDER, CLAIM_SIZE, type K8sObject, type K8sOutput, type K8sNote } from "./k8s/objects.js";
export { k8sYaml } from "./emit/k8s-yaml.js";
export { k8sSettings, type K8sSettings } from "./k8s/settings.js";
export { generateK8s, k8sOf, type GeneratedK8s } from "./k8s/generate.js";
export { planWorkloads, unsupportedReasons, isSensitiveHostPath, type UnsupportedContainer, type WorkloadPlan } from "./k8s/support.js";
export { probesOf, httpCheckOf, MIN_PROBE_TIMEOUT, type Probes } from "./k8s/probes.js";
export { securityOf, parseUser, DEFAULT_UID, DANGEROUS_CAPABILITIES } from "./k8s/security.js";
export { networkPolicies } from "./k8s/network-policy.js";
export { durationSeconds, cpuQuantity, memoryQuantity, splitCommand } from "./k8s/units.js";
export { generateAll, GENERATED_DIRS, type GenerateAllOptions } from "./commands/all.js";
export { checkDrift, compareFile, USER_FILES, type Drift } from "./commands/check.js";
export { importCompose, renderImportedConfig, configName, type ImportOptions, type ImportResult } from "./import/import.js";
export { mergeComposeData, mergeValue, resolveExtends, normalizeServiceForms, ExtendsError, type ImportNote } from "./import/merge.js";
export { importService, type ServiceContext } from "./import/service.js";
