/**
 * Config → files in one call: builds the model once and runs an emitter on it. Pure (no IO); the CLI loads
 * the config before and writes the files after (see `write.ts`).
 */
import type { SocConfig } from "@soc/config";
import { emitCompose } from "./emit/compose.js";
import { generationErrors, lintModel, SecurityGateError, type LintReport } from "./lint/lint.js";
import { buildModel, type BuildModelOptions } from "./model/build.js";
import type { DeploymentModel } from "./model/types.js";
import { emitPrometheus } from "./prometheus/config.js";
import { prometheusSettings } from "./prometheus/settings.js";

/** The model and the files emitted from it (path relative to the output folder → contents). */
export interface Generated {
  model: DeploymentModel;
  files: Map<string, string>;
  /** The security lint of the model (findings located in the config); see {@link securityGate}. */
  security: LintReport;
}

/**
 * The security gate every generate command runs: lints the model and throws when an unwaived critical
 * finding is present ("errors stop generation unless waived"); high and lower findings come back in the
 * report for the CLI to print as warnings.
 * @param configFile the config's name for finding locations
 * @throws {SecurityGateError} listing the unwaived critical findings
 */
export function securityGate(model: DeploymentModel, config: SocConfig, configFile?: string): LintReport {
  const report = lintModel(model, { config, ...(configFile !== undefined ? { file: configFile } : {}) });
  const errors = generationErrors(report);
  if (errors.length) throw new SecurityGateError(errors);
  return report;
}

/**
 * Generates the Compose output of `config`.
 * @throws {ModelError} see `buildModel`
 * @throws {SecurityGateError} see {@link securityGate}
 */
export function generateCompose(config: SocConfig, opts: BuildModelOptions): Generated {
  const model = buildModel(config, opts);
  const security = securityGate(model, config, opts.configFile);
  return { model, files: emitCompose(model), security };
}

/**
 * Generates the Prometheus output of `config`: `prometheus/prometheus.yml` and
 * `prometheus/rules/soc-stack.rules.yml` (see `emitPrometheus`).
 * @throws {ModelError} see `buildModel`
 * @throws {SecurityGateError} see {@link securityGate}
 * @throws {PrometheusSettingsError} see `prometheusSettings`
 */
export function generatePrometheus(config: SocConfig, opts: BuildModelOptions): Generated {
  const model = buildModel(config, opts);
  const security = securityGate(model, config, opts.configFile);
  return { model, files: emitPrometheus(model, prometheusSettings(config)), security };
}
